import Flint

/// What the least-squares linear models share: centering, the fitted line and prediction.
struct LinearFit {
    var coefficients: [Double]
    var intercept: Double

    /// Centers `matrix` (in place) and `targets` when `fitIntercept`, returning the offsets.
    static func center(_ matrix: inout RowMatrix, _ targets: inout [Double], fitIntercept: Bool) -> (features: [Double], target: Double) {
        guard fitIntercept else { return ([Double](repeating: 0, count: matrix.columns), 0) }
        let means = matrix.columnMeans()
        matrix.subtractFromRows(means)
        let targetMean = targets.reduce(0, +) / Double(targets.count)
        for index in targets.indices { targets[index] -= targetMean }
        return (means, targetMean)
    }

    /// The fit for centered data: the intercept restores the offsets.
    init(coefficients: [Double], offsets: (features: [Double], target: Double)) {
        self.coefficients = coefficients
        intercept = offsets.target - zip(coefficients, offsets.features).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// `features · coefficients + intercept`, float64 `[n]`, through BLAS.
    func predict(_ features: Tensor) -> Tensor {
        let product = features.matmul(Tensor(coefficients, shape: [coefficients.count, 1])).reshaped([-1])
        return product + Tensor(intercept)
    }
}

/// Ordinary least squares (scikit-learn's `LinearRegression`): centers the data and solves the
/// least-squares problem by LAPACK's minimum-norm solver.
///
/// ```swift
/// let model = LinearRegression()
/// try model.fit(features, targets)
/// print(model.coefficients!, model.intercept!)
/// ```
public final class LinearRegression: RegressorEstimator {
    /// Whether to fit an intercept (scikit-learn `fit_intercept`, default true).
    public var fitIntercept: Bool
    /// One weight per feature (scikit-learn `coef_`).
    public var coefficients: [Double]? { fitted?.coefficients }
    /// The intercept, 0 without `fitIntercept` (scikit-learn `intercept_`).
    public var intercept: Double? { fitted?.intercept }
    private var fitted: LinearFit?

    /// A least-squares regressor.
    ///
    /// ```swift
    /// let model = LinearRegression(fitIntercept: false)
    /// ```
    public init(fitIntercept: Bool = true) {
        self.fitIntercept = fitIntercept
    }

    /// Fits the coefficients to float64 targets `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        var matrix = RowMatrix(try LearnValidation.features(features, estimator: "LinearRegression"))
        var values = try LearnTargets.values(targets, samples: matrix.rows, estimator: "LinearRegression")
        let offsets = LinearFit.center(&matrix, &values, fitIntercept: fitIntercept)
        let solution: Tensor
        do {
            solution = try LinearAlgebra.leastSquares(matrix.tensor, Tensor(values))
        } catch {
            throw LearnError(.notConverged, "LinearRegression: \(error)")
        }
        fitted = LinearFit(coefficients: solution.scalars(as: Double.self), offsets: offsets)
    }

    /// Predicted values, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let fitted else { throw LearnTargets.notFitted("LinearRegression") }
        return fitted.predict(try LearnValidation.features(features, estimator: "LinearRegression",
                                                           expectedFeatures: fitted.coefficients.count))
    }
}

/// Least squares with an L2 penalty `alpha · ‖w‖²` (scikit-learn's `Ridge`, its "cholesky" solver):
/// solves `(XᵀX + alpha·I) w = Xᵀy` on centered data.
///
/// ```swift
/// let model = Ridge(alpha: 0.5)
/// try model.fit(features, targets)
/// let r2 = try model.score(features, targets)
/// ```
public final class Ridge: RegressorEstimator {
    /// The penalty strength, >= 0 (scikit-learn `alpha`, default 1).
    public var alpha: Double
    /// Whether to fit an intercept (scikit-learn `fit_intercept`, default true).
    public var fitIntercept: Bool
    /// One weight per feature (scikit-learn `coef_`).
    public var coefficients: [Double]? { fitted?.coefficients }
    /// The intercept (scikit-learn `intercept_`).
    public var intercept: Double? { fitted?.intercept }
    private var fitted: LinearFit?

    /// A ridge regressor.
    ///
    /// ```swift
    /// let model = Ridge(alpha: 10)
    /// ```
    public init(alpha: Double = 1, fitIntercept: Bool = true) {
        self.alpha = alpha
        self.fitIntercept = fitIntercept
    }

    /// Fits the coefficients to float64 targets `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        guard alpha >= 0, alpha.isFinite else { throw LearnError(.invalidParameter, "Ridge: alpha must be finite and >= 0, got \(alpha)") }
        var matrix = RowMatrix(try LearnValidation.features(features, estimator: "Ridge"))
        var values = try LearnTargets.values(targets, samples: matrix.rows, estimator: "Ridge")
        let offsets = LinearFit.center(&matrix, &values, fitIntercept: fitIntercept)
        let x = matrix.tensor
        var gram = RowMatrix(x.transposed().matmul(x))
        for index in 0..<gram.columns { gram[index, index] += alpha }
        let right = x.transposed().matmul(Tensor(values, shape: [values.count, 1]))
        let solution: Tensor
        do {
            let factor = try LinearAlgebra.cholesky(gram.tensor)
            let half = try LinearAlgebra.solveTriangular(factor, right, upper: false)
            solution = try LinearAlgebra.solveTriangular(factor.transposed(), half, upper: true)
        } catch {
            // A singular Gram matrix (alpha 0 with collinear features): fall back to least squares.
            do {
                solution = try LinearAlgebra.leastSquares(gram.tensor, right)
            } catch {
                throw LearnError(.notConverged, "Ridge: \(error)")
            }
        }
        fitted = LinearFit(coefficients: solution.contiguous().scalars(as: Double.self), offsets: offsets)
    }

    /// Predicted values, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let fitted else { throw LearnTargets.notFitted("Ridge") }
        return fitted.predict(try LearnValidation.features(features, estimator: "Ridge", expectedFeatures: fitted.coefficients.count))
    }
}

extension Ridge: PersistableEstimator {
    /// The coefficients and intercept.
    ///
    /// ```swift
    /// let state = try ridge.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let fitted else { throw LearnTargets.notFitted("Ridge") }
        return fitted.state
    }

    /// Restores the coefficients and intercept.
    ///
    /// ```swift
    /// try Ridge().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        fitted = try LinearFit(state: state)
    }
}

extension LinearRegression: PersistableEstimator {
    /// The coefficients and intercept.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let fitted else { throw LearnTargets.notFitted("LinearRegression") }
        return fitted.state
    }

    /// Restores the coefficients and intercept.
    ///
    /// ```swift
    /// try LinearRegression().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        fitted = try LinearFit(state: state)
    }
}

extension LinearFit {
    /// The fit as saved values (`featureCount`, `coefficients`, `intercept`).
    var state: EstimatorState {
        var state = EstimatorState()
        state.set("featureCount", integer: coefficients.count)
        state.set("coefficients", doubles: coefficients)
        state.set("intercept", intercept)
        return state
    }

    /// A fit read back from saved values.
    init(state: EstimatorState) throws {
        let featureCount = try state.integer("featureCount")
        coefficients = try state.doubles("coefficients", count: featureCount)
        intercept = try state.double("intercept")
    }
}
