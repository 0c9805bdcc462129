/// How a tensor was computed: the operation and what its gradient rule needs.
///
/// Every differentiable operation has one case here and one branch in
/// ``GradientRecord/inputGradients(_:)``, so that a new operation cannot be added without its
/// gradient. Saved outputs are stored detached (sharing storage, without a record) so that no
/// tensor keeps itself alive.
enum GradientRecord {
    // Elementwise with two tensors (broadcast gradients are reduced by `accumulate`).
    case add(Tensor, Tensor)
    case subtract(Tensor, Tensor)
    case multiply(Tensor, Tensor)
    case divide(Tensor, Tensor)
    case power(Tensor, Tensor, output: Tensor)
    case maximum(Tensor, Tensor)
    case minimum(Tensor, Tensor)
    case select(condition: Tensor, Tensor, Tensor)

    // Elementwise with a Swift scalar.
    case addScalar(Tensor)
    case multiplyScalar(Tensor, Double)
    case powerScalar(Tensor, exponent: Double)
    case scalarPower(base: Double, Tensor, output: Tensor)
    case scalarDivide(numerator: Double, Tensor, output: Tensor)

    // Elementwise functions.
    case negate(Tensor)
    case absolute(Tensor)
    case exp(Tensor, output: Tensor)
    case log(Tensor)
    case log1p(Tensor)
    case sqrt(Tensor, output: Tensor)
    case rsqrt(Tensor, output: Tensor)
    case sin(Tensor)
    case cos(Tensor)
    case tanh(Tensor, output: Tensor)
    case sigmoid(Tensor, output: Tensor)
    case relu(Tensor)
    case leakyRelu(Tensor, slope: Double)
    case elu(Tensor, alpha: Double)
    case gelu(Tensor, approximate: Bool)
    case silu(Tensor)
    case softplus(Tensor, beta: Double, threshold: Double)
    case clamp(Tensor, lower: Double?, upper: Double?)
    case convert(Tensor)

    // Reductions and scans.
    case sum(Tensor, axes: [Int], keepDims: Bool)
    case product(Tensor, axes: [Int], keepDims: Bool, output: Tensor)
    case extremum(Tensor, axis: Int, indices: Tensor, keepDims: Bool)
    case cumulativeSum(Tensor, axis: Int)
    case softmax(Tensor, output: Tensor, axis: Int)
    case logSoftmax(Tensor, output: Tensor, axis: Int)

    // Linear algebra.
    case matmul(Tensor, Tensor)
    /// `input · weightᵀ + bias` as one product (``Tensor/linear(weight:bias:)``).
    case linear(Tensor, weight: Tensor, bias: Tensor)

    // Views and layout.
    case reshape(Tensor)
    case permute(Tensor, axes: [Int])
    case expand(Tensor)
    case slice(Tensor, ranges: [StridedRange])
    case copy(Tensor)

    // Indexing and joining.
    case gather(Tensor, axis: Int, index: Tensor)
    case scatterAdd(Tensor, axis: Int, index: Tensor, source: Tensor)
    case indexSelect(Tensor, axis: Int, index: Tensor)
    case maskedFill(Tensor, mask: Tensor)
    case maskedSelect(Tensor, mask: Tensor)
    case concatenate([Tensor], axis: Int)
    case pad(Tensor, padding: [(before: Int, after: Int)])
    case tile(Tensor, repeats: [Int])

    // MARK: linear algebra (LAPACK)
    // Backward rules in LinearAlgebra/LinearAlgebra+Gradients.swift.
    case linearSolve(Tensor, Tensor, output: Tensor)
    case triangularSolve(Tensor, Tensor, upper: Bool, output: Tensor)
    case cholesky(Tensor, output: Tensor)
    case inverse(Tensor, output: Tensor)
    case determinant(Tensor, output: Tensor)
    case symmetricEigenvalues(Tensor, values: Tensor, vectors: Tensor)
    case symmetricEigenvectors(Tensor, values: Tensor, vectors: Tensor)
    case qrQ(Tensor, q: Tensor, r: Tensor)
    case qrR(Tensor, q: Tensor, r: Tensor)
    case svdU(Tensor, u: Tensor, s: Tensor, vt: Tensor)
    case svdS(Tensor, u: Tensor, s: Tensor, vt: Tensor)
    case svdVt(Tensor, u: Tensor, s: Tensor, vt: Tensor)
    case leastSquares(Tensor, Tensor, output: Tensor)

