import Flint
import FlintData
import FlintTrain

/// The four parts of a train/test split (``trainTestSplit(features:targets:testFraction:stratify:seed:)``).
public struct TrainTestSplit {
    /// Training rows `[nTrain, f]`.
    public let trainFeatures: Tensor
    /// Test rows `[nTest, f]`.
    public let testFeatures: Tensor
    /// Training targets `[nTrain]`.
    public let trainTargets: Tensor
    /// Test targets `[nTest]`.
    public let testTargets: Tensor
    /// The original row positions of the training rows.
    public let trainIndices: [Int]
    /// The original row positions of the test rows.
    public let testIndices: [Int]
}

/// Shuffles rows and holds out `testFraction` of them (scikit-learn's `train_test_split`); with
/// `stratify` the integer `targets` keep their class proportions in both parts. Uses FlintData's
/// `splitIndices`, so the same `seed` gives the same split.
///
/// ```swift
/// let split = try trainTestSplit(features: data.features, targets: data.targets, testFraction: 0.2, stratify: true, seed: 42)
/// try model.fit(split.trainFeatures, split.trainTargets)
/// ```
public func trainTestSplit(features: Tensor, targets: Tensor, testFraction: Double = 0.25,
                           stratify: Bool = false, seed: UInt64 = 0) throws -> TrainTestSplit {
    guard testFraction > 0, testFraction < 1 else {
        throw LearnError(.invalidParameter, "trainTestSplit: testFraction must be in (0, 1), got \(testFraction)")
    }
    let rows = try ModelSelectionSupport.checkedRows(features, targets, function: "trainTestSplit")
    let labels = stratify ? try LearnTargets.labels(targets, samples: rows, estimator: "trainTestSplit") : nil
    let parts = try splitIndices(count: rows, fractions: [1 - testFraction, testFraction], stratifyBy: labels, seed: seed)
    guard !parts[0].isEmpty, !parts[1].isEmpty else {
        throw LearnError(.invalidParameter, "trainTestSplit: testFraction \(testFraction) of \(rows) rows leaves an empty part")
    }
    return TrainTestSplit(trainFeatures: ModelSelectionSupport.rows(features, parts[0]),
                          testFeatures: ModelSelectionSupport.rows(features, parts[1]),
                          trainTargets: ModelSelectionSupport.rows(targets, parts[0]),
                          testTargets: ModelSelectionSupport.rows(targets, parts[1]),
                          trainIndices: parts[0], testIndices: parts[1])
}

/// Per-fold scores of a cross-validation, their mean, and each fold's fit time.
public struct CrossValidationResult: Sendable, Equatable {
    /// The score on each held-out fold (accuracy for classifiers, R² for regressors), in fold order.
    public let scores: [Double]
    /// Seconds each fold's `fit` took (scikit-learn's `fit_time`), in fold order.
    public let fitSeconds: [Double]
    /// The mean of ``scores``.
    public var mean: Double { scores.reduce(0, +) / Double(scores.count) }
}

/// Fits a fresh estimator on each fold's training rows and scores it on the held-out rows
/// (scikit-learn's `cross_validate` with the estimator's default `score`).
///
/// ```swift
/// let folds = try KFold(splitCount: 5).splits(count: 442)
/// let result = try crossValidate({ Ridge(alpha: 1) }, features: x, targets: y, folds: folds)
/// print(result.mean)
/// ```
public func crossValidate(_ makeEstimator: () throws -> any SupervisedEstimator, features: Tensor, targets: Tensor,
                          folds: [Fold]) throws -> CrossValidationResult {
    let rows = try ModelSelectionSupport.checkedRows(features, targets, function: "crossValidate")
    guard !folds.isEmpty else { throw LearnError(.invalidParameter, "crossValidate: no folds given") }
    var scores: [Double] = [], fitSeconds: [Double] = []
    for (number, fold) in folds.enumerated() {
        guard let largest = (fold.train + fold.validation).max(), largest < rows, !fold.train.isEmpty, !fold.validation.isEmpty else {
            throw LearnError(.invalidParameter, "crossValidate: fold \(number) is empty or refers to rows beyond \(rows)")
        }
        let estimator = try makeEstimator()
        let trainFeatures = ModelSelectionSupport.rows(features, fold.train), trainTargets = ModelSelectionSupport.rows(targets, fold.train)
        fitSeconds.append(try measureSeconds { try estimator.fit(trainFeatures, trainTargets) })
        scores.append(try ModelSelectionSupport.score(estimator, ModelSelectionSupport.rows(features, fold.validation),
                                                      ModelSelectionSupport.rows(targets, fold.validation)))
    }
    return CrossValidationResult(scores: scores, fitSeconds: fitSeconds)
}

