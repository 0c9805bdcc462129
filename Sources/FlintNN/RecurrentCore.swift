import Flint

/// Which recurrence a ``RecurrentCore`` runs.
enum RecurrentCell {
    case tanh, relu, lstm, gru

    /// How many gate blocks the stacked weights hold (PyTorch's order: LSTM i, f, g, o; GRU r, z, n).
    var gateCount: Int {
        switch self {
        case .tanh, .relu: return 1
        case .lstm: return 4
        case .gru: return 3
        }
    }
}

/// The weights of one layer in one direction.
struct RecurrentWeights {
    /// `[gates * hidden, layer input size]`.
    let inputWeight: Parameter
    /// `[gates * hidden, hidden]`.
    let hiddenWeight: Parameter
    /// `[gates * hidden]`, or nil without biases.
    let inputBias: Parameter?
    /// `[gates * hidden]`, or nil without biases.
    let hiddenBias: Parameter?
}

/// The shared engine of ``RNN``, ``LSTM`` and ``GRU``: the weights with PyTorch's keys and the
/// multi-layer, optionally bidirectional loop over time.
///
/// Each layer and direction projects the whole input sequence with one matrix product, then loops
/// over time for the recurrent product.
final class RecurrentCore {
    let cell: RecurrentCell
    let name: String
    let inputSize: Int
    let hiddenSize: Int
    let layerCount: Int
    let hasBias: Bool
    let batchFirst: Bool
    let dropout: Double
    let bidirectional: Bool
    /// `weights[layer][direction]`, direction 0 forward and 1 reverse.
    let weights: [[RecurrentWeights]]

