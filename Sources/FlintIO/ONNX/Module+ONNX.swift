import Flint
import FlintNN
import Foundation

/// A module that can write itself into an ONNX graph. FlintIO makes every FlintNN layer that ONNX can
/// express conform; conform your own modules by emitting the same computation as their `forward`.
///
/// ```swift
/// extension Residual: ONNXExportable {
///     func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
///         let body = try graph.apply(self.body, to: input, named: "body")
///         return try graph.add(body, input)
///     }
/// }
/// ```
public protocol ONNXExportable: Module {
    /// Adds the nodes computing this module's output from `input` and returns that output.
    func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue
}

/// Why a model could not be exported to ONNX.
///
/// ```swift
/// do { try model.exportONNX(to: url, exampleInput: x) } catch let error as ONNXExportError { print(error) }
/// ```
public enum ONNXExportError: Error, CustomStringConvertible, Equatable {
    /// The layer at `path` (its dotted key; empty for the model itself) cannot be expressed in ONNX.
    case unsupported(path: String, layer: String, reason: String)
    /// The export's own arguments are wrong (names, example input).
    case invalidArgument(String)
    /// Encoding or writing the file failed.
    case writeFailed(String)

    /// One line saying what failed and what to do.
    public var description: String {
        switch self {
        case let .unsupported(path, layer, reason):
            let place = path.isEmpty ? "the model itself" : "layer '\(path)'"
            return "cannot export \(place) (\(layer)) to ONNX: \(reason)"
        case let .invalidArgument(message): return message
        case let .writeFailed(message): return message
        }
    }
}

extension Module {
    /// Writes this model to `url` as an ONNX file (opset 17): one input of `exampleInput`'s dtype and
    /// shape with a dynamic batch dimension (axis 0), one output, weights stored as initializers.
    /// The model is traced in evaluation mode (dropout off, BatchNorm running statistics) and put
    /// back in its previous mode. The file is written atomically.
    ///
    /// Throws ``ONNXExportError`` naming the layer (by its dotted path) that ONNX cannot express.
    ///
    /// ```swift
    /// let model = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
    /// try model.exportONNX(to: URL(fileURLWithPath: "model.onnx"), exampleInput: Tensor.zeros([1, 4]))
    /// ```
    public func exportONNX(to url: URL, exampleInput: Tensor, inputName: String = "input",
                           outputName: String = "output") throws {
        let data = try onnxModelData(exampleInput: exampleInput, inputName: inputName, outputName: outputName)
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw ONNXExportError.writeFailed("cannot write the ONNX model to \(url.path): \(error)")
        }
    }

    /// The bytes of the ONNX model ``exportONNX(to:exampleInput:inputName:outputName:)`` writes.
    ///
    /// ```swift
    /// let bytes = try model.onnxModelData(exampleInput: Tensor.zeros([1, 4]))
    /// ```
    public func onnxModelData(exampleInput: Tensor, inputName: String = "input", outputName: String = "output") throws -> Data {
        guard !inputName.isEmpty, !outputName.isEmpty, inputName != outputName else {
            throw ONNXExportError.invalidArgument("the ONNX input and output names must be non-empty and different, got '\(inputName)' and '\(outputName)'")
        }
        guard exampleInput.rank >= 1, exampleInput.shape[0] >= 1 else {
            throw ONNXExportError.invalidArgument("the example input needs a batch axis first (shape [batch, …]), got shape \(exampleInput.shape)")
        }
        let wasTraining = isTraining
        eval()
        defer { train(wasTraining) }

        let graph = ONNXGraphBuilder()
        graph.reserve(inputName)
        graph.reserve(outputName)
        let input = ONNXValue(name: inputName, example: exampleInput, batchAxis: 0)
        let output = try withoutGradients { try graph.apply(self, to: input, named: "") }
        graph.node("Identity", [output.name], outputCount: 1)
        graph.nodes[graph.nodes.count - 1].output = [outputName]

        var proto = Onnx_GraphProto()
        proto.name = String(describing: type(of: self))
        proto.node = graph.nodes
        proto.initializer = graph.initializers
        proto.input = [Self.valueInfo(inputName, input.example, batchAxis: 0)]
        proto.output = [Self.valueInfo(outputName, output.example, batchAxis: output.batchAxis)]

        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "Flint"
        model.producerVersion = "0.1.0"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(ONNXGraphBuilder.opsetVersion)
        model.opsetImport = [opset]
        model.graph = proto
        do {
            return try model.serializedData()
        } catch {
            throw ONNXExportError.writeFailed("cannot encode the ONNX model: \(error)")
        }
    }

    /// A graph input or output description: element type and shape, the batch axis named `batch`.
    static func valueInfo(_ name: String, _ example: Tensor, batchAxis: Int?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = ONNXGraphBuilder.elementType(example.dtype)
        var shape = Onnx_TensorShapeProto()
        shape.dim = example.shape.enumerated().map { axis, size in
            var dimension = Onnx_TensorShapeProto.Dimension()
            if axis == batchAxis { dimension.dimParam = "batch" } else { dimension.dimValue = Int64(size) }
            return dimension
        }
        tensorType.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensorType
        info.type = type
        return info
    }
}
