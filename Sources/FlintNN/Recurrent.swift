import Flint

/// The nonlinearity of a plain ``RNN``.
///
/// ```swift
/// RNN(inputSize: 8, hiddenSize: 16, nonlinearity: .relu)
/// ```
public enum RNNNonlinearity: String, Sendable {
    /// `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)` (PyTorch's default).
    case tanh
    /// `h' = relu(W_ih x + b_ih + W_hh h + b_hh)`.
    case relu
}

/// An Elman recurrent network (PyTorch's `nn.RNN`): `h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`
/// (or relu), stacked `layerCount` deep, optionally bidirectional.
///
/// Inputs are `[L, N, inputSize]` (`[N, L, inputSize]` with `batchFirst`) or unbatched
/// `[L, inputSize]`; states are `[D * layerCount, N, hiddenSize]` whatever `batchFirst` says.
/// Keys are PyTorch's (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
/// `weight_ih_l0_reverse`, …) and every weight starts uniform in ±1/√hiddenSize.
///
/// ```swift
/// let rnn = RNN(inputSize: 8, hiddenSize: 16, layerCount: 2, batchFirst: true)
/// let (output, hidden) = rnn(Tensor.randn([4, 10, 8]), initialState: nil)  // [4, 10, 16], [2, 4, 16]
/// ```
public final class RNN: Module {
    let core: RecurrentCore

    /// A recurrent network; `dropout` applies to every layer's output but the last, in training only.
    ///
    /// ```swift
    /// let rnn = RNN(inputSize: 8, hiddenSize: 16, nonlinearity: .relu, bidirectional: true)
    /// ```
    public init(inputSize: Int, hiddenSize: Int, layerCount: Int = 1, nonlinearity: RNNNonlinearity = .tanh,
                bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
                dtype: DType = .float32) {
        core = RecurrentCore(cell: nonlinearity == .tanh ? .tanh : .relu, name: "RNN", inputSize: inputSize,
                             hiddenSize: hiddenSize, layerCount: layerCount, bias: bias, batchFirst: batchFirst,
                             dropout: dropout, bidirectional: bidirectional, dtype: dtype)
    }

    /// The outputs of the last layer at every step and the final hidden state of every layer and
    /// direction (`initialState` defaults to zeros).
    ///
    /// ```swift
    /// let (output, hidden) = rnn(sequence, initialState: previousHidden)
    /// ```
    public func callAsFunction(_ input: Tensor, initialState: Tensor?) -> (output: Tensor, hidden: Tensor) {
        let result = core.run(input, hidden: initialState, cell: nil, training: isTraining)
        return (result.output, result.hidden)
    }

    /// The output sequence only (so the layer works in ``Sequential``).
    public override func forward(_ input: Tensor) -> Tensor { core.run(input, hidden: nil, cell: nil, training: isTraining).output }

    /// `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, … in PyTorch's order.
    public override func localParameters() -> [(name: String, parameter: Parameter)] { core.namedParameters() }

    /// `RNN(8 => 16, layers: 2)`.
    public override var layerDescription: String { core.describe("RNN") }
}

/// A long short-term memory network (PyTorch's `nn.LSTM`), gates in PyTorch's order:
/// `i, f, g, o = σ, σ, tanh, σ` of `W_ih x + b_ih + W_hh h + b_hh`, `c' = f c + i g`,
/// `h' = o tanh(c')`.
///
/// Shapes and keys follow ``RNN``; the weights stack the four gates (`[4 * hiddenSize, …]`).
///
/// ```swift
/// let lstm = LSTM(inputSize: 8, hiddenSize: 16, layerCount: 2, batchFirst: true, bidirectional: true)
/// let (output, hidden, cell) = lstm(Tensor.randn([4, 10, 8]), initialState: nil)
/// // output [4, 10, 32], hidden and cell [4, 4, 16]
/// ```
public final class LSTM: Module {
    let core: RecurrentCore

    /// An LSTM; `dropout` applies to every layer's output but the last, in training only.
    ///
    /// ```swift
    /// let lstm = LSTM(inputSize: 32, hiddenSize: 64, dropout: 0.2)
    /// ```
    public init(inputSize: Int, hiddenSize: Int, layerCount: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32) {
        core = RecurrentCore(cell: .lstm, name: "LSTM", inputSize: inputSize, hiddenSize: hiddenSize,
                             layerCount: layerCount, bias: bias, batchFirst: batchFirst, dropout: dropout,
                             bidirectional: bidirectional, dtype: dtype)
    }

    /// The outputs of the last layer at every step and the final hidden and cell states of every
    /// layer and direction (`initialState` defaults to zeros).
    ///
    /// ```swift
    /// let (output, hidden, cell) = lstm(sequence, initialState: (hidden: h0, cell: c0))
    /// ```
    public func callAsFunction(_ input: Tensor, initialState: (hidden: Tensor, cell: Tensor)?)
        -> (output: Tensor, hidden: Tensor, cell: Tensor) {
        let result = core.run(input, hidden: initialState?.hidden, cell: initialState?.cell, training: isTraining)
        return (result.output, result.hidden, result.cell!)
    }

    /// The output sequence only (so the layer works in ``Sequential``).
    public override func forward(_ input: Tensor) -> Tensor { core.run(input, hidden: nil, cell: nil, training: isTraining).output }

