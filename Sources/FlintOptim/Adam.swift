import Flint
import Foundation
import FlintNN

/// Adam, exactly as `torch.optim.Adam` (with `amsgrad`, and weight decay as an L2 penalty added to
/// the gradient):
///
/// g ← ∇ + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  v̂ ← max(v̂, v) (AMSGrad);
/// θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// State per parameter: `step`, `exp_avg`, `exp_avg_sq` and, with AMSGrad, `max_exp_avg_sq`.
///
/// ```swift
/// let optimizer = Adam(model.namedParameters(), learningRate: 1e-3)
/// ```
public final class Adam: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// The decay rates (β₁, β₂) of the first and second moment averages.
    public let betas: (Double, Double)
    /// Added to the denominator for numerical stability.
    public let eps: Double
    /// Whether to normalise by the largest second moment seen so far (AMSGrad).
    public let amsgrad: Bool
    private var state: ParameterStateStore

    /// Adam over one group of named parameters, with PyTorch's defaults.
    ///
    /// ```swift
    /// Adam(model.namedParameters(), learningRate: 3e-4, betas: (0.9, 0.98), weightDecay: 1e-4)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1e-3,
                            betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                            amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  betas: betas, eps: eps, amsgrad: amsgrad)
    }

    /// Adam over several parameter groups, each with its own learning rate and weight decay.
    ///
    /// ```swift
    /// Adam(groups: [ParameterGroup(body.namedParameters(), learningRate: 1e-4),
    ///               ParameterGroup(head.namedParameters(), learningRate: 1e-3)])
    /// ```
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, amsgrad: Bool = false) {
        validateAdamOptions("Adam", betas: betas, eps: eps)
        self.groups = groups
        self.betas = betas
        self.eps = eps
        self.amsgrad = amsgrad
        state = ParameterStateStore(optimizerName: "Adam", tensorNames: adamStateNames(amsgrad: amsgrad), countsSteps: true, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        adamStep(groups: groups, state: &state, betas: betas, eps: eps, amsgrad: amsgrad, decoupled: false, name: "Adam")
    }

    /// The state, keyed `"<parameter key>.step"`, `".exp_avg"`, `".exp_avg_sq"` (and `".max_exp_avg_sq"`).
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}

/// AdamW, exactly as `torch.optim.AdamW`: Adam with decoupled weight decay, θ ← θ(1 − ηλ) before
/// the Adam update, instead of an L2 term in the gradient. The default decay is 0.01.
///
/// ```swift
/// let optimizer = AdamW(model.namedParameters(), learningRate: 1e-3, weightDecay: 0.05)
/// ```
public final class AdamW: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// The decay rates (β₁, β₂) of the first and second moment averages.
    public let betas: (Double, Double)
    /// Added to the denominator for numerical stability.
    public let eps: Double
    /// Whether to normalise by the largest second moment seen so far (AMSGrad).
    public let amsgrad: Bool
    private var state: ParameterStateStore

    /// AdamW over one group of named parameters, with PyTorch's defaults.
    ///
    /// ```swift
    /// AdamW(model.namedParameters(), learningRate: 1e-3)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1e-3,
                            betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0.01,
                            amsgrad: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  betas: betas, eps: eps, amsgrad: amsgrad)
    }

    /// AdamW over several parameter groups (biases are often given `weightDecay: 0`).
    ///
    /// ```swift
    /// AdamW(groups: [ParameterGroup(weights, learningRate: 1e-3, weightDecay: 0.01),
    ///                ParameterGroup(biases, learningRate: 1e-3)])
    /// ```
    public init(groups: [ParameterGroup], betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, amsgrad: Bool = false) {
        validateAdamOptions("AdamW", betas: betas, eps: eps)
        self.groups = groups
        self.betas = betas
        self.eps = eps
        self.amsgrad = amsgrad
        state = ParameterStateStore(optimizerName: "AdamW", tensorNames: adamStateNames(amsgrad: amsgrad), countsSteps: true, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        adamStep(groups: groups, state: &state, betas: betas, eps: eps, amsgrad: amsgrad, decoupled: true, name: "AdamW")
    }

    /// The state, keyed `"<parameter key>.step"`, `".exp_avg"`, `".exp_avg_sq"` (and `".max_exp_avg_sq"`).
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}

