import Flint
import FlintNN

// Multi-head attention and the Transformer encoder layer, decomposed into MatMul, Softmax and reshapes
// (opset 17 has no attention operator), in the same order of operations as FlintNN's forward.

extension ONNXGraphBuilder {
    /// Self-attention of `attention` on `input` (in the layer's own layout), with an optional additive
    /// (float) or blocking (bool, true = masked) `attentionMask` of shape [length, length], or a causal
    /// mask. Masks are constants of the example's sequence length, which the exported graph then needs.
    ///
    /// ```swift
    /// let attended = try graph.selfAttention(block.attention, input: tokens, isCausal: true)
    /// ```
    public func selfAttention(_ attention: MultiheadAttention, input: ONNXValue, attentionMask: Tensor? = nil,
                              isCausal: Bool = false) throws -> ONNXValue {
        guard input.rank == 3, input.shape[2] == attention.embedDimension else {
            throw unsupported(attention, "expects a batched input [.., .., \(attention.embedDimension)], got shape \(input.shape)")
        }
        let example = attention(query: input.example, key: input.example, value: input.example, attentionMask: attentionMask,
                                isCausal: isCausal, needWeights: false).output
        let length = attention.batchFirst ? input.shape[1] : input.shape[0]
        let mask = attentionMask ?? (isCausal ? causalAttentionMask(size: length, dtype: input.example.dtype) : nil)
        if let mask, mask.shape != [length, length] {
            throw unsupported(attention, "only a [\(length), \(length)] attention mask exports, got shape \(mask.shape)")
        }
        let dtype = input.example.dtype
        let embed = attention.embedDimension, heads = attention.headCount, headSize = embed / heads
        let x = attention.batchFirst ? input.name : node("Transpose", [input.name], attributes: [.ints("perm", [1, 0, 2])])[0]
        let weights = attention.inProjWeight.value.chunked(3, axis: 0)
        let biases = attention.inProjBias?.value.chunked(3, axis: 0)
        let names = ["q", "k", "v"]
        // [N, L, E] -> [N, heads, L, headSize]
        func project(_ index: Int) -> String {
            var projected = node("MatMul", [x, parameter(weights[index].transposed().contiguous(), named: "in_proj_\(names[index])_transposed")])[0]
            if let biases { projected = node("Add", [projected, parameter(biases[index], named: "in_proj_\(names[index])_bias")])[0] }
            let split = node("Reshape", [projected, constant(int64s: [0, 0, heads, headSize])])[0]
            return node("Transpose", [split], attributes: [.ints("perm", [0, 2, 1, 3])])[0]
        }
        let queries = node("Mul", [project(0), scalar(1 / Double(headSize).squareRoot(), dtype: dtype)])[0]
        let keys = node("Transpose", [project(1)], attributes: [.ints("perm", [0, 1, 3, 2])])[0]
        let values = project(2)
        var scores = node("MatMul", [queries, keys])[0]
        if let mask {
            if mask.dtype == .bool {
                scores = node("Where", [constant(mask, hint: "attention_mask"), scalar(-Double.infinity, dtype: dtype), scores])[0]
            } else {
                scores = node("Add", [scores, constant(mask.to(dtype), hint: "attention_mask")])[0]
            }
        }
        let probabilities = node("Softmax", [scores], attributes: [.int("axis", -1)])[0]
        let context = node("Transpose", [node("MatMul", [probabilities, values])[0]], attributes: [.ints("perm", [0, 2, 1, 3])])[0]
        let merged = node("Reshape", [context, constant(int64s: [0, 0, embed])])[0]
        var output = node("MatMul", [merged, parameter(attention.outProj.weight.value.transposed().contiguous(), named: "out_proj.weight_transposed")])[0]
        if let bias = attention.outProj.bias { output = node("Add", [output, parameter(bias.value, named: "out_proj.bias")])[0] }
        if !attention.batchFirst { output = node("Transpose", [output], attributes: [.ints("perm", [1, 0, 2])])[0] }
        return value(output, example, like: input)
    }
}

extension MultiheadAttention: ONNXExportable {
    /// Self-attention (query, key and value all the input), as `forward` computes it.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try graph.selfAttention(self, input: input)
    }
}

extension TransformerEncoderLayer: ONNXExportable {
    /// Self-attention and the feed-forward block with their residual sums and LayerNorms, post-norm or
    /// pre-norm as the layer is built; dropout is the identity (evaluation mode).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try encode(input, into: graph, attentionMask: nil, isCausal: false)
    }

    /// The layer with a constant attention mask ([length, length]) or a causal one; see
    /// ``ONNXGraphBuilder/selfAttention(_:input:attentionMask:isCausal:)``.
    ///
    /// ```swift
    /// let encoded = try layer.encode(tokens, into: graph, attentionMask: nil, isCausal: true)
    /// ```
    public func encode(_ input: ONNXValue, into graph: ONNXGraphBuilder, attentionMask: Tensor?, isCausal: Bool) throws -> ONNXValue {
        func attentionBlock(_ x: ONNXValue) throws -> ONNXValue {
            try graph.apply(AttentionStep(selfAttn, mask: attentionMask, isCausal: isCausal), to: x, named: "self_attn")
        }
        func feedForward(_ x: ONNXValue) throws -> ONNXValue {
            let hidden = try graph.apply(linear1, to: x, named: "linear1")
            let activated: ONNXValue
            switch activation {
            case .relu: activated = graph.relu(hidden)
            case .gelu: activated = graph.value(graph.gelu(hidden.name, dtype: hidden.example.dtype, approximation: .none),
                                                hidden.example.gelu(), like: hidden)
            }
            return try graph.apply(linear2, to: activated, named: "linear2")
        }
        var x = input
        if normFirst {
            x = graph.add(x, try attentionBlock(try graph.apply(norm1, to: x, named: "norm1")))
            x = graph.add(x, try feedForward(try graph.apply(norm2, to: x, named: "norm2")))
        } else {
            x = try graph.apply(norm1, to: graph.add(x, try attentionBlock(x)), named: "norm1")
            x = try graph.apply(norm2, to: graph.add(x, try feedForward(x)), named: "norm2")
        }
        return x
    }
}

/// Self-attention with masks, as a module so that its weights are named under the attention's path.
private final class AttentionStep: Module, ONNXExportable {
    let attention: MultiheadAttention
    let mask: Tensor?
    let isCausal: Bool

    init(_ attention: MultiheadAttention, mask: Tensor?, isCausal: Bool) {
        (self.attention, self.mask, self.isCausal) = (attention, mask, isCausal)
    }

    override var layerDescription: String { attention.layerDescription }

    func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try graph.selfAttention(attention, input: input, attentionMask: mask, isCausal: isCausal)
    }
}
