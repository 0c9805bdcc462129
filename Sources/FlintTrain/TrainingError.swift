import Foundation

/// Why ``Trainer/fit(training:validation:epochs:resumeFrom:)`` stopped before its last epoch, or
/// could not start, with what to do about it.
///
/// ```swift
/// do {
///     try trainer.fit(training: loader, epochs: 10)
/// } catch let error as TrainingError where error.kind == .interrupted {
///     print(error)   // training interrupted … resume with …
/// }
/// ```
public struct TrainingError: Error, CustomStringConvertible, Equatable {
    /// The kinds of training failure.
    ///
    /// ```swift
    /// if error.kind == .nonFiniteLoss { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// The loss became NaN or infinite; the model was left as it was before that batch.
        case nonFiniteLoss
        /// Ctrl-C (SIGINT) stopped training after the current batch; see ``checkpoint``.
        case interrupted
        /// A checkpoint to resume from is missing, unreadable or does not fit this trainer.
        case resume
        /// The trainer was set up with something that cannot work (an unknown monitored metric,
        /// an empty loader, …).
        case configuration
    }

    /// What went wrong.
    public let kind: Kind
    /// The 1-based epoch it happened in, when it happened during training.
    public let epoch: Int?
    /// The optimizer step (1-based, counted over the whole run) it happened at, when known.
    public let step: Int?
    /// The resumable checkpoint written (after an interrupt), if any.
    public let checkpoint: URL?
    /// What went wrong and what to do, in one message.
    public let message: String

    /// An error from its parts.
    ///
    /// ```swift
    /// TrainingError(.configuration, "the loader has no batches; check the dataset")
    /// ```
    public init(_ kind: Kind, _ message: String, epoch: Int? = nil, step: Int? = nil, checkpoint: URL? = nil) {
        self.kind = kind
        self.message = message
        self.epoch = epoch
        self.step = step
        self.checkpoint = checkpoint
    }

    /// The message.
    ///
    /// ```swift
    /// do { try trainer.fit(training: trainLoader, epochs: 10) } catch let error as TrainingError { print(error.description) }
    /// ```
    public var description: String { message }

    static func nonFiniteLoss(_ value: Double, epoch: Int, step: Int, batch: Int, checkpoint: URL?) -> TrainingError {
        let kept = checkpoint.map { " The last good checkpoint is unchanged at \($0.path)." } ?? ""
        return TrainingError(.nonFiniteLoss,
            "the loss became \(value) at epoch \(epoch), step \(step) (batch \(batch) of the epoch); training stopped before "
            + "that update. Try a lower learning rate, gradient clipping (e.g. clipping by norm 1.0), or check the data "
            + "for NaN/Inf values.\(kept)",
            epoch: epoch, step: step, checkpoint: checkpoint)
    }

    static func interrupted(epoch: Int, step: Int, checkpoint: URL?) -> TrainingError {
        let resume = checkpoint.map {
            "a resumable checkpoint is at \($0.path); resume with `flint train … --resume` "
                + "(in Swift: trainer.fit(…, resumeFrom: URL(fileURLWithPath: \"\($0.path)\")))"
        } ?? "no checkpoint was written (add a ModelCheckpoint callback to be able to resume)"
        return TrainingError(.interrupted, "training interrupted (Ctrl-C) in epoch \(epoch) after step \(step); \(resume)",
                             epoch: epoch, step: step, checkpoint: checkpoint)
    }
}
