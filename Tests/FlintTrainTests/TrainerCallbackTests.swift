import Flint
import FlintData
import FlintIO
import FlintNN
import FlintOptim
@testable import FlintTrain
import Foundation
import Testing

/// Records which hooks ran, in order.
private final class HookRecorder: Callback {
    var events: [String] = []
    func fitBegan(_ trainer: Trainer, epochs: Int) throws { events.append("fitBegan \(epochs)") }
    func epochBegan(_ trainer: Trainer, epoch: Int) throws { events.append("epochBegan \(epoch)") }
    func batchEnded(_ trainer: Trainer, _ progress: BatchProgress) throws {
        events.append("batch \(progress.epoch).\(progress.batch)/\(progress.batchCount ?? -1) step \(progress.step)")
    }
    func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
        logs["custom"] = Double(epoch) * 10
        events.append("epochEnded \(epoch)")
    }
    func fitEnded(_ trainer: Trainer, history: TrainingHistory, error: (any Error)?) {
        events.append("fitEnded \(error == nil ? "ok" : "error")")
    }
}

extension TrainerTests {
    @Suite struct Callbacks {
        @Test func hooksRunInOrderAndCallbacksCanAddLogs() throws {
            let splits = try ClassificationSplits(name: "iris")
            let model = makeMLP(inputs: splits.featureCount, classes: splits.classCount)
            let recorder = HookRecorder()
            let trainer = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1), loss: crossEntropy,
                                      callbacks: [recorder])
            let history = try trainer.fit(training: try DataLoader(splits.train, batchSize: 45), epochs: 2)
            #expect(recorder.events == ["fitBegan 2", "epochBegan 1", "batch 1.1/2 step 1", "batch 1.2/2 step 2", "epochEnded 1",
                                        "epochBegan 2", "batch 2.1/2 step 3", "batch 2.2/2 step 4", "epochEnded 2", "fitEnded ok"])
            #expect(history.series("custom") == [10, 20])
        }

        @Test func earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() throws {
            let splits = try ClassificationSplits(name: "iris")
            let model = makeMLP(inputs: splits.featureCount, classes: splits.classCount)
            // A fixed sequence of "validation" values through a callback placed before the stopper.
            final class FakeMetric: Callback {
                let values: [Double]
                init(_ values: [Double]) { self.values = values }
                func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws { logs["score"] = values[epoch - 1] }
            }
            var weightsByEpoch: [[Float]] = []
            final class Snapshot: Callback {
                let record: ([Float]) -> Void
                init(_ record: @escaping ([Float]) -> Void) { self.record = record }
                func epochEnded(_ trainer: Trainer, epoch: Int, logs: inout [String: Double]) throws {
                    record(trainer.model.stateDictionary()["0.weight"]!.scalars(as: Float.self))
                }
            }
            let stopper = EarlyStopping(monitor: "score", patience: 2, restoreBestWeights: true)
            #expect(stopper.mode == .min)
            let trainer = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1), loss: crossEntropy,
                                      callbacks: [FakeMetric([5, 3, 4, 3.5, 1, 0]), Snapshot { weightsByEpoch.append($0) }, stopper])
            let history = try trainer.fit(training: try DataLoader(splits.train, batchSize: 32), epochs: 6)
            #expect(history.epochs.count == 4)
            #expect(stopper.stoppedEpoch == 4)
            #expect(stopper.best?.epoch == 2 && stopper.best?.value == 3)
            #expect(history.stopReason?.contains("score did not improve for 2 epoch(s)") == true)
            #expect(model.stateDictionary()["0.weight"]!.scalars(as: Float.self) == weightsByEpoch[1])

            #expect(EarlyStopping(monitor: "val_accuracy").mode == .max)
            let zeroPatience = EarlyStopping(monitor: "score", patience: 0)
            let again = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1), loss: crossEntropy,
                                    callbacks: [FakeMetric([2, 1, 1.5, 0]), zeroPatience])
            #expect(try again.fit(training: try DataLoader(splits.train, batchSize: 32), epochs: 4).epochs.count == 3)
        }

        @Test func modelCheckpointKeepsBestAndLastAndLeavesNoTemporaryFiles() throws {
            let splits = try ClassificationSplits(name: "iris")
            let model = makeMLP(inputs: splits.featureCount, classes: splits.classCount)
            let directory = temporaryDirectory().appendingPathComponent("nested/run")
            defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent().deletingLastPathComponent()) }
            let checkpoints = ModelCheckpoint(directory: directory, monitor: "val_accuracy")
            #expect(checkpoints.mode == .max)
            let trainer = try Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 0.01), loss: crossEntropy,
                                      metrics: ["accuracy"], callbacks: [checkpoints])
            let history = try trainer.fit(training: try DataLoader(splits.train, batchSize: 16),
                                          validation: try DataLoader(splits.validation, batchSize: 64), epochs: 6)
            let accuracies = history.series("val_accuracy")
            let bestEpoch = accuracies.firstIndex(of: accuracies.max()!)! + 1
            #expect(checkpoints.best?.epoch == bestEpoch)
            let best = try Checkpoint.load(from: checkpoints.bestURL)
            let last = try Checkpoint.load(from: checkpoints.lastURL)
            #expect(best.epoch == bestEpoch && best.metadata["monitor"] == "val_accuracy")
            #expect(last.epoch == 6 && last.step == trainer.step)
            #expect(!last.optimizerState.isEmpty)
            #expect(last.modelState["0.weight"]!.scalars(as: Float.self) == model.stateDictionary()["0.weight"]!.scalars(as: Float.self))
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(files == ["best.safetensors", "last.safetensors"])
        }

        @Test func modelCheckpointIntoAnUnwritableFolderFailsBeforeTraining() throws {
            let model = makeMLP(inputs: 4, classes: 3)
            let file = temporaryDirectory().appendingPathComponent("a-file")
            defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
            try Data("x".utf8).write(to: file)
            let trainer = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1), loss: crossEntropy,
                                      callbacks: [ModelCheckpoint(directory: file.appendingPathComponent("run"), monitor: nil)])
            let data = TensorDataset(inputs: Tensor.zeros([4, 4]), targets: Tensor([0, 1, 2, 0] as [Int64]))
            let error = #expect(throws: TrainingError.self) { try trainer.fit(training: try DataLoader(data, batchSize: 2), epochs: 1) }
            #expect(error?.message.contains("ModelCheckpoint cannot create") == true)
            #expect(trainer.step == 0)
        }

        @Test func progressBarWritesOneLinePerEpochOrALiveBar() throws {
            let splits = try ClassificationSplits(name: "iris")
            let model = makeMLP(inputs: splits.featureCount, classes: splits.classCount)
            var plain = "", live = ""
            let trainer = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1), loss: crossEntropy,
                                      metrics: ["accuracy"],
                                      callbacks: [ProgressBar(live: false) { plain += $0 }, ProgressBar(live: true) { live += $0 }])
            try trainer.fit(training: try DataLoader(splits.train, batchSize: 16), validation: try DataLoader(splits.validation, batchSize: 64), epochs: 2)
            let lines = plain.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("Epoch 1/2  "))
            #expect(lines[1].contains("samples/s  loss "))
            #expect(lines[1].contains("val_loss ") && lines[1].contains("val_accuracy ") && lines[1].contains("lr 0.1"))
            #expect(!plain.contains("\r"))
            #expect(live.contains("\rEpoch 1/2 [") && live.contains("] 6/6  ETA "), "\(live.debugDescription)")
            #expect(live.hasSuffix("\n"))
            #expect(ProgressBar.grouped(1234567) == "1,234,567")
            #expect(ProgressBar.duration(125) == "2m05s")
        }
    }
}
