/// Embedding lookup: rows of a table picked by integer indices.
extension Tensor {
    /// The rows of `weight` (`[entries, dimension]`) at `indices` (an int64 or int32 tensor of
    /// any shape), shaped `indices.shape + [dimension]`, as `torch.nn.functional.embedding`.
    ///
    /// The gradient of a row is the sum of the gradients of its lookups; the row at
    /// `paddingIndex` (negative counts from the end) receives none, though it is still looked up.
    ///
    /// ```swift
    /// let table = Tensor.randn([1000, 64]).requiringGrad()
    /// let tokens = Tensor([[3, 14, 15], [9, 2, 0]])
    /// Tensor.embedding(tokens, weight: table, paddingIndex: 0).shape  // [2, 3, 64]
    /// ```
    public static func embedding(_ indices: Tensor, weight: Tensor, paddingIndex: Int? = nil) -> Tensor {
        let shapes = "indices \(describeShape(indices.shape)), weight \(describeShape(weight.shape))"
        precondition(indices.dtype == .int64 || indices.dtype == .int32,
                     "embedding: the indices must be an int64 tensor, got \(indices.dtype) (\(shapes))")
        precondition(weight.rank == 2, "embedding: the weight must be a matrix [entries, dimension], got \(shapes)")
        precondition(weight.dtype.isFloatingPoint, "embedding: the weight must be float32 or float64, got \(weight.dtype)")
        let (entries, dimension) = (weight.shape[0], weight.shape[1])
        var padding: Int?
        if let paddingIndex {
            precondition(paddingIndex >= -entries && paddingIndex < entries,
                         "embedding: paddingIndex \(paddingIndex) is outside the \(entries) entries of the weight (\(shapes))")
            padding = paddingIndex < 0 ? paddingIndex + entries : paddingIndex
        }
        let positions = contiguousData(indices.to(.int64))
        let table = contiguousData(weight)
        let output = Tensor(uninitializedShape: indices.shape + [dimension], dtype: weight.dtype)
        let width = weight.dtype.byteSize * dimension
        withExtendedLifetime((positions, table)) {
            let rows = positions.pointer(as: Int64.self)
            let source = table.impl.storage.base + table.offset * weight.dtype.byteSize
            let destination = output.impl.storage.base
            for lookup in 0..<positions.count {
                let row = Int(rows[lookup])
                precondition(row >= 0 && row < entries,
                             "embedding: index \(row) is outside the \(entries) entries of the weight (\(shapes))")
                (destination + lookup * width).copyMemory(from: source + row * width, byteCount: width)
            }
        }
        return recordGradient(output, weight) { .embedding(weight: weight, indices: positions, paddingIndex: padding) }
    }
}

/// Gradient of `embedding`: each looked-up row accumulates its lookups' gradients, except the
/// padding row.
func embeddingBackward(weight: Tensor, indices: Tensor, paddingIndex: Int?, _ g: Tensor) {
    let result = Tensor.zeros(weight.shape, dtype: weight.dtype)
    let gradient = contiguousData(g)
    func accumulate<T: FloatElement>(_ type: T.Type) {
        let dimension = weight.shape[1]
        let rows = indices.pointer(as: Int64.self)
        let incoming = gradient.pointer(as: T.self), table = result.pointer(as: T.self)
        for lookup in 0..<indices.count {
            let row = Int(rows[lookup])
            if row == paddingIndex { continue }
            addContiguous(incoming + lookup * dimension, into: table + row * dimension, dimension)
        }
    }
    withExtendedLifetime((gradient, indices)) {
        switch weight.dtype {
        case .float32: accumulate(Float.self)
        default: accumulate(Double.self)
        }
    }
    deliver(result, to: weight)
}
