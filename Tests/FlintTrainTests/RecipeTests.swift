import Flint
import FlintData
import FlintIO
import FlintNN
import FlintOptim
@testable import FlintTrain
import Foundation
import Testing

@Suite struct RecipeTests {
    @Test func everyRecipeBuildsAModelWithTheRightOutputShape() throws {
        Flint.seed(0)
        let tabular = try Recipe.logistic.build(inputShape: [4], outputCount: 3, options: .defaults(for: .logistic))
        #expect(tabular(Tensor.zeros([5, 4])).shape == [5, 3])
        let mlp = try Recipe.mlp.build(inputShape: [1, 8, 8], outputCount: 10, options: RecipeOptions(hiddenSizes: [32, 16], dropout: 0.1))
        #expect(mlp(Tensor.zeros([2, 64])).shape == [2, 10])
        #expect(mlp.namedParameters().map(\.name) == ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"])
        for side in [8, 28] {
            for recipe in [Recipe.cnn, .resnetSmall] {
                let model = try recipe.build(inputShape: [1, side, side], outputCount: 10, options: .defaults(for: recipe))
                model.eval()
                #expect(model(Tensor.randn([2, 1, side, side])).shape == [2, 10], "\(recipe) on \(side)x\(side)")
            }
        }
        let regression = try Recipe.mlp.build(inputShape: [10], outputCount: 1, options: .defaults(for: .mlp))
        #expect(regression(Tensor.zeros([3, 10])).shape == [3, 1])
    }

