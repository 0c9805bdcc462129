import Flint

/// Fills missing values (NaN) column by column with a statistic learned in fitting (scikit-learn's
/// `SimpleImputer` with `missing_values=np.nan`). As in scikit-learn, with `mean` or `median` a
/// column that is entirely missing in fitting is dropped by `transform` (`keep_empty_features=False`).
///
/// ```swift
/// let imputer = SimpleImputer(strategy: .median)
/// let filled = try imputer.fitTransform(Tensor([[1.0, .nan], [3.0, 4.0]]))   // [[1, 4], [3, 4]]
/// ```
public final class SimpleImputer: TransformerEstimator {
    /// How the fill value of a column is chosen.
    public enum Strategy: Sendable, Equatable {
        /// The mean of the column's present values (scikit-learn's default).
        case mean
        /// The median of the column's present values.
        case median
        /// The most frequent present value (the smallest on ties).
        case mostFrequent
        /// A fixed value.
        case constant(Double)
    }

    /// The strategy (scikit-learn `strategy` with `fill_value`, default `.mean`).
    public var strategy: Strategy
    /// Per-feature fill values; NaN for a column entirely missing under mean/median/mostFrequent
    /// (scikit-learn `statistics_`).
    public private(set) var statistics: [Double]?

    /// An imputer with `strategy`.
    ///
    /// ```swift
    /// let imputer = SimpleImputer(strategy: .constant(0))
    /// ```
    public init(strategy: Strategy = .mean) {
        self.strategy = strategy
    }

    /// Checks a `[n, f]` matrix that may hold NaN (but no infinities).
    private func validated(_ features: Tensor, expectedFeatures: Int? = nil) throws -> RowMatrix {
        guard features.rank == 2 else {
            throw LearnError(.invalidInput, "SimpleImputer: features must be a matrix [samples, features], got shape \(features.shape)")
        }
        guard features.shape[0] > 0 else { throw LearnError(.invalidInput, "SimpleImputer: no samples (0 rows)") }
        if let expectedFeatures, features.shape[1] != expectedFeatures {
            throw LearnError(.featureCountMismatch, "SimpleImputer: fitted on \(expectedFeatures) features, got \(features.shape[1])")
        }
        let matrix = RowMatrix(features)
        if let index = matrix.values.firstIndex(where: { $0.isInfinite }) {
            throw LearnError(.nonFiniteInput, "SimpleImputer: \(matrix.values[index]) at row \(index / matrix.columns), "
                             + "column \(index % matrix.columns); only NaN counts as missing")
        }
        return matrix
    }

    /// Learns each column's fill value from its present (non-NaN) values.
    ///
    /// ```swift
    /// try imputer.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = try validated(features)
        statistics = (0..<matrix.columns).map { column in
            let present = matrix.column(column).filter { !$0.isNaN }
            switch strategy {
            case .constant(let value): return value
            case _ where present.isEmpty: return .nan
            case .mean: return present.reduce(0, +) / Double(present.count)
            case .median: return percentile(sorted: present.sorted(), 50)
            case .mostFrequent:
                var counts: [Double: Int] = [:]
                for value in present { counts[value, default: 0] += 1 }
                let best = counts.values.max()!
                return counts.filter { $0.value == best }.keys.min()!
            }
        }
    }

    /// Replaces NaN entries by the fitted values (dropping columns with no fill value).
    ///
    /// ```swift
    /// let filled = try imputer.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let statistics else { throw LearnTargets.notFitted("SimpleImputer", fit: "fit(_:)") }
        let matrix = try validated(features, expectedFeatures: statistics.count)
        let kept = statistics.indices.filter { !statistics[$0].isNaN }
        var result = RowMatrix(rows: matrix.rows, columns: kept.count)
        for row in 0..<matrix.rows {
            for (position, column) in kept.enumerated() {
                let value = matrix[row, column]
                result[row, position] = value.isNaN ? statistics[column] : value
            }
        }
        return result.tensor
    }
}

extension SimpleImputer: PersistableEstimator {
    /// The per-feature fill values (NaN for a column dropped by `transform`).
    ///
    /// ```swift
    /// let state = try imputer.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let statistics else { throw LearnTargets.notFitted("SimpleImputer", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: statistics.count)
        state.set("statistics", doubles: statistics)
        return state
    }

    /// Restores the fill values.
    ///
    /// ```swift
    /// try SimpleImputer().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        statistics = try state.doubles("statistics", count: featureCount)
    }
}
