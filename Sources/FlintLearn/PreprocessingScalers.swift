import Flint

/// A per-feature scale with zeros (constant features) replaced by 1, as scikit-learn's `_handle_zeros_in_scale`.
func safeScale(_ scale: [Double]) -> [Double] {
    scale.map { $0 < 10 * Double.ulpOfOne ? 1 : $0 }
}

/// Applies `(x - offset) / scale` column by column (offset 0 or scale 1 when nil).
func affineColumns(_ matrix: RowMatrix, subtract offset: [Double]?, divide scale: [Double]?) -> Tensor {
    var result = matrix
    let columns = matrix.columns
    let offset = offset ?? [Double](repeating: 0, count: columns), scale = scale ?? [Double](repeating: 1, count: columns)
    let inverse = scale.map { 1 / $0 }
    result.values.withUnsafeMutableBufferPointer { target in
        for row in 0..<matrix.rows {
            for column in 0..<columns {
                target[row * columns + column] = (target[row * columns + column] - offset[column]) * inverse[column]
            }
        }
    }
    return result.tensor
}

/// Standardizes features to zero mean and unit variance (scikit-learn's `StandardScaler`; population
/// variance, constant features left unscaled).
///
/// ```swift
/// let scaler = StandardScaler()
/// let scaled = try scaler.fitTransform(features)
/// let restored = try scaler.inverseTransform(scaled)
/// ```
public final class StandardScaler: TransformerEstimator {
    /// Whether to subtract the mean (scikit-learn `with_mean`, default true).
    public var withMean: Bool
    /// Whether to divide by the standard deviation (scikit-learn `with_std`, default true).
    public var withStd: Bool
    /// Per-feature means seen in fitting (scikit-learn `mean_`).
    public private(set) var mean: [Double]?
    /// Per-feature population variances (scikit-learn `var_`).
    public private(set) var variance: [Double]?
    /// Per-feature divisors: standard deviations, 1 for constant features (scikit-learn `scale_`).
    public private(set) var scale: [Double]?

    /// A scaler with scikit-learn's defaults.
    ///
    /// ```swift
    /// let centerOnly = StandardScaler(withStd: false)
    /// ```
    public init(withMean: Bool = true, withStd: Bool = true) {
        self.withMean = withMean
        self.withStd = withStd
    }

    /// Learns each feature's mean and standard deviation.
    ///
    /// ```swift
    /// try scaler.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "StandardScaler"))
        let means = matrix.columnMeans()
        let variances = matrix.columnVariances()
        mean = means
        variance = variances
        scale = safeScale(variances.map { $0.squareRoot() })
    }

    /// Standardizes `features` with the fitted statistics.
    ///
    /// ```swift
    /// let scaled = try scaler.transform(testFeatures)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let mean, let scale else { throw LearnTargets.notFitted("StandardScaler", fit: "fit(_:)") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "StandardScaler", expectedFeatures: mean.count))
        return affineColumns(matrix, subtract: withMean ? mean : nil, divide: withStd ? scale : nil)
    }

    /// Maps standardized rows back to the original units.
    ///
    /// ```swift
    /// let original = try scaler.inverseTransform(scaled)
    /// ```
    public func inverseTransform(_ features: Tensor) throws -> Tensor {
        guard let mean, let scale else { throw LearnTargets.notFitted("StandardScaler", fit: "fit(_:)") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "StandardScaler", expectedFeatures: mean.count))
        let offset = withMean ? mean.map { -$0 } : nil
        let divisor = withStd ? scale.map { 1 / $0 } : nil
        if let divisor {
            let scaled = RowMatrix(affineColumns(matrix, subtract: nil, divide: divisor))
            return affineColumns(scaled, subtract: offset, divide: nil)
        }
        return affineColumns(matrix, subtract: offset, divide: nil)
    }
}

