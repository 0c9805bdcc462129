import Flint

/// `max(x, 0)` as a layer.
///
/// ```swift
/// Sequential(Linear(4, 8), ReLU())
/// ```
public final class ReLU: Module {
    /// A ReLU layer.
    public override init() {}
    /// `input.relu()`.
    public override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

/// Leaky ReLU as a layer.
///
/// ```swift
/// LeakyReLU(slope: 0.2)
/// ```
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let slope: Double
    /// A leaky ReLU with the given negative slope (PyTorch's default 0.01).
    public init(slope: Double = 0.01) { self.slope = slope }
    /// `input.leakyRelu(slope:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.leakyRelu(slope: slope) }
    /// `LeakyReLU(slope)`.
    public override var layerDescription: String { "LeakyReLU(\(slope))" }
}

/// ELU as a layer.
///
/// ```swift
/// ELU(alpha: 1)
/// ```
public final class ELU: Module {
    /// The scale of the negative part.
    public let alpha: Double
    /// An ELU with the given alpha.
    public init(alpha: Double = 1) { self.alpha = alpha }
    /// `input.elu(alpha:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.elu(alpha: alpha) }
    /// `ELU(alpha)`.
    public override var layerDescription: String { "ELU(\(alpha))" }
}

/// GELU (exact or tanh approximation) as a layer.
///
/// ```swift
/// GELU(approximation: .tanh)
/// ```
public final class GELU: Module {
    /// Which form of GELU.
    public let approximation: GeluApproximation
    /// A GELU layer.
    public init(approximation: GeluApproximation = .none) { self.approximation = approximation }
    /// `input.gelu(approximation:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.gelu(approximation: approximation) }
}

/// SiLU (swish) as a layer.
///
/// ```swift
/// SiLU()
/// ```
public final class SiLU: Module {
    /// A SiLU layer.
    public override init() {}
    /// `input.silu()`.
    public override func forward(_ input: Tensor) -> Tensor { input.silu() }
}

/// tanh as a layer.
///
/// ```swift
/// Tanh()
/// ```
public final class Tanh: Module {
    /// A tanh layer.
    public override init() {}
    /// `input.tanh()`.
    public override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// The logistic sigmoid as a layer.
///
/// ```swift
/// Sigmoid()
/// ```
public final class Sigmoid: Module {
    /// A sigmoid layer.
    public override init() {}
    /// `input.sigmoid()`.
    public override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Softmax along an axis as a layer.
///
/// ```swift
/// Softmax(axis: -1)
/// ```
public final class Softmax: Module {
    /// The axis the probabilities sum to one along.
    public let axis: Int
    /// A softmax layer.
    public init(axis: Int = -1) { self.axis = axis }
    /// `input.softmax(axis:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.softmax(axis: axis) }
    /// `Softmax(axis: a)`.
    public override var layerDescription: String { "Softmax(axis: \(axis))" }
}

/// Log-softmax along an axis as a layer.
///
/// ```swift
/// LogSoftmax(axis: 1)
/// ```
public final class LogSoftmax: Module {
    /// The axis to normalise along.
    public let axis: Int
    /// A log-softmax layer.
    public init(axis: Int = -1) { self.axis = axis }
    /// `input.logSoftmax(axis:)`.
    public override func forward(_ input: Tensor) -> Tensor { input.logSoftmax(axis: axis) }
    /// `LogSoftmax(axis: a)`.
    public override var layerDescription: String { "LogSoftmax(axis: \(axis))" }
}
