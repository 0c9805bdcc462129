import ArgumentParser

/// The `flint` command-line tool.
@main
struct FlintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flint",
        abstract: "Flint: machine learning in Swift.",
        discussion: """
            Examples:
              flint info --json
              flint bench core --json
              flint datasets
            """,
        version: "0.1.0",
        subcommands: [InfoCommand.self, BenchCommand.self, DatasetsCommand.self]
    )
}
