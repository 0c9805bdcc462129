import Flint
import FlintData
import FlintNN
@testable import FlintTrain
import Foundation
import Testing

@Suite struct RunDirectoryDataTests {
    @Test func namesAreBundledDatasetsAndOtherArgumentsArePaths() {
        #expect(DataSource("iris") == .bundled("iris"))
        #expect(DataSource("data/iris.csv") == .file(URL(fileURLWithPath: "data/iris.csv"), labels: nil, targetColumn: nil))
        #expect(DataSource("x.npy", labels: "y.npy") == .file(URL(fileURLWithPath: "x.npy"), labels: URL(fileURLWithPath: "y.npy"), targetColumn: nil))
        #expect(DataSource("iris").description == "iris")
    }

    @Test func tabularDataIsSplitStratifiedAndStandardizedOnTheTrainingRowsOnly() throws {
        let data = try TrainingData.prepare(try DataSource("iris").load(), datasetName: "iris", recipe: .mlp,
                                            validationFraction: 0.1, testFraction: 0.2, seed: 4)
        #expect(data.train.count == 105 && data.validation?.count == 15 && data.test.count == 30)
        #expect(data.train.inputs.shape == [105, 4] && data.train.inputs.dtype == .float32)
        #expect(data.train.targets.dtype == .int64)
        let trainMeans = data.train.inputs.mean(axis: 0).scalars(as: Float.self)
        #expect(trainMeans.allSatisfy { abs($0) < 1e-5 })
        let testMeans = data.test.inputs.mean(axis: 0).scalars(as: Float.self)
        #expect(testMeans.contains { abs($0) > 1e-3 })
        let testCounts = data.test.targets.scalars(as: Int64.self).reduce(into: [0, 0, 0]) { $0[Int($1)] += 1 }
        #expect(testCounts == [10, 10, 10])
        let config = data.config
        #expect(config.inputShape == [4] && config.outputCount == 3 && config.classNames?.count == 3)
        #expect(config.preprocessing.featureMean?.count == 4 && config.preprocessing.pixelMaximum == nil)
        #expect(config.split == DataSplitSpec(validationFraction: 0.1, testFraction: 0.2, seed: 4))
        // The recorded split finds the same test rows again.
        let again = try config.prepare(try config.split!.rows(.test, of: try DataSource("iris").load()))
        #expect(again.inputs.scalars(as: Float.self) == data.test.inputs.scalars(as: Float.self))
    }