private func adamStateNames(amsgrad: Bool) -> [String] {
    amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
}

private func validateAdamOptions(_ name: String, betas: (Double, Double), eps: Double) {
    precondition((0..<1).contains(betas.0) && (0..<1).contains(betas.1), "\(name): betas must be in [0, 1), got \(betas)")
    precondition(eps >= 0, "\(name): eps must not be negative, got \(eps)")
}

/// The Adam/AdamW update of every parameter with a gradient, one fused loop per parameter.
private func adamStep(groups: [ParameterGroup], state: inout ParameterStateStore, betas: (Double, Double), eps: Double,
                      amsgrad: Bool, decoupled: Bool, name: String) {
    for group in groups {
        for (key, parameter) in group.parameters {
            guard let gradient = usableGradient(of: parameter, name: key, optimizer: name) else { continue }
            let boxes = state.tensors(for: key) { _ in Tensor.zeros(like: parameter.value) }
            let step = state.advanceStep(for: key)
            let biasCorrection1 = 1 - pow(betas.0, step)
            let biasCorrection2 = 1 - pow(betas.1, step)
            let constants = AdamConstants(
                stepSize: group.learningRate / biasCorrection1, biasCorrection2Root: biasCorrection2.squareRoot(),
                beta1: betas.0, beta2: betas.1, eps: eps,
                l2: decoupled ? 0 : group.weightDecay, decay: decoupled ? 1 - group.learningRate * group.weightDecay : 1)
            if parameter.value.dtype == .float32 {
                withRawBuffers(Float.self, parameter: parameter, gradient: gradient, state: boxes) { adamKernel($0, $1, $2, $3, constants) }
            } else {
                withRawBuffers(Double.self, parameter: parameter, gradient: gradient, state: boxes) { adamKernel($0, $1, $2, $3, constants) }
            }
        }
    }
}

/// The scalars of one Adam update (PyTorch computes them in double precision, then the tensor
/// arithmetic rounds them to the parameter's type).
private struct AdamConstants {
    let stepSize, biasCorrection2Root, beta1, beta2, eps, l2, decay: Double
}

/// m ← m + (g − m)(1 − β₁) (PyTorch's lerp), v ← β₂v + (1 − β₂)g², θ ← θ − s · m / (√v̂ / c₂ + ε).
private func adamKernel<T: OptimizerScalar>(_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>,
                                            _ state: [UnsafeMutablePointer<T>], _ count: Int, _ constants: AdamConstants) {
    let expAvg = state[0], expAvgSq = state[1]
    let oneMinusBeta1 = T(1 - constants.beta1), beta2 = T(constants.beta2), oneMinusBeta2 = T(1 - constants.beta2)
    let negativeStepSize = T(-constants.stepSize), correction2 = T(constants.biasCorrection2Root), eps = T(constants.eps)
    let l2 = T(constants.l2), decay = T(constants.decay)
    if state.count == 3 {
        let maxExpAvgSq = state[2]
        for index in 0..<count {
            let value = values[index] * decay
            let grad = gradient[index] + l2 * value
            let mean = expAvg[index] + oneMinusBeta1 * (grad - expAvg[index])
            let square = expAvgSq[index] * beta2 + oneMinusBeta2 * grad * grad
            let largest = Swift.max(maxExpAvgSq[index], square)
            expAvg[index] = mean
            expAvgSq[index] = square
            maxExpAvgSq[index] = largest
            values[index] = value + negativeStepSize * (mean / (largest.squareRoot() / correction2 + eps))
        }
    } else {
        for index in 0..<count {
            let value = values[index] * decay
            let grad = gradient[index] + l2 * value
            let mean = expAvg[index] + oneMinusBeta1 * (grad - expAvg[index])
            let square = expAvgSq[index] * beta2 + oneMinusBeta2 * grad * grad
            expAvg[index] = mean
            expAvgSq[index] = square
            values[index] = value + negativeStepSize * (mean / (square.squareRoot() / correction2 + eps))
        }
    }
}
