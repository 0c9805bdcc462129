import Flint
import FlintNN
import Foundation
import FlintTestSupport
import Testing

/// Absolute and relative tolerance for float64 comparisons with PyTorch.
private let layerFixtureTolerance = 1e-10

/// How to build and call the Flint layer of each fixture case (same settings as the PyTorch layer
/// in scripts/make_layer_fixtures.py; the values come from the fixture's state_dict).
private typealias LayerFixtureEntry = (make: @Sendable () -> Module, call: @Sendable (Module, [Tensor]) -> Tensor)

private let layerFixtureTable: [String: LayerFixtureEntry] = {
    let f64 = DType.float64
    func single(_ make: @escaping @Sendable () -> Module) -> LayerFixtureEntry {
        (make, { layer, inputs in layer(inputs[0]) })
    }
    func pair(_ make: @escaping @Sendable () -> Bilinear) -> LayerFixtureEntry {
        (make, { layer, inputs in (layer as! Bilinear)(inputs[0], inputs[1]) })
    }
    return [
        "conv1d": single { Conv1d(4, 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, dtype: f64) },
        "conv1d_dilated_no_bias": single { Conv1d(3, 2, kernelSize: 3, dilation: 2, bias: false, dtype: f64) },
        "conv2d": single { Conv2d(3, 4, kernelSize: (3, 2), stride: (2, 1), padding: (1, 0), dilation: (1, 2), dtype: f64) },
        "conv2d_groups_no_bias": single { Conv2d(4, 6, kernelSize: 3, padding: 1, groups: 2, bias: false, dtype: f64) },
        "conv_transpose2d": single {
            ConvTranspose2d(4, 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, dtype: f64)
        },
        "conv_transpose2d_dilated_no_bias": single {
            ConvTranspose2d(3, 2, kernelSize: (2, 3), stride: (1, 2), dilation: (2, 1), bias: false, dtype: f64)
        },
        "max_pool2d": single { MaxPool2d(kernelSize: 3, stride: 2, padding: 1) },
        "max_pool2d_dilated": single { MaxPool2d(kernelSize: 2, stride: 1, dilation: 2) },
        "avg_pool2d": single { AvgPool2d(kernelSize: 3, stride: 2, padding: 1) },
        "avg_pool2d_exclude_padding": single {
            AvgPool2d(kernelSize: (2, 3), stride: (2, 1), padding: (1, 1), countIncludePad: false)
        },
        "adaptive_avg_pool2d": single { AdaptiveAvgPool2d(outputSize: (3, 2)) },
        "upsample_nearest_scale": single { Upsample(scaleFactor: 2) },
        "upsample_nearest_fractional_scale": single { Upsample(scaleFactor: (1.5, 2.7)) },
        "upsample_nearest_size": single { Upsample(size: (5, 7)) },
        "upsample_nearest_downsample": single { Upsample(size: (3, 2)) },
        "upsample_bilinear_scale": single { Upsample(scaleFactor: 2, mode: .bilinear) },
        "upsample_bilinear_fractional_scale": single { Upsample(scaleFactor: (1.7, 0.6), mode: .bilinear) },
        "upsample_bilinear_size": single { Upsample(size: (5, 7), mode: .bilinear) },
        "upsample_bilinear_align_corners": single { Upsample(size: (5, 7), mode: .bilinear, alignCorners: true) },
        "upsample_bilinear_align_corners_scale": single { Upsample(scaleFactor: 2.5, mode: .bilinear, alignCorners: true) },
        "batch_norm1d": single { BatchNorm1d(3, dtype: f64) },
        "batch_norm1d_sequence": single { BatchNorm1d(3, dtype: f64) },
        "batch_norm1d_eval": single { BatchNorm1d(3, dtype: f64) },
        "batch_norm2d": single { BatchNorm2d(4, dtype: f64) },
        "batch_norm2d_eval": single { BatchNorm2d(4, dtype: f64) },
        "batch_norm2d_momentum_eps": single { BatchNorm2d(2, epsilon: 1e-3, momentum: 0.3, dtype: f64) },
        "batch_norm2d_cumulative": single { BatchNorm2d(2, momentum: nil, dtype: f64) },
        "batch_norm2d_no_affine": single { BatchNorm2d(3, affine: false, dtype: f64) },
        "batch_norm2d_untracked": single { BatchNorm2d(3, trackRunningStats: false, dtype: f64) },
        "batch_norm2d_untracked_eval": single { BatchNorm2d(3, trackRunningStats: false, dtype: f64) },
        "group_norm": single { GroupNorm(groupCount: 2, channelCount: 6, dtype: f64) },
        "group_norm_sequence_no_affine": single { GroupNorm(groupCount: 4, channelCount: 4, epsilon: 1e-3, affine: false, dtype: f64) },
        "rms_norm": single { RMSNorm([4, 5], dtype: f64) },
        "rms_norm_eps": single { RMSNorm(6, epsilon: 1e-3, dtype: f64) },
        "rms_norm_no_affine": single { RMSNorm(6, elementwiseAffine: false, dtype: f64) },
        "embedding": single { Embedding(10, 4, dtype: f64) },
        "embedding_padding": single { Embedding(6, 3, paddingIndex: 2, dtype: f64) },
        "bilinear": pair { Bilinear(3, 4, 5, dtype: f64) },
        "bilinear_leading_dimensions_no_bias": pair { Bilinear(2, 3, 2, bias: false, dtype: f64) },
    ]
}()


