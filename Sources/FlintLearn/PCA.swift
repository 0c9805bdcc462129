import Flint

/// Principal component analysis (scikit-learn's `PCA`): the data are centred and projected on the
/// directions of largest variance, found by the SVD of the centred matrix (or, for tall data, the
/// eigendecomposition of its covariance, as scikit-learn's `svd_solver="auto"` does).
///
/// Components follow scikit-learn's sign convention (`svd_flip` with `u_based_decision=False`): the
/// entry of largest magnitude in each component is positive.
///
/// ```swift
/// let pca = PCA(componentCount: .count(2))
/// let projected = try pca.fitTransform(features)          // [n, 2]
/// print(pca.explainedVarianceRatio)
/// ```
public final class PCA: TransformerEstimator {
    /// How many components to keep (scikit-learn's `n_components`).
    public enum ComponentCount: Sendable, Equatable {
        /// All `min(samples, features)` components (`n_components=None`).
        case all
        /// A fixed number of components.
        case count(Int)
        /// The fewest components whose explained variance ratio adds up to more than the fraction (0 < f < 1).
        case varianceFraction(Double)
    }

    /// How many components to keep (`n_components`); default `.all`.
    public var componentCount: ComponentCount
    /// Whether `transform` divides each projection by the square root of its explained variance (`whiten`).
    public var whiten: Bool

    /// The principal axes `[components, features]`, rows by decreasing explained variance (`components_`).
    public private(set) var components = Tensor.zeros([0, 0], dtype: .float64)
    /// The variance along each component, with n − 1 in the denominator (`explained_variance_`).
    public private(set) var explainedVariance: [Double] = []
    /// Each component's share of the total variance (`explained_variance_ratio_`).
    public private(set) var explainedVarianceRatio: [Double] = []
    /// The singular values of the centred data for the kept components (`singular_values_`).
    public private(set) var singularValues: [Double] = []
    /// The per-feature mean removed before projecting (`mean_`).
    public private(set) var mean: [Double] = []
    /// The mean variance of the discarded components, 0 when all are kept (`noise_variance_`).
    public private(set) var noiseVariance: Double = 0
    private var featureCount: Int?

    /// A PCA with scikit-learn's defaults (all components, no whitening).
    ///
    /// ```swift
    /// let pca = PCA(componentCount: .varianceFraction(0.95), whiten: true)
    /// ```
    public init(componentCount: ComponentCount = .all, whiten: Bool = false) {
        self.componentCount = componentCount
        self.whiten = whiten
    }

    /// Learns the mean and the principal axes of `features` `[n, f]`.
    ///
    /// ```swift
    /// try pca.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "PCA")
        let rows = matrix.shape[0], columns = matrix.shape[1], rank = Swift.min(rows, columns)
        switch componentCount {
        case .all: break
        case .count(let count) where count >= 1 && count <= rank: break
        case .varianceFraction(let fraction) where fraction > 0 && fraction < 1: break
        default:
            throw LearnError(.invalidParameter, "PCA: componentCount \(componentCount) is invalid for \(rows) samples and "
                             + "\(columns) features; use .count(1...\(rank)) or .varianceFraction in (0, 1)")
        }
        guard rows >= 2 else { throw LearnError(.invalidInput, "PCA: needs at least 2 samples, got \(rows)") }
        var centredRows = RowMatrix(matrix)
        mean = centredRows.columnMeans()
        centredRows.subtractFromRows(mean)
        let centred = centredRows.tensor

        // Variances of all `rank` directions and the axes `[rank, columns]`, by decreasing variance.
        var variances: [Double], axes: [Double]
        if rows >= 10 * columns && columns <= 1000 {
            // Covariance eigendecomposition: one small [f, f] problem instead of an SVD of [n, f].
            let covariance = centred.transposed().matmul(centred) / Double(rows - 1)
            let (eigenvalues, eigenvectors) = try withoutGradients { try LinearAlgebra.eigh(covariance) }
            let ascending = eigenvalues.scalars(as: Double.self), vectors = eigenvectors.contiguous().scalars(as: Double.self)
            variances = ascending.reversed().map { Swift.max($0, 0) }
            axes = [Double](repeating: 0, count: columns * columns)
            for component in 0..<columns {
                let source = columns - 1 - component
                for feature in 0..<columns { axes[component * columns + feature] = vectors[feature * columns + source] }
            }
        } else {
            let (_, singular, vt) = try withoutGradients { try LinearAlgebra.svd(centred) }
            variances = singular.scalars(as: Double.self).map { $0 * $0 / Double(rows - 1) }
            axes = vt.contiguous().scalars(as: Double.self)
        }
        Self.flipSigns(&axes, rows: variances.count, columns: columns)

