import Foundation

/// Records the learning rate as training goes (Lightning's `LearningRateMonitor`): after every
/// epoch, or after every optimizer step, as `(step, epoch, rate)` entries; optionally prints each change.
///
/// ```swift
/// let monitor = LearningRateMonitor(interval: .batch)
/// try trainer.fit(training: loader, epochs: 3)   // with monitor in the callbacks
/// print(monitor.entries.map(\.learningRate))
/// ```
public final class LearningRateMonitor: Callback {
    /// One recorded rate.
    ///
    /// ```swift
    /// monitor.entries.last?.learningRate
    /// ```
    public struct Entry: Sendable, Equatable {
        /// Optimizer steps taken when recorded.
        public var step: Int
        /// The epoch (1-based) it was recorded in.
        public var epoch: Int
        /// The optimizer's (first group's) learning rate for what comes next.
        public var learningRate: Double
    }

    /// When rates are recorded.
    public let interval: LearningRateScheduler.Interval
    /// The rates recorded, oldest first.
    public private(set) var entries: [Entry] = []
    private let write: ((String) -> Void)?

    /// A monitor recording per `interval`; with `write`, each change of rate is also reported as a line.
    ///
    /// ```swift
    /// LearningRateMonitor(interval: .epoch) { print($0, terminator: "") }
    /// ```
    public init(interval: LearningRateScheduler.Interval = .epoch, write: ((String) -> Void)? = nil) {
        self.interval = interval
        self.write = write
    }

    /// Records the starting rate.
    ///
    /// ```swift
    /// let monitor = LearningRateMonitor(interval: .batch)
    /// trainer.callbacks.append(monitor)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, epochs: 3)
    /// print(monitor.entries.map(\.learningRate))
    /// ```
    public func fitBegan(_ trainer: Trainer, epochs: Int) throws {
        record(trainer, epoch: trainer.epoch + 1)
    }

    /// Records the rate for the next step (per-batch interval).
    ///
    /// ```swift
    /// let monitor = LearningRateMonitor(interval: .batch)
    /// trainer.callbacks.append(monitor)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, epochs: 3)
    /// print(monitor.entries.map(\.learningRate))
    /// ```
    public func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws {
        if interval == .batch { record(trainer, epoch: progress.epoch) }
    }

    /// Records the rate for the next epoch (per-epoch interval).
    ///
    /// ```swift
    /// let monitor = LearningRateMonitor(interval: .batch)
    /// trainer.callbacks.append(monitor)           // Trainer.fit calls the hooks
    /// try trainer.fit(training: trainLoader, epochs: 3)
    /// print(monitor.entries.map(\.learningRate))
    /// ```
    public func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        if interval == .epoch { record(trainer, epoch: epoch) }
    }

    private func record(_ trainer: Trainer, epoch: Int) {
        let rate = trainer.learningRate
        if let write, let previous = entries.last?.learningRate, previous != rate {
            write("learning rate \(ProgressBar.rate(previous)) -> \(ProgressBar.rate(rate)) at step \(trainer.step) (epoch \(epoch))\n")
        }
        entries.append(Entry(step: trainer.step, epoch: epoch, learningRate: rate))
    }
}
