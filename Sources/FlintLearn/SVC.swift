import Flint

/// C-support vector classification (scikit-learn's `SVC`, LIBSVM's C-SVC): a kernel machine trained by SMO
/// with second-order working-set selection, shrinking and a kernel cache; one-vs-one for more than two
/// classes; optional Platt-scaled probabilities.
///
/// ```swift
/// let model = SVC(c: 1, kernel: .rbf, gamma: .scale)
/// try model.fit(features, labels)
/// let predictions = try model.predict(features)
/// ```
public final class SVC: ProbabilisticClassifier {
    /// The shape of `decisionFunction` for more than two classes (scikit-learn's `decision_function_shape`).
    public enum DecisionFunctionShape: String, Sendable, Equatable, CaseIterable {
        /// `[n, classes]`: votes plus squashed confidences (scikit-learn's `_ovr_decision_function`, the default).
        case ovr
        /// `[n, classes·(classes−1)/2]`: the raw pairwise values, pairs (0,1), (0,2), …, (1,2), ….
        case ovo
    }

    /// The penalty of margin violations, > 0 (scikit-learn `C`, default 1).
    public var c: Double
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
    /// Whether to fit Platt sigmoids for `predictProbabilities` (5-fold internal CV; default false).
    public var probability: Bool
    /// The stopping tolerance on the KKT violation (scikit-learn `tol`, default 1e-3).
    public var tol: Double
    /// The kernel cache in megabytes (scikit-learn `cache_size`, default 200); the whole Gram matrix is
    /// computed at once when it fits.
    public var cacheSize: Double
    /// Per-class weights of C (default none).
    public var classWeight: ClassWeight?
    /// The most SMO iterations per sub-problem, -1 for LIBSVM's own limit (scikit-learn `max_iter`, default -1).
    public var maxIter: Int
    /// The shape of `decisionFunction` (default `.ovr`).
    public var decisionFunctionShape: DecisionFunctionShape
    /// Seeds the shuffle of the probability cross-validation (scikit-learn `random_state`; nil draws one).
    public var randomState: UInt64?

    /// The classes seen in fitting, ascending (scikit-learn `classes_`).
    public internal(set) var classes: [Int] = []
    /// Rows of the training set that are support vectors, grouped by class (scikit-learn `support_`).
    public internal(set) var supportIndices: [Int] = []
    /// The support vectors `[supportCount, features]` (scikit-learn `support_vectors_`).
    public internal(set) var supportVectors: Tensor?
    /// `α_i y_i` per support vector, `[classes−1, supportCount]` in LIBSVM's one-vs-one layout
    /// (scikit-learn `dual_coef_`; negated for two classes, as scikit-learn does).
    public internal(set) var dualCoefficients: Tensor?
    /// One intercept per pair of classes (scikit-learn `intercept_`; negated for two classes).
    public internal(set) var intercept: [Double] = []
    /// Support vectors per class (scikit-learn `n_support_`).
    public internal(set) var supportCountPerClass: [Int] = []
    /// Whether every sub-problem met `tol` within the iteration limit (scikit-learn `fit_status_ == 0`).
    public internal(set) var converged = false
    /// The fitted one-vs-one machine.
    var model: SVMOneVsOneModel?
    /// Platt sigmoids `(A, B)` per pair when `probability` (scikit-learn `probA_`, `probB_`).
    var sigmoids: [(a: Double, b: Double)] = []

    /// A classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = SVC(c: 10, kernel: .poly, degree: 2)
    /// ```
    public init(c: Double = 1, kernel: SVMKernel = .rbf, degree: Int = 3, gamma: SVMGamma = .scale, coef0: Double = 0,
                shrinking: Bool = true, probability: Bool = false, tol: Double = 1e-3, cacheSize: Double = 200,
                classWeight: ClassWeight? = nil, maxIter: Int = -1, decisionFunctionShape: DecisionFunctionShape = .ovr,
                randomState: UInt64? = nil) {
        self.c = c; self.kernel = kernel; self.degree = degree; self.gamma = gamma; self.coef0 = coef0
        self.shrinking = shrinking; self.probability = probability; self.tol = tol; self.cacheSize = cacheSize
        self.classWeight = classWeight; self.maxIter = maxIter; self.decisionFunctionShape = decisionFunctionShape
        self.randomState = randomState
    }