        let total = variances.reduce(0, +)
        let ratios = variances.map { total > 0 ? $0 / total : 0 }
        let kept: Int
        switch componentCount {
        case .all: kept = rank
        case .count(let count): kept = count
        case .varianceFraction(let fraction):
            var cumulative = 0.0, index = 0
            while index < rank - 1 { cumulative += ratios[index]; if cumulative > fraction { break }; index += 1 }
            kept = index + 1
        }
        explainedVariance = Array(variances.prefix(kept))
        explainedVarianceRatio = Array(ratios.prefix(kept))
        singularValues = explainedVariance.map { ($0 * Double(rows - 1)).squareRoot() }
        components = Tensor(Array(axes.prefix(kept * columns)), shape: [kept, columns])
        noiseVariance = kept < rank ? variances[kept..<rank].reduce(0, +) / Double(rank - kept) : 0
        featureCount = columns
    }

    /// Projects `features` on the components: `(x − mean) · componentsᵀ`, divided by √variance when whitening.
    ///
    /// ```swift
    /// let projected = try pca.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let featureCount else { throw LearnError(.notFitted, "PCA: not fitted; call fit(_:) first") }
        let matrix = try LearnValidation.features(features, estimator: "PCA", expectedFeatures: featureCount)
        var projected = (matrix - Tensor(mean, shape: [1, featureCount])).matmul(components.transposed())
        if whiten {
            let scales = explainedVariance.map { 1 / Swift.max($0, Double.leastNormalMagnitude).squareRoot() }
            projected = projected * Tensor(scales, shape: [1, scales.count])
        }
        return projected.contiguous()
    }

    /// Maps projections back to feature space: `z · components + mean` (undoing whitening first).
    ///
    /// ```swift
    /// let reconstructed = try pca.inverseTransform(pca.transform(features))
    /// ```
    public func inverseTransform(_ projected: Tensor) throws -> Tensor {
        guard let featureCount else { throw LearnError(.notFitted, "PCA: not fitted; call fit(_:) first") }
        let matrix = try LearnValidation.features(projected, estimator: "PCA", expectedFeatures: explainedVariance.count)
        var scaled = matrix
        if whiten { scaled = matrix * Tensor(explainedVariance.map { $0.squareRoot() }, shape: [1, explainedVariance.count]) }
        return (scaled.matmul(components) + Tensor(mean, shape: [1, featureCount])).contiguous()
    }

    /// scikit-learn's `svd_flip(u_based_decision=False)`: each row's entry of largest magnitude becomes positive.
    static func flipSigns(_ axes: inout [Double], rows: Int, columns: Int) {
        for row in 0..<rows {
            var largest = 0
            for column in 1..<Swift.max(columns, 1) where Swift.abs(axes[row * columns + column]) > Swift.abs(axes[row * columns + largest]) {
                largest = column
            }
            if axes[row * columns + largest] < 0 { for column in 0..<columns { axes[row * columns + column].negate() } }
        }
    }
}

extension PCA: PersistableEstimator {
    /// The mean, components, explained variances, singular values and noise variance.
    ///
    /// ```swift
    /// let state = try pca.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let featureCount else { throw LearnError(.notFitted, "PCA: not fitted; call fit(_:) first") }
        var state = EstimatorState()
        state.set("featureCount", integer: featureCount)
        state.set("mean", doubles: mean)
        state.set("components", components)
        state.set("explainedVariance", doubles: explainedVariance)
        state.set("explainedVarianceRatio", doubles: explainedVarianceRatio)
        state.set("singularValues", doubles: singularValues)
        state.set("noiseVariance", noiseVariance)
        return state
    }

    /// Restores the fitted projection.
    ///
    /// ```swift
    /// try PCA().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let components = try state.matrix("components", columns: featureCount)
        let kept = components.shape[0]
        guard kept >= 1 else { throw state.damaged("components", "holds no components") }
        let mean = try state.doubles("mean", count: featureCount)
        let variance = try state.doubles("explainedVariance", count: kept), ratio = try state.doubles("explainedVarianceRatio", count: kept)
        let singular = try state.doubles("singularValues", count: kept), noise = try state.double("noiseVariance")
        self.mean = mean
        self.components = components
        explainedVariance = variance
        explainedVarianceRatio = ratio
        singularValues = singular
        noiseVariance = noise
        self.featureCount = featureCount
    }
}
