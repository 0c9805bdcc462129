import Flint
import FlintData
import FlintIO
import FlintNN
import FlintOptim
@testable import FlintTrain
import Foundation
import Testing

/// Everything a run is built from, rebuilt identically for each run compared.
private struct IrisRun {
    let splits: ClassificationSplits
    let model: Module
    let optimizer: Adam
    let trainer: Trainer
    let checkpoints: ModelCheckpoint
    let training: DataLoader
    let validation: DataLoader

    init(splits: ClassificationSplits, directory: URL, extraCallbacks: [any Callback] = []) throws {
        self.splits = splits
        model = makeMLP(inputs: splits.featureCount, classes: splits.classCount, dropout: 0.3)
        optimizer = Adam(model.namedParameters(), learningRate: 0.01)
        checkpoints = ModelCheckpoint(directory: directory, monitor: "val_loss")
        trainer = try Trainer(model: model, optimizer: optimizer, loss: crossEntropy,
                              scheduler: LearningRateScheduler(StepLR(optimizer, stepSize: 2, gamma: 0.5)),
                              metrics: ["accuracy"], callbacks: [checkpoints] + extraCallbacks, seed: 11)
        training = try DataLoader(splits.train, batchSize: 16, shuffle: true, seed: 5, prefetchCount: 1)
        validation = try DataLoader(splits.validation, batchSize: 64)
    }
}

/// Calls `body` after every batch.
private final class BatchHook: Callback {
    let body: (Trainer, BatchProgress) -> Void
    init(_ body: @escaping (Trainer, BatchProgress) -> Void) { self.body = body }
    func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws { body(trainer, progress) }
}

/// Raises `signalNumber` at this thread with it unblocked for the moment: the test runs on a
/// worker thread that blocks signals (a real Ctrl-C goes to a thread that does not), and the
/// handler then runs before `raise` returns.
private func raiseUnblocked(_ signalNumber: Int32) {
    var set = sigset_t(), previous = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, signalNumber)
    pthread_sigmask(SIG_UNBLOCK, &set, &previous)
    raise(signalNumber)
    pthread_sigmask(SIG_SETMASK, &previous, nil)
}

/// The current SIGINT handler's address (0 for the default), read without changing it for long.
private func sigintDisposition() -> Int {
    let current = signal(SIGINT, SIG_IGN)
    signal(SIGINT, current)
    return unsafeBitCast(current, to: Int.self)
}

private func losses(_ history: TrainingHistory) -> [String: [Double]] {
    ["loss": history.series("loss"), "val_loss": history.series("val_loss"), "val_accuracy": history.series("val_accuracy"),
     "lr": history.series("lr")]
}

extension TrainerTests {
    @Suite struct Resume {
        @Test func twoEpochsThenResumeForTwoGivesTheUninterruptedLossCurve() throws {
            let splits = try ClassificationSplits(name: "iris")
            let straightDirectory = temporaryDirectory(), resumedDirectory = temporaryDirectory()
            defer { for url in [straightDirectory, resumedDirectory] { try? FileManager.default.removeItem(at: url) } }

            let straight = try IrisRun(splits: splits, directory: straightDirectory)
            let expected = try straight.trainer.fit(training: straight.training, validation: straight.validation, epochs: 4)

            let first = try IrisRun(splits: splits, directory: resumedDirectory)
            try first.trainer.fit(training: first.training, validation: first.validation, epochs: 2)
            // A new process: everything built afresh, then resumed from the last checkpoint.
            let second = try IrisRun(splits: splits, directory: resumedDirectory)
            let resumed = try second.trainer.fit(training: second.training, validation: second.validation, epochs: 4,
                                                 resumeFrom: second.checkpoints.lastURL)
            #expect(losses(resumed) == losses(expected))
            #expect(resumed.epochs.map(\.epoch) == [1, 2, 3, 4])
            #expect(second.trainer.step == straight.trainer.step)
            #expect(second.training.epoch == 4)
            for (key, value) in straight.model.stateDictionary() {
                #expect(second.model.stateDictionary()[key]!.scalars(as: Float.self) == value.scalars(as: Float.self), "\(key)")
            }
        }