/// Scales each feature to `featureRange` by its minimum and maximum in fitting (scikit-learn's `MinMaxScaler`).
///
/// ```swift
/// let scaler = MinMaxScaler(featureRange: (-1, 1))
/// let scaled = try scaler.fitTransform(features)
/// ```
public final class MinMaxScaler: TransformerEstimator {
    /// The target range (scikit-learn `feature_range`, default (0, 1)).
    public var featureRange: (lower: Double, upper: Double)
    /// Per-feature minimums seen in fitting (scikit-learn `data_min_`).
    public private(set) var dataMin: [Double]?
    /// Per-feature maximums seen in fitting (scikit-learn `data_max_`).
    public private(set) var dataMax: [Double]?
    /// Per-feature factors (scikit-learn `scale_`): `transform(x) = x · scale + min`.
    public private(set) var scale: [Double]?
    /// Per-feature offsets (scikit-learn `min_`).
    public private(set) var min: [Double]?

    /// A scaler to `featureRange`.
    ///
    /// ```swift
    /// let scaler = MinMaxScaler()
    /// ```
    public init(featureRange: (lower: Double, upper: Double) = (0, 1)) {
        self.featureRange = featureRange
    }

    /// Learns each feature's minimum and maximum.
    ///
    /// ```swift
    /// try scaler.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        guard featureRange.lower < featureRange.upper else {
            throw LearnError(.invalidParameter, "MinMaxScaler: featureRange must have lower < upper, got \(featureRange)")
        }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "MinMaxScaler"))
        var lows = [Double](repeating: .infinity, count: matrix.columns), highs = [Double](repeating: -.infinity, count: matrix.columns)
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                let value = matrix[row, column]
                lows[column] = Swift.min(lows[column], value)
                highs[column] = Swift.max(highs[column], value)
            }
        }
        let factors = safeScale(zip(lows, highs).map { $1 - $0 }).map { (featureRange.upper - featureRange.lower) / $0 }
        dataMin = lows
        dataMax = highs
        scale = factors
        min = zip(lows, factors).map { featureRange.lower - $0 * $1 }
    }

    /// Scales `features` into the range.
    ///
    /// ```swift
    /// let scaled = try scaler.transform(testFeatures)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let scale, let min else { throw LearnTargets.notFitted("MinMaxScaler", fit: "fit(_:)") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "MinMaxScaler", expectedFeatures: scale.count))
        let scaled = RowMatrix(affineColumns(matrix, subtract: nil, divide: scale.map { 1 / $0 }))
        return affineColumns(scaled, subtract: min.map { -$0 }, divide: nil)
    }

    /// Maps scaled rows back to the original units.
    ///
    /// ```swift
    /// let original = try scaler.inverseTransform(scaled)
    /// ```
    public func inverseTransform(_ features: Tensor) throws -> Tensor {
        guard let scale, let min else { throw LearnTargets.notFitted("MinMaxScaler", fit: "fit(_:)") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "MinMaxScaler", expectedFeatures: scale.count))
        return affineColumns(matrix, subtract: min, divide: scale)
    }
}

/// The `q`-th percentile (0...100) of sorted values with linear interpolation (numpy's default).
func percentile(sorted values: [Double], _ q: Double) -> Double {
    let position = q / 100 * Double(values.count - 1)
    let lower = Int(position.rounded(.down)), upper = Swift.min(lower + 1, values.count - 1)
    let fraction = position - Double(lower)
    return values[lower] + (values[upper] - values[lower]) * fraction
}

/// Scales features by statistics robust to outliers: subtracts the median and divides by the
/// interquartile range (scikit-learn's `RobustScaler`).
///
/// ```swift
/// let scaled = try RobustScaler().fitTransform(features)
/// ```
public final class RobustScaler: TransformerEstimator {
    /// Whether to subtract the median (scikit-learn `with_centering`, default true).
    public var withCentering: Bool
    /// Whether to divide by the quantile range (scikit-learn `with_scaling`, default true).
    public var withScaling: Bool
    /// The percentiles bounding the range (scikit-learn `quantile_range`, default (25, 75)).
    public var quantileRange: (lower: Double, upper: Double)
    /// Per-feature medians (scikit-learn `center_`).
    public private(set) var center: [Double]?
    /// Per-feature quantile ranges, 1 for constant features (scikit-learn `scale_`).
    public private(set) var scale: [Double]?

