/// How ``Tensor/gelu(approximation:)`` computes the Gaussian error linear unit.
///
/// ```swift
/// x.gelu(approximation: .tanh)
/// ```
public enum GeluApproximation: Sendable {
    /// The exact form, `x * Φ(x)` with the error function.
    case none
    /// The tanh approximation used by GPT-2 and BERT.
    case tanh
}

/// Elementwise mathematical functions and activations. Each works on float32 and float64 and has
/// its gradient.
extension Tensor {
    /// The absolute value.
    ///
    /// ```swift
    /// Tensor([-1.0, 2.0]).abs()  // [1, 2]
    /// ```
    public func abs() -> Tensor {
        let result: Tensor
        switch dtype {
        case .int32: result = mapElements(self, outputType: .int32, AbsoluteFunctor<Int32>())
        case .int64: result = mapElements(self, outputType: .int64, AbsoluteFunctor<Int64>())
        default: result = mapFloat(self, op: "abs", AbsoluteFunctor<Float>(), AbsoluteFunctor<Double>())
        }
        return recordGradient(result, self) { .absolute(self) }
    }

    /// e raised to each element.
    ///
    /// ```swift
    /// Tensor([0.0, 1.0]).exp()  // [1, 2.7183]
    /// ```
    public func exp() -> Tensor {
        let result = mapFloat(self, op: "exp", VectorizedExp(), ExpFunctor<Double>())
        return recordGradient(result, self) { .exp(self, output: result.detach()) }
    }

    /// The natural logarithm.
    ///
    /// ```swift
    /// Tensor([1.0]).log()  // [0]
    /// ```
    public func log() -> Tensor {
        recordGradient(mapFloat(self, op: "log", LogFunctor<Float>(), LogFunctor<Double>()), self) { .log(self) }
    }

    /// `log(1 + x)`, accurate for small `x`.
    ///
    /// ```swift
    /// Tensor([1e-10]).log1p()  // [1e-10]
    /// ```
    public func log1p() -> Tensor {
        recordGradient(mapFloat(self, op: "log1p", Log1pFunctor<Float>(), Log1pFunctor<Double>()), self) { .log1p(self) }
    }

    /// The square root.
    ///
    /// ```swift
    /// Tensor([4.0, 9.0]).sqrt()  // [2, 3]
    /// ```
    public func sqrt() -> Tensor {
        let result = mapFloat(self, op: "sqrt", SqrtFunctor<Float>(), SqrtFunctor<Double>())
        return recordGradient(result, self) { .sqrt(self, output: result.detach()) }
    }

    /// The reciprocal square root, `1 / sqrt(x)`.
    ///
    /// ```swift
    /// Tensor([4.0]).rsqrt()  // [0.5]
    /// ```
    public func rsqrt() -> Tensor {
        let result = mapFloat(self, op: "rsqrt", RsqrtFunctor<Float>(), RsqrtFunctor<Double>())
        return recordGradient(result, self) { .rsqrt(self, output: result.detach()) }
    }

    /// The sine (radians).
    ///
    /// ```swift
    /// Tensor([0.0]).sin()  // [0]
    /// ```
    public func sin() -> Tensor {
        recordGradient(mapFloat(self, op: "sin", SinFunctor<Float>(), SinFunctor<Double>()), self) { .sin(self) }
    }

    /// The cosine (radians).
    ///
    /// ```swift
    /// Tensor([0.0]).cos()  // [1]
    /// ```
    public func cos() -> Tensor {
        recordGradient(mapFloat(self, op: "cos", CosFunctor<Float>(), CosFunctor<Double>()), self) { .cos(self) }
    }

    /// The hyperbolic tangent.
    ///
    /// ```swift
    /// Tensor([0.0]).tanh()  // [0]
    /// ```
    public func tanh() -> Tensor {
        let result = mapFloat(self, op: "tanh", TanhFunctor<Float>(), TanhFunctor<Double>())
        return recordGradient(result, self) { .tanh(self, output: result.detach()) }
    }

    /// The logistic sigmoid, `1 / (1 + exp(-x))`, computed without overflow.
    ///
    /// ```swift
    /// Tensor([0.0]).sigmoid()  // [0.5]
    /// ```
    public func sigmoid() -> Tensor {
        let result = mapFloat(self, op: "sigmoid", VectorizedSigmoid(), SigmoidFunctor<Double>())
        return recordGradient(result, self) { .sigmoid(self, output: result.detach()) }
    }

    /// The rectified linear unit, `max(x, 0)`.
    ///
    /// ```swift
    /// Tensor([-1.0, 2.0]).relu()  // [0, 2]
    /// ```
    public func relu() -> Tensor {
        recordGradient(mapFloat(self, op: "relu", ReluFunctor<Float>(), ReluFunctor<Double>()), self) { .relu(self) }
    }

