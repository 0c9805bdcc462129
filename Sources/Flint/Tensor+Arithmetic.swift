/// Arithmetic between tensors (with NumPy broadcasting) and between a tensor and a Swift number.
///
/// Both tensors must have the same dtype: Flint never converts silently. A Swift number takes the
/// tensor's dtype (a fractional number with an integer tensor is an error).
extension Tensor {
    /// Elementwise sum, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) + Tensor([[10.0], [20.0]])  // shape [2, 2]
    /// ```
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.add, lhs, rhs), lhs, rhs) { .add(lhs, rhs) }
    }

    /// Elementwise difference, broadcasting.
    ///
    /// ```swift
    /// Tensor([3.0, 4.0]) - Tensor([1.0, 1.0])  // [2, 3]
    /// ```
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.subtract, lhs, rhs), lhs, rhs) { .subtract(lhs, rhs) }
    }

    /// Elementwise product, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) * Tensor([3.0, 4.0])  // [3, 8]
    /// ```
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.multiply, lhs, rhs), lhs, rhs) { .multiply(lhs, rhs) }
    }

    /// Elementwise quotient, broadcasting (floor division for integer tensors).
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) / Tensor([2.0, 4.0])  // [0.5, 0.5]
    /// ```
    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.divide, lhs, rhs), lhs, rhs) { .divide(lhs, rhs) }
    }

    /// Elementwise negation.
    ///
    /// ```swift
    /// -Tensor([1.0, -2.0])  // [-1, 2]
    /// ```
    public static prefix func - (operand: Tensor) -> Tensor {
        let result: Tensor
        switch operand.dtype {
        case .float32: result = mapElements(operand, outputType: .float32, NegateFunctor<Float>())
        case .float64: result = mapElements(operand, outputType: .float64, NegateFunctor<Double>())
        case .int32: result = mapElements(operand, outputType: .int32, NegateFunctor<Int32>())
        case .int64: result = mapElements(operand, outputType: .int64, NegateFunctor<Int64>())
        case .int8: result = mapElements(operand, outputType: .int8, NegateFunctor<Int8>())
        case .bool, .uint8: preconditionFailure("negate: not supported for \(operand.dtype) tensors; use .! for bool, or convert with .to(.int64)")
        }
        return recordGradient(result, operand) { .negate(operand) }
    }

    /// `tensor + number`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) + 1  // [2, 3]
    /// ```
    public static func + (lhs: Tensor, rhs: Double) -> Tensor {
        recordGradient(scalarKernel(lhs, rhs, op: "add", AddScalarFunctor<Float>.init, AddScalarFunctor<Double>.init,
                                    AddScalarFunctor<Int32>.init, AddScalarFunctor<Int64>.init), lhs) { .addScalar(lhs) }
    }

    /// `number + tensor`.
    ///
    /// ```swift
    /// 1 + Tensor([1.0, 2.0])  // [2, 3]
    /// ```
    public static func + (lhs: Double, rhs: Tensor) -> Tensor { rhs + lhs }

    /// `tensor - number`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) - 1  // [0, 1]
    /// ```
    public static func - (lhs: Tensor, rhs: Double) -> Tensor { lhs + (-rhs) }

    /// `number - tensor`.
    ///
    /// ```swift
    /// 1 - Tensor([0.25, 1.0])  // [0.75, 0]
    /// ```
    public static func - (lhs: Double, rhs: Tensor) -> Tensor {
        let result = scalarKernel(rhs, lhs, op: "subtract", ScalarSubtractFunctor<Float>.init, ScalarSubtractFunctor<Double>.init,
                                  ScalarSubtractFunctor<Int32>.init, ScalarSubtractFunctor<Int64>.init)
        return recordGradient(result, rhs) { .negate(rhs) }
    }

    /// `tensor * number`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) * 3  // [3, 6]
    /// ```
    public static func * (lhs: Tensor, rhs: Double) -> Tensor {
        let result = scalarKernel(lhs, rhs, op: "multiply", MultiplyScalarFunctor<Float>.init, MultiplyScalarFunctor<Double>.init,
                                  MultiplyScalarFunctor<Int32>.init, MultiplyScalarFunctor<Int64>.init)
        return recordGradient(result, lhs) { .multiplyScalar(lhs, rhs) }
    }

    /// `number * tensor`.
    ///
    /// ```swift
    /// 0.5 * Tensor([2.0, 4.0])  // [1, 2]
    /// ```
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs * lhs }

    /// `tensor / number`.
    ///
    /// ```swift
    /// Tensor([2.0, 4.0]) / 2  // [1, 2]
    /// ```
    public static func / (lhs: Tensor, rhs: Double) -> Tensor {
        let result = mapFloat(lhs, op: "divide", DivideScalarFunctor<Float>(value: Float(rhs)), DivideScalarFunctor<Double>(value: rhs))
        return recordGradient(result, lhs) { .multiplyScalar(lhs, 1 / rhs) }
    }

    /// `number / tensor`.
    ///
    /// ```swift
    /// 1 / Tensor([2.0, 4.0])  // [0.5, 0.25]
    /// ```
    public static func / (lhs: Double, rhs: Tensor) -> Tensor {
        let result = mapFloat(rhs, op: "divide", ScalarDivideFunctor<Float>(value: Float(lhs)), ScalarDivideFunctor<Double>(value: lhs))
        return recordGradient(result, rhs) { .scalarDivide(numerator: lhs, rhs, output: result.detach()) }
    }

    /// Elementwise power with a tensor of exponents, broadcasting.
    ///
    /// ```swift
    /// Tensor([2.0, 3.0]).pow(Tensor([3.0, 2.0]))  // [8, 9]
    /// ```
    public func pow(_ exponent: Tensor) -> Tensor {
        let result = arithmeticKernel(.power, self, exponent)
        return recordGradient(result, self, exponent) { .power(self, exponent, output: result.detach()) }
    }

    /// Elementwise power with a number exponent.
    ///
    /// ```swift
    /// Tensor([2.0, 3.0]).pow(2)  // [4, 9]
    /// ```
    public func pow(_ exponent: Double) -> Tensor {
        let result = mapFloat(self, op: "pow", PowerScalarFunctor<Float>(exponent: Float(exponent)),
                              PowerScalarFunctor<Double>(exponent: exponent))
        return recordGradient(result, self) { .powerScalar(self, exponent: exponent) }
    }

    /// A number raised to each element of `exponent`.
    ///
    /// ```swift
    /// Tensor.pow(2, Tensor([1.0, 3.0]))  // [2, 8]
    /// ```
    public static func pow(_ base: Double, _ exponent: Tensor) -> Tensor {
        let result = mapFloat(exponent, op: "pow", ScalarPowerFunctor<Float>(base: Float(base)), ScalarPowerFunctor<Double>(base: base))
        return recordGradient(result, exponent) { .scalarPower(base: base, exponent, output: result.detach()) }
    }

    /// The elementwise larger of two tensors, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 5.0]).maximum(Tensor([3.0, 2.0]))  // [3, 5]
    /// ```
    public func maximum(_ other: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.maximum, self, other), self, other) { .maximum(self, other) }
    }

    /// The elementwise smaller of two tensors, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 5.0]).minimum(Tensor([3.0, 2.0]))  // [1, 2]
    /// ```
    public func minimum(_ other: Tensor) -> Tensor {
        recordGradient(arithmeticKernel(.minimum, self, other), self, other) { .minimum(self, other) }
    }

    /// Compound assignment: `x += y` rebinds `x` to `x + y` (no in-place write).
    ///
    /// ```swift
    /// var total = Tensor.zeros([2]); total += Tensor.ones([2])
    /// ```
    public static func += (lhs: inout Tensor, rhs: Tensor) { lhs = lhs + rhs }
    /// `x -= y` rebinds `x` to `x - y`.
    ///
    /// ```swift
    /// var w = Tensor.ones([2]); w -= Tensor.ones([2])
    /// ```
    public static func -= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs - rhs }
    /// `x *= y` rebinds `x` to `x * y`.
    ///
    /// ```swift
    /// var w = Tensor.ones([2]); w *= Tensor.full([2], 3)
    /// ```
    public static func *= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs * rhs }
    /// `x /= y` rebinds `x` to `x / y`.
    ///
    /// ```swift
    /// var w = Tensor.ones([2]); w /= Tensor.full([2], 2)
    /// ```
    public static func /= (lhs: inout Tensor, rhs: Tensor) { lhs = lhs / rhs }
}

