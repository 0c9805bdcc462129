import ArgumentParser
import FlintTrain
import Foundation

/// `flint summary`: a trained run's model, config and metrics.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Describe a trained run: its layers with output shapes and parameter counts, its config and its metrics.",
        discussion: """
            Rebuilds the model from config.json, loads model.safetensors (a corrupt or mismatched file is an error), \
            runs one zero sample through it to find each layer's output shape, and prints metrics.json.

            Example:
              flint summary --run runs/digits
            """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("The run folder written by flint train.", valueName: "dir"))
    var runFolder: String

    func run() throws {
        print(try RunDirectory(path: runFolder).summary())
    }
}
