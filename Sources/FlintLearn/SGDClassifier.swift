import Flint
import Foundation

/// A linear classifier fitted by plain stochastic gradient descent (scikit-learn's `SGDClassifier`):
/// one step per sample over shuffled epochs, stopping when the epoch's mean objective has not improved by
/// `tol` for `nIterNoChange` epochs. More than two classes are fitted one-vs-rest, the binary problems in
/// parallel.
///
/// ```swift
/// let model = SGDClassifier(loss: .logLoss, randomState: 0)
/// try model.fit(features, labels)
/// let probabilities = try model.predictProbabilities(features)
/// ```
public final class SGDClassifier: ProbabilisticClassifier {
    /// The loss (scikit-learn `loss`); the regression losses are accepted as scikit-learn accepts them.
    public enum Loss: String, Sendable, Equatable, CaseIterable {
        /// The linear SVM's hinge `max(0, 1 - y·p)` (the default).
        case hinge
        /// Logistic regression's log loss; gives `predictProbabilities`.
        case logLoss
        /// A smoothed hinge that tolerates outliers; gives `predictProbabilities`.
        case modifiedHuber
        /// The squared hinge `max(0, 1 - y·p)²`.
        case squaredHinge
        /// The perceptron's `max(0, -y·p)`.
        case perceptron
        /// Squared error on targets ±1.
        case squaredError
        /// Huber loss with `epsilon` on targets ±1.
        case huber
        /// `max(0, |y - p| - epsilon)` on targets ±1.
        case epsilonInsensitive
        /// `max(0, |y - p| - epsilon)²` on targets ±1.
        case squaredEpsilonInsensitive
    }

    /// The loss (default `.hinge`).
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
    /// Half-width of the insensitive band of `.huber` and the epsilon-insensitive losses (default 0.1).
    public var epsilon: Double
    /// Seed of the shuffles and of the early-stopping split (`nil`: a fresh seed each fit).
    public var randomState: UInt64?
    /// The step-size schedule (default `.optimal`).
    public var learningRate: SGDLearningRate
    /// The initial step of `.constant`, `.invscaling` and `.adaptive` (default 0.01).
    public var eta0: Double
    /// The exponent of `.invscaling` (default 0.5).
    public var powerT: Double
    /// Whether to stop on the accuracy of a held-out `validationFraction` of the rows (default false).
    public var earlyStopping: Bool
    /// The share of rows held out when `earlyStopping` (default 0.1).
    public var validationFraction: Double
    /// Epochs without improvement before stopping (default 5).
    public var nIterNoChange: Int
    /// 0: no averaging (the default); k > 0: the fitted weights are the average of the iterates from the
    /// k-th step on (scikit-learn `average=True` is 1, `average=k` is k).
    public var average: Int
    /// Per-class weights (default nil: every class weighs 1).
    public var classWeight: ClassWeight?

    /// The classes seen in fitting, ascending (scikit-learn `classes_`).
    public internal(set) var classes: [Int] = []
    /// Weights `[1, features]` for two classes, `[classes, features]` otherwise (scikit-learn `coef_`).
    public internal(set) var coefficients: Tensor?
    /// One intercept per row of `coefficients` (scikit-learn `intercept_`).
    public internal(set) var intercept: [Double]?
    /// Epochs run, the most over the one-vs-rest problems (scikit-learn `n_iter_`).
    public internal(set) var iterationCount = 0

    /// A classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = SGDClassifier(loss: .modifiedHuber, alpha: 1e-3, randomState: 0)
    /// ```
    public init(loss: Loss = .hinge, penalty: SGDPenalty = .l2, alpha: Double = 1e-4, l1Ratio: Double = 0.15,
                fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double? = 1e-3, shuffle: Bool = true,
                epsilon: Double = 0.1, randomState: UInt64? = nil, learningRate: SGDLearningRate = .optimal,
                eta0: Double = 0.01, powerT: Double = 0.5, earlyStopping: Bool = false, validationFraction: Double = 0.1,
                nIterNoChange: Int = 5, average: Int = 0, classWeight: ClassWeight? = nil) {
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
        self.classWeight = classWeight
    }

    var lossFunction: SGDLossFunction {
        switch loss {
        case .hinge: .hinge(threshold: 1)
        case .logLoss: .logLoss
        case .modifiedHuber: .modifiedHuber
        case .squaredHinge: .squaredHinge(threshold: 1)
        case .perceptron: .hinge(threshold: 0)
        case .squaredError: .squaredError
        case .huber: .huber(epsilon: epsilon)
        case .epsilonInsensitive: .epsilonInsensitive(epsilon: epsilon)
        case .squaredEpsilonInsensitive: .squaredEpsilonInsensitive(epsilon: epsilon)
        }
    }

    var settings: SGDSettings {
        SGDSettings(loss: lossFunction, penalty: penalty, alpha: alpha, l1Ratio: l1Ratio, fitIntercept: fitIntercept,
                    maxIter: maxIter, tol: tol, shuffle: shuffle, learningRate: learningRate, eta0: eta0, powerT: powerT,
                    earlyStopping: earlyStopping, validationFraction: validationFraction, nIterNoChange: nIterNoChange,
                    average: average)
    }

