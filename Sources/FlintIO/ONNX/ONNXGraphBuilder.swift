import Flint
import FlintNN
import Foundation

/// One named value of an ONNX graph being built: the name nodes refer to, the value Flint computes
/// for the example input (its shape and dtype are the graph's), and which axis is the batch.
///
/// ```swift
/// let hidden = try graph.apply(encoder, to: input, named: "encoder")
/// print(hidden.shape)  // [8, 64] for an example batch of 8
/// ```
public struct ONNXValue {
    /// The value's name in the graph.
    public let name: String
    /// What Flint computes for this value on the example input.
    public let example: Tensor
    /// The axis holding the batch (dynamic in the exported graph), or nil when there is none.
    public let batchAxis: Int?

    /// A value named `name` whose example is `example`, with its batch on `batchAxis`.
    ///
    /// ```swift
    /// ONNXValue(name: "input", example: Tensor.zeros([4, 10]), batchAxis: 0)
    /// ```
    public init(name: String, example: Tensor, batchAxis: Int?) {
        (self.name, self.example, self.batchAxis) = (name, example, batchAxis)
    }

    /// The example's shape.
    ///
    /// ```swift
    /// input.shape  // [4, 10]
    /// ```
    public var shape: [Int] { example.shape }

    /// The example's rank.
    ///
    /// ```swift
    /// input.rank  // 2
    /// ```
    public var rank: Int { example.rank }
}

/// An attribute of an ONNX node.
///
/// ```swift
/// graph.node("LeakyRelu", [input.name], attributes: [.float("alpha", 0.2)])
/// ```
public enum ONNXAttribute {
    /// One integer.
    case int(String, Int)
    /// A list of integers.
    case ints(String, [Int])
    /// One float.
    case float(String, Double)
    /// A string.
    case string(String, String)
    /// A list of strings.
    case strings(String, [String])
}

/// Collects the nodes and initializers (weights) of an ONNX graph while layers export themselves.
///
/// Layers conforming to ``ONNXExportable`` receive the builder, add nodes with ``node(_:_:outputCount:attributes:)``
/// and their weights with ``parameter(_:named:)``, and export their children with ``apply(_:to:named:)``,
/// which keeps the dotted module path for names and error messages. Custom models also use the shape
/// operations (``reshape(_:to:)``, ``transpose(_:permutation:)``, ``concatenate(_:axis:)``, …).
///
/// ```swift
/// extension TwoTower: ONNXExportable {
///     func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
///         let left = try graph.apply(leftTower, to: input, named: "left_tower")
///         let right = try graph.apply(rightTower, to: input, named: "right_tower")
///         return try graph.concatenate([left, right], axis: 1)
///     }
/// }
/// ```
public final class ONNXGraphBuilder {
    /// The ONNX operator set the exporter writes.
    public static let opsetVersion = 17

    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    private var usedNames: Set<String> = []
    private var counter = 0
    private var pathStack: [String] = []

    /// An empty graph.
    ///
    /// ```swift
    /// let graph = ONNXGraphBuilder()
    /// ```
    public init() {}

    /// The dotted path of the module being exported (`features.3`), empty at the root.
    ///
    /// ```swift
    /// graph.currentPath  // "encoder.layers.0"
    /// ```
    public var currentPath: String { pathStack.filter { !$0.isEmpty }.joined(separator: ".") }

    /// A fresh value name, prefixed with the current module path.
    func freshName(_ hint: String) -> String {
        let prefix = currentPath.isEmpty ? "" : currentPath + "/"
        var name = prefix + hint
        while usedNames.contains(name) {
            counter += 1
            name = "\(prefix)\(hint)_\(counter)"
        }
        usedNames.insert(name)
        return name
    }

    /// Reserves a name chosen by the caller (graph inputs and outputs).
    func reserve(_ name: String) { usedNames.insert(name) }

    // MARK: nodes and initializers

    /// Adds a node of operator `opType` reading `inputs` (value names; "" for a skipped optional input)
    /// and returns the names of its `outputCount` outputs.
    ///
    /// ```swift
    /// let output = graph.node("Relu", [input.name])[0]
    /// ```
    @discardableResult
    public func node(_ opType: String, _ inputs: [String], outputCount: Int = 1, attributes: [ONNXAttribute] = []) -> [String] {
        var node = Onnx_NodeProto()
        node.opType = opType
        node.name = freshName(opType)
        node.input = inputs
        node.output = (0..<outputCount).map { freshName(outputCount == 1 ? "\(opType)_output" : "\(opType)_output\($0)") }
        node.attribute = attributes.map(Self.attributeProto)
        nodes.append(node)
        return node.output
    }

