/// Elementwise functions and their derivatives, one small struct each, generic over `Float`
/// and `Double` so the loops that call them are specialised and vectorised.

struct NegateFunctor<T: ArithmeticElement & SignedNumeric>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { -x }
}
struct AbsoluteFunctor<T: ArithmeticElement & SignedNumeric>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x < 0 ? -x : x }
}
struct AddScalarFunctor<T: ArithmeticElement>: UnaryFunctor {
    let value: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x + value }
}
struct MultiplyScalarFunctor<T: ArithmeticElement>: UnaryFunctor {
    let value: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x * value }
}
struct ScalarSubtractFunctor<T: ArithmeticElement>: UnaryFunctor {
    let value: T
    @inline(__always) func callAsFunction(_ x: T) -> T { value - x }
}
struct DivideScalarFunctor<T: FloatElement>: UnaryFunctor {
    let value: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x / value }
}
struct ScalarDivideFunctor<T: FloatElement>: UnaryFunctor {
    let value: T
    @inline(__always) func callAsFunction(_ x: T) -> T { value / x }
}
struct PowerScalarFunctor<T: FloatElement>: UnaryFunctor {
    let exponent: T
    @inline(__always) func callAsFunction(_ x: T) -> T {
        if exponent == 2 { return x * x }
        if exponent == 1 { return x }
        if exponent == 0.5 { return x.squareRoot() }
        return T.power(x, exponent)
    }
}
struct ScalarPowerFunctor<T: FloatElement>: UnaryFunctor {
    let base: T
    @inline(__always) func callAsFunction(_ x: T) -> T { T.power(base, x) }
}
struct ExpFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.exponential(x) }
}
struct LogFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.logarithm(x) }
}
struct Log1pFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.logarithmOnePlus(x) }
}
struct SqrtFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x.squareRoot() }
}
struct RsqrtFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { 1 / x.squareRoot() }
}
struct SinFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.sine(x) }
}
struct CosFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.cosine(x) }
}
struct TanhFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { T.hyperbolicTangent(x) }
}
struct SigmoidFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T {
        // Stable for large |x| in both directions.
        if x >= 0 { return 1 / (1 + T.exponential(-x)) }
        let e = T.exponential(x)
        return e / (1 + e)
    }
}
struct ReluFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? x : 0 }
}
struct LeakyReluFunctor<T: FloatElement>: UnaryFunctor {
    let slope: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? x : x * slope }
}
struct EluFunctor<T: FloatElement>: UnaryFunctor {
    let alpha: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? x : alpha * (T.exponential(x) - 1) }
}
struct GeluFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x * (1 + T.errorFunction(x * T(0.70710678118654752440))) / 2 }
}
struct GeluTanhFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T {
        let inner = T(0.79788456080286535588) * (x + T(0.044715) * x * x * x)
        return x * (1 + T.hyperbolicTangent(inner)) / 2
    }
}
struct SiluFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x / (1 + T.exponential(-x)) }
}
struct SoftplusFunctor<T: FloatElement>: UnaryFunctor {
    let beta: T
    let threshold: T
    @inline(__always) func callAsFunction(_ x: T) -> T {
        x * beta > threshold ? x : T.logarithmOnePlus(T.exponential(x * beta)) / beta
    }
}
struct ClampFunctor<T: ArithmeticElement>: UnaryFunctor {
    let lower: T
    let upper: T
    @inline(__always) func callAsFunction(_ x: T) -> T { x < lower ? lower : (x > upper ? upper : x) }
}
struct SignFunctor<T: FloatElement>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

// MARK: derivatives: (saved input or output, incoming gradient) -> input gradient

struct AbsoluteBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T { x > 0 ? g : (x < 0 ? -g : 0) }
}
struct TanhBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ y: T, _ g: T) -> T { g * (1 - y * y) }
}
struct SigmoidBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ y: T, _ g: T) -> T { g * y * (1 - y) }
}
struct ReluBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T { x > 0 ? g : 0 }
}
struct LeakyReluBackward<T: FloatElement>: BinaryFunctor {
    let slope: T
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T { x > 0 ? g : g * slope }
}
struct EluBackward<T: FloatElement>: BinaryFunctor {
    let alpha: T
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T { x > 0 ? g : g * alpha * T.exponential(x) }
}
struct GeluBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T {
        let cdf = (1 + T.errorFunction(x * T(0.70710678118654752440))) / 2
        let pdf = T.exponential(-x * x / 2) * T(0.39894228040143267794)
        return g * (cdf + x * pdf)
    }
}
struct GeluTanhBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T {
        let k = T(0.79788456080286535588)
        let inner = k * (x + T(0.044715) * x * x * x)
        let t = T.hyperbolicTangent(inner)
        let derivativeInner = k * (1 + 3 * T(0.044715) * x * x)
        return g * ((1 + t) / 2 + x * (1 - t * t) * derivativeInner / 2)
    }
}
struct SiluBackward<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T {
        let s = 1 / (1 + T.exponential(-x))
        return g * s * (1 + x * (1 - s))
    }
}
struct SoftplusBackward<T: FloatElement>: BinaryFunctor {
    let beta: T
    let threshold: T
    @inline(__always) func callAsFunction(_ x: T, _ g: T) -> T {
        if x * beta > threshold { return g }
        let z = T.exponential(x * beta)
        return g * z / (z + 1)
    }
}

/// Applies a float functor pair to a float32 or float64 tensor.
@inline(__always)
func mapFloat<F: UnaryFunctor, D: UnaryFunctor>(_ x: Tensor, op: String, _ single: F, _ double: D) -> Tensor
where F.Input == Float, F.Output == Float, D.Input == Double, D.Output == Double {
    switch x.dtype {
    case .float32: return mapElements(x, outputType: .float32, single)
    case .float64: return mapElements(x, outputType: .float64, double)
    default:
        preconditionFailure("\(op): needs a float32 or float64 tensor, got \(x.dtype); convert it with .to(.float32)")
    }
}

/// Computes an activation's input gradient from its saved tensor and the output gradient.
@inline(__always)
func activationBackward<F: BinaryFunctor, D: BinaryFunctor>(_ saved: Tensor, _ g: Tensor, _ single: F, _ double: D) -> Tensor
where F.Input == Float, F.Output == Float, D.Input == Double, D.Output == Double {
    switch saved.dtype {
    case .float32: return zipElements(saved, g, outputType: .float32, op: "backward", single)
    default: return zipElements(saved, g, outputType: .float64, op: "backward", double)
    }
}
