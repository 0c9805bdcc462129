import Flint

/// Linear support vector classification (scikit-learn's `LinearSVC`, liblinear's L2-regularized
/// squared-hinge loss solved in the dual by coordinate descent with shrinking), one-vs-rest for more
/// than two classes. The intercept is a constant feature `interceptScaling` whose weight is regularized,
/// as liblinear does.
///
/// ```swift
/// let model = LinearSVC(c: 1)
/// try model.fit(features, labels)
/// let predictions = try model.predict(features)
/// ```
public final class LinearSVC: ClassifierEstimator {
    /// The penalty of margin violations, > 0 (scikit-learn `C`, default 1).
    public var c: Double
    /// The stopping tolerance on the projected-gradient spread (scikit-learn `tol`, default 1e-4).
    public var tol: Double
    /// The most passes over the data per class (scikit-learn `max_iter`, default 1000).
    public var maxIter: Int
    /// Whether to fit intercepts (default true).
    public var fitIntercept: Bool
    /// The value of the synthetic intercept feature (scikit-learn `intercept_scaling`, default 1).
    public var interceptScaling: Double
    /// Seeds liblinear's shuffles of the coordinates (scikit-learn `random_state`; nil draws one).
    public var randomState: UInt64?

    /// The classes seen in fitting, ascending (scikit-learn `classes_`).
    public internal(set) var classes: [Int] = []
    /// Weights `[1, features]` for two classes (positive for `classes[1]`), else `[classes, features]`
    /// (scikit-learn `coef_`).
    public internal(set) var coefficients: Tensor?
    /// One intercept per row of `coefficients` (scikit-learn `intercept_`).
    public internal(set) var intercept: [Double] = []
    /// The most passes any class needed (scikit-learn `n_iter_`).
    public internal(set) var iterationCount = 0

    /// A classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = LinearSVC(c: 0.1, maxIter: 5000)
    /// ```
    public init(c: Double = 1, tol: Double = 1e-4, maxIter: Int = 1000, fitIntercept: Bool = true, interceptScaling: Double = 1,
                randomState: UInt64? = nil) {
        self.c = c; self.tol = tol; self.maxIter = maxIter; self.fitIntercept = fitIntercept
        self.interceptScaling = interceptScaling; self.randomState = randomState
    }

