import Flint
import FlintIO
import Foundation

extension Trainer {
    /// The metadata keys under which a trainer checkpoint stores its own state.
    enum MetadataKey {
        static let random = "flint.trainer.random"
        static let partialEpoch = "flint.trainer.partial_epoch"
        static let history = "flint.trainer.history"
        static let stopReason = "flint.trainer.stop_reason"
    }

    /// Everything needed to continue this run exactly: the model, the optimizer state, the
    /// schedule's state, the step and epoch, the random generator's position, the history, and
    /// (after Ctrl-C mid-epoch) the position inside the epoch. ``ModelCheckpoint`` saves these.
    ///
    /// ```swift
    /// try trainer.makeCheckpoint().save(to: URL(fileURLWithPath: "runs/iris/manual.safetensors"))
    /// ```
    public func makeCheckpoint(metadata: [String: String] = [:]) -> Checkpoint {
        var metadata = metadata
        let random = randomGenerator.state
        metadata[MetadataKey.random] = "\(random.key) \(random.counter)"
        metadata[MetadataKey.history] = history.encoded()
        if let partialEpoch {
            metadata[MetadataKey.partialEpoch] = "\(partialEpoch.batches) \(partialEpoch.lossSum) \(partialEpoch.samples) \(partialEpoch.seconds)"
        }
        if let stopReason { metadata[MetadataKey.stopReason] = stopReason }
        return Checkpoint(model: model, optimizer: optimizer, scheduleState: scheduler?.stateDictionary() ?? [:],
                          step: step, epoch: epoch, metadata: metadata)
    }

    /// Reads a checkpoint file and restores it with ``restore(from:)``; errors become
    /// ``TrainingError`` of kind `.resume` naming the file.
    ///
    /// ```swift
    /// try trainer.resume(from: URL(fileURLWithPath: "runs/iris/last.safetensors"))
    /// ```
    public func resume(from url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TrainingError(.resume, "cannot resume: \(url.path) does not exist; train without resuming first, or point at the run's last.safetensors")
        }
        do {
            try restore(from: try Checkpoint.load(from: url))
        } catch let error as TrainingError {
            throw TrainingError(.resume, "cannot resume from \(url.path): \(error.message)")
        } catch {
            throw TrainingError(.resume, "cannot resume from \(url.path): \(error)")
        }
    }

    /// Puts a checkpoint made by ``makeCheckpoint(metadata:)`` back. The trainer's own fields and the
    /// model and optimizer state are checked before anything changes; a schedule state that does not
    /// fit the trainer's schedule is reported after the model was restored.
    ///
    /// ```swift
    /// try trainer.restore(from: try Checkpoint.load(from: url))
    /// ```
    public func restore(from checkpoint: Checkpoint) throws {
        func bad(_ what: String) -> TrainingError {
            TrainingError(.resume, "\(what); was the checkpoint written by Trainer (ModelCheckpoint)?")
        }
        guard let randomText = checkpoint.metadata[MetadataKey.random] else { throw bad("it has no '\(MetadataKey.random)' metadata") }
        let randomFields = randomText.split(separator: " ").compactMap { UInt64($0) }
        guard randomFields.count == 2 else { throw bad("'\(MetadataKey.random)' is not two integers: '\(randomText)'") }
        guard let restoredHistory = TrainingHistory.decode(checkpoint.metadata[MetadataKey.history] ?? "") else {
            throw bad("'\(MetadataKey.history)' is not a readable history")
        }
        var restoredPartial: PartialEpoch?
        if let text = checkpoint.metadata[MetadataKey.partialEpoch] {
            let fields = text.split(separator: " ").map(String.init)
            guard fields.count == 4, let batches = Int(fields[0]), let lossSum = Double(fields[1]), let samples = Int(fields[2]),
                  let seconds = Double(fields[3]), batches > 0, samples > 0 else {
                throw bad("'\(MetadataKey.partialEpoch)' is not 'batches lossSum samples seconds': '\(text)'")
            }
            restoredPartial = PartialEpoch(batches: batches, lossSum: lossSum, samples: samples, seconds: seconds)
        }
        guard checkpoint.step >= 0, checkpoint.epoch >= 0 else { throw bad("step \(checkpoint.step) or epoch \(checkpoint.epoch) is negative") }
        if scheduler == nil && !checkpoint.scheduleState.isEmpty {
            throw TrainingError(.resume, "the checkpoint has a learning-rate schedule's state but this trainer has no schedule; "
                + "resume with the same schedule it was trained with")
        }
        if scheduler != nil && checkpoint.scheduleState.isEmpty {
            throw TrainingError(.resume, "this trainer has a learning-rate schedule but the checkpoint has no schedule state; "
                + "resume with the same settings it was trained with")
        }
        try checkpoint.restore(into: model, optimizer: optimizer)
        if let scheduler { try scheduler.loadStateDictionary(checkpoint.scheduleState) }
        randomGenerator.state = RandomState(key: randomFields[0], counter: randomFields[1])
        step = checkpoint.step
        epoch = checkpoint.epoch
        history = restoredHistory
        partialEpoch = restoredPartial
        stopReason = nil
    }
}
