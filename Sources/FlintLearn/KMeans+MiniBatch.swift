import Flint

/// Mini-batch k-means (scikit-learn's `MiniBatchKMeans`): centres move towards random batches with
/// per-centre learning rates `1 / (rows seen)`, small clusters are re-seeded from the batch, and training
/// stops early when the smoothed batch inertia stops improving. Much faster than `KMeans` on large data,
/// at a small cost in inertia.
///
/// ```swift
/// let model = MiniBatchKMeans(clusterCount: 10, batchSize: 1024, randomState: 0)
/// try model.fit(features)
/// let clusters = try model.predict(features)
/// ```
public final class MiniBatchKMeans: TransformerEstimator {
    /// The number of clusters (`n_clusters`); default 8.
    public var clusterCount: Int
    /// Rows per batch (`batch_size`); default 1024.
    public var batchSize: Int
    /// Passes over the data, at most (`max_iter`, in epochs); default 100.
    public var maxIterations: Int
    /// Stop once the summed squared centre shift of a step is below this times the mean feature variance;
    /// 0 (the default) disables it (`tol`).
    public var tolerance: Double
    /// Steps without a lower smoothed batch inertia before stopping (`max_no_improvement`); nil never stops early. Default 10.
    public var maxNoImprovement: Int?
    /// Rows used to choose the initial centres (`init_size`); nil is 3 × batchSize (at least 3 × clusterCount).
    public var initSize: Int?
    /// k-means++ seedings tried on the init rows, the best kept (`n_init`); nil is scikit-learn's "auto" (1).
    public var initCount: Int?
    /// Clusters with fewer rows than this share of the largest are re-seeded (`reassignment_ratio`); default 0.01.
    public var reassignmentRatio: Double
    /// The seed (`random_state`); default 0.
    public var randomState: UInt64

    /// The centres `[clusterCount, features]` (`cluster_centers_`).
    public private(set) var clusterCenters = Tensor.zeros([0, 0], dtype: .float64)
    /// The cluster of each training row, int64 `[n]` (`labels_`).
    public private(set) var labels = Tensor.zeros([0], dtype: .int64)
    /// The sum of squared distances of the training rows to their centres (`inertia_`).
    public private(set) var inertia = 0.0
    /// Mini-batch steps taken (`n_steps_`).
    public private(set) var stepCount = 0
    private var centerValues: [Double] = []
    private var featureCount: Int?

    /// A mini-batch k-means with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = MiniBatchKMeans(clusterCount: 5, batchSize: 256)
    /// ```
    public init(clusterCount: Int = 8, batchSize: Int = 1024, maxIterations: Int = 100, tolerance: Double = 0,
                maxNoImprovement: Int? = 10, initSize: Int? = nil, initCount: Int? = nil, reassignmentRatio: Double = 0.01,
                randomState: UInt64 = 0) {
        self.clusterCount = clusterCount
        self.batchSize = batchSize
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.maxNoImprovement = maxNoImprovement
        self.initSize = initSize
        self.initCount = initCount
        self.reassignmentRatio = reassignmentRatio
        self.randomState = randomState
    }

    /// Clusters `features` `[n, f]`.
    ///
    /// ```swift
    /// try model.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        let data = KMeansData(try LearnValidation.features(features, estimator: "MiniBatchKMeans"))
        try KMeans.validate(clusterCount: clusterCount, rows: data.rows, maxIterations: maxIterations, tolerance: tolerance,
                            initCount: initCount, estimator: "MiniBatchKMeans")
        guard batchSize >= 1 else { throw LearnError(.invalidParameter, "MiniBatchKMeans: batchSize must be >= 1, got \(batchSize)") }
        guard reassignmentRatio >= 0 else {
            throw LearnError(.invalidParameter, "MiniBatchKMeans: reassignmentRatio must be >= 0, got \(reassignmentRatio)")
        }
        let random = SeededUniform(seed: randomState)
        let batch = Swift.min(batchSize, data.rows), k = clusterCount, columns = data.columns
        let initRows = Swift.min(data.rows, Swift.max(initSize ?? 3 * batch, 3 * k))

        // Initial centres: the best of `initCount` k-means++ seedings, each on its own random init rows,
        // judged by inertia on shared validation rows (as scikit-learn).
        let validation = KMeansData(SquaredDistances.gather(data.values, columns: columns, indices: random.integers(initRows, below: data.rows)))
        var centers: [Double] = [], bestInertia = Double.infinity
        for _ in 0..<(initCount ?? 1) {
            let initData = KMeansData(SquaredDistances.gather(data.values, columns: columns, indices: random.integers(initRows, below: data.rows)))
            let candidate = initData.kMeansPlusPlus(count: k, random: random)
            let inertia = validation.assign(candidate, count: k).distances.reduce(0, +)
            if inertia < bestInertia { bestInertia = inertia; centers = candidate }
        }