    /// Fits the model to int64 labels `[n]` (at least two distinct classes).
    ///
    /// ```swift
    /// try model.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let name = "SGDClassifier", settings = settings
        try settings.validate(estimator: name, lossName: loss.rawValue, paLossAllowed: loss == .hinge, paLoss: "hinge")
        guard epsilon >= 0 else { throw LearnError(.invalidParameter, "\(name): epsilon must be >= 0, got \(epsilon)") }
        let x = try LearnValidation.features(features, estimator: name)
        let samples = x.shape[0], columns = x.shape[1]
        let targets = try LearnTargets.labels(labels, samples: samples, estimator: name)
        let seen = Array(Set(targets)).sorted()
        guard seen.count >= 2 else {
            throw LearnError(.invalidInput, "\(name): needs at least two classes, got only \(seen)")
        }
        let classWeights = try ClassWeight.weights(classWeight, classes: seen, targets: targets, estimator: "SGDClassifier")
        let seed = TreeRandom.seed(randomState)
        // The early-stopping split is drawn once, stratified on the labels, and shared by every binary problem.
        let validation = earlyStopping
            ? try SGDPlain.validationMask(rows: samples, fraction: validationFraction, strata: targets, seed: seed, estimator: name)
            : [Bool](repeating: false, count: samples)
        let problems = seen.count == 2 ? [1] : Array(0..<seen.count)
        let negative = settings.loss.encodesNegativeAsZero ? 0.0 : -1.0
        let values = x.scalars(as: Double.self)
        let solutions = try values.withUnsafeBufferPointer { unsafeBuffer in
            let shared = SGDSharedRows(buffer: unsafeBuffer)
            let results = SGDResults(count: problems.count)
            DispatchQueue.concurrentPerform(iterations: problems.count) { slot in
                let positive = seen[problems[slot]]
                let problem = SGDProblem(features: shared.buffer, rows: samples, columns: columns,
                                         targets: targets.map { $0 == positive ? 1 : negative }, validation: validation,
                                         weightPositive: classWeights[problems[slot]],
                                         weightNegative: seen.count == 2 ? classWeights[0] : 1, classification: true)
                results.store(Result { try SGDPlain.run(problem, settings: settings, seed: TreeRandom.derived(seed, slot), estimator: name) },
                              at: slot)
            }
            return try results.all()
        }
        let epochs = solutions.map(\.epochs).max()!
        let useAverage = average > 0 && average <= epochs * samples
        classes = seen
        coefficients = Tensor(solutions.flatMap { useAverage ? $0.averageWeights! : $0.weights }, shape: [problems.count, columns])
        intercept = solutions.map { useAverage ? $0.averageIntercept : $0.intercept }
        iterationCount = epochs
    }

    /// The linear scores: `[n]` for two classes (positive favours `classes[1]`), `[n, classes]` otherwise.
    ///
    /// ```swift
    /// let scores = try model.decisionFunction(features)
    /// ```
    public func decisionFunction(_ features: Tensor) throws -> Tensor {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("SGDClassifier") }
        let x = try LearnValidation.features(features, estimator: "SGDClassifier", expectedFeatures: coefficients.shape[1])
        let scores = x.matmul(coefficients.transposed()) + Tensor(intercept, shape: [1, intercept.count])
        return classes.count == 2 ? scores.reshaped([-1]) : scores
    }

    /// Class probabilities `[n, classes]` for `.logLoss` (the logistic of each one-vs-rest score,
    /// normalized over the classes) and `.modifiedHuber` (`(clip(score, -1, 1) + 1) / 2`, normalized).
    ///
    /// ```swift
    /// let model = SGDClassifier(loss: .logLoss, randomState: 0)
    /// try model.fit(features, labels)
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        guard loss == .logLoss || loss == .modifiedHuber else {
            throw LearnError(.invalidParameter, "SGDClassifier: probabilities need loss .logLoss or .modifiedHuber, got .\(loss.rawValue)")
        }
        let scores = RowMatrix(try decisionFunction(features).reshaped([features.shape[0], -1]))
        var probabilities = RowMatrix(rows: scores.rows, columns: classes.count)
        let logistic = loss == .logLoss
        func squash(_ score: Double) -> Double { logistic ? 1 / (1 + exp(-score)) : (min(1, max(-1, score)) + 1) / 2 }
        for row in 0..<scores.rows {
            if classes.count == 2 {
                let positive = squash(scores[row, 0])
                probabilities[row, 0] = 1 - positive
                probabilities[row, 1] = positive
                continue
            }
            var total = 0.0
            for column in 0..<classes.count {
                probabilities[row, column] = squash(scores[row, column])
                total += probabilities[row, column]
            }
            for column in 0..<classes.count {
                probabilities[row, column] = total > 0 ? probabilities[row, column] / total : 1 / Double(classes.count)
            }
        }
        return probabilities.tensor
    }

    /// Predicted class labels, int64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        LinearClassifierSupport.labels(fromScores: try decisionFunction(features), classes: classes)
    }
}

/// The feature rows every worker thread reads (read-only for the whole fit).
struct SGDSharedRows: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Double>
}

/// The binary fits' results, written by the worker threads, one slot each.
final class SGDResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<SGDSolution, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ result: Result<SGDSolution, Error>, at index: Int) { lock.lock(); slots[index] = result; lock.unlock() }
    /// Every solution, or the first error.
    func all() throws -> [SGDSolution] { try slots.map { try $0!.get() } }
}

extension SGDClassifier: PersistableEstimator {
    /// The classes, the weights `[1 or classes, features]`, intercepts and epochs run.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("SGDClassifier") }
        return LinearClassifierSupport.state(classes: classes, coefficients: coefficients, intercept: intercept, iterationCount: iterationCount)
    }

    /// Restores the fitted weights.
    ///
    /// ```swift
    /// try SGDClassifier().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let restored = try LinearClassifierSupport.restore(state)
        (classes, coefficients, intercept, iterationCount) = (restored.classes, restored.coefficients, restored.intercept, restored.iterationCount)
    }
}
