import Flint
import Foundation

/// Cosine annealing from the base rate down to `etaMin` over `maxEpochs` (`CosineAnnealingLR`):
/// η = ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(π · epoch / maxEpochs)) / 2. Past `maxEpochs` the rate rises
/// again along the same cosine, as in PyTorch.
///
/// ```swift
/// let schedule = CosineAnnealingLR(optimizer, maxEpochs: 100, etaMin: 1e-5)
/// ```
public final class CosineAnnealingLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The half period, in steps (PyTorch's `T_max`).
    public let maxEpochs: Int
    /// The lowest rate.
    public let etaMin: Double

    /// A cosine decay of `optimizer`'s current rates.
    ///
    /// ```swift
    /// CosineAnnealingLR(optimizer, maxEpochs: 50)
    /// ```
    public init(_ optimizer: any Optimizer, maxEpochs: Int, etaMin: Double = 0) {
        precondition(maxEpochs > 0, "CosineAnnealingLR: maxEpochs must be positive, got \(maxEpochs)")
        self.optimizer = optimizer
        self.maxEpochs = maxEpochs
        self.etaMin = etaMin
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// ηₘᵢₙ + (η₀ − ηₘᵢₙ)(1 + cos(π · epoch / maxEpochs)) / 2.
    public func learningRate(base: Double, epoch: Int) -> Double {
        etaMin + (base - etaMin) * (1 + cos(Double.pi * Double(epoch) / Double(maxEpochs))) / 2
    }
}

/// A linear warm-up from 0 to the base rate over `warmupSteps`, then a cosine decay to 0 at
/// `totalSteps`: the schedule of Hugging Face `transformers.get_cosine_schedule_with_warmup`
/// (a `LambdaLR`), usually stepped once per iteration.
///
/// factor = step / warmup while warming up, else max(0, (1 + cos(2π · cycles · progress)) / 2) with
/// progress = (step − warmup) / (total − warmup).
///
/// ```swift
/// let schedule = CosineWithWarmupLR(optimizer, warmupSteps: 500, totalSteps: 10_000)
/// ```
public final class CosineWithWarmupLR: LearningRateSchedule {
    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's base (peak) rate.
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The length of the linear warm-up.
    public let warmupSteps: Int
    /// The step at which the cosine reaches 0.
    public let totalSteps: Int
    /// The number of cosine waves after the warm-up (0.5: one decay from the peak to 0).
    public let cycles: Double

    /// Warm-up then cosine decay of `optimizer`'s current rates.
    ///
    /// ```swift
    /// CosineWithWarmupLR(optimizer, warmupSteps: 100, totalSteps: 1000)
    /// ```
    public init(_ optimizer: any Optimizer, warmupSteps: Int, totalSteps: Int, cycles: Double = 0.5) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps,
                     "CosineWithWarmupLR: needs 0 ≤ warmupSteps ≤ totalSteps, got \(warmupSteps) and \(totalSteps)")
        self.optimizer = optimizer
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
        self.cycles = cycles
        baseLearningRates = optimizer.groups.map(\.learningRate)
        applyLearningRates()
    }

    /// The base rate times the warm-up or cosine factor at `epoch`.
    public func learningRate(base: Double, epoch: Int) -> Double {
        if epoch < warmupSteps { return base * (Double(epoch) / Double(max(1, warmupSteps))) }
        let progress = Double(epoch - warmupSteps) / Double(max(1, totalSteps - warmupSteps))
        return base * max(0, 0.5 * (1 + cos(Double.pi * cycles * 2 * progress)))
    }
}

/// The 1cycle policy (`OneCycleLR`, Smith & Topin): the rate rises from max/`divFactor` to the
/// maximum over the first `percentStart` of `totalSteps`, then anneals to
/// max/(`divFactor` · `finalDivFactor`); stepped once per batch. With `threePhase`, it comes back
/// down to the starting rate before the final annealing. Momentum is not cycled (PyTorch's
/// `cycle_momentum=False`).
///
/// ```swift
/// let schedule = OneCycleLR(optimizer, maxLearningRate: 0.1, totalSteps: epochs * batchesPerEpoch)
/// ```
public final class OneCycleLR: LearningRateSchedule {
    /// How the rate moves within a phase.
    public enum AnnealStrategy: Sendable {
        /// Half a cosine wave (PyTorch's default).
        case cosine
        /// A straight line.
        case linear
    }

