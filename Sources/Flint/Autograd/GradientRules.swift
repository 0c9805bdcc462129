import Foundation

/// The backward rules: for each recorded operation, the gradients of its inputs given the
/// gradient `g` of its output. Runs inside `withoutGradients`, so nothing here is recorded.
///
/// Broadcasting is undone in one place, ``deliver(_:to:)``, not in each rule.
extension GradientRecord {
    func propagate(_ g: Tensor) {
        switch self {
        case .add(let a, let b):
            deliver(g, to: a)
            deliver(g, to: b)
        case .subtract(let a, let b):
            deliver(g, to: a)
            if b.requiresGrad { deliver(-g, to: b) }
        case .multiply(let a, let b):
            if a.requiresGrad { deliver(g * b, to: a) }
            if b.requiresGrad { deliver(g * a, to: b) }
        case .divide(let a, let b):
            if a.requiresGrad { deliver(g / b, to: a) }
            if b.requiresGrad { deliver(-g * a / (b * b), to: b) }
        case .power(let base, let exponent, let output):
            if base.requiresGrad { deliver(g * exponent * base.pow(exponent - 1), to: base) }
            if exponent.requiresGrad {
                let logBase = Tensor.where(base .> 0, base.log(), Tensor.zeros(like: base))
                deliver(g * output * logBase, to: exponent)
            }
        case .maximum(let a, let b), .minimum(let a, let b):
            let isMaximum: Bool
            if case .maximum = self { isMaximum = true } else { isMaximum = false }
            let aWins = isMaximum ? a .> b : a .< b
            let tie = a .== b
            let half = g * 0.5
            let zero = Tensor.zeros(like: g)
            if a.requiresGrad { deliver(Tensor.where(tie, half, Tensor.where(aWins, g, zero)), to: a) }
            if b.requiresGrad { deliver(Tensor.where(tie, half, Tensor.where(aWins, zero, g)), to: b) }
        case .select(let condition, let a, let b):
            let zero = Tensor.zeros(like: g)
            if a.requiresGrad { deliver(Tensor.where(condition, g, zero), to: a) }
            if b.requiresGrad { deliver(Tensor.where(condition, zero, g), to: b) }

        case .addScalar(let x):
            deliver(g, to: x)
        case .multiplyScalar(let x, let factor):
            deliver(g * factor, to: x)
        case .powerScalar(let x, let exponent):
            deliver(exponent == 0 ? Tensor.zeros(like: g) : g * exponent * x.pow(exponent - 1), to: x)
        case .scalarPower(let base, let x, let output):
            deliver(g * output * Foundation.log(base), to: x)
        case .scalarDivide(_, let x, let output):
            deliver(-g * output / x, to: x)

        case .negate(let x):
            deliver(-g, to: x)
        case .absolute(let x):
            deliver(activationBackward(x, g, AbsoluteBackward<Float>(), AbsoluteBackward<Double>()), to: x)
        case .exp(let x, let output):
            deliver(g * output, to: x)
        case .log(let x):
            deliver(g / x, to: x)
        case .log1p(let x):
            deliver(g / (x + 1), to: x)
        case .sqrt(let x, let output):
            deliver(g / (output * 2), to: x)
        case .rsqrt(let x, let output):
            deliver(g * output * output * output * -0.5, to: x)
        case .sin(let x):
            deliver(g * x.cos(), to: x)
        case .cos(let x):
            deliver(-g * x.sin(), to: x)
        case .tanh(let x, let output):
            deliver(activationBackward(output, g, TanhBackward<Float>(), TanhBackward<Double>()), to: x)
        case .sigmoid(let x, let output):
            deliver(activationBackward(output, g, SigmoidBackward<Float>(), SigmoidBackward<Double>()), to: x)
        case .relu(let x):
            deliver(activationBackward(x, g, ReluBackward<Float>(), ReluBackward<Double>()), to: x)
        case .leakyRelu(let x, let slope):
            deliver(activationBackward(x, g, LeakyReluBackward<Float>(slope: Float(slope)),
                                       LeakyReluBackward<Double>(slope: slope)), to: x)
        case .elu(let x, let alpha):
            deliver(activationBackward(x, g, EluBackward<Float>(alpha: Float(alpha)), EluBackward<Double>(alpha: alpha)), to: x)
        case .gelu(let x, let approximate):
            if approximate {
                deliver(activationBackward(x, g, GeluTanhBackward<Float>(), GeluTanhBackward<Double>()), to: x)
            } else {
                deliver(activationBackward(x, g, VectorizedGeluBackward(), GeluBackward<Double>()), to: x)
            }
        case .silu(let x):
            deliver(activationBackward(x, g, SiluBackward<Float>(), SiluBackward<Double>()), to: x)
        case .softplus(let x, let beta, let threshold):
            deliver(activationBackward(x, g, SoftplusBackward<Float>(beta: Float(beta), threshold: Float(threshold)),
                                       SoftplusBackward<Double>(beta: beta, threshold: threshold)), to: x)
        case .clamp(let x, let lower, let upper):
            var inside = Tensor.ones(like: x, dtype: .bool)
            if let lower { inside = inside .& (x .>= lower) }
            if let upper { inside = inside .& (x .<= upper) }
            deliver(Tensor.where(inside, g, Tensor.zeros(like: g)), to: x)
        case .convert(let x):
            deliver(g.to(x.dtype), to: x)

        case .sum(let x, let axes, let keepDims):
            deliver(restoreReducedAxes(g, axes: axes, keepDims: keepDims).expanded(to: x.shape), to: x)
        case .product(let x, let axes, let keepDims, let output):
            let shapedOutput = restoreReducedAxes(output, axes: axes, keepDims: keepDims)
            let shapedGradient = restoreReducedAxes(g, axes: axes, keepDims: keepDims)
            let isZero = x .== 0
            let zeroCount = isZero.sum(axes: axes, keepDims: true)
            if zeroCount.max().item(as: Int64.self) == 0 {
                deliver(shapedGradient * shapedOutput / x, to: x)
            } else {
                // output / x divides by zero. The product of the other elements is the product of
                // the non-zero ones for the only zero of its group, and 0 for everything else in a
                // group that has a zero.
                let nonZero = Tensor.where(isZero, Tensor.ones(like: x), x)
                let nonZeroProduct = nonZero.prod(axes: axes, keepDims: true)
                let onlyZero = (zeroCount .== 1) .& isZero
                let others = Tensor.where(zeroCount .== 0, nonZeroProduct / nonZero,
                                          Tensor.where(onlyZero, nonZeroProduct, 0))
                deliver(shapedGradient * others, to: x)
            }
        case .extremum(let x, let axis, let indices, let keepDims):
            let shapedIndices = keepDims ? indices : indices.unsqueezed(axis: axis)
            let shapedGradient = keepDims ? g : g.unsqueezed(axis: axis)
            deliver(Tensor.zeros(like: x).scatterAdd(axis: axis, index: shapedIndices, source: shapedGradient), to: x)
        case .cumulativeSum(let x, let axis):
            // The reverse cumulative sum: total - running sum + own term.
            deliver(g.sum(axis: axis, keepDims: true) - g.cumsum(axis: axis) + g, to: x)
        case .softmax(let x, let output, let axis):
            if axis == output.rank - 1, let fused = softmaxBackwardLastAxisFloat(output: output, gradient: g) {
                deliver(fused, to: x)
            } else {
                deliver(output * (g - (g * output).sum(axis: axis, keepDims: true)), to: x)
            }
        case .logSoftmax(let x, let output, let axis):
            deliver(g - output.exp() * g.sum(axis: axis, keepDims: true), to: x)

        case .matmul(let a, let b):
            matmulBackward(a, b, g)
        case .linear(let x, let weight, let bias):
            linearBackward(x, weight: weight, bias: bias, g)

        case .reshape(let x):
            deliver(g.reshaped(x.shape), to: x)
        case .permute(let x, let axes):
            var inverse = [Int](repeating: 0, count: axes.count)
            for (position, axis) in axes.enumerated() { inverse[axis] = position }
            deliver(g.permuted(inverse), to: x)
        case .expand(let x):
            deliver(g, to: x)
        case .slice(let x, let ranges):
            let full = Tensor.zeros(like: x)
            full.stridedView(ranges).assign(g)
            deliver(full, to: x)
        case .copy(let x):
            deliver(g, to: x)

        case .gather(let x, let axis, let index):
            deliver(Tensor.zeros(like: x).scatterAdd(axis: axis, index: index, source: g), to: x)
        case .scatterAdd(let x, let axis, let index, let source):
            deliver(g, to: x)
            if source.requiresGrad {
                // Only the leading index-shaped block of the source is read; the rest gets zeros.
                let gathered = g.gather(axis: axis, index: index)
                if index.shape == source.shape {
                    deliver(gathered, to: source)
                } else {
                    let full = Tensor.zeros(like: source)
                    full.stridedView(index.shape.map { StridedRange(start: 0, step: 1, count: $0) }).assign(gathered)
                    deliver(full, to: source)
                }
            }
        case .indexSelect(let x, let axis, let index):
            deliver(indexAdd(into: Tensor.zeros(like: x), axis: axis, index: index, source: g), to: x)
        case .maskedFill(let x, let mask):
            deliver(Tensor.where(mask, Tensor.zeros(like: g), g), to: x)
        case .maskedSelect(let x, let mask):
            deliver(maskedScatter(into: Tensor.zeros(like: x), mask: mask, source: g), to: x)
        case .concatenate(let parts, let axis):
            var start = 0
            for part in parts {
                let length = part.shape[axis]
                if part.requiresGrad { deliver(g.narrowed(axis: axis, start: start, length: length), to: part) }
                start += length
            }
        case .pad(let x, let padding):
            var view = g
            for (axis, amount) in padding.enumerated() where amount.before != 0 || amount.after != 0 {
                view = view.narrowed(axis: axis, start: amount.before, length: x.shape[axis])
            }
            deliver(view, to: x)
        case .tile(let x, let repeats):
            deliver(tileBackward(g, inputShape: x.shape, repeats: repeats), to: x)

        // MARK: linear algebra (LAPACK)
        case .linearSolve(let a, let b, let x): linearSolveBackward(a, b, x, g)
        case .triangularSolve(let a, let b, let upper, let x): triangularSolveBackward(a, b, upper: upper, x, g)
        case .cholesky(let a, let l): choleskyBackward(a, l, g)
        case .inverse(let a, let y): inverseBackward(a, y, g)
        case .determinant(let a, let d): determinantBackward(a, d, g)
        case .symmetricEigenvalues(let a, _, let vectors): symmetricEigenvaluesBackward(a, vectors, g)
        case .symmetricEigenvectors(let a, let values, let vectors): symmetricEigenvectorsBackward(a, values, vectors, g)
        case .qrQ(let a, let q, let r): qrBackward(a, q: q, r: r, gradientQ: g, gradientR: nil)
        case .qrR(let a, let q, let r): qrBackward(a, q: q, r: r, gradientQ: nil, gradientR: g)
        case .svdU(let a, let u, let s, let vt): svdBackward(a, u: u, s: s, vt: vt, gradientU: g, gradientS: nil, gradientVt: nil)
        case .svdS(let a, let u, let s, let vt): svdBackward(a, u: u, s: s, vt: vt, gradientU: nil, gradientS: g, gradientVt: nil)
        case .svdVt(let a, let u, let s, let vt): svdBackward(a, u: u, s: s, vt: vt, gradientU: nil, gradientS: nil, gradientVt: g)
        case .leastSquares(let a, let b, let x): leastSquaresBackward(a, b, x, g)

        // Convolution and pooling: the rules live in Tensor+Convolution/Pooling/Embedding.swift.
        case .convolution2d(let x, let weight, let bias, let geometry):
            convolution2dBackward(x, weight: weight, bias: bias, geometry: geometry, g)
        case .convolutionTranspose2d(let x, let weight, let bias, let geometry):
            convolutionTranspose2dBackward(x, weight: weight, bias: bias, geometry: geometry, g)
        case .maxPool2d(let x, let indices, let geometry):
            maxPool2dBackward(x, indices: indices, geometry: geometry, g)
        case .avgPool2d(let x, let geometry, let countIncludePad):
            avgPool2dBackward(x, geometry: geometry, countIncludePad: countIncludePad, g)
        case .adaptiveAvgPool2d(let x, let geometry):
            adaptiveAvgPool2dBackward(x, geometry: geometry, g)
        case .embedding(let weight, let indices, let paddingIndex):
            embeddingBackward(weight: weight, indices: indices, paddingIndex: paddingIndex, g)

        // Normalisation: the rule lives in Tensor+LayerNorm.swift.
        case .layerNorm(let x, let weight, let bias, let mean, let inverse):
            layerNormBackward(x, weight: weight, bias: bias, mean: mean, inverseStandardDeviation: inverse, g)
        }
    }
}