    /// `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, … in PyTorch's order.
    public override func localParameters() -> [(name: String, parameter: Parameter)] { core.namedParameters() }

    /// `LSTM(8 => 16, layers: 2, bidirectional)`.
    public override var layerDescription: String { core.describe("LSTM") }
}

/// A gated recurrent unit network (PyTorch's `nn.GRU`), gates in PyTorch's order:
/// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
/// `n = tanh(W_in x + b_in + r (W_hn h + b_hn))`, `h' = (1 - z) n + z h`.
///
/// Shapes and keys follow ``RNN``; the weights stack the three gates (`[3 * hiddenSize, …]`).
///
/// ```swift
/// let gru = GRU(inputSize: 8, hiddenSize: 16)
/// let (output, hidden) = gru(Tensor.randn([10, 4, 8]), initialState: nil)  // [10, 4, 16], [1, 4, 16]
/// ```
public final class GRU: Module {
    let core: RecurrentCore

    /// A GRU; `dropout` applies to every layer's output but the last, in training only.
    ///
    /// ```swift
    /// let gru = GRU(inputSize: 32, hiddenSize: 64, layerCount: 2, batchFirst: true)
    /// ```
    public init(inputSize: Int, hiddenSize: Int, layerCount: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false, dtype: DType = .float32) {
        core = RecurrentCore(cell: .gru, name: "GRU", inputSize: inputSize, hiddenSize: hiddenSize,
                             layerCount: layerCount, bias: bias, batchFirst: batchFirst, dropout: dropout,
                             bidirectional: bidirectional, dtype: dtype)
    }

    /// The outputs of the last layer at every step and the final hidden state of every layer and
    /// direction (`initialState` defaults to zeros).
    ///
    /// ```swift
    /// let (output, hidden) = gru(sequence, initialState: nil)
    /// ```
    public func callAsFunction(_ input: Tensor, initialState: Tensor?) -> (output: Tensor, hidden: Tensor) {
        let result = core.run(input, hidden: initialState, cell: nil, training: isTraining)
        return (result.output, result.hidden)
    }

    /// The output sequence only (so the layer works in ``Sequential``).
    public override func forward(_ input: Tensor) -> Tensor { core.run(input, hidden: nil, cell: nil, training: isTraining).output }

    /// `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, … in PyTorch's order.
    public override func localParameters() -> [(name: String, parameter: Parameter)] { core.namedParameters() }

    /// `GRU(8 => 16)`.
    public override var layerDescription: String { core.describe("GRU") }
}

extension RNN {
    /// The size of each input step's features.
    public var inputSize: Int { core.inputSize }
    /// The size of the hidden state.
    public var hiddenSize: Int { core.hiddenSize }
    /// How many layers are stacked.
    public var layerCount: Int { core.layerCount }
}

extension LSTM {
    /// The size of each input step's features.
    public var inputSize: Int { core.inputSize }
    /// The size of the hidden and cell states.
    public var hiddenSize: Int { core.hiddenSize }
    /// How many layers are stacked.
    public var layerCount: Int { core.layerCount }
}

extension GRU {
    /// The size of each input step's features.
    public var inputSize: Int { core.inputSize }
    /// The size of the hidden state.
    public var hiddenSize: Int { core.hiddenSize }
    /// How many layers are stacked.
    public var layerCount: Int { core.layerCount }
}

extension RNN {
    /// Whether inputs and outputs are [batch, time, features] rather than [time, batch, features].
    ///
    /// ```swift
    /// RNN(inputSize: 4, hiddenSize: 8, batchFirst: true).batchFirst  // true
    /// ```
    public var batchFirst: Bool { core.batchFirst }
    /// Whether each layer also runs backwards over the sequence.
    ///
    /// ```swift
    /// RNN(inputSize: 4, hiddenSize: 8, bidirectional: true).bidirectional  // true
    /// ```
    public var bidirectional: Bool { core.bidirectional }
    /// The cell's nonlinearity.
    ///
    /// ```swift
    /// RNN(inputSize: 4, hiddenSize: 8, nonlinearity: .relu).nonlinearity  // .relu
    /// ```
    public var nonlinearity: RNNNonlinearity { core.cell == .relu ? .relu : .tanh }
}

extension LSTM {
    /// Whether inputs and outputs are [batch, time, features] rather than [time, batch, features].
    ///
    /// ```swift
    /// LSTM(inputSize: 4, hiddenSize: 8, batchFirst: true).batchFirst  // true
    /// ```
    public var batchFirst: Bool { core.batchFirst }
    /// Whether each layer also runs backwards over the sequence.
    ///
    /// ```swift
    /// LSTM(inputSize: 4, hiddenSize: 8, bidirectional: true).bidirectional  // true
    /// ```
    public var bidirectional: Bool { core.bidirectional }
}

extension GRU {
    /// Whether inputs and outputs are [batch, time, features] rather than [time, batch, features].
    ///
    /// ```swift
    /// GRU(inputSize: 4, hiddenSize: 8, batchFirst: true).batchFirst  // true
    /// ```
    public var batchFirst: Bool { core.batchFirst }
    /// Whether each layer also runs backwards over the sequence.
    ///
    /// ```swift
    /// GRU(inputSize: 4, hiddenSize: 8, bidirectional: true).bidirectional  // true
    /// ```
    public var bidirectional: Bool { core.bidirectional }
}
