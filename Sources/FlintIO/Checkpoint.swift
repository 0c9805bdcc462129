import Flint
import FlintNN
import FlintOptim
import Foundation

/// Everything needed to resume training, in ONE safetensors file: the model's parameters and
/// buffers (keys prefixed `model.`), the optimizer's state (prefixed `optimizer.`), and in
/// `__metadata__` the step and epoch counts, the learning-rate schedule's state and each parameter
/// group's learning rate (as JSON under `flint.checkpoint`), beside your own metadata strings.
///
/// ```swift
/// try Checkpoint(model: model, optimizer: optimizer, step: 1200, epoch: 3).save(to: url)
/// // … later, in a new process:
/// let checkpoint = try Checkpoint.load(from: url)
/// try checkpoint.restore(into: model, optimizer: optimizer)
/// ```
public struct Checkpoint {
    /// The `__metadata__` key holding the checkpoint's scalars as JSON.
    public static let metadataKey = "flint.checkpoint"

    /// The model's parameters and buffers by state key.
    public var modelState: [String: Tensor]
    /// The optimizer's ``Optimizer/stateDictionary()``.
    public var optimizerState: [String: Tensor]
    /// Each parameter group's learning rate when saved (schedules change them).
    public var learningRates: [Double]
    /// A learning-rate schedule's state (any finite or infinite values, e.g. a plateau detector's best loss).
    public var scheduleState: [String: Double]
    /// Optimizer steps taken.
    public var step: Int
    /// Epochs completed.
    public var epoch: Int
    /// Your own strings (a run name, the git commit, …).
    public var metadata: [String: String]

    /// A checkpoint of `model` and `optimizer` as they are now (the tensors are snapshots: training on
    /// does not change them).
    ///
    /// ```swift
    /// let checkpoint = Checkpoint(model: model, optimizer: optimizer, scheduleState: ["last_epoch": 4], step: 500, epoch: 4)
    /// ```
    public init(model: Module, optimizer: (any Optimizer)? = nil, scheduleState: [String: Double] = [:],
                step: Int = 0, epoch: Int = 0, metadata: [String: String] = [:]) {
        self.modelState = model.stateDictionary()
        self.optimizerState = optimizer?.stateDictionary() ?? [:]
        self.learningRates = optimizer?.groups.map(\.learningRate) ?? []
        self.scheduleState = scheduleState
        self.step = step
        self.epoch = epoch
        self.metadata = metadata
    }

    /// Writes the checkpoint as one safetensors file, atomically (a crash mid-write keeps the old file).
    ///
    /// ```swift
    /// try checkpoint.save(to: URL(fileURLWithPath: "runs/last.safetensors"))
    /// ```
    public func save(to url: URL) throws {
        guard metadata[Self.metadataKey] == nil else {
            throw CheckpointError(description: "the metadata key '\(Self.metadataKey)' is reserved for the checkpoint's own values; rename yours")
        }
        var tensors: [String: Tensor] = [:]
        for (key, tensor) in modelState { tensors["model." + key] = tensor }
        for (key, tensor) in optimizerState { tensors["optimizer." + key] = tensor }
        var fileMetadata = metadata
        fileMetadata[Self.metadataKey] = scalarsJSON()
        try SafeTensors.write(tensors, metadata: fileMetadata, to: url)
    }

    /// Reads a checkpoint written by ``save(to:)``.
    ///
    /// ```swift
    /// let checkpoint = try Checkpoint.load(from: url)
    /// print(checkpoint.step, checkpoint.epoch)
    /// ```
    public static func load(from url: URL) throws -> Checkpoint {
        let (tensors, fileMetadata) = try SafeTensors.read(from: url)
        guard let scalars = fileMetadata[metadataKey] else {
            throw CheckpointError(description: "\(url.path) has no '\(metadataKey)' metadata: it is a plain safetensors file, not a Flint training checkpoint; load it with model.load(from:)")
        }
        var checkpoint = Checkpoint(modelState: [:], optimizerState: [:])
        for (key, tensor) in tensors {
            if key.hasPrefix("model.") {
                checkpoint.modelState[String(key.dropFirst("model.".count))] = tensor
            } else if key.hasPrefix("optimizer.") {
                checkpoint.optimizerState[String(key.dropFirst("optimizer.".count))] = tensor
            } else {
                throw CheckpointError(description: "\(url.path): tensor '\(key)' is neither 'model.…' nor 'optimizer.…'; the checkpoint is corrupt")
            }
        }
        do {
            try checkpoint.readScalars(scalars)
        } catch let error as CheckpointError {
            throw CheckpointError(description: "\(url.path): \(error.description)")
        }
        checkpoint.metadata = fileMetadata.filter { $0.key != metadataKey }
        return checkpoint
    }