    @Test func cnnIsConvBatchNormReLUBlocksThenLinear() throws {
        let model = try Recipe.cnn.build(inputShape: [1, 28, 28], outputCount: 10, options: RecipeOptions(channels: [8, 16], dropout: 0))
        let layers = try #require(model as? Sequential).layers
        let kinds = layers.map { String(describing: type(of: $0)) }
        #expect(kinds == ["Conv2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d",
                          "Conv2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d", "Flatten", "Linear"])
        let head = try #require(layers.last as? Linear)
        #expect(head.inputFeatures == 16 * 7 * 7)
        // 8x8 digits: two blocks leave 2x2.
        let small = try Recipe.cnn.build(inputShape: [1, 8, 8], outputCount: 10, options: RecipeOptions(channels: [8, 16]))
        #expect(((small as? Sequential)?.layers.last as? Linear)?.inputFeatures == 16 * 2 * 2)
    }

    @Test func residualBlockMatchesTorchvisionKeysAndShapes() {
        Flint.seed(1)
        let identity = ResidualBlock(8, 8)
        #expect(identity.downsample == nil)
        #expect(identity.namedParameters().map(\.name) == ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "bn2.weight", "bn2.bias"])
        let projecting = ResidualBlock(8, 16, stride: 2)
        #expect(projecting.namedParameters().map(\.name).suffix(3) == ["downsample.0.weight", "downsample.1.weight", "downsample.1.bias"])
        #expect(projecting.namedBuffers().map(\.name).contains("downsample.1.running_mean"))
        #expect(projecting(Tensor.randn([2, 8, 7, 7])).shape == [2, 16, 4, 4])
        #expect(projecting.layerDescription == "ResidualBlock(8 => 16, stride: 2)")
        // Gradients reach every parameter, through both paths.
        let input = Tensor.randn([2, 8, 6, 6])
        projecting(input).sum().backward()
        for (name, parameter) in projecting.namedParameters() {
            #expect(parameter.grad != nil, "\(name) has no gradient")
        }
    }

    @Test func residualBlockAddsTheIdentityShortcut() {
        Flint.seed(2)
        let block = ResidualBlock(4, 4)
        block.eval()
        // With the second BatchNorm's scale and shift at zero the residual path vanishes: relu(x).
        withoutGradients {
            block.bn2.weight!.value.copy(from: Tensor.zeros([4]))
            block.bn2.bias!.value.copy(from: Tensor.zeros([4]))
        }
        let input = Tensor.randn([1, 4, 5, 5])
        let output = block(input).scalars(as: Float.self)
        let expected = input.relu().scalars(as: Float.self)
        #expect(zip(output, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func unknownRecipesAndBadOptionsAreClearErrors() throws {
        #expect(throws: RecipeError("unknown recipe 'vgg'; the recipes are: logistic, mlp, cnn, resnet-small")) {
            try Recipe.named("vgg")
        }
        let named = try Recipe.named("resnet-small")
        #expect(named == .resnetSmall)
        #expect(throws: RecipeError.self) { try Recipe.cnn.build(inputShape: [4], outputCount: 3, options: .defaults(for: .cnn)) }
        #expect(throws: RecipeError("recipe 'mlp': dropout must be in [0, 1), got 1.5")) {
            try Recipe.mlp.build(inputShape: [4], outputCount: 3, options: RecipeOptions(dropout: 1.5))
        }
        #expect(throws: RecipeError.self) {
            try Recipe.cnn.build(inputShape: [1, 8, 8], outputCount: 10, options: RecipeOptions(channels: [4, 4, 4, 4]))
        }
        #expect(throws: RecipeError.self) {
            try Recipe.mlp.build(inputShape: [4], outputCount: 3, options: RecipeOptions(hiddenSizes: [8, 0]))
        }
        #expect(throws: RecipeError.self) { try Recipe.logistic.build(inputShape: [4], outputCount: 0, options: RecipeOptions()) }
        let listing = Recipe.listing
        for recipe in Recipe.allCases { #expect(listing.contains("  \(recipe.rawValue)  ")) }
        #expect(listing.split(separator: "\n").count == Recipe.allCases.count)
    }

    @Test func configRoundTripsThroughJSONAndRebuildsTheSameModel() throws {
        Flint.seed(3)
        let config = ModelConfig(recipe: .cnn, options: RecipeOptions(channels: [4, 8], dropout: 0.2), inputShape: [1, 8, 8],
                                 task: .classification, outputCount: 10, classNames: (0..<10).map(String.init),
                                 preprocessing: .pixelScaling(maximum: 16), datasetName: "digits",
                                 split: DataSplitSpec(validationFraction: 0.1, testFraction: 0.2, seed: 42))
        let data = try JSONEncoder().encode(config)
        let decoded = try JSONDecoder().decode(ModelConfig.self, from: data)
        #expect(decoded == config)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"recipe\":\"cnn\"") && text.contains("\"task\":\"classification\"") && text.contains("\"pixelMaximum\":16"))
        let original = try config.buildModel()
        let rebuilt = try decoded.buildModel()
        try rebuilt.loadStateDictionary(original.stateDictionary())
        original.eval(); rebuilt.eval()
        let input = Tensor.rand([3, 1, 8, 8])
        #expect(original(input).scalars(as: Float.self) == rebuilt(input).scalars(as: Float.self))
    }

    @Test func configValidationCatchesContradictions() throws {
        var config = ModelConfig(recipe: .mlp, inputShape: [4], task: .classification, outputCount: 3, classNames: ["a", "b"])
        #expect(throws: RecipeError("2 class names for 3 outputs")) { try config.validate() }
        config.classNames = nil
        try config.validate()
        config.preprocessing = Preprocessing(featureMean: [0, 0], featureScale: [1, 1])
        #expect(throws: RecipeError.self) { try config.validate() }
        config.preprocessing = .identity
        config.task = .regression
        #expect(throws: RecipeError("a regression model has one output, got outputCount 3")) { try config.validate() }
        config.formatVersion = 99
        #expect(throws: RecipeError.self) { try config.validate() }
        let badTask = Data(#"{"formatVersion":1,"recipe":"mlp","options":{"hiddenSizes":[],"channels":[],"blocksPerStage":1,"dropout":0},"inputShape":[4],"task":"ranking","outputCount":3,"preprocessing":{}}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ModelConfig.self, from: badTask) }
    }

    @Test func preprocessingStandardizesWithTrainingStatisticsOrScalesPixels() {
        let train = Tensor([[1.0, 10.0], [3.0, 10.0]])
        let standardize = Preprocessing.standardization(fittedOn: train)
        #expect(standardize.featureMean == [2, 10])
        #expect(standardize.featureScale == [1, 1])  // population deviation 1; the constant feature gets 1
        #expect(standardize.apply(Tensor([[5.0, 12.0]])).scalars(as: Float.self) == [3, 2])
        #expect(standardize.apply(train).dtype == .float32)
        let pixels = Preprocessing.pixelScaling(maximum: 16).apply(Tensor([[0.0, 8.0, 16.0]]))
        #expect(pixels.scalars(as: Float.self) == [0, 0.5, 1])
    }

    @Test func cnnRecipeLearnsDigits() throws {
        Flint.seed(11)
        let data = try TrainingData.prepare(try DataSource("digits").load(), datasetName: "digits", recipe: .cnn,
                                            options: RecipeOptions(channels: [16, 32], dropout: 0.1), validationFraction: 0, seed: 5)
        let model = try data.config.buildModel()
        let optimizer = Adam(model.namedParameters(), learningRate: 3e-3)
        let loader = try DataLoader(data.train.dataset(), batchSize: 64, shuffle: true, seed: 5)
        let started = Date()
        for epoch in 0..<2 {
            loader.epoch = epoch
            model.train()
            for batch in loader {
                optimizer.zeroGrad()
                let loss = Loss.crossEntropy(model(batch.inputs), batch.targets)
                loss.backward()
                optimizer.step()
            }
        }
        let metrics = try RunEvaluation.evaluate(model: model, config: data.config, data: data.test)
        print("digits cnn: \(metrics) in \(Date().timeIntervalSince(started)) s")
        #expect(metrics["accuracy"]! >= 0.97)
    }
}
