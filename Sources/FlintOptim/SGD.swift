import Flint
import FlintNN

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
/// exactly as `torch.optim.SGD`:
///
/// g ← ∇ + λθ;  b ← μb + (1 − τ)g (b ← g on the first step);  g ← g + μb (Nesterov) or b;  θ ← θ − ηg
///
/// ```swift
/// let optimizer = SGD(model.namedParameters(), learningRate: 0.01, momentum: 0.9)
/// ```
public final class SGD: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// The momentum factor μ (0: plain SGD).
    public let momentum: Double
    /// The dampening τ applied to the gradient added to the momentum buffer.
    public let dampening: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    private var momentumBuffers: [String: Tensor] = [:]

    /// SGD over one group of named parameters.
    ///
    /// ```swift
    /// SGD(model.namedParameters(), learningRate: 0.1, momentum: 0.9, nesterov: true)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double, momentum: Double = 0,
                            dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  momentum: momentum, dampening: dampening, nesterov: nesterov)
    }

    /// SGD over several parameter groups.
    ///
    /// ```swift
    /// SGD(groups: [ParameterGroup(head.namedParameters(), learningRate: 0.1)], momentum: 0.9)
    /// ```
    public init(groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false) {
        precondition(momentum >= 0, "SGD: momentum must not be negative, got \(momentum)")
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
        self.groups = groups
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        withoutGradients {
            for group in groups {
                for (name, parameter) in group.parameters where !parameter.isFrozen {
                    guard let gradient = parameter.grad else { continue }
                    var direction = group.weightDecay == 0 ? gradient : gradient + parameter.value * group.weightDecay
                    if momentum != 0 {
                        let buffer = momentumBuffers[name].map { $0 * momentum + direction * (1 - dampening) } ?? direction
                        momentumBuffers[name] = buffer
                        direction = nesterov ? direction + buffer * momentum : buffer
                    }
                    parameter.value.copy(from: parameter.value - direction * group.learningRate)
                }
            }
        }
    }

    /// The momentum buffers, keyed `"<parameter key>.momentum_buffer"`.
    public func stateDictionary() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: momentumBuffers.map { ("\($0.key).momentum_buffer", $0.value) })
    }

    /// Restores momentum buffers saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws {
        let shapes = Dictionary(groups.flatMap { $0.parameters }.map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { a, _ in a })
        var buffers: [String: Tensor] = [:]
        for (key, tensor) in state {
            guard key.hasSuffix(".momentum_buffer") else {
                throw OptimizerStateError(description: "SGD state: unexpected entry '\(key)'; was it saved by another optimizer?")
            }
            let name = String(key.dropLast(".momentum_buffer".count))
            guard let shape = shapes[name] else {
                throw OptimizerStateError(description: "SGD state: '\(name)' is not one of this optimizer's parameters")
            }
            guard shape == tensor.shape else {
                throw OptimizerStateError(description: "SGD state: '\(name)' has shape \(tensor.shape) in the state but \(shape) in the model")
            }
            buffers[name] = tensor
        }
        momentumBuffers = buffers
    }
}
