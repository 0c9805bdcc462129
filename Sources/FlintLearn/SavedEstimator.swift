import Flint

/// A loaded estimator: its steps (transformers, then the final estimator) and what was saved about
/// them. `predict`, `predictProbabilities` and `transform` run the rows through every step.
///
/// ```swift
/// let saved = try EstimatorFile.load(from: URL(fileURLWithPath: "models/iris-svc"))
/// let labels = try saved.predict(features)
/// print(saved.description.data?.classNames ?? [])
/// ```
public struct SavedEstimator {
    /// The transformers applied before the final estimator, in order.
    public let transformers: [any TransformerEstimator]
    /// The final estimator.
    public let estimator: AnyObject
    /// The saved description (step names, hyperparameters, data).
    public let description: SavedEstimatorDescription

    /// Steps as loaded; every step but the last must be a transformer.
    ///
    /// ```swift
    /// let saved = try SavedEstimator(steps: [StandardScaler(), kmeans], description: description)
    /// ```
    public init(steps: [AnyObject], description: SavedEstimatorDescription) throws {
        var transformers: [any TransformerEstimator] = []
        for step in steps.dropLast() {
            guard let transformer = step as? any TransformerEstimator else {
                throw LearnError(.invalidInput, "saved estimator: step \(type(of: step)) comes before the last step but transforms nothing")
            }
            transformers.append(transformer)
        }
        self.transformers = transformers
        self.estimator = steps.last!
        self.description = description
    }

    /// The supervised steps as a ``Pipeline``, nil when the final estimator is not supervised.
    ///
    /// ```swift
    /// let accuracy = try saved.pipeline?.score(testFeatures, testLabels)
    /// ```
    public var pipeline: Pipeline? {
        (estimator as? any SupervisedEstimator).map { Pipeline(transformers, $0) }
    }

    /// The rows after the transformer steps.
    ///
    /// ```swift
    /// let prepared = try saved.prepare(features)
    /// ```
    public func prepare(_ features: Tensor) throws -> Tensor {
        var current = features
        for transformer in transformers { current = try transformer.transform(current) }
        return current
    }

    /// Predictions: class labels (classifiers), values (regressors) or the nearest cluster (k-means).
    ///
    /// ```swift
    /// let predictions = try saved.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let prepared = try prepare(features)
        switch estimator {
        case let supervised as any SupervisedEstimator: return try supervised.predict(prepared)
        case let kMeans as KMeans: return try kMeans.predict(prepared)
        case let kMeans as MiniBatchKMeans: return try kMeans.predict(prepared)
        default:
            throw LearnError(.invalidInput, "\(type(of: estimator)) has no predict for new rows (as in scikit-learn); "
                             + "it only labels the rows it was fitted on")
        }
    }

    /// Class probabilities `[n, classes]` when the final estimator gives them.
    ///
    /// ```swift
    /// let probabilities = try saved.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        guard let classifier = estimator as? any ProbabilisticClassifier else {
            throw LearnError(.invalidInput, "\(type(of: estimator)) gives no class probabilities")
        }
        return try classifier.predictProbabilities(try prepare(features))
    }

    /// The rows projected by a final transformer (PCA, TruncatedSVD, a scaler).
    ///
    /// ```swift
    /// let projected = try saved.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let transformer = estimator as? any TransformerEstimator else {
            throw LearnError(.invalidInput, "\(type(of: estimator)) is not a transformer; use predict")
        }
        return try transformer.transform(try prepare(features))
    }
}