/// Puts back, as size-1 dimensions, the axes a reduction removed, so the result broadcasts
/// against the reduction's input.
func restoreReducedAxes(_ tensor: Tensor, axes: [Int], keepDims: Bool) -> Tensor {
    if keepDims { return tensor }
    var result = tensor
    for axis in axes.sorted() { result = result.unsqueezed(axis: axis) }
    return result
}

/// Gradients of `a @ b` (any ranks PyTorch's matmul accepts) given the output gradient.
private func matmulBackward(_ a: Tensor, _ b: Tensor, _ g: Tensor) {
    let left = a.rank == 1 ? a.unsqueezed(axis: 0) : a
    let right = b.rank == 1 ? b.unsqueezed(axis: 1) : b
    var outputGradient = g
    if a.rank == 1 { outputGradient = outputGradient.unsqueezed(axis: Swift.max(outputGradient.rank - 1, 0)) }
    if b.rank == 1 { outputGradient = outputGradient.unsqueezed(axis: outputGradient.rank) }
    if a.requiresGrad {
        let gradient = outputGradient.matmul(right.transposed())
        let reduced = gradient.shape == left.shape ? gradient : gradient.summed(toShape: left.shape)
        deliver(reduced.reshaped(a.shape), to: a)
    }
    guard b.requiresGrad else { return }
    // A right operand that is a transposed view of contiguous memory (a linear layer's `weight.T`)
    // gets its gradient computed transposed, as (gᵀ·a)ᵀ, so that the view's own backward hands the
    // weight a contiguous gradient instead of one that must be copied.
    let rightIsTransposedView = right.rank == 2 && !right.isContiguous && right.transposed().isContiguous
    if right.rank == 2 && left.rank > 2 || rightIsTransposedView && left.rank == 2 {
        // A batch of inputs times one matrix (a linear layer on [N, L, E]): one product over all
        // rows, not a product per batch element summed afterwards.
        let inner = left.shape[left.rank - 1], rows = left.count / Swift.max(inner, 1)
        let flatLeft = left.reshaped([rows, inner])
        let flatGradient = outputGradient.reshaped([rows, outputGradient.shape[outputGradient.rank - 1]])
        let gradient = rightIsTransposedView
            ? flatGradient.transposed().matmul(flatLeft).transposed()
            : flatLeft.transposed().matmul(flatGradient)
        deliver(gradient.reshaped(b.shape), to: b)
    } else {
        let gradient = left.transposed().matmul(outputGradient)
        let reduced = gradient.shape == right.shape ? gradient : gradient.summed(toShape: right.shape)
        deliver(reduced.reshaped(b.shape), to: b)
    }
}

