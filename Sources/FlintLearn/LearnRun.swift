import Flint
import FlintData
import Foundation

/// What `flint learn` is asked to do: which estimator with which hyperparameters, how features are
/// scaled, and how it is scored (a held-out split, or k-fold cross-validation).
///
/// ```swift
/// var settings = LearnSettings(estimator: "svc")
/// settings.parameters = ["C": "10"]
/// settings.crossValidationFolds = 5
/// ```
public struct LearnSettings: Sendable, Equatable {
    /// The catalogue name of the estimator (`svc`, `random-forest-classifier`).
    public var estimator: String
    /// Hyperparameters under scikit-learn's names, as text.
    public var parameters: [String: String] = [:]
    /// The scaling put in front of the estimator; nil for the estimator's default.
    public var scaling: FeatureScaling?
    /// k of k-fold cross-validation (stratified for classifiers); nil to score on a held-out split.
    public var crossValidationFolds: Int?
    /// The share of rows held out for scoring when the dataset has no test split of its own.
    public var testFraction = 0.25
    /// The seed of the held-out split.
    public var seed: UInt64 = 0

    /// Settings for `estimator` with every other choice at its default.
    ///
    /// ```swift
    /// let settings = LearnSettings(estimator: "ridge")
    /// ```
    public init(estimator: String) {
        self.estimator = estimator
    }
}

/// What one `flint learn` run measured, and the fitted steps to save.
///
/// ```swift
/// let report = try LearnRun.run(LearnSettings(estimator: "svc"), data: iris)
/// print(report.metric, report.score ?? .nan, report.fitSeconds)
/// ```
public struct LearnReport {
    /// The catalogue name of the estimator.
    public let estimator: String
    /// The dataset name or path.
    public let dataset: String
    /// What the estimator learns.
    public let task: EstimatorTask
    /// The score's name: `accuracy`, `r2`, `adjusted_rand_index` or `explained_variance_ratio`.
    public let metric: String
    /// The score (cross-validated mean, held-out score, or on all rows for unsupervised estimators);
    /// nil when there is nothing to score against (clustering a dataset without classes).
    public let score: Double?
    /// Per-fold scores of cross-validation.
    public let foldScores: [Double]?
    /// Seconds of `fit`: the held-out run's fit, or the mean fit of the folds.
    public let fitSeconds: Double
    /// Rows fitted on, rows scored on (0 for unsupervised estimators, which score on the fitted rows).
    public let trainRows: Int, testRows: Int
    /// Feature columns, and classes (0 unless classification).
    public let featureCount: Int, classCount: Int
    /// The hyperparameters used, under scikit-learn's names.
    public let parameters: [String: String]
    /// The scaling in front of the estimator.
    public let scaling: FeatureScaling
    /// The fitted steps (scaler first when there is one): what `--save` writes.
    public let steps: [AnyObject]

