import Flint
import Foundation

/// A learning-rate schedule (PyTorch's `LRScheduler`): each ``step()`` advances its counter and sets
/// every parameter group's rate from that group's own base rate (its rate when the schedule was
/// made), so groups with different rates keep their ratio.
///
/// Schedules compute the rate in closed form from the base rate and the counter, as PyTorch does
/// when given an epoch; PyTorch's default chained form gives the same rates (to rounding) unless
/// something else changes the rates in between. Like PyTorch, making a schedule already sets the
/// rates for step 0. Call ``step()`` after `optimizer.step()`, once per epoch or per iteration,
/// whichever the schedule's counts mean.
///
/// ```swift
/// let schedule = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// for _ in 0..<90 { train(); schedule.step() }
/// ```
public protocol LearningRateSchedule: AnyObject {
    /// The optimizer whose group rates this schedule sets.
    ///
    /// ```swift
    /// schedule.optimizer.groups.map(\.learningRate)
    /// ```
    var optimizer: any Optimizer { get }
    /// Every group's base rate, in group order.
    ///
    /// ```swift
    /// StepLR(optimizer, stepSize: 10).baseLearningRates  // [0.1]
    /// ```
    var baseLearningRates: [Double] { get set }
    /// How many times ``step()`` has been called (PyTorch's `last_epoch`).
    ///
    /// ```swift
    /// schedule.step(); schedule.lastEpoch  // 1
    /// ```
    var lastEpoch: Int { get set }
    /// The rate of a group with base rate `base` after `epoch` steps (the closed form).
    ///
    /// ```swift
    /// StepLR(optimizer, stepSize: 10, gamma: 0.5).learningRate(base: 0.1, epoch: 25)  // 0.025
    /// ```
    func learningRate(base: Double, epoch: Int) -> Double
}

extension LearningRateSchedule {
    /// Advances the schedule by one epoch (or iteration) and sets the groups' rates.
    ///
    /// ```swift
    /// optimizer.step()
    /// schedule.step()
    /// ```
    public func step() {
        lastEpoch += 1
        applyLearningRates()
    }

    /// The rates the schedule set last, one per group (PyTorch's `get_last_lr()`).
    ///
    /// ```swift
    /// print(schedule.lastLearningRates)  // [0.1, 0.01]
    /// ```
    public var lastLearningRates: [Double] { baseLearningRates.map { learningRate(base: $0, epoch: lastEpoch) } }

    /// The counter and base rates, to save with a checkpoint: `"last_epoch"` and `"base_lr.<group>"`.
    ///
    /// ```swift
    /// let saved = schedule.stateDictionary()
    /// ```
    public func stateDictionary() -> [String: Double] {
        var state = ["last_epoch": Double(lastEpoch)]
        for (index, rate) in baseLearningRates.enumerated() { state["base_lr.\(index)"] = rate }
        return state
    }

    /// Restores a state saved by ``stateDictionary()`` and sets the groups' rates to match it.
    ///
    /// ```swift
    /// try schedule.loadStateDictionary(saved)
    /// ```
    public func loadStateDictionary(_ state: [String: Double]) throws {
        let name = String(describing: type(of: self))
        let groupCount = optimizer.groups.count
        let expected = Set(["last_epoch"] + (0..<groupCount).map { "base_lr.\($0)" })
        guard Set(state.keys) == expected else {
            throw ScheduleStateError(description: "\(name) state: expected the keys \(expected.sorted()) for an optimizer with "
                + "\(groupCount) parameter group(s), got \(state.keys.sorted()); was it saved from another schedule or optimizer?")
        }
        let epoch = state["last_epoch"]!
        guard epoch >= 0, epoch == epoch.rounded() else {
            throw ScheduleStateError(description: "\(name) state: last_epoch must be a whole number ≥ 0, got \(epoch)")
        }
        lastEpoch = Int(epoch)
        baseLearningRates = (0..<groupCount).map { state["base_lr.\($0)"]! }
        applyLearningRates()
    }

    /// Sets every group's rate for the current counter.
    func applyLearningRates() {
        precondition(optimizer.groups.count == baseLearningRates.count,
                     "\(type(of: self)): the optimizer has \(optimizer.groups.count) parameter groups but the schedule was made for "
                     + "\(baseLearningRates.count); make the schedule after adding groups")
        for (index, base) in baseLearningRates.enumerated() {
            optimizer.groups[index].learningRate = learningRate(base: base, epoch: lastEpoch)
        }
    }
}

/// A schedule state that does not fit the schedule it is loaded into.
///
/// ```swift
/// do { try schedule.loadStateDictionary(saved) } catch { print(error) }
/// ```
public struct ScheduleStateError: Error, CustomStringConvertible {
    /// What did not fit, and what to do.
    public let description: String
}

