import ArgumentParser

/// The `flint` command-line tool.
@main
struct FlintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flint",
        abstract: "Flint: machine learning in Swift.",
        discussion: """
            Examples:
              flint train --recipe cnn --dataset digits --epochs 8 --out runs/digits
              flint info --json
              flint bench core --json
              flint datasets
              flint learn svc --dataset digits --cv 5
              flint learn --list
              flint eval --run runs/digits --dataset digits
              flint predict --run runs/digits --input images.npy --output predictions.csv
              flint summary --run runs/digits
              flint export onnx --run runs/digits --out digits.onnx
              flint serve --models runs --port 8000
            """,
        version: "0.1.0",
        subcommands: [TrainCommand.self, InfoCommand.self, BenchCommand.self, DatasetsCommand.self, EvalCommand.self, PredictCommand.self,
                      SummaryCommand.self, LearnCommand.self, ExportCommand.self, ServeCommand.self]
    )
}
