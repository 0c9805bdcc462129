import Flint
import Foundation

/// How neighbour estimators find the nearest training rows (scikit-learn's `algorithm`). Both give the
/// same neighbours (ties broken by the lower training index) and exact Euclidean distances.
public enum NeighborsAlgorithm: Sendable, Equatable {
    /// `.kdTree` for up to 15 features, `.brute` above (a KD-tree loses its edge in high dimensions).
    case auto
    /// All distances through BLAS (`‖x‖² − 2 x·y + ‖y‖²`), then a partial selection of the k smallest.
    case brute
    /// A KD-tree with `leafSize` rows per leaf.
    case kdTree
}

/// How neighbours' votes or values are weighted (scikit-learn's `weights`).
public enum NeighborsWeights: Sendable, Equatable {
    /// Every neighbour counts the same.
    case uniform
    /// Neighbours count by the inverse of their distance; neighbours at distance 0 take all the weight.
    case distance
}

/// The training rows and the search structure shared by the neighbour estimators.
struct NeighborsIndex {
    let matrix: Tensor
    let values: [Double]
    let rows: Int
    let columns: Int
    let norms: [Double]
    let tree: KDTree?

    init(_ matrix: Tensor, algorithm: NeighborsAlgorithm, leafSize: Int) {
        self.matrix = matrix
        values = matrix.scalars(as: Double.self)
        rows = matrix.shape[0]
        columns = matrix.shape[1]
        norms = SquaredDistances.rowNorms(values, rows: rows, columns: columns)
        let useTree = algorithm == .kdTree || (algorithm == .auto && columns <= 15)
        tree = useTree ? KDTree(values: values, rows: rows, columns: columns, leafSize: leafSize) : nil
    }

    /// The `k` nearest training rows of each query row: `[queries][k]` (Euclidean distance, training row),
    /// ascending by distance, ties by row.
    func neighbors(of queries: Tensor, k: Int) -> [[(distance: Double, index: Int)]] {
        let queryValues = queries.scalars(as: Double.self), queryCount = queries.shape[0]
        var result = [[(distance: Double, index: Int)]](repeating: [], count: queryCount)
        if let tree {
            let chunks = Swift.min(queryCount, 8 * ProcessInfo.processInfo.activeProcessorCount)
            result.withUnsafeMutableBufferPointer { output in
                queryValues.withUnsafeBufferPointer { pointer in
                    let shared = SharedBuffers(output: output.baseAddress!, input: pointer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        for query in (chunk * queryCount / chunks)..<((chunk + 1) * queryCount / chunks) {
                            let point = UnsafeBufferPointer(start: shared.input + query * columns, count: columns)
                            shared.output[query] = tree.query(point, k: k).map { ($0.distance.squareRoot(), $0.index) }
                        }
                    }
                }
            }
            return result
        }
        let queryNorms = SquaredDistances.rowNorms(queryValues, rows: queryCount, columns: columns)
        let block = 512, maximumNorm = norms.max() ?? 0
        for start in stride(from: 0, to: queryCount, by: block) {
            let end = Swift.min(start + block, queryCount)
            let distances = SquaredDistances.matrix(SquaredDistances.rows(queries, start..<end), Array(queryNorms[start..<end]), matrix, norms)
            distances.withUnsafeBufferPointer { pointer in
                for query in start..<end {
                    var best: [(distance: Double, index: Int)] = []
                    best.reserveCapacity(k + 1)
                    let base = (query - start) * rows
                    for row in 0..<rows { NeighborSelection.insert((pointer[base + row], row), into: &best, k: k) }
                    // The BLAS form loses digits (close points, exact ties): take every row within rounding of the
                    // k-th distance, recompute those distances exactly, and keep the k smallest.
                    let slack = 1e-9 * (queryNorms[query] + maximumNorm + 1)
                    let threshold = best[best.count - 1].distance + slack
                    var candidates: [Int] = []
                    for row in 0..<rows where pointer[base + row] <= threshold { candidates.append(row) }
                    var exact: [(distance: Double, index: Int)] = []
                    exact.reserveCapacity(k + 1)
                    for row in candidates {
                        var sum = 0.0
                        for column in 0..<columns {
                            let difference = queryValues[query * columns + column] - values[row * columns + column]
                            sum += difference * difference
                        }
                        NeighborSelection.insert((sum, row), into: &exact, k: k)
                    }
                    result[query] = exact.map { ($0.distance.squareRoot(), $0.index) }
                }
            }
        }
        return result
    }

