import Flint
import FlintNN
import Foundation

/// The LSTM classifier of `scripts/make_interop_fixtures.py`: tokens `[N, L]` → embedding →
/// 2-layer bidirectional batch-first LSTM → Linear on the last step's output → `[N, 5]`. The
/// property names are PyTorch's keys (`embedding.weight`, `lstm.weight_ih_l0_reverse`, `head.bias`).
final class LSTMClassifier: Module {
    let embedding = Embedding(50, 16)
    let lstm = LSTM(inputSize: 16, hiddenSize: 32, layerCount: 2, batchFirst: true, bidirectional: true)
    let head = Linear(64, 5)

    override func forward(_ tokens: Tensor) -> Tensor {
        head(lstm(embedding(tokens))[TensorIndex.all, -1])
    }
}

/// The transformer of `scripts/make_interop_fixtures.py`: tokens `[N, L]` → embedding → 2 post-norm
/// encoder layers (d 32, 4 heads, feed-forward 64, dropout 0.1, batch first) → Linear on every
/// position → `[N, L, 5]`. Keys: `embedding.*`, `layers.0.self_attn.in_proj_weight`, …, `head.*`.
final class TinyTransformer: Module {
    let embedding = Embedding(50, 32)
    let layers = (0..<2).map { _ in
        TransformerEncoderLayer(modelSize: 32, headCount: 4, feedForwardSize: 64, dropout: 0.1, batchFirst: true)
    }
    let head = Linear(32, 5)

    override func forward(_ tokens: Tensor) -> Tensor {
        var x = embedding(tokens)
        for layer in layers { x = layer(x) }
        return head(x)
    }
}

extension InteropFixtures {
    /// `nn.Sequential(Conv2d(1, 8, 3, padding=1), BatchNorm2d(8), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3),
    /// BatchNorm2d(16), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(16, 10))`.
    static func cnn() -> Sequential {
        Sequential(Conv2d(1, 8, kernelSize: 3, padding: 1), BatchNorm2d(8), ReLU(), MaxPool2d(kernelSize: 2),
                   Conv2d(8, 16, kernelSize: 3), BatchNorm2d(16), ReLU(), AdaptiveAvgPool2d(outputSize: 1), Flatten(),
                   Linear(16, 10))
    }

    /// One model of the interop proof: how to build it untrained (the same architecture as the
    /// script's), and a seeded input for the Flint-written fixture.
    struct ModelCase: Sendable {
        let build: @Sendable () -> Module
        let input: @Sendable (RandomGenerator) -> Tensor
        let architecture: String
    }

    /// Every model `make_interop_fixtures.py` writes (its `MODEL_CASES`); a name without an entry fails.
    static let modelCases: [String: ModelCase] = [
        "cnn": ModelCase(build: cnn, input: { Tensor.randn([4, 1, 10, 10], generator: $0) },
                         architecture: "Sequential(Conv2d(1, 8, 3, padding=1), BatchNorm2d(8), ReLU(), MaxPool2d(2), Conv2d(8, 16, 3), BatchNorm2d(16), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(16, 10))"),
        "lstm": ModelCase(build: LSTMClassifier.init, input: { Tensor.randint(low: 0, high: 50, shape: [3, 6], generator: $0) },
                          architecture: "LSTMClassifier(Embedding(50, 16), LSTM(16, 32, num_layers=2, batch_first, bidirectional), Linear(64, 5) on the last step)"),
        "transformer": ModelCase(build: TinyTransformer.init, input: { Tensor.randint(low: 0, high: 50, shape: [3, 7], generator: $0) },
                                 architecture: "TinyTransformer(Embedding(50, 32), 2 x TransformerEncoderLayer(32, 4, 64, dropout 0.1, batch_first), Linear(32, 5))"),
    ]

    /// A case's seed, from its own name: zlib's CRC-32, as `make_interop_fixtures.py` computes it.
    static func seed(_ name: String) -> UInt64 {
        var crc: UInt32 = 0xffff_ffff
        for byte in name.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 1 ? 0xedb8_8320 : 0) }
        }
        return UInt64(~crc)
    }

    /// Overwrites every parameter and buffer with seeded values that involve no arithmetic beyond one
    /// scaling (so the saved bytes are the same on every machine): weights N(0, 0.3²), running means
    /// N(0, 0.5²), running variances U(0.5, 1.5), batch counters 3.
    static func randomize(_ model: Module, generator: RandomGenerator) {
        for (_, parameter) in model.namedParameters() {
            parameter.value.copy(from: Tensor.randn(parameter.shape, generator: generator) * 0.3)
        }
        for (name, buffer) in model.namedBuffers() {
            let shape = buffer.value.shape
            if name.hasSuffix("running_mean") {
                buffer.value = Tensor.randn(shape, generator: generator) * 0.5
            } else if name.hasSuffix("running_var") {
                buffer.value = Tensor.uniform(shape, low: 0.5, high: 1.5, generator: generator)
            } else if name.hasSuffix("num_batches_tracked") {
                buffer.value = Tensor(Int64(3))
            } else {
                preconditionFailure("InteropFixtures.randomize: no rule for the buffer \(name)")
            }
        }
    }

    /// A fixture's input: float32, or int64 token indices when `input_dtype` says so.
    static func input(_ object: [String: Any]) -> Tensor {
        guard object["input_dtype"] as? String == "int64" else { return tensor(object, "input") }
        let values = (object["input"] as! [Any]).map { ($0 as! NSNumber).int64Value }
        return Tensor(values, shape: (object["input_shape"] as! [Any]).map { ($0 as! NSNumber).intValue })
    }

    /// The largest absolute difference of two float32 tensors of the same shape.
    static func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars(as: Float.self), b.scalars(as: Float.self)).map { Swift.abs($0 - $1) }.max() ?? 0
    }
}
