import Flint

/// An estimator whose fitted values can be saved and restored (``EstimatorFile`` writes them to
/// safetensors; its hyperparameters go to JSON through ``EstimatorCatalog``).
///
/// ```swift
/// let state = try ridge.fittedState()          // coefficients, intercept, ...
/// let copy = Ridge()
/// try copy.restoreFittedState(state)           // predicts exactly as `ridge`
/// ```
public protocol PersistableEstimator: AnyObject {
    /// The learned values as named tensors; throws ``LearnError`` `.notFitted` before `fit`.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    func fittedState() throws -> EstimatorState

    /// Makes this estimator the fitted one `state` describes (its hyperparameters are set apart);
    /// a missing or malformed value throws, naming it.
    ///
    /// ```swift
    /// try model.restoreFittedState(state)
    /// ```
    func restoreFittedState(_ state: EstimatorState) throws
}

/// A clustering estimator: `fit` on rows without labels, then `labels` holds each row's cluster.
///
/// ```swift
/// let model: any ClusteringEstimator = KMeans(clusterCount: 3)
/// try model.fit(features)
/// print(model.labels)
/// ```
public protocol ClusteringEstimator: AnyObject {
    /// Groups the rows of `features` `[n, f]`.
    ///
    /// ```swift
    /// try model.fit(features)
    /// ```
    func fit(_ features: Tensor) throws

    /// The cluster of each fitted row (int64 `[n]`; -1 marks noise where the method has it).
    ///
    /// ```swift
    /// let clusters = model.labels
    /// ```
    var labels: Tensor { get }
}

extension KMeans: ClusteringEstimator {}
extension MiniBatchKMeans: ClusteringEstimator {}
extension DBSCAN: ClusteringEstimator {}

/// A decomposition: a transformer that reports how much of the variance its components keep.
///
/// ```swift
/// let model: any DecompositionEstimator = PCA(componentCount: .count(10))
/// try model.fit(features)
/// print(model.explainedVarianceRatio.reduce(0, +))
/// ```
public protocol DecompositionEstimator: TransformerEstimator {
    /// Each component's share of the variance.
    ///
    /// ```swift
    /// print(model.explainedVarianceRatio)
    /// ```
    var explainedVarianceRatio: [Double] { get }
}

extension PCA: DecompositionEstimator {}
extension TruncatedSVD: DecompositionEstimator {}