    /// The neighbours' weights for one query (scikit-learn's `_get_weights`).
    static func weights(_ neighbors: [(distance: Double, index: Int)], _ scheme: NeighborsWeights) -> [Double] {
        switch scheme {
        case .uniform: return [Double](repeating: 1, count: neighbors.count)
        case .distance:
            if neighbors.contains(where: { $0.distance == 0 }) { return neighbors.map { $0.distance == 0 ? 1 : 0 } }
            return neighbors.map { 1 / $0.distance }
        }
    }
}

/// The query rows and the result slots handed to the worker threads, each thread writing its own slots.
private struct SharedBuffers: @unchecked Sendable {
    let output: UnsafeMutablePointer<[(distance: Double, index: Int)]>
    let input: UnsafePointer<Double>
}

/// The checks and shared pieces of the neighbour estimators.
enum NeighborsSupport {
    /// Checks the hyperparameters against the training-set size.
    static func validate(neighborCount: Int, leafSize: Int, rows: Int, estimator: String) throws {
        guard neighborCount >= 1 else { throw LearnError(.invalidParameter, "\(estimator): neighborCount must be >= 1, got \(neighborCount)") }
        guard leafSize >= 1 else { throw LearnError(.invalidParameter, "\(estimator): leafSize must be >= 1, got \(leafSize)") }
        guard neighborCount <= rows else {
            throw LearnError(.invalidParameter, "\(estimator): neighborCount \(neighborCount) exceeds the \(rows) training samples")
        }
    }

    /// Class labels as non-negative ints, one per row, and the sorted distinct classes.
    static func classLabels(_ labels: Tensor, rows: Int, estimator: String) throws -> (labels: [Int], classes: [Int]) {
        guard labels.rank == 1, labels.shape[0] == rows else {
            throw LearnError(.invalidInput, "\(estimator): labels must be a vector of \(rows) class labels, got shape \(labels.shape)")
        }
        guard labels.dtype == .int64 || labels.dtype == .int32 else {
            throw LearnError(.invalidInput, "\(estimator): labels must be int64 class labels, got \(labels.dtype)")
        }
        let values = labels.to(.int64).scalars(as: Int64.self).map { Int($0) }
        if let negative = values.first(where: { $0 < 0 }) {
            throw LearnError(.invalidInput, "\(estimator): class labels must be non-negative, got \(negative)")
        }
        return (values, Array(Set(values)).sorted())
    }

    /// Regression targets as doubles, one per row.
    static func targets(_ targets: Tensor, rows: Int, estimator: String) throws -> [Double] {
        guard targets.rank == 1, targets.shape[0] == rows else {
            throw LearnError(.invalidInput, "\(estimator): targets must be a vector of \(rows) values, got shape \(targets.shape)")
        }
        let values = targets.to(.float64).scalars(as: Double.self)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.nonFiniteInput, "\(estimator): target \(bad) is \(values[bad]); remove or impute it first")
        }
        return values
    }
}

extension NeighborsIndex {
    /// The training rows as saved values (`featureCount`, `trainingFeatures`); the KD-tree is not saved
    /// but rebuilt from them, which gives the same tree.
    var state: EstimatorState {
        var state = EstimatorState()
        state.set("featureCount", integer: columns)
        state.set("trainingFeatures", matrix)
        return state
    }

    /// The index rebuilt from saved training rows, searched as `algorithm` and `leafSize` say.
    init(state: EstimatorState, algorithm: NeighborsAlgorithm, leafSize: Int, estimator: String) throws {
        guard leafSize >= 1 else { throw LearnError(.invalidParameter, "\(estimator): leafSize must be >= 1, got \(leafSize)") }
        let featureCount = try state.count("featureCount")
        let matrix = try state.matrix("trainingFeatures", columns: featureCount)
        guard matrix.shape[0] >= 1 else { throw state.damaged("trainingFeatures", "holds no rows") }
        self.init(matrix, algorithm: algorithm, leafSize: leafSize)
    }
}
