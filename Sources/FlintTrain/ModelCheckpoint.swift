import Flint
import FlintIO
import Foundation

/// Saves resumable training checkpoints (safetensors, through FlintIO's ``Checkpoint``): the
/// last epoch's state as `last.safetensors` after every epoch, and the best one by a monitored
/// value as `best.safetensors` (Keras' `ModelCheckpoint`, Lightning's `save_last`/`save_top_k=1`).
///
/// Every file is written to a temporary file and renamed, so an existing checkpoint is never lost
/// to a crash or a full disk. Each file holds the model, the optimizer state, the schedule state,
/// the step, the epoch, the random generator's position and the history: pass it to
/// ``Trainer/fit(training:validation:epochs:resumeFrom:)`` to resume. Ctrl-C writes `last` too.
///
/// ```swift
/// let checkpoints = ModelCheckpoint(directory: URL(fileURLWithPath: "runs/iris"), monitor: "val_accuracy")
/// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 50)   // with checkpoints in callbacks
/// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 50, resumeFrom: checkpoints.lastURL)
/// ```
public final class ModelCheckpoint: Callback {
    /// The folder the checkpoints go to (created when training begins).
    public let directory: URL
    /// The value that decides the best checkpoint (`val_loss`, `val_accuracy`, …); nil saves no best.
    public let monitor: String?
    /// Whether lower or higher values of `monitor` are better.
    public let mode: MonitorMode
    /// Whether `last.safetensors` is written after every epoch.
    public let saveLast: Bool
    /// The best monitored value so far and its epoch.
    public private(set) var best: (value: Double, epoch: Int)?

    /// Where the last epoch's checkpoint goes.
    ///
    /// ```swift
    /// let checkpoint = ModelCheckpoint(directory: URL(fileURLWithPath: "runs/a/checkpoints"))
    /// checkpoint.lastURL.lastPathComponent  // "last.safetensors"
    /// ```
    public var lastURL: URL { directory.appendingPathComponent("last.safetensors") }
    /// Where the best epoch's checkpoint goes.
    ///
    /// ```swift
    /// try Checkpoint.load(from: checkpoint.bestURL).restore(into: model)
    /// ```
    public var bestURL: URL { directory.appendingPathComponent("best.safetensors") }

    /// Checkpoints in `directory`.
    ///
    /// ```swift
    /// ModelCheckpoint(directory: URL(fileURLWithPath: "runs/digits"), monitor: "val_loss", mode: .min)
    /// ```
    public init(directory: URL, monitor: String? = "val_loss", mode: MonitorMode = .auto, saveLast: Bool = true) {
        self.directory = directory
        self.monitor = monitor
        self.mode = monitor.map { mode.resolved(for: $0) } ?? mode
        self.saveLast = saveLast
    }

    /// Creates the folder and, after a resume, finds the best value in the restored history.
    ///
    /// ```swift
    /// let checkpoint = ModelCheckpoint(directory: URL(fileURLWithPath: "runs/a/checkpoints"))
    /// trainer.callbacks.append(checkpoint)        // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// try Checkpoint.load(from: checkpoint.bestURL).restore(into: model)
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrainingError(.configuration, "ModelCheckpoint cannot create \(directory.path): \(error.localizedDescription); choose a writable folder")
        }
        best = nil
        if let monitor {
            for entry in trainer.history.epochs {
                if let value = entry.logs[monitor], mode.isImprovement(value, over: best?.value, minimumDelta: 0) {
                    best = (value, entry.epoch)
                }
            }
        }
    }

    /// Saves `last` and, when the monitored value improved, `best`.
    ///
    /// ```swift
    /// let checkpoint = ModelCheckpoint(directory: URL(fileURLWithPath: "runs/a/checkpoints"))
    /// trainer.callbacks.append(checkpoint)        // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// try Checkpoint.load(from: checkpoint.bestURL).restore(into: model)
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        if let monitor {
            let value = try monitoredValue(monitor, in: logs, by: "ModelCheckpoint")
            if mode.isImprovement(value, over: best?.value, minimumDelta: 0) {
                best = (value, epoch)
                try trainer.makeCheckpoint(metadata: ["monitor": monitor, "monitor_value": "\(value)"]).save(to: bestURL)
            }
        }
        if saveLast { try trainer.makeCheckpoint().save(to: lastURL) }
    }

    /// Writes `last.safetensors` now (what Ctrl-C does) and returns its location.
    ///
    /// ```swift
    /// let url = try checkpoints.saveLast(trainer)
    /// ```
    @discardableResult
    public func saveLast(_ trainer: Trainer) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try trainer.makeCheckpoint().save(to: lastURL)
        return lastURL
    }

    /// `lastURL` when that file exists.
    var lastCheckpointIfWritten: URL? { FileManager.default.fileExists(atPath: lastURL.path) ? lastURL : nil }
}
