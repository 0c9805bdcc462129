/// A layout prepared for walking one or more same-shaped operands row by row: dimensions of
/// size 1 are dropped and neighbours that are contiguous in every operand are merged, so most
/// walks are a single flat loop.
struct StridedLayout {
    /// Sizes of the merged dimensions (at least one).
    var shape: [Int]
    /// For each operand, its stride along each merged dimension.
    var strides: [[Int]]

    init(shape: [Int], operandStrides: [[Int]]) {
        var keptShape: [Int] = []
        var keptStrides: [[Int]] = Array(repeating: [], count: operandStrides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = keptShape.indices.last,
               operandStrides.indices.allSatisfy({ keptStrides[$0][last] == operandStrides[$0][axis] * shape[axis] }) {
                keptShape[last] *= shape[axis]
                for operand in operandStrides.indices { keptStrides[operand][last] = operandStrides[operand][axis] }
            } else {
                keptShape.append(shape[axis])
                for operand in operandStrides.indices { keptStrides[operand].append(operandStrides[operand][axis]) }
            }
        }
        if keptShape.isEmpty {
            keptShape = [1]
            keptStrides = Array(repeating: [1], count: operandStrides.count)
        }
        self.shape = keptShape
        self.strides = keptStrides
    }

    /// The length of the innermost merged dimension.
    var innerCount: Int { shape[shape.count - 1] }
    /// The number of inner rows.
    var rowCount: Int { shape.dropLast().reduce(1, *) }
    /// Each operand's stride along the innermost dimension.
    func innerStride(_ operand: Int) -> Int { strides[operand][shape.count - 1] }

    /// Calls `body(row, offsets)` for rows in `rows`, where `offsets[k]` is operand k's element
    /// offset at the start of that row.
    func forEachRow(in rows: Range<Int>, _ body: (UnsafeBufferPointer<Int>) -> Void) {
        let outerRank = shape.count - 1
        let operands = strides.count
        withUnsafeTemporaryAllocation(of: Int.self, capacity: operands + outerRank) { scratch in
            let offsets = UnsafeMutableBufferPointer(rebasing: scratch[0..<operands])
            let index = UnsafeMutableBufferPointer(rebasing: scratch[operands...])
            // Start position: decompose rows.lowerBound.
            var remainder = rows.lowerBound
            for axis in stride(from: outerRank - 1, through: 0, by: -1) {
                index[axis] = remainder % shape[axis]
                remainder /= shape[axis]
            }
            for operand in 0..<operands {
                var offset = 0
                for axis in 0..<outerRank { offset += index[axis] * strides[operand][axis] }
                offsets[operand] = offset
            }
            for _ in rows {
                body(UnsafeBufferPointer(offsets))
                // Advance the multi-index by one row.
                var axis = outerRank - 1
                while axis >= 0 {
                    index[axis] += 1
                    for operand in 0..<operands { offsets[operand] += strides[operand][axis] }
                    if index[axis] < shape[axis] { break }
                    for operand in 0..<operands { offsets[operand] -= strides[operand][axis] * shape[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}

/// Copies any tensor's elements, in row-major order, into a new contiguous tensor.
func copyToContiguous(_ source: Tensor) -> Tensor {
    // Elements move as raw bits of their width, so one loop serves every dtype.
    switch source.dtype.byteSize {
    case 1: return mapElements(source, outputType: source.dtype, IdentityFunctor<UInt8>())
    case 4: return mapElements(source, outputType: source.dtype, IdentityFunctor<UInt32>())
    default: return mapElements(source, outputType: source.dtype, IdentityFunctor<UInt64>())
    }
}

/// Returns its input: the element function of a copy.
struct IdentityFunctor<T>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x }
}
