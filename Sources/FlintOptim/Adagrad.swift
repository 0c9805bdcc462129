import Flint
import FlintNN

/// Adagrad, exactly as `torch.optim.Adagrad`:
///
/// g ← ∇ + λθ;  η̃ ← η / (1 + (t − 1)·lrDecay);  s ← s + g²;  θ ← θ − η̃ · g / (√s + ε)
///
/// State per parameter: `step` and `sum` (starting at `initialAccumulatorValue`).
///
/// ```swift
/// let optimizer = Adagrad(model.namedParameters(), learningRate: 0.01)
/// ```
public final class Adagrad: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// How fast the learning rate decays with the step count.
    public let learningRateDecay: Double
    /// The starting value of every squared-gradient sum.
    public let initialAccumulatorValue: Double
    /// Added to the denominator for numerical stability.
    public let eps: Double
    private var state: ParameterStateStore

    /// Adagrad over one group of named parameters, with PyTorch's defaults.
    ///
    /// ```swift
    /// Adagrad(model.namedParameters(), learningRate: 0.1, initialAccumulatorValue: 0.1)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1e-2,
                            learningRateDecay: Double = 0, weightDecay: Double = 0, initialAccumulatorValue: Double = 0,
                            eps: Double = 1e-10) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)],
                  learningRateDecay: learningRateDecay, initialAccumulatorValue: initialAccumulatorValue, eps: eps)
    }

    /// Adagrad over several parameter groups.
    ///
    /// ```swift
    /// Adagrad(groups: [ParameterGroup(model.namedParameters(), learningRate: 0.01)], learningRateDecay: 1e-4)
    /// ```
    public init(groups: [ParameterGroup], learningRateDecay: Double = 0, initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        precondition(learningRateDecay >= 0, "Adagrad: the learning-rate decay must not be negative, got \(learningRateDecay)")
        precondition(initialAccumulatorValue >= 0, "Adagrad: the initial accumulator value must not be negative, got \(initialAccumulatorValue)")
        precondition(eps >= 0, "Adagrad: eps must not be negative, got \(eps)")
        self.groups = groups
        self.learningRateDecay = learningRateDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
        state = ParameterStateStore(optimizerName: "Adagrad", tensorNames: ["sum"], countsSteps: true, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        for group in groups {
            for (key, parameter) in group.parameters {
                guard let gradient = usableGradient(of: parameter, name: key, optimizer: "Adagrad") else { continue }
                let boxes = state.tensors(for: key) { _ in
                    Tensor.full(parameter.shape, initialAccumulatorValue, dtype: parameter.value.dtype)
                }
                let step = state.advanceStep(for: key)
                let rate = group.learningRate / (1 + (step - 1) * learningRateDecay)
                let weightDecay = group.weightDecay
                if parameter.value.dtype == .float32 {
                    withRawBuffers(Float.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2[0], $3, rate: rate, weightDecay: weightDecay)
                    }
                } else {
                    withRawBuffers(Double.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2[0], $3, rate: rate, weightDecay: weightDecay)
                    }
                }
            }
        }
    }

    private func update<T: OptimizerScalar>(_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>,
                                            _ sum: UnsafeMutablePointer<T>, _ count: Int, rate: Double, weightDecay: Double) {
        let negativeRate = T(-rate), eps = T(self.eps), weightDecay = T(weightDecay)
        for index in 0..<count {
            let grad = gradient[index] + weightDecay * values[index]
            let total = sum[index] + grad * grad
            sum[index] = total
            values[index] += negativeRate * (grad / (total.squareRoot() + eps))
        }
    }

    /// The state, keyed `"<parameter key>.step"` and `"<parameter key>.sum"`.
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}

