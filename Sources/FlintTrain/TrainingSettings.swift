import Flint
import FlintNN
import FlintOptim
import Foundation

/// Everything `flint train` needs besides the data: the recipe, the optimizer, the schedule and the
/// split. Saved in the run as `training.json`, so a run says how it was made and `--resume` can
/// check it continues the same training.
///
/// ```swift
/// var settings = TrainingSettings(recipe: .cnn)
/// settings.epochs = 10
/// settings.optimizer = .adamW
/// ```
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// The model recipe.
    public var recipe: Recipe
    /// The recipe's hyperparameters (nil: the recipe's defaults).
    public var options: RecipeOptions?
    /// Passes over the training rows.
    public var epochs: Int = 10
    /// Rows per optimizer step.
    public var batchSize: Int = 64
    /// The optimizer's learning rate (nil: the optimizer's usual default, see ``OptimizerChoice``).
    public var learningRate: Double?
    /// The optimizer.
    public var optimizer: OptimizerChoice = .adam
    /// Momentum for SGD (nil: 0.9) and RMSprop (nil: 0).
    public var momentum: Double?
    /// Weight decay, decoupled for AdamW (nil: 0.01, PyTorch's default), L2 otherwise (nil: 0).
    public var weightDecay: Double?
    /// The learning-rate schedule.
    public var schedule: ScheduleChoice = .none
    /// Clip the global gradient norm to this value (nil: no clipping).
    public var gradientClipNorm: Double?
    /// Stop after this many epochs without a better validation loss (nil: never).
    public var earlyStoppingPatience: Int?
    /// Fraction of the rows held out for validation.
    public var validationFraction: Double = 0.1
    /// Fraction of the rows held out for the test (ignored for datasets with their own test split).
    public var testFraction: Double = 0.2
    /// Seeds the split, the initial weights, the shuffling and dropout.
    public var seed: UInt64 = 0
    /// The data trained on (a bundled name or a file path, as given); ``RunTraining`` records it so
    /// that `--resume` can refuse other data.
    public var dataset: String?

    /// Settings with defaults for everything but the recipe.
    ///
    /// ```swift
    /// let settings = TrainingSettings(recipe: .mlp)
    /// ```
    public init(recipe: Recipe) { self.recipe = recipe }

    /// The learning rate used: the one set, or the optimizer's default.
    ///
    /// ```swift
    /// var settings = TrainingSettings(recipe: .cnn)
    /// settings.effectiveLearningRate  // 0.001 (Adam's default)
    /// settings.learningRate = 0.01
    /// settings.effectiveLearningRate  // 0.01
    /// ```
    public var effectiveLearningRate: Double { learningRate ?? optimizer.defaultLearningRate }

    /// Checks the numbers before any data is read.
    ///
    /// ```swift
    /// try TrainingSettings(recipe: .mlp).validate()
    /// ```
    public func validate() throws {
        func fail(_ message: String) -> RecipeError { RecipeError(message) }
        guard epochs > 0 else { throw fail("epochs must be at least 1, got \(epochs)") }
        guard batchSize > 0 else { throw fail("the batch size must be at least 1, got \(batchSize)") }
        guard effectiveLearningRate > 0, effectiveLearningRate.isFinite else {
            throw fail("the learning rate must be a positive number, got \(effectiveLearningRate)")
        }
        if let momentum, !(momentum >= 0 && momentum < 1) { throw fail("momentum must be in [0, 1), got \(momentum)") }
        if let weightDecay, !(weightDecay >= 0) { throw fail("weight decay must be at least 0, got \(weightDecay)") }
        if let gradientClipNorm, !(gradientClipNorm > 0) { throw fail("the gradient clip norm must be positive, got \(gradientClipNorm)") }
        if let earlyStoppingPatience, earlyStoppingPatience < 0 { throw fail("early-stopping patience must be at least 0") }
        try options?.validate(for: recipe)
    }

    /// The settings that differ from `other`, by name (`epochs` left out when `ignoringEpochs`).
    ///
    /// ```swift
    /// var longer = settings
    /// longer.learningRate = 0.1
    /// print(settings.differences(from: longer))   // ["learningRate"]
    /// ```
    public func differences(from other: TrainingSettings, ignoringEpochs: Bool = false) -> [String] {
        func object(_ settings: TrainingSettings) -> [String: String] {
            guard let data = try? JSONEncoder().encode(settings),
                  let dictionary = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return dictionary.mapValues { "\($0)" }
        }
        let mine = object(self), theirs = object(other)
        return Set(mine.keys).union(theirs.keys).sorted().filter { key in
            !(ignoringEpochs && key == "epochs") && mine[key] != theirs[key]
        }
    }

    /// Builds the optimizer over `model`'s parameters.
    func makeOptimizer(for model: Module) -> any Optimizer {
        let parameters = model.namedParameters(), rate = effectiveLearningRate, decay = weightDecay ?? 0
        switch optimizer {
        case .sgd: return SGD(parameters, learningRate: rate, momentum: momentum ?? 0.9, weightDecay: decay)
        case .adam: return Adam(parameters, learningRate: rate, weightDecay: decay)
        case .adamW: return AdamW(parameters, learningRate: rate, weightDecay: weightDecay ?? 0.01)
        case .rmsprop: return RMSprop(parameters, learningRate: rate, weightDecay: decay, momentum: momentum ?? 0)
        case .adagrad: return Adagrad(parameters, learningRate: rate, weightDecay: decay)
        case .lion: return Lion(parameters, learningRate: rate, weightDecay: decay)
        }
    }

    /// Builds the schedule for `optimizer`, given the steps in one epoch.
    func makeScheduler(for optimizer: any Optimizer, stepsPerEpoch: Int) -> LearningRateScheduler? {
        switch schedule {
        case .none: return nil
        case .cosine: return LearningRateScheduler(CosineAnnealingLR(optimizer, maxEpochs: epochs), interval: .epoch)
        case .step: return LearningRateScheduler(StepLR(optimizer, stepSize: Swift.max(1, epochs / 3)), interval: .epoch)
        case .warmupCosine:
            let total = Swift.max(1, epochs * stepsPerEpoch)
            return LearningRateScheduler(CosineWithWarmupLR(optimizer, warmupSteps: Swift.max(1, total / 20), totalSteps: total),
                                         interval: .batch)
        case .oneCycle:
            return LearningRateScheduler(OneCycleLR(optimizer, maxLearningRates: [effectiveLearningRate],
                                                    totalSteps: Swift.max(1, epochs * stepsPerEpoch)), interval: .batch)
        case .plateau: return LearningRateScheduler(ReduceLROnPlateau(optimizer, factor: 0.5, patience: 2))
        }
    }
}

