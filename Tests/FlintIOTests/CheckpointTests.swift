import Flint
import FlintIO
import FlintNN
import FlintOptim
import Foundation
import Testing

/// A module with a buffer, to check buffers are saved and loaded with parameters.
final class Counter: Module {
    let scale = Parameter(Tensor([1.0, 2.0], dtype: .float32))
    let seen = Buffer(Tensor([Int64(0)]))
    override func forward(_ input: Tensor) -> Tensor { input * scale.value }
}

@Suite struct ModuleCheckpointTests {
    @Test func saveAndLoadRestoresParametersAndBuffers() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("model.safetensors")
        let source = Sequential(Linear(3, 4), ReLU(), Counter())
        (source.layers[2] as! Counter).seen.value = Tensor([Int64(42)])
        try source.save(to: url, metadata: ["epoch": "7"])
        #expect(try SafeTensors.read(from: url).metadata == ["epoch": "7"])

        let target = Sequential(Linear(3, 4), ReLU(), Counter())
        let weight = target.namedParameters()[0].parameter
        let report = try target.load(from: url)
        #expect(report.isComplete && report.loadedKeys.sorted() == ["0.bias", "0.weight", "2.scale", "2.seen"])
        for (key, tensor) in source.stateDictionary() {
            #expect(target.stateDictionary()[key]!.scalars(as: Double.self) == tensor.scalars(as: Double.self), "\(key)")
        }
        // Parameters are written in place: the same Parameter objects, still trainable.
        #expect(target.namedParameters()[0].parameter === weight && weight.value.requiresGrad)
    }

    @Test func strictLoadingListsEveryProblemAtOnceAndChangesNothing() throws {
        let model = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        let before = model.stateDictionary()
        var state = Sequential(Linear(3, 4), ReLU(), Linear(4, 2)).stateDictionary()
        state["2.weight"] = Tensor.zeros([5, 4])    // shape mismatch
        state["2.bias"] = nil                       // missing
        state["extra.weight"] = Tensor.zeros([1])   // unexpected
        state["0.bias"] = Tensor([1, 2, 3, 4], dtype: .int32)  // dtype that cannot convert
        let error = #expect(throws: StateLoadError.self) { try model.loadStateDictionary(state) }
        #expect(error?.report.missingKeys == ["2.bias"])
        #expect(error?.report.unexpectedKeys == ["extra.weight"])
        #expect(error?.report.mismatches.map(\.key) == ["0.bias", "2.weight"])
        #expect(error?.description.contains("'2.weight': the model has float32 [2, 4], the state has float32 [5, 4]") == true)
        #expect(error?.description.contains("'0.bias': the model has float32 [4], the state has int32 [4]") == true)
        // Nothing was assigned, not even the keys that fit.
        for (key, tensor) in before {
            #expect(model.stateDictionary()[key]!.scalars(as: Double.self) == tensor.scalars(as: Double.self), "\(key)")
        }
    }

    @Test func nonStrictLoadingLoadsWhatFitsAndReportsTheRest() throws {
        let model = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        let untouched = model.stateDictionary()["2.weight"]!
        let state: [String: Tensor] = [
            "0.weight": Tensor.ones([4, 3], dtype: .float64),  // float64 into float32: converted
            "0.bias": Tensor.ones([4]),
            "2.weight": Tensor.ones([2, 5]),
            "head.bias": Tensor.ones([2]),
        ]
        let report = try model.loadStateDictionary(state, strict: false)
        #expect(report.loadedKeys == ["0.weight", "0.bias"])
        #expect(report.missingKeys == ["2.bias"])
        #expect(report.unexpectedKeys == ["head.bias"])
        #expect(report.mismatches == [.init(key: "2.weight", expected: "float32 [2, 4]", found: "float32 [2, 5]")])
        #expect(model.stateDictionary()["0.weight"]!.dtype == .float32)
        #expect(model.stateDictionary()["0.weight"]!.scalars(as: Float.self) == Array(repeating: 1, count: 12))
        #expect(model.stateDictionary()["2.weight"]!.scalars(as: Float.self) == untouched.scalars(as: Float.self))
    }

    @Test func stateDictionaryIsASnapshot() {
        let layer = Linear(2, 2)
        let saved = layer.stateDictionary()["weight"]!.scalars(as: Float.self)
        let snapshot = layer.stateDictionary()["weight"]!
        layer.weight.value.copy(from: Tensor.zeros([2, 2]))
        #expect(snapshot.scalars(as: Float.self) == saved)
    }
}

