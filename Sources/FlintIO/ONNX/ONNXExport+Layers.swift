import Flint
import FlintNN

// Containers, linear layers, activations and embeddings: the ONNX form of each FlintNN layer, computing
// exactly what its `forward` computes in evaluation mode.

extension Sequential: ONNXExportable {
    /// Exports each layer in turn, keyed `0`, `1`, … as its state_dict names.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        var value = input
        for (name, layer) in namedChildren() { value = try graph.apply(layer, to: value, named: name) }
        return value
    }
}

extension Linear: ONNXExportable {
    /// `Gemm` (transB) for a [batch, features] input; `MatMul` with the transposed weight and `Add` for more axes.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.shape.last == inputFeatures else {
            throw graph.unsupported(self, "the input's last dimension is \(input.shape.last ?? 0), not \(inputFeatures)")
        }
        let example = self(input.example)
        if input.rank == 2 {
            var inputs = [input.name, graph.parameter(weight.value, named: "weight")]
            if let bias { inputs.append(graph.parameter(bias.value, named: "bias")) }
            let output = graph.node("Gemm", inputs, attributes: [.int("transB", 1)])[0]
            return graph.value(output, example, like: input)
        }
        let transposed = graph.parameter(weight.value.transposed().contiguous(), named: "weight_transposed")
        var output = graph.node("MatMul", [input.name, transposed])[0]
        if let bias { output = graph.node("Add", [output, graph.parameter(bias.value, named: "bias")])[0] }
        return graph.value(output, example, like: input)
    }
}

extension Identity: ONNXExportable {
    /// `Identity`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.unary("Identity", input, input.example)
    }
}

extension Dropout: ONNXExportable {
    /// `Identity`: an exported model runs in evaluation mode, where dropout does nothing.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.unary("Identity", input, input.example)
    }
}

extension Flatten: ONNXExportable {
    /// `Reshape` that keeps the axes before `startAxis` (the batch) dynamic.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try graph.flatten(input, startAxis: startAxis, endAxis: endAxis)
    }
}

extension ReLU: ONNXExportable {
    /// `Relu`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.relu(input)
    }
}

extension LeakyReLU: ONNXExportable {
    /// `LeakyRelu` with `alpha` the slope.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.unary("LeakyRelu", input, self(input.example), attributes: [.float("alpha", slope)])
    }
}

extension ELU: ONNXExportable {
    /// `Elu` with `alpha`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.unary("Elu", input, self(input.example), attributes: [.float("alpha", alpha)])
    }
}

extension GELU: ONNXExportable {
    /// Decomposed (opset 17 has no `Gelu`): `0.5 x (1 + erf(x / √2))`, or the tanh form when the layer uses it.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.value(graph.gelu(input.name, dtype: input.example.dtype, approximation: approximation),
                    self(input.example), like: input)
    }
}

extension SiLU: ONNXExportable {
    /// `x * Sigmoid(x)`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        let gate = graph.node("Sigmoid", [input.name])[0]
        return graph.value(graph.node("Mul", [input.name, gate])[0], self(input.example), like: input)
    }
}

extension Tanh: ONNXExportable {
    /// `Tanh`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.tanh(input)
    }
}

extension Sigmoid: ONNXExportable {
    /// `Sigmoid`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.sigmoid(input)
    }
}

extension Softmax: ONNXExportable {
    /// `Softmax` along the layer's axis.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.softmax(input, axis: axis)
    }
}

extension LogSoftmax: ONNXExportable {
    /// `LogSoftmax` along the layer's axis.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        graph.unary("LogSoftmax", input, self(input.example), attributes: [.int("axis", axis)])
    }
}

extension Embedding: ONNXExportable {
    /// `Gather` of the table's rows (float indices are cast to int64 first, as Flint truncates them).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        var indices = input.name
        if input.example.dtype != .int64 && input.example.dtype != .int32 {
            guard input.example.dtype.isFloatingPoint else {
                throw graph.unsupported(self, "the indices are \(input.example.dtype); pass int64 (or int32) indices")
            }
            indices = graph.node("Cast", [indices], attributes: [.int("to", 7)])[0]
        }
        let table = graph.parameter(weight.value, named: "weight")
        let output = graph.node("Gather", [table, indices], attributes: [.int("axis", 0)])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension ONNXGraphBuilder {
    /// GELU on the value named `input` of `dtype`, decomposed into opset-17 operators.
    func gelu(_ input: String, dtype: DType, approximation: GeluApproximation) -> String {
        let half = scalar(0.5, dtype: dtype), one = scalar(1, dtype: dtype)
        let inner: String
        switch approximation {
        case .none:
            let scaled = node("Div", [input, scalar(2.0.squareRoot(), dtype: dtype)])[0]
            inner = node("Erf", [scaled])[0]
        case .tanh:
            let cube = node("Mul", [input, node("Mul", [input, input])[0]])[0]
            let sum = node("Add", [input, node("Mul", [cube, scalar(0.044715, dtype: dtype)])[0]])[0]
            inner = node("Tanh", [node("Mul", [sum, scalar((2 / Double.pi).squareRoot(), dtype: dtype)])[0]])[0]
        }
        let factor = node("Mul", [node("Add", [inner, one])[0], half])[0]
        return node("Mul", [input, factor])[0]
    }
}
