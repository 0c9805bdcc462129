import Flint
import FlintData
import FlintNN
import FlintOptim
import Foundation

extension Trainer {
    /// Trains until `epochs` epochs are complete (counting those already done: a new trainer starts
    /// at 0, a resumed one at its checkpoint's epoch), validating after each epoch when a validation
    /// loader is given, and returns every epoch's logs.
    ///
    /// Each epoch logs `loss` (the sample-weighted mean training loss), `lr` (the rate of the
    /// epoch's last step), `seconds`, `samples_per_second` and, with validation, `val_loss` and
    /// `val_<metric>` for each metric. Epoch `e` (1-based) trains on `training.batches(epoch: e - 1)`,
    /// so the loader's shuffle order depends only on its seed and the epoch.
    ///
    /// - Parameter resumeFrom: a checkpoint written by ``ModelCheckpoint`` (or by Ctrl-C): restores
    ///   the model, optimizer, schedule, step, epoch, history and random stream, and continues
    ///   (from the middle of an epoch when Ctrl-C wrote it) exactly as the uninterrupted run would have.
    /// - Throws: ``TrainingError`` with kind `.nonFiniteLoss` (the loss became NaN/Inf: the model
    ///   keeps its state from before that batch), `.interrupted` (Ctrl-C: a resumable checkpoint was
    ///   written when a ``ModelCheckpoint`` is present), `.resume` or `.configuration`; errors of
    ///   callbacks and metrics as they come.
    ///
    /// ```swift
    /// let history = try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10)
    /// // later, after Ctrl-C:
    /// try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 10,
    ///                 resumeFrom: URL(fileURLWithPath: "runs/iris/last.safetensors"))
    /// ```
    @discardableResult
    public func fit(training: DataLoader, validation: DataLoader? = nil, epochs: Int,
                    resumeFrom checkpoint: URL? = nil) throws -> TrainingHistory {
        precondition(epochs >= 0, "Trainer.fit: epochs must not be negative, got \(epochs)")
        if let checkpoint { try resume(from: checkpoint) }
        stopReason = nil
        InterruptMonitor.install()
        defer { InterruptMonitor.uninstall() }
        var failure: (any Error)?
        do {
            try RandomGenerator.withShared(randomGenerator) {
                try runEpochs(training: training, validation: validation, epochs: epochs)
            }
        } catch {
            failure = error
        }
        history.stopReason = stopReason
        for callback in callbacks { callback.fitEnded(self, history: history, error: failure) }
        if let failure { throw failure }
        return history
    }

    private func runEpochs(training: DataLoader, validation: DataLoader?, epochs: Int) throws {
        for callback in callbacks { try callback.fitBegan(self, epochs: epochs) }
        let parameters = model.parameters()
        while epoch < epochs && stopReason == nil {
            let epochNumber = epoch + 1
            for callback in callbacks { try callback.epochBegan(self, epoch: epochNumber) }
            model.train()
            let started = DispatchTime.now().uptimeNanoseconds
            var progress = partialEpoch ?? PartialEpoch()
            let secondsBefore = progress.seconds
            func elapsed() -> Double { secondsBefore + Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }
            let skipped = progress.batches
            var learningRateUsed = optimizer.learningRate
            var batchIndex = 0
            for batch in training.batches(epoch: epoch) {
                batchIndex += 1
                if batchIndex <= skipped { continue }  // replaying a partly trained epoch after a resume
                optimizer.zeroGrad()
                let output = model(batch.inputs)
                let lossTensor = loss(output, batch.targets)
                precondition(lossTensor.count == 1, "Trainer.fit: the loss must be a scalar, got shape \(lossTensor.shape); use a mean or sum reduction")
                let lossValue = lossTensor.item(as: Double.self)
                guard lossValue.isFinite else {
                    optimizer.zeroGrad()
                    throw TrainingError.nonFiniteLoss(lossValue, epoch: epochNumber, step: step + 1, batch: batchIndex,
                                                      checkpoint: modelCheckpoint?.lastCheckpointIfWritten)
                }
                lossTensor.backward()
                gradientClipping?.apply(to: parameters)
                learningRateUsed = optimizer.learningRate
                optimizer.step()
                step += 1
                scheduler?.batchEnded()
                progress.batches += 1
                progress.lossSum += lossValue * Double(batch.count)
                progress.samples += batch.count
                progress.seconds = elapsed()
                partialEpoch = progress
                let report = BatchProgress(epoch: epochNumber, epochs: epochs, batch: progress.batches, batchCount: training.count,
                                           step: step, loss: lossValue, epochLoss: progress.lossSum / Double(progress.samples),
                                           samples: progress.samples, seconds: progress.seconds)
                for callback in callbacks { try callback.batchEnded(self, report) }
                if InterruptMonitor.isPending { throw try interrupt(epoch: epochNumber) }
            }
            guard progress.samples > 0 else {
                throw TrainingError(.configuration, "the training loader gave no batches in epoch \(epochNumber); check the dataset "
                    + "is not empty and that dropLast does not drop its only batch", epoch: epochNumber)
            }
            partialEpoch = nil
            training.epoch = epoch + 1
            let seconds = elapsed()
            var logs: [String: Double] = [
                "loss": progress.lossSum / Double(progress.samples),
                "lr": learningRateUsed,
                "seconds": seconds,
                "samples_per_second": Double(progress.samples) / max(seconds, 1e-9),
            ]
            if let validation {
                for (key, value) in try evaluate(validation) { logs["val_" + key] = value }
            }
            epoch += 1
            try scheduler?.epochEnded(logs: logs)
            history.epochs.append(TrainingHistory.Epoch(epoch: epochNumber, logs: logs))
            for callback in callbacks { try callback.epochEnded(self, epoch: epochNumber, logs: &logs) }
            history.epochs[history.epochs.count - 1].logs = logs
            if InterruptMonitor.isPending { throw try interrupt(epoch: epochNumber) }
        }
    }

    /// Writes the resumable checkpoint (when a ``ModelCheckpoint`` is present) and makes the error.
    private func interrupt(epoch epochNumber: Int) throws -> TrainingError {
        let url = try modelCheckpoint?.saveLast(self)
        return TrainingError.interrupted(epoch: epochNumber, step: step, checkpoint: url)
    }
}
