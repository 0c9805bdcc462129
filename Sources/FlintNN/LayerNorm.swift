import Flint

/// Layer normalisation (Ba et al., 2016) over the last dimensions of the input, as PyTorch's
/// `nn.LayerNorm`: `(x - mean) / sqrt(variance + eps) * weight + bias`, with the biased variance
/// over the trailing `normalizedShape` dimensions.
///
/// The weight starts at one and the bias at zero (PyTorch's initialisation); their keys are
/// `weight` and `bias`. It runs the fused ``Flint/Tensor/layerNorm(normalizedShape:weight:bias:eps:)``.
///
/// ```swift
/// let norm = LayerNorm(512)
/// let normalised = norm(Tensor.randn([8, 16, 512]))  // [8, 16, 512]
/// print(norm)                                        // LayerNorm([512], eps: 1e-05)  # 1,024 parameters
/// ```
public final class LayerNorm: Module {
    /// The learned scale, of shape `normalizedShape`, or nil without elementwise affine parameters.
    public let weight: Parameter?
    /// The learned shift, of shape `normalizedShape`, or nil without a bias.
    public let bias: Parameter?
    /// The trailing dimensions normalised together.
    public let normalizedShape: [Int]
    /// Added to the variance before the square root.
    public let eps: Double

    /// A layer normalising the trailing dimensions `normalizedShape`.
    ///
    /// `elementwiseAffine: false` drops both learned tensors; `bias: false` keeps only the weight.
    ///
    /// ```swift
    /// let norm = LayerNorm([4, 4], eps: 1e-6, bias: false, dtype: .float64)
    /// ```
    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                     "LayerNorm: normalizedShape must be non-empty with positive sizes, got \(normalizedShape)")
        precondition(eps >= 0, "LayerNorm: eps must not be negative, got \(eps)")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape, dtype: dtype)) : nil
        self.bias = elementwiseAffine && bias ? Parameter(Tensor.zeros(normalizedShape, dtype: dtype)) : nil
    }

    /// A layer normalising the last dimension, of size `normalizedSize`.
    ///
    /// ```swift
    /// let norm = LayerNorm(256)
    /// ```
    public convenience init(_ normalizedSize: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                            dtype: DType = .float32) {
        self.init([normalizedSize], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, dtype: dtype)
    }

    /// The input normalised over its trailing `normalizedShape` dimensions, scaled and shifted.
    public override func forward(_ input: Tensor) -> Tensor {
        let count = normalizedShape.count
        precondition(input.rank >= count && Array(input.shape.suffix(count)) == normalizedShape,
                     "LayerNorm(\(normalizedShape)): the input's trailing dimensions must be \(normalizedShape), got shape \(input.shape)")
        return input.layerNorm(normalizedShape: normalizedShape, weight: weight?.value, bias: bias?.value, eps: eps)
    }

    /// `LayerNorm([512], eps: 1e-05)`.
    public override var layerDescription: String {
        let shape = "[" + normalizedShape.map(String.init).joined(separator: ", ") + "]"
        let options = weight == nil ? ", elementwiseAffine: false" : (bias == nil ? ", bias: false" : "")
        return "LayerNorm(\(shape), eps: \(eps)\(options))"
    }
}