/// Multiplies the rate by `gamma` every `stepSize` epochs (`torch.optim.lr_scheduler.StepLR`):
/// η = η₀ · γ^⌊epoch / stepSize⌋.
///
/// ```swift
/// let schedule = StepLR(optimizer, stepSize: 30, gamma: 0.1)
/// ```
public final class StepLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// Epochs between decays.
    public let stepSize: Int
    /// The decay factor.
    public let gamma: Double

    /// A step decay of `optimizer`'s current rates.
    ///
    /// ```swift
    /// StepLR(optimizer, stepSize: 10, gamma: 0.5)
    /// ```
    public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
        precondition(stepSize > 0, "StepLR: stepSize must be positive, got \(stepSize)")
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// η₀ · γ^⌊epoch / stepSize⌋.
    public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch / stepSize)) }
}

/// Multiplies the rate by `gamma` at each milestone epoch (`MultiStepLR`): η = η₀ · γ^(milestones ≤ epoch).
///
/// ```swift
/// let schedule = MultiStepLR(optimizer, milestones: [30, 80], gamma: 0.1)
/// ```
public final class MultiStepLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The epochs at which the rate decays (sorted; a repeated milestone decays twice, as in PyTorch).
    public let milestones: [Int]
    /// The decay factor.
    public let gamma: Double

    /// A decay of `optimizer`'s current rates at the given epochs.
    ///
    /// ```swift
    /// MultiStepLR(optimizer, milestones: [5, 10], gamma: 0.5)
    /// ```
    public init(_ optimizer: any Optimizer, milestones: [Int], gamma: Double = 0.1) {
        self.optimizer = optimizer
        self.milestones = milestones.sorted()
        self.gamma = gamma
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// η₀ · γ^(number of milestones ≤ epoch).
    public func learningRate(base: Double, epoch: Int) -> Double {
        base * pow(gamma, Double(milestones.count { $0 <= epoch }))
    }
}

/// Multiplies the rate by `gamma` every epoch (`ExponentialLR`): η = η₀ · γ^epoch.
///
/// ```swift
/// let schedule = ExponentialLR(optimizer, gamma: 0.95)
/// ```
public final class ExponentialLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The decay factor per epoch.
    public let gamma: Double

    /// An exponential decay of `optimizer`'s current rates.
    ///
    /// ```swift
    /// ExponentialLR(optimizer, gamma: 0.9)
    /// ```
    public init(_ optimizer: any Optimizer, gamma: Double) {
        self.optimizer = optimizer
        self.gamma = gamma
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// η₀ · γ^epoch.
    public func learningRate(base: Double, epoch: Int) -> Double { base * pow(gamma, Double(epoch)) }
}

/// Scales the rate linearly from `startFactor` to `endFactor` over `totalIterations` steps, then
/// holds it (`LinearLR`, the usual linear warm-up).
///
/// ```swift
/// let warmup = LinearLR(optimizer, startFactor: 0.01, totalIterations: 500)
/// ```
public final class LinearLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The factor at step 0, and the factor reached at `totalIterations`.
    public let startFactor, endFactor: Double
    /// The number of steps the factor changes over.
    public let totalIterations: Int

    /// A linear ramp of `optimizer`'s current rates, with PyTorch's defaults.
    ///
    /// ```swift
    /// LinearLR(optimizer, startFactor: 0.1, endFactor: 1, totalIterations: 10)
    /// ```
    public init(_ optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1.0, totalIterations: Int = 5) {
        precondition(startFactor > 0 && startFactor <= 1, "LinearLR: startFactor must be in (0, 1], got \(startFactor)")
        precondition(endFactor >= 0 && endFactor <= 1, "LinearLR: endFactor must be in [0, 1], got \(endFactor)")
        precondition(totalIterations > 0, "LinearLR: totalIterations must be positive, got \(totalIterations)")
        self.optimizer = optimizer
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIterations = totalIterations
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// η₀ · (start + (end − start) · min(epoch, total) / total).
    public func learningRate(base: Double, epoch: Int) -> Double {
        base * (startFactor + (endFactor - startFactor) * Double(min(totalIterations, epoch)) / Double(totalIterations))
    }
}

/// The base rate times a factor computed from the epoch by your closure (`LambdaLR`).
///
/// ```swift
/// let schedule = LambdaLR(optimizer) { epoch in 1 / Double(epoch + 1) }
/// ```
public final class LambdaLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The multiplier of the base rate at each epoch.
    public let factor: (Int) -> Double

    /// A schedule of `optimizer`'s current rates times `factor(epoch)`.
    ///
    /// ```swift
    /// LambdaLR(optimizer) { epoch in pow(0.95, Double(epoch)) }
    /// ```
    public init(_ optimizer: any Optimizer, factor: @escaping (Int) -> Double) {
        self.optimizer = optimizer
        self.factor = factor
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// η₀ · factor(epoch).
    public func learningRate(base: Double, epoch: Int) -> Double { base * factor(epoch) }
}
