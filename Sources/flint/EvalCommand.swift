import ArgumentParser
import FlintData
import FlintTrain
import Foundation

/// `flint eval`: a trained run's metrics on a dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on a dataset: accuracy, f1_macro and log_loss (classifiers) or r2, rmse and mae.",
        discussion: """
            The dataset is a bundled name (see flint datasets) or a file: a .csv with its target column (--target, \
            else the run's target column, else the last column), an .npz with arrays x and y, or .npy / IDX \
            features with --labels. On the run's own training dataset --split picks the same seeded rows training \
            used (default test); on any other data every row is evaluated (default all). Labels outside the \
            model's classes are an error naming the record.

            Examples:
              flint eval --run runs/digits --dataset digits
              flint eval --run runs/iris --dataset iris --split validation --json
              flint eval --run runs/mnist --dataset images.idx.gz --labels labels.idx.gz
            """
    )

    @Option(name: .customLong("run"), help: ArgumentHelp("The run folder written by flint train.", valueName: "dir"))
    var runFolder: String

    @Option(name: .long, help: ArgumentHelp("A bundled dataset name or a data file.", valueName: "name|path"))
    var dataset: String

    @Option(name: .long, help: ArgumentHelp("Which rows: train, validation, test or all.", valueName: "split"))
    var split: String?

    @Option(name: .long, help: ArgumentHelp("The target column of a CSV file.", valueName: "column"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("The labels file (.npy or IDX) for .npy or IDX features.", valueName: "file"))
    var labels: String?

    @Option(name: .long, help: "Rows per forward pass.")
    var batchSize = 256

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Flag(name: .long, help: "Also record the metrics in the run's metrics.json under the split's name.")
    var save = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let split { _ = try DataSplitName(argument: split) }
    }

    func run() throws {
        let runDirectory = RunDirectory(path: runFolder)
        let (model, config) = try runDirectory.loadModel()
        let isBundled = BundledDatasets.names.contains(dataset) && labels == nil && target == nil
        let source = DataSource(dataset, labels: labels, targetColumn: target ?? (isBundled ? nil : config.targetName))
        let classNames = config.isClassifier ? (0..<config.outputCount).map(config.className) : nil
        let loaded = try source.load(task: config.task, classNames: classNames)
        let sameDataset = source.description == config.datasetName
        let part = try split.map(DataSplitName.init(argument:)) ?? (sameDataset ? .test : .all)
        let rows: LabeledData
        if part == .all {
            rows = loaded.allRows
        } else {
            guard let spec = config.split else {
                throw RunDirectoryError(.incompatibleData, "the run records no train/validation/test split; evaluate with --split all")
            }
            rows = try spec.rows(part, of: loaded)
        }
        guard rows.sampleCount > 0 else {
            throw RunDirectoryError(.incompatibleData, "the \(part.rawValue) split of \(source) has no rows; choose another --split")
        }
        let metrics = try RunEvaluation.evaluate(model: model, config: config, data: try config.prepare(rows), batchSize: batchSize)
        if save {
            var all = try runDirectory.readMetrics() ?? [:]
            all[part.rawValue] = metrics
            try runDirectory.writeMetrics(all)
        }
        let names = RunEvaluation.metricNames(for: config)
        if json {
            let object: [String: Any] = [
                "run": runDirectory.url.path, "dataset": source.description, "split": part.rawValue, "rows": rows.sampleCount,
                "metrics": Dictionary(uniqueKeysWithValues: names.map { ($0, metrics[$0].map { $0.isFinite ? $0 as Any : NSNull() } ?? NSNull()) }),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(source) (\(part.rawValue), \(rows.sampleCount) rows):")
        for name in names { print("  \(name.padding(toLength: 9, withPad: " ", startingAt: 0)) \(String(format: "%.4f", metrics[name] ?? .nan))") }
    }
}
