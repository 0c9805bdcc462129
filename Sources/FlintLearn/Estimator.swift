import Flint
import FlintTrain

/// A supervised estimator with scikit-learn's shape: hyperparameters set as properties, `fit` on a
/// float64 feature matrix `[n, features]` and its targets, then `predict`.
///
/// ```swift
/// let model = LinearRegression()
/// try model.fit(features, targets)
/// let predictions = try model.predict(features)
/// ```
public protocol SupervisedEstimator: AnyObject {
    /// Fits the estimator; features are float64 `[n, f]`, targets int64 `[n]` (class labels) or
    /// float64 `[n]` (regression).
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    func fit(_ features: Tensor, _ targets: Tensor) throws

    /// Predictions for `features` (int64 labels for a classifier, float64 values for a regressor).
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    func predict(_ features: Tensor) throws -> Tensor
}

/// A classifier: predictions are class labels, and scores come as probabilities or a decision function.
///
/// ```swift
/// let model = LogisticRegression()
/// try model.fit(features, labels)
/// print(try model.score(features, labels))   // accuracy
/// ```
public protocol ClassifierEstimator: SupervisedEstimator {
    /// The class labels seen in fitting, ascending.
    ///
    /// ```swift
    /// print(model.classes)   // [0, 1, 2]
    /// ```
    var classes: [Int] { get }
}

/// A classifier that gives class probabilities, `[n, classes]` float64 (columns in `classes` order).
///
/// ```swift
/// let probabilities = try model.predictProbabilities(features)
/// ```
public protocol ProbabilisticClassifier: ClassifierEstimator {
    /// Class probabilities, rows summing to 1.
    ///
    /// ```swift
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    func predictProbabilities(_ features: Tensor) throws -> Tensor
}

/// A regressor: predictions are float64 values.
///
/// ```swift
/// let model = Ridge(alpha: 1)
/// try model.fit(features, targets)
/// print(try model.score(features, targets))   // R²
/// ```
public protocol RegressorEstimator: SupervisedEstimator {}

/// A transformer learned from data (scalers, encoders, PCA): `fit`, then `transform`.
///
/// ```swift
/// let scaler = StandardScaler()
/// let scaled = try scaler.fitTransform(features)
/// ```
public protocol TransformerEstimator: AnyObject {
    /// Learns the transformation from `features`.
    ///
    /// ```swift
    /// try scaler.fit(features)
    /// ```
    func fit(_ features: Tensor) throws

    /// Applies the learned transformation.
    ///
    /// ```swift
    /// let scaled = try scaler.transform(features)
    /// ```
    func transform(_ features: Tensor) throws -> Tensor
}

extension TransformerEstimator {
    /// `fit` then `transform` on the same rows.
    ///
    /// ```swift
    /// let scaled = try StandardScaler().fitTransform(features)
    /// ```
    public func fitTransform(_ features: Tensor) throws -> Tensor {
        try fit(features)
        return try transform(features)
    }
}

extension ClassifierEstimator {
    /// Accuracy of `predict(features)` against `labels` (scikit-learn's `score` for classifiers).
    ///
    /// ```swift
    /// let accuracy = try model.score(features, labels)
    /// ```
    public func score(_ features: Tensor, _ labels: Tensor) throws -> Double {
        try Metrics.accuracy(predictions: try predict(features), targets: labels)
    }
}

extension RegressorEstimator {
    /// R² of `predict(features)` against `targets` (scikit-learn's `score` for regressors).
    ///
    /// ```swift
    /// let r2 = try model.score(features, targets)
    /// ```
    public func score(_ features: Tensor, _ targets: Tensor) throws -> Double {
        try Metrics.r2Score(predictions: try predict(features), targets: targets)
    }
}
