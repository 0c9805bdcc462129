import Flint

/// Squared Euclidean distances through BLAS (`‖x‖² − 2 x·y + ‖y‖²`), shared by the neighbour and
/// clustering estimators.
enum SquaredDistances {
    /// The squared norm of each row of a row-major `[rows, columns]` buffer.
    static func rowNorms(_ values: [Double], rows: Int, columns: Int) -> [Double] {
        var norms = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { pointer in
            for row in 0..<rows {
                var sum = 0.0
                let base = row * columns
                for column in 0..<columns { sum += pointer[base + column] * pointer[base + column] }
                norms[row] = sum
            }
        }
        return norms
    }

    /// The `[a.rows, b.rows]` squared distances between the rows of `a` and `b` (clamped at 0), row-major.
    static func matrix(_ a: Tensor, _ aNorms: [Double], _ b: Tensor, _ bNorms: [Double]) -> [Double] {
        var products = a.matmul(b.transposed()).contiguous().scalars(as: Double.self)
        let columns = bNorms.count
        products.withUnsafeMutableBufferPointer { pointer in
            for row in 0..<aNorms.count {
                let base = row * columns, rowNorm = aNorms[row]
                for column in 0..<columns {
                    pointer[base + column] = Swift.max(0, rowNorm - 2 * pointer[base + column] + bNorms[column])
                }
            }
        }
        return products
    }

    /// The rows of a row-major buffer picked by `indices`, as a `[indices.count, columns]` tensor.
    static func gather(_ values: [Double], columns: Int, indices: [Int]) -> Tensor {
        var picked = [Double](repeating: 0, count: indices.count * columns)
        for (position, index) in indices.enumerated() {
            for column in 0..<columns { picked[position * columns + column] = values[index * columns + column] }
        }
        return Tensor(picked, shape: [indices.count, columns])
    }

    /// Rows `range` of a row-major matrix tensor, as a view.
    static func rows(_ matrix: Tensor, _ range: Range<Int>) -> Tensor {
        matrix.narrowed(axis: 0, start: range.lowerBound, length: range.count)
    }
}

/// A seeded source of uniform draws for the estimators' `randomState`.
struct SeededUniform {
    private let generator: RandomGenerator

    /// Draws from Flint's counter-based generator seeded with `seed`.
    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// `count` uniform doubles in [0, 1).
    func uniform(_ count: Int) -> [Double] {
        count == 0 ? [] : Tensor.uniform([count], low: 0, high: 1, dtype: .float64, generator: generator).scalars(as: Double.self)
    }

    /// `count` standard normal doubles.
    func normal(_ count: Int) -> [Double] {
        count == 0 ? [] : Tensor.randn([count], dtype: .float64, generator: generator).scalars(as: Double.self)
    }

    /// `count` integers in `0..<bound`, with replacement.
    func integers(_ count: Int, below bound: Int) -> [Int] {
        uniform(count).map { Swift.min(Int($0 * Double(bound)), bound - 1) }
    }

    /// `count` distinct integers in `0..<bound` (a partial Fisher-Yates shuffle).
    func sample(_ count: Int, from bound: Int) -> [Int] {
        var values = Array(0..<bound)
        let draws = uniform(count)
        for position in 0..<count {
            let other = position + Swift.min(Int(draws[position] * Double(bound - position)), bound - position - 1)
            values.swapAt(position, other)
        }
        return Array(values.prefix(count))
    }
}
