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
    private var state: ParameterStateStore

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
        state = ParameterStateStore(optimizerName: "SGD", tensorNames: momentum != 0 ? ["momentum_buffer"] : [],
                                    countsSteps: false, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        for group in groups {
            for (key, parameter) in group.parameters {
                guard let gradient = usableGradient(of: parameter, name: key, optimizer: "SGD") else { continue }
                var isFirstStep = false
                let boxes = state.tensors(for: key) { _ in
                    isFirstStep = true
                    return Tensor.zeros(like: parameter.value)
                }
                let rates = (learningRate: group.learningRate, weightDecay: group.weightDecay, isFirstStep: isFirstStep)
                if parameter.value.dtype == .float32 {
                    withRawBuffers(Float.self, parameter: parameter, gradient: gradient, state: boxes) { update($0, $1, $2, $3, rates) }
                } else {
                    withRawBuffers(Double.self, parameter: parameter, gradient: gradient, state: boxes) { update($0, $1, $2, $3, rates) }
                }
            }
        }
    }

    private func update<T: OptimizerScalar>(_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>,
                                            _ state: [UnsafeMutablePointer<T>], _ count: Int,
                                            _ rates: (learningRate: Double, weightDecay: Double, isFirstStep: Bool)) {
        let negativeRate = T(-rates.learningRate), weightDecay = T(rates.weightDecay)
        guard let buffer = state.first else {
            for index in 0..<count { values[index] += negativeRate * (gradient[index] + weightDecay * values[index]) }
            return
        }
        // The first step copies the gradient into the buffer (PyTorch's clone), later ones average.
        let momentum = T(self.momentum), keep: T = rates.isFirstStep ? 0 : momentum, add: T = rates.isFirstStep ? 1 : T(1 - dampening)
        let nesterov = self.nesterov
        for index in 0..<count {
            let grad = gradient[index] + weightDecay * values[index]
            let average = buffer[index] * keep + add * grad
            buffer[index] = average
            values[index] += negativeRate * (nesterov ? grad + momentum * average : average)
        }
    }

    /// The momentum buffers, keyed `"<parameter key>.momentum_buffer"` (none without momentum).
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores momentum buffers saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}
