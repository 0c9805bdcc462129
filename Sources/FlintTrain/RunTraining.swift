import Flint
import FlintData
import FlintIO
import FlintNN
import Foundation

/// What ``RunTraining/train(source:settings:run:task:resume:overwrite:showProgress:)`` produced.
///
/// ```swift
/// let result = try RunTraining.train(source: DataSource("digits"), settings: settings, run: run)
/// print(result.metrics["test"]?["accuracy"] ?? .nan)
/// ```
public struct RunTrainingResult: Sendable {
    /// Metrics on the test, validation and train rows (`metrics.json`).
    public let metrics: RunMetrics
    /// Epochs trained in all (a resumed run counts its earlier ones).
    public let epochs: Int
    /// Wall-clock seconds this call spent training.
    public let seconds: Double
    /// Why training stopped early, if it did (early stopping).
    public let stopReason: String?
    /// The files written, by role: model, config, metrics, training, logs, plots, checkpoints.
    public let files: [(role: String, url: URL)]
}

/// The main job end to end: data from a bundled name or a file, a recipe, training with
/// checkpoints, logs and plots, evaluation, and a run folder that `flint eval`, `flint predict` and
/// `flint summary` read. `flint train` is a thin command over this.
///
/// ```swift
/// var settings = TrainingSettings(recipe: .cnn)
/// settings.epochs = 8
/// let result = try RunTraining.train(source: DataSource("digits"), settings: settings,
///                                    run: RunDirectory(path: "runs/digits"))
/// ```
public enum RunTraining {
    /// Trains `settings.recipe` on `source` into `run`.
    ///
    /// - Parameters:
    ///   - task: classification or regression for a file whose targets could be either (nil: guessed
    ///     from the values, see ``DataSource``).
    ///   - resume: continue from `run`'s last checkpoint (same settings required); the loss curve
    ///     is the one an uninterrupted run gives.
    ///   - overwrite: replace a run already in the folder (without it that is an error, so an
    ///     earlier run is never lost by accident).
    ///   - showProgress: a progress bar (nil: live when standard output is a terminal).
    /// - Throws: ``RecipeError``, ``RunDirectoryError``, FlintData's `DataFileError` for bad settings
    ///   or data (all before any training), ``TrainingError`` for a non-finite loss or Ctrl-C.
    ///
    /// ```swift
    /// var settings = TrainingSettings(recipe: .mlp)
    /// settings.epochs = 60
    /// settings.learningRate = 0.01
    /// let result = try RunTraining.train(source: DataSource("iris"), settings: settings,
    ///                                    run: RunDirectory(path: "runs/iris"), overwrite: true, showProgress: false)
    /// print(result.metrics["test"]!["accuracy"]!, result.epochs, result.seconds)
    /// ```
    public static func train(source: DataSource, settings: TrainingSettings, run: RunDirectory, task: DatasetTask? = nil, resume: Bool = false,
                             overwrite: Bool = false, showProgress: Bool? = nil) throws -> RunTrainingResult {
        try settings.validate()
        var settings = settings
        if settings.dataset == nil { settings.dataset = source.description }
        let lastCheckpoint = ModelCheckpoint(directory: run.checkpointsURL).lastURL
        let settingsURL = run.url.appendingPathComponent("training.json")
        if resume {
            guard FileManager.default.fileExists(atPath: lastCheckpoint.path) else {
                throw RunDirectoryError(.notARun, "nothing to resume in \(run.url.path): no checkpoints/last.safetensors; train without --resume")
            }
            guard let recorded = try? JSONDecoder().decode(TrainingSettings.self, from: Data(contentsOf: settingsURL)) else {
                throw RunDirectoryError(.notARun, "cannot resume \(run.url.path): its training.json is missing or unreadable")
            }
            // More epochs than before continue the run; anything else must be as it was started.
            let differences = settings.differences(from: recorded, ignoringEpochs: true)
            guard differences.isEmpty else {
                throw RunDirectoryError(.incompatibleData, "--resume needs the options the run in \(run.url.path) was started with; "
                                        + "these differ from its training.json: \(differences.joined(separator: ", ")) "
                                        + "(or train into a new --out folder)")
            }
        } else if !overwrite && (run.containsRun || FileManager.default.fileExists(atPath: lastCheckpoint.path)) {
            throw RunDirectoryError(.unwritable, "\(run.url.path) already holds a run; choose another --out folder, continue it with "
                                    + "--resume, or replace it with --overwrite")
        }
        // The data is read and checked before anything is written, so bad data leaves no folder behind.
        let data = try TrainingData.prepare(try source.load(task: task), datasetName: source.description, recipe: settings.recipe,
                                            options: settings.options, validationFraction: settings.validationFraction,
                                            testFraction: settings.testFraction, seed: settings.seed)
        try run.prepare()
        if overwrite && !resume {
            // The replaced run's TensorBoard events would otherwise be drawn as part of the new one.
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: run.logsURL.path)) ?? []
            for name in logs where name.hasPrefix("events.out.tfevents.") {
                try? FileManager.default.removeItem(at: run.logsURL.appendingPathComponent(name))
            }
        }
        let config = data.config
        let model = try RandomGenerator.withShared(RandomGenerator(seed: settings.seed)) { try config.buildModel() }
        let trainingLoader = try DataLoader(data.train.dataset(), batchSize: settings.batchSize, shuffle: true, seed: settings.seed)
        let validationLoader = try data.validation.map { try DataLoader($0.dataset(), batchSize: 256) }
        let optimizer = settings.makeOptimizer(for: model)
        let checkpoint = ModelCheckpoint(directory: run.checkpointsURL, monitor: validationLoader == nil ? "loss" : "val_loss")
        let logger = try TrainingLogger(logDirectory: run.logsURL, plotDirectory: run.plotsURL)
        var callbacks: [any Callback] = [checkpoint, logger]
        if showProgress != false { callbacks.insert(ProgressBar(live: showProgress), at: 0) }
        if let patience = settings.earlyStoppingPatience, validationLoader != nil {
            callbacks.append(EarlyStopping(monitor: "val_loss", patience: patience))
        }
        let isClassifier = config.isClassifier
        let trainer = try Trainer(
            model: model, optimizer: optimizer,
            loss: isClassifier ? { Loss.crossEntropy($0, $1) } : { Loss.meanSquaredError($0, $1) },
            scheduler: settings.makeScheduler(for: optimizer, stepsPerEpoch: trainingLoader.count ?? 1),
            gradientClipping: settings.gradientClipNorm.map { .norm($0) },
            // R² needs two validation rows; a tiny dataset trains without it rather than failing after training.
            metrics: isClassifier ? ["accuracy"] : ((data.validation?.count ?? 0) >= 2 ? ["r2"] : []),
            classCount: isClassifier ? config.outputCount : nil,
            callbacks: callbacks, seed: settings.seed)
        try AtomicFile.write(try encoded(settings), to: settingsURL)

        let started = Date()
        try trainer.fit(training: trainingLoader, validation: validationLoader, epochs: settings.epochs,
                        resumeFrom: resume ? lastCheckpoint : nil)
        let seconds = Date().timeIntervalSince(started)
        // The weights kept are those of the best validation loss, as the best checkpoint holds them.
        if validationLoader != nil && FileManager.default.fileExists(atPath: checkpoint.bestURL.path) {
            try Checkpoint.load(from: checkpoint.bestURL).restore(into: model)
        }
        model.eval()
        var metrics: RunMetrics = [:]
        let parts: [(String, PreparedData?)] = [("test", data.test), ("train", data.train), ("validation", data.validation)]
        for case let (name, part?) in parts where isClassifier || part.count >= 2 {   // R² needs two rows
            metrics[name] = try RunEvaluation.evaluate(model: model, config: config, data: part)
        }
        try run.writeRun(model: model, config: config, metrics: metrics)
        var files: [(role: String, url: URL)] = [("model", run.modelURL), ("config", run.configURL), ("metrics", run.metricsURL),
                                                 ("training settings", settingsURL), ("logs", run.logsURL),
                                                 ("checkpoints", run.checkpointsURL), ("plots", run.plotsURL)]
        if isClassifier {
            let predictions = RunPredictions.predict(model: model, config: config, inputs: data.test.inputs)
            let matrix = try Metrics.confusionMatrix(predictions: predictions.classes ?? [], targets: data.test.targets.scalars(as: Int64.self).map(Int.init),
                                                     classCount: config.outputCount)
            let plot = run.plotsURL.appendingPathComponent("confusion-matrix.png")
            try ConfusionMatrixPlot(matrix: matrix, classNames: (0..<config.outputCount).map(config.className), title: "Test confusion matrix")
                .writePNG(to: plot)
            files.append(("confusion matrix", plot))
        }
        return RunTrainingResult(metrics: metrics, epochs: trainer.epoch, seconds: seconds, stopReason: trainer.stopReason, files: files)
    }

    private static func encoded(_ settings: TrainingSettings) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(settings)
    }
}
