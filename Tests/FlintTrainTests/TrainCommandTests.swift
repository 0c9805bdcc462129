import Foundation
import Testing

/// `flint train` as a user runs it: a run folder with everything the help promises, and a one-line
/// error before any training for bad input, leaving an earlier run untouched.
@Suite struct TrainCommandTests {
    typealias CLI = CommandLineRunTests

    @Test func trainWritesACompleteRunThatEvalReads() throws {
        let folder = temporaryFolder("cli-train").appendingPathComponent("iris")
        let result = try CLI.run(["train", "--recipe", "mlp", "--dataset", "iris", "--epochs", "5", "--out", folder.path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let test = try #require(object["test"] as? [String: Double])
        #expect(test["accuracy"] != nil && object["epochs"] as? Int == 5)
        for file in ["model.safetensors", "config.json", "metrics.json", "training.json", "checkpoints/last.safetensors",
                     "checkpoints/best.safetensors", "logs/metrics.csv", "logs/metrics.json", "plots/loss.png",
                     "plots/metrics.png", "plots/confusion-matrix.png"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "missing \(file)")
        }
        let events = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("logs").path)
        #expect(events.contains { $0.hasPrefix("events.out.tfevents.") })
        let csvLines = try String(contentsOf: folder.appendingPathComponent("logs/metrics.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csvLines.count == 6)
        let evaluation = try CLI.run(["eval", "--run", folder.path, "--dataset", "iris", "--json"])
        #expect(evaluation.status == 0, "\(evaluation.error)")
    }

    @Test func anEarlierRunIsNeverReplacedByAccident() throws {
        let folder = temporaryFolder("cli-train-again").appendingPathComponent("wine")
        let first = try CLI.run(["train", "--recipe", "logistic", "--dataset", "wine", "--epochs", "2", "--out", folder.path, "--quiet"])
        #expect(first.status == 0, "\(first.error)")
        let model = try Data(contentsOf: folder.appendingPathComponent("model.safetensors"))
        try CLI.expectFailure(["train", "--recipe", "logistic", "--dataset", "wine", "--epochs", "3", "--out", folder.path],
                              "already holds a run")
        try CLI.expectFailure(["train", "--recipe", "logistic", "--dataset", "wine", "--epochs", "3", "--out", folder.path, "--resume",
                               "--lr", "0.5"], "differ from its training.json: learningRate")
        try CLI.expectFailure(["train", "--recipe", "logistic", "--dataset", "iris", "--epochs", "3", "--out", folder.path, "--resume"],
                              "dataset")
        #expect(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")) == model)
        // More epochs continue the run from its last checkpoint.
        let resumed = try CLI.run(["train", "--recipe", "logistic", "--dataset", "wine", "--epochs", "3", "--out", folder.path, "--resume", "--json"])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(resumed.output.contains("\"epochs\":3"))
        let log = try String(contentsOf: folder.appendingPathComponent("logs/metrics.csv"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 4)
    }

    @Test func badInputFailsBeforeTrainingWithOneLine() throws {
        let folder = temporaryFolder("cli-train-bad")
        let out = folder.appendingPathComponent("run").path
        try CLI.expectFailure(["train", "--recipe", "transformer", "--dataset", "iris", "--out", out], "unknown recipe")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "irises", "--out", out], "iris")
        try CLI.expectFailure(["train", "--recipe", "cnn", "--dataset", "iris", "--out", out], "needs images")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--optimizer", "adamax", "--out", out], "unknown optimizer")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--epochs", "0", "--out", out], "epochs")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--channels", "8", "--out", out], "--channels")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--momentum", "0.5", "--out", out], "--momentum")
        // A label outside the classes, and a truncated data file: the record or the file is named.
        let csv = folder.appendingPathComponent("bad.csv")
        try "a,b,label\n1,2,0\n3,4,1\n5,6,2.5\n".write(to: csv, atomically: true, encoding: .utf8)
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", csv.path, "--task", "classification", "--out", out], "record 3")
        let truncated = folder.appendingPathComponent("images.idx")
        try Data([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]).write(to: truncated)
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", truncated.path, "--labels", truncated.path, "--out", out], "images.idx")
        // An output folder that cannot be written.
        let blocker = folder.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--out", blocker.appendingPathComponent("run").path], "file/run")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// Labels in files are class names, as scikit-learn's LabelEncoder reads them.
@Suite struct TrainLabelTests {
    typealias CLI = CommandLineRunTests

    @Test(arguments: [["1", "2"], ["-1", "1"], ["100", "200"]])
    func wholeNumberLabelsBecomeClassesInSortedOrder(labels: [String]) throws {
        let folder = temporaryFolder("cli-labels")
        let csv = folder.appendingPathComponent("data.csv")
        var text = "x,y,label\n"
        for row in 0..<40 {
            let label = labels[row % 2]
            text += "\(Double(row % 2) * 4 + Double(row % 5) * 0.1),\(Double(row % 3) * 0.2),\(label)\n"
        }
        try text.write(to: csv, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("run")
        let result = try CLI.run(["train", "--recipe", "logistic", "--dataset", csv.path, "--epochs", "30", "--lr", "0.1",
                                  "--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.error)")
        let config = try String(contentsOf: out.appendingPathComponent("config.json"), encoding: .utf8)
        #expect(config.contains("\"outputCount\" : 2") || config.contains("\"outputCount\":2"), "\(config)")
        for label in labels { #expect(config.contains("\"\(label)\"")) }
        let predictions = folder.appendingPathComponent("predictions.csv")
        let predicted = try CLI.run(["predict", "--run", out.path, "--input", csv.path, "--output", predictions.path])
        #expect(predicted.status == 0, "\(predicted.error)")
        let lines = try String(contentsOf: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.dropFirst().allSatisfy { line in labels.contains(String(line.split(separator: ",")[1])) })
    }

    @Test func nonFiniteInputAndMismatchedColumnsAreRefusedByPredict() throws {
        let folder = temporaryFolder("cli-nan")
        let out = folder.appendingPathComponent("run")
        let trained = try CLI.run(["train", "--recipe", "logistic", "--dataset", "iris", "--epochs", "2", "--out", out.path, "--quiet"])
        #expect(trained.status == 0, "\(trained.error)")
        let input = folder.appendingPathComponent("input.csv")
        try "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n5.1,3.5,1.4,0.2\n5.1,inf,1.4,0.2\n"
            .write(to: input, atomically: true, encoding: .utf8)
        try CLI.expectFailure(["predict", "--run", out.path, "--input", input.path], "sample 2, value 2")
        // A header naming some of the training columns but not all is refused, not read by position.
        let partial = folder.appendingPathComponent("partial.csv")
        try "sepal width (cm),sepal length (cm),petal length (cm),score\n3.5,5.1,1.4,0.2\n".write(to: partial, atomically: true, encoding: .utf8)
        try CLI.expectFailure(["predict", "--run", out.path, "--input", partial.path], "lacks the feature column 'petal width (cm)'")
    }
}