    /// Leaky ReLU: `x` where positive, `slope * x` elsewhere.
    ///
    /// ```swift
    /// Tensor([-1.0, 2.0]).leakyRelu(slope: 0.1)  // [-0.1, 2]
    /// ```
    public func leakyRelu(slope: Double = 0.01) -> Tensor {
        let result = mapFloat(self, op: "leakyRelu", LeakyReluFunctor<Float>(slope: Float(slope)), LeakyReluFunctor<Double>(slope: slope))
        return recordGradient(result, self) { .leakyRelu(self, slope: slope) }
    }

    /// The exponential linear unit: `x` where positive, `alpha * (exp(x) - 1)` elsewhere.
    ///
    /// ```swift
    /// Tensor([-1.0, 2.0]).elu()  // [-0.6321, 2]
    /// ```
    public func elu(alpha: Double = 1) -> Tensor {
        let result = mapFloat(self, op: "elu", EluFunctor<Float>(alpha: Float(alpha)), EluFunctor<Double>(alpha: alpha))
        return recordGradient(result, self) { .elu(self, alpha: alpha) }
    }

    /// The Gaussian error linear unit, exact or with the tanh approximation.
    ///
    /// ```swift
    /// Tensor([1.0]).gelu()                       // [0.8413]
    /// Tensor([1.0]).gelu(approximation: .tanh)   // [0.8412]
    /// ```
    public func gelu(approximation: GeluApproximation = .none) -> Tensor {
        let result = approximation == .tanh
            ? mapFloat(self, op: "gelu", GeluTanhFunctor<Float>(), GeluTanhFunctor<Double>())
            : mapFloat(self, op: "gelu", VectorizedGelu(), GeluFunctor<Double>())
        return recordGradient(result, self) { .gelu(self, approximate: approximation == .tanh) }
    }

    /// SiLU (swish): `x * sigmoid(x)`.
    ///
    /// ```swift
    /// Tensor([1.0]).silu()  // [0.7311]
    /// ```
    public func silu() -> Tensor {
        recordGradient(mapFloat(self, op: "silu", VectorizedSilu(), SiluFunctor<Double>()), self) { .silu(self) }
    }

    /// Softplus: `log(1 + exp(beta * x)) / beta`, linear above `threshold` for stability.
    ///
    /// ```swift
    /// Tensor([0.0]).softplus()  // [0.6931]
    /// ```
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor {
        let result = mapFloat(self, op: "softplus", SoftplusFunctor<Float>(beta: Float(beta), threshold: Float(threshold)),
                              SoftplusFunctor<Double>(beta: beta, threshold: threshold))
        return recordGradient(result, self) { .softplus(self, beta: beta, threshold: threshold) }
    }

    /// Limits every element to `min...max` (either bound may be omitted).
    ///
    /// ```swift
    /// Tensor([-2.0, 0.5, 3.0]).clamp(min: 0, max: 1)  // [0, 0.5, 1]
    /// ```
    public func clamp(min lower: Double? = nil, max upper: Double? = nil) -> Tensor {
        precondition(lower != nil || upper != nil, "clamp: give at least one of min and max")
        if let lower, let upper {
            precondition(lower <= upper, "clamp: min \(lower) is greater than max \(upper)")
        }
        let result: Tensor
        switch dtype {
        case .float32:
            let bounds = ClampFunctor<Float>(lower: lower.map { Float($0) } ?? -Float.infinity,
                                             upper: upper.map { Float($0) } ?? Float.infinity)
            result = mapElements(self, outputType: .float32, bounds)
        case .float64:
            let bounds = ClampFunctor<Double>(lower: lower ?? -Double.infinity, upper: upper ?? Double.infinity)
            result = mapElements(self, outputType: .float64, bounds)
        case .int32:
            let bounds = ClampFunctor<Int32>(lower: lower.map { Int32(fromDouble: $0) } ?? Int32.min,
                                             upper: upper.map { Int32(fromDouble: $0) } ?? Int32.max)
            result = mapElements(self, outputType: .int32, bounds)
        case .int64:
            let bounds = ClampFunctor<Int64>(lower: lower.map { Int64(fromDouble: $0) } ?? Int64.min,
                                             upper: upper.map { Int64(fromDouble: $0) } ?? Int64.max)
            result = mapElements(self, outputType: .int64, bounds)
        default:
            preconditionFailure("clamp: not supported for \(dtype) tensors; convert with .to(.float32) first")
        }
        return recordGradient(result, self) { .clamp(self, lower: lower, upper: upper) }
    }

    /// -1, 0 or 1 by the sign of each element (its gradient is zero, so it is not recorded).
    ///
    /// ```swift
    /// Tensor([-3.0, 0.0, 2.0]).sign()  // [-1, 0, 1]
    /// ```
    public func sign() -> Tensor {
        mapFloat(self, op: "sign", SignFunctor<Float>(), SignFunctor<Double>())
    }
}
