/// Element types arithmetic kernels are written once for.
protocol ArithmeticElement: TensorScalar, Numeric, Comparable {}
extension Float: ArithmeticElement {}
extension Double: ArithmeticElement {}
extension Int32: ArithmeticElement {}
extension Int64: ArithmeticElement {}
extension Int8: ArithmeticElement {}
extension UInt8: ArithmeticElement {}

/// The arithmetic operations on two tensors.
enum ArithmeticOperation: String {
    case add, subtract, multiply, divide, power, maximum, minimum
}

struct AddFunctor<T: ArithmeticElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a + b }
}
struct SubtractFunctor<T: ArithmeticElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a - b }
}
struct MultiplyFunctor<T: ArithmeticElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a * b }
}
struct DivideFunctor<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a / b }
}
struct IntegerDivideFunctor<T: ArithmeticElement & BinaryInteger>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T {
        // Floor division, as PyTorch's `//` (division by zero gives 0 rather than a trap).
        if b == 0 { return 0 }
        let quotient = a / b
        return (a % b != 0) && ((a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
struct PowerFunctor<T: FloatElement>: BinaryFunctor {
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { T.power(a, b) }
}
struct MaximumFunctor<T: ArithmeticElement>: BinaryFunctor {
    // NaN wins, as in PyTorch (`a != a` only for NaN; always false for integers).
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a >= b || a != a ? a : b }
}
struct MinimumFunctor<T: ArithmeticElement>: BinaryFunctor {
    // NaN wins, as in PyTorch (`a != a` only for NaN; always false for integers).
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a <= b || a != a ? a : b }
}

/// Runs the arithmetic `operation` for `T` on two broadcast tensors.
private func arithmetic<T: ArithmeticElement>(_ operation: ArithmeticOperation, _ a: Tensor, _ b: Tensor,
                                              _ type: T.Type) -> Tensor {
    let name = operation.rawValue
    switch operation {
    case .add: return zipElements(a, b, outputType: T.dtype, op: name, AddFunctor<T>())
    case .subtract: return zipElements(a, b, outputType: T.dtype, op: name, SubtractFunctor<T>())
    case .multiply: return zipElements(a, b, outputType: T.dtype, op: name, MultiplyFunctor<T>())
    case .maximum: return zipElements(a, b, outputType: T.dtype, op: name, MaximumFunctor<T>())
    case .minimum: return zipElements(a, b, outputType: T.dtype, op: name, MinimumFunctor<T>())
    case .divide, .power: fatalError("unreachable: \(name) is dispatched by type")
    }
}

/// Runs an arithmetic operation on two tensors of the same dtype, broadcasting.
func arithmeticKernel(_ operation: ArithmeticOperation, _ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.dtype == b.dtype,
                 "\(operation.rawValue): the tensors have different dtypes (\(a.dtype) and \(b.dtype)); convert one with .to(.\(a.dtype)) first")
    switch (operation, a.dtype) {
    case (.divide, .float32): return zipElements(a, b, outputType: .float32, op: "divide", DivideFunctor<Float>())
    case (.divide, .float64): return zipElements(a, b, outputType: .float64, op: "divide", DivideFunctor<Double>())
    case (.divide, .int32): return zipElements(a, b, outputType: .int32, op: "divide", IntegerDivideFunctor<Int32>())
    case (.divide, .int64): return zipElements(a, b, outputType: .int64, op: "divide", IntegerDivideFunctor<Int64>())
    case (.power, .float32): return zipElements(a, b, outputType: .float32, op: "pow", PowerFunctor<Float>())
    case (.power, .float64): return zipElements(a, b, outputType: .float64, op: "pow", PowerFunctor<Double>())
    case (.divide, _), (.power, _):
        preconditionFailure("\(operation.rawValue): not supported for \(a.dtype) tensors; convert with .to(.float32) first")
    case (_, .float32): return arithmetic(operation, a, b, Float.self)
    case (_, .float64): return arithmetic(operation, a, b, Double.self)
    case (_, .int32): return arithmetic(operation, a, b, Int32.self)
    case (_, .int64): return arithmetic(operation, a, b, Int64.self)
    case (_, .int8): return arithmetic(operation, a, b, Int8.self)
    case (_, .uint8): return arithmetic(operation, a, b, UInt8.self)
    case (_, .bool):
        preconditionFailure("\(operation.rawValue): not supported for bool tensors; use the logical operators .& .| .^ or convert with .to(.int64)")
    }
}
