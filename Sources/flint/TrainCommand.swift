import ArgumentParser
import FlintData
import FlintTrain
import Foundation

/// `flint train`: trains a recipe on a dataset into a run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model recipe on a dataset; write the model, its config, metrics, logs and plots to a run folder.",
        discussion: """
            Recipes:
            \(Recipe.listing)

            The dataset is a bundled name (see flint datasets) or a file: a .csv with its target column (--target, \
            else the last column), an .npz with arrays x and y, or .npy / IDX features with --labels. Rows are split \
            (stratified for classes, seeded) into train, validation and test; features are standardised (images \
            scaled to 0...1) with statistics of the training rows only. The folder gets model.safetensors, \
            config.json (enough to rebuild the model), metrics.json (test.accuracy for classifiers), training.json, \
            checkpoints/ (last and best), logs/ (metrics.csv, metrics.json, TensorBoard events) and plots/ (PNG). \
            Ctrl-C writes a resumable checkpoint; --resume continues with the same loss curve as an uninterrupted run.

            Examples:
              flint train --recipe cnn --dataset digits --epochs 8 --out runs/digits
              flint train --recipe mlp --dataset iris --epochs 60 --lr 0.01 --out runs/iris
              flint train --recipe cnn --dataset fashion-mnist --epochs 10 --optimizer adamw --schedule one-cycle --out runs/fashion
              flint train --recipe cnn --dataset digits --epochs 8 --out runs/digits --resume
            """
    )

    @Option(name: .long, help: ArgumentHelp("The model recipe: \(Recipe.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var recipe: String

    @Option(name: .long, help: ArgumentHelp("A bundled dataset name or a data file.", valueName: "name|path"))
    var dataset: String

    @Option(name: .long, help: ArgumentHelp("The run folder to write.", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Passes over the training rows.")
    var epochs = 10

    @Option(name: .long, help: "Rows per optimizer step.")
    var batchSize = 64

    @Option(name: .long, help: ArgumentHelp("The learning rate (default: the optimizer's, 1e-3 for Adam).", valueName: "rate"))
    var lr: Double?

    @Option(name: .long, help: ArgumentHelp("The optimizer: \(OptimizerChoice.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var optimizer = "adam"

    @Option(name: .long, help: "Momentum for sgd (default 0.9) and rmsprop (default 0).")
    var momentum: Double?

    @Option(name: .long, help: "Weight decay (default 0.01 for adamw, else 0).")
    var weightDecay: Double?

    @Option(name: .long, help: ArgumentHelp("The learning-rate schedule: \(ScheduleChoice.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var schedule = "none"

    @Option(name: .long, help: "Clip the global gradient norm to this value.")
    var clipNorm: Double?

    @Option(name: .long, help: "Stop after this many epochs without a better validation loss.")
    var earlyStopping: Int?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Hidden layer sizes of the mlp recipe, space-separated: --hidden 128 64.", valueName: "sizes"))
    var hidden: [Int] = []

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Channels per stage of the cnn and resnet-small recipes, space-separated: --channels 16 32.", valueName: "counts"))
    var channels: [Int] = []

    @Option(name: .long, help: "Dropout probability before the last layer (default: the recipe's).")
    var dropout: Double?

    @Option(name: .long, help: "Fraction of the rows held out for validation.")
    var validationFraction = 0.1

    @Option(name: .long, help: "Fraction of the rows held out for the test (datasets with their own test split keep it).")
    var testFraction = 0.2

    @Option(name: .long, help: "The target column of a CSV file.")
    var target: String?

    @Option(name: .long, help: ArgumentHelp("The labels file (.npy or IDX) for .npy or IDX features.", valueName: "file"))
    var labels: String?

    @Option(name: .long, help: ArgumentHelp("classification or regression, for a file whose targets could be either (default: guessed).", valueName: "task"))
    var task: String?

    @Option(name: .long, help: "Seeds the split, the weights, the shuffling and dropout.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Continue the run in --out from its last checkpoint (same options).")
    var resume = false

    @Flag(name: .long, help: "Replace a run already in --out.")
    var overwrite = false

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Flag(name: .long, help: "Print the final metrics as one JSON object.")
    var json = false

    func settings() throws -> TrainingSettings {
        let chosenRecipe = try Recipe.named(recipe)
        // Options that the chosen recipe or optimizer would not use are mistakes, not silently ignored.
        if !hidden.isEmpty && chosenRecipe != .mlp {
            throw RecipeError("--hidden sets the mlp recipe's layers; recipe '\(chosenRecipe)' has none")
        }
        if !channels.isEmpty && !chosenRecipe.needsImages {
            throw RecipeError("--channels sets the cnn and resnet-small recipes' channels; recipe '\(chosenRecipe)' has none")
        }
        let chosenOptimizer = try OptimizerChoice(argument: optimizer)
        if momentum != nil && chosenOptimizer != .sgd && chosenOptimizer != .rmsprop {
            throw RecipeError("--momentum applies to sgd and rmsprop, not \(chosenOptimizer.rawValue)")
        }
        if let earlyStopping, earlyStopping < 1 {
            throw RecipeError("--early-stopping is a patience in epochs: at least 1")
        }
        if earlyStopping != nil && validationFraction == 0 {
            throw RecipeError("--early-stopping watches the validation loss; keep --validation-fraction above 0")
        }
        var settings = TrainingSettings(recipe: chosenRecipe)
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.learningRate = lr
        settings.optimizer = chosenOptimizer
        settings.momentum = momentum
        settings.weightDecay = weightDecay
        settings.schedule = try ScheduleChoice(argument: schedule)
        settings.gradientClipNorm = clipNorm
        settings.earlyStoppingPatience = earlyStopping
        settings.validationFraction = validationFraction
        settings.testFraction = testFraction
        settings.seed = seed
        if !hidden.isEmpty || !channels.isEmpty || dropout != nil {
            var options = RecipeOptions.defaults(for: chosenRecipe)
            if !hidden.isEmpty { options.hiddenSizes = hidden }
            if !channels.isEmpty { options.channels = channels }
            if let dropout { options.dropout = dropout }
            settings.options = options
        }
        return settings
    }

    func run() throws {
        let source = DataSource(dataset, labels: labels, targetColumn: target)
        let run = RunDirectory(path: out)
        let result: RunTrainingResult
        do {
            let chosenTask = try task.map { name -> DatasetTask in
                guard let value = DatasetTask(rawValue: name) else {
                    throw RecipeError("unknown task '\(name)'; choose classification or regression")
                }
                return value
            }
            result = try RunTraining.train(source: source, settings: try settings(), run: run, task: chosenTask, resume: resume,
                                           overwrite: overwrite, showProgress: quiet || json ? false : nil)
        } catch let error as TrainingError where error.kind == .interrupted {
            print(error.message)
            throw ExitCode(130)
        }
        if json {
            var object: [String: Any] = ["run": run.url.path, "epochs": result.epochs, "seconds": result.seconds]
            for (part, values) in result.metrics { object[part] = values }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let test = result.metrics["test"] ?? [:]
        let headline = test["accuracy"].map { String(format: "test accuracy %.2f%%", $0 * 100) }
            ?? test["r2"].map { String(format: "test R² %.4f", $0) } ?? "done"
        print("\(headline) after \(result.epochs) epochs in \(String(format: "%.1f", result.seconds)) s"
              + (result.stopReason.map { " (\($0))" } ?? ""))
        for (part, values) in result.metrics.sorted(by: { $0.key < $1.key }) {
            print("  \(part): " + values.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.4f", $0.value))" }.joined(separator: ", "))
        }
        print("Wrote:")
        for file in result.files { print("  \(file.role): \(file.url.path)") }
    }
}