/// Runs a scalar functor on a tensor of any numeric dtype, checking that the number fits.
@inline(__always)
private func scalarKernel<F: UnaryFunctor, D: UnaryFunctor, I: UnaryFunctor, L: UnaryFunctor>(
    _ x: Tensor, _ value: Double, op: String,
    _ single: (Float) -> F, _ double: (Double) -> D, _ int32: (Int32) -> I, _ int64: (Int64) -> L
) -> Tensor
where F.Input == Float, F.Output == Float, D.Input == Double, D.Output == Double,
      I.Input == Int32, I.Output == Int32, L.Input == Int64, L.Output == Int64 {
    switch x.dtype {
    case .float32: return mapElements(x, outputType: .float32, single(Float(value)))
    case .float64: return mapElements(x, outputType: .float64, double(value))
    case .int32, .int64:
        precondition(value.rounded() == value,
                     "\(op): \(value) is not a whole number and the tensor is \(x.dtype); convert the tensor with .to(.float32) first")
        if x.dtype == .int32 { return mapElements(x, outputType: .int32, int32(Int32(value))) }
        return mapElements(x, outputType: .int64, int64(Int64(value)))
    default:
        preconditionFailure("\(op): not supported for \(x.dtype) tensors; convert with .to(.float32) or .to(.int64) first")
    }
}
