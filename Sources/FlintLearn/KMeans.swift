import Flint

/// k-means clustering (scikit-learn's `KMeans`, Lloyd's algorithm): k-means++ seeding, nearest centres
/// found through BLAS (`‖x‖² − 2 x·c + ‖c‖²`), the best of `initCount` runs by inertia.
///
/// ```swift
/// let kmeans = KMeans(clusterCount: 10, randomState: 0)
/// try kmeans.fit(features)
/// print(kmeans.inertia, kmeans.clusterCenters.shape)   // [10, f]
/// let labels = try kmeans.predict(features)
/// ```
public final class KMeans: TransformerEstimator {
    /// How the first centres are chosen (`init`).
    public enum Initialization: Sendable {
        /// scikit-learn's greedy k-means++ (the default).
        case kMeansPlusPlus
        /// `clusterCount` distinct random rows.
        case random
        /// These centres, `[clusterCount, features]`.
        case centers(Tensor)
    }

    /// The number of clusters (`n_clusters`); default 8.
    public var clusterCount: Int
    /// How the first centres are chosen (`init`); default `.kMeansPlusPlus`.
    public var initialization: Initialization
    /// Runs from different seeds, the best kept (`n_init`); nil is scikit-learn's `"auto"`: 1 for
    /// k-means++ or given centres, 10 for random.
    public var initCount: Int?
    /// The most Lloyd iterations per run (`max_iter`); default 300.
    public var maxIterations: Int
    /// Convergence when the centres move (summed squared shift) less than this times the mean feature variance (`tol`); default 1e-4.
    public var tolerance: Double
    /// The seed of the initialization (`random_state`); default 0.
    public var randomState: UInt64

    /// The centres `[clusterCount, features]` (`cluster_centers_`).
    public private(set) var clusterCenters = Tensor.zeros([0, 0], dtype: .float64)
    /// The cluster of each training row, int64 `[n]` (`labels_`).
    public private(set) var labels = Tensor.zeros([0], dtype: .int64)
    /// The sum of squared distances of the training rows to their centres (`inertia_`).
    public private(set) var inertia = 0.0
    /// Lloyd iterations of the best run (`n_iter_`).
    public private(set) var iterationCount = 0
    private var centerValues: [Double] = []
    private var featureCount: Int?

    /// A k-means model with scikit-learn's defaults.
    ///
    /// ```swift
    /// let kmeans = KMeans(clusterCount: 3, initCount: 10, randomState: 42)
    /// ```
    public init(clusterCount: Int = 8, initialization: Initialization = .kMeansPlusPlus, initCount: Int? = nil,
                maxIterations: Int = 300, tolerance: Double = 1e-4, randomState: UInt64 = 0) {
        self.clusterCount = clusterCount
        self.initialization = initialization
        self.initCount = initCount
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.randomState = randomState
    }

    /// Clusters `features` `[n, f]`.
    ///
    /// ```swift
    /// try kmeans.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let data = KMeansData(try LearnValidation.features(features, estimator: "KMeans"))
        try KMeans.validate(clusterCount: clusterCount, rows: data.rows, maxIterations: maxIterations, tolerance: tolerance,
                            initCount: initCount, estimator: "KMeans")
        var given: [Double]? = nil
        if case .centers(let centers) = initialization {
            guard centers.shape == [clusterCount, data.columns] else {
                throw LearnError(.invalidParameter, "KMeans: initial centres have shape \(centers.shape), need [\(clusterCount), \(data.columns)]")
            }
            given = try LearnValidation.features(centers, estimator: "KMeans").scalars(as: Double.self)
        }
        let runs = initCount ?? { if case .random = initialization { return 10 } else { return 1 } }()
        let random = SeededUniform(seed: randomState)
        let threshold = tolerance * data.meanVariance
        var best: (centers: [Double], labels: [Int], inertia: Double, iterations: Int)? = nil
        for _ in 0..<runs {
            let initial: [Double]
            switch initialization {
            case .kMeansPlusPlus: initial = data.kMeansPlusPlus(count: clusterCount, random: random)
            case .random: initial = data.randomCenters(count: clusterCount, random: random)
            case .centers: initial = given!
            }
            let run = data.lloyd(initial: initial, count: clusterCount, maxIterations: maxIterations, tolerance: threshold)
            if best == nil || run.inertia < best!.inertia { best = run }
        }
        let result = best!
        centerValues = result.centers
        clusterCenters = Tensor(result.centers, shape: [clusterCount, data.columns])
        labels = Tensor(result.labels.map { Int64($0) }, shape: [data.rows])
        inertia = result.inertia
        iterationCount = result.iterations
        featureCount = data.columns
    }

    /// The nearest centre of each row, int64 `[n]`.
    ///
    /// ```swift
    /// let clusters = try kmeans.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        try fittedCentres().nearest(features)
    }

    /// The Euclidean distance of each row to each centre, `[n, clusterCount]` (scikit-learn's `transform`).
    ///
    /// ```swift
    /// let distances = try kmeans.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        try fittedCentres().distances(features)
    }

    /// The fitted centres, or the not-fitted error.
    private func fittedCentres() throws -> FittedCentres {
        guard let featureCount else { throw LearnError(.notFitted, "KMeans: not fitted; call fit(_:) first") }
        return FittedCentres(estimator: "KMeans", values: centerValues, tensor: clusterCenters, count: clusterCenters.shape[0],
                             featureCount: featureCount)
    }

    /// `fit` then the training labels.
    ///
    /// ```swift
    /// let clusters = try KMeans(clusterCount: 3).fitPredict(features)
    /// ```
    public func fitPredict(_ features: Tensor) throws -> Tensor {
        try fit(features)
        return labels
    }

    /// The hyperparameter checks KMeans and MiniBatchKMeans share.
    static func validate(clusterCount: Int, rows: Int, maxIterations: Int, tolerance: Double, initCount: Int?,
                         estimator: String) throws {
        guard clusterCount >= 1 else { throw LearnError(.invalidParameter, "\(estimator): clusterCount must be >= 1, got \(clusterCount)") }
        guard clusterCount <= rows else {
            throw LearnError(.invalidParameter, "\(estimator): clusterCount \(clusterCount) exceeds the \(rows) samples; use fewer clusters")
        }
        guard maxIterations >= 1 else { throw LearnError(.invalidParameter, "\(estimator): maxIterations must be >= 1, got \(maxIterations)") }
        guard tolerance >= 0 else { throw LearnError(.invalidParameter, "\(estimator): tolerance must be >= 0, got \(tolerance)") }
        if let initCount, initCount < 1 { throw LearnError(.invalidParameter, "\(estimator): initCount must be >= 1, got \(initCount)") }
    }
}

extension KMeans: PersistableEstimator {
    /// The centres, training labels, inertia and iterations run.
    ///
    /// ```swift
    /// let state = try kmeans.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard featureCount != nil else { throw LearnError(.notFitted, "KMeans: not fitted; call fit(_:) first") }
        var state = KMeansFittedState(centres: clusterCenters, labels: labels, inertia: inertia).state
        state.set("iterationCount", integer: iterationCount)
        return state
    }

    /// Restores the fitted centres (predict and transform use them as saved).
    ///
    /// ```swift
    /// try KMeans().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let fitted = try KMeansFittedState(state: state)
        let iterations = try state.count("iterationCount", atLeast: 0)
        clusterCenters = fitted.centres
        centerValues = fitted.centres.scalars(as: Double.self)
        labels = fitted.labels
        inertia = fitted.inertia
        iterationCount = iterations
        featureCount = fitted.centres.shape[1]
    }
}