    // MARK: convolution and pooling
    // Boxed (`indirect`): their geometry is large, and every tensor carries a record's inline size.
    indirect case convolution2d(Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry)
    indirect case convolutionTranspose2d(Tensor, weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry)
    indirect case maxPool2d(Tensor, indices: Tensor, geometry: PoolingGeometry)
    indirect case avgPool2d(Tensor, geometry: PoolingGeometry, countIncludePad: Bool)
    indirect case adaptiveAvgPool2d(Tensor, geometry: PoolingGeometry)
    case embedding(weight: Tensor, indices: Tensor, paddingIndex: Int?)

    // MARK: normalisation
    // Backward rule in Tensor+LayerNorm.swift. Boxed: five tensors would widen every record.
    indirect case layerNorm(Tensor, weight: Tensor?, bias: Tensor?, mean: Tensor, inverseStandardDeviation: Tensor)

    /// Calls `body` on each tensor input of the operation (saved outputs excluded).
    func forEachInput(_ body: (Tensor) -> Void) {
        switch self {
        case .add(let a, let b), .subtract(let a, let b), .multiply(let a, let b), .divide(let a, let b),
             .power(let a, let b, _), .maximum(let a, let b), .minimum(let a, let b), .matmul(let a, let b),
             .select(_, let a, let b):
            body(a); body(b)
        case .addScalar(let x), .multiplyScalar(let x, _), .powerScalar(let x, _), .scalarPower(_, let x, _),
             .scalarDivide(_, let x, _), .negate(let x), .absolute(let x), .exp(let x, _), .log(let x),
             .log1p(let x), .sqrt(let x, _), .rsqrt(let x, _), .sin(let x), .cos(let x), .tanh(let x, _),
             .sigmoid(let x, _), .relu(let x), .leakyRelu(let x, _), .elu(let x, _), .gelu(let x, _),
             .silu(let x), .softplus(let x, _, _), .clamp(let x, _, _), .convert(let x),
             .sum(let x, _, _), .product(let x, _, _, _), .extremum(let x, _, _, _), .cumulativeSum(let x, _),
             .reshape(let x), .permute(let x, _), .expand(let x), .slice(let x, _), .copy(let x),
             .gather(let x, _, _), .indexSelect(let x, _, _), .maskedFill(let x, _), .maskedSelect(let x, _),
             .pad(let x, _), .tile(let x, _), .softmax(let x, _, _), .logSoftmax(let x, _, _):
            body(x)
        case .scatterAdd(let x, _, _, let source):
            body(x); body(source)
        case .linear(let x, let weight, let bias):
            body(x); body(weight); body(bias)
        case .concatenate(let parts, _):
            parts.forEach(body)
        case .linearSolve(let a, let b, _), .triangularSolve(let a, let b, _, _), .leastSquares(let a, let b, _):
            body(a); body(b)
        case .cholesky(let x, _), .inverse(let x, _), .determinant(let x, _), .symmetricEigenvalues(let x, _, _),
             .symmetricEigenvectors(let x, _, _), .qrQ(let x, _, _), .qrR(let x, _, _), .svdU(let x, _, _, _),
             .svdS(let x, _, _, _), .svdVt(let x, _, _, _):
            body(x)
        case .convolution2d(let x, let weight, let bias, _), .convolutionTranspose2d(let x, let weight, let bias, _):
            body(x); body(weight); bias.map(body)
        case .maxPool2d(let x, _, _), .avgPool2d(let x, _, _), .adaptiveAvgPool2d(let x, _), .embedding(let x, _, _):
            body(x)
        case .layerNorm(let x, let weight, let bias, _, _):
            body(x); weight.map(body); bias.map(body)
        }
    }
}

/// One axis of a slice: `start`, `start + step`, … for `count` elements.
struct StridedRange: Sendable {
    var start: Int
    var step: Int
    var count: Int
}
