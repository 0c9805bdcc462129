import ArgumentParser
import Flint
import FlintIO
import FlintTrain
import Foundation

/// `flint export`: write a trained run's model in another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained run's model in a format other runtimes read.",
        discussion: """
            Example:
              flint export onnx --run runs/digits --out digits.onnx
            """,
        subcommands: [ExportONNXCommand.self]
    )
}

/// `flint export onnx`: a `flint train` run folder as an ONNX file.
struct ExportONNXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx",
        abstract: "Export a flint train run to an ONNX model (opset 17, dynamic batch dimension).",
        discussion: """
            Rebuilds the model from the run's config.json and model.safetensors, traces it in evaluation mode \
            on one zero sample of the run's input shape, and writes the graph atomically. The graph has one \
            input (float32 [batch, …input shape], named by --input-name) and one output (named by --output-name); \
            the batch dimension is dynamic.

            Example:
              flint export onnx --run runs/digits --out digits.onnx
              python -c "import onnxruntime as ort; print(ort.InferenceSession('digits.onnx').get_inputs()[0].shape)"
            """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("The run folder written by flint train.", valueName: "dir"))
    var runFolder: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The ONNX file to write.", valueName: "file"))
    var outputPath: String

    @Option(name: .customLong("input-name"), help: "The graph input's name.")
    var inputName = "input"

    @Option(name: .customLong("output-name"), help: "The graph output's name.")
    var outputName = "output"

    func run() throws {
        let (model, config) = try RunDirectory(path: runFolder).loadModel()
        let output = URL(fileURLWithPath: outputPath)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output.path, isDirectory: &isFolder), isFolder.boolValue {
            throw ExportError(description: "--out \(outputPath) is a folder; give the path of the .onnx file to write")
        }
        let example = Tensor.zeros([1] + config.inputShape)
        try model.exportONNX(to: output, exampleInput: example, inputName: inputName, outputName: outputName)
        let size = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        print("wrote \(output.path) (\(size) bytes): input '\(inputName)' [batch, \(config.inputShape.map(String.init).joined(separator: ", "))], "
              + "output '\(outputName)', opset \(ONNXGraphBuilder.opsetVersion)")
    }
}

/// A bad `flint export` argument found while running, printed as one `Error:` line.
struct ExportError: Error, CustomStringConvertible {
    /// What was wrong and what to do.
    let description: String
}