/// The optimizers `flint train --optimizer` offers.
///
/// ```swift
/// let choice = try OptimizerChoice(argument: "adamw")
/// ```
public enum OptimizerChoice: String, Codable, CaseIterable, Sendable {
    case sgd, adam, adamW = "adamw", rmsprop, adagrad, lion

    /// The learning rate used when none is given (PyTorch's defaults; SGD has none there: 0.01).
    ///
    /// ```swift
    /// OptimizerChoice.sgd.defaultLearningRate  // 0.01
    /// ```
    public var defaultLearningRate: Double {
        switch self {
        case .sgd, .rmsprop, .adagrad: return 1e-2
        case .adam, .adamW: return 1e-3
        case .lion: return 1e-4
        }
    }

    /// Parses a command-line name, with an error listing the valid ones.
    ///
    /// ```swift
    /// let choice = try OptimizerChoice(argument: "sgd")
    /// ```
    public init(argument: String) throws {
        guard let choice = OptimizerChoice(rawValue: argument.lowercased()) else {
            throw RecipeError("unknown optimizer '\(argument)'; choose from: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = choice
    }
}

/// The learning-rate schedules `flint train --schedule` offers.
///
/// ```swift
/// let choice = try ScheduleChoice(argument: "cosine")
/// ```
public enum ScheduleChoice: String, Codable, CaseIterable, Sendable {
    /// A constant learning rate.
    case none
    /// Cosine annealing to zero over the epochs.
    case cosine
    /// Divide by 10 every third of the epochs.
    case step
    /// Linear warm-up over the first 5% of the steps, then cosine.
    case warmupCosine = "warmup-cosine"
    /// The one-cycle policy with the learning rate as its peak.
    case oneCycle = "one-cycle"
    /// Halve when the validation loss stops improving for two epochs.
    case plateau

    /// Parses a command-line name, with an error listing the valid ones.
    ///
    /// ```swift
    /// let choice = try ScheduleChoice(argument: "one-cycle")
    /// ```
    public init(argument: String) throws {
        guard let choice = ScheduleChoice(rawValue: argument.lowercased()) else {
            throw RecipeError("unknown schedule '\(argument)'; choose from: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = choice
    }
}
