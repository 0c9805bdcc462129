import Flint
import FlintNN

/// RMSprop, exactly as `torch.optim.RMSprop`:
///
/// g ← ∇ + λθ;  s ← αs + (1 − α)g²;  ḡ ← ḡ + (1 − α)(g − ḡ) (centered);
/// d ← √(s − ḡ²) + ε (centered) or √s + ε;  b ← μb + g/d, θ ← θ − ηb (momentum) or θ ← θ − ηg/d
///
/// State per parameter: `step`, `square_avg`, and `momentum_buffer` (momentum > 0) and `grad_avg`
/// (centered).
///
/// ```swift
/// let optimizer = RMSprop(model.namedParameters(), learningRate: 1e-3, momentum: 0.9)
/// ```
public final class RMSprop: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// The smoothing constant α of the squared-gradient average.
    public let alpha: Double
    /// Added to the denominator for numerical stability.
    public let eps: Double
    /// The momentum factor μ (0: none).
    public let momentum: Double
    /// Whether to normalise by an estimate of the gradient's variance instead of its second moment.
    public let centered: Bool
    private var state: ParameterStateStore

    /// RMSprop over one group of named parameters, with PyTorch's defaults.
    ///
    /// ```swift
    /// RMSprop(model.namedParameters(), learningRate: 0.01, alpha: 0.9, centered: true)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1e-2,
                            alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0,
                            centered: Bool = false) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  alpha: alpha, eps: eps, momentum: momentum, centered: centered)
    }

    /// RMSprop over several parameter groups.
    ///
    /// ```swift
    /// RMSprop(groups: [ParameterGroup(model.namedParameters(), learningRate: 1e-3)], momentum: 0.9)
    /// ```
    public init(groups: [ParameterGroup], alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0, centered: Bool = false) {
        precondition(alpha >= 0, "RMSprop: alpha must not be negative, got \(alpha)")
        precondition(eps >= 0, "RMSprop: eps must not be negative, got \(eps)")
        precondition(momentum >= 0, "RMSprop: momentum must not be negative, got \(momentum)")
        self.groups = groups
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.centered = centered
        let names = ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
        state = ParameterStateStore(optimizerName: "RMSprop", tensorNames: names, countsSteps: true, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        for group in groups {
            for (key, parameter) in group.parameters {
                guard let gradient = usableGradient(of: parameter, name: key, optimizer: "RMSprop") else { continue }
                let boxes = state.tensors(for: key) { _ in Tensor.zeros(like: parameter.value) }
                _ = state.advanceStep(for: key)
                let rates = (learningRate: group.learningRate, weightDecay: group.weightDecay)
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
                                            _ rates: (learningRate: Double, weightDecay: Double)) {
        let squareAverage = state[0]
        // Absent buffers alias the square average; the constant flags below fold their branches
        // away, so each variant is a straight loop the compiler can vectorise.
        let momentumBuffer = momentum > 0 ? state[1] : squareAverage
        let gradientAverage = centered ? state[state.count - 1] : squareAverage
        let alpha = T(self.alpha), oneMinusAlpha = T(1 - self.alpha), eps = T(self.eps), momentum = T(self.momentum)
        let weightDecay = T(rates.weightDecay), negativeRate = T(-rates.learningRate)
        @inline(__always) func run(centered: Bool, withMomentum: Bool) {
            for index in 0..<count {
                let grad = gradient[index] + weightDecay * values[index]
                let square = squareAverage[index] * alpha + oneMinusAlpha * grad * grad
                squareAverage[index] = square
                var denominator: T
                if centered {
                    let mean = gradientAverage[index] + oneMinusAlpha * (grad - gradientAverage[index])
                    gradientAverage[index] = mean
                    denominator = (square - mean * mean).squareRoot()
                } else {
                    denominator = square.squareRoot()
                }
                denominator += eps
                if withMomentum {
                    let buffer = momentumBuffer[index] * momentum + grad / denominator
                    momentumBuffer[index] = buffer
                    values[index] += negativeRate * buffer
                } else {
                    values[index] += negativeRate * (grad / denominator)
                }
            }
        }
        switch (centered, self.momentum > 0) {
        case (true, true): run(centered: true, withMomentum: true)
        case (true, false): run(centered: true, withMomentum: false)
        case (false, true): run(centered: false, withMomentum: true)
        case (false, false): run(centered: false, withMomentum: false)
        }
    }

    /// The state, keyed `"<parameter key>.step"`, `".square_avg"` (and `".momentum_buffer"`, `".grad_avg"`).
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}
