import Flint
import FlintData
import FlintIO
import FlintNN
import FlintTrain
import FlintTestSupport
import Foundation
import Testing

/// `flint eval`, `flint predict` and `flint summary` as a user runs them, on runs the tests save.
@Suite struct CommandLineRunTests {
    /// Runs flint with `arguments`; returns the exit status, standard output and standard error.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> FlintCommandLine.Result {
        try FlintCommandLine.run(arguments, near: Bundle.module.bundleURL, environment: environment)
    }

    /// Expects a non-zero exit with one `Error: …` line containing `reason`, and no crash report.
    static func expectFailure(_ arguments: [String], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.hasPrefix("Error: "), sourceLocation: sourceLocation)
        #expect(result.error.contains(reason), "\(result.error)", sourceLocation: sourceLocation)
        #expect(!result.error.contains("Fatal error") && !result.error.contains("Stack dump"), sourceLocation: sourceLocation)
    }

    @Test func evalReportsClassifierMetricsOnTheRecordedTestSplit() throws {
        let folder = temporaryFolder("cli-eval")
        let (run, model, data) = try makeRun(at: folder, dataset: "iris", recipe: .mlp, steps: 40)
        let result = try Self.run(["eval", "--run", run.url.path, "--dataset", "iris", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["split"] as? String == "test")
        #expect(object["rows"] as? Int == 30)
        let metrics = try #require(object["metrics"] as? [String: Double])
        let expected = try RunEvaluation.evaluate(model: model, config: data.config, data: data.test)
        #expect(abs(metrics["accuracy"]! - expected["accuracy"]!) < 1e-12)
        #expect(abs(metrics["log_loss"]! - expected["log_loss"]!) < 1e-6)
        #expect(metrics["f1_macro"] != nil)

        let text = try Self.run(["eval", "--run", run.url.path, "--dataset", "iris", "--split", "all", "--save"])
        #expect(text.status == 0)
        #expect(text.output.hasPrefix("iris (all, 150 rows):\n  accuracy "))
        #expect(try run.readMetrics()?["all"]?["accuracy"] != nil)
        #expect(try run.readMetrics()?["test"]?["accuracy"] != nil)
    }

    @Test func evalReadsCSVFilesAndRejectsBadLabels() throws {
        let folder = temporaryFolder("cli-csv")
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "iris", recipe: .logistic, steps: 30)
        let good = writeText("sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),species\n"
                             + "5.1,3.5,1.4,0.2,setosa\n6.7,3.0,5.2,2.3,virginica\n", "good.csv", in: folder)
        let result = try Self.run(["eval", "--run", run.url.path, "--dataset", good.path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("\"rows\":2"))
        let numeric = writeText("a,b,c,d,label\n5.1,3.5,1.4,0.2,0\n6.7,3.0,5.2,2.3,3\n", "numeric.csv", in: folder)
        try Self.expectFailure(["eval", "--run", run.url.path, "--dataset", numeric.path],
                               "record 2 (line 3), column 'label': label 3 is out of range; labels must be 0...2 (the model has 3 classes)")
        let unknown = writeText("a,b,c,d,label\n5.1,3.5,1.4,0.2,tulip\n", "unknown.csv", in: folder)
        try Self.expectFailure(["eval", "--run", run.url.path, "--dataset", unknown.path], "label 'tulip' is not one of the model's classes")
        try Self.expectFailure(["eval", "--run", run.url.path, "--dataset", "diabetes"], "regression")
        try Self.expectFailure(["eval", "--run", run.url.path, "--dataset", "iris", "--split", "holdout"], "unknown split 'holdout'")
    }

    @Test func predictWritesClassesAndProbabilitiesAsCSVOrJSON() throws {
        let folder = temporaryFolder("cli-predict")
        let (run, model, data) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "iris", recipe: .mlp, steps: 40)
        let input = writeText("5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n", "flowers.csv", in: folder)
        let csvOutput = folder.appendingPathComponent("predictions.csv")
        let result = try Self.run(["predict", "--run", run.url.path, "--input", input.path, "--output", csvOutput.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output == "Wrote 3 predictions to \(csvOutput.path)\n")
        let lines = try String(contentsOf: csvOutput, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == "row,class,class_index,probability_setosa,probability_versicolor,probability_virginica")
        // The same numbers as the library gives for the preprocessed rows.
        let inputs = try data.config.modelInputs(Tensor([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]))
        let expected = RunPredictions.predict(model: model, config: data.config, inputs: inputs)
        #expect(lines[1].split(separator: ",")[1] == Substring(data.config.className(expected.classes![0])))
        let probability = try #require(Double(lines[2].split(separator: ",")[3]))
        #expect(abs(probability - expected.probabilities![1][0]) < 1e-6)

        let jsonOutput = folder.appendingPathComponent("predictions.json")
        #expect(try Self.run(["predict", "--run", run.url.path, "--input", input.path, "--output", jsonOutput.path]).status == 0)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: jsonOutput)) as? [[String: Any]])
        #expect(objects.count == 3)
        #expect(objects[2]["row"] as? Int == 2)
        #expect((objects[0]["probabilities"] as? [String: Double])?.keys.sorted() == ["setosa", "versicolor", "virginica"])

        let toStandardOutput = try Self.run(["predict", "--run", run.url.path, "--input", input.path])
        #expect(toStandardOutput.status == 0)
        #expect(toStandardOutput.output.hasPrefix("row,class,class_index,"))
    }

    @Test func predictReadsImageArraysForConvolutionalRuns() throws {
        let folder = temporaryFolder("cli-images")
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "digits", recipe: .cnn,
                                      options: RecipeOptions(channels: [4, 8]), steps: 2)
        let digits = try BundledDatasets.load(name: "digits")
        let images = folder.appendingPathComponent("images.npy")
        try NumPyFile.writeArray(digits.features[0..<5].reshaped([5, 8, 8]).to(.float32), to: images)
        let output = folder.appendingPathComponent("out.json")
        let result = try Self.run(["predict", "--run", run.url.path, "--input", images.path, "--output", output.path])
        #expect(result.status == 0, "\(result.error)")
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [[String: Any]])
        #expect(objects.count == 5)
        let wrong = folder.appendingPathComponent("wrong.npy")
        try NumPyFile.writeArray(Tensor.zeros([2, 7, 7]), to: wrong)
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", wrong.path, "--output", output.path],
                               "holds samples of 49 values but the model takes 64 (input shape [1, 8, 8])")
    }

    @Test func badInputsExitNonZeroWithOneLineAndWriteNothing() throws {
        let folder = temporaryFolder("cli-bad")
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "iris", recipe: .mlp, steps: 1)
        let input = writeText("5.1,3.5,1.4,0.2\n", "one.csv", in: folder)
        let output = folder.appendingPathComponent("p.csv")
        try Self.expectFailure(["predict", "--run", folder.appendingPathComponent("absent").path, "--input", input.path, "--output", output.path],
                               "no run folder at")
        try Self.expectFailure(["summary", "--run", folder.path], "config.json is missing")
        let wide = writeText("1,2,3,4,5\n", "wide.csv", in: folder)
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", wide.path, "--output", output.path],
                               "has 5 feature columns but the model takes 4")
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", input.path, "--output", folder.appendingPathComponent("no/such/p.csv").path],
                               "does not exist; create it first")
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", input.path, "--output", folder.appendingPathComponent("p.xlsx").path],
                               "must end in .csv or .json")
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", folder.appendingPathComponent("absent.csv").path, "--output", output.path],
                               "no data file at")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // An earlier output stays whole when prediction fails.
        writeText("earlier\n", "p.csv", in: folder)
        try Self.expectFailure(["predict", "--run", run.url.path, "--input", wide.path, "--output", output.path], "feature columns")
        #expect(try String(contentsOf: output, encoding: .utf8) == "earlier\n")
        // A corrupt model file.
        let bytes = try Data(contentsOf: run.modelURL)
        try bytes.prefix(bytes.count / 2).write(to: run.modelURL)
        for command in [["summary"], ["eval", "--dataset", "iris"], ["predict", "--input", input.path, "--output", output.path]] {
            try Self.expectFailure([command[0], "--run", run.url.path] + command.dropFirst(), "model.safetensors is corrupt")
        }
    }

    @Test func summaryShowsLayersShapesParametersConfigAndMetrics() throws {
        let (run, model, _) = try makeRun(at: temporaryFolder("cli-summary"), dataset: "digits", recipe: .resnetSmall,
                                          options: RecipeOptions(channels: [4, 8]), steps: 1)
        let result = try Self.run(["summary", "--run", run.url.path])
        #expect(result.status == 0, "\(result.error)")
        let text = result.output
        #expect(text.contains("Model (resnet-small"))
        #expect(text.contains("ResidualBlock(4 => 8, stride: 2)"))
        #expect(text.contains("[1, 8, 4, 4]"))
        #expect(text.contains("[1, 10]"))
        #expect(text.contains("Total parameters: \(formatted(model.parameterCount))"))
        #expect(text.contains("input shape: [1, 8, 8]"))
        #expect(text.contains("preprocessing: pixels divided by 16.0"))
        #expect(text.contains("test: accuracy "))
    }

    @Test func everyRunCommandHasHelpWithAnExample() throws {
        for command in ["eval", "predict", "summary"] {
            let result = try Self.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.output.contains("Example"))
            #expect(result.output.contains("flint \(command) --run"))
        }
        let top = try Self.run(["--help"])
        for command in ["eval", "predict", "summary"] { #expect(top.output.contains(command)) }
    }

    /// `100480` → `100,480`.
    func formatted(_ count: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = ","
        return formatter.string(from: NSNumber(value: count))!
    }
}