        var weightSums = [Double](repeating: 0, count: k)
        let steps = Swift.max(1, maxIterations * data.rows / batch)
        let threshold = tolerance * data.meanVariance
        let smoothing = Swift.min(1, 2 * Double(batch) / Double(data.rows + 1))
        var smoothedInertia: Double? = nil, bestSmoothed = Double.infinity, stepsWithoutImprovement = 0, sinceReassign = 0
        stepCount = 0
        for step in 0..<steps {
            stepCount = step + 1
            let indices = random.integers(batch, below: data.rows)
            let batchData = KMeansData(SquaredDistances.gather(data.values, columns: columns, indices: indices))
            let (batchLabels, distances) = batchData.assign(centers, count: k)
            var sums = [Double](repeating: 0, count: k * columns), counts = [Double](repeating: 0, count: k)
            for row in 0..<batch {
                counts[batchLabels[row]] += 1
                for column in 0..<columns { sums[batchLabels[row] * columns + column] += batchData.values[row * columns + column] }
            }
            var shift = 0.0
            for cluster in 0..<k where counts[cluster] > 0 {
                let total = weightSums[cluster] + counts[cluster]
                for column in 0..<columns {
                    let index = cluster * columns + column, old = centers[index]
                    centers[index] = (old * weightSums[cluster] + sums[index]) / total
                    shift += (centers[index] - old) * (centers[index] - old)
                }
                weightSums[cluster] = total
            }
            // Re-seed clusters that receive almost nothing from random batch rows, each time 10 × clusterCount rows
            // have been seen or when one is empty (as scikit-learn).
            sinceReassign += batch
            if reassignmentRatio > 0 && (weightSums.contains(0) || sinceReassign >= 10 * k) {
                sinceReassign = 0
                let largest = weightSums.max()!
                let small = (0..<k).filter { weightSums[$0] < reassignmentRatio * largest }
                if !small.isEmpty && small.count < k {
                    let kept = (0..<k).filter { weightSums[$0] >= reassignmentRatio * largest }.map { weightSums[$0] }.min()!
                    for (cluster, row) in zip(small, random.sample(Swift.min(small.count, batch), from: batch)) {
                        for column in 0..<columns { centers[cluster * columns + column] = batchData.values[row * columns + column] }
                        weightSums[cluster] = kept
                    }
                }
            }
            if threshold > 0 && shift <= threshold { break }
            let batchInertia = distances.reduce(0, +) / Double(batch)
            guard step > 0 else { smoothedInertia = batchInertia; continue }
            let smoothed = smoothedInertia! * (1 - smoothing) + batchInertia * smoothing
            smoothedInertia = smoothed
            if smoothed < bestSmoothed { bestSmoothed = smoothed; stepsWithoutImprovement = 0 } else { stepsWithoutImprovement += 1 }
            if let maxNoImprovement, stepsWithoutImprovement >= maxNoImprovement { break }
        }
        let (finalLabels, finalDistances) = data.assign(centers, count: k)
        centerValues = centers
        clusterCenters = Tensor(centers, shape: [k, columns])
        labels = Tensor(finalLabels.map { Int64($0) }, shape: [data.rows])
        inertia = finalDistances.reduce(0, +)
        featureCount = columns
    }

    /// The nearest centre of each row, int64 `[n]`.
    ///
    /// ```swift
    /// let clusters = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        try fittedCentres().nearest(features)
    }

    /// The Euclidean distance of each row to each centre, `[n, clusterCount]`.
    ///
    /// ```swift
    /// let distances = try model.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        try fittedCentres().distances(features)
    }

    /// The fitted centres, or the not-fitted error.
    private func fittedCentres() throws -> FittedCentres {
        guard let featureCount else { throw LearnError(.notFitted, "MiniBatchKMeans: not fitted; call fit(_:) first") }
        return FittedCentres(estimator: "MiniBatchKMeans", values: centerValues, tensor: clusterCenters, count: clusterCenters.shape[0],
                             featureCount: featureCount)
    }
}

extension MiniBatchKMeans: PersistableEstimator {
    /// The centres, training labels, inertia and mini-batch steps run.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard featureCount != nil else { throw LearnError(.notFitted, "MiniBatchKMeans: not fitted; call fit(_:) first") }
        var state = KMeansFittedState(centres: clusterCenters, labels: labels, inertia: inertia).state
        state.set("stepCount", integer: stepCount)
        return state
    }

    /// Restores the fitted centres.
    ///
    /// ```swift
    /// try MiniBatchKMeans().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let fitted = try KMeansFittedState(state: state)
        let steps = try state.count("stepCount", atLeast: 0)
        clusterCenters = fitted.centres
        centerValues = fitted.centres.scalars(as: Double.self)
        labels = fitted.labels
        inertia = fitted.inertia
        stepCount = steps
        featureCount = fitted.centres.shape[1]
    }
}
