import Flint
import FlintData
import FlintIO
import FlintNN
import FlintTestSupport
import FlintTrain
import Foundation
import Testing

private let onnxRuntimeIsInstalled = ONNXRuntimeCheck.isAvailable
private let skipReason = Comment(rawValue: ONNXRuntimeCheck.skipReason)

/// `flint export onnx` as a user runs it on saved runs, and the resnet-small recipe's model in ONNX.
@Suite struct ExportCommandTests {
    /// Flint's outputs for the first `count` rows of `dataset`, computed by the model loaded back from
    /// `run` (as `flint predict` loads it) on the rows preprocessed as the run's config says.
    static func flintCase(run: RunDirectory, dataset: String, rows: Range<Int>) throws -> (input: Tensor, output: Tensor) {
        let (model, config) = try RunDirectory(path: run.url.path).loadModel()
        model.eval()
        let features = try BundledDatasets.load(name: dataset).features[rows]
        let inputs = try config.modelInputs(features).to(.float32)
        return (inputs, model(inputs))
    }

    /// Exports `run` with `flint export onnx` (extra `arguments` appended) into `folder` and checks the
    /// file with onnxruntime against Flint's outputs for two batches of `dataset` rows.
    static func expectExportMatchesFlint(run: RunDirectory, dataset: String, in folder: URL, arguments: [String] = [],
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        let output = folder.appendingPathComponent("\(dataset).onnx")
        let result = try CommandLineRunTests.run(["export", "onnx", "--run", run.url.path, "--out", output.path] + arguments)
        #expect(result.status == 0, "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.output.hasPrefix("wrote \(output.path) ("), "\(result.output)", sourceLocation: sourceLocation)
        #expect(result.output.contains("opset 17"), sourceLocation: sourceLocation)
        let cases = [try flintCase(run: run, dataset: dataset, rows: 0..<3), try flintCase(run: run, dataset: dataset, rows: 10..<17)]
        let check = try ONNXRuntimeCheck.run(model: output, cases: cases)
        #expect(check.status == 0, "check_onnx.py failed for the \(dataset) run:\n\(check.output)", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func exportOfACNNRunMatchesFlintsPredictions() throws {
        let folder = temporaryFolder("export-cnn")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "digits", recipe: .cnn,
                                      options: RecipeOptions(channels: [4, 8]), steps: 3)
        try Self.expectExportMatchesFlint(run: run, dataset: "digits", in: folder)
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func exportOfAnMLPRunWithNamedInputAndOutputMatchesFlintsPredictions() throws {
        let folder = temporaryFolder("export-mlp")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "iris", recipe: .mlp, steps: 20)
        try Self.expectExportMatchesFlint(run: run, dataset: "iris", in: folder, arguments: ["--input-name", "features", "--output-name", "logits"])
        let names = try ONNXRuntimeCheck.runProcess(ONNXRuntimeCheck.python, ["-c", """
            import onnxruntime, sys
            session = onnxruntime.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
            print(session.get_inputs()[0].name, session.get_inputs()[0].shape, session.get_outputs()[0].name, session.get_outputs()[0].shape)
            """, folder.appendingPathComponent("iris.onnx").path])
        #expect(names.output == "features ['batch', 4] logits ['batch', 3]\n", "\(names.output)")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func resnetSmallRecipeModelMatchesONNXRuntime() throws {
        let folder = temporaryFolder("export-resnet")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A few training steps move the BatchNorm running statistics away from their defaults; two
        // stages give a ResidualBlock with a downsampling shortcut and one without.
        let (_, model, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "digits", recipe: .resnetSmall,
                                        options: RecipeOptions(channels: [4, 8], blocksPerStage: 2), steps: 3)
        #expect(model.namedModules().contains { $0.module is ResidualBlock && ($0.module as! ResidualBlock).downsample != nil })
        let url = folder.appendingPathComponent("resnet.onnx")
        let inputs = [Tensor.randn([2, 1, 8, 8]), Tensor.randn([5, 1, 8, 8])]
        try model.exportONNX(to: url, exampleInput: inputs[0])
        model.eval()
        let check = try ONNXRuntimeCheck.run(model: url, cases: inputs.map { ($0, model($0)) })
        #expect(check.status == 0, "check_onnx.py failed for resnet-small:\n\(check.output)")
    }

    @Test func badArgumentsGiveOneErrorLineAndWriteNothing() throws {
        let folder = temporaryFolder("export-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (run, _, _) = try makeRun(at: folder.appendingPathComponent("run"), dataset: "iris", recipe: .mlp, steps: 1)
        let output = folder.appendingPathComponent("model.onnx")
        try CommandLineRunTests.expectFailure(["export", "onnx", "--run", folder.appendingPathComponent("absent").path, "--out", output.path],
                                              "no run folder at")
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try CommandLineRunTests.expectFailure(["export", "onnx", "--run", empty.path, "--out", output.path], "config.json is missing")
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let missing = folder.appendingPathComponent("no/such/model.onnx")
        try CommandLineRunTests.expectFailure(["export", "onnx", "--run", run.url.path, "--out", missing.path],
                                              "does not exist; create it first")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("no").path))

        let outputFolder = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
        try CommandLineRunTests.expectFailure(["export", "onnx", "--run", run.url.path, "--out", outputFolder.path],
                                              "--out \(outputFolder.path) is a folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputFolder.path).isEmpty)
        // Nothing else appeared next to the run (no half-written or temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["empty", "out", "run"])
    }

    @Test func exportHelpHasAnExample() throws {
        let result = try CommandLineRunTests.run(["export", "onnx", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("flint export onnx --run"))
        #expect(try CommandLineRunTests.run(["--help"]).output.contains("export"))
    }
}