    /// The optimizer whose rates this schedule sets.
    public let optimizer: any Optimizer
    /// Every group's maximum rate (the base the other rates derive from).
    public var baseLearningRates: [Double]
    /// The number of steps taken.
    public var lastEpoch = 0
    /// The number of steps in the cycle; stepping past it is an error.
    public let totalSteps: Int
    /// The fraction of the cycle spent increasing the rate.
    public let percentStart: Double
    /// How the rate moves within a phase.
    public let annealStrategy: AnnealStrategy
    /// The starting rate is max / divFactor.
    public let divFactor: Double
    /// The final rate is the starting rate / finalDivFactor.
    public let finalDivFactor: Double
    /// Whether the rate returns to the starting rate before the final annealing.
    public let threePhase: Bool

    /// A 1cycle schedule with the same maximum for every group.
    ///
    /// ```swift
    /// OneCycleLR(optimizer, maxLearningRate: 0.01, totalSteps: 1000)
    /// ```
    public convenience init(_ optimizer: any Optimizer, maxLearningRate: Double, totalSteps: Int, percentStart: Double = 0.3,
                            annealStrategy: AnnealStrategy = .cosine, divFactor: Double = 25, finalDivFactor: Double = 1e4,
                            threePhase: Bool = false) {
        self.init(optimizer, maxLearningRates: Array(repeating: maxLearningRate, count: optimizer.groups.count),
                  totalSteps: totalSteps, percentStart: percentStart, annealStrategy: annealStrategy, divFactor: divFactor,
                  finalDivFactor: finalDivFactor, threePhase: threePhase)
    }

    /// A 1cycle schedule with one maximum rate per group.
    ///
    /// ```swift
    /// OneCycleLR(optimizer, maxLearningRates: [0.001, 0.01], totalSteps: 1000)
    /// ```
    public init(_ optimizer: any Optimizer, maxLearningRates: [Double], totalSteps: Int, percentStart: Double = 0.3,
                annealStrategy: AnnealStrategy = .cosine, divFactor: Double = 25, finalDivFactor: Double = 1e4,
                threePhase: Bool = false) {
        precondition(maxLearningRates.count == optimizer.groups.count,
                     "OneCycleLR: \(maxLearningRates.count) maximum rates for \(optimizer.groups.count) parameter groups")
        precondition(totalSteps > 0, "OneCycleLR: totalSteps must be positive, got \(totalSteps)")
        precondition((0...1).contains(percentStart), "OneCycleLR: percentStart must be in [0, 1], got \(percentStart)")
        self.optimizer = optimizer
        self.totalSteps = totalSteps
        self.percentStart = percentStart
        self.annealStrategy = annealStrategy
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
        baseLearningRates = maxLearningRates
        applyLearningRates()
    }

    /// The rate at `epoch` for a group whose maximum rate is `base`.
    public func learningRate(base: Double, epoch: Int) -> Double {
        precondition(epoch <= totalSteps, "OneCycleLR: stepped \(epoch) times but the cycle has \(totalSteps) steps")
        let initial = base / divFactor, minimum = initial / finalDivFactor
        let total = Double(totalSteps)
        // (end step, start rate, end rate) of each phase, as PyTorch lays them out.
        let phases: [(end: Double, start: Double, stop: Double)] = threePhase
            ? [(percentStart * total - 1, initial, base), (2 * percentStart * total - 2, base, initial), (total - 1, initial, minimum)]
            : [(percentStart * total - 1, initial, base), (total - 1, base, minimum)]
        var phaseStart = 0.0
        let step = Double(epoch)
        for (index, phase) in phases.enumerated() {
            if step <= phase.end || index == phases.count - 1 {
                let fraction = (step - phaseStart) / (phase.end - phaseStart)
                switch annealStrategy {
                case .cosine: return phase.stop + (phase.start - phase.stop) / 2 * (cos(Double.pi * fraction) + 1)
                case .linear: return (phase.stop - phase.start) * fraction + phase.start
                }
            }
            phaseStart = phase.end
        }
        fatalError("OneCycleLR: unreachable, the last phase always applies")
    }
}
