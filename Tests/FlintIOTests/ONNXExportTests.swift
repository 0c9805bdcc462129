import Flint
import FlintIO
import FlintNN
import FlintTestSupport
import Foundation
import Testing

private let onnxRuntimeIsInstalled = ONNXRuntimeCheck.isAvailable
private let skipReason = Comment(rawValue: ONNXRuntimeCheck.skipReason)

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-onnx-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// Exports `model` with `inputs[0]` as the example, computes Flint's outputs for every input, and has
/// scripts/check_onnx.py check the file and compare onnxruntime with Flint.
private func expectONNXRuntimeMatches(_ model: Module, inputs: [Tensor], name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let modelURL = folder.appendingPathComponent("\(name).onnx")
    try model.exportONNX(to: modelURL, exampleInput: inputs[0])
    model.eval()
    let result = try ONNXRuntimeCheck.run(model: modelURL, cases: inputs.map { ($0, model($0)) })
    #expect(result.status == 0, "check_onnx.py failed for \(name):\n\(result.output)", sourceLocation: sourceLocation)
}

/// A module ONNX export knows nothing about.
final class CustomScaler: Module {
    override func forward(_ input: Tensor) -> Tensor { input * 2 }
}

/// Embedding, a two-layer bidirectional batch-first LSTM, and a Linear head on the last time step.
final class SequenceClassifier: Module, ONNXExportable {
    let embedding = Embedding(20, 8)
    let lstm = LSTM(inputSize: 8, hiddenSize: 12, layerCount: 2, batchFirst: true, bidirectional: true)
    let head = Linear(24, 3)

    override func forward(_ input: Tensor) -> Tensor {
        let sequence = lstm(embedding(input))
        return head(sequence[TensorIndex.all, -1])
    }

    func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        let sequence = try graph.apply(lstm, to: try graph.apply(embedding, to: input, named: "embedding"), named: "lstm")
        return try graph.apply(head, to: graph.select(sequence, axis: 1, index: -1), named: "head")
    }
}

/// A Linear projection and a TransformerEncoderLayer run with a fixed attention mask or a causal one,
/// exported through ``TransformerEncoderLayer/encode(_:into:attentionMask:isCausal:)``.
final class MaskedEncoder: Module, ONNXExportable {
    let projection = Linear(6, 16)
    let encoder: TransformerEncoderLayer
    let mask: Tensor?
    let isCausal: Bool

    init(normFirst: Bool, mask: Tensor?, isCausal: Bool) {
        encoder = TransformerEncoderLayer(modelSize: 16, headCount: 4, feedForwardSize: 24, activation: normFirst ? .gelu : .relu,
                                          batchFirst: true, normFirst: normFirst)
        (self.mask, self.isCausal) = (mask, isCausal)
        super.init()
    }

    override func forward(_ input: Tensor) -> Tensor {
        encoder(projection(input), mask: mask, isCausal: isCausal)
    }

    func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        let projected = try graph.apply(projection, to: input, named: "projection")
        return try encoder.encode(projected, into: graph, attentionMask: mask, isCausal: isCausal)
    }
}

/// Token indices [batch, length] for the sequence models.
private func tokens(batch: Int, length: Int, seed: Int) -> Tensor {
    Tensor((0..<(batch * length)).map { Int64(($0 * 7 + seed * 3) % 20) }, shape: [batch, length])
}