    /// Fits the machine to int64 labels `[n]` (at least two classes).
    ///
    /// ```swift
    /// try model.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let name = "SVC"
        try SVMSettings.check(c: c, tol: tol, cacheSize: cacheSize, maxIter: maxIter, estimator: name)
        _ = try KernelFunction.validated(kind: kernel, gamma: gamma, degree: degree, coef0: coef0, estimator: name)
        let x = try LearnValidation.features(features, estimator: name)
        let n = x.shape[0], columns = x.shape[1]
        let targets = try LearnTargets.labels(labels, samples: n, estimator: name)
        let seen = Array(Set(targets)).sorted()
        guard seen.count >= 2 else { throw LearnError(.invalidInput, "\(name): needs at least two classes, got only \(seen)") }
        let weights = try ClassWeight.weights(classWeight, classes: seen, targets: targets, estimator: name)
        let values = x.scalars(as: Double.self)
        let gammaValue = values.withUnsafeBufferPointer { gamma.resolved($0, columns: columns) }
        let function = KernelFunction(kind: kernel, gamma: gammaValue, degree: degree, coef0: coef0)
        let access = SVMKernelAccess(rows: SVMTrainingRows(values, rows: n, columns: columns), kernel: function,
                                     cacheBytes: Int(cacheSize * 1_048_576))
        let position = Dictionary(uniqueKeysWithValues: seen.enumerated().map { ($1, $0) })
        var grouped = [[Int]](repeating: [], count: seen.count)
        for (row, label) in targets.enumerated() { grouped[position[label]!].append(row) }
        let members = grouped

