import Flint

/// Multi-head scaled dot-product attention (PyTorch's `nn.MultiheadAttention`, with key and value
/// sizes equal to the embedding size).
///
/// The query, key and value projections are stacked in `in_proj_weight` (`[3 E, E]`, xavier-uniform)
/// and `in_proj_bias` (`[3 E]`, zeros); the output projection is `out_proj` (a ``Linear`` with PyTorch's
/// initialisation and a zero bias). Inputs are `[L, N, E]` (`[N, L, E]` with `batchFirst`) or
/// unbatched `[L, E]`.
///
/// ```swift
/// let attention = MultiheadAttention(embedDimension: 64, headCount: 8, batchFirst: true)
/// let x = Tensor.randn([2, 10, 64])
/// let (output, weights) = attention(query: x, key: x, value: x, isCausal: true)
/// // output [2, 10, 64], weights [2, 10, 10] (averaged over heads)
/// ```
public final class MultiheadAttention: Module {
    /// The stacked query, key and value projection weights, `[3 E, E]`.
    public let inProjWeight: Parameter
    /// The stacked projection biases, `[3 E]`, or nil without biases.
    public let inProjBias: Parameter?
    /// The output projection, `E => E`.
    public let outProj: Linear
    /// The model size E.
    public let embedDimension: Int
    /// How many heads share E (each of size E / headCount).
    public let headCount: Int
    /// The dropout probability on the attention weights (training only).
    public let dropout: Double
    /// Whether inputs are `[N, L, E]` rather than `[L, N, E]`.
    public let batchFirst: Bool

    /// An attention layer; `embedDimension` must be a multiple of `headCount`.
    ///
    /// ```swift
    /// let attention = MultiheadAttention(embedDimension: 512, headCount: 8, dropout: 0.1)
    /// ```
    public init(embedDimension: Int, headCount: Int, dropout: Double = 0, bias: Bool = true, batchFirst: Bool = false,
                dtype: DType = .float32) {
        precondition(embedDimension > 0 && headCount > 0 && embedDimension % headCount == 0,
                     "MultiheadAttention: embedDimension (\(embedDimension)) must be a positive multiple of headCount (\(headCount))")
        precondition(dropout >= 0 && dropout < 1, "MultiheadAttention: dropout must be in [0, 1), got \(dropout)")
        self.embedDimension = embedDimension
        self.headCount = headCount
        self.dropout = dropout
        self.batchFirst = batchFirst
        // xavier_uniform_: fan_in E, fan_out 3 E.
        let bound = (6 / Double(4 * embedDimension)).squareRoot()
        inProjWeight = Parameter(Tensor.uniform([3 * embedDimension, embedDimension], low: -bound, high: bound, dtype: dtype))
        inProjBias = bias ? Parameter(Tensor.zeros([3 * embedDimension], dtype: dtype)) : nil
        outProj = Linear(embedDimension, embedDimension, bias: bias, dtype: dtype)
        outProj.bias?.value = Tensor.zeros([embedDimension], dtype: dtype)
    }

