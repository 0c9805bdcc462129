import Flint
import FlintData
import FlintLearn
import FlintTrain
import Foundation

/// One `learn-ESTIMATOR-DATASET` workload of BENCHMARKS.md: a catalogued estimator fitted on a
/// bundled dataset, Flint and scikit-learn on the same rows with the same hyperparameters.
///
/// The rows: features standardized on the whole table (or left as they are, `scaling: .none`) before
/// timing; classifiers and regressors fit on the first split of an unshuffled 5-fold (stratified)
/// cross-validation — the split scikit-learn's `StratifiedKFold(5)` / `KFold(5)` gives first — and are
/// scored on its held-out fifth; clustering and decompositions fit on every row. The figure is the
/// fastest of repeated fits within the time budget, seconds per fit.
struct LearnWorkload: Sendable {
    let estimator: String
    let dataset: String
    let parameters: [String: String]
    let scaling: FeatureScaling

    init(_ estimator: String, _ dataset: String, _ parameters: [String: String] = [:], scaling: FeatureScaling = .standard) {
        self.estimator = estimator
        self.dataset = dataset
        self.parameters = parameters
        self.scaling = scaling
    }

    var name: String { "learn-\(estimator)-\(dataset)" }

    /// What scikit-learn's side needs to repeat the workload.
    var specification: [String: Any] {
        ["workload": name, "estimator": estimator, "dataset": dataset, "parameters": parameters, "scaling": scaling.rawValue]
    }

    /// The prepared rows: fit part, and score part (nil: score on the fit rows).
    struct Rows {
        let trainFeatures: Tensor, trainTargets: Tensor
        let testFeatures: Tensor?, testTargets: Tensor?
        let task: EstimatorTask
    }

    func rows() throws -> Rows {
        let entry = try EstimatorCatalog.entry(named: estimator)
        let data = try BundledDatasets.load(name: dataset)
        let features = scaling == .standard ? try StandardScaler().fitTransform(data.features) : data.features
        switch entry.task {
        case .classification, .regression:
            let fold = entry.task == .classification
                ? try StratifiedKFold(splitCount: 5).splits(labels: data.targets.to(.int64).scalars(as: Int64.self).map { Int($0) })[0]
                : try KFold(splitCount: 5).splits(count: data.sampleCount)[0]
            func pick(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
                tensor.indexSelect(axis: 0, index: Tensor(indices.map { Int64($0) }, shape: [indices.count]))
            }
            return Rows(trainFeatures: pick(features, fold.train), trainTargets: pick(data.targets, fold.train),
                        testFeatures: pick(features, fold.validation), testTargets: pick(data.targets, fold.validation), task: entry.task)
        default:
            return Rows(trainFeatures: features, trainTargets: data.targets, testFeatures: nil, testTargets: nil, task: entry.task)
        }
    }

    /// Seconds per fit (fastest within `seconds`) and the score of the last fit.
    func measure(seconds: Double) throws -> (seconds: Double, score: Double) {
        let entry = try EstimatorCatalog.entry(named: estimator)
        let rows = try rows()
        var fitted: AnyObject = try entry.make(parameters: parameters)
        var failure: Error?
        let perFit = bestSecondsPerCall(seconds: seconds, warmup: 1) {
            do {
                let estimator = try entry.make(parameters: parameters)
                switch estimator {
                case let supervised as any SupervisedEstimator: try supervised.fit(rows.trainFeatures, rows.trainTargets)
                case let clustering as any ClusteringEstimator: try clustering.fit(rows.trainFeatures)
                case let transformer as any TransformerEstimator: try transformer.fit(rows.trainFeatures)
                default: break
                }
                fitted = estimator
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return (perFit, try score(fitted, rows))
    }

    private func score(_ fitted: AnyObject, _ rows: Rows) throws -> Double {
        switch fitted {
        case let supervised as any SupervisedEstimator:
            let predictions = try supervised.predict(rows.testFeatures!)
            return rows.task == .classification
                ? try Metrics.accuracy(predictions: predictions, targets: rows.testTargets!)
                : try Metrics.r2Score(predictions: predictions, targets: rows.testTargets!)
        case let clustering as any ClusteringEstimator:
            return try ClusteringMetrics.adjustedRandIndex(labelsTrue: rows.trainTargets, labelsPredicted: clustering.labels)
        case let decomposition as any DecompositionEstimator:
            return decomposition.explainedVarianceRatio.reduce(0, +)
        default:
            return .nan
        }
    }
}

/// The learn suite: every catalogued estimator, on the dataset scikit-learn's documentation would use.
enum LearnWorkloads {
    static let all: [LearnWorkload] = [
        LearnWorkload("logistic-regression", "digits"),
        LearnWorkload("svc", "digits"),
        LearnWorkload("linear-svc", "digits", ["random_state": "0"]),
        LearnWorkload("sgd-classifier", "digits", ["random_state": "0"]),
        LearnWorkload("k-neighbors-classifier", "digits"),
        LearnWorkload("gaussian-nb", "digits"),
        LearnWorkload("multinomial-nb", "digits", scaling: .none),
        LearnWorkload("decision-tree-classifier", "digits", ["random_state": "0"]),
        LearnWorkload("random-forest-classifier", "digits", ["n_estimators": "100", "random_state": "0"]),
        LearnWorkload("gradient-boosting-classifier", "breast-cancer", ["random_state": "0"]),
        LearnWorkload("linear-regression", "diabetes"),
        LearnWorkload("ridge", "diabetes"),
        LearnWorkload("lasso", "diabetes", ["alpha": "0.1"]),
        LearnWorkload("elastic-net", "diabetes", ["alpha": "0.1"]),
        LearnWorkload("svr", "diabetes", ["C": "100"]),
        LearnWorkload("sgd-regressor", "diabetes", ["random_state": "0"]),
        LearnWorkload("k-neighbors-regressor", "diabetes"),
        LearnWorkload("decision-tree-regressor", "diabetes", ["random_state": "0"]),
        LearnWorkload("random-forest-regressor", "diabetes", ["n_estimators": "100", "random_state": "0"]),
        LearnWorkload("gradient-boosting-regressor", "diabetes", ["random_state": "0"]),
        LearnWorkload("k-means", "digits", ["n_clusters": "10", "random_state": "0"], scaling: .none),
        LearnWorkload("mini-batch-k-means", "digits", ["n_clusters": "10", "random_state": "0"], scaling: .none),
        LearnWorkload("dbscan", "iris", ["eps": "0.5", "min_samples": "5"]),
        LearnWorkload("pca", "digits"),
        LearnWorkload("truncated-svd", "digits", ["n_components": "10", "random_state": "0"], scaling: .none),
    ]
}
