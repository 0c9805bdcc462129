import Flint
import FlintData

/// One candidate of a ``GridSearch``: its parameters and cross-validation scores.
public struct GridSearchResult: Sendable, Equatable {
    /// The parameter values of this candidate.
    public let parameters: [String: Double]
    /// The score on each fold.
    public let scores: [Double]
    /// The mean of ``scores`` (what the search ranks by).
    public var meanScore: Double { scores.reduce(0, +) / Double(scores.count) }
}

/// Exhaustive search over a grid of named parameter values with cross-validation (scikit-learn's
/// `GridSearchCV`): every combination is built by `makeEstimator`, scored on the same folds, the best
/// mean score wins (ties go to the first in grid order), and the winner is refitted on all rows.
/// Grid order is scikit-learn's `ParameterGrid`: names sorted, the last name varying fastest, values in
/// the given order.
///
/// ```swift
/// let search = GridSearch(parameterGrid: ["alpha": [0.1, 1, 10]]) { parameters in Ridge(alpha: parameters["alpha"]!) }
/// try search.fit(features, targets)
/// print(search.bestParameters!, search.bestScore!)
/// let predictions = try search.predict(features)
/// ```
public final class GridSearch: SupervisedEstimator {
    /// The values to try for each parameter name.
    public let parameterGrid: [String: [Double]]
    /// Builds an unfitted estimator from one combination of parameters.
    public let makeEstimator: ([String: Double]) throws -> any SupervisedEstimator
    /// The number of folds (scikit-learn `cv`, default 5): stratified for classifiers, unshuffled.
    public var folds: Int
    /// Whether the best estimator is refitted on all rows after the search (scikit-learn `refit`, default true).
    public var refit: Bool
    /// Every candidate's scores, in grid order (scikit-learn `cv_results_`).
    public private(set) var results: [GridSearchResult] = []
    /// The winning parameters (scikit-learn `best_params_`).
    public private(set) var bestParameters: [String: Double]?
    /// The winning mean cross-validation score (scikit-learn `best_score_`).
    public private(set) var bestScore: Double?
    /// The winner refitted on all rows (scikit-learn `best_estimator_`), when ``refit`` is true.
    public private(set) var bestEstimator: (any SupervisedEstimator)?

    /// A search over `parameterGrid`; `makeEstimator` turns one combination into an estimator.
    ///
    /// ```swift
    /// let search = GridSearch(parameterGrid: ["c": [0.1, 1, 10]], folds: 3) { LogisticRegression(c: $0["c"]!) }
    /// ```
    public init(parameterGrid: [String: [Double]], folds: Int = 5, refit: Bool = true,
                _ makeEstimator: @escaping ([String: Double]) throws -> any SupervisedEstimator) {
        self.parameterGrid = parameterGrid
        self.folds = folds
        self.refit = refit
        self.makeEstimator = makeEstimator
    }

    /// Every combination of the grid, in scikit-learn's `ParameterGrid` order.
    ///
    /// ```swift
    /// GridSearch(parameterGrid: ["a": [1, 2], "b": [3]]) { _ in Ridge() }.candidates   // [[a: 1, b: 3], [a: 2, b: 3]]
    /// ```
    public var candidates: [[String: Double]] {
        var combinations: [[String: Double]] = [[:]]
        for name in parameterGrid.keys.sorted() {
            let values = parameterGrid[name]!
            combinations = combinations.flatMap { partial in values.map { partial.merging([name: $0]) { $1 } } }
        }
        return combinations
    }

    /// Cross-validates every candidate on the same folds, keeps the best and refits it on all rows.
    ///
    /// ```swift
    /// try search.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let candidates = candidates
        guard !parameterGrid.isEmpty, !candidates.isEmpty else {
            throw LearnError(.invalidParameter, "GridSearch: the parameter grid is empty; give at least one value for each name")
        }
        let folds = try ModelSelectionSupport.folds(self.folds, for: try makeEstimator(candidates[0]), features: features, targets: targets)
        var found: [GridSearchResult] = []
        for parameters in candidates {
            let result = try crossValidate({ try makeEstimator(parameters) }, features: features, targets: targets, folds: folds)
            found.append(GridSearchResult(parameters: parameters, scores: result.scores))
        }
        var best = 0
        for index in found.indices where found[index].meanScore > found[best].meanScore { best = index }
        results = found
        bestParameters = found[best].parameters
        bestScore = found[best].meanScore
        bestEstimator = nil
        if refit {
            let estimator = try makeEstimator(found[best].parameters)
            try estimator.fit(features, targets)
            bestEstimator = estimator
        }
    }

    /// Predictions of the refitted best estimator.
    ///
    /// ```swift
    /// let predictions = try search.predict(testFeatures)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let bestEstimator else {
            throw LearnError(.notFitted, "GridSearch: no refitted estimator; call fit(_:_:) first (with refit: true)")
        }
        return try bestEstimator.predict(features)
    }

    /// The refitted best estimator's score: accuracy for a classifier, R² otherwise.
    ///
    /// ```swift
    /// let score = try search.score(testFeatures, testTargets)
    /// ```
    public func score(_ features: Tensor, _ targets: Tensor) throws -> Double {
        guard let bestEstimator else {
            throw LearnError(.notFitted, "GridSearch: no refitted estimator; call fit(_:_:) first (with refit: true)")
        }
        return try ModelSelectionSupport.score(bestEstimator, features, targets)
    }
}
