import Flint

/// Group normalisation, as `torch.nn.GroupNorm`: the channels of each sample are split into
/// `groupCount` groups, each normalised by its own mean and biased variance, then scaled and shifted
/// per channel. It behaves the same in training and evaluation and does not depend on the batch size.
///
/// ```swift
/// let norm = GroupNorm(groupCount: 8, channelCount: 64)
/// norm(Tensor.randn([2, 64, 16, 16])).shape  // [2, 64, 16, 16]
/// ```
public final class GroupNorm: Module {
    /// `[channelCount]` scales (ones at first), or nil without `affine`.
    public let weight: Parameter?
    /// `[channelCount]` shifts (zeros at first), or nil without `affine`.
    public let bias: Parameter?
    /// The number of groups the channels are split into.
    public let groupCount: Int
    /// The number of channels `C` (a multiple of `groupCount`).
    public let channelCount: Int
    /// Added to the variance before its square root.
    public let epsilon: Double

    /// Group normalisation of `channelCount` channels in `groupCount` groups.
    ///
    /// ```swift
    /// GroupNorm(groupCount: 1, channelCount: 32, affine: false)  // layer normalisation over [C, H, W]
    /// ```
    public init(groupCount: Int, channelCount: Int, epsilon: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) {
        precondition(groupCount > 0 && channelCount > 0 && channelCount % groupCount == 0,
                     "GroupNorm: the \(channelCount) channels must split evenly into \(groupCount) groups")
        precondition(dtype.isFloatingPoint, "GroupNorm: needs a float32 or float64 dtype, got \(dtype)")
        (self.groupCount, self.channelCount, self.epsilon) = (groupCount, channelCount, epsilon)
        weight = affine ? Parameter(Tensor.ones([channelCount], dtype: dtype)) : nil
        bias = affine ? Parameter(Tensor.zeros([channelCount], dtype: dtype)) : nil
    }

    /// The normalised `input` (`[N, C, …]`).
    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 2 && input.shape[1] == channelCount,
                     "GroupNorm(\(groupCount), \(channelCount)): expected an input [N, \(channelCount), …], got shape \(input.shape)")
        let batch = input.shape[0]
        let grouped = input.reshaped([batch, groupCount, -1])
        let centered = grouped - grouped.mean(axis: 2, keepDims: true)
        let variance = (centered * centered).mean(axis: 2, keepDims: true)
        let normalized = (centered * (variance + epsilon).rsqrt()).reshaped(input.shape)
        guard let weight, let bias else { return normalized }
        let broadcastShape = [1, channelCount] + [Int](repeating: 1, count: input.rank - 2)
        return normalized * weight.value.reshaped(broadcastShape) + bias.value.reshaped(broadcastShape)
    }

    /// `GroupNorm(8 groups, 64 channels)`.
    public override var layerDescription: String {
        "GroupNorm(\(groupCount) groups, \(channelCount) channels" + (epsilon == 1e-5 ? "" : ", epsilon: \(epsilon)")
            + (weight == nil ? ", affine: false" : "") + ")"
    }
}

/// Root-mean-square normalisation over the trailing `normalizedShape` dimensions, as PyTorch 2.4's
/// `torch.nn.RMSNorm`: `y = x / √(mean(x²) + ε) · weight`, with ε the machine epsilon of the input's
/// dtype when not given (`torch.finfo(dtype).eps`). Used in LLaMA-style transformers.
///
/// ```swift
/// let norm = RMSNorm(512)
/// norm(Tensor.randn([4, 10, 512])).shape  // [4, 10, 512]
/// ```
public final class RMSNorm: Module {
    /// Scales of shape `normalizedShape` (ones at first), or nil without `elementwiseAffine`.
    public let weight: Parameter?
    /// The trailing dimensions normalised together.
    public let normalizedShape: [Int]
    /// Added to the mean square; nil means the machine epsilon of the input's dtype.
    public let epsilon: Double?

    /// RMS normalisation over the trailing dimensions `normalizedShape`.
    ///
    /// ```swift
    /// RMSNorm([10, 512], epsilon: 1e-6)
    /// ```
    public init(_ normalizedShape: [Int], epsilon: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .float32) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                     "RMSNorm: the normalised shape must be non-empty and positive, got \(normalizedShape)")
        precondition(dtype.isFloatingPoint, "RMSNorm: needs a float32 or float64 dtype, got \(dtype)")
        (self.normalizedShape, self.epsilon) = (normalizedShape, epsilon)
        weight = elementwiseAffine ? Parameter(Tensor.ones(normalizedShape, dtype: dtype)) : nil
    }

    /// RMS normalisation over the last dimension of size `size`.
    ///
    /// ```swift
    /// RMSNorm(4096)
    /// ```
    public convenience init(_ size: Int, epsilon: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .float32) {
        self.init([size], epsilon: epsilon, elementwiseAffine: elementwiseAffine, dtype: dtype)
    }

    /// The normalised `input` (`[…, normalizedShape]`).
    public override func forward(_ input: Tensor) -> Tensor {
        let trailing = normalizedShape.count
        precondition(input.rank >= trailing && Array(input.shape.suffix(trailing)) == normalizedShape,
                     "RMSNorm(\(normalizedShape)): the input's trailing dimensions must be \(normalizedShape), got shape \(input.shape)")
        precondition(input.dtype.isFloatingPoint, "RMSNorm(\(normalizedShape)): needs a float input, got \(input.dtype)")
        let machineEpsilon = input.dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne)
        let axes = Array((input.rank - trailing)..<input.rank)
        let normalized = input * ((input * input).mean(axes: axes, keepDims: true) + (epsilon ?? machineEpsilon)).rsqrt()
        return weight.map { normalized * $0.value } ?? normalized
    }

    /// `RMSNorm([512])`.
    public override var layerDescription: String {
        "RMSNorm(\(normalizedShape)" + (epsilon.map { ", epsilon: \($0)" } ?? "")
            + (weight == nil ? ", elementwiseAffine: false" : "") + ")"
    }
}
