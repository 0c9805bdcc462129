import Flint

/// Dimensionality reduction by a truncated SVD of the data, without centring (scikit-learn's
/// `TruncatedSVD`, "latent semantic analysis" on term counts). Components follow scikit-learn's sign
/// convention: the entry of largest magnitude in each is positive.
///
/// ```swift
/// let svd = TruncatedSVD(componentCount: 10, randomState: 0)
/// let reduced = try svd.fitTransform(features)      // [n, 10]
/// print(svd.explainedVarianceRatio)
/// ```
public final class TruncatedSVD: TransformerEstimator {
    /// How the SVD is computed (`algorithm`).
    public enum Algorithm: Sendable, Equatable {
        /// Halko et al.'s randomized SVD with `iterationCount` QR-normalised power iterations (the default).
        case randomized
        /// The full SVD (LAPACK gesdd), truncated: exact, slower on large data (scikit-learn's "arpack" role).
        case exact
    }

    /// The number of components (`n_components`); default 2.
    public var componentCount: Int
    /// How the SVD is computed (`algorithm`); default `.randomized`.
    public var algorithm: Algorithm
    /// Power iterations of the randomized SVD (`n_iter`); default 5.
    public var iterationCount: Int
    /// Extra random directions of the randomized SVD (`n_oversamples`); default 10.
    public var oversampleCount: Int
    /// The seed of the random projection (`random_state`); default 0.
    public var randomState: UInt64

    /// The right singular vectors `[componentCount, features]` (`components_`).
    public private(set) var components = Tensor.zeros([0, 0], dtype: .float64)
    /// The variance of each projected column (`explained_variance_`).
    public private(set) var explainedVariance: [Double] = []
    /// Each component's share of the total feature variance (`explained_variance_ratio_`).
    public private(set) var explainedVarianceRatio: [Double] = []
    /// The singular values (`singular_values_`).
    public private(set) var singularValues: [Double] = []
    private var featureCount: Int?

    /// A truncated SVD with scikit-learn's defaults.
    ///
    /// ```swift
    /// let svd = TruncatedSVD(componentCount: 5, algorithm: .exact)
    /// ```
    public init(componentCount: Int = 2, algorithm: Algorithm = .randomized, iterationCount: Int = 5, oversampleCount: Int = 10,
                randomState: UInt64 = 0) {
        self.componentCount = componentCount
        self.algorithm = algorithm
        self.iterationCount = iterationCount
        self.oversampleCount = oversampleCount
        self.randomState = randomState
    }

    /// Learns the components of `features` `[n, f]`.
    ///
    /// ```swift
    /// try svd.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "TruncatedSVD")
        let rows = matrix.shape[0], columns = matrix.shape[1], k = componentCount
        guard k >= 1 && k <= Swift.min(rows, columns) else {
            throw LearnError(.invalidParameter, "TruncatedSVD: componentCount must be in 1...\(Swift.min(rows, columns)), got \(k)")
        }
        guard iterationCount >= 0, oversampleCount >= 0 else {
            throw LearnError(.invalidParameter, "TruncatedSVD: iterationCount and oversampleCount must be >= 0")
        }
        var vt: [Double], singular: [Double]
        switch algorithm {
        case .exact:
            let (_, s, v) = try LinearAlgebra.svd(matrix)
            singular = Array(s.scalars(as: Double.self).prefix(k))
            vt = Array(v.contiguous().scalars(as: Double.self).prefix(k * columns))
        case .randomized:
            let width = Swift.min(k + oversampleCount, Swift.min(rows, columns))
            let gaussian = Tensor(SeededUniform(seed: randomState).normal(columns * width), shape: [columns, width])
            var basis = try LinearAlgebra.qr(matrix.matmul(gaussian)).q
            for _ in 0..<iterationCount {
                let back = try LinearAlgebra.qr(matrix.transposed().matmul(basis)).q
                basis = try LinearAlgebra.qr(matrix.matmul(back)).q
            }
            let (_, s, v) = try LinearAlgebra.svd(basis.transposed().matmul(matrix))
            singular = Array(s.scalars(as: Double.self).prefix(k))
            vt = Array(v.contiguous().scalars(as: Double.self).prefix(k * columns))
        }
        PCA.flipSigns(&vt, rows: k, columns: columns)
        components = Tensor(vt, shape: [k, columns])
        singularValues = singular
        featureCount = columns

        explainedVariance = RowMatrix(matrix.matmul(components.transposed())).columnVariances()
        let total = RowMatrix(matrix).columnVariances().reduce(0, +)
        explainedVarianceRatio = explainedVariance.map { total > 0 ? $0 / total : 0 }
    }

    /// Projects `features` on the components: `x · componentsᵀ`.
    ///
    /// ```swift
    /// let reduced = try svd.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let featureCount else { throw LearnError(.notFitted, "TruncatedSVD: not fitted; call fit(_:) first") }
        let matrix = try LearnValidation.features(features, estimator: "TruncatedSVD", expectedFeatures: featureCount)
        return matrix.matmul(components.transposed()).contiguous()
    }

    /// Maps projections back to feature space: `z · components`.
    ///
    /// ```swift
    /// let approximation = try svd.inverseTransform(reduced)
    /// ```
    public func inverseTransform(_ projected: Tensor) throws -> Tensor {
        guard featureCount != nil else { throw LearnError(.notFitted, "TruncatedSVD: not fitted; call fit(_:) first") }
        let matrix = try LearnValidation.features(projected, estimator: "TruncatedSVD", expectedFeatures: components.shape[0])
        return matrix.matmul(components).contiguous()
    }

    /// The population variance (n in the denominator), as numpy's `var`.
}

extension TruncatedSVD: PersistableEstimator {
    /// The components, explained variances and singular values.
    ///
    /// ```swift
    /// let state = try svd.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let featureCount else { throw LearnError(.notFitted, "TruncatedSVD: not fitted; call fit(_:) first") }
        var state = EstimatorState()
        state.set("featureCount", integer: featureCount)
        state.set("components", components)
        state.set("explainedVariance", doubles: explainedVariance)
        state.set("explainedVarianceRatio", doubles: explainedVarianceRatio)
        state.set("singularValues", doubles: singularValues)
        return state
    }

    /// Restores the fitted projection.
    ///
    /// ```swift
    /// try TruncatedSVD().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let components = try state.matrix("components", columns: featureCount)
        let kept = components.shape[0]
        guard kept >= 1 else { throw state.damaged("components", "holds no components") }
        let variance = try state.doubles("explainedVariance", count: kept), ratio = try state.doubles("explainedVarianceRatio", count: kept)
        let singular = try state.doubles("singularValues", count: kept)
        self.components = components
        explainedVariance = variance
        explainedVarianceRatio = ratio
        singularValues = singular
        self.featureCount = featureCount
    }
}
