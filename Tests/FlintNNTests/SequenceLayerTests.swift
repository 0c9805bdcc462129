import Flint
import FlintNN
import FlintTestSupport
import Testing

/// Finite-difference check of a layer's gradients with respect to its inputs and every parameter
/// (float64). `run` gets the inputs and returns one tensor (outputs flattened and joined).
private func checkLayer(_ module: Module, inputs: [Tensor], _ run: @escaping ([Tensor]) -> Tensor) -> GradientCheckResult {
    let parameters = module.parameters()
    let original = parameters.map { $0.value.detach() }
    defer { for (parameter, value) in zip(parameters, original) { parameter.value = value } }
    return checkGradients(inputs + original) { values in
        for (parameter, value) in zip(parameters, values[inputs.count...]) { parameter.value = value }
        return run(Array(values[..<inputs.count]))
    }
}

/// The tensors flattened and joined into one vector.
private func joined(_ tensors: Tensor...) -> Tensor {
    Tensor.concatenate(tensors.map { $0.reshaped([-1]) }, axis: 0)
}

private func randn(_ shape: Int...) -> Tensor { Tensor.randn(shape, dtype: .float64) }

@Suite("Sequence layers")
struct SequenceLayerTests {
    // MARK: gradients

    @Test func layerNormMatchesItsFormulaAndGradientCheck() {
        let norm = LayerNorm([3, 4], dtype: .float64)
        norm.weight!.value = randn(3, 4)
        norm.bias!.value = randn(3, 4)
        let input = randn(2, 3, 4)
        let centered = input - input.mean(axes: [1, 2], keepDims: true)
        let variance = input.variance(axes: [1, 2], unbiased: false, keepDims: true)
        let expected = centered / (variance + 1e-5).sqrt() * norm.weight!.value.detach() + norm.bias!.value.detach()
        #expect(isClose(norm(input), expected, tolerance: 1e-12))
        let check = checkLayer(norm, inputs: [input]) { norm($0[0]) }
        #expect(check.maximumError < 1e-6, "\(check)")
        let plain = LayerNorm(4, elementwiseAffine: false, dtype: .float64)
        #expect(plain.parameters().isEmpty)
        let plainCheck = checkLayer(plain, inputs: [randn(3, 4)]) { plain($0[0]) }
        #expect(plainCheck.maximumError < 1e-6, "\(plainCheck)")
    }

    @Test func fusedLayerNormGradientCheckAndComposedFormula() {
        let input = randn(3, 2, 5), weight = randn(2, 5), bias = randn(2, 5)
        for (useWeight, useBias) in [(true, true), (true, false), (false, false)] {
            let check = checkGradients([input, weight, bias]) { x in
                x[0].layerNorm(normalizedShape: [2, 5], weight: useWeight ? x[1] : nil, bias: useBias ? x[2] : nil, eps: 1e-3)
            }
            #expect(check.maximumError < 1e-6, "weight \(useWeight), bias \(useBias): \(check)")
        }
        // A non-contiguous float32 input against the composed formula.
        let wide = Tensor.randn([6, 4]).transposed(), scale = Tensor.randn([6]), shift = Tensor.randn([6])
        let centered = wide - wide.mean(axis: -1, keepDims: true)
        let composed = centered * ((centered * centered).mean(axis: -1, keepDims: true) + 1e-5).rsqrt() * scale + shift
        #expect(isClose(wide.layerNorm(normalizedShape: [6], weight: scale, bias: shift), composed, tolerance: 1e-5))
    }

