import Flint

/// ε-support vector regression (scikit-learn's `SVR`, LIBSVM's epsilon-SVR): errors inside the ε-tube
/// cost nothing, larger ones cost C per unit; solved by the same SMO as `SVC` over the `2n` dual variables.
///
/// ```swift
/// let model = SVR(c: 100, epsilon: 0.1)
/// try model.fit(features, targets)
/// let predictions = try model.predict(features)
/// ```
public final class SVR: RegressorEstimator {
    /// The penalty of errors outside the tube, > 0 (scikit-learn `C`, default 1).
    public var c: Double
    /// The half-width of the tube without penalty, >= 0 (default 0.1).
    public var epsilon: Double
    /// The kernel (default `.rbf`).
    public var kernel: SVMKernel
    /// The degree of the polynomial kernel, >= 0 (default 3).
    public var degree: Int
    /// γ of the rbf, poly and sigmoid kernels (default `.scale`).
    public var gamma: SVMGamma
    /// The constant of the poly and sigmoid kernels (scikit-learn `coef0`, default 0).
    public var coef0: Double
    /// Whether SMO shrinks bounded variables out of the active set (default true).
    public var shrinking: Bool
    /// The stopping tolerance on the KKT violation (scikit-learn `tol`, default 1e-3).
    public var tol: Double
    /// The kernel cache in megabytes (scikit-learn `cache_size`, default 200).
    public var cacheSize: Double
    /// The most SMO iterations, -1 for LIBSVM's own limit (default -1).
    public var maxIter: Int

    /// Rows of the training set that are support vectors (scikit-learn `support_`).
    public internal(set) var supportIndices: [Int] = []
    /// The support vectors `[supportCount, features]` (scikit-learn `support_vectors_`).
    public internal(set) var supportVectors: Tensor?
    /// `α_i − α_i*` per support vector, `[1, supportCount]` (scikit-learn `dual_coef_`).
    public internal(set) var dualCoefficients: Tensor?
    /// The intercept, `[b]` (scikit-learn `intercept_`).
    public internal(set) var intercept: [Double] = []
    /// Whether SMO met `tol` within the iteration limit.
    public internal(set) var converged = false
    /// The support vectors with their norms, and the kernel.
    var supportRows: SVMTrainingRows?
    var kernelFunction: KernelFunction?

    /// A regressor with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = SVR(c: 10, epsilon: 0.5, kernel: .linear)
    /// ```
    public init(c: Double = 1, epsilon: Double = 0.1, kernel: SVMKernel = .rbf, degree: Int = 3, gamma: SVMGamma = .scale,
                coef0: Double = 0, shrinking: Bool = true, tol: Double = 1e-3, cacheSize: Double = 200, maxIter: Int = -1) {
        self.c = c; self.epsilon = epsilon; self.kernel = kernel; self.degree = degree; self.gamma = gamma
        self.coef0 = coef0; self.shrinking = shrinking; self.tol = tol; self.cacheSize = cacheSize; self.maxIter = maxIter
    }

    /// Fits the machine to float64 targets `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let name = "SVR"
        try SVMSettings.check(c: c, tol: tol, cacheSize: cacheSize, maxIter: maxIter, estimator: name)
        guard epsilon >= 0, epsilon.isFinite else { throw LearnError(.invalidParameter, "\(name): epsilon must be finite and >= 0, got \(epsilon)") }
        _ = try KernelFunction.validated(kind: kernel, gamma: gamma, degree: degree, coef0: coef0, estimator: name)
        let x = try LearnValidation.features(features, estimator: name)
        let n = x.shape[0], columns = x.shape[1]
        let y = try LearnTargets.values(targets, samples: n, estimator: name)
        let values = x.scalars(as: Double.self)
        let gammaValue = values.withUnsafeBufferPointer { gamma.resolved($0, columns: columns) }
        let function = KernelFunction(kind: kernel, gamma: gammaValue, degree: degree, coef0: coef0)
        let rows = SVMTrainingRows(values, rows: n, columns: columns)
        let cacheBytes = Int(cacheSize * 1_048_576)
        let kernelDiagonal = rows.norms.map { function.diagonal(squaredNorm: $0) }
        let q: SVMQMatrix
        if n * n * MemoryLayout<Double>.stride <= cacheBytes {
            let dense = SVMQMatrix.DenseRows(count: n * n)
            let gram = rows.gram(function)
            gram.withUnsafeBufferPointer { dense.pointer.update(from: $0.baseAddress!, count: n * n) }
            let base = dense.pointer
            q = SVMQMatrix.regression(count: n, kernelDiagonal: kernelDiagonal, owner: dense) { UnsafePointer(base + $0 * n) }
        } else {
            let cache = SVMKernelCache(rows: n, rowLength: n, cacheBytes: cacheBytes) { index, output in
                rows.values.withUnsafeBufferPointer { xs in
                    rows.norms.withUnsafeBufferPointer { norms in
                        function.row(index, matrix: xs.baseAddress!, rows: n, columns: columns, norms: norms.baseAddress!, into: output)
                    }
                }
            }
            q = SVMQMatrix.regression(count: n, kernelDiagonal: kernelDiagonal, owner: cache) { cache.row($0) }
        }
        let linear = y.map { epsilon - $0 } + y.map { epsilon + $0 }
        let labels = [Double](repeating: 1, count: n) + [Double](repeating: -1, count: n)
        let solver = SVMSolver(q: q, linear: linear, labels: labels, upperBounds: [Double](repeating: c, count: 2 * n),
                               tolerance: tol, shrinking: shrinking, maxIterations: maxIter)
        let solution = solver.solve()
        let coefficients = (0..<n).map { solution.alpha[$0] - solution.alpha[$0 + n] }
        let support = (0..<n).filter { coefficients[$0] != 0 }
        let subset = rows.subset(support)
        supportRows = subset
        kernelFunction = function
        supportIndices = support
        supportVectors = Tensor(subset.values, shape: [support.count, columns])
        dualCoefficients = Tensor(support.map { coefficients[$0] }, shape: [1, support.count])
        intercept = [-solution.rho]
        converged = solution.converged
    }

    /// Predicted values `[n]`: `Σ (α_i − α_i*) K(x_i, x) + b`.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let supportRows, let kernelFunction, let dualCoefficients else { throw LearnTargets.notFitted("SVR") }
        let x = try LearnValidation.features(features, estimator: "SVR", expectedFeatures: supportRows.columns)
        let rows = SVMTrainingRows(x.scalars(as: Double.self), rows: x.shape[0], columns: x.shape[1])
        let supportCount = supportRows.rows
        let coefficients = dualCoefficients.scalars(as: Double.self)
        let kernelValues = rows.values.withUnsafeBufferPointer { a in
            supportRows.values.withUnsafeBufferPointer { b in
                kernelFunction.block(a.baseAddress!, aRows: rows.rows, normsA: rows.norms, b.baseAddress!, bRows: supportCount,
                                     normsB: supportRows.norms, columns: rows.columns)
            }
        }
        let predictions = (0..<rows.rows).map { row in
            var sum = intercept[0]
            for k in 0..<supportCount { sum += coefficients[k] * kernelValues[row * supportCount + k] }
            return sum
        }
        return Tensor(predictions, shape: [rows.rows])
    }
}
