import Flint
import FlintNN

// Normalization layers: BatchNorm with its running statistics, LayerNorm as `LayerNormalization`,
// GroupNorm and RMSNorm decomposed into reductions (opset 17 has neither).

extension BatchNorm: ONNXExportable {
    /// `BatchNormalization` with the running mean and variance (evaluation mode); scale 1 and bias 0
    /// when the layer is not affine. A layer without running statistics normalises with the batch's
    /// own, which an exported inference graph does not do: that is an error.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard let runningMean, let runningVar else {
            throw graph.unsupported(self, "it tracks no running statistics (trackRunningStats: false), so it normalises with "
                                        + "each batch's own statistics; retrain with running statistics to export")
        }
        guard input.rank >= 2, input.shape[1] == featureCount else {
            throw graph.unsupported(self, "expects \(featureCount) features on axis 1, got shape \(input.shape)")
        }
        let dtype = input.example.dtype
        let scale = graph.parameter(weight?.value ?? Tensor.ones([featureCount], dtype: dtype), named: "weight")
        let shift = graph.parameter(bias?.value ?? Tensor.zeros([featureCount], dtype: dtype), named: "bias")
        let mean = graph.parameter(runningMean.value, named: "running_mean")
        let variance = graph.parameter(runningVar.value, named: "running_var")
        let output = graph.node("BatchNormalization", [input.name, scale, shift, mean, variance],
                                attributes: [.float("epsilon", epsilon)])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension LayerNorm: ONNXExportable {
    /// `LayerNormalization` over the trailing `normalizedShape` axes with the layer's `eps`.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank >= normalizedShape.count, Array(input.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw graph.unsupported(self, "the input's trailing dimensions must be \(normalizedShape), got shape \(input.shape)")
        }
        let dtype = input.example.dtype
        var inputs = [input.name, graph.parameter(weight?.value ?? Tensor.ones(normalizedShape, dtype: dtype), named: "weight")]
        if let bias { inputs.append(graph.parameter(bias.value, named: "bias")) }
        let output = graph.node("LayerNormalization", inputs,
                                attributes: [.int("axis", -normalizedShape.count), .float("epsilon", eps)])[0]
        return graph.value(output, self(input.example), like: input)
    }
}

extension GroupNorm: ONNXExportable {
    /// Reshape to [batch, groups, -1], normalise each group with `ReduceMean` statistics, reshape back
    /// to the input's own shape, then the per-channel scale and shift.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank >= 2, input.shape[1] == channelCount else {
            throw graph.unsupported(self, "expects an input [batch, \(channelCount), …], got shape \(input.shape)")
        }
        let dtype = input.example.dtype
        let grouped = graph.node("Reshape", [input.name, graph.constant(int64s: [0, groupCount, -1])])[0]
        let normalized = graph.normalize(grouped, axes: [2], epsilon: epsilon, dtype: dtype, centered: true)
        var output = graph.node("Reshape", [normalized, graph.node("Shape", [input.name])[0]])[0]
        if let weight, let bias {
            let broadcast = [channelCount] + [Int](repeating: 1, count: input.rank - 2)
            output = graph.node("Mul", [output, graph.parameter(weight.value.reshaped(broadcast), named: "weight")])[0]
            output = graph.node("Add", [output, graph.parameter(bias.value.reshaped(broadcast), named: "bias")])[0]
        }
        return graph.value(output, self(input.example), like: input)
    }
}

extension RMSNorm: ONNXExportable {
    /// `x / sqrt(mean(x²) + ε) * weight` over the trailing axes, with Flint's default ε (the dtype's
    /// machine epsilon) when the layer sets none.
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        guard input.rank >= normalizedShape.count, Array(input.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw graph.unsupported(self, "the input's trailing dimensions must be \(normalizedShape), got shape \(input.shape)")
        }
        let dtype = input.example.dtype
        let machineEpsilon = dtype == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne)
        let axes = Array((input.rank - normalizedShape.count)..<input.rank)
        var output = graph.normalize(input.name, axes: axes, epsilon: epsilon ?? machineEpsilon, dtype: dtype, centered: false)
        if let weight { output = graph.node("Mul", [output, graph.parameter(weight.value, named: "weight")])[0] }
        return graph.value(output, self(input.example), like: input)
    }
}

extension ONNXGraphBuilder {
    /// `(x - mean) / sqrt(var + ε)` over `axes` (or `x / sqrt(mean(x²) + ε)` when not `centered`).
    func normalize(_ input: String, axes: [Int], epsilon: Double, dtype: DType, centered: Bool) -> String {
        let attributes: [ONNXAttribute] = [.ints("axes", axes), .int("keepdims", 1)]
        let centeredValue = centered ? node("Sub", [input, node("ReduceMean", [input], attributes: attributes)[0]])[0] : input
        let squares = node("Mul", [centeredValue, centeredValue])[0]
        let variance = node("ReduceMean", [squares], attributes: attributes)[0]
        let deviation = node("Sqrt", [node("Add", [variance, scalar(epsilon, dtype: dtype)])[0]])[0]
        return node("Div", [centeredValue, deviation])[0]
    }
}