    @Test(arguments: [RNNNonlinearity.tanh, .relu])
    func rnnGradientCheck(_ nonlinearity: RNNNonlinearity) {
        let rnn = RNN(inputSize: 2, hiddenSize: 3, layerCount: 2, nonlinearity: nonlinearity, batchFirst: true,
                      bidirectional: true, dtype: .float64)
        let check = checkLayer(rnn, inputs: [randn(2, 3, 2), randn(4, 2, 3)]) { x in
            let (output, hidden) = rnn(x[0], initialState: x[1])
            return joined(output, hidden)
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    @Test func lstmGradientCheck() {
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, layerCount: 2, bidirectional: true, dtype: .float64)
        let check = checkLayer(lstm, inputs: [randn(3, 2, 2), randn(4, 2, 3), randn(4, 2, 3)]) { x in
            let (output, hidden, cell) = lstm(x[0], initialState: (hidden: x[1], cell: x[2]))
            return joined(output, hidden, cell)
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    @Test func gruGradientCheck() {
        let gru = GRU(inputSize: 2, hiddenSize: 3, layerCount: 2, batchFirst: true, dtype: .float64)
        let check = checkLayer(gru, inputs: [randn(2, 3, 2), randn(2, 2, 3)]) { x in
            let (output, hidden) = gru(x[0], initialState: x[1])
            return joined(output, hidden)
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    @Test func multiheadAttentionGradientCheckWithMasks() {
        let attention = MultiheadAttention(embedDimension: 4, headCount: 2, batchFirst: true, dtype: .float64)
        attention.inProjBias!.value = randn(12)
        attention.outProj.bias!.value = randn(4)
        let padding = Tensor([[false, false, true], [false, false, false]])
        let check = checkLayer(attention, inputs: [randn(2, 3, 4), randn(2, 3, 4), randn(2, 3, 4)]) { x in
            let (output, weights) = attention(query: x[0], key: x[1], value: x[2], keyPaddingMask: padding, isCausal: true)
            return joined(output, weights!)
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    @Test(arguments: [false, true])
    func encoderLayerGradientCheck(_ normFirst: Bool) {
        let layer = TransformerEncoderLayer(modelSize: 4, headCount: 2, feedForwardSize: 6, activation: normFirst ? .gelu : .relu,
                                            normFirst: normFirst, dtype: .float64)
        layer.eval()
        let check = checkLayer(layer, inputs: [randn(3, 2, 4)]) { x in
            layer(x[0], mask: causalAttentionMask(size: 3, dtype: .float64))
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    @Test(arguments: [false, true])
    func decoderLayerGradientCheck(_ normFirst: Bool) {
        let layer = TransformerDecoderLayer(modelSize: 4, headCount: 2, feedForwardSize: 6, batchFirst: true,
                                            normFirst: normFirst, dtype: .float64)
        layer.eval()
        let memoryPadding = Tensor([[false, false, false, true], [false, true, false, false]])
        let check = checkLayer(layer, inputs: [randn(2, 3, 4), randn(2, 4, 4)]) { x in
            layer(x[0], memory: x[1], memoryKeyPaddingMask: memoryPadding, targetIsCausal: true)
        }
        #expect(check.maximumError < 1e-6, "\(check)")
    }

    // MARK: keys, shapes and initialisation

    @Test func recurrentKeysShapesAndInitialisation() {
        let lstm = LSTM(inputSize: 5, hiddenSize: 4, layerCount: 2, bidirectional: true)
        let names = lstm.namedParameters().map(\.name)
        #expect(names.prefix(8) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                    "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
        #expect(names.count == 16 && names[8] == "weight_ih_l1")
        let shapes = Dictionary(uniqueKeysWithValues: lstm.namedParameters().map { ($0.name, $0.parameter.shape) })
        #expect(shapes["weight_ih_l0"] == [16, 5] && shapes["weight_ih_l1"] == [16, 8] && shapes["weight_hh_l1_reverse"] == [16, 4])
        #expect(lstm.parameters().allSatisfy { $0.value.abs().max().item(as: Float.self) <= 0.5 })
        #expect(GRU(inputSize: 3, hiddenSize: 2, bias: false).namedParameters().map(\.name) == ["weight_ih_l0", "weight_hh_l0"])
        #expect(GRU(inputSize: 3, hiddenSize: 2).parameters()[0].shape == [6, 3])

        let (output, hidden, cell) = lstm(Tensor.randn([7, 3, 5]), initialState: nil)
        #expect(output.shape == [7, 3, 8] && hidden.shape == [4, 3, 4] && cell.shape == [4, 3, 4])
        let batchFirst = GRU(inputSize: 5, hiddenSize: 4, batchFirst: true)
        let (gruOutput, gruHidden) = batchFirst(Tensor.randn([3, 7, 5]), initialState: nil)
        #expect(gruOutput.shape == [3, 7, 4] && gruHidden.shape == [1, 3, 4])
        let (unbatched, unbatchedHidden) = RNN(inputSize: 5, hiddenSize: 4, layerCount: 3)(Tensor.randn([7, 5]), initialState: nil)
        #expect(unbatched.shape == [7, 4] && unbatchedHidden.shape == [3, 4])
        #expect(Sequential(LSTM(inputSize: 5, hiddenSize: 4, batchFirst: true), Linear(4, 2))(Tensor.randn([3, 7, 5])).shape == [3, 7, 2])
        #expect(lstm.layerDescription == "LSTM(5 => 4, layers: 2, bidirectional)")
    }

    @Test func lastRecurrentOutputIsTheFinalHiddenState() {
        let rnn = RNN(inputSize: 3, hiddenSize: 4, bidirectional: true, dtype: .float64)
        let (output, hidden) = rnn(randn(5, 2, 3), initialState: nil)
        #expect(isClose(output[4, TensorIndex.all, 0..<4], hidden[0], tolerance: 0))
        #expect(isClose(output[0, TensorIndex.all, 4..<8], hidden[1], tolerance: 0))
    }

    @Test func attentionKeysInitialisationAndShapes() {
        let attention = MultiheadAttention(embedDimension: 8, headCount: 2)
        #expect(attention.namedParameters().map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        #expect(attention.inProjWeight.shape == [24, 8])
        #expect(attention.inProjBias!.value.abs().max().item(as: Float.self) == 0)
        #expect(attention.outProj.bias!.value.abs().max().item(as: Float.self) == 0)
        #expect(attention.inProjWeight.value.abs().max().item(as: Float.self) <= Float((6.0 / 32).squareRoot()))
        let (output, weights) = attention(query: Tensor.randn([4, 3, 8]), key: Tensor.randn([6, 3, 8]), value: Tensor.randn([6, 3, 8]))
        #expect(output.shape == [4, 3, 8] && weights!.shape == [3, 4, 6])
        #expect(isClose(weights!.sum(axis: -1), Tensor.ones([3, 4]), tolerance: 1e-5))
        #expect(MultiheadAttention(embedDimension: 4, headCount: 1, bias: false).namedParameters().map(\.name) == ["in_proj_weight", "out_proj.weight"])
    }

    @Test func attentionMaskFormsAgree() {
        let attention = MultiheadAttention(embedDimension: 4, headCount: 2, dtype: .float64)
        let x = randn(3, 1, 4), y = randn(3, 4)
        let causal = attention(query: x, key: x, value: x, isCausal: true)
        let floatMask = attention(query: x, key: x, value: x, attentionMask: causalAttentionMask(size: 3, dtype: .float64))
        let future = Tensor.arange(3).reshaped([1, 3]) .> Tensor.arange(3).reshaped([3, 1])
        let boolMask = attention(query: x, key: x, value: x, attentionMask: future)
        #expect(isClose(causal.output, floatMask.output, tolerance: 1e-14) && isClose(causal.output, boolMask.output, tolerance: 1e-14))
        #expect(causal.weights![0, 0, 1].item(as: Double.self) == 0)
        // Unbatched input gives the batch-of-one result.
        let unbatched = attention(query: y, key: y, value: y, needWeights: false)
        let batched = attention(query: y.unsqueezed(axis: 1), key: y.unsqueezed(axis: 1), value: y.unsqueezed(axis: 1))
        #expect(unbatched.weights == nil)
        #expect(isClose(unbatched.output, batched.output.squeezed(axis: 1), tolerance: 1e-14))
        // A float key padding mask of -inf is the bool mask.
        let padding = Tensor([[false, true, false]])
        let boolPadding = attention(query: x, key: x, value: x, keyPaddingMask: padding)
        let floatPadding = attention(query: x, key: x, value: x, keyPaddingMask: Tensor.zeros([1, 3], dtype: .float64).maskedFill(padding, with: -.infinity))
        #expect(isClose(boolPadding.output, floatPadding.output, tolerance: 1e-14))
        #expect(boolPadding.weights![0, TensorIndex.all, 1].abs().max().item(as: Double.self) == 0)
    }

    @Test func transformerKeysAndChildrenFollowPyTorch() {
        let encoder = TransformerEncoderLayer(modelSize: 8, headCount: 2)
        #expect(encoder.namedChildren().map(\.name) == ["self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"])
        #expect(encoder.namedParameters().map(\.name) == [
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
        ])
        #expect(encoder.linear1.outputFeatures == 2048 && encoder.dropout.probability == 0.1)
        let decoder = TransformerDecoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16)
        #expect(decoder.namedChildren().map(\.name) == ["self_attn", "multihead_attn", "linear1", "dropout", "linear2",
                                                         "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"])
        #expect(decoder.namedParameters().count == 4 + 4 + 4 + 6)
        #expect(decoder(Tensor.randn([5, 2, 8]), memory: Tensor.randn([6, 2, 8])).shape == [5, 2, 8])
    }

    @Test func dropoutActsOnlyInTraining() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 8, layerCount: 2, dropout: 0.5, dtype: .float64)
        let input = randn(4, 2, 3)
        #expect(!isClose(lstm(input), lstm(input), tolerance: 1e-12))
        lstm.eval()
        #expect(isClose(lstm(input), lstm(input), tolerance: 0))

        let encoder = TransformerEncoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16, dropout: 0.5, dtype: .float64)
        let source = randn(5, 2, 8)
        #expect(!isClose(encoder(source), encoder(source), tolerance: 1e-12))
        encoder.eval()
        #expect(isClose(encoder(source), encoder(source), tolerance: 0))
    }
}
