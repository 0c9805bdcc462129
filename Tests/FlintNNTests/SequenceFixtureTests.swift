import Foundation
import Flint
import FlintNN
import FlintTestSupport
import Testing

// Sequence layers against PyTorch: Fixtures/torch_sequence_layers.json is written by
// scripts/make_sequence_fixtures.py (CI only reads the committed file). Each case holds a module's
// state_dict, its inputs, its eval-mode outputs, an upstream gradient per output and PyTorch's
// gradients of the inputs and parameters. The state is loaded by key, so the keys are checked too.

/// Absolute and relative tolerance for float64 comparisons with PyTorch.
private let sequenceTolerance = 1e-10

/// How Flint builds and runs each fixture case: the same configuration as the Python table.
private struct SequenceMapping: Sendable {
    let make: @Sendable () -> Module
    let run: @Sendable (Module, [String: Tensor]) -> [Tensor]
}

private let sequenceMappings: [String: SequenceMapping] = [
    "lstm_two_layers_bidirectional_batch_first": SequenceMapping(
        make: { LSTM(inputSize: 3, hiddenSize: 4, layerCount: 2, batchFirst: true, bidirectional: true, dtype: .float64) },
        run: { module, x in
            let result = (module as! LSTM)(x["input"]!, initialState: (hidden: x["h0"]!, cell: x["c0"]!))
            return [result.output, result.hidden, result.cell]
        }),
    "gru_two_layers": SequenceMapping(
        make: { GRU(inputSize: 3, hiddenSize: 4, layerCount: 2, dtype: .float64) },
        run: { module, x in
            let result = (module as! GRU)(x["input"]!, initialState: x["h0"]!)
            return [result.output, result.hidden]
        }),
    "gru_bidirectional_no_bias_batch_first": SequenceMapping(
        make: { GRU(inputSize: 3, hiddenSize: 4, bias: false, batchFirst: true, bidirectional: true, dtype: .float64) },
        run: { module, x in
            let result = (module as! GRU)(x["input"]!, initialState: nil)
            return [result.output, result.hidden]
        }),
    "rnn_relu_bidirectional": SequenceMapping(
        make: { RNN(inputSize: 3, hiddenSize: 4, nonlinearity: .relu, bidirectional: true, dtype: .float64) },
        run: { module, x in
            let result = (module as! RNN)(x["input"]!, initialState: nil)
            return [result.output, result.hidden]
        }),
    "rnn_tanh_two_layers_unbatched": SequenceMapping(
        make: { RNN(inputSize: 3, hiddenSize: 4, layerCount: 2, dtype: .float64) },
        run: { module, x in
            let result = (module as! RNN)(x["input"]!, initialState: x["h0"]!)
            return [result.output, result.hidden]
        }),
    // PyTorch is given the causal float mask with is_causal=True; Flint builds the mask from the flag.
    "mha_causal_batch_first": SequenceMapping(
        make: { MultiheadAttention(embedDimension: 8, headCount: 2, batchFirst: true, dtype: .float64) },
        run: { module, x in
            let result = (module as! MultiheadAttention)(query: x["query"]!, key: x["key"]!, value: x["value"]!, isCausal: true)
            return [result.output, result.weights!]
        }),
    "mha_key_padding": SequenceMapping(
        make: { MultiheadAttention(embedDimension: 8, headCount: 2, dtype: .float64) },
        run: { module, x in
            let result = (module as! MultiheadAttention)(query: x["query"]!, key: x["key"]!, value: x["value"]!,
                                                          keyPaddingMask: x["key_padding_mask"]!)
            return [result.output, result.weights!]
        }),
    "mha_bool_mask_no_bias": SequenceMapping(
        make: { MultiheadAttention(embedDimension: 6, headCount: 3, bias: false, batchFirst: true, dtype: .float64) },
        run: { module, x in
            let result = (module as! MultiheadAttention)(query: x["query"]!, key: x["key"]!, value: x["value"]!,
                                                          attentionMask: x["attention_mask"]!)
            return [result.output, result.weights!]
        }),
    "encoder_post_norm": SequenceMapping(
        make: { TransformerEncoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16, batchFirst: true, dtype: .float64) },
        run: { module, x in [(module as! TransformerEncoderLayer)(x["source"]!, keyPaddingMask: x["key_padding_mask"]!)] }),
    "encoder_pre_norm_gelu_causal": SequenceMapping(
        make: { TransformerEncoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16, activation: .gelu, normFirst: true, dtype: .float64) },
        run: { module, x in
            [(module as! TransformerEncoderLayer)(x["source"]!, mask: causalAttentionMask(size: 5, dtype: .float64), isCausal: true)]
        }),
    "decoder_post_norm": SequenceMapping(
        make: { TransformerDecoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16, dtype: .float64) },
        run: { module, x in
            [(module as! TransformerDecoderLayer)(x["target"]!, memory: x["memory"]!, targetMask: causalAttentionMask(size: 4, dtype: .float64),
                                                  memoryKeyPaddingMask: x["memory_key_padding_mask"]!, targetIsCausal: true)]
        }),
    "decoder_pre_norm_gelu": SequenceMapping(
        make: { TransformerDecoderLayer(modelSize: 8, headCount: 2, feedForwardSize: 16, activation: .gelu, batchFirst: true,
                                        normFirst: true, dtype: .float64) },
        run: { module, x in [(module as! TransformerDecoderLayer)(x["target"]!, memory: x["memory"]!)] }),
    "layer_norm": SequenceMapping(
        make: { LayerNorm([3, 4], dtype: .float64) },
        run: { module, x in [module(x["input"]!)] }),
    "layer_norm_no_bias": SequenceMapping(
        make: { LayerNorm(5, eps: 1e-3, bias: false, dtype: .float64) },
        run: { module, x in [module(x["input"]!)] }),
]

