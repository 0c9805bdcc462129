import Foundation

/// Where training is after a batch, handed to ``Callback/batchEnded(_:_:)``.
///
/// ```swift
/// func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) {
///     if progress.step % 100 == 0 { print(progress.step, progress.loss) }
/// }
/// ```
public struct BatchProgress: Sendable, Equatable {
    /// The epoch, 1-based.
    public var epoch: Int
    /// The epoch count the fit goes to.
    public var epochs: Int
    /// Batches finished in this epoch (1 after the first).
    public var batch: Int
    /// Batches per epoch, when the loader knows.
    public var batchCount: Int?
    /// Optimizer steps taken over the whole run.
    public var step: Int
    /// This batch's loss.
    public var loss: Double
    /// The mean loss over the epoch's batches so far (weighted by batch size).
    public var epochLoss: Double
    /// Samples trained on in this epoch so far.
    public var samples: Int
    /// Seconds since the epoch began (this process's share only, after a resume).
    public var seconds: Double

    /// A progress record from its parts.
    ///
    /// ```swift
    /// BatchProgress(epoch: 1, epochs: 5, batch: 3, batchCount: 10, step: 3, loss: 0.5, epochLoss: 0.6, samples: 96, seconds: 0.2)
    /// ```
    public init(epoch: Int, epochs: Int, batch: Int, batchCount: Int?, step: Int, loss: Double, epochLoss: Double,
                samples: Int, seconds: Double) {
        self.epoch = epoch
        self.epochs = epochs
        self.batch = batch
        self.batchCount = batchCount
        self.step = step
        self.loss = loss
        self.epochLoss = epochLoss
        self.samples = samples
        self.seconds = seconds
    }
}

/// Hooks into ``Trainer/fit(training:validation:epochs:resumeFrom:)``, like Keras callbacks and
/// PyTorch Lightning's `Callback`. Every hook has an empty default; implement the ones you need.
/// To stop training after the current epoch, call ``Trainer/requestStop(_:)``.
///
/// ```swift
/// final class PrintLoss: Callback {
///     func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
///         print("epoch \(epoch): \(logs["loss"]!)")
///     }
/// }
/// ```
public protocol Callback: AnyObject {
    /// Training is about to start (after a resume, ``Trainer/history`` already holds the earlier epochs).
    ///
    /// ```swift
    /// final class Announce: Callback {
    ///     func fitBegan(_ trainer: Trainer, epochs: Int) throws { print("training to epoch \(epochs)") }
    /// }
    /// ```
    func fitBegan(_ trainer: Trainer, epochs: Int) throws
    /// An epoch (1-based) is about to start.
    ///
    /// ```swift
    /// final class EpochAnnouncer: Callback {
    ///     func epochBegan(_ trainer: Trainer, epoch: Int) throws { print("epoch \(epoch) at lr \(trainer.learningRate)") }
    /// }
    /// ```
    func epochBegan(_ trainer: Trainer, epoch: Int) throws
    /// A batch has been trained on (the optimizer has stepped).
    ///
    /// ```swift
    /// final class EveryHundredSteps: Callback {
    ///     func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws {
    ///         if progress.step % 100 == 0 { print(progress.step, progress.epochLoss) }
    ///     }
    /// }
    /// ```
    func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws
    /// An epoch ended; `logs` holds its values (`loss`, `val_…`, `lr`, …) and a callback may add its own.
    ///
    /// ```swift
    /// final class StopAtNinetyNine: Callback {
    ///     func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
    ///         if (logs["val_accuracy"] ?? 0) >= 0.99 { trainer.requestStop("val_accuracy reached 0.99") }
    ///     }
    /// }
    /// ```
    func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws
    /// Training ended: after the last epoch, a stop request, or with `error` (NaN loss, Ctrl-C, …).
    ///
    /// ```swift
    /// final class SaveOnExit: Callback {
    ///     func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
    ///         try? trainer.model.save(to: URL(fileURLWithPath: "last-model.safetensors"))
    ///     }
    /// }
    /// ```
    func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?)
}

extension Callback {
    /// Does nothing.
    ///
    /// ```swift
    /// final class Quiet: Callback {}   // every hook does nothing
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {}
    /// Does nothing.
    ///
    /// ```swift
    /// final class EpochPrinter: Callback {   // only epochBegan is implemented; the other hooks do nothing
    ///     func epochBegan(_ trainer: Trainer, epoch: Int) throws { print("epoch", epoch) }
    /// }
    /// ```
    public func epochBegan(_ trainer: Trainer, epoch: Int) throws {}
    /// Does nothing.
    ///
    /// ```swift
    /// final class LossPrinter: Callback {
    ///     func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws { print(progress.step, progress.loss) }
    /// }
    /// ```
    public func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws {}
    /// Does nothing.
    ///
    /// ```swift
    /// final class AddTime: Callback {
    ///     func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
    ///         logs["wall_time"] = Date().timeIntervalSince1970
    ///     }
    /// }
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {}
    /// Does nothing.
    ///
    /// ```swift
    /// final class Report: Callback {
    ///     func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
    ///         print(error == nil ? "finished after \(history.epochs.count) epochs" : "failed: \(error!)")
    ///     }
    /// }
    /// ```
    public func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {}
}

/// Whether a smaller or a larger value of a monitored metric is better.
///
/// ```swift
/// EarlyStopping(monitor: "val_accuracy", mode: .max)
/// ```
public enum MonitorMode: String, Sendable, Equatable {
    /// Lower is better (losses, errors).
    case min
    /// Higher is better (accuracy, F1, R², …).
    case max
    /// `max` for names containing accuracy, f1, precision, recall, auc or r2; otherwise `min` (as Keras).
    case auto

    /// The concrete mode for `metric`.
    ///
    /// ```swift
    /// MonitorMode.auto.resolved(for: "val_accuracy")  // .max
    /// ```
    public func resolved(for metric: String) -> MonitorMode {
        guard self == .auto else { return self }
        let higherIsBetter = ["accuracy", "f1", "precision", "recall", "auc", "r2"]
        return higherIsBetter.contains { metric.contains($0) } ? .max : .min
    }

    /// Whether `value` beats `best` by more than `minimumDelta` (`.auto` must be resolved first).
    func isImprovement(_ value: Double, over best: Double?, minimumDelta: Double) -> Bool {
        guard value.isFinite else { return false }
        guard let best else { return true }
        return self == .max ? value > best + minimumDelta : value < best - minimumDelta
    }
}

/// Reads `monitor` from an epoch's logs or says which keys there are.
func monitoredValue(_ monitor: String, in logs: [String: Double], by owner: String) throws -> Double {
    guard let value = logs[monitor] else {
        let hint = monitor.hasPrefix("val_") ? " (validation values need a validation loader)" : ""
        throw TrainingError(.configuration, "\(owner) monitors '\(monitor)', which the epoch logs do not have\(hint); "
            + "available: \(logs.keys.sorted(by: logKeyOrder).joined(separator: ", "))")
    }
    return value
}