        let k = seen.count
        var isSupport = [Bool](repeating: false, count: n)
        var pairCoefficients: [[Double]] = [], rho: [Double] = [], allConverged = true
        let pairList = (0..<k).flatMap { first in ((first + 1)..<k).map { (first, $0) } }
        let seed = TreeRandom.seed(randomState)
        let (c, tol, shrinking, maxIter, probability) = (self.c, self.tol, self.shrinking, self.maxIter, self.probability)
        // Pairs are independent: solve them on all cores (each Platt cross-validation has its own generator).
        let results = SVMPairSlots<(fit: (coefficients: [Double], rho: Double, converged: Bool), sigmoid: (a: Double, b: Double)?)>.run(count: pairList.count) { pair in
            let (first, second) = pairList[pair]
            let indices = members[first] + members[second]
            let signs = members[first].map { _ in 1.0 } + members[second].map { _ in -1.0 }
            let bounds = members[first].map { _ in c * weights[first] } + members[second].map { _ in c * weights[second] }
            var sigmoid: (a: Double, b: Double)?
            if probability {
                var random = TreeRandom(seed: TreeRandom.derived(seed, pair))
                sigmoid = SVMProbability.crossValidatedSigmoid(access: access, indices: indices, signs: signs, upperBounds: bounds,
                                                               tolerance: tol, shrinking: shrinking, maxIterations: maxIter, random: &random)
            }
            return (access.solveBinary(indices, signs: signs, upperBounds: bounds, tolerance: tol, shrinking: shrinking, maxIterations: maxIter), sigmoid)
        }
        for (pair, (first, second)) in pairList.enumerated() {
            let fit = results[pair].fit
            allConverged = allConverged && fit.converged
            for (offset, row) in (members[first] + members[second]).enumerated() where fit.coefficients[offset] != 0 { isSupport[row] = true }
            pairCoefficients.append(fit.coefficients)
            rho.append(fit.rho)
        }
        let newSigmoids = results.compactMap(\.sigmoid)
        // Support vectors grouped by class; LIBSVM's sv_coef layout.
        let supportByClass = members.map { $0.filter { isSupport[$0] } }
        let support = supportByClass.flatMap { $0 }
        var slot = [Int](repeating: -1, count: n)
        for (index, row) in support.enumerated() { slot[row] = index }
        var coefficients = [[Double]](repeating: [Double](repeating: 0, count: support.count), count: k - 1)
        var pair = 0
        for first in 0..<k {
            for second in (first + 1)..<k {
                let indices = members[first] + members[second]
                for (offset, row) in indices.enumerated() where slot[row] >= 0 {
                    coefficients[offset < members[first].count ? second - 1 : first][slot[row]] = pairCoefficients[pair][offset]
                }
                pair += 1
            }
        }
        install(SVMOneVsOneModel(classCount: k, supportVectors: access.rows.subset(support), supportCountPerClass: supportByClass.map(\.count),
                                 coefficients: coefficients, rho: rho, kernel: function),
                sigmoids: newSigmoids, classes: seen, supportIndices: support, converged: allConverged)
    }

    /// Makes `model` the fitted machine and sets the scikit-learn attributes from it (by `fit`, and by
    /// `restoreFittedState` from a saved one).
    func install(_ model: SVMOneVsOneModel, sigmoids: [(a: Double, b: Double)], classes: [Int], supportIndices: [Int], converged: Bool) {
        let k = model.classCount, supportCount = model.supportVectors.rows
        self.model = model
        self.sigmoids = sigmoids
        self.classes = classes
        self.supportIndices = supportIndices
        supportCountPerClass = model.supportCountPerClass
        supportVectors = Tensor(model.supportVectors.values, shape: [supportCount, model.supportVectors.columns])
        // scikit-learn negates the binary machine so that positive values favour classes[1].
        let sign: Double = k == 2 ? -1 : 1
        dualCoefficients = Tensor(model.coefficients.flatMap { $0 }.map { $0 * sign }, shape: [k - 1, supportCount])
        intercept = model.rho.map { $0 == 0 ? 0 : -$0 * sign }
        self.converged = converged
    }

    /// The weight of each class's C.
    private func fitted(_ features: Tensor) throws -> (SVMOneVsOneModel, SVMTrainingRows) {
        guard let model else { throw LearnTargets.notFitted("SVC") }
        let x = try LearnValidation.features(features, estimator: "SVC", expectedFeatures: model.supportVectors.columns)
        return (model, SVMTrainingRows(x.scalars(as: Double.self), rows: x.shape[0], columns: x.shape[1]))
    }

    /// Predicted labels `[n]` (int64) by one-vs-one votes, ties to the lower class.
    ///
    /// ```swift
    /// let predictions = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let (model, rows) = try fitted(features)
        let votes = model.votes(model.pairDecisions(rows), rows: rows.rows)
        return Tensor(votes.map { Int64(classes[$0]) }, shape: [rows.rows])
    }

    /// Decision values: `[n]` for two classes (positive for `classes[1]`), else `[n, classes]` (`.ovr`) or
    /// `[n, pairs]` (`.ovo`).
    ///
    /// ```swift
    /// let scores = try model.decisionFunction(features)
    /// ```
    public func decisionFunction(_ features: Tensor) throws -> Tensor {
        let (model, rows) = try fitted(features)
        let decisions = model.pairDecisions(rows)
        let k = model.classCount
        if k == 2 { return Tensor(decisions.map { -$0 }, shape: [rows.rows]) }
        if decisionFunctionShape == .ovo { return Tensor(decisions, shape: [rows.rows, k * (k - 1) / 2]) }
        return Tensor(model.oneVsRest(decisions, rows: rows.rows), shape: [rows.rows, k])
    }

    /// Platt-scaled class probabilities `[n, classes]` (needs `probability: true` when fitting).
    ///
    /// ```swift
    /// let model = SVC(probability: true)
    /// try model.fit(features, labels)
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let (model, rows) = try fitted(features)
        guard !sigmoids.isEmpty else {
            throw LearnError(.notFitted, "SVC: probabilities need probability: true when fitting; refit with SVC(probability: true)")
        }
        let values = SVMProbability.probabilities(decisions: model.pairDecisions(rows), rows: rows.rows, classes: model.classCount, sigmoids: sigmoids)
        return Tensor(values, shape: [rows.rows, model.classCount])
    }
}

/// Checks shared by SVC and SVR.
enum SVMSettings {
    static func check(c: Double, tol: Double, cacheSize: Double, maxIter: Int, estimator: String) throws {
        guard c > 0, c.isFinite else { throw LearnError(.invalidParameter, "\(estimator): C must be finite and > 0, got \(c)") }
        guard tol > 0, tol.isFinite else { throw LearnError(.invalidParameter, "\(estimator): tol must be finite and > 0, got \(tol)") }
        guard cacheSize > 0, cacheSize.isFinite else { throw LearnError(.invalidParameter, "\(estimator): cacheSize must be > 0 megabytes, got \(cacheSize)") }
        guard maxIter == -1 || maxIter > 0 else { throw LearnError(.invalidParameter, "\(estimator): maxIter must be -1 (no limit) or > 0, got \(maxIter)") }
    }
}