/// Adadelta, exactly as `torch.optim.Adadelta` (learning rate 1 by default):
///
/// g ← ∇ + λθ;  s ← ρs + (1 − ρ)g²;  δ ← √(a + ε) / √(s + ε) · g;  a ← ρa + (1 − ρ)δ²;  θ ← θ − ηδ
///
/// State per parameter: `step`, `square_avg` and `acc_delta`.
///
/// ```swift
/// let optimizer = Adadelta(model.namedParameters())
/// ```
public final class Adadelta: Optimizer {
    /// The parameter groups.
    public var groups: [ParameterGroup]
    /// The decay rate ρ of both running averages.
    public let rho: Double
    /// Added inside both square roots for numerical stability.
    public let eps: Double
    private var state: ParameterStateStore

    /// Adadelta over one group of named parameters, with PyTorch's defaults.
    ///
    /// ```swift
    /// Adadelta(model.namedParameters(), rho: 0.95)
    /// ```
    public convenience init(_ parameters: [(name: String, parameter: Parameter)], learningRate: Double = 1.0,
                            rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0) {
        self.init(groups: [ParameterGroup(parameters, learningRate: learningRate, weightDecay: weightDecay)], rho: rho, eps: eps)
    }

    /// Adadelta over several parameter groups.
    ///
    /// ```swift
    /// Adadelta(groups: [ParameterGroup(model.namedParameters(), learningRate: 1.0)])
    /// ```
    public init(groups: [ParameterGroup], rho: Double = 0.9, eps: Double = 1e-6) {
        precondition((0...1).contains(rho), "Adadelta: rho must be in [0, 1], got \(rho)")
        precondition(eps >= 0, "Adadelta: eps must not be negative, got \(eps)")
        self.groups = groups
        self.rho = rho
        self.eps = eps
        state = ParameterStateStore(optimizerName: "Adadelta", tensorNames: ["square_avg", "acc_delta"], countsSteps: true, groups: groups)
    }

    /// One update of every parameter that has a gradient.
    public func step() {
        for group in groups {
            for (key, parameter) in group.parameters {
                guard let gradient = usableGradient(of: parameter, name: key, optimizer: "Adadelta") else { continue }
                let boxes = state.tensors(for: key) { _ in Tensor.zeros(like: parameter.value) }
                _ = state.advanceStep(for: key)
                let rate = group.learningRate, weightDecay = group.weightDecay
                if parameter.value.dtype == .float32 {
                    withRawBuffers(Float.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2, $3, rate: rate, weightDecay: weightDecay)
                    }
                } else {
                    withRawBuffers(Double.self, parameter: parameter, gradient: gradient, state: boxes) {
                        update($0, $1, $2, $3, rate: rate, weightDecay: weightDecay)
                    }
                }
            }
        }
    }

    private func update<T: OptimizerScalar>(_ values: UnsafeMutablePointer<T>, _ gradient: UnsafePointer<T>,
                                            _ state: [UnsafeMutablePointer<T>], _ count: Int, rate: Double, weightDecay: Double) {
        let squareAverage = state[0], accumulatedDelta = state[1]
        let rho = T(self.rho), oneMinusRho = T(1 - self.rho), eps = T(self.eps)
        let negativeRate = T(-rate), weightDecay = T(weightDecay)
        for index in 0..<count {
            let grad = gradient[index] + weightDecay * values[index]
            let square = squareAverage[index] * rho + oneMinusRho * grad * grad
            squareAverage[index] = square
            let delta = (accumulatedDelta[index] + eps).squareRoot() / (square + eps).squareRoot() * grad
            accumulatedDelta[index] = accumulatedDelta[index] * rho + oneMinusRho * delta * delta
            values[index] += negativeRate * delta
        }
    }

    /// The state, keyed `"<parameter key>.step"`, `".square_avg"` and `".acc_delta"`.
    public func stateDictionary() -> [String: Tensor] { state.stateDictionary() }

    /// Restores state saved by ``stateDictionary()``.
    public func loadStateDictionary(_ state: [String: Tensor]) throws { try self.state.load(state, groups: groups) }
}
