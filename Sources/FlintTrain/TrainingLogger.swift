import FlintIO
import Foundation

/// Writes a run's training record as it goes: every epoch's logs to `metrics.csv` and
/// `metrics.json` (rewritten atomically after each epoch, so a crash leaves the last complete
/// file) and to TensorBoard event files, all in one folder; and at the end of `fit` the curves as
/// PNG images in another.
///
/// ```swift
/// let logger = try TrainingLogger(logDirectory: run.logsURL, plotDirectory: run.plotsURL)
/// let trainer = try Trainer(model: model, optimizer: optimizer, loss: loss, callbacks: [logger])
/// // then: tensorboard --logdir runs/digits/logs
/// ```
public final class TrainingLogger: Callback {
    /// Where `metrics.csv`, `metrics.json` and the TensorBoard events go.
    public let logDirectory: URL
    /// Where `loss.png` and `metrics.png` go (nil: no plots).
    public let plotDirectory: URL?
    /// Every epoch logged so far (including those of a resumed run's earlier part).
    public private(set) var log = MetricsLog()
    private var tensorBoard: TensorBoardWriter?

    /// A logger writing into `logDirectory` (created when missing) and plotting into `plotDirectory`.
    ///
    /// ```swift
    /// let logger = try TrainingLogger(logDirectory: URL(fileURLWithPath: "runs/a/logs"))
    /// ```
    public init(logDirectory: URL, plotDirectory: URL? = nil) throws {
        self.logDirectory = logDirectory
        self.plotDirectory = plotDirectory
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        if let plotDirectory { try FileManager.default.createDirectory(at: plotDirectory, withIntermediateDirectories: true) }
    }

    /// The CSV file of per-epoch logs.
    ///
    /// ```swift
    /// let log = try MetricsLog(contentsOfCSV: logger.csvURL)
    /// ```
    public var csvURL: URL { logDirectory.appendingPathComponent("metrics.csv") }
    /// The JSON file of per-epoch logs.
    ///
    /// ```swift
    /// let text = try String(contentsOf: logger.jsonURL, encoding: .utf8)
    /// ```
    public var jsonURL: URL { logDirectory.appendingPathComponent("metrics.json") }

    /// Starts the log from the trainer's history (so a resumed run keeps its earlier epochs) and opens a
    /// TensorBoard event file in ``logDirectory``.
    ///
    /// ```swift
    /// let run = URL(fileURLWithPath: "runs/a")
    /// let logger = try TrainingLogger(logDirectory: run.appendingPathComponent("logs"),
    ///                                 plotDirectory: run.appendingPathComponent("plots"))
    /// trainer.callbacks.append(logger)            // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {
        // A resumed run starts from the history its checkpoint carried (keys in the same sorted
        // order as a fresh run's).
        log = MetricsLog()
        for epoch in trainer.history.epochs { log.append(epoch: epoch.epoch, epoch.logs) }
        if tensorBoard == nil { tensorBoard = try TensorBoardWriter(logDirectory: logDirectory) }
    }

    /// Appends the epoch's logs, rewrites `metrics.csv` and `metrics.json` atomically, and adds every
    /// value to the TensorBoard file as a scalar at step `epoch`.
    ///
    /// ```swift
    /// let run = URL(fileURLWithPath: "runs/a")
    /// let logger = try TrainingLogger(logDirectory: run.appendingPathComponent("logs"),
    ///                                 plotDirectory: run.appendingPathComponent("plots"))
    /// trainer.callbacks.append(logger)            // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        log.append(epoch: epoch, logs)
        try log.writeCSV(to: csvURL)
        try log.writeJSON(to: jsonURL)
        let scalars = logs.sorted { $0.key < $1.key }.map { (tag: $0.key, value: $0.value) }
        try tensorBoard?.addScalars(scalars, step: epoch)
        try tensorBoard?.flush()
    }

    /// Closes the TensorBoard file and draws the plots into ``plotDirectory`` (a plot that cannot be
    /// drawn never fails the training).
    ///
    /// ```swift
    /// let run = URL(fileURLWithPath: "runs/a")
    /// let logger = try TrainingLogger(logDirectory: run.appendingPathComponent("logs"),
    ///                                 plotDirectory: run.appendingPathComponent("plots"))
    /// trainer.callbacks.append(logger)            // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// ```
    public func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
        try? tensorBoard?.close()
        tensorBoard = nil
        guard let plotDirectory, !log.entries.isEmpty else { return }
        // Plots are a convenience: a failure to draw one never fails the training.
        try? writePlots(to: plotDirectory)
    }

    /// Draws `loss.png` (training and validation loss) and `metrics.png` (the other validation
    /// metrics) from the epochs logged so far.
    ///
    /// ```swift
    /// try logger.writePlots(to: URL(fileURLWithPath: "runs/a/plots"))
    /// ```
    public func writePlots(to directory: URL) throws {
        let firstEpoch = log.entries.first?.epoch ?? 1
        let losses = ["loss", "val_loss"].filter(log.keys.contains).map { (name: $0, values: log.series($0)) }
        if !losses.isEmpty {
            try LinePlot(title: "Loss", series: losses, yLabel: "loss", firstX: firstEpoch)
                .writePNG(to: directory.appendingPathComponent("loss.png"))
        }
        let metrics = log.keys.filter { $0.hasPrefix("val_") && $0 != "val_loss" }.map { (name: $0, values: log.series($0)) }
        if !metrics.isEmpty {
            try LinePlot(title: "Validation metrics", series: metrics, yLabel: "value", firstX: firstEpoch)
                .writePNG(to: directory.appendingPathComponent("metrics.png"))
        }
    }
}
