import Flint

/// The activation between a transformer layer's two feed-forward projections.
///
/// ```swift
/// TransformerEncoderLayer(modelSize: 256, headCount: 4, activation: .gelu)
/// ```
public enum TransformerActivation: String, Sendable {
    /// `max(x, 0)` (PyTorch's default).
    case relu
    /// The exact GELU.
    case gelu

    func apply(_ input: Tensor) -> Tensor { self == .relu ? input.relu() : input.gelu() }
}

/// One transformer encoder block (PyTorch's `nn.TransformerEncoderLayer`): self-attention then a
/// feed-forward network, each with a residual connection and layer normalisation, after the sum
/// (post-norm, PyTorch's default) or before each block (`normFirst`, pre-norm).
///
/// Keys: `self_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`; the dropout layers are
/// children `dropout`, `dropout1` and `dropout2` as in PyTorch.
///
/// ```swift
/// let layer = TransformerEncoderLayer(modelSize: 64, headCount: 4, feedForwardSize: 256, batchFirst: true)
/// let encoded = layer(Tensor.randn([2, 10, 64]))  // [2, 10, 64]
/// ```
public final class TransformerEncoderLayer: Module {
    /// The self-attention block.
    public let selfAttn: MultiheadAttention
    /// The first feed-forward projection, modelSize => feedForwardSize.
    public let linear1: Linear
    /// Dropout after the activation of the feed-forward block.
    public let dropout: Dropout
    /// The second feed-forward projection, feedForwardSize => modelSize.
    public let linear2: Linear
    /// The normalisation around the attention block.
    public let norm1: LayerNorm
    /// The normalisation around the feed-forward block.
    public let norm2: LayerNorm
    /// Dropout on the attention block's output.
    public let dropout1: Dropout
    /// Dropout on the feed-forward block's output.
    public let dropout2: Dropout
    /// The feed-forward activation.
    public let activation: TransformerActivation
    /// Whether normalisation comes before each block (pre-norm) rather than after the residual sum.
    public let normFirst: Bool

    /// An encoder layer with PyTorch's defaults (feed-forward 2048, dropout 0.1, relu, eps 1e-5, post-norm).
    ///
    /// ```swift
    /// let layer = TransformerEncoderLayer(modelSize: 512, headCount: 8, normFirst: true)
    /// ```
    public init(modelSize: Int, headCount: Int, feedForwardSize: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true, dtype: DType = .float32) {
        selfAttn = MultiheadAttention(embedDimension: modelSize, headCount: headCount, dropout: dropout, bias: bias,
                                      batchFirst: batchFirst, dtype: dtype)
        linear1 = Linear(modelSize, feedForwardSize, bias: bias, dtype: dtype)
        self.dropout = Dropout(probability: dropout)
        linear2 = Linear(feedForwardSize, modelSize, bias: bias, dtype: dtype)
        norm1 = LayerNorm(modelSize, eps: layerNormEps, bias: bias, dtype: dtype)
        norm2 = LayerNorm(modelSize, eps: layerNormEps, bias: bias, dtype: dtype)
        dropout1 = Dropout(probability: dropout)
        dropout2 = Dropout(probability: dropout)
        self.activation = activation
        self.normFirst = normFirst
    }

    /// Encodes `source` (`[S, N, E]`, batch first if the layer is, or unbatched `[S, E]`); the masks
    /// go to the self-attention as in ``MultiheadAttention``.
    ///
    /// ```swift
    /// let encoded = layer(tokens, keyPaddingMask: padding)
    /// ```
    public func callAsFunction(_ source: Tensor, mask: Tensor? = nil, keyPaddingMask: Tensor? = nil,
                               isCausal: Bool = false) -> Tensor {
        encode(source, mask: mask, keyPaddingMask: keyPaddingMask, isCausal: isCausal)
    }

    /// The layer without masks.
    public override func forward(_ input: Tensor) -> Tensor {
        encode(input, mask: nil, keyPaddingMask: nil, isCausal: false)
    }

    private func encode(_ source: Tensor, mask: Tensor?, keyPaddingMask: Tensor?, isCausal: Bool) -> Tensor {
        var x = source
        func attentionBlock(_ input: Tensor) -> Tensor {
            dropout1(selfAttn(query: input, key: input, value: input, keyPaddingMask: keyPaddingMask,
                              attentionMask: mask, isCausal: isCausal, needWeights: false).output)
        }
        if normFirst {
            x = x + attentionBlock(norm1(x))
            x = x + feedForward(norm2(x))
        } else {
            x = norm1(x + attentionBlock(x))
            x = norm2(x + feedForward(x))
        }
        return x
    }

    private func feedForward(_ input: Tensor) -> Tensor {
        dropout2(linear2(dropout(activation.apply(linear1(input)))))
    }

    /// `TransformerEncoderLayer(512, heads: 8, feedForward: 2048, post-norm)`.
    public override var layerDescription: String {
        "TransformerEncoderLayer(\(norm1.normalizedShape[0]), heads: \(selfAttn.headCount), feedForward: \(linear1.outputFeatures), \(activation.rawValue), \(normFirst ? "pre-norm" : "post-norm"))"
    }
}

