/// Softmax and log-softmax along an axis, in one pass each, stable for large inputs.
extension Tensor {
    /// `exp(x) / sum(exp(x))` along `axis`, computed after subtracting the maximum.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0]).softmax(axis: 0)  // [0.0900, 0.2447, 0.6652]
    /// ```
    public func softmax(axis: Int = -1) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "softmax")
        let result = softmaxKernel(axis: position, logarithm: false)
        return recordGradient(result, self) { .softmax(self, output: result.detach(), axis: position) }
    }

    /// `x - logSumExp(x)` along `axis`: the log of ``softmax(axis:)`` without its rounding loss.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0]).logSoftmax(axis: 0)  // [-2.4076, -1.4076, -0.4076]
    /// ```
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "logSoftmax")
        let result = softmaxKernel(axis: position, logarithm: true)
        return recordGradient(result, self) { .logSoftmax(self, output: result.detach(), axis: position) }
    }

    private func softmaxKernel(axis: Int, logarithm: Bool) -> Tensor {
        let source = isContiguous ? self : copyToContiguous(self)
        let layout = ReductionLayout(source, axes: [axis], keepDims: true, op: "softmax")
        switch dtype {
        case .float32: return softmaxLoop(layout, shape: shape, Float.self, logarithm: logarithm)
        case .float64: return softmaxLoop(layout, shape: shape, Double.self, logarithm: logarithm)
        default: preconditionFailure("softmax: needs a float tensor, got \(dtype); convert it with .to(.float32)")
        }
    }
}

private func softmaxLoop<T: FloatElement>(_ layout: ReductionLayout, shape: [Int], _ type: T.Type, logarithm: Bool) -> Tensor {
    if T.self == Float.self && layout.inner == 1 { return softmaxRowsFloat(layout, shape: shape, logarithm: logarithm) }
    let output = Tensor(uninitializedShape: shape, dtype: T.dtype)
    let out = output.pointer(as: T.self)
    let input = layout.source.pointer(as: T.self)
    let (reduced, inner) = (layout.reduced, layout.inner)
    parallelChunks(layout.outer * inner, costPerItem: reduced * 8) { lanes in
        for lane in lanes {
            let row = lane / inner
            let column = lane % inner
            let base = row * reduced * inner + column
            var maximum = -T.infinity
            for step in 0..<reduced { maximum = Swift.max(maximum, input[base + step * inner]) }
            if maximum == -T.infinity { maximum = 0 }
            var total: T = 0
            for step in 0..<reduced {
                let value = T.exponential(input[base + step * inner] - maximum)
                out[base + step * inner] = value
                total += value
            }
            if logarithm {
                let logTotal = T.logarithm(total) + maximum
                for step in 0..<reduced { out[base + step * inner] = input[base + step * inner] - logTotal }
            } else {
                let scale = 1 / total
                for step in 0..<reduced { out[base + step * inner] *= scale }
            }
        }
    }
    return output
}

/// Softmax over contiguous float32 rows with the vectorised exponential.
private func softmaxRowsFloat(_ layout: ReductionLayout, shape: [Int], logarithm: Bool) -> Tensor {
    let output = Tensor(uninitializedShape: shape, dtype: .float32)
    let out = output.pointer(as: Float.self)
    let input = layout.source.pointer(as: Float.self)
    let length = layout.reduced
    parallelChunks(layout.outer, costPerItem: length * 8) { rows in
        for row in rows {
            let source = input + row * length
            let destination = out + row * length
            var maximum = -Float.infinity
            for index in 0..<length { maximum = Swift.max(maximum, source[index]) }
            if maximum == -Float.infinity { maximum = 0 }
            destination.update(from: source, count: length)
            let total = exponentiateInPlace(destination, count: length, subtracting: maximum)
            if logarithm {
                let logTotal = Float.logarithm(total) + maximum
                for index in 0..<length { destination[index] = source[index] - logTotal }
            } else {
                let scale = 1 / total
                for index in 0..<length { destination[index] *= scale }
            }
        }
    }
    return output
}
