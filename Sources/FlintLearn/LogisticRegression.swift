import Flint
import Foundation

/// Logistic regression with an L2 penalty (scikit-learn's `LogisticRegression`, solver "lbfgs"): a
/// binomial model for two classes, a multinomial (softmax) model for more, minimizing the mean log-loss
/// plus `‖W‖² / (2·C·n)` (the intercept unpenalized) with L-BFGS.
///
/// ```swift
/// let model = LogisticRegression(c: 1)
/// try model.fit(features, labels)
/// let probabilities = try model.predictProbabilities(features)
/// ```
public final class LogisticRegression: ProbabilisticClassifier {
    /// The regularization penalty.
    public enum Penalty: Sendable, Equatable {
        /// `‖W‖² / 2` scaled by `1 / C` (scikit-learn's default "l2").
        case l2
        /// No penalty (scikit-learn `penalty=None`).
        case none
    }

    /// The inverse regularization strength, > 0 (scikit-learn `C`, default 1).
    public var c: Double
    /// The penalty (scikit-learn `penalty`, default `.l2`).
    public var penalty: Penalty
    /// Whether to fit intercepts (scikit-learn `fit_intercept`, default true).
    public var fitIntercept: Bool
    /// The largest gradient component at which L-BFGS stops (scikit-learn `tol`, default 1e-4).
    public var tol: Double
    /// The most L-BFGS iterations (scikit-learn `max_iter`, default 100).
    public var maxIter: Int
    /// The classes seen in fitting, ascending (scikit-learn `classes_`).
    public private(set) var classes: [Int] = []
    /// Weights `[1, features]` for two classes, `[classes, features]` otherwise (scikit-learn `coef_`).
    public private(set) var coefficients: Tensor?
    /// One intercept per row of `coefficients` (scikit-learn `intercept_`).
    public private(set) var intercept: [Double]?
    /// L-BFGS iterations run in the last fit (scikit-learn `n_iter_`).
    public private(set) var iterationCount = 0
    /// Whether the last fit met the tolerance within `maxIter` iterations.
    public private(set) var converged = false

    /// A classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = LogisticRegression(c: 0.1, maxIter: 500)
    /// ```
    public init(c: Double = 1, penalty: Penalty = .l2, fitIntercept: Bool = true, tol: Double = 1e-4, maxIter: Int = 100) {
        self.c = c
        self.penalty = penalty
        self.fitIntercept = fitIntercept
        self.tol = tol
        self.maxIter = maxIter
    }

    /// Fits the model to int64 labels `[n]` (at least two distinct classes).
    ///
    /// ```swift
    /// try model.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        guard c > 0, c.isFinite else { throw LearnError(.invalidParameter, "LogisticRegression: C must be finite and > 0, got \(c)") }
        guard tol > 0 else { throw LearnError(.invalidParameter, "LogisticRegression: tol must be > 0, got \(tol)") }
        guard maxIter > 0 else { throw LearnError(.invalidParameter, "LogisticRegression: maxIter must be > 0, got \(maxIter)") }
        let x = try LearnValidation.features(features, estimator: "LogisticRegression")
        let samples = x.shape[0], featureCount = x.shape[1]
        let targets = try LearnTargets.labels(labels, samples: samples, estimator: "LogisticRegression")
        let seen = Array(Set(targets)).sorted()
        guard seen.count >= 2 else {
            throw LearnError(.invalidInput, "LogisticRegression: needs at least two classes, got only \(seen)")
        }
        let position = Dictionary(uniqueKeysWithValues: seen.enumerated().map { ($1, $0) })
        let encoded = targets.map { position[$0]! }
        let rows = seen.count == 2 ? 1 : seen.count
        let penaltyWeight = penalty == .l2 ? 1 / (c * Double(samples)) : 0
        let objective = LogisticObjective(features: x, labels: encoded, rows: rows, fitIntercept: fitIntercept,
                                          penaltyWeight: penaltyWeight)
        let solver = LBFGS(tolerance: tol, maxIterations: maxIter)
        let result = solver.minimize(from: [Double](repeating: 0, count: rows * (featureCount + 1)), objective.evaluate)
        classes = seen
        coefficients = Tensor(Array(result.point[0..<(rows * featureCount)]), shape: [rows, featureCount])
        intercept = Array(result.point[(rows * featureCount)...])
        iterationCount = result.iterations
        converged = result.converged
    }

    /// The linear scores: `[n]` for two classes (positive favours `classes[1]`), `[n, classes]` otherwise.
    ///
    /// ```swift
    /// let scores = try model.decisionFunction(features)
    /// ```
    public func decisionFunction(_ features: Tensor) throws -> Tensor {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("LogisticRegression") }
        let x = try LearnValidation.features(features, estimator: "LogisticRegression", expectedFeatures: coefficients.shape[1])
        let scores = x.matmul(coefficients.transposed()) + Tensor(intercept, shape: [1, intercept.count])
        return classes.count == 2 ? scores.reshaped([-1]) : scores
    }

    /// Class probabilities `[n, classes]` (columns in `classes` order).
    ///
    /// ```swift
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let scores = RowMatrix(try decisionFunction(features).reshaped([features.shape[0], -1]))
        var probabilities = RowMatrix(rows: scores.rows, columns: classes.count)
        for row in 0..<scores.rows {
            if classes.count == 2 {
                let positive = 1 / (1 + exp(-scores[row, 0]))
                probabilities[row, 0] = 1 - positive
                probabilities[row, 1] = positive
            } else {
                let largest = (0..<scores.columns).map { scores[row, $0] }.max()!
                var total = 0.0
                for column in 0..<scores.columns {
                    probabilities[row, column] = exp(scores[row, column] - largest)
                    total += probabilities[row, column]
                }
                for column in 0..<scores.columns { probabilities[row, column] /= total }
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

extension LogisticRegression: PersistableEstimator {
    /// The classes, coefficients, intercepts and convergence record.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let coefficients, let intercept else { throw LearnTargets.notFitted("LogisticRegression") }
        var state = LinearClassifierSupport.state(classes: classes, coefficients: coefficients, intercept: intercept, iterationCount: iterationCount)
        state.set("converged", integer: converged ? 1 : 0)
        return state
    }

    /// Restores the fitted model; one coefficient row for two classes, one per class otherwise.
    ///
    /// ```swift
    /// try LogisticRegression().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let restored = try LinearClassifierSupport.restore(state)
        let converged = try state.flag("converged")
        (classes, coefficients, intercept, iterationCount) = (restored.classes, restored.coefficients, restored.intercept, restored.iterationCount)
        self.converged = converged
    }
}
