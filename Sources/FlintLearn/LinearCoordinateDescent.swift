import Flint

/// Cyclic coordinate descent for the elastic net, as scikit-learn's `enet_coordinate_descent`:
/// minimizes `‖y − Xw‖² / (2n) + alpha·l1Ratio·‖w‖₁ + alpha·(1 − l1Ratio)·‖w‖² / 2`, stopping when the
/// duality gap falls below `tol · ‖y‖²` (checked when the largest coordinate update is small).
struct CoordinateDescent {
    let alpha: Double
    let l1Ratio: Double
    let maxIter: Int
    let tol: Double

    /// The weights for centered `matrix` and `targets`, the iterations run and whether the gap test passed.
    func solve(_ matrix: RowMatrix, _ targets: [Double]) -> (weights: [Double], iterations: Int, converged: Bool) {
        let samples = matrix.rows, featureCount = matrix.columns
        let columns = matrix.transposed.values   // column j at j * samples
        let l1 = alpha * l1Ratio * Double(samples), l2 = alpha * (1 - l1Ratio) * Double(samples)
        var weights = [Double](repeating: 0, count: featureCount)
        var residual = targets
        let targetNorm = targets.reduce(0) { $0 + $1 * $1 }
        let gapTolerance = tol * targetNorm
        var norms = [Double](repeating: 0, count: featureCount)
        columns.withUnsafeBufferPointer { x in
            for feature in 0..<featureCount {
                for sample in 0..<samples { norms[feature] += x[feature * samples + sample] * x[feature * samples + sample] }
            }
        }
        var iterations = 0, converged = false
        columns.withUnsafeBufferPointer { x in
            residual.withUnsafeMutableBufferPointer { r in
                for iteration in 0..<maxIter {
                    iterations = iteration + 1
                    var largestWeight = 0.0, largestChange = 0.0
                    for feature in 0..<featureCount where norms[feature] != 0 {
                        let base = feature * samples, old = weights[feature]
                        var projection = VectorKernels.dot(x.baseAddress! + base, r.baseAddress!, samples)
                        projection += old * norms[feature]
                        let shrunk = max(abs(projection) - l1, 0)
                        let new = shrunk == 0 ? 0 : (projection < 0 ? -shrunk : shrunk) / (norms[feature] + l2)
                        let change = new - old
                        if change != 0 { VectorKernels.axpy(-change, x.baseAddress! + base, r.baseAddress!, samples) }
                        weights[feature] = new
                        largestChange = max(largestChange, abs(change))
                        largestWeight = max(largestWeight, abs(new))
                    }
                    guard largestWeight == 0 || largestChange / largestWeight < tol || iteration == maxIter - 1 else { continue }
                    if dualityGap(x, r, targets, weights, l1: l1, l2: l2, samples: samples) < gapTolerance {
                        converged = true
                        break
                    }
                }
            }
        }
        return (weights, iterations, converged)
    }

    /// The duality gap of the scaled problem `‖r‖²/2 + l1·‖w‖₁ + l2·‖w‖²/2` at `weights` with residual `r`.
    private func dualityGap(_ x: UnsafeBufferPointer<Double>, _ r: UnsafeMutableBufferPointer<Double>, _ targets: [Double],
                            _ weights: [Double], l1: Double, l2: Double, samples: Int) -> Double {
        var dualNorm = 0.0, weightNorm = 0.0, l1Norm = 0.0
        for feature in weights.indices {
            let correlation = VectorKernels.dot(x.baseAddress! + feature * samples, UnsafePointer(r.baseAddress!), samples)
            dualNorm = max(dualNorm, abs(correlation - l2 * weights[feature]))
            weightNorm += weights[feature] * weights[feature]
            l1Norm += abs(weights[feature])
        }
        var residualNorm = 0.0, residualDotTargets = 0.0
        for sample in 0..<samples {
            residualNorm += r[sample] * r[sample]
            residualDotTargets += r[sample] * targets[sample]
        }
        let scale = dualNorm > l1 ? l1 / dualNorm : 1
        var gap = dualNorm > l1 ? 0.5 * residualNorm * (1 + scale * scale) : residualNorm
        gap += l1 * l1Norm - scale * residualDotTargets + 0.5 * l2 * (1 + scale * scale) * weightNorm
        return gap
    }
}

