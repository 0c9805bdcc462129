import Flint

/// Multiplies every group's rate by `factor` when a metric has stopped improving for more than
/// `patience` epochs, exactly as `torch.optim.lr_scheduler.ReduceLROnPlateau`. Unlike the other
/// schedules it is stepped with the metric, usually the validation loss, once per epoch.
///
/// ```swift
/// let schedule = ReduceLROnPlateau(optimizer, factor: 0.5, patience: 3)
/// for _ in 0..<epochs { train(); schedule.step(metric: validationLoss()) }
/// ```
public final class ReduceLROnPlateau {
    /// Whether a lower or a higher metric is better.
    public enum Mode: String, Sendable {
        /// Lower is better (a loss).
        case min
        /// Higher is better (an accuracy).
        case max
    }

    /// How `threshold` measures a significant improvement.
    public enum ThresholdMode: String, Sendable {
        /// Better than best · (1 ∓ threshold).
        case relative = "rel"
        /// Better than best ∓ threshold.
        case absolute = "abs"
    }

    /// The optimizer whose rates this schedule lowers.
    public let optimizer: any Optimizer
    /// Whether lower or higher metrics are better.
    public let mode: Mode
    /// The factor rates are multiplied by (< 1).
    public let factor: Double
    /// The number of epochs without improvement tolerated before lowering the rates.
    public let patience: Int
    /// The smallest change that counts as an improvement.
    public let threshold: Double
    /// Whether `threshold` is relative or absolute.
    public let thresholdMode: ThresholdMode
    /// Epochs to wait after lowering the rates before counting bad epochs again.
    public let cooldown: Int
    /// Each group's lowest rate.
    public let minimumLearningRates: [Double]
    /// Changes of the rate smaller than this are skipped.
    public let eps: Double
    /// The best metric so far.
    public private(set) var best: Double
    /// Epochs since the metric last improved.
    public private(set) var badEpochs = 0
    /// Epochs of cooldown left.
    public private(set) var cooldownCounter = 0
    /// The number of steps taken.
    public private(set) var lastEpoch = 0

    /// A plateau schedule with one lowest rate for every group, and PyTorch's defaults.
    ///
    /// ```swift
    /// ReduceLROnPlateau(optimizer, mode: .max, factor: 0.2, patience: 5, minimumLearningRate: 1e-6)
    /// ```
    public convenience init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                            threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                            minimumLearningRate: Double = 0, eps: Double = 1e-8) {
        self.init(optimizer, mode: mode, factor: factor, patience: patience, threshold: threshold, thresholdMode: thresholdMode,
                  cooldown: cooldown, minimumLearningRates: Array(repeating: minimumLearningRate, count: optimizer.groups.count), eps: eps)
    }

    /// A plateau schedule with one lowest rate per group.
    ///
    /// ```swift
    /// ReduceLROnPlateau(optimizer, minimumLearningRates: [1e-6, 1e-5])
    /// ```
    public init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                minimumLearningRates: [Double], eps: Double = 1e-8) {
        precondition(factor < 1, "ReduceLROnPlateau: factor must be < 1, got \(factor)")
        precondition(minimumLearningRates.count == optimizer.groups.count,
                     "ReduceLROnPlateau: \(minimumLearningRates.count) minimum rates for \(optimizer.groups.count) parameter groups")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minimumLearningRates = minimumLearningRates
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    /// The groups' current rates.
    ///
    /// ```swift
    /// print(schedule.lastLearningRates)
    /// ```
    public var lastLearningRates: [Double] { optimizer.groups.map(\.learningRate) }

    /// Records one epoch's metric and lowers the rates when it has not improved for more than
    /// `patience` epochs (outside the cooldown).
    ///
    /// ```swift
    /// schedule.step(metric: validationLoss)
    /// ```
    public func step(metric: Double) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            for index in optimizer.groups.indices {
                let old = optimizer.groups[index].learningRate
                let new = max(old * factor, minimumLearningRates[index])
                if old - new > eps { optimizer.groups[index].learningRate = new }
            }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }

    private func isBetter(_ value: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .relative): return value < best * (1 - threshold)
        case (.min, .absolute): return value < best - threshold
        case (.max, .relative): return value > best * (1 + threshold)
        case (.max, .absolute): return value > best + threshold
        }
    }

    /// The counters, best metric and current rates: `"best"`, `"num_bad_epochs"`,
    /// `"cooldown_counter"`, `"last_epoch"` and `"lr.<group>"`.
    ///
    /// ```swift
    /// let saved = schedule.stateDictionary()
    /// ```
    public func stateDictionary() -> [String: Double] {
        var state = ["best": best, "num_bad_epochs": Double(badEpochs), "cooldown_counter": Double(cooldownCounter),
                     "last_epoch": Double(lastEpoch)]
        for (index, group) in optimizer.groups.enumerated() { state["lr.\(index)"] = group.learningRate }
        return state
    }

    /// Restores a state saved by ``stateDictionary()``, including the groups' rates.
    ///
    /// ```swift
    /// try schedule.loadStateDictionary(saved)
    /// ```
    public func loadStateDictionary(_ state: [String: Double]) throws {
        let groupCount = optimizer.groups.count
        let expected = Set(["best", "num_bad_epochs", "cooldown_counter", "last_epoch"] + (0..<groupCount).map { "lr.\($0)" })
        guard Set(state.keys) == expected else {
            throw ScheduleStateError(description: "ReduceLROnPlateau state: expected the keys \(expected.sorted()) for an optimizer "
                + "with \(groupCount) parameter group(s), got \(state.keys.sorted()); was it saved from another schedule or optimizer?")
        }
        for key in ["num_bad_epochs", "cooldown_counter", "last_epoch"] {
            let value = state[key]!
            guard value >= 0, value == value.rounded() else {
                throw ScheduleStateError(description: "ReduceLROnPlateau state: \(key) must be a whole number ≥ 0, got \(value)")
            }
        }
        best = state["best"]!
        badEpochs = Int(state["num_bad_epochs"]!)
        cooldownCounter = Int(state["cooldown_counter"]!)
        lastEpoch = Int(state["last_epoch"]!)
        for index in 0..<groupCount { optimizer.groups[index].learningRate = state["lr.\(index)"]! }
    }
}
