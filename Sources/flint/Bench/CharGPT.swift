import Flint
import FlintNN

/// The character-level GPT of the `gpt-train` workload (BENCHMARKS.md): token and position
/// embeddings, pre-LayerNorm blocks of causal multi-head attention and a 4× GELU MLP, a final
/// LayerNorm and a linear head.
final class CharGPT: Module {
    let tokenEmbedding: Embedding
    let positionEmbedding: Embedding
    let blocks: [Module]
    let finalNorm: LayerNorm
    let head: Linear
    let vocabularySize: Int

    init(vocabularySize: Int = 65, modelSize: Int = 128, layerCount: Int = 4, headCount: Int = 4, context: Int = 64) {
        self.vocabularySize = vocabularySize
        tokenEmbedding = Embedding(vocabularySize, modelSize)
        positionEmbedding = Embedding(context, modelSize)
        blocks = (0..<layerCount).map { _ in GPTBlock(modelSize: modelSize, headCount: headCount) }
        finalNorm = LayerNorm([modelSize])
        head = Linear(modelSize, vocabularySize)
    }

    /// Logits `[batch, length, vocabulary]` for token indices `[batch, length]`.
    override func forward(_ tokens: Tensor) -> Tensor {
        let positions = Tensor.arange(tokens.shape[1])
        var x = tokenEmbedding(tokens) + positionEmbedding(positions)
        for block in blocks { x = block(x) }
        return head(finalNorm(x))
    }
}

/// One pre-LayerNorm transformer block with causal self-attention.
final class GPTBlock: Module {
    let norm1: LayerNorm
    let attention: MultiheadAttention
    let norm2: LayerNorm
    let feedForward: Sequential

    init(modelSize: Int, headCount: Int) {
        norm1 = LayerNorm([modelSize])
        attention = MultiheadAttention(embedDimension: modelSize, headCount: headCount, batchFirst: true)
        norm2 = LayerNorm([modelSize])
        feedForward = Sequential(Linear(modelSize, 4 * modelSize), GELU(), Linear(4 * modelSize, modelSize))
    }

    override func forward(_ x: Tensor) -> Tensor {
        let normalized = norm1(x)
        let attended = attention(query: normalized, key: normalized, value: normalized, isCausal: true, needWeights: false).output
        let residual = x + attended
        return residual + feedForward(norm2(residual))
    }
}