@Suite struct TrainingCheckpointTests {
    /// Three SGD steps on fixed data.
    static func train(_ model: Linear, _ optimizer: SGD, steps: Int) {
        let input = Tensor([[1.0, -2, 0.5], [0.3, 0.8, -1], [2, 0.1, 0.4], [-0.7, 1.2, 1.5]], dtype: .float32)
        let target = Tensor([[1.0, 0], [0, 1], [1, 1], [-1, 0.5]], dtype: .float32)
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let difference = model(input) - target
            (difference * difference).mean().backward()
            optimizer.step()
        }
    }

    static func makeLinear() -> Linear {
        let layer = Linear(3, 2)
        layer.weight.value.copy(from: Tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], dtype: .float32))
        layer.bias!.value.copy(from: Tensor([0.05, -0.05], dtype: .float32))
        return layer
    }

    @Test func resumingFromACheckpointMatchesTrainingStraightThrough() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("checkpoint.safetensors")

        let model = Self.makeLinear()
        let optimizer = SGD(model.namedParameters(), learningRate: 0.1, momentum: 0.9)
        Self.train(model, optimizer, steps: 3)
        optimizer.learningRate = 0.05  // as a schedule would
        try Checkpoint(model: model, optimizer: optimizer, scheduleState: ["last_epoch": 3, "best": .infinity],
                       step: 3, epoch: 1, metadata: ["run": "resume-test"]).save(to: url)
        Self.train(model, optimizer, steps: 3)

        let restoredModel = Linear(3, 2)
        let restoredOptimizer = SGD(restoredModel.namedParameters(), learningRate: 0.1, momentum: 0.9)
        let checkpoint = try Checkpoint.load(from: url)
        #expect(checkpoint.step == 3 && checkpoint.epoch == 1 && checkpoint.metadata == ["run": "resume-test"])
        #expect(checkpoint.scheduleState == ["last_epoch": 3, "best": .infinity])
        #expect(Set(checkpoint.optimizerState.keys) == ["weight.momentum_buffer", "bias.momentum_buffer"])
        try checkpoint.restore(into: restoredModel, optimizer: restoredOptimizer)
        #expect(restoredOptimizer.learningRate == 0.05)
        Self.train(restoredModel, restoredOptimizer, steps: 3)

        for (key, tensor) in model.stateDictionary() {
            #expect(restoredModel.stateDictionary()[key]!.scalars(as: Float.self) == tensor.scalars(as: Float.self), "\(key)")
        }
        // The checkpoint is one plain safetensors file with prefixed keys.
        let (tensors, metadata) = try SafeTensors.read(from: url)
        #expect(tensors.keys.sorted() == ["model.bias", "model.weight", "optimizer.bias.momentum_buffer", "optimizer.weight.momentum_buffer"])
        #expect(metadata[Checkpoint.metadataKey]?.contains("\"step\":3") == true)
    }

    @Test func aFailedRestoreChangesNeitherModelNorOptimizer() throws {
        let model = Self.makeLinear()
        let optimizer = SGD(model.namedParameters(), learningRate: 0.1, momentum: 0.9)
        Self.train(model, optimizer, steps: 1)
        let modelBefore = model.stateDictionary()
        let optimizerBefore = optimizer.stateDictionary()
        var checkpoint = Checkpoint(model: Self.makeLinear(), optimizer: optimizer)
        checkpoint.optimizerState["other.momentum_buffer"] = Tensor.zeros([2])
        #expect(throws: OptimizerStateError.self) { try checkpoint.restore(into: model, optimizer: optimizer) }
        checkpoint = Checkpoint(model: Linear(3, 3), optimizer: optimizer)
        #expect(throws: StateLoadError.self) { try checkpoint.restore(into: model, optimizer: optimizer) }
        for (key, tensor) in modelBefore { #expect(model.stateDictionary()[key]!.scalars(as: Float.self) == tensor.scalars(as: Float.self)) }
        for (key, tensor) in optimizerBefore { #expect(optimizer.stateDictionary()[key]!.scalars(as: Float.self) == tensor.scalars(as: Float.self)) }
    }

    @Test func aPlainSafetensorsFileIsNotACheckpoint() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("weights.safetensors")
        try Linear(2, 2).save(to: url)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(from: url) }
        #expect(throws: CheckpointError.self) { try Checkpoint(model: Linear(2, 2), metadata: [Checkpoint.metadataKey: "x"]).save(to: url) }
    }
}
