import Flint
import FlintNN
import FlintIO
import Foundation

/// Stops training when a monitored value has not improved for `patience` epochs (Keras'
/// `EarlyStopping`, with its defaults), optionally putting back the best epoch's weights.
///
/// After a resume the wait and the best value are rebuilt from the restored history; the best
/// weights are only known from epochs trained in this process (or load ``ModelCheckpoint/bestURL``).
///
/// ```swift
/// let stopper = EarlyStopping(monitor: "val_loss", patience: 5, restoreBestWeights: true)
/// let history = try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 100)
/// print(history.stopReason ?? "ran every epoch", stopper.best?.epoch ?? 0)
/// ```
public final class EarlyStopping: Callback {
    /// The value watched (a key of the epoch logs).
    public let monitor: String
    /// Whether lower or higher is better.
    public let mode: MonitorMode
    /// Epochs without improvement tolerated before stopping.
    public let patience: Int
    /// The smallest change that counts as an improvement.
    public let minimumDelta: Double
    /// Whether the best epoch's weights are put back when training ends.
    public let restoreBestWeights: Bool
    /// The best value so far and its epoch.
    public private(set) var best: (value: Double, epoch: Int)?
    /// Epochs since the last improvement.
    public private(set) var wait = 0
    /// The epoch that triggered the stop, if one did.
    public private(set) var stoppedEpoch: Int?
    private var bestWeights: [String: Tensor]?

    /// Watches `monitor`.
    ///
    /// ```swift
    /// EarlyStopping(monitor: "val_accuracy", mode: .max, patience: 3, minimumDelta: 0.001)
    /// ```
    public init(monitor: String = "val_loss", mode: MonitorMode = .auto, patience: Int = 0, minimumDelta: Double = 0,
                restoreBestWeights: Bool = false) {
        precondition(patience >= 0, "EarlyStopping: patience must not be negative, got \(patience)")
        precondition(minimumDelta >= 0, "EarlyStopping: minimumDelta must not be negative, got \(minimumDelta)")
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        self.patience = patience
        self.minimumDelta = minimumDelta
        self.restoreBestWeights = restoreBestWeights
    }

    /// Resets, then replays the restored history after a resume.
    ///
    /// ```swift
    /// let stopper = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
    /// trainer.callbacks.append(stopper)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 100)
    /// print(stopper.stoppedEpoch ?? 100, stopper.best!.value)
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {
        best = nil
        wait = 0
        stoppedEpoch = nil
        bestWeights = nil
        for entry in trainer.history.epochs {
            if let value = entry.logs[monitor] { record(value, epoch: entry.epoch) }
        }
    }

    /// Records the epoch's value and asks the trainer to stop when patience has run out.
    ///
    /// ```swift
    /// let stopper = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
    /// trainer.callbacks.append(stopper)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 100)
    /// print(stopper.stoppedEpoch ?? 100, stopper.best!.value)
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        let value = try monitoredValue(monitor, in: logs, by: "EarlyStopping")
        if record(value, epoch: epoch) {
            if restoreBestWeights { bestWeights = trainer.model.stateDictionary() }
        } else if wait >= max(patience, 1) {
            stoppedEpoch = epoch
            trainer.requestStop("early stopping: \(monitor) did not improve for \(wait) epoch(s) (best \(best!.value) at epoch \(best!.epoch))")
        }
    }

    /// Puts the best weights back (when asked to and they differ from the last epoch's).
    ///
    /// ```swift
    /// let stopper = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
    /// trainer.callbacks.append(stopper)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 100)
    /// print(stopper.stoppedEpoch ?? 100, stopper.best!.value)
    /// ```
    public func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
        guard error == nil, restoreBestWeights, let bestWeights, best?.epoch != history.epochs.last?.epoch else { return }
        _ = try? trainer.model.loadStateDictionary(bestWeights)
    }

    /// Updates best and wait; true when `value` improved.
    @discardableResult
    private func record(_ value: Double, epoch: Int) -> Bool {
        if mode.isImprovement(value, over: best?.value, minimumDelta: minimumDelta) {
            best = (value, epoch)
            wait = 0
            return true
        }
        wait += 1
        return false
    }
}