/// One transformer decoder block (PyTorch's `nn.TransformerDecoderLayer`): self-attention,
/// attention over the encoder's memory, then a feed-forward network, each with a residual
/// connection and layer normalisation (post-norm by default, pre-norm with `normFirst`).
///
/// Keys: `self_attn.*`, `multihead_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*`;
/// dropout children `dropout`, `dropout1`, `dropout2`, `dropout3` as in PyTorch.
///
/// ```swift
/// let layer = TransformerDecoderLayer(modelSize: 64, headCount: 4, feedForwardSize: 256)
/// let decoded = layer(Tensor.randn([7, 2, 64]), memory: Tensor.randn([10, 2, 64]), targetIsCausal: true)
/// ```
public final class TransformerDecoderLayer: Module {
    /// The self-attention block over the target.
    public let selfAttn: MultiheadAttention
    /// The attention block from the target to the memory.
    public let multiheadAttn: MultiheadAttention
    /// The first feed-forward projection, modelSize => feedForwardSize.
    public let linear1: Linear
    /// Dropout after the activation of the feed-forward block.
    public let dropout: Dropout
    /// The second feed-forward projection, feedForwardSize => modelSize.
    public let linear2: Linear
    /// The normalisation around the self-attention block.
    public let norm1: LayerNorm
    /// The normalisation around the memory attention block.
    public let norm2: LayerNorm
    /// The normalisation around the feed-forward block.
    public let norm3: LayerNorm
    /// Dropout on the self-attention block's output.
    public let dropout1: Dropout
    /// Dropout on the memory attention block's output.
    public let dropout2: Dropout
    /// Dropout on the feed-forward block's output.
    public let dropout3: Dropout
    /// The feed-forward activation.
    public let activation: TransformerActivation
    /// Whether normalisation comes before each block (pre-norm) rather than after the residual sum.
    public let normFirst: Bool

    /// A decoder layer with PyTorch's defaults (feed-forward 2048, dropout 0.1, relu, eps 1e-5, post-norm).
    ///
    /// ```swift
    /// let layer = TransformerDecoderLayer(modelSize: 512, headCount: 8, batchFirst: true)
    /// ```
    public init(modelSize: Int, headCount: Int, feedForwardSize: Int = 2048, dropout: Double = 0.1,
                activation: TransformerActivation = .relu, layerNormEps: Double = 1e-5, batchFirst: Bool = false,
                normFirst: Bool = false, bias: Bool = true, dtype: DType = .float32) {
        selfAttn = MultiheadAttention(embedDimension: modelSize, headCount: headCount, dropout: dropout, bias: bias,
                                      batchFirst: batchFirst, dtype: dtype)
        multiheadAttn = MultiheadAttention(embedDimension: modelSize, headCount: headCount, dropout: dropout, bias: bias,
                                           batchFirst: batchFirst, dtype: dtype)
        linear1 = Linear(modelSize, feedForwardSize, bias: bias, dtype: dtype)
        self.dropout = Dropout(probability: dropout)
        linear2 = Linear(feedForwardSize, modelSize, bias: bias, dtype: dtype)
        norm1 = LayerNorm(modelSize, eps: layerNormEps, bias: bias, dtype: dtype)
        norm2 = LayerNorm(modelSize, eps: layerNormEps, bias: bias, dtype: dtype)
        norm3 = LayerNorm(modelSize, eps: layerNormEps, bias: bias, dtype: dtype)
        dropout1 = Dropout(probability: dropout)
        dropout2 = Dropout(probability: dropout)
        dropout3 = Dropout(probability: dropout)
        self.activation = activation
        self.normFirst = normFirst
    }

    /// Decodes `target` (`[T, N, E]`, batch first if the layer is, or unbatched) against `memory`
    /// (`[S, N, E]`); the target masks go to the self-attention and the memory masks to the memory
    /// attention, as in ``MultiheadAttention``.
    ///
    /// ```swift
    /// let decoded = layer(target, memory: memory, targetMask: causalAttentionMask(size: 7))
    /// ```
    public func callAsFunction(_ target: Tensor, memory: Tensor, targetMask: Tensor? = nil, memoryMask: Tensor? = nil,
                               targetKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil,
                               targetIsCausal: Bool = false, memoryIsCausal: Bool = false) -> Tensor {
        func selfAttentionBlock(_ input: Tensor) -> Tensor {
            dropout1(selfAttn(query: input, key: input, value: input, keyPaddingMask: targetKeyPaddingMask,
                              attentionMask: targetMask, isCausal: targetIsCausal, needWeights: false).output)
        }
        func memoryAttentionBlock(_ input: Tensor) -> Tensor {
            dropout2(multiheadAttn(query: input, key: memory, value: memory, keyPaddingMask: memoryKeyPaddingMask,
                                   attentionMask: memoryMask, isCausal: memoryIsCausal, needWeights: false).output)
        }
        func feedForward(_ input: Tensor) -> Tensor {
            dropout3(linear2(dropout(activation.apply(linear1(input)))))
        }
        var x = target
        if normFirst {
            x = x + selfAttentionBlock(norm1(x))
            x = x + memoryAttentionBlock(norm2(x))
            x = x + feedForward(norm3(x))
        } else {
            x = norm1(x + selfAttentionBlock(x))
            x = norm2(x + memoryAttentionBlock(x))
            x = norm3(x + feedForward(x))
        }
        return x
    }

    /// `TransformerDecoderLayer(512, heads: 8, feedForward: 2048, post-norm)`.
    public override var layerDescription: String {
        "TransformerDecoderLayer(\(norm1.normalizedShape[0]), heads: \(selfAttn.headCount), feedForward: \(linear1.outputFeatures), \(activation.rawValue), \(normFirst ? "pre-norm" : "post-norm"))"
    }
}