// MARK: - the fixture file



/// One layer configuration of the file.
private struct SequenceFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let state: [(key: String, tensor: FixtureTensor)]
    let inputs: [(key: String, tensor: FixtureTensor)]
    let outputs: [FixtureTensor]
    let upstream: [FixtureTensor]
    let inputGradients: [(key: String, tensor: FixtureTensor)]
    let parameterGradients: [(key: String, tensor: FixtureTensor)]
    var testDescription: String { name }

    static let all: [SequenceFixture] = {
        do { return try load() } catch { fatalError("cannot read the sequence-layer fixtures: \(error)") }
    }()

    static func load() throws -> [SequenceFixture] {
        guard let url = Bundle.module.url(forResource: "torch_sequence_layers", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/torch_sequence_layers.json is missing; run scripts/make_sequence_fixtures.py")
        }
        guard let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let cases = document["cases"] as? [[String: Any]] else {
            throw FixtureError("torch_sequence_layers.json has no \"cases\" list")
        }
        return try cases.map { entry in
            let name = entry["name"] as? String ?? "?"
            func named(_ field: String) throws -> [(key: String, tensor: FixtureTensor)] {
                guard let list = entry[field] as? [[String: Any]] else { throw FixtureError("\(name): no \(field)") }
                return try list.map { item in
                    guard let key = item["key"] as? String, let tensor = item["tensor"] else {
                        throw FixtureError("\(name): an entry of \(field) lacks key or tensor")
                    }
                    return (key, try FixtureTensor(tensor, context: "\(name).\(field).\(key)"))
                }
            }
            func plain(_ field: String) throws -> [FixtureTensor] {
                guard let list = entry[field] as? [Any] else { throw FixtureError("\(name): no \(field)") }
                return try list.map { try FixtureTensor($0, context: "\(name).\(field)") }
            }
            return SequenceFixture(name: name, state: try named("state"), inputs: try named("inputs"),
                                   outputs: try plain("outputs"), upstream: try plain("upstream"),
                                   inputGradients: try named("input_gradients"),
                                   parameterGradients: try named("parameter_gradients"))
        }
    }
}

/// Records an issue unless `actual` matches the fixture tensor within the tolerance.
private func expectMatches(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    if let mismatch = fixtureMismatch(actual, expected, tolerance: sequenceTolerance, checkType: false) {
        Issue.record("\(what): \(mismatch)", sourceLocation: sourceLocation)
    }
}

// MARK: - tests

@Suite("Sequence layers against PyTorch")
struct SequenceFixtureTests {
    @Test("every fixture case has a Flint mapping and every mapping a case")
    func tablesAgree() {
        let names = Set(SequenceFixture.all.map(\.name))
        #expect(names == Set(sequenceMappings.keys), "rerun scripts/make_sequence_fixtures.py or update the Swift table")
        #expect(SequenceFixture.all.count == names.count)
    }

    @Test("keys, outputs and gradients match PyTorch", arguments: SequenceFixture.all)
    fileprivate func matchesTorch(_ fixture: SequenceFixture) throws {
        let mapping = try #require(sequenceMappings[fixture.name], "no Flint mapping for \(fixture.name)")
        let module = mapping.make()
        module.eval()

        // The state, by key and in PyTorch's order.
        let parameters = module.namedParameters()
        #expect(parameters.map(\.name) == fixture.state.map(\.key), "parameter keys differ from PyTorch's state_dict")
        let state = Dictionary(uniqueKeysWithValues: fixture.state.map { ($0.key, $0.tensor) })
        for (name, parameter) in parameters {
            let value = try #require(state[name], "\(fixture.name): no state entry for \(name)")
            #expect(parameter.shape == value.shape, "\(name): shape \(parameter.shape), PyTorch \(value.shape)")
            parameter.value = value.tensor()
        }

        var inputs: [String: Tensor] = [:]
        let differentiable = Set(fixture.inputGradients.map(\.key))
        for (key, value) in fixture.inputs {
            inputs[key] = value.tensor().requiringGrad(differentiable.contains(key))
        }
        let outputs = mapping.run(module, inputs)
        try #require(outputs.count == fixture.outputs.count, "\(outputs.count) outputs, PyTorch \(fixture.outputs.count)")
        for (index, (output, expected)) in zip(outputs, fixture.outputs).enumerated() {
            expectMatches(output, expected, "\(fixture.name) output \(index)")
        }

        var objective = (outputs[0] * fixture.upstream[0].tensor()).sum()
        for (output, upstream) in zip(outputs, fixture.upstream).dropFirst() { objective = objective + (output * upstream.tensor()).sum() }
        objective.backward()
        for (key, expected) in fixture.inputGradients {
            let input = inputs[key]!
            expectMatches(input.grad ?? Tensor.zeros(like: input), expected, "\(fixture.name) gradient of input \(key)")
        }
        let byName = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0.parameter) })
        for (key, expected) in fixture.parameterGradients {
            let parameter = try #require(byName[key], "\(fixture.name): no parameter \(key)")
            expectMatches(parameter.grad ?? Tensor.zeros(like: parameter.value), expected, "\(fixture.name) gradient of \(key)")
        }
    }
}
