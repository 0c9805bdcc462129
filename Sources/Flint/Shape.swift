/// Row-major strides for a shape: the last dimension moves fastest.
@inline(__always)
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    var index = shape.count - 1
    while index >= 0 {
        strides[index] = running
        running &*= shape[index]
        index -= 1
    }
    return strides
}

/// Whether strides describe a gap-free row-major layout (dimensions of size 1 may have any stride).
@inline(__always)
func stridesAreContiguous(shape: [Int], strides: [Int]) -> Bool {
    var expected = 1
    var index = shape.count - 1
    while index >= 0 {
        let size = shape[index]
        if size != 1 {
            if strides[index] != expected { return false }
            expected &*= size
        }
        index -= 1
    }
    return true
}

/// Turns a possibly negative axis into an index in `0..<rank`, or stops with a message naming the op.
@inline(__always)
func normalizeAxis(_ axis: Int, rank: Int, op: String) -> Int {
    let normalized = axis < 0 ? axis + rank : axis
    precondition(normalized >= 0 && normalized < Swift.max(rank, 1),
                 "\(op): axis \(axis) is out of range for a tensor of rank \(rank) (valid: \(-Swift.max(rank, 1))..<\(Swift.max(rank, 1)))")
    return normalized
}

/// The shape two shapes broadcast to under NumPy's rules, or a stop naming the op and both shapes.
func broadcastShapes(_ first: [Int], _ second: [Int], op: String) -> [Int] {
    if first == second { return first }
    let rank = Swift.max(first.count, second.count)
    var result = [Int](repeating: 1, count: rank)
    for index in 0..<rank {
        let a = index < rank - first.count ? 1 : first[index - (rank - first.count)]
        let b = index < rank - second.count ? 1 : second[index - (rank - second.count)]
        precondition(a == b || a == 1 || b == 1,
                     "\(op): shapes \(first) and \(second) cannot be broadcast together (dimension \(index): \(a) vs \(b))")
        result[index] = a == 1 ? b : a
    }
    return result
}

/// Strides that read a tensor of `shape`/`strides` as if it had the larger `target` shape
/// (stride 0 along broadcast dimensions).
func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
    var result = [Int](repeating: 0, count: target.count)
    let shift = target.count - shape.count
    for index in 0..<shape.count where shape[index] != 1 || target[index + shift] == 1 {
        result[index + shift] = shape[index] == 1 ? 0 : strides[index]
    }
    return result
}

/// Formats a shape like PyTorch: `[2, 3]`.
func describeShape(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