    /// Fits one weight vector per class (one for two classes) to int64 labels `[n]`.
    ///
    /// ```swift
    /// try model.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let name = "LinearSVC"
        guard c > 0, c.isFinite else { throw LearnError(.invalidParameter, "\(name): C must be finite and > 0, got \(c)") }
        guard tol > 0, tol.isFinite else { throw LearnError(.invalidParameter, "\(name): tol must be finite and > 0, got \(tol)") }
        guard maxIter > 0 else { throw LearnError(.invalidParameter, "\(name): maxIter must be > 0, got \(maxIter)") }
        guard interceptScaling > 0, interceptScaling.isFinite else {
            throw LearnError(.invalidParameter, "\(name): interceptScaling must be finite and > 0, got \(interceptScaling)")
        }
        let x = try LearnValidation.features(features, estimator: name)
        let n = x.shape[0], columns = x.shape[1]
        let targets = try LearnTargets.labels(labels, samples: n, estimator: name)
        let seen = Array(Set(targets)).sorted()
        guard seen.count >= 2 else { throw LearnError(.invalidInput, "\(name): needs at least two classes, got only \(seen)") }
        // The data with liblinear's bias column appended.
        let width = columns + (fitIntercept ? 1 : 0)
        let source = x.scalars(as: Double.self)
        var augmented = [Double](repeating: interceptScaling, count: n * width)
        for row in 0..<n { for column in 0..<columns { augmented[row * width + column] = source[row * columns + column] } }
        let problems = seen.count == 2 ? [seen[1]] : seen
        var weights = [[Double]](repeating: [], count: problems.count)
        var passes = [Int](repeating: 0, count: problems.count)
        let seed = TreeRandom.seed(randomState)
        for (index, positive) in problems.enumerated() {
            let signs = targets.map { $0 == positive ? 1.0 : -1.0 }
            var random = TreeRandom(seed: TreeRandom.derived(seed, index))
            (weights[index], passes[index]) = Self.dualCoordinateDescent(augmented, rows: n, width: width, signs: signs, c: c,
                                                                         tolerance: tol, maxIterations: maxIter, random: &random)
        }
        classes = seen
        coefficients = Tensor(weights.flatMap { $0.prefix(columns) }, shape: [problems.count, columns])
        intercept = weights.map { fitIntercept ? $0[columns] * interceptScaling : 0 }
        iterationCount = passes.max() ?? 0
    }

    /// liblinear's `solve_l2r_l1l2_svc` for the squared hinge: returns the weights and the passes made.
    static func dualCoordinateDescent(_ x: [Double], rows n: Int, width: Int, signs: [Double], c: Double, tolerance: Double,
                                      maxIterations: Int, random: inout TreeRandom) -> ([Double], Int) {
        let diagonal = 0.5 / c
        var weights = [Double](repeating: 0, count: width)
        var alpha = [Double](repeating: 0, count: n)
        var order = Array(0..<n)
        var iteration = 0
        x.withUnsafeBufferPointer { xBuffer in
            weights.withUnsafeMutableBufferPointer { wBuffer in
                let data = xBuffer.baseAddress!, w = wBuffer.baseAddress!
                let qDiagonal = (0..<n).map { row -> Double in
                    var sum = diagonal
                    for k in 0..<width { sum += data[row * width + k] * data[row * width + k] }
                    return sum
                }
                var activeSize = n
                var projectedMaxOld = Double.infinity, projectedMinOld = -Double.infinity
                while iteration < maxIterations {
                    var projectedMaxNew = -Double.infinity, projectedMinNew = Double.infinity
                    for i in 0..<activeSize { order.swapAt(i, i + random.below(activeSize - i)) }
                    var s = 0
                    while s < activeSize {
                        let i = order[s], yI = signs[i], row = data + i * width
                        var dot = 0.0
                        for k in 0..<width { dot += w[k] * row[k] }
                        let gradient = yI * dot - 1 + alpha[i] * diagonal
                        var projected = 0.0
                        if alpha[i] == 0 {
                            if gradient > projectedMaxOld {
                                activeSize -= 1
                                order.swapAt(s, activeSize)
                                continue
                            } else if gradient < 0 {
                                projected = gradient
                            }
                        } else {
                            projected = gradient
                        }
                        projectedMaxNew = Swift.max(projectedMaxNew, projected)
                        projectedMinNew = Swift.min(projectedMinNew, projected)
                        if abs(projected) > 1e-12 {
                            let old = alpha[i]
                            alpha[i] = Swift.max(alpha[i] - gradient / qDiagonal[i], 0)
                            let step = (alpha[i] - old) * yI
                            for k in 0..<width { w[k] += step * row[k] }
                        }
                        s += 1
                    }
                    iteration += 1
                    if projectedMaxNew - projectedMinNew <= tolerance {
                        if activeSize == n { break }
                        activeSize = n
                        projectedMaxOld = .infinity
                        projectedMinOld = -.infinity
                        continue
                    }
                    projectedMaxOld = projectedMaxNew > 0 ? projectedMaxNew : .infinity
                    projectedMinOld = projectedMinNew < 0 ? projectedMinNew : -.infinity
                }
                _ = projectedMinOld
            }
        }
        return (weights, iteration)
    }

    /// Decision values: `[n]` for two classes (positive for `classes[1]`), else `[n, classes]`.
    ///
    /// ```swift
    /// let scores = try model.decisionFunction(features)
    /// ```
    public func decisionFunction(_ features: Tensor) throws -> Tensor {
        guard let coefficients else { throw LearnTargets.notFitted("LinearSVC") }
        let x = try LearnValidation.features(features, estimator: "LinearSVC", expectedFeatures: coefficients.shape[1])
        let scores = x.matmul(coefficients.transposed()) + Tensor(intercept, shape: [1, intercept.count])
        return classes.count == 2 ? scores.reshaped([x.shape[0]]) : scores
    }

    /// Predicted labels `[n]` (int64): the class with the highest decision value.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        LinearClassifierSupport.labels(fromScores: try decisionFunction(features), classes: classes)
    }
}