/// One case of the fixture file.
struct LayerFixtureCase: Sendable, CustomTestStringConvertible {
    let name: String
    let training: Bool
    let state: [String: FixtureTensor]
    let inputs: [FixtureTensor]
    let output: FixtureTensor
    let upstream: FixtureTensor
    let inputGradients: [FixtureTensor?]
    let parameterGradients: [String: FixtureTensor]
    let stateAfter: [String: FixtureTensor]

    var testDescription: String { name }
}


enum LayerFixtures {
    /// Every case of `Fixtures/torch_layers.json`, in file order.
    static let cases: [LayerFixtureCase] = {
        do { return try load() } catch { fatalError("cannot read the layer fixtures: \(error)") }
    }()

    static func load() throws -> [LayerFixtureCase] {
        guard let url = Bundle.module.url(forResource: "torch_layers", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/torch_layers.json is missing from the test bundle; run scripts/make_layer_fixtures.py")
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let document = root as? [String: Any], let entries = document["cases"] as? [[String: Any]] else {
            throw FixtureError("torch_layers.json has no \"cases\" list")
        }
        return try entries.map { entry in
            guard let name = entry["name"] as? String, let mode = entry["mode"] as? String else {
                throw FixtureError("a case has no name or mode")
            }
            func dictionary(_ key: String) throws -> [String: FixtureTensor] {
                guard let object = entry[key] as? [String: Any] else { throw FixtureError("\(name): no \(key)") }
                return try object.mapValues { try FixtureTensor($0, context: "\(name) \(key)") }
            }
            func list(_ key: String) throws -> [FixtureTensor?] {
                guard let items = entry[key] as? [Any] else { throw FixtureError("\(name): no \(key)") }
                return try items.map { $0 is NSNull ? nil : try FixtureTensor($0, context: "\(name) \(key)") }
            }
            guard let output = entry["output"], let upstream = entry["upstream"] else { throw FixtureError("\(name): no output") }
            return LayerFixtureCase(
                name: name, training: mode == "train", state: try dictionary("state"),
                inputs: try list("inputs").compactMap { $0 }, output: try FixtureTensor(output, context: name),
                upstream: try FixtureTensor(upstream, context: name), inputGradients: try list("input_gradients"),
                parameterGradients: try dictionary("parameter_gradients"), stateAfter: try dictionary("state_after"))
        }
    }
}

/// Records an issue unless `actual` matches the fixture tensor within the tolerance.
private func expectMatches(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    if let mismatch = fixtureMismatch(actual, expected, tolerance: layerFixtureTolerance, checkType: true) {
        Issue.record("\(what): \(mismatch)", sourceLocation: sourceLocation)
    }
}

@Suite("Layers match PyTorch")
struct LayerFixtureTests {
    @Test("every fixture case has a Flint layer and every layer a fixture case")
    func tablesAgree() {
        let names = Set(LayerFixtures.cases.map(\.name))
        #expect(names.subtracting(layerFixtureTable.keys).sorted().isEmpty, "fixture cases with no Flint layer")
        #expect(Set(layerFixtureTable.keys).subtracting(names).sorted().isEmpty, "Flint layers with no fixture case")
        #expect(LayerFixtures.cases.count == names.count && names.count >= 39)
    }

    @Test("state keys, forward, gradients and running statistics match PyTorch", arguments: LayerFixtures.cases)
    func matchesTorch(_ fixture: LayerFixtureCase) throws {
        let entry = try #require(layerFixtureTable[fixture.name], "\(fixture.name) has no Flint layer in LayerFixtureTests.swift")
        let layer = entry.make()
        // Load the state by key: the keys Flint reflects must be exactly PyTorch's.
        let parameters = layer.namedParameters(), buffers = layer.namedBuffers()
        #expect(Set(parameters.map(\.name) + buffers.map(\.name)) == Set(fixture.state.keys), "\(fixture.name): state keys")
        #expect(parameters.map(\.name).sorted() == fixture.parameterGradients.keys.sorted(), "\(fixture.name): parameter keys")
        for (name, parameter) in parameters {
            let value = try #require(fixture.state[name], "\(fixture.name): PyTorch has no \(name)")
            parameter.value = value.tensor()
        }
        for (name, buffer) in buffers {
            let value = try #require(fixture.state[name], "\(fixture.name): PyTorch has no \(name)")
            buffer.value = value.tensor()
        }
        layer.train(fixture.training)

        let inputs = fixture.inputs.map { input -> Tensor in
            let tensor = input.tensor()
            if tensor.dtype == .float64 { tensor.requiresGrad = true }
            return tensor
        }
        let output = entry.call(layer, inputs)
        expectMatches(output, fixture.output, "\(fixture.name) output")
        output.backward(fixture.upstream.tensor())
        for (index, (input, expected)) in zip(inputs, fixture.inputGradients).enumerated() {
            guard let expected else { continue }
            expectMatches(input.grad ?? Tensor.zeros(like: input), expected, "\(fixture.name) gradient of input \(index)")
        }
        for (name, parameter) in parameters {
            guard let expected = fixture.parameterGradients[name] else { continue }
            expectMatches(parameter.grad ?? Tensor.zeros(like: parameter.value), expected, "\(fixture.name) gradient of \(name)")
        }
        for (name, buffer) in buffers {
            guard let expected = fixture.stateAfter[name] else { continue }
            expectMatches(buffer.value, expected, "\(fixture.name) \(name) after the call")
        }
    }
}