/// Cross-validation over `k` folds made as scikit-learn's `cv=k`: unshuffled `StratifiedKFold` on the
/// labels when the estimator is a classifier (or a ``Pipeline`` ending in one), unshuffled `KFold` otherwise.
///
/// ```swift
/// let result = try crossValidate({ Pipeline([StandardScaler()], LogisticRegression()) }, features: x, targets: y, k: 5)
/// ```
public func crossValidate(_ makeEstimator: () throws -> any SupervisedEstimator, features: Tensor, targets: Tensor,
                          k: Int = 5) throws -> CrossValidationResult {
    let folds = try ModelSelectionSupport.folds(k, for: try makeEstimator(), features: features, targets: targets)
    return try crossValidate(makeEstimator, features: features, targets: targets, folds: folds)
}

/// What model selection shares: row selection, scoring and fold making.
enum ModelSelectionSupport {
    /// The number of rows, after checking features are a matrix and targets a vector of as many rows.
    static func checkedRows(_ features: Tensor, _ targets: Tensor, function: String) throws -> Int {
        guard features.rank == 2, targets.rank == 1, features.shape[0] == targets.shape[0], features.shape[0] > 0 else {
            throw LearnError(.invalidInput, "\(function): features must be [n, f] and targets [n] with n > 0; "
                             + "got \(features.shape) and \(targets.shape)")
        }
        return features.shape[0]
    }

    /// The rows of `tensor` at `indices` (along the first axis).
    static func rows(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
        tensor.indexSelect(axis: 0, index: Tensor(indices.map { Int64($0) }, shape: [indices.count]))
    }

    /// Whether `estimator` predicts class labels (directly or as a pipeline's final step).
    static func isClassifier(_ estimator: any SupervisedEstimator) -> Bool {
        if let pipeline = estimator as? Pipeline { return isClassifier(pipeline.estimator) }
        if let search = estimator as? GridSearch, let best = search.bestEstimator { return isClassifier(best) }
        return estimator is any ClassifierEstimator
    }

    /// The estimator's default score: accuracy for a classifier, R² otherwise.
    static func score(_ estimator: any SupervisedEstimator, _ features: Tensor, _ targets: Tensor) throws -> Double {
        let predictions = try estimator.predict(features)
        if isClassifier(estimator) { return try Metrics.accuracy(predictions: predictions, targets: targets) }
        return try Metrics.r2Score(predictions: predictions, targets: targets)
    }

    /// `k` unshuffled folds, stratified on the labels for a classifier (scikit-learn's `check_cv`).
    static func folds(_ k: Int, for estimator: any SupervisedEstimator, features: Tensor, targets: Tensor) throws -> [Fold] {
        let rows = try checkedRows(features, targets, function: "crossValidate")
        guard k >= 2, k <= rows else { throw LearnError(.invalidParameter, "crossValidate: k must be in 2...\(rows), got \(k)") }
        if isClassifier(estimator) {
            return try StratifiedKFold(splitCount: k).splits(labels: try LearnTargets.labels(targets, samples: rows, estimator: "crossValidate"))
        }
        return try KFold(splitCount: k).splits(count: rows)
    }
}

/// The wall-clock seconds `body` takes (monotonic clock).
///
/// ```swift
/// let seconds = try measureSeconds { try model.fit(features, labels) }
/// ```
public func measureSeconds(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
