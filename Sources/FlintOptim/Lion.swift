import Flint
import FlintNN

/// Lion (EvoLved Sign Momentum, Chen et al. 2023), the published algorithm with decoupled weight
/// decay (`torch.optim` has no Lion; this follows the paper and the reference `lion-pytorch`):
///
/// θ ← θ(1 − ηλ);  θ ← θ − η · sign(β₁m + (1 − β₁)g);  m ← β₂m + (1 − β₂)g
///
/// State per parameter: `exp_avg` (the momentum m). Lion's updates have unit size per element, so
/// its learning rate is usually 3–10× smaller than AdamW's and its weight decay 3–10× larger.
///
/// ```swift
/// let optimizer = Lion(model.namedParameters(), learningRate: 1e-4, weightDecay: 0.1)
/// ```
public final class Lion: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// β₁ (interpolation for the update's sign) and β₂ (the momentum's decay).
    public let betas: (Double, Double)
    private var state: ParameterStateStore

    /// Lion over one group of named parameters.
    ///
    /// ```swift
    /// Lion(model.namedParameters(), learningRate: 3e-5, betas: (0.95, 0.98))
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1e-4,
                            betas: (Double, Double) = (0.9, 0.99), weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)], betas: betas)
    }

    /// Lion over several parameter groups.
    ///
    /// ```swift
    /// Lion(groups: [ParameterGroup(model.namedParameters(), learningRate: 1e-4, weightDecay: 1.0)])
    /// ```
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.99)) {
        precondition((0...1).contains(betas.0) && (0...1).contains(betas.1), "Lion: betas must be in [0, 1], got \(betas)")
        self.groups = groups
        self.betas = betas
        state = ParameterStateStore(optimizerName: "Lion", tensorNames: ["exp_avg"], countsSteps: false, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        for group in groups {
            for (key, parameter) in group.parameters {
                guard let gradient = usableGradient(of: parameter, name: key, optimizer: "Lion") else { continue }
                let boxes = state.tensors(for: key) { _ in Tensor.zeros(like: parameter.value) }
                let rate = group.learningRate, decay = 1 - group.learningRate * group.weightDecay
                if parameter.value.dtype == .float32 {
                    withRawBuffers(Float.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2[0], $3, rate: rate, decay: decay)
                    }
                } else {
                    withRawBuffers(Double.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2[0], $3, rate: rate, decay: decay)
                    }
                }
            }
        }
    }

    private func update<T: OptimizerScalar>(_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>,
                                            _ momentum: UnsafeMutablePointer<T>, _ count: Int, rate: Double, decay: Double) {
        let beta1 = T(betas.0), oneMinusBeta1 = T(1 - betas.0), beta2 = T(betas.1), oneMinusBeta2 = T(1 - betas.1)
        let negativeRate = T(-rate), decay = T(decay)
        for index in 0..<count {
            let grad = gradient[index]
            let interpolated = momentum[index] * beta1 + oneMinusBeta1 * grad
            // sign(x): ±1, and 0 (or NaN) passed through.
            let sign: T = interpolated > 0 ? 1 : (interpolated < 0 ? -1 : interpolated)
            values[index] = values[index] * decay + negativeRate * sign
            momentum[index] = momentum[index] * beta2 + oneMinusBeta2 * grad
        }
    }

    /// The state, keyed `"<parameter key>.exp_avg"`.
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}
