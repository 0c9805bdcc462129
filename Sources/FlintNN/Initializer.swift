import Flint

/// The activation a layer feeds, for the gain of ``Initializer/kaimingUniform(a:mode:nonlinearity:)``
/// and friends (PyTorch's `torch.nn.init.calculate_gain`).
///
/// ```swift
/// Nonlinearity.tanh.gain()  // 5/3
/// ```
public enum Nonlinearity: Sendable {
    /// Linear layers, convolutions and sigmoid: gain 1.
    case linear, sigmoid
    /// tanh: gain 5/3.
    case tanh
    /// ReLU: gain √2.
    case relu
    /// Leaky ReLU: gain √(2 / (1 + slope²)); kaiming uses its `a` as the slope.
    case leakyRelu
    /// SELU: gain 3/4.
    case selu

    /// The recommended scale of the weights for this activation.
    ///
    /// ```swift
    /// Nonlinearity.leakyRelu.gain(slope: 0.2)
    /// ```
    public func gain(slope: Double = 0.01) -> Double {
        switch self {
        case .linear, .sigmoid: 1
        case .tanh: 5.0 / 3
        case .relu: 2.0.squareRoot()
        case .leakyRelu: (2 / (1 + slope * slope)).squareRoot()
        case .selu: 0.75
        }
    }
}

/// Which fan a kaiming initialisation preserves the variance of.
///
/// ```swift
/// Initializer.kaimingNormal(mode: .fanOut, nonlinearity: .relu)
/// ```
public enum FanMode: Sendable {
    /// The inputs of each output (forward pass).
    case fanIn
    /// The outputs of each input (backward pass).
    case fanOut
}

