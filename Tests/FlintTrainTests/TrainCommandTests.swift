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
                               "--lr", "0.5"], "--resume needs the options")
        #expect(try Data(contentsOf: folder.appendingPathComponent("model.safetensors")) == model)
        let resumed = try CLI.run(["train", "--recipe", "logistic", "--dataset", "wine", "--epochs", "2", "--out", folder.path, "--resume", "--quiet"])
        #expect(resumed.status == 0, "\(resumed.error)")
    }

    @Test func badInputFailsBeforeTrainingWithOneLine() throws {
        let folder = temporaryFolder("cli-train-bad")
        let out = folder.appendingPathComponent("run").path
        try CLI.expectFailure(["train", "--recipe", "transformer", "--dataset", "iris", "--out", out], "unknown recipe")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "irises", "--out", out], "iris")
        try CLI.expectFailure(["train", "--recipe", "cnn", "--dataset", "iris", "--out", out], "needs images")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--optimizer", "adamax", "--out", out], "unknown optimizer")
        try CLI.expectFailure(["train", "--recipe", "mlp", "--dataset", "iris", "--epochs", "0", "--out", out], "epochs")
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
