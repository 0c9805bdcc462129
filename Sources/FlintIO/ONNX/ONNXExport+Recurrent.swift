import Flint
import FlintNN

// RNN, LSTM and GRU as ONNX's recurrent operators, one node per layer. PyTorch (and Flint) stack the gates
// of `weight_ih` as (input, forget, cell, output) for LSTM and (reset, update, new) for GRU; ONNX wants
// (input, output, forget, cell) and (update, reset, hidden), so the blocks are reordered. Flint's GRU
// applies the reset gate after the hidden projection, which is ONNX's `linear_before_reset = 1`.

/// What differs between the three recurrent layers when exported.
private struct RecurrentExport {
    let opType: String
    let gateOrder: [Int]
    let extraAttributes: [ONNXAttribute]
    let hiddenSize: Int
    let layerCount: Int
    let batchFirst: Bool
    let bidirectional: Bool
    let parameters: [String: Tensor]
}

extension ONNXGraphBuilder {
    /// The recurrent layers' shared export: batch-first inputs are transposed to time-first, each layer is
    /// one node whose [time, directions, batch, hidden] output is reshaped to [time, batch, directions · hidden].
    fileprivate func recurrent(_ layer: Module, _ spec: RecurrentExport, input: ONNXValue) throws -> ONNXValue {
        guard input.rank == 3 else {
            throw unsupported(layer, "only batched sequences export (rank 3, with a dynamic batch), got shape \(input.shape)")
        }
        let example = layer(input.example)
        var sequence = spec.batchFirst ? node("Transpose", [input.name], attributes: [.ints("perm", [1, 0, 2])])[0] : input.name
        let directions = spec.bidirectional ? ["", "_reverse"] : [""]
        for index in 0..<spec.layerCount {
            func stacked(_ key: String) -> Tensor? {
                let parts = directions.compactMap { spec.parameters["\(key)_l\(index)\($0)"] }
                guard parts.count == directions.count else { return nil }
                return Tensor.stack(parts.map { reorder($0, spec.gateOrder) }, axis: 0)
            }
            guard let inputWeight = stacked("weight_ih"), let hiddenWeight = stacked("weight_hh") else {
                throw unsupported(layer, "its parameters for layer \(index) are missing")
            }
            var inputs = [sequence, parameter(inputWeight, named: "W_l\(index)"), parameter(hiddenWeight, named: "R_l\(index)")]
            if let inputBias = stacked("bias_ih"), let hiddenBias = stacked("bias_hh") {
                inputs.append(parameter(Tensor.concatenate([inputBias, hiddenBias], axis: 1), named: "B_l\(index)"))
            }
            let output = node(spec.opType, inputs, attributes: [
                .int("hidden_size", spec.hiddenSize), .string("direction", spec.bidirectional ? "bidirectional" : "forward"),
            ] + spec.extraAttributes)[0]
            let timeBatchDirection = node("Transpose", [output], attributes: [.ints("perm", [0, 2, 1, 3])])[0]
            sequence = node("Reshape", [timeBatchDirection, constant(int64s: [0, 0, -1])])[0]
        }
        if spec.batchFirst { sequence = node("Transpose", [sequence], attributes: [.ints("perm", [1, 0, 2])])[0] }
        return value(sequence, example, like: input)
    }
}

/// The gate blocks of `tensor` (axis 0 for weights, the only axis for biases) in `order`.
private func reorder(_ tensor: Tensor, _ order: [Int]) -> Tensor {
    let blocks = tensor.chunked(order.count, axis: 0)
    return Tensor.concatenate(order.map { blocks[$0] }, axis: 0)
}

private func parameterTable(_ module: Module) -> [String: Tensor] {
    Dictionary(uniqueKeysWithValues: module.localParameters().map { ($0.name, $0.parameter.value) })
}

extension LSTM: ONNXExportable {
    /// ONNX `LSTM` per layer, gates reordered to (input, output, forget, cell).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try graph.recurrent(self, RecurrentExport(
            opType: "LSTM", gateOrder: [0, 3, 1, 2], extraAttributes: [], hiddenSize: hiddenSize, layerCount: layerCount,
            batchFirst: batchFirst, bidirectional: bidirectional, parameters: parameterTable(self)), input: input)
    }
}

extension GRU: ONNXExportable {
    /// ONNX `GRU` per layer (`linear_before_reset`), gates reordered to (update, reset, hidden).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        try graph.recurrent(self, RecurrentExport(
            opType: "GRU", gateOrder: [1, 0, 2], extraAttributes: [.int("linear_before_reset", 1)], hiddenSize: hiddenSize,
            layerCount: layerCount, batchFirst: batchFirst, bidirectional: bidirectional, parameters: parameterTable(self)),
            input: input)
    }
}

extension RNN: ONNXExportable {
    /// ONNX `RNN` per layer with the layer's nonlinearity (`Tanh` or `Relu`).
    public func exportONNX(_ input: ONNXValue, into graph: ONNXGraphBuilder) throws -> ONNXValue {
        let activation = nonlinearity == .relu ? "Relu" : "Tanh"
        let activations = [ONNXAttribute.strings("activations", Array(repeating: activation, count: bidirectional ? 2 : 1))]
        return try graph.recurrent(self, RecurrentExport(
            opType: "RNN", gateOrder: [0], extraAttributes: activations, hiddenSize: hiddenSize, layerCount: layerCount,
            batchFirst: batchFirst, bidirectional: bidirectional, parameters: parameterTable(self)), input: input)
    }
}