@Suite struct ONNXExportTests {
    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func multilayerPerceptronMatchesONNXRuntime() throws {
        Flint.seed(1)
        let model = Sequential(
            Linear(6, 16), ReLU(), Dropout(probability: 0.3), Linear(16, 16), GELU(), Linear(16, 12),
            GELU(approximation: .tanh), Linear(12, 12), Tanh(), Linear(12, 10), SiLU(), LayerNorm(10),
            Linear(10, 8), LeakyReLU(slope: 0.1), Linear(8, 8), ELU(alpha: 0.7), Sigmoid(), Linear(8, 4), LogSoftmax())
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([3, 6]), Tensor.randn([7, 6])], name: "mlp")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func convolutionalNetworkWithBatchNormMatchesONNXRuntime() throws {
        Flint.seed(2)
        let model = Sequential(
            Conv2d(2, 6, kernelSize: 3, padding: 1), BatchNorm2d(6), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(6, 8, kernelSize: 3, stride: 1, padding: 1, groups: 2, bias: false), BatchNorm2d(8), ReLU(),
            AvgPool2d(kernelSize: 2, stride: 1), GroupNorm(groupCount: 2, channelCount: 8),
            ConvTranspose2d(8, 4, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1), RMSNorm([4, 12, 12]),
            Upsample(scaleFactor: 2), AdaptiveAvgPool2d(outputSize: 3), Flatten(), Linear(36, 12), BatchNorm1d(12), Linear(12, 5),
            Softmax())
        // Running statistics far from the defaults, so BatchNorm's exported constants matter.
        for case let norm as BatchNorm in model.namedModules().map(\.module) {
            norm.runningMean!.value = Tensor.randn([norm.featureCount]) * 0.5
            norm.runningVar!.value = Tensor.uniform([norm.featureCount], low: 0.5, high: 2)
            norm.weight!.value = Tensor.uniform([norm.featureCount], low: 0.5, high: 1.5)
            norm.bias!.value = Tensor.randn([norm.featureCount]) * 0.1
        }
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([2, 2, 14, 14]), Tensor.randn([5, 2, 14, 14])], name: "cnn")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func lstmClassifierMatchesONNXRuntime() throws {
        Flint.seed(3)
        try expectONNXRuntimeMatches(SequenceClassifier(), inputs: [tokens(batch: 3, length: 5, seed: 1), tokens(batch: 6, length: 5, seed: 2)],
                                     name: "lstm")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func gruAndRNNMatchONNXRuntime() throws {
        Flint.seed(4)
        let model = Sequential(GRU(inputSize: 5, hiddenSize: 6, layerCount: 2, batchFirst: true, bidirectional: true),
                               RNN(inputSize: 12, hiddenSize: 4, nonlinearity: .relu, batchFirst: true),
                               RNN(inputSize: 4, hiddenSize: 3, bias: false, batchFirst: true, bidirectional: true))
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([2, 7, 5]), Tensor.randn([4, 7, 5])], name: "gru")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func transformerEncoderMatchesONNXRuntime() throws {
        Flint.seed(5)
        let model = Sequential(
            Linear(6, 16),
            TransformerEncoderLayer(modelSize: 16, headCount: 4, feedForwardSize: 32, dropout: 0.1, batchFirst: true),
            TransformerEncoderLayer(modelSize: 16, headCount: 2, feedForwardSize: 24, activation: .gelu, batchFirst: true, normFirst: true),
            MultiheadAttention(embedDimension: 16, headCount: 4, batchFirst: true),
            Linear(16, 3))
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([2, 5, 6]), Tensor.randn([3, 5, 6])], name: "transformer")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func conv1dMatchesONNXRuntime() throws {
        Flint.seed(6)
        // Length 20 -> 20 (padding 2) -> 8 (stride 2, dilation 2, grouped, no bias).
        let model = Sequential(
            Conv1d(3, 6, kernelSize: 5, padding: 2), ReLU(),
            Conv1d(6, 6, kernelSize: 3, stride: 2, dilation: 2, groups: 3, bias: false), Tanh(),
            Flatten(), Linear(48, 4))
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([2, 3, 20]), Tensor.randn([5, 3, 20])], name: "conv1d")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func upsampleToAFixedSizeAndBilinearMatchesONNXRuntime() throws {
        Flint.seed(7)
        let model = Sequential(
            Conv2d(2, 3, kernelSize: 3, padding: 1),
            Upsample(size: (11, 13), mode: .bilinear),
            Upsample(size: (15, 9)),
            Upsample(scaleFactor: (2, 1.5), mode: .bilinear, alignCorners: true),
            Upsample(size: (7, 6), mode: .bilinear, alignCorners: true))
        try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([1, 2, 6, 5]), Tensor.randn([3, 2, 6, 5])], name: "upsample")
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func transformerEncoderWithACausalMaskMatchesONNXRuntime() throws {
        Flint.seed(8)
        for normFirst in [false, true] {
            let model = MaskedEncoder(normFirst: normFirst, mask: nil, isCausal: true)
            try expectONNXRuntimeMatches(model, inputs: [Tensor.randn([2, 5, 6]), Tensor.randn([4, 5, 6])], name: "causal-\(normFirst)")
        }
    }

    @Test(.enabled(if: onnxRuntimeIsInstalled, skipReason))
    func transformerEncoderWithPaddingAndAdditiveMasksMatchesONNXRuntime() throws {
        Flint.seed(9)
        // Keys 3 and 4 are padding: -inf in the additive mask, true (blocked) in the boolean one; the
        // other additive entries are finite biases that change the attention weights.
        let length = 5
        let additive = Tensor((0..<(length * length)).map { index -> Float in
            index % length >= 3 ? -Float.infinity : Float((index * 7) % 5) * 0.3 - 0.6
        }, shape: [length, length])
        let blocked = Tensor((0..<(length * length)).map { index in index % length == 4 || index == 6 }, shape: [length, length])
        for (name, mask) in [("additive", additive), ("boolean", blocked)] {
            let model = MaskedEncoder(normFirst: name == "boolean", mask: mask, isCausal: false)
            let batches = [Tensor.randn([2, length, 6]), Tensor.randn([3, length, 6])]
            // The mask reaches the graph: without it the outputs differ.
            model.eval()
            #expect(!isClose(model(batches[0]), model.encoder(model.projection(batches[0])), tolerance: 1e-3), "\(name) mask had no effect")
            try expectONNXRuntimeMatches(model, inputs: batches, name: "mask-\(name)")
        }
    }

    @Test func unsupportedModuleThrowsAnErrorNamingIt() throws {
        let model = Sequential(Linear(4, 4), Sequential(ReLU(), CustomScaler()), Linear(4, 2))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flint-onnx-\(UUID().uuidString).onnx")
        #expect {
            try model.exportONNX(to: url, exampleInput: Tensor.zeros([1, 4]))
        } throws: { error in
            let text = String(describing: error)
            return text.contains("layer '1.1'") && text.contains("CustomScaler") && text.contains("ONNXExportable")
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func exportWritesAModelWithNamedInputAndOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("named.onnx")
        try Sequential(Linear(3, 2)).exportONNX(to: url, exampleInput: Tensor.zeros([1, 3]), inputName: "features", outputName: "scores")
        let bytes = try Data(contentsOf: url)
        #expect(bytes.count > 3 * 2 * 4)
        #expect(String(decoding: bytes, as: UTF8.self).contains("features"))
        #expect(String(decoding: bytes, as: UTF8.self).contains("scores"))
        #expect(throws: ONNXExportError.self) {
            try Sequential(Linear(3, 2)).exportONNX(to: url, exampleInput: Tensor.zeros([1, 3]), inputName: "x", outputName: "x")
        }
    }
}