/// Gradients of `x · weightᵀ + bias` (x `[..., in]`, weight `[out, in]`, bias `[out]`): the input's
/// is `g · weight`, the weight's `gᵀ · x` over all rows at once (contiguous `[out, in]`, no
/// transposed copy), the bias's the sum of `g` over all rows.
private func linearBackward(_ x: Tensor, weight: Tensor, bias: Tensor, _ g: Tensor) {
    if x.requiresGrad { deliver(g.matmul(weight), to: x) }
    let inputSize = weight.shape[1], outputSize = weight.shape[0]
    let rows = x.shape.dropLast().reduce(1, *)  // not x.count / inputSize: inputs may have no features
    let flatGradient = g.reshaped([rows, outputSize])
    if weight.requiresGrad { deliver(flatGradient.transposed().matmul(x.reshaped([rows, inputSize])), to: weight) }
    if bias.requiresGrad { deliver(flatGradient.sum(axis: 0), to: bias) }
}

/// Gradient of `repeated(repeats)`: each input element receives the sum over its copies.
private func tileBackward(_ g: Tensor, inputShape: [Int], repeats: [Int]) -> Tensor {
    let paddedInput = [Int](repeating: 1, count: repeats.count - inputShape.count) + inputShape
    var split: [Int] = []
    for (repeatCount, size) in zip(repeats, paddedInput) { split += [repeatCount, size] }
    let repeatAxes = stride(from: 0, to: split.count, by: 2).map { $0 }
    return g.reshaped(split).sum(axes: repeatAxes).reshaped(inputShape)
}
