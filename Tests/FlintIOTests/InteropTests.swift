import Flint
import FlintIO
import FlintNN
import Foundation
import Testing

struct FixtureMissing: Error, CustomStringConvertible { let description: String }

/// Files made by `scripts/make_interop_fixtures.py` (PyTorch) and by this suite (Flint).
enum InteropFixtures {
    static func url(_ name: String) throws -> URL {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts[1], subdirectory: "Fixtures") else {
            throw FixtureMissing(description: "Fixtures/\(name) is missing from the test bundle; run scripts/make_interop_fixtures.py")
        }
        return url
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(name))) as! [String: Any]
    }

    /// A float32 tensor from a fixture's flat values and shape.
    static func tensor(_ object: [String: Any], _ key: String) -> Tensor {
        let values = (object[key] as! [Any]).map { ($0 as! NSNumber).floatValue }
        return Tensor(values, shape: (object["\(key)_shape"] as! [Any]).map { ($0 as! NSNumber).intValue })
    }

    static func mlp() -> Sequential { Sequential(Linear(4, 8), ReLU(), Linear(8, 3)) }
}

@Suite struct InteropTests {
    @Test func aPyTorchMLPLoadsAndReproducesItsOutput() throws {
        let model = InteropFixtures.mlp()
        let report = try model.load(from: InteropFixtures.url("mlp_torch.safetensors"))
        #expect(report.isComplete)
        #expect(try SafeTensors.read(from: InteropFixtures.url("mlp_torch.safetensors")).metadata == ["source": "pytorch", "seed": "0"])
        model.eval()
        let io = try InteropFixtures.json("mlp_torch_io.json")
        let output = model(InteropFixtures.tensor(io, "input"))
        let expected = InteropFixtures.tensor(io, "output")
        #expect(output.shape == expected.shape)
        let difference = zip(output.scalars(as: Float.self), expected.scalars(as: Float.self)).map { Swift.abs($0 - $1) }.max()!
        #expect(difference < 1e-5, "max difference \(difference)")
    }

    /// The CNN (BatchNorm2d with running statistics from three PyTorch training passes), the LSTM
    /// classifier and the transformer: strict loading of PyTorch's file into the Flint model, then
    /// PyTorch's eval-mode output within 1e-5.
    @Test(arguments: ["cnn", "lstm", "transformer"])
    func aPyTorchModelLoadsStrictlyAndReproducesItsOutput(_ name: String) throws {
        let modelCase = try #require(InteropFixtures.modelCases[name], "no Flint model for the fixture \(name)")
        let model = modelCase.build()
        let url = try InteropFixtures.url("\(name)_torch.safetensors")
        let report = try model.load(from: url)
        #expect(report.isComplete, "\(report)")
        #expect(try SafeTensors.read(from: url).metadata == ["source": "pytorch", "seed": "\(InteropFixtures.seed(name))"])
        model.eval()
        let io = try InteropFixtures.json("\(name)_torch_io.json")
        let output = model(InteropFixtures.input(io))
        let expected = InteropFixtures.tensor(io, "output")
        #expect(output.shape == expected.shape)
        let difference = InteropFixtures.maxDifference(output, expected)
        #expect(difference < 1e-5, "\(name): max difference \(difference)")
    }

    @Test func theCNNRunningStatisticsComeFromPyTorchsTrainingPasses() throws {
        let model = InteropFixtures.cnn()
        _ = try model.load(from: InteropFixtures.url("cnn_torch.safetensors"))
        let buffers = Dictionary(uniqueKeysWithValues: model.namedBuffers().map { ($0.name, $0.buffer.value) })
        for layer in ["1", "5"] {
            #expect(buffers["\(layer).num_batches_tracked"]?.item(as: Int64.self) == 3)
            let mean = try #require(buffers["\(layer).running_mean"]).scalars(as: Float.self)
            let variance = try #require(buffers["\(layer).running_var"]).scalars(as: Float.self)
            #expect(mean.allSatisfy { $0 != 0 } && variance.allSatisfy { $0 != 1 && $0 > 0 }, "layer \(layer)")
        }
        // Evaluation must use them: batch statistics give a different output.
        let io = try InteropFixtures.json("cnn_torch_io.json")
        let evaluated = { model.eval(); return model(InteropFixtures.input(io)) }()
        model.train()
        let trained = model(InteropFixtures.input(io))
        #expect(InteropFixtures.maxDifference(evaluated, trained) > 1e-2)
    }

    @Test func everyDTypeFromPyTorchReadsAsPyTorchSeesIt() throws {
        let (tensors, _) = try SafeTensors.read(from: InteropFixtures.url("dtypes_torch.safetensors"))
        let expected = try InteropFixtures.json("dtypes_torch.json")
        #expect(Set(tensors.keys) == Set(expected.keys))
        let flintDType = ["float16": DType.float32, "bfloat16": .float32, "float32": .float32, "float64": .float64,
                          "int32": .int32, "int64": .int64, "int8": .int8, "uint8": .uint8, "bool": .bool]
        for (name, entry) in expected {
            let entry = entry as! [String: Any]
            let tensor = try #require(tensors[name])
            #expect(tensor.dtype == flintDType[entry["dtype"] as! String], "\(name)")
            #expect(tensor.shape == (entry["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }, "\(name)")
            let values = entry["values"] as! [Any]
            if tensor.dtype == .int64 {
                #expect(tensor.scalars(as: Int64.self) == values.map { Int64($0 as! String)! }, "\(name)")
            } else {
                let expectedValues: [Double] = values.map { value in
                    if let text = value as? String { return Double(text)! }
                    return (value as! NSNumber).doubleValue
                }
                let actual = tensor.scalars(as: Double.self)
                #expect(actual.map(\.bitPattern) == expectedValues.map(\.bitPattern), "\(name): \(actual) vs \(expectedValues)")
            }
        }
    }

