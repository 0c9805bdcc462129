/// A KD-tree over the rows of a row-major matrix (as scikit-learn's `KDTree`): nodes split at the median of
/// the dimension of widest spread until they hold at most `leafSize` rows; a query descends the nearer
/// child first and skips every node whose bounding box is farther than the current k-th neighbour.
final class KDTree: @unchecked Sendable {
    private struct Node {
        var start: Int, end: Int, left: Int, right: Int
    }

    private let values: [Double]
    private let columns: Int
    private let leafSize: Int
    private var order: [Int]
    private var nodes: [Node] = []
    private var lower: [Double] = [], upper: [Double] = []

    /// Builds the tree over `rows` rows of `columns` values.
    init(values: [Double], rows: Int, columns: Int, leafSize: Int) {
        self.values = values
        self.columns = columns
        self.leafSize = Swift.max(leafSize, 1)
        order = Array(0..<rows)
        _ = build(0, rows)
    }

    private func build(_ start: Int, _ end: Int) -> Int {
        let node = nodes.count
        nodes.append(Node(start: start, end: end, left: -1, right: -1))
        var low = [Double](repeating: .infinity, count: columns), high = [Double](repeating: -.infinity, count: columns)
        for position in start..<end {
            let base = order[position] * columns
            for column in 0..<columns {
                low[column] = Swift.min(low[column], values[base + column])
                high[column] = Swift.max(high[column], values[base + column])
            }
        }
        lower.append(contentsOf: low)
        upper.append(contentsOf: high)
        guard end - start > leafSize else { return node }
        var dimension = 0
        for column in 1..<Swift.max(columns, 1) where high[column] - low[column] > high[dimension] - low[dimension] { dimension = column }
        let middle = (start + end) / 2
        let values = self.values, columns = self.columns
        order[start..<end].sort { values[$0 * columns + dimension] < values[$1 * columns + dimension] }
        let left = build(start, middle), right = build(middle, end)
        nodes[node].left = left
        nodes[node].right = right
        return node
    }

    /// The `k` nearest rows to `point` as (squared distance, row) pairs, ascending by distance then row.
    func query(_ point: UnsafeBufferPointer<Double>, k: Int) -> [(distance: Double, index: Int)] {
        var best: [(distance: Double, index: Int)] = []
        best.reserveCapacity(k + 1)
        search(0, point, k, &best)
        return best
    }

    private func boxDistance(_ node: Int, _ point: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        let base = node * columns
        for column in 0..<columns {
            let value = point[column]
            if value < lower[base + column] { let gap = lower[base + column] - value; sum += gap * gap }
            else if value > upper[base + column] { let gap = value - upper[base + column]; sum += gap * gap }
        }
        return sum
    }

    private func search(_ node: Int, _ point: UnsafeBufferPointer<Double>, _ k: Int, _ best: inout [(distance: Double, index: Int)]) {
        let current = nodes[node]
        if current.left < 0 {
            values.withUnsafeBufferPointer { data in
                for position in current.start..<current.end {
                    let row = order[position], base = row * columns
                    var sum = 0.0
                    for column in 0..<columns { let difference = data[base + column] - point[column]; sum += difference * difference }
                    NeighborSelection.insert((sum, row), into: &best, k: k)
                }
            }
            return
        }
        let leftDistance = boxDistance(current.left, point), rightDistance = boxDistance(current.right, point)
        let (first, firstDistance, second, secondDistance) = leftDistance <= rightDistance
            ? (current.left, leftDistance, current.right, rightDistance) : (current.right, rightDistance, current.left, leftDistance)
        if best.count < k || firstDistance <= best[best.count - 1].distance { search(first, point, k, &best) }
        if best.count < k || secondDistance <= best[best.count - 1].distance { search(second, point, k, &best) }
    }
}

/// Keeping the k smallest (distance, index) pairs, ordered by distance then index.
enum NeighborSelection {
    /// Inserts `candidate` into the sorted `best` list of at most `k` pairs.
    @inline(__always)
    static func insert(_ candidate: (distance: Double, index: Int), into best: inout [(distance: Double, index: Int)], k: Int) {
        if best.count == k {
            let worst = best[k - 1]
            if candidate.distance > worst.distance || (candidate.distance == worst.distance && candidate.index > worst.index) { return }
            best.removeLast()
        }
        var position = best.count
        while position > 0 && (best[position - 1].distance > candidate.distance
                               || (best[position - 1].distance == candidate.distance && best[position - 1].index > candidate.index)) {
            position -= 1
        }
        best.insert(candidate, at: position)
    }
}
