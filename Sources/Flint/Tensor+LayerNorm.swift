/// Fused layer normalisation: one pass over each row forward, one backward, instead of the dozen
/// recorded tensor operations the composed formula takes.
extension Tensor {
    /// Layer normalisation over the trailing dimensions `normalizedShape` (PyTorch's
    /// `F.layer_norm`): `(x - mean) / sqrt(biased variance + eps) * weight + bias`, with `weight`
    /// and `bias` (optional, of shape `normalizedShape`). Differentiable in all three tensors.
    ///
    /// ```swift
    /// let x = Tensor.randn([8, 16, 64])
    /// let y = x.layerNorm(normalizedShape: [64], weight: Tensor.ones([64]), bias: Tensor.zeros([64]))
    /// ```
    public func layerNorm(normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
        precondition(dtype.isFloatingPoint, "layerNorm: needs a float tensor, got \(dtype); convert it with .to(.float32)")
        precondition(!normalizedShape.isEmpty && rank >= normalizedShape.count && Array(shape.suffix(normalizedShape.count)) == normalizedShape,
                     "layerNorm: the input's trailing dimensions must be \(describeShape(normalizedShape)), got shape \(describeShape(shape))")
        for (name, tensor) in [("weight", weight), ("bias", bias)] {
            guard let tensor else { continue }
            precondition(tensor.shape == normalizedShape && tensor.dtype == dtype,
                         "layerNorm: the \(name) must be \(dtype) of shape \(describeShape(normalizedShape)), got \(tensor.dtype) \(describeShape(tensor.shape))")
        }
        let length = normalizedShape.reduce(1, *)
        let rows = length == 0 ? 0 : count / length
        let source = contiguousData(self)
        let weightData = weight.map(contiguousData), biasData = bias.map(contiguousData)
        let output = Tensor(uninitializedShape: shape, dtype: dtype)
        let mean = Tensor(uninitializedShape: [rows], dtype: dtype), inverseDeviation = Tensor(uninitializedShape: [rows], dtype: dtype)
        func runFloat() {
            let input = source.pointer(as: Float.self), out = output.pointer(as: Float.self)
            let means = mean.pointer(as: Float.self), inverse = inverseDeviation.pointer(as: Float.self)
            let scale = weightData.map { UnsafePointer($0.pointer(as: Float.self)) }
            let shift = biasData.map { UnsafePointer($0.pointer(as: Float.self)) }
            let epsilon = Float(eps)
            parallelChunks(rows, costPerItem: length * 4) { range in
                for row in range {
                    (means[row], inverse[row]) = layerNormRowFloat(input + row * length, out + row * length, length: length,
                                                                   scale: scale, shift: shift, epsilon: epsilon)
                }
            }
        }
        func run<T: FloatElement>(_ type: T.Type) {
            let input = source.pointer(as: T.self), out = output.pointer(as: T.self)
            let means = mean.pointer(as: T.self), inverse = inverseDeviation.pointer(as: T.self)
            let scale = weightData?.pointer(as: T.self), shift = biasData?.pointer(as: T.self)
            let epsilon = T(fromDouble: eps), size = T(fromDouble: Double(length))
            parallelChunks(rows, costPerItem: length * 4) { range in
                for row in range {
                    let x = input + row * length, y = out + row * length
                    var total: T = 0
                    for index in 0..<length { total += x[index] }
                    let average = total / size
                    var squares: T = 0
                    for index in 0..<length { let centered = x[index] - average; squares += centered * centered }
                    let inverseStandardDeviation = 1 / (squares / size + epsilon).squareRoot()
                    means[row] = average
                    inverse[row] = inverseStandardDeviation
                    for index in 0..<length {
                        var value = (x[index] - average) * inverseStandardDeviation
                        if let scale { value *= scale[index] }
                        if let shift { value += shift[index] }
                        y[index] = value
                    }
                }
            }
        }
        withExtendedLifetime((source, weightData, biasData)) {
            if dtype == .float32 { runFloat() } else { run(Double.self) }
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return recordGradient(output, inputs: inputs) {
            .layerNorm(self, weight: weight, bias: bias, mean: mean, inverseStandardDeviation: inverseDeviation)
        }
    }
}

/// Gradients of ``Tensor/layerNorm(normalizedShape:weight:bias:eps:)`` given the output gradient
/// `g`: with `x̂ = (x - mean) · r` and `d = g · weight`, `dx = r (d - mean(d) - x̂ mean(d x̂))`,
/// `dweight = Σ_rows g x̂`, `dbias = Σ_rows g`.
func layerNormBackward(_ input: Tensor, weight: Tensor?, bias: Tensor?, mean: Tensor, inverseStandardDeviation: Tensor, _ g: Tensor) {
    let rows = mean.count
    let length = rows == 0 ? 0 : input.count / rows
    let source = contiguousData(input), gradient = contiguousData(g)
    let weightData = weight.map(contiguousData)
    let inputGradient = Tensor(uninitializedShape: input.shape, dtype: input.dtype)
    let weightGradient = Tensor.zeros([length], dtype: input.dtype), biasGradient = Tensor.zeros([length], dtype: input.dtype)
    func runFloat() {
        let x = source.pointer(as: Float.self), dy = gradient.pointer(as: Float.self), dx = inputGradient.pointer(as: Float.self)
        let means = mean.pointer(as: Float.self), inverse = inverseStandardDeviation.pointer(as: Float.self)
        let scale = weightData.map { UnsafePointer($0.pointer(as: Float.self)) }
        parallelChunks(rows, costPerItem: length * 6) { range in
            for row in range {
                layerNormBackwardRowFloat(x + row * length, dy + row * length, dx + row * length, length: length,
                                          scale: scale, mean: means[row], inverse: inverse[row])
            }
        }
        // The parameter gradients sum over rows; split by blocks of columns so both threads work
        // (serial, this pass was 1.3% of a transformer's step) and each column keeps its row order.
        let dWeight = weightGradient.pointer(as: Float.self), dBias = biasGradient.pointer(as: Float.self)
        let blockWidth = 64
        parallelChunks((length + blockWidth - 1) / blockWidth, costPerItem: rows * blockWidth * 3) { blocks in
            for block in blocks {
                let start = block * blockWidth, width = Swift.min(blockWidth, length - start)
                for row in 0..<rows {
                    layerNormParameterGradientRowFloat(x + row * length + start, dy + row * length + start, length: width,
                                                       mean: means[row], inverse: inverse[row],
                                                       weightGradient: dWeight + start, biasGradient: dBias + start)
                }
            }
        }
    }
    func run<T: FloatElement>(_ type: T.Type) {
        let x = source.pointer(as: T.self), dy = gradient.pointer(as: T.self), dx = inputGradient.pointer(as: T.self)
        let means = mean.pointer(as: T.self), inverse = inverseStandardDeviation.pointer(as: T.self)
        let scale = weightData?.pointer(as: T.self)
        let size = T(fromDouble: Double(length))
        parallelChunks(rows, costPerItem: length * 6) { range in
            for row in range {
                let base = row * length, average = means[row], r = inverse[row]
                var sumD: T = 0, sumDX: T = 0
                for index in 0..<length {
                    let normalized = (x[base + index] - average) * r
                    let d = dy[base + index] * (scale?[index] ?? 1)
                    sumD += d
                    sumDX += d * normalized
                }
                let meanD = sumD / size, meanDX = sumDX / size
                for index in 0..<length {
                    let normalized = (x[base + index] - average) * r
                    let d = dy[base + index] * (scale?[index] ?? 1)
                    dx[base + index] = r * (d - meanD - normalized * meanDX)
                }
            }
        }
        // The parameter gradients sum over rows: one serial pass (cheap next to the row work).
        let dWeight = weightGradient.pointer(as: T.self), dBias = biasGradient.pointer(as: T.self)
        for row in 0..<rows {
            let base = row * length, average = means[row], r = inverse[row]
            for index in 0..<length {
                dWeight[index] += dy[base + index] * (x[base + index] - average) * r
                dBias[index] += dy[base + index]
            }
        }
    }
    withExtendedLifetime((source, gradient, weightData, mean, inverseStandardDeviation)) {
        if input.dtype == .float32 { runFloat() } else { run(Double.self) }
    }
    if input.requiresGrad { deliver(inputGradient, to: input) }
    if let weight, weight.requiresGrad { deliver(weightGradient.reshaped(weight.shape), to: weight) }
    if let bias, bias.requiresGrad { deliver(biasGradient.reshaped(bias.shape), to: bias) }
}