/// A way to fill a parameter, as the functions of `torch.nn.init`. Fans follow PyTorch: for a
/// weight `[out, in, k…]`, fanIn = in · ∏k and fanOut = out · ∏k.
///
/// ```swift
/// let weights = Initializer.xavierUniform().makeTensor([256, 128])
/// model.initialize(weights: .kaimingNormal(nonlinearity: .relu), biases: .zeros)
/// ```
public enum Initializer: Sendable {
    /// All zeros.
    case zeros
    /// All ones.
    case ones
    /// Every element `value`.
    case constant(Double)
    /// Uniform in [low, high).
    case uniform(low: Double = 0, high: Double = 1)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Double = 0, standardDeviation: Double = 1)
    /// Uniform in ±gain · √(6 / (fanIn + fanOut)) (Glorot).
    case xavierUniform(gain: Double = 1)
    /// Normal with standard deviation gain · √(2 / (fanIn + fanOut)).
    case xavierNormal(gain: Double = 1)
    /// Uniform in ±gain · √(3 / fan) with gain from `nonlinearity` (and slope `a`) (He).
    case kaimingUniform(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu)
    /// Normal with standard deviation gain / √fan.
    case kaimingNormal(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu)
    /// A (semi-)orthogonal matrix times `gain` (the tensor is flattened to `[shape[0], rest]`).
    case orthogonal(gain: Double = 1)

    /// A new tensor of `shape` filled by this initialiser.
    ///
    /// ```swift
    /// let weight = Initializer.orthogonal().makeTensor([64, 64], dtype: .float64)
    /// ```
    public func makeTensor(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .shared) -> Tensor {
        precondition(dtype.isFloatingPoint, "Initializer: needs a float32 or float64 dtype, got \(dtype)")
        switch self {
        case .zeros: return Tensor.zeros(shape, dtype: dtype)
        case .ones: return Tensor.ones(shape, dtype: dtype)
        case .constant(let value): return Tensor.full(shape, value, dtype: dtype)
        case .uniform(let low, let high):
            return Tensor.uniform(shape, low: low, high: high, dtype: dtype, generator: generator)
        case .normal(let mean, let standardDeviation):
            return Tensor.normal(shape, mean: mean, standardDeviation: standardDeviation, dtype: dtype, generator: generator)
        case .xavierUniform(let gain):
            let (fanIn, fanOut) = Initializer.fans(shape, initializer: "xavierUniform")
            let bound = gain * (6 / Double(fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: generator)
        case .xavierNormal(let gain):
            let (fanIn, fanOut) = Initializer.fans(shape, initializer: "xavierNormal")
            let deviation = gain * (2 / Double(fanIn + fanOut)).squareRoot()
            return Tensor.normal(shape, mean: 0, standardDeviation: deviation, dtype: dtype, generator: generator)
        case .kaimingUniform(let a, let mode, let nonlinearity):
            let deviation = Initializer.kaimingDeviation(shape, a: a, mode: mode, nonlinearity: nonlinearity, initializer: "kaimingUniform")
            let bound = 3.0.squareRoot() * deviation
            return Tensor.uniform(shape, low: -bound, high: bound, dtype: dtype, generator: generator)
        case .kaimingNormal(let a, let mode, let nonlinearity):
            let deviation = Initializer.kaimingDeviation(shape, a: a, mode: mode, nonlinearity: nonlinearity, initializer: "kaimingNormal")
            return Tensor.normal(shape, mean: 0, standardDeviation: deviation, dtype: dtype, generator: generator)
        case .orthogonal(let gain):
            return Initializer.orthogonalTensor(shape, gain: gain, dtype: dtype, generator: generator)
        }
    }

    /// Replaces `parameter`'s values with new ones of the same shape and dtype.
    ///
    /// ```swift
    /// Initializer.xavierUniform().apply(to: layer.weight)
    /// ```
    public func apply(to parameter: Parameter, generator: RandomGenerator = .shared) {
        parameter.value = makeTensor(parameter.shape, dtype: parameter.value.dtype, generator: generator)
    }

    /// PyTorch's `_calculate_fan_in_and_fan_out`.
    static func fans(_ shape: [Int], initializer: String) -> (fanIn: Int, fanOut: Int) {
        precondition(shape.count >= 2,
                     "Initializer.\(initializer): fans need a tensor of at least 2 dimensions, got shape \(shape); use it on weights, not biases")
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptiveField, shape[0] * receptiveField)
    }

    private static func kaimingDeviation(_ shape: [Int], a: Double, mode: FanMode, nonlinearity: Nonlinearity,
                                         initializer: String) -> Double {
        let (fanIn, fanOut) = fans(shape, initializer: initializer)
        let fan = mode == .fanIn ? fanIn : fanOut
        precondition(fan > 0, "Initializer.\(initializer): the fan of shape \(shape) is zero")
        return nonlinearity.gain(slope: a) / Double(fan).squareRoot()
    }

    /// `torch.nn.init.orthogonal_`: the Q of a QR decomposition of a normal matrix, with the signs
    /// of R's diagonal multiplied in so that the result is uniformly distributed.
    private static func orthogonalTensor(_ shape: [Int], gain: Double, dtype: DType, generator: RandomGenerator) -> Tensor {
        precondition(shape.count >= 2, "Initializer.orthogonal: needs a tensor of at least 2 dimensions, got shape \(shape)")
        let rows = shape[0], columns = shape.dropFirst().reduce(1, *)
        guard rows > 0 && columns > 0 else { return Tensor.zeros(shape, dtype: dtype) }
        var flat = Tensor.randn([rows, columns], dtype: .float64, generator: generator)
        if rows < columns { flat = flat.transposed() }
        let q: Tensor, r: Tensor
        do {
            (q, r) = try LinearAlgebra.qr(flat)
        } catch {
            preconditionFailure("Initializer.orthogonal: the QR decomposition of a random \(rows) × \(columns) matrix failed: \(error)")
        }
        let size = r.shape[0]
        let diagonal = r.reshaped([-1]).scalars(as: Double.self)
        let signs = (0..<size).map { index -> Double in
            let value = diagonal[index * r.shape[1] + index]
            return value > 0 ? 1 : (value < 0 ? -1 : 0)
        }
        var result = q * Tensor(signs, shape: [1, size])
        if rows < columns { result = result.transposed() }
        return (result * gain).contiguous().reshaped(shape).to(dtype)
    }
}

extension Module {
    /// Re-initialises the whole tree: every parameter named `weight` with at least two dimensions
    /// gets `weights` (1-D normalisation scales are left alone, as the usual PyTorch loop over
    /// `p.dim() > 1` does), and every parameter named `bias` gets `biases`; `where` limits it to some modules.
    ///
    /// ```swift
    /// model.initialize(weights: .xavierUniform(), biases: .zeros)
    /// model.initialize(weights: .kaimingNormal(mode: .fanOut, nonlinearity: .relu), where: { $0 is Conv2d })
    /// ```
    public func initialize(weights: Initializer? = nil, biases: Initializer? = nil, generator: RandomGenerator = .shared,
                           where include: (Module) -> Bool = { _ in true }) {
        for (_, module) in namedModules() where include(module) {
            for (name, parameter) in module.localParameters() {
                if name == "weight", let weights, parameter.shape.count >= 2 {
                    weights.apply(to: parameter, generator: generator)
                } else if name == "bias", let biases {
                    biases.apply(to: parameter, generator: generator)
                }
            }
        }
    }
}