    /// A checkpoint from its parts.
    ///
    /// ```swift
    /// let checkpoint = Checkpoint(modelState: model.stateDictionary(), optimizerState: [:], step: 10)
    /// ```
    public init(modelState: [String: Tensor], optimizerState: [String: Tensor], learningRates: [Double] = [],
                scheduleState: [String: Double] = [:], step: Int = 0, epoch: Int = 0, metadata: [String: String] = [:]) {
        self.modelState = modelState
        self.optimizerState = optimizerState
        self.learningRates = learningRates
        self.scheduleState = scheduleState
        self.step = step
        self.epoch = epoch
        self.metadata = metadata
    }

    /// Puts the saved state back into `model` (strictly: every key must fit) and `optimizer` (its state
    /// and its groups' learning rates). Everything is checked first: when this throws, neither the model
    /// nor the optimizer has changed. The schedule state, step and epoch are for you to hand back to
    /// your schedule and loop.
    ///
    /// ```swift
    /// try checkpoint.restore(into: model, optimizer: optimizer)
    /// var step = checkpoint.step
    /// ```
    public func restore(into model: Module, optimizer: (any Optimizer)? = nil) throws {
        let plan = model.planStateLoad(modelState)
        guard plan.report.isComplete else { throw StateLoadError(report: plan.report, path: nil) }
        if let optimizer {
            guard learningRates.isEmpty || learningRates.count == optimizer.groups.count else {
                throw CheckpointError(description: "the checkpoint has \(learningRates.count) parameter groups but the optimizer has \(optimizer.groups.count); build the optimizer as it was when saved")
            }
            try optimizer.loadStateDictionary(optimizerState)
            for (index, rate) in learningRates.enumerated() { optimizer.groups[index].learningRate = rate }
        }
        plan.apply()
    }

    // MARK: scalars as JSON

    private func scalarsJSON() -> String {
        func number(_ value: Double) -> String {
            value.isFinite ? "\(value)" : JSONString.quoted("\(value)")  // "inf", "-inf", "nan"
        }
        let schedule = scheduleState.keys.sorted().map { "\(JSONString.quoted($0)):\(number(scheduleState[$0]!))" }
        return "{\"format\":1,\"step\":\(step),\"epoch\":\(epoch),"
            + "\"learning_rates\":[\(learningRates.map(number).joined(separator: ","))],"
            + "\"schedule\":{\(schedule.joined(separator: ","))}}"
    }

    private mutating func readScalars(_ text: String) throws {
        func bad(_ what: String) -> CheckpointError { CheckpointError(description: "'\(Self.metadataKey)' metadata: \(what)") }
        func double(_ value: HeaderJSON) -> Double? {
            switch value {
            case let .number(text): return Double(text)
            case let .string(text) where ["inf", "-inf", "nan"].contains(text): return Double(text)
            default: return nil
            }
        }
        func integer(_ value: HeaderJSON?) -> Int? {
            guard case let .number(text)? = value else { return nil }
            return Int(text)
        }
        guard case let .object(members)? = try? HeaderJSONParser.parse(Array(text.utf8)) else { throw bad("not a JSON object") }
        let fields = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard integer(fields["format"]) == 1 else { throw bad("unknown format (this Flint reads format 1); update Flint") }
        guard let step = integer(fields["step"]), let epoch = integer(fields["epoch"]) else { throw bad("'step' and 'epoch' must be integers") }
        guard case let .array(rates)? = fields["learning_rates"], case let .object(schedule)? = fields["schedule"] else {
            throw bad("'learning_rates' must be an array and 'schedule' an object")
        }
        self.step = step
        self.epoch = epoch
        learningRates = try rates.map { rate in
            guard let value = double(rate) else { throw bad("a learning rate is not a number") }
            return value
        }
        scheduleState = [:]
        for (key, value) in schedule {
            guard let number = double(value) else { throw bad("schedule value '\(key)' is not a number") }
            scheduleState[key] = number
        }
    }
}

/// A training checkpoint that cannot be saved, read or restored, with what to do.
///
/// ```swift
/// catch let error as CheckpointError { print(error) }
/// ```
public struct CheckpointError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    public let description: String
}