    /// Attends from `query` (`[L, N, E]`) to `key` and `value` (`[S, N, E]`), batch first if the layer
    /// is, or unbatched (`[L, E]`, `[S, E]`).
    ///
    /// - `keyPaddingMask`: `[N, S]` (unbatched `[S]`), bool (true = ignore that key) or float (added to the scores).
    /// - `attentionMask`: `[L, S]` or `[N * headCount, L, S]`, bool (true = not allowed) or float (added).
    /// - `isCausal`: masks future keys with the causal mask when `attentionMask` is nil (with a mask,
    ///   the mask is used as given, as PyTorch treats the flag as a hint).
    /// - `needWeights`: also return the attention weights averaged over heads (`[N, L, S]`, unbatched `[L, S]`).
    ///
    /// ```swift
    /// let (output, _) = attention(query: x, key: memory, value: memory, keyPaddingMask: padding, needWeights: false)
    /// ```
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil,
                               attentionMask: Tensor? = nil, isCausal: Bool = false,
                               needWeights: Bool = true) -> (output: Tensor, weights: Tensor?) {
        let e = embedDimension
        precondition(query.rank == key.rank && key.rank == value.rank && (query.rank == 2 || query.rank == 3),
                     "MultiheadAttention: query, key and value must all be batched (rank 3) or all unbatched (rank 2), got shapes \(query.shape), \(key.shape), \(value.shape)")
        precondition(query.shape.last == e && key.shape.last == e && value.shape.last == e,
                     "MultiheadAttention(\(e), heads: \(headCount)): the last dimension of query, key and value must be \(e), got shapes \(query.shape), \(key.shape), \(value.shape)")
        precondition(key.shape == value.shape, "MultiheadAttention: key and value shapes differ: \(key.shape) and \(value.shape)")
        let unbatched = query.rank == 2
        // Batch-first working layout [N, L, E].
        func batchFirstLayout(_ tensor: Tensor) -> Tensor {
            unbatched ? tensor.unsqueezed(axis: 0) : (batchFirst ? tensor : tensor.transposed(0, 1))
        }
        let q = batchFirstLayout(query), k = batchFirstLayout(key), v = batchFirstLayout(value)
        precondition(q.shape[0] == k.shape[0], "MultiheadAttention: query batch \(q.shape[0]) and key batch \(k.shape[0]) differ")
        let batch = q.shape[0], targetLength = q.shape[1], sourceLength = k.shape[1]
        let headSize = e / headCount

        let weights = inProjWeight.value.chunked(3, axis: 0)
        let biases = inProjBias.map { $0.value.chunked(3, axis: 0) }
        func project(_ x: Tensor, _ index: Int, length: Int) -> Tensor {
            let projected = x.linear(weight: weights[index], bias: biases?[index])
            // [N, length, heads, headSize] -> [N, heads, length, headSize]
            return projected.reshaped([batch, length, headCount, headSize]).permuted([0, 2, 1, 3])
        }
        let queries = project(q, 0, length: targetLength) * (1 / Double(headSize).squareRoot())
        let keys = project(k, 1, length: sourceLength), values = project(v, 2, length: sourceLength)
        var scores = queries.matmul(keys.transposed())  // [N, heads, L, S]

        // Without an explicit mask, the causal mask is applied by causalSoftmax (no mask tensor).
        let causal = attentionMask == nil && isCausal
        if let attentionMask {
            scores = applyMask(scores, attentionMask: attentionMask, batch: batch, targetLength: targetLength, sourceLength: sourceLength)
        }
        if let keyPaddingMask {
            let expected = unbatched ? [sourceLength] : [batch, sourceLength]
            precondition(keyPaddingMask.shape == expected,
                         "MultiheadAttention: keyPaddingMask must have shape \(expected), got \(keyPaddingMask.shape)")
            let mask = keyPaddingMask.reshaped([batch, 1, 1, sourceLength])
            scores = mask.dtype == .bool ? scores.maskedFill(mask, with: -.infinity) : scores + mask.to(scores.dtype)
        }
        var attention = causal ? scores.causalSoftmax() : scores.softmax(axis: -1)
        if isTraining && dropout > 0 {
            let keep = Tensor.bernoulli(attention.shape, probability: 1 - dropout, dtype: attention.dtype)
            attention = attention * (keep * (1 / (1 - dropout)))
        }
        let context = attention.matmul(values).permuted([0, 2, 1, 3]).reshaped([batch, targetLength, e])
        var output = outProj(context)
        output = unbatched ? output.squeezed(axis: 0) : (batchFirst ? output : output.transposed(0, 1))
        guard needWeights else { return (output, nil) }
        let averaged = attention.mean(axis: 1)
        return (output, unbatched ? averaged.squeezed(axis: 0) : averaged)
    }

    /// Self-attention of `input` with itself, without masks: the attended output only.
    public override func forward(_ input: Tensor) -> Tensor {
        callAsFunction(query: input, key: input, value: input, needWeights: false).output
    }

    /// `MultiheadAttention(64, heads: 8)`.
    public override var layerDescription: String {
        "MultiheadAttention(\(embedDimension), heads: \(headCount)\(dropout > 0 ? ", dropout: \(dropout)" : "")\(batchFirst ? ", batchFirst" : ""))"
    }

    /// The scores with a bool (true = masked) or additive float attention mask of shape `[L, S]` or
    /// `[N * heads, L, S]`.
    private func applyMask(_ scores: Tensor, attentionMask: Tensor, batch: Int, targetLength: Int, sourceLength: Int) -> Tensor {
        let mask: Tensor
        if attentionMask.shape == [targetLength, sourceLength] {
            mask = attentionMask
        } else {
            precondition(attentionMask.shape == [batch * headCount, targetLength, sourceLength],
                         "MultiheadAttention: attentionMask must have shape \([targetLength, sourceLength]) or \([batch * headCount, targetLength, sourceLength]), got \(attentionMask.shape)")
            mask = attentionMask.reshaped([batch, headCount, targetLength, sourceLength])
        }
        return mask.dtype == .bool ? scores.maskedFill(mask, with: -.infinity) : scores + mask.to(scores.dtype)
    }
}

/// PyTorch's `nn.Transformer.generate_square_subsequent_mask`: a `[size, size]` float mask with
/// `-inf` above the diagonal and zeros elsewhere, to add to attention scores.
///
/// ```swift
/// let mask = causalAttentionMask(size: 4)  // row i allows keys 0...i
/// ```
public func causalAttentionMask(size: Int, dtype: DType = .float32) -> Tensor {
    precondition(size > 0, "causalAttentionMask: size must be positive, got \(size)")
    let future = Tensor.arange(size).reshaped([1, size]) .> Tensor.arange(size).reshaped([size, 1])
    return Tensor.zeros([size, size], dtype: dtype).maskedFill(future, with: -.infinity)
}
