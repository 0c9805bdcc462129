/// Causal (lower-triangular) softmax for attention scores, and the fused softmax gradient for rows.
extension Tensor {
    /// Softmax along the last axis with the future masked: in each `[L, S]` matrix of the last two
    /// axes, row `i` is a softmax over keys `0...i` and zero beyond (the same as filling the scores
    /// above the diagonal with `-inf` and taking ``softmax(axis:)``, in one pass and without a mask).
    ///
    /// ```swift
    /// let scores = Tensor.randn([2, 4, 10, 10])  // [batch, heads, queries, keys]
    /// let weights = scores.causalSoftmax()        // row i attends to keys 0...i
    /// ```
    public func causalSoftmax() -> Tensor {
        precondition(rank >= 2, "causalSoftmax: needs scores of rank 2 or more ([..., L, S]), got shape \(shape)")
        let source = isContiguous ? self : copyToContiguous(self)
        let result: Tensor
        switch dtype {
        case .float32: result = causalSoftmaxRowsFloat(source)
        case .float64: result = causalSoftmaxRows(source, Double.self)
        default: preconditionFailure("causalSoftmax: needs a float tensor, got \(dtype); convert it with .to(.float32)")
        }
        // Masked entries are exactly zero in the output, so the ordinary softmax gradient gives them zero.
        return recordGradient(result, self) { .softmax(self, output: result.detach(), axis: rank - 1) }
    }
}

/// The number of keys row `row` of a contiguous `[..., L, S]` tensor may attend to.
@inline(__always)
private func allowedKeys(row: Int, targetLength: Int, sourceLength: Int) -> Int {
    Swift.min(row % targetLength + 1, sourceLength)
}

private func causalSoftmaxRowsFloat(_ source: Tensor) -> Tensor {
    let output = Tensor(uninitializedShape: source.shape, dtype: .float32)
    let out = output.pointer(as: Float.self)
    let input = source.pointer(as: Float.self)
    let sourceLength = source.shape[source.rank - 1], targetLength = source.shape[source.rank - 2]
    let rowCount = source.count / Swift.max(sourceLength, 1)
    guard sourceLength > 0 else { return output }
    parallelChunks(rowCount, costPerItem: sourceLength * 4) { rows in
        for row in rows {
            let allowed = allowedKeys(row: row, targetLength: targetLength, sourceLength: sourceLength)
            let from = input + row * sourceLength
            let destination = out + row * sourceLength
            var maximum = -Float.infinity
            for index in 0..<allowed { maximum = Swift.max(maximum, from[index]) }
            if maximum == -Float.infinity { maximum = 0 }
            destination.update(from: from, count: allowed)
            let scale = 1 / exponentiateInPlace(destination, count: allowed, subtracting: maximum)
            for index in 0..<allowed { destination[index] *= scale }
            (destination + allowed).update(repeating: 0, count: sourceLength - allowed)
        }
    }
    return output
}

private func causalSoftmaxRows<T: FloatElement>(_ source: Tensor, _ type: T.Type) -> Tensor {
    let output = Tensor(uninitializedShape: source.shape, dtype: T.dtype)
    let out = output.pointer(as: T.self)
    let input = source.pointer(as: T.self)
    let sourceLength = source.shape[source.rank - 1], targetLength = source.shape[source.rank - 2]
    guard sourceLength > 0 else { return output }
    let rowCount = source.count / sourceLength
    parallelChunks(rowCount, costPerItem: sourceLength * 8) { rows in
        for row in rows {
            let allowed = allowedKeys(row: row, targetLength: targetLength, sourceLength: sourceLength)
            let base = row * sourceLength
            var maximum = -T.infinity
            for index in 0..<allowed { maximum = Swift.max(maximum, input[base + index]) }
            if maximum == -T.infinity { maximum = 0 }
            var total: T = 0
            for index in 0..<allowed {
                let value = T.exponential(input[base + index] - maximum)
                out[base + index] = value
                total += value
            }
            let scale = 1 / total
            for index in 0..<allowed { out[base + index] *= scale }
            for index in allowed..<sourceLength { out[base + index] = 0 }
        }
    }
    return output
}

/// The softmax gradient `y * (g - sum(g * y))` over contiguous float32 rows of the last axis in one
/// pass, or nil when the operands are not float32 (the caller then composes it from tensor ops).
func softmaxBackwardLastAxisFloat(output: Tensor, gradient: Tensor) -> Tensor? {
    guard output.dtype == .float32, gradient.dtype == .float32, output.shape == gradient.shape, output.rank >= 1 else { return nil }
    let y = output.isContiguous ? output : copyToContiguous(output)
    let g = gradient.isContiguous ? gradient : copyToContiguous(gradient)
    let result = Tensor(uninitializedShape: output.shape, dtype: .float32)
    let length = output.shape[output.rank - 1]
    guard length > 0 else { return result }
    let rowCount = output.count / length
    let yPointer = y.pointer(as: Float.self), gPointer = g.pointer(as: Float.self)
    let out = result.pointer(as: Float.self)
    parallelChunks(rowCount, costPerItem: length * 3) { rows in
        for row in rows {
            let base = row * length
            var dot: Float = 0
            for index in 0..<length { dot += yPointer[base + index] * gPointer[base + index] }
            for index in 0..<length { out[base + index] = yPointer[base + index] * (gPointer[base + index] - dot) }
        }
    }
    return result
}