    /// The report as one JSON object (keys sorted; `score` null when there is none).
    ///
    /// ```swift
    /// print(report.json(extra: ["saved": "models/svc"]))
    /// ```
    public func json(extra: [String: String] = [:]) -> String {
        var object: [String: Any] = [
            "estimator": estimator, "dataset": dataset, "task": task.rawValue, "metric": metric,
            "score": score ?? NSNull(), "fitSeconds": fitSeconds, "trainRows": trainRows, "testRows": testRows,
            "features": featureCount, "parameters": parameters, "scaling": scaling.rawValue,
        ]
        if task == .classification { object["classes"] = classCount }
        if let foldScores { object["foldScores"] = foldScores; object["cv"] = foldScores.count }
        for (key, value) in extra { object[key] = value }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}

/// Fits and scores one catalogued estimator on a dataset, as `flint learn` does.
///
/// ```swift
/// let data = try BundledDatasets.load(name: "wine")
/// var settings = LearnSettings(estimator: "logistic-regression")
/// settings.crossValidationFolds = 5
/// let report = try LearnRun.run(settings, data: data)
/// print(report.score!)   // mean accuracy over 5 stratified folds
/// ```
public enum LearnRun {
    /// Runs `settings` on `data`; `test` is the dataset's own test split when it has one (used instead
    /// of holding rows out). Classifiers and regressors are scored on held-out rows or by
    /// cross-validation; clustering by the adjusted Rand index against the dataset's classes;
    /// decompositions by the variance their components keep.
    ///
    /// ```swift
    /// let report = try LearnRun.run(LearnSettings(estimator: "k-means"), data: digits)
    /// ```
    public static func run(_ settings: LearnSettings, data: LabeledData, test: LabeledData? = nil) throws -> LearnReport {
        let entry = try EstimatorCatalog.entry(named: settings.estimator)
        let scaling = settings.scaling ?? entry.defaultScaling
        let parameters = entry.parameterValues(of: try entry.make(parameters: settings.parameters))
        func makeSteps() throws -> [AnyObject] {
            let scaler = try scaling.scalerName.map { try EstimatorCatalog.entry(named: $0).make() }
            return (scaler.map { [$0] } ?? []) + [try entry.make(parameters: settings.parameters)]
        }
        let base = Partial(entry: entry, dataset: data.name, parameters: parameters, scaling: scaling, featureCount: data.featureCount,
                           classCount: data.classCount)
        switch entry.task {
        case .classification, .regression:
            try checkTask(entry, data)
            if let folds = settings.crossValidationFolds {
                let result = try crossValidate({ try pipeline(makeSteps()) }, features: data.features, targets: data.targets, k: folds)
                let final = try makeSteps()
                try pipeline(final).fit(data.features, data.targets)
                return base.report(metric: entry.task == .classification ? "accuracy" : "r2", score: result.mean, foldScores: result.scores,
                                   fitSeconds: result.fitSeconds.reduce(0, +) / Double(folds), trainRows: data.sampleCount, testRows: 0, steps: final)
            }
            let (trainX, trainY, testX, testY) = try heldOut(data, test: test, settings: settings, stratify: entry.task == .classification)
            let steps = try makeSteps()
            let model = try pipeline(steps)
            let seconds = try measureSeconds { try model.fit(trainX, trainY) }
            return base.report(metric: entry.task == .classification ? "accuracy" : "r2", score: try model.score(testX, testY), foldScores: nil,
                               fitSeconds: seconds, trainRows: trainX.shape[0], testRows: testX.shape[0], steps: steps)
        case .clustering:
            try refuseFolds(settings, entry)
            let steps = try makeSteps()
            let clusterer = steps.last as! any ClusteringEstimator
            let seconds = try measureSeconds { try clusterer.fit(try transformed(data.features, by: steps.dropLast())) }
            let score = data.task == .classification
                ? try ClusteringMetrics.adjustedRandIndex(labelsTrue: data.targets, labelsPredicted: clusterer.labels) : nil
            return base.report(metric: "adjusted_rand_index", score: score, foldScores: nil, fitSeconds: seconds,
                               trainRows: data.sampleCount, testRows: 0, steps: steps)
        case .decomposition:
            try refuseFolds(settings, entry)
            let steps = try makeSteps()
            let decomposition = steps.last as! any DecompositionEstimator
            let seconds = try measureSeconds { try decomposition.fit(try transformed(data.features, by: steps.dropLast())) }
            return base.report(metric: "explained_variance_ratio", score: decomposition.explainedVarianceRatio.reduce(0, +), foldScores: nil,
                               fitSeconds: seconds, trainRows: data.sampleCount, testRows: 0, steps: steps)
        case .preprocessing:
            throw LearnError(.invalidParameter, "\(entry.name) is a preprocessing step, not an estimator to score; "
                             + "choose the scaling with --scale (standard, minmax, robust, none)")
        }
    }

    /// The report fields every branch shares.
    private struct Partial {
        let entry: EstimatorEntry, dataset: String, parameters: [String: String], scaling: FeatureScaling, featureCount: Int, classCount: Int

        func report(metric: String, score: Double?, foldScores: [Double]?, fitSeconds: Double, trainRows: Int, testRows: Int,
                    steps: [AnyObject]) -> LearnReport {
            LearnReport(estimator: entry.name, dataset: dataset, task: entry.task, metric: metric, score: score, foldScores: foldScores,
                        fitSeconds: fitSeconds, trainRows: trainRows, testRows: testRows, featureCount: featureCount,
                        classCount: entry.task == .classification ? classCount : 0, parameters: parameters, scaling: scaling, steps: steps)
        }
    }

    /// The steps as a pipeline (transformers, then the supervised estimator).
    static func pipeline(_ steps: [AnyObject]) throws -> Pipeline {
        Pipeline(steps.dropLast().map { $0 as! any TransformerEstimator }, steps.last as! any SupervisedEstimator)
    }

    private static func transformed(_ features: Tensor, by transformers: ArraySlice<AnyObject>) throws -> Tensor {
        var current = features
        for case let transformer as any TransformerEstimator in transformers { current = try transformer.fitTransform(current) }
        return current
    }

    private static func checkTask(_ entry: EstimatorEntry, _ data: LabeledData) throws {
        let wanted: DatasetTask = entry.task == .classification ? .classification : .regression
        guard data.task == wanted else {
            throw LearnError(.invalidInput, "\(entry.name) is a \(entry.task == .classification ? "classifier" : "regressor") but \(data.name) "
                             + "is a \(data.task) dataset; choose a \(data.task == .classification ? "classifier" : "regressor") "
                             + "(flint learn --list) or another dataset")
        }
    }

    private static func refuseFolds(_ settings: LearnSettings, _ entry: EstimatorEntry) throws {
        if settings.crossValidationFolds != nil {
            throw LearnError(.invalidParameter, "--cv scores classifiers and regressors; \(entry.name) is scored on all rows without it")
        }
    }

    /// The rows to fit and to score: the dataset's own test split, or a seeded held-out share
    /// (stratified for classifiers, as scikit-learn's `train_test_split(stratify=y)`).
    private static func heldOut(_ data: LabeledData, test: LabeledData?, settings: LearnSettings,
                                stratify: Bool) throws -> (Tensor, Tensor, Tensor, Tensor) {
        if let test { return (data.features, data.targets, test.features, test.targets) }
        let split = try trainTestSplit(features: data.features, targets: data.targets, testFraction: settings.testFraction,
                                       stratify: stratify, seed: settings.seed)
        return (split.trainFeatures, split.trainTargets, split.testFeatures, split.testTargets)
    }
}