    /// A robust scaler with scikit-learn's defaults.
    ///
    /// ```swift
    /// let scaler = RobustScaler(quantileRange: (10, 90))
    /// ```
    public init(withCentering: Bool = true, withScaling: Bool = true, quantileRange: (lower: Double, upper: Double) = (25, 75)) {
        self.withCentering = withCentering
        self.withScaling = withScaling
        self.quantileRange = quantileRange
    }

    /// Learns each feature's median and quantile range.
    ///
    /// ```swift
    /// try scaler.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        guard 0 <= quantileRange.lower, quantileRange.lower <= quantileRange.upper, quantileRange.upper <= 100 else {
            throw LearnError(.invalidParameter, "RobustScaler: quantileRange must satisfy 0 <= lower <= upper <= 100, got \(quantileRange)")
        }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "RobustScaler"))
        var medians: [Double] = [], ranges: [Double] = []
        for column in 0..<matrix.columns {
            let sorted = matrix.column(column).sorted()
            medians.append(percentile(sorted: sorted, 50))
            ranges.append(percentile(sorted: sorted, quantileRange.upper) - percentile(sorted: sorted, quantileRange.lower))
        }
        center = medians
        scale = safeScale(ranges)
    }

    /// Centers and scales `features`.
    ///
    /// ```swift
    /// let scaled = try scaler.transform(testFeatures)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let center, let scale else { throw LearnTargets.notFitted("RobustScaler", fit: "fit(_:)") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "RobustScaler", expectedFeatures: center.count))
        return affineColumns(matrix, subtract: withCentering ? center : nil, divide: withScaling ? scale : nil)
    }
}

extension StandardScaler: PersistableEstimator {
    /// The per-feature means, variances and scales.
    ///
    /// ```swift
    /// let state = try scaler.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let mean, let variance, let scale else { throw LearnTargets.notFitted("StandardScaler", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: mean.count)
        state.set("mean", doubles: mean)
        state.set("variance", doubles: variance)
        state.set("scale", doubles: scale)
        return state
    }

    /// Restores the per-feature statistics.
    ///
    /// ```swift
    /// try StandardScaler().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.integer("featureCount")
        mean = try state.doubles("mean", count: featureCount)
        variance = try state.doubles("variance", count: featureCount)
        scale = try state.doubles("scale", count: featureCount)
    }
}

extension MinMaxScaler: PersistableEstimator {
    /// The per-feature minimums, maximums, factors and offsets.
    ///
    /// ```swift
    /// let state = try scaler.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let dataMin, let dataMax, let scale, let min else { throw LearnTargets.notFitted("MinMaxScaler", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: scale.count)
        state.set("dataMin", doubles: dataMin)
        state.set("dataMax", doubles: dataMax)
        state.set("scale", doubles: scale)
        state.set("min", doubles: min)
        return state
    }

    /// Restores the per-feature statistics.
    ///
    /// ```swift
    /// try MinMaxScaler().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let lows = try state.doubles("dataMin", count: featureCount), highs = try state.doubles("dataMax", count: featureCount)
        let factors = try state.doubles("scale", count: featureCount), offsets = try state.doubles("min", count: featureCount)
        dataMin = lows
        dataMax = highs
        scale = factors
        min = offsets
    }
}

extension RobustScaler: PersistableEstimator {
    /// The per-feature medians and quantile ranges.
    ///
    /// ```swift
    /// let state = try scaler.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let center, let scale else { throw LearnTargets.notFitted("RobustScaler", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: center.count)
        state.set("center", doubles: center)
        state.set("scale", doubles: scale)
        return state
    }

    /// Restores the per-feature statistics.
    ///
    /// ```swift
    /// try RobustScaler().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let medians = try state.doubles("center", count: featureCount), ranges = try state.doubles("scale", count: featureCount)
        center = medians
        scale = ranges
    }
}