    /// Adds `tensor` as an initializer named after the current module path and `key`
    /// (`features.0.weight`) and returns its name.
    ///
    /// ```swift
    /// let weight = graph.parameter(self.weight.value, named: "weight")
    /// ```
    public func parameter(_ tensor: Tensor, named key: String) -> String {
        let base = currentPath.isEmpty ? key : "\(currentPath).\(key)"
        let name = usedNames.contains(base) ? freshName(key) : base
        usedNames.insert(name)
        return addInitializer(tensor, name: name)
    }

    /// Adds `tensor` as a constant initializer with a fresh name from `hint` and returns its name.
    ///
    /// ```swift
    /// let mask = graph.constant(causalAttentionMask(size: 4), hint: "causal_mask")
    /// ```
    public func constant(_ tensor: Tensor, hint: String = "constant") -> String {
        addInitializer(tensor, name: freshName(hint))
    }

    /// Adds a constant int64 vector (shapes, axes, indices) and returns its name.
    ///
    /// ```swift
    /// let shape = graph.constant(int64s: [0, -1])
    /// ```
    public func constant(int64s values: [Int]) -> String {
        constant(Tensor(values.map(Int64.init), shape: [values.count]), hint: "shape")
    }

    /// Adds a scalar constant of `dtype` (the dtype of the values it will combine with).
    ///
    /// ```swift
    /// let half = graph.scalar(0.5, dtype: .float32)
    /// ```
    public func scalar(_ value: Double, dtype: DType) -> String {
        constant(Tensor([value], shape: [], dtype: dtype), hint: "scalar")
    }

    private func addInitializer(_ tensor: Tensor, name: String) -> String {
        var proto = Onnx_TensorProto()
        proto.name = name
        proto.dims = tensor.shape.map(Int64.init)
        proto.dataType = Self.elementType(tensor.dtype)
        proto.rawData = tensor.withUnsafeRawBytes { Data($0) }
        initializers.append(proto)
        return name
    }

    // MARK: children

    /// Exports `module` on `input` under the child key `name` (which extends the dotted path used for
    /// weight names and errors). Throws ``ONNXExportError`` when the module cannot be exported.
    ///
    /// ```swift
    /// let features = try graph.apply(backbone, to: input, named: "backbone")
    /// ```
    public func apply(_ module: Module, to input: ONNXValue, named name: String) throws -> ONNXValue {
        pathStack.append(name)
        defer { pathStack.removeLast() }
        guard let exportable = module as? ONNXExportable else {
            throw ONNXExportError.unsupported(path: currentPath, layer: module.layerDescription,
                                              reason: "\(type(of: module)) does not conform to ONNXExportable; "
                                                  + "add an extension implementing exportONNX(_:into:) with the graph's operations")
        }
        return try exportable.exportONNX(input, into: self)
    }

    /// An error naming the module being exported and why it cannot be.
    ///
    /// ```swift
    /// throw graph.unsupported(self, "padding mode 'reflect' has no ONNX equivalent here")
    /// ```
    public func unsupported(_ module: Module, _ reason: String) -> ONNXExportError {
        .unsupported(path: currentPath, layer: module.layerDescription, reason: reason)
    }

    // MARK: protobuf helpers

    static func attributeProto(_ attribute: ONNXAttribute) -> Onnx_AttributeProto {
        var proto = Onnx_AttributeProto()
        switch attribute {
        case let .int(name, value):
            proto.name = name
            proto.type = .int
            proto.i = Int64(value)
        case let .ints(name, values):
            proto.name = name
            proto.type = .ints
            proto.ints = values.map(Int64.init)
        case let .float(name, value):
            proto.name = name
            proto.type = .float
            proto.f = Float(value)
        case let .string(name, value):
            proto.name = name
            proto.type = .string
            proto.s = Data(value.utf8)
        case let .strings(name, values):
            proto.name = name
            proto.type = .strings
            proto.strings = values.map { Data($0.utf8) }
        }
        return proto
    }

    /// ONNX's TensorProto.DataType number for a Flint dtype.
    static func elementType(_ dtype: DType) -> Int32 {
        switch dtype {
        case .float32: return 1
        case .float64: return 11
        case .int32: return 6
        case .int64: return 7
        case .bool: return 9
        case .int8: return 3
        case .uint8: return 2
        }
    }
}
