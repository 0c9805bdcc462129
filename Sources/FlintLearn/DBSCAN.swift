import Flint

/// Density-based clustering (scikit-learn's `DBSCAN`, Euclidean distance): rows with at least
/// `minSamples` rows (themselves included) within `eps` are core points; clusters are the core points
/// reachable from one another plus their neighbours; every other row is noise (label −1).
/// Neighbourhoods come from blocks of BLAS distances; clusters are grown as scikit-learn does, so the
/// labels match its `algorithm="brute"` exactly.
///
/// ```swift
/// let dbscan = DBSCAN(eps: 0.5, minSamples: 5)
/// let labels = try dbscan.fitPredict(features)   // -1 marks noise
/// ```
public final class DBSCAN {
    /// The neighbourhood radius (`eps`); default 0.5.
    public var eps: Double
    /// Rows (the row itself included) a neighbourhood needs for a core point (`min_samples`); default 5.
    public var minSamples: Int

    /// The cluster of each training row, −1 for noise, int64 `[n]` (`labels_`).
    public private(set) var labels = Tensor.zeros([0], dtype: .int64)
    /// The indices of the core points, ascending (`core_sample_indices_`).
    public private(set) var coreSampleIndices: [Int] = []
    /// The core points' rows `[cores, features]` (`components_`).
    public private(set) var components = Tensor.zeros([0, 0], dtype: .float64)
    /// The number of clusters found (noise excluded).
    public private(set) var clusterCount = 0

    /// A DBSCAN with scikit-learn's defaults.
    ///
    /// ```swift
    /// let dbscan = DBSCAN(eps: 0.3, minSamples: 10)
    /// ```
    public init(eps: Double = 0.5, minSamples: Int = 5) {
        self.eps = eps
        self.minSamples = minSamples
    }

    /// Clusters `features` `[n, f]`.
    ///
    /// ```swift
    /// try dbscan.fit(features)
    /// print(dbscan.clusterCount)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "DBSCAN")
        guard eps > 0, eps.isFinite else { throw LearnError(.invalidParameter, "DBSCAN: eps must be a positive number, got \(eps)") }
        guard minSamples >= 1 else { throw LearnError(.invalidParameter, "DBSCAN: minSamples must be >= 1, got \(minSamples)") }
        let rows = matrix.shape[0], columns = matrix.shape[1], values = matrix.scalars(as: Double.self)
        let norms = SquaredDistances.rowNorms(values, rows: rows, columns: columns)
        let radius = eps * eps, slack = 1e-9 * (2 * (norms.max() ?? 0) + 1)
        var neighborhoods = [[Int]](repeating: [], count: rows)
        let block = Swift.max(1, Swift.min(rows, 4_000_000 / Swift.max(rows, 1)))
        for start in stride(from: 0, to: rows, by: block) {
            let end = Swift.min(start + block, rows)
            let distances = SquaredDistances.matrix(SquaredDistances.rows(matrix, start..<end), Array(norms[start..<end]), matrix, norms)
            distances.withUnsafeBufferPointer { pointer in
                for row in start..<end {
                    let base = (row - start) * rows
                    for other in 0..<rows where pointer[base + other] <= radius + slack {
                        // Near the boundary the BLAS form is not exact: decide on the exact distance.
                        if pointer[base + other] >= radius - slack {
                            var sum = 0.0
                            for column in 0..<columns {
                                let difference = values[row * columns + column] - values[other * columns + column]
                                sum += difference * difference
                            }
                            if sum > radius { continue }
                        }
                        neighborhoods[row].append(other)
                    }
                }
            }
        }
        let isCore = neighborhoods.map { $0.count >= minSamples }
        var assigned = [Int](repeating: -1, count: rows), label = 0, stack: [Int] = []
        // scikit-learn's dbscan_inner: a depth-first expansion from each unlabelled core point in index order.
        for seed in 0..<rows where assigned[seed] == -1 && isCore[seed] {
            var current = seed
            while true {
                if assigned[current] == -1 {
                    assigned[current] = label
                    if isCore[current] { for neighbor in neighborhoods[current] where assigned[neighbor] == -1 { stack.append(neighbor) } }
                }
                guard let next = stack.popLast() else { break }
                current = next
            }
            label += 1
        }
        labels = Tensor(assigned.map { Int64($0) }, shape: [rows])
        coreSampleIndices = (0..<rows).filter { isCore[$0] }
        components = SquaredDistances.gather(values, columns: columns, indices: coreSampleIndices).reshaped([coreSampleIndices.count, columns])
        clusterCount = label
    }

    /// `fit` then the labels, −1 for noise.
    ///
    /// ```swift
    /// let labels = try DBSCAN(eps: 0.8, minSamples: 4).fitPredict(features)
    /// ```
    public func fitPredict(_ features: Tensor) throws -> Tensor {
        try fit(features)
        return labels
    }
}

extension DBSCAN: PersistableEstimator {
    /// The training labels, the core points' indices and rows, and the cluster count.
    ///
    /// ```swift
    /// let state = try dbscan.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard labels.shape[0] > 0 else { throw LearnError(.notFitted, "DBSCAN: not fitted; call fit(_:) first") }
        var state = EstimatorState()
        state.set("featureCount", integer: components.shape[1])
        state.set("labels", labels)
        state.set("coreSampleIndices", integers: coreSampleIndices)
        state.set("components", components)
        state.set("clusterCount", integer: clusterCount)
        return state
    }

    /// Restores the clustering: labels in −1..<clusterCount, core indices ascending inside the
    /// training rows, one component row per core point.
    ///
    /// ```swift
    /// try DBSCAN().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let clusterCount = try state.count("clusterCount", atLeast: 0)
        let labels = try state.integers("labels", in: -1..<clusterCount)
        guard !labels.isEmpty else { throw state.damaged("labels", "holds no rows") }
        let cores = try state.integers("coreSampleIndices", in: 0..<labels.count)
        guard zip(cores, cores.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw state.damaged("coreSampleIndices", "is not in ascending order")
        }
        let components = try state.matrix("components", rows: cores.count, columns: featureCount)
        self.labels = Tensor(labels.map { Int64($0) })
        coreSampleIndices = cores
        self.components = components
        self.clusterCount = clusterCount
    }
}