    @Test func imagesAreShapedForConvolutionalRecipesAndScaledByThePixelMaximum() throws {
        let loaded = try DataSource("digits").load()
        let cnn = try TrainingData.prepare(loaded, datasetName: "digits", recipe: .cnn, validationFraction: 0, seed: 1)
        #expect(cnn.validation == nil)
        #expect(cnn.train.inputs.shape.dropFirst() == [1, 8, 8])
        #expect(cnn.config.preprocessing == .pixelScaling(maximum: 16))
        #expect(cnn.train.inputs.max().item(as: Float.self) == 1)
        let mlp = try TrainingData.prepare(loaded, datasetName: "digits", recipe: .mlp, seed: 1)
        #expect(mlp.config.inputShape == [64])
        #expect(throws: RunDirectoryError.self) {
            try TrainingData.prepare(try DataSource("iris").load(), datasetName: "iris", recipe: .cnn)
        }
        #expect(throws: RunDirectoryError.self) {
            try TrainingData.prepare(loaded, datasetName: "digits", recipe: .mlp, validationFraction: 0.5, testFraction: 0.5)
        }
    }

    @Test func csvTargetsBecomeClassesOrValues() throws {
        let folder = temporaryFolder("csv")
        let names = writeText("a,b,species\n1,2,cat\n2,3,dog\n3,4,cat\n", "names.csv", in: folder)
        let loaded = try DataSource(names.path).load()
        #expect(loaded.data.classNames == ["cat", "dog"])
        #expect(loaded.data.targets.scalars(as: Int64.self) == [0, 1, 0])
        #expect(loaded.targetName == "species")
        #expect(loaded.data.featureNames == ["a", "b"])

        let numbers = writeText("label,x\n2,0.5\n0,1.5\n", "numbers.csv", in: folder)
        let numeric = try DataSource(numbers.path, targetColumn: "label").load()
        // Whole-number labels are class names in sorted order (scikit-learn's LabelEncoder).
        #expect(numeric.data.classNames == ["0", "2"])
        #expect(numeric.data.targets.scalars(as: Int64.self) == [1, 0])
        #expect(numeric.data.features.scalars(as: Double.self) == [0.5, 1.5])

        let values = writeText("x,y\n1,0.25\n2,3.5\n", "values.csv", in: folder)
        #expect(try DataSource(values.path).load().data.task == .regression)
        let noHeader = writeText("1,2,0\n3,4,1\n", "plain.csv", in: folder)
        let plain = try DataSource(noHeader.path).load()
        #expect(plain.data.featureNames == ["0", "1"] && plain.data.classNames == ["0", "1"])
    }

    @Test func badLabelsAreErrorsNamingTheRecord() throws {
        let folder = temporaryFolder("labels")
        let fractional = writeText("x,label\n1,0\n2,1\n3,2.5\n", "fractional.csv", in: folder)
        do {
            _ = try DataSource(fractional.path).load(task: .classification)
            Issue.record("expected an error")
        } catch let error as RunDirectoryError {
            #expect(error.kind == .invalidLabel)
            #expect(error.description == "\(fractional.path): record 3 (line 4), column 'label': label '2.5' is not a whole number; class labels are whole numbers or text (use --task regression for a numeric target)")
        }
        let outOfRange = writeText("x,label\n1,0\n2,7\n", "range.csv", in: folder)
        do {
            _ = try DataSource(outOfRange.path).load(task: .classification, classNames: ["a", "b", "c"])
            Issue.record("expected an error")
        } catch let error as RunDirectoryError {
            #expect(error.description.contains("record 2 (line 3)"))
            #expect(error.description.contains("label 7 is out of range; labels must be 0...2 (the model has 3 classes)"))
        }
        let unknownName = writeText("x,label\n1,cat\n2,emu\n", "names.csv", in: folder)
        #expect(throws: RunDirectoryError.self) { try DataSource(unknownName.path).load(classNames: ["cat", "dog"]) }
        let negative = writeText("x,label\n1,-1\n", "negative.csv", in: folder)
        #expect(try DataSource(negative.path).load(task: .classification).data.classNames == ["-1"])
        #expect(throws: RunDirectoryError.self) { try DataSource(negative.path).load(classNames: ["0", "1"]) }
        #expect(throws: RunDirectoryError.self) { try DataSource(negative.path, targetColumn: "nope").load() }
        // A non-numeric feature is the CSV reader's error, with line and column.
        let text = writeText("x,label\n1,0\nabc,1\n", "text.csv", in: folder)
        #expect(throws: DataFileError.self) { try DataSource(text.path).load() }
        #expect(throws: RunDirectoryError.self) { try DataSource(folder.appendingPathComponent("absent.csv").path).load() }
        #expect(throws: RunDirectoryError.self) { try DataSource(writeText("", "data.parquet", in: folder).path).load() }
    }

    @Test func npyAndIDXArraysLoadWithTheirLabels() throws {
        let folder = temporaryFolder("arrays")
        let images = Tensor((0..<(6 * 4 * 4)).map { UInt8($0 % 256) }, shape: [6, 4, 4])
        let labels = Tensor([0, 1, 2, 0, 1, 2] as [Int64])
        let imageURL = folder.appendingPathComponent("images-idx3-ubyte.gz")
        try IDXFile.write(images, to: imageURL, compressed: true)
        let labelURL = folder.appendingPathComponent("labels.npy")
        try NumPyFile.writeArray(labels, to: labelURL)
        let loaded = try DataSource(imageURL.path, labels: labelURL.path).load()
        #expect(loaded.data.imageShape == [1, 4, 4] && loaded.data.pixelMaximum == 255)
        #expect(loaded.data.classNames == ["0", "1", "2"])
        let data = try TrainingData.prepare(loaded, datasetName: imageURL.path, recipe: .cnn, options: RecipeOptions(channels: [2]),
                                            validationFraction: 0, testFraction: 0.5, seed: 0)
        #expect(data.train.inputs.shape == [3, 1, 4, 4])
        #expect(throws: RunDirectoryError.self) { try DataSource(imageURL.path).load() }
        let short = folder.appendingPathComponent("short.npy")
        try NumPyFile.writeArray(Tensor([0, 1] as [Int64]), to: short)
        #expect(throws: RunDirectoryError.self) { try DataSource(imageURL.path, labels: short.path).load() }
        let archive = folder.appendingPathComponent("data.npz")
        try NumPyFile.writeArchive(["x": Tensor([[1.0, 2.0], [3.0, 4.0]]), "y": Tensor([1.5, 2.5])], to: archive)
        #expect(try DataSource(archive.path).load().data.task == .regression)
    }

    @Test func predictionFeaturesComeFromCSVNPYAndIDXWithTheModelsFeatureCount() throws {
        let folder = temporaryFolder("features")
        let config = ModelConfig(recipe: .mlp, inputShape: [2], task: .classification, outputCount: 2, classNames: ["no", "yes"],
                                 featureNames: ["a", "b"], targetName: "label")
        // Columns picked by name, the target dropped, order from the training names.
        let named = writeText("b,label,a\n2,yes,1\n4,no,3\n", "named.csv", in: folder)
        #expect(try config.readFeatures(named).scalars(as: Double.self) == [1, 2, 3, 4])
        let plain = writeText("1,2\n3,4\n", "plain.csv", in: folder)
        #expect(try config.readFeatures(plain).shape == [2, 2])
        let wide = writeText("x,y,z\n1,2,3\n", "wide.csv", in: folder)
        do {
            _ = try config.readFeatures(wide)
            Issue.record("expected an error")
        } catch let error as RunDirectoryError {
            #expect(error.description == "\(wide.path) has 3 feature columns but the model takes 2 (a, b)")
        }
        let array = folder.appendingPathComponent("rows.npy")
        try NumPyFile.writeArray(Tensor([[1.0, 2.0, 3.0]]), to: array)
        #expect(throws: RunDirectoryError.self) { try config.readFeatures(array) }
        let image = ModelConfig(recipe: .cnn, inputShape: [1, 2, 2], task: .classification, outputCount: 2,
                                preprocessing: .pixelScaling(maximum: 255))
        let one = folder.appendingPathComponent("one.npy")
        try NumPyFile.writeArray(Tensor([[[0, 255], [255, 0]]] as [[[Float]]]), to: one)
        let features = try image.readFeatures(one)
        #expect(features.shape == [1, 4])
        #expect(try image.modelInputs(features).scalars(as: Float.self) == [0, 1, 1, 0])
        #expect(try image.modelInputs(features).shape == [1, 1, 2, 2])
    }

    @Test func evaluationAndPredictionsUseTheModelsOutputs() throws {
        let (_, model, data) = try makeRun(at: temporaryFolder(), dataset: "iris", recipe: .mlp, steps: 60)
        let metrics = try RunEvaluation.evaluate(model: model, config: data.config, data: data.test, batchSize: 7)
        #expect(Set(metrics.keys) == ["accuracy", "f1_macro", "log_loss"])
        #expect(metrics["accuracy"]! >= 0.8)
        let predictions = RunPredictions.predict(model: model, config: data.config, inputs: data.test.inputs[0..<3], batchSize: 2)
        #expect(predictions.count == 3)
        let probabilities = try #require(predictions.probabilities)
        #expect(probabilities.allSatisfy { abs($0.reduce(0, +) - 1) < 1e-9 && $0.count == 3 })
        let csvLines = predictions.csv().split(separator: "\n")
        #expect(csvLines[0] == "row,class,class_index,probability_setosa,probability_versicolor,probability_virginica")
        #expect(csvLines.count == 4)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(predictions.json().utf8)) as? [[String: Any]])
        #expect(parsed.count == 3)
        #expect((parsed[0]["probabilities"] as? [String: Double])?.count == 3)
        #expect(parsed[0]["class"] as? String == data.config.className(predictions.classes![0]))

        // Regression learns standardized targets; metrics and predictions are in the targets' own units.
        let (_, regressionModel, regression) = try makeRun(at: temporaryFolder(), dataset: "diabetes", recipe: .mlp, steps: 40)
        #expect(regression.config.preprocessing.targetMean != nil)
        #expect(abs(regression.train.targets.mean().item(as: Double.self)) < 1e-5)
        let regressionMetrics = try RunEvaluation.evaluate(model: regressionModel, config: regression.config, data: regression.test)
        #expect(Set(regressionMetrics.keys) == ["r2", "rmse", "mae"])
        #expect(regressionMetrics["r2"]! > 0.2)
        let predicted = RunPredictions.predict(model: regressionModel, config: regression.config, inputs: regression.test.inputs)
        let truth = regression.config.preprocessing.restoreTargets(regression.test.targets).scalars(as: Double.self)
        let values = try #require(predicted.values)
        let rmse = (zip(values, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(rmse - regressionMetrics["rmse"]!) < 1e-6)
        #expect(truth.allSatisfy { $0 >= 25 && $0 <= 346 })  // diabetes progression scores, not standardized values
        #expect(predicted.csv().hasPrefix("row,value\n0,"))
    }

    @Test func predictionOutputIsCheckedBeforePredicting() throws {
        let folder = temporaryFolder("output")
        #expect(throws: RunDirectoryError.self) { try RunPredictions.checkOutput(folder.appendingPathComponent("p.txt")) }
        #expect(throws: RunDirectoryError.self) { try RunPredictions.checkOutput(folder.appendingPathComponent("missing/p.csv")) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("dir.csv"), withIntermediateDirectories: false)
        #expect(throws: RunDirectoryError.self) { try RunPredictions.checkOutput(folder.appendingPathComponent("dir.csv")) }
        try RunPredictions.checkOutput(folder.appendingPathComponent("p.json"))
    }
}