    init(cell: RecurrentCell, name: String, inputSize: Int, hiddenSize: Int, layerCount: Int, bias: Bool,
         batchFirst: Bool, dropout: Double, bidirectional: Bool, dtype: DType) {
        precondition(inputSize > 0 && hiddenSize > 0 && layerCount > 0,
                     "\(name): inputSize, hiddenSize and layerCount must be positive, got \(inputSize), \(hiddenSize), \(layerCount)")
        precondition(dropout >= 0 && dropout < 1, "\(name): dropout must be in [0, 1), got \(dropout)")
        precondition(dtype.isFloatingPoint, "\(name): needs a float dtype, got \(dtype)")
        self.cell = cell
        self.name = name
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.hasBias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        let bound = 1 / Double(hiddenSize).squareRoot()
        let rows = cell.gateCount * hiddenSize
        func uniform(_ shape: [Int]) -> Parameter {
            Parameter(Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype))
        }
        let directions = bidirectional ? 2 : 1
        weights = (0..<layerCount).map { layer in
            let layerInput = layer == 0 ? inputSize : hiddenSize * directions
            return (0..<directions).map { _ in
                RecurrentWeights(inputWeight: uniform([rows, layerInput]), hiddenWeight: uniform([rows, hiddenSize]),
                                 inputBias: bias ? uniform([rows]) : nil, hiddenBias: bias ? uniform([rows]) : nil)
            }
        }
    }

    var directionCount: Int { bidirectional ? 2 : 1 }

    /// The parameters in PyTorch's `state_dict` order: per layer, per direction, `weight_ih`,
    /// `weight_hh`, `bias_ih`, `bias_hh`.
    func namedParameters() -> [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = []
        for (layer, directions) in weights.enumerated() {
            for (direction, weight) in directions.enumerated() {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                result.append(("weight_ih" + suffix, weight.inputWeight))
                result.append(("weight_hh" + suffix, weight.hiddenWeight))
                if let inputBias = weight.inputBias { result.append(("bias_ih" + suffix, inputBias)) }
                if let hiddenBias = weight.hiddenBias { result.append(("bias_hh" + suffix, hiddenBias)) }
            }
        }
        return result
    }

    /// Runs the layers over `input` (`[L, N, inputSize]`, `[N, L, inputSize]` when batch-first, or
    /// unbatched `[L, inputSize]`) from the initial states (`[D * layers, N, hidden]` or unbatched
    /// `[D * layers, hidden]`, zeros when nil). Returns the last layer's outputs for every step and
    /// the final hidden (and, for LSTM, cell) state of every layer and direction.
    func run(_ input: Tensor, hidden initialHidden: Tensor?, cell initialCell: Tensor?,
             training: Bool) -> (output: Tensor, hidden: Tensor, cell: Tensor?) {
        precondition(input.rank == 2 || input.rank == 3,
                     "\(name): the input must be [L, N, \(inputSize)]\(batchFirst ? " (batch-first: [N, L, \(inputSize)])" : "") or unbatched [L, \(inputSize)], got shape \(input.shape)")
        precondition(input.shape[input.rank - 1] == inputSize,
                     "\(name): the input's last dimension must be inputSize \(inputSize), got shape \(input.shape)")
        let unbatched = input.rank == 2
        var sequence = unbatched ? input.unsqueezed(axis: 1) : (batchFirst ? input.transposed(0, 1) : input)
        let steps = sequence.shape[0], batch = sequence.shape[1]
        let stateShape = [layerCount * directionCount, batch, hiddenSize]
        func initialState(_ given: Tensor?, _ what: String) -> Tensor {
            guard let given else { return Tensor.zeros(stateShape, dtype: input.dtype) }
            let expected = unbatched ? [stateShape[0], hiddenSize] : stateShape
            precondition(given.shape == expected, "\(name): the initial \(what) state must have shape \(expected), got \(given.shape)")
            return unbatched ? given.unsqueezed(axis: 1) : given
        }
        let hidden0 = initialState(initialHidden, "hidden")
        let cell0: Tensor? = cell == .lstm ? initialState(initialCell, "cell") : nil
        var finalHidden: [Tensor] = [], finalCell: [Tensor] = []

        for layer in 0..<layerCount {
            var directionOutputs: [Tensor] = []
            for direction in 0..<directionCount {
                let index = layer * directionCount + direction
                let (outputs, hidden, cellState) = runDirection(
                    sequence, weights: weights[layer][direction], reverse: direction == 1,
                    hidden: hidden0[index], cell: cell0?[index], steps: steps)
                directionOutputs.append(outputs)
                finalHidden.append(hidden)
                if let cellState { finalCell.append(cellState) }
            }
            sequence = directionOutputs.count == 1 ? directionOutputs[0] : Tensor.concatenate(directionOutputs, axis: 2)
            if training && dropout > 0 && layer < layerCount - 1 {
                let keep = Tensor.bernoulli(sequence.shape, probability: 1 - dropout, dtype: sequence.dtype)
                sequence = sequence * (keep * (1 / (1 - dropout)))
            }
        }
        var output = batchFirst && !unbatched ? sequence.transposed(0, 1) : sequence
        var hidden = Tensor.stack(finalHidden, axis: 0)
        var cellState: Tensor? = finalCell.isEmpty ? nil : Tensor.stack(finalCell, axis: 0)
        if unbatched {
            output = output.squeezed(axis: 1)
            hidden = hidden.squeezed(axis: 1)
            cellState = cellState?.squeezed(axis: 1)
        }
        return (output, hidden, cellState)
    }

    /// One layer in one direction over a time-major sequence `[L, N, features]`.
    private func runDirection(_ sequence: Tensor, weights: RecurrentWeights, reverse: Bool, hidden initialHidden: Tensor,
                              cell initialCell: Tensor?, steps: Int) -> (Tensor, Tensor, Tensor?) {
        // All time steps' input projections in one product: [L, N, gates * hidden].
        var projected = sequence.matmul(weights.inputWeight.value.transposed())
        if let inputBias = weights.inputBias { projected = projected + inputBias.value }
        // Outside GRU the hidden bias is a plain sum too, so it joins the input projection once.
        if cell != .gru, let hiddenBias = weights.hiddenBias { projected = projected + hiddenBias.value }
        let recurrentWeight = weights.hiddenWeight.value.transposed()
        var hidden = initialHidden, cellState = initialCell
        var outputs = [Tensor?](repeating: nil, count: steps)
        for step in (reverse ? Array((0..<steps).reversed()) : Array(0..<steps)) {
            let fromInput = projected[step]
            switch cell {
            case .tanh:
                hidden = (fromInput + hidden.matmul(recurrentWeight)).tanh()
            case .relu:
                hidden = (fromInput + hidden.matmul(recurrentWeight)).relu()
            case .lstm:
                let gates = (fromInput + hidden.matmul(recurrentWeight)).chunked(4, axis: 1)
                let inputGate = gates[0].sigmoid(), forgetGate = gates[1].sigmoid()
                let candidate = gates[2].tanh(), outputGate = gates[3].sigmoid()
                let newCell = forgetGate * cellState! + inputGate * candidate
                cellState = newCell
                hidden = outputGate * newCell.tanh()
            case .gru:
                var fromHidden = hidden.matmul(recurrentWeight)
                if let hiddenBias = weights.hiddenBias { fromHidden = fromHidden + hiddenBias.value }
                let inputParts = fromInput.chunked(3, axis: 1), hiddenParts = fromHidden.chunked(3, axis: 1)
                let reset = (inputParts[0] + hiddenParts[0]).sigmoid()
                let update = (inputParts[1] + hiddenParts[1]).sigmoid()
                let candidate = (inputParts[2] + reset * hiddenParts[2]).tanh()
                hidden = (1 - update) * candidate + update * hidden
            }
            outputs[step] = hidden
        }
        return (Tensor.stack(outputs.map { $0! }, axis: 0), hidden, cellState)
    }

    /// `LSTM(10 => 20, layers: 2, bidirectional)`, with only the options that differ from PyTorch's defaults.
    func describe(_ typeName: String) -> String {
        var options: [String] = []
        if cell == .relu { options.append("nonlinearity: relu") }
        if layerCount > 1 { options.append("layers: \(layerCount)") }
        if !hasBias { options.append("bias: false") }
        if batchFirst { options.append("batchFirst") }
        if dropout > 0 { options.append("dropout: \(dropout)") }
        if bidirectional { options.append("bidirectional") }
        return "\(typeName)(\(inputSize) => \(hiddenSize)" + options.map { ", " + $0 }.joined() + ")"
    }
}
