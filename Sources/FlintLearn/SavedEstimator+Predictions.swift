import Flint
import FlintTrain
import Foundation

extension SavedEstimator {
    /// The input the saved estimator expects: its feature columns (by name when the data had names),
    /// the target column to drop, and the feature count.
    ///
    /// ```swift
    /// let features = try saved.featureSchema.readFeatures(URL(fileURLWithPath: "rows.csv"))
    /// ```
    public var featureSchema: FeatureSchema {
        FeatureSchema(featureNames: description.data?.featureNames, targetName: description.data?.targetName,
                      inputShape: [description.featureCount])
    }

    /// Predictions for `features` in the form `flint predict` writes: class (with its name and, when the
    /// estimator gives them, every class's probability) for classifiers, the value for regressors, the
    /// nearest cluster for k-means.
    ///
    /// ```swift
    /// let predictions = try saved.predictions(for: features)
    /// try predictions.write(to: URL(fileURLWithPath: "predictions.csv"))
    /// ```
    public func predictions(for features: Tensor) throws -> RunPredictions {
        switch description.task {
        case .regression:
            return RunPredictions(classes: nil, probabilities: nil, values: try predict(features).to(.float64).scalars(as: Double.self),
                                  classNames: [])
        case .classification:
            let labels = try predict(features).to(.int64).scalars(as: Int64.self).map { Int($0) }
            let seen = (estimator as? any ClassifierEstimator)?.classes ?? []
            let names = description.data?.classNames ?? (0...(max(seen.max() ?? 0, labels.max() ?? 0))).map { String($0) }
            var probabilities: [[Double]]?
            if estimator is any ProbabilisticClassifier {
                // Columns follow the classes seen in fitting; a class absent from the fitted rows gets 0.
                let flat = try predictProbabilities(features).to(.float64).scalars(as: Double.self)
                probabilities = labels.indices.map { row in
                    var full = [Double](repeating: 0, count: names.count)
                    for (column, label) in seen.enumerated() where label < names.count { full[label] = flat[row * seen.count + column] }
                    return full
                }
            }
            return RunPredictions(classes: labels, probabilities: probabilities, values: nil, classNames: names)
        case .clustering:
            let clusters = try predict(features).to(.int64).scalars(as: Int64.self).map { Int($0) }
            let count = (try? fittedClusterCount()) ?? ((clusters.max() ?? 0) + 1)
            return RunPredictions(classes: clusters, probabilities: nil, values: nil, classNames: (0..<count).map { "cluster \($0)" })
        case .decomposition, .preprocessing:
            throw LearnError(.invalidInput, "\(description.steps.last!.name) transforms rows rather than predicting; use "
                             + "SavedEstimator.transform(_:) from Swift")
        }
    }

    private func fittedClusterCount() throws -> Int {
        switch estimator {
        case let kMeans as KMeans: return kMeans.clusterCenters.shape[0]
        case let kMeans as MiniBatchKMeans: return kMeans.clusterCenters.shape[0]
        default: throw LearnError(.invalidInput, "no cluster centres")
        }
    }
}