    /// The Flint side of the interop proof: a seeded MLP saved by Flint, with an input and Flint's
    /// output. `FLINT_WRITE_FIXTURES=1 swift test --filter InteropTests` rewrites the committed files
    /// (then run `scripts/make_interop_fixtures.py --check-flint`); otherwise this checks that Flint
    /// still writes exactly the committed bytes and output.
    @Test func flintWritesTheCommittedFileThatPyTorchReads() throws {
        let generator = RandomGenerator(seed: 7)
        let model = InteropFixtures.mlp()
        for (_, parameter) in model.namedParameters() {
            parameter.value.copy(from: Tensor.randn(parameter.shape, generator: generator) * 0.5)
        }
        let input = Tensor.randn([5, 4], generator: generator)
        let output = model(input)
        let metadata = ["source": "flint", "architecture": "Sequential(Linear(4, 8), ReLU(), Linear(8, 3))"]
        func list(_ tensor: Tensor) -> String { "[" + tensor.scalars(as: Float.self).map { "\(Double($0))" }.joined(separator: ", ") + "]" }
        let json = "{\"input_shape\": \(input.shape), \"input\": \(list(input)),\n \"output_shape\": \(output.shape), \"output\": \(list(output))}\n"

        if ProcessInfo.processInfo.environment["FLINT_WRITE_FIXTURES"] == "1" {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            try model.save(to: folder.appendingPathComponent("mlp_flint.safetensors"), metadata: metadata)
            try AtomicFile.write(Data(json.utf8), to: folder.appendingPathComponent("mlp_flint_io.json"))
        }
        let committed = try Data(contentsOf: InteropFixtures.url("mlp_flint.safetensors"))
        #expect(committed == (try SafeTensors.serialize(model.stateDictionary(), metadata: metadata)))
        #expect(try String(contentsOf: InteropFixtures.url("mlp_flint_io.json"), encoding: .utf8) == json)
    }

    /// The Flint side for the CNN, the LSTM classifier and the transformer: each seeded by
    /// `InteropFixtures.randomize`, saved by Flint with an input and Flint's eval-mode output.
    /// `FLINT_WRITE_FIXTURES=1` rewrites `<name>_flint.safetensors` and `<name>_flint_io.json`
    /// (then run `scripts/make_interop_fixtures.py --check-flint`); otherwise the committed file must
    /// be exactly the bytes Flint writes now and the committed output within 1e-5 of Flint's.
    @Test(arguments: ["cnn", "lstm", "transformer"])
    func flintWritesTheCommittedModelFileThatPyTorchReads(_ name: String) throws {
        let modelCase = try #require(InteropFixtures.modelCases[name], "no Flint model for the fixture \(name)")
        let generator = RandomGenerator(seed: InteropFixtures.seed(name))
        let model = modelCase.build()
        InteropFixtures.randomize(model, generator: generator)
        model.eval()
        let input = modelCase.input(generator)
        let output = model(input)
        let metadata = ["source": "flint", "architecture": modelCase.architecture]
        let inputText = input.dtype == .int64
            ? "\"input_dtype\": \"int64\", \"input\": [" + input.scalars(as: Int64.self).map { "\($0)" }.joined(separator: ", ") + "]"
            : "\"input\": [" + input.scalars(as: Float.self).map { "\(Double($0))" }.joined(separator: ", ") + "]"
        let outputText = output.scalars(as: Float.self).map { "\(Double($0))" }.joined(separator: ", ")
        let json = "{\"input_shape\": \(input.shape), \(inputText),\n \"output_shape\": \(output.shape), \"output\": [\(outputText)]}\n"

        if ProcessInfo.processInfo.environment["FLINT_WRITE_FIXTURES"] == "1" {
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
            try model.save(to: folder.appendingPathComponent("\(name)_flint.safetensors"), metadata: metadata)
            try AtomicFile.write(Data(json.utf8), to: folder.appendingPathComponent("\(name)_flint_io.json"))
        }
        let committed = try Data(contentsOf: InteropFixtures.url("\(name)_flint.safetensors"))
        #expect(committed == (try SafeTensors.serialize(model.stateDictionary(), metadata: metadata)))
        let io = try InteropFixtures.json("\(name)_flint_io.json")
        let committedInput = InteropFixtures.input(io)
        #expect(committedInput.shape == input.shape && committedInput.dtype == input.dtype)
        #expect(committedInput.scalars(as: Double.self) == input.scalars(as: Double.self))
        let committedOutput = InteropFixtures.tensor(io, "output")
        #expect(committedOutput.shape == output.shape)
        #expect(InteropFixtures.maxDifference(committedOutput, output) < 1e-5)
    }
}
