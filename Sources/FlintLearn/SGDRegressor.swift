import Flint
import Foundation

/// A linear regressor fitted by plain stochastic gradient descent (scikit-learn's `SGDRegressor`): one
/// step per sample over shuffled epochs with the inverse-scaling schedule `eta0 / t^powerT`, stopping when
/// the epoch's mean objective has not improved by `tol` for `nIterNoChange` epochs. Scale the features
/// (and, for large targets, the targets) first: SGD steps are not scale-invariant.
///
/// ```swift
/// let model = SGDRegressor(randomState: 0)
/// try model.fit(features, targets)
/// print(try model.score(features, targets))   // R²
/// ```
public final class SGDRegressor: RegressorEstimator {
    /// The loss (scikit-learn `loss`).
    public enum Loss: String, Sendable, Equatable, CaseIterable {
        /// `(p - y)² / 2`, ordinary least squares (the default).
        case squaredError
        /// Squared error within `epsilon`, linear beyond: robust to outliers.
        case huber
        /// `max(0, |y - p| - epsilon)`, the linear SVR's loss.
        case epsilonInsensitive
        /// `max(0, |y - p| - epsilon)²`.
        case squaredEpsilonInsensitive
    }

    /// The loss (default `.squaredError`).
    public var loss: Loss
    /// The penalty (default `.l2`).
    public var penalty: SGDPenalty
    /// The penalty strength, >= 0 (> 0 with `.optimal`); default 1e-4.
    public var alpha: Double
    /// The L1 share of the elastic-net penalty, in [0, 1]; default 0.15.
    public var l1Ratio: Double
    /// Whether to fit an intercept (default true).
    public var fitIntercept: Bool
    /// The most epochs (scikit-learn `max_iter`, default 1000).
    public var maxIter: Int
    /// The least improvement of the stopping criterion per epoch; nil runs all `maxIter` epochs (default 1e-3).
    public var tol: Double?
    /// Whether to shuffle the rows before each epoch (default true).
    public var shuffle: Bool
    /// The width of the band of `.huber` and the epsilon-insensitive losses (default 0.1).
    public var epsilon: Double
    /// Seed of the shuffles and of the early-stopping split (`nil`: a fresh seed each fit).
    public var randomState: UInt64?
    /// The step-size schedule (default `.invscaling`).
    public var learningRate: SGDLearningRate
    /// The initial step (default 0.01).
    public var eta0: Double
    /// The exponent of `.invscaling` (default 0.25).
    public var powerT: Double
    /// Whether to stop on the R² of a held-out `validationFraction` of the rows (default false).
    public var earlyStopping: Bool
    /// The share of rows held out when `earlyStopping` (default 0.1).
    public var validationFraction: Double
    /// Epochs without improvement before stopping (default 5).
    public var nIterNoChange: Int
    /// 0: no averaging (the default); k > 0: the fitted weights are the average of the iterates from the
    /// k-th step on (scikit-learn `average=True` is 1, `average=k` is k).
    public var average: Int

    /// One weight per feature (scikit-learn `coef_`).
    public internal(set) var coefficients: [Double]?
    /// The intercept (scikit-learn `intercept_[0]`).
    public internal(set) var intercept: Double?
    /// Epochs run in the last fit (scikit-learn `n_iter_`).
    public internal(set) var iterationCount = 0

    /// A regressor with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = SGDRegressor(loss: .huber, alpha: 1e-3, randomState: 0)
    /// ```
    public init(loss: Loss = .squaredError, penalty: SGDPenalty = .l2, alpha: Double = 1e-4, l1Ratio: Double = 0.15,
                fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double? = 1e-3, shuffle: Bool = true,
                epsilon: Double = 0.1, randomState: UInt64? = nil, learningRate: SGDLearningRate = .invscaling,
                eta0: Double = 0.01, powerT: Double = 0.25, earlyStopping: Bool = false, validationFraction: Double = 0.1,
                nIterNoChange: Int = 5, average: Int = 0) {
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.fitIntercept = fitIntercept
        self.maxIter = maxIter
        self.tol = tol
        self.shuffle = shuffle
        self.epsilon = epsilon
        self.randomState = randomState
        self.learningRate = learningRate
        self.eta0 = eta0
        self.powerT = powerT
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.nIterNoChange = nIterNoChange
        self.average = average
    }

    var settings: SGDSettings {
        let function: SGDLossFunction = switch loss {
        case .squaredError: .squaredError
        case .huber: .huber(epsilon: epsilon)
        case .epsilonInsensitive: .epsilonInsensitive(epsilon: epsilon)
        case .squaredEpsilonInsensitive: .squaredEpsilonInsensitive(epsilon: epsilon)
        }
        return SGDSettings(loss: function, penalty: penalty, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept,
                           maxIter: maxIter, tol: tol, shuffle: shuffle, learningRate: learningRate, eta0: eta0,
                           powerT: powerT, earlyStopping: earlyStopping, validationFraction: validationFraction,
                           nIterNoChange: nIterNoChange, average: average)
    }

    /// Fits the model to float64 targets `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let name = "SGDRegressor", settings = settings
        try settings.validate(estimator: name, lossName: loss.rawValue, paLossAllowed: loss == .epsilonInsensitive,
                              paLoss: "epsilonInsensitive")
        guard epsilon >= 0 else { throw LearnError(.invalidParameter, "\(name): epsilon must be >= 0, got \(epsilon)") }
        let x = try LearnValidation.features(features, estimator: name)
        let samples = x.shape[0], columns = x.shape[1]
        let values = try LearnTargets.values(targets, samples: samples, estimator: name)
        let seed = TreeRandom.seed(randomState)
        let validation = earlyStopping
            ? try SGDPlain.validationMask(rows: samples, fraction: validationFraction, strata: nil, seed: seed, estimator: name)
            : [Bool](repeating: false, count: samples)
        let solution = try x.scalars(as: Double.self).withUnsafeBufferPointer { buffer in
            let problem = SGDProblem(features: buffer, rows: samples, columns: columns, targets: values, validation: validation,
                                     weightPositive: 1, weightNegative: 1, classification: false)
            return try SGDPlain.run(problem, settings: settings, seed: TreeRandom.derived(seed, 0), estimator: name)
        }
        let useAverage = average > 0 && average <= solution.epochs * samples
        coefficients = useAverage ? solution.averageWeights! : solution.weights
        intercept = useAverage ? solution.averageIntercept : solution.intercept
        iterationCount = solution.epochs
    }

    /// Predicted values, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("SGDRegressor") }
        let x = try LearnValidation.features(features, estimator: "SGDRegressor", expectedFeatures: coefficients.count)
        return x.matmul(Tensor(coefficients, shape: [coefficients.count, 1])).reshaped([-1]) + intercept
    }
}

extension SGDRegressor: PersistableEstimator {
    /// The weights, intercept and epochs run.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("SGDRegressor") }
        var state = EstimatorState()
        state.set("featureCount", integer: coefficients.count)
        state.set("coefficients", doubles: coefficients)
        state.set("intercept", intercept)
        state.set("iterationCount", integer: iterationCount)
        return state
    }

    /// Restores the fitted weights.
    ///
    /// ```swift
    /// try SGDRegressor().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        coefficients = try state.doubles("coefficients", count: featureCount)
        intercept = try state.double("intercept")
        iterationCount = try state.integer("iterationCount")
    }
}