/// Linear regression with combined L1 and L2 penalties (scikit-learn's `ElasticNet`), fitted by
/// cyclic coordinate descent with scikit-learn's duality-gap stopping rule.
///
/// ```swift
/// let model = ElasticNet(alpha: 0.1, l1Ratio: 0.5)
/// try model.fit(features, targets)
/// print(model.coefficients!)
/// ```
public class ElasticNet: RegressorEstimator {
    /// The overall penalty strength, >= 0 (scikit-learn `alpha`, default 1).
    public var alpha: Double
    /// The L1 share of the penalty in [0, 1] (scikit-learn `l1_ratio`, default 0.5).
    public var l1Ratio: Double
    /// Whether to fit an intercept (scikit-learn `fit_intercept`, default true).
    public var fitIntercept: Bool
    /// The most passes over the features (scikit-learn `max_iter`, default 1000).
    public var maxIter: Int
    /// The duality-gap tolerance, relative to `‖y‖²` (scikit-learn `tol`, default 1e-4).
    public var tol: Double
    /// One weight per feature, many exactly zero (scikit-learn `coef_`).
    public var coefficients: [Double]? { fitted?.coefficients }
    /// The intercept (scikit-learn `intercept_`).
    public var intercept: Double? { fitted?.intercept }
    /// Passes run in the last fit (scikit-learn `n_iter_`).
    public private(set) var iterationCount = 0
    /// Whether the last fit met the duality-gap tolerance within `maxIter` passes.
    public private(set) var converged = false
    private var fitted: LinearFit?

    /// The estimator's name in messages.
    var estimatorName: String { "ElasticNet" }

    /// An elastic-net regressor with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = ElasticNet(alpha: 0.5, l1Ratio: 0.9)
    /// ```
    public init(alpha: Double = 1, l1Ratio: Double = 0.5, fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double = 1e-4) {
        self.alpha = alpha
        self.l1Ratio = l1Ratio
        self.fitIntercept = fitIntercept
        self.maxIter = maxIter
        self.tol = tol
    }

    /// Fits the coefficients to float64 targets `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        guard alpha >= 0, alpha.isFinite else { throw LearnError(.invalidParameter, "\(estimatorName): alpha must be finite and >= 0, got \(alpha)") }
        guard (0...1).contains(l1Ratio) else { throw LearnError(.invalidParameter, "\(estimatorName): l1Ratio must be in [0, 1], got \(l1Ratio)") }
        guard maxIter > 0, tol >= 0 else {
            throw LearnError(.invalidParameter, "\(estimatorName): maxIter must be > 0 and tol >= 0, got \(maxIter) and \(tol)")
        }
        var matrix = RowMatrix(try LearnValidation.features(features, estimator: estimatorName))
        var values = try LearnTargets.values(targets, samples: matrix.rows, estimator: estimatorName)
        let offsets = LinearFit.center(&matrix, &values, fitIntercept: fitIntercept)
        let result = CoordinateDescent(alpha: alpha, l1Ratio: l1Ratio, maxIter: maxIter, tol: tol).solve(matrix, values)
        fitted = LinearFit(coefficients: result.weights, offsets: offsets)
        iterationCount = result.iterations
        converged = result.converged
    }

    /// Predicted values, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let fitted else { throw LearnTargets.notFitted(estimatorName) }
        return fitted.predict(try LearnValidation.features(features, estimator: estimatorName, expectedFeatures: fitted.coefficients.count))
    }
}

/// Linear regression with an L1 penalty (scikit-learn's `Lasso`): an ``ElasticNet`` with `l1Ratio` 1.
///
/// ```swift
/// let model = Lasso(alpha: 0.1)
/// try model.fit(features, targets)
/// let selected = model.coefficients!.indices.filter { model.coefficients![$0] != 0 }
/// ```
public final class Lasso: ElasticNet {
    override var estimatorName: String { "Lasso" }

    /// A lasso regressor with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = Lasso(alpha: 1)
    /// ```
    public init(alpha: Double = 1, fitIntercept: Bool = true, maxIter: Int = 1000, tol: Double = 1e-4) {
        super.init(alpha: alpha, l1Ratio: 1, fitIntercept: fitIntercept, maxIter: maxIter, tol: tol)
    }
}

extension ElasticNet: PersistableEstimator {
    /// The coefficients and intercept, with the passes run and whether they converged (``Lasso`` too).
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let fitted else { throw LearnTargets.notFitted(estimatorName) }
        var state = fitted.state
        state.set("iterationCount", integer: iterationCount)
        state.set("converged", integer: converged ? 1 : 0)
        return state
    }

    /// Restores the coefficients, intercept and convergence record.
    ///
    /// ```swift
    /// try Lasso().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let restored = try LinearFit(state: state)
        let iterations = try state.count("iterationCount", atLeast: 0), converged = try state.flag("converged")
        fitted = restored
        iterationCount = iterations
        self.converged = converged
    }
}
