import Flint
import FlintTrain

/// A chain of transformers ending in a supervised estimator, fitted and applied as one estimator
/// (scikit-learn's `Pipeline`): `fit` fits each transformer on the output of the previous ones, then
/// the estimator; `predict` transforms and predicts.
///
/// ```swift
/// let model = Pipeline([StandardScaler()], LogisticRegression())
/// try model.fit(features, labels)
/// let accuracy = try model.score(testFeatures, testLabels)
/// ```
public final class Pipeline: SupervisedEstimator {
    /// The transformers, applied in order.
    public let transformers: [any TransformerEstimator]
    /// The final estimator.
    public let estimator: any SupervisedEstimator

    /// A pipeline of `transformers` then `estimator`.
    ///
    /// ```swift
    /// let model = Pipeline([SimpleImputer(), StandardScaler()], Ridge())
    /// ```
    public init(_ transformers: [any TransformerEstimator], _ estimator: any SupervisedEstimator) {
        self.transformers = transformers
        self.estimator = estimator
    }

    /// Fits each transformer in turn on the transformed rows, then the estimator.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        var current = features
        for transformer in transformers { current = try transformer.fitTransform(current) }
        try estimator.fit(current, targets)
    }

    /// The rows after every transformer (what the final estimator sees).
    ///
    /// ```swift
    /// let prepared = try model.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        var current = features
        for transformer in transformers { current = try transformer.transform(current) }
        return current
    }

    /// The estimator's predictions on the transformed rows.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        try estimator.predict(try transform(features))
    }

    /// Class probabilities when the final estimator is a ``ProbabilisticClassifier``.
    ///
    /// ```swift
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        guard let classifier = estimator as? any ProbabilisticClassifier else {
            throw LearnError(.invalidInput, "Pipeline: the final estimator \(type(of: estimator)) gives no probabilities")
        }
        return try classifier.predictProbabilities(try transform(features))
    }

    /// Accuracy when the final estimator is a classifier, R² otherwise (scikit-learn's `score`).
    ///
    /// ```swift
    /// let score = try model.score(features, targets)
    /// ```
    public func score(_ features: Tensor, _ targets: Tensor) throws -> Double {
        let predictions = try predict(features)
        if estimator is any ClassifierEstimator {
            return try Metrics.accuracy(predictions: predictions, targets: targets)
        }
        return try Metrics.r2Score(predictions: predictions, targets: targets)
    }
}