        @Test func ctrlCWritesAResumableCheckpointMidEpochAndResumingMatchesTheStraightRun() throws {
            let splits = try ClassificationSplits(name: "iris")
            let straightDirectory = temporaryDirectory(), interruptedDirectory = temporaryDirectory()
            defer { for url in [straightDirectory, interruptedDirectory] { try? FileManager.default.removeItem(at: url) } }
            let straight = try IrisRun(splits: splits, directory: straightDirectory)
            let expected = try straight.trainer.fit(training: straight.training, validation: straight.validation, epochs: 3)

            // Ctrl-C after step 9 (the 3rd of 6 batches in epoch 2).
            var raised = false
            let hook = BatchHook { trainer, _ in
                if trainer.step == 9 && !raised { raised = true; raiseUnblocked(SIGINT) }
            }
            let dispositionBefore = sigintDisposition()
            let interrupted = try IrisRun(splits: splits, directory: interruptedDirectory, extraCallbacks: [hook])
            let error = #expect(throws: TrainingError.self) {
                try interrupted.trainer.fit(training: interrupted.training, validation: interrupted.validation, epochs: 3)
            }
            #expect(error?.kind == .interrupted)
            #expect(error?.epoch == 2)
            #expect(error?.step == 9)
            #expect(error?.checkpoint == interrupted.checkpoints.lastURL)
            #expect(error?.message.contains("resume with") == true)
            #expect(interrupted.trainer.step == 9)
            let saved = try Checkpoint.load(from: interrupted.checkpoints.lastURL)
            #expect(saved.step == 9 && saved.epoch == 1)
            #expect(saved.metadata[Trainer.MetadataKey.partialEpoch]?.hasPrefix("3 ") == true)
            // The handler is gone after fit: SIGINT is back to what it was.
            #expect(sigintDisposition() == dispositionBefore)

            let resumedRun = try IrisRun(splits: splits, directory: interruptedDirectory)
            let resumed = try resumedRun.trainer.fit(training: resumedRun.training, validation: resumedRun.validation, epochs: 3,
                                                     resumeFrom: resumedRun.checkpoints.lastURL)
            #expect(losses(resumed) == losses(expected))
            #expect(resumedRun.trainer.step == straight.trainer.step)
        }

        @Test func resumeProblemsAreClearErrors() throws {
            let splits = try ClassificationSplits(name: "iris")
            let directory = temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try IrisRun(splits: splits, directory: directory)
            let missing = #expect(throws: TrainingError.self) {
                try run.trainer.fit(training: run.training, epochs: 1, resumeFrom: directory.appendingPathComponent("nope.safetensors"))
            }
            #expect(missing?.kind == .resume)
            #expect(missing?.message.contains("does not exist") == true)

            // A plain model file is not a training checkpoint.
            let plain = directory.appendingPathComponent("model.safetensors")
            try run.model.save(to: plain)
            let notCheckpoint = #expect(throws: TrainingError.self) { try run.trainer.resume(from: plain) }
            #expect(notCheckpoint?.message.contains(plain.path) == true)

            // A checkpoint of another architecture leaves the model untouched.
            let other = makeMLP(inputs: splits.featureCount, hidden: 8, classes: splits.classCount)
            let otherTrainer = try Trainer(model: other, optimizer: SGD(other.namedParameters(), learningRate: 0.1), loss: crossEntropy)
            let otherURL = directory.appendingPathComponent("other.safetensors")
            try otherTrainer.makeCheckpoint().save(to: otherURL)
            let weights = run.model.stateDictionary()["0.weight"]!.scalars(as: Float.self)
            #expect(throws: TrainingError.self) { try run.trainer.resume(from: otherURL) }
            #expect(run.model.stateDictionary()["0.weight"]!.scalars(as: Float.self) == weights)
            #expect(run.trainer.epoch == 0)
        }

        @Test func randomStateReadsAndReplaysTheSharedStream() {
            RandomGenerator.withShared(RandomGenerator(seed: 99)) {
                let saved = Flint.randomState
                #expect(saved == RandomState(key: 99, counter: 0))
                let first = Tensor.bernoulli([64], probability: 0.5).scalars(as: Float.self)
                #expect(Flint.randomState.counter > 0)
                Flint.randomState = saved
                #expect(Tensor.bernoulli([64], probability: 0.5).scalars(as: Float.self) == first)
                Flint.seed(99)
                #expect(Tensor.bernoulli([64], probability: 0.5).scalars(as: Float.self) == first)
            }
            let generator = RandomGenerator(seed: 5)
            let position = generator.state
            let values = Tensor.rand([10], generator: generator).scalars(as: Float.self)
            generator.state = position
            #expect(Tensor.rand([10], generator: generator).scalars(as: Float.self) == values)
        }
    }
}
