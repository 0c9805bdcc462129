/// The comparisons, each giving a bool tensor.
enum ComparisonOperation: String {
    case equal, notEqual, less, lessEqual, greater, greaterEqual
}

struct CompareFunctor<T: Comparable>: BinaryFunctor {
    let operation: ComparisonOperation
    @inline(__always) func callAsFunction(_ a: T, _ b: T) -> Bool {
        switch operation {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        }
    }
}

struct LogicalFunctor: BinaryFunctor {
    enum Operation { case and, or, exclusiveOr }
    let operation: Operation
    @inline(__always) func callAsFunction(_ a: Bool, _ b: Bool) -> Bool {
        switch operation {
        case .and: return a && b
        case .or: return a || b
        case .exclusiveOr: return a != b
        }
    }
}

struct NotFunctor: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: Bool) -> Bool { !x }
}

private func compare(_ a: Tensor, _ b: Tensor, _ operation: ComparisonOperation) -> Tensor {
    precondition(a.dtype == b.dtype,
                 "\(operation.rawValue): the tensors have different dtypes (\(a.dtype) and \(b.dtype)); convert one with .to(.\(a.dtype)) first")
    let name = operation.rawValue
    switch a.dtype {
    case .float32: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<Float>(operation: operation))
    case .float64: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<Double>(operation: operation))
    case .int32: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<Int32>(operation: operation))
    case .int64: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<Int64>(operation: operation))
    case .int8: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<Int8>(operation: operation))
    case .uint8: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<UInt8>(operation: operation))
    // Bools are stored as bytes 0 and 1, so they compare as bytes (false < true).
    case .bool: return zipElements(a, b, outputType: .bool, op: name, CompareFunctor<UInt8>(operation: operation))
    }
}

/// Elementwise comparisons (giving bool tensors), logical operators on bool tensors, and `where`.
///
/// The operators are the pointwise ones Swift uses for SIMD vectors (`.==`, `.<`, `.&`), so that
/// `==` keeps its usual meaning.
extension Tensor {
    /// Elementwise `==`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1, 2]) .== Tensor([1, 3])  // [true, false]
    /// ```
    public static func .== (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .equal) }
    /// Elementwise `!=`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1, 2]) .!= Tensor([1, 3])  // [false, true]
    /// ```
    public static func .!= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .notEqual) }
    /// Elementwise `<`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 5.0]) .< Tensor([2.0, 2.0])  // [true, false]
    /// ```
    public static func .< (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .less) }
    /// Elementwise `<=`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) .<= Tensor([2.0, 2.0])  // [true, true]
    /// ```
    public static func .<= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .lessEqual) }
    /// Elementwise `>`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 5.0]) .> Tensor([2.0, 2.0])  // [false, true]
    /// ```
    public static func .> (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .greater) }
    /// Elementwise `>=`, broadcasting.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]) .>= Tensor([2.0, 2.0])  // [false, true]
    /// ```
    public static func .>= (lhs: Tensor, rhs: Tensor) -> Tensor { compare(lhs, rhs, .greaterEqual) }

    /// Elementwise `==` against a number.
    ///
    /// ```swift
    /// Tensor([1, 2]) .== 2  // [false, true]
    /// ```
    public static func .== (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .equal) }
    /// Elementwise `!=` against a number.
    ///
    /// ```swift
    /// Tensor([1, 2]) .!= 2  // [true, false]
    /// ```
    public static func .!= (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .notEqual) }
    /// Elementwise `<` against a number.
    ///
    /// ```swift
    /// Tensor([1.0, 3.0]) .< 2  // [true, false]
    /// ```
    public static func .< (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .less) }
    /// Elementwise `<=` against a number.
    ///
    /// ```swift
    /// Tensor([1.0, 3.0]) .<= 1  // [true, false]
    /// ```
    public static func .<= (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .lessEqual) }
    /// Elementwise `>` against a number.
    ///
    /// ```swift
    /// Tensor([1.0, 3.0]) .> 2  // [false, true]
    /// ```
    public static func .> (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .greater) }
    /// Elementwise `>=` against a number.
    ///
    /// ```swift
    /// Tensor([1.0, 3.0]) .>= 3  // [false, true]
    /// ```
    public static func .>= (lhs: Tensor, rhs: Double) -> Tensor { compare(lhs, Tensor.scalar(rhs, like: lhs), .greaterEqual) }

    /// Elementwise logical and of bool tensors.
    ///
    /// ```swift
    /// (x .> 0) .& (x .< 1)
    /// ```
    public static func .& (lhs: Tensor, rhs: Tensor) -> Tensor { logical(lhs, rhs, .and, "and") }
    /// Elementwise logical or of bool tensors.
    ///
    /// ```swift
    /// (x .< 0) .| (x .> 1)
    /// ```
    public static func .| (lhs: Tensor, rhs: Tensor) -> Tensor { logical(lhs, rhs, .or, "or") }
    /// Elementwise logical exclusive or of bool tensors.
    ///
    /// ```swift
    /// (x .> 0) .^ (y .> 0)
    /// ```
    public static func .^ (lhs: Tensor, rhs: Tensor) -> Tensor { logical(lhs, rhs, .exclusiveOr, "xor") }
    /// Elementwise logical not of a bool tensor.
    ///
    /// ```swift
    /// .!(x .> 0)
    /// ```
    public static prefix func .! (operand: Tensor) -> Tensor {
        precondition(operand.dtype == .bool, "not: needs a bool tensor, got \(operand.dtype); compare first, e.g. x .!= 0")
        return mapElements(operand, outputType: .bool, NotFunctor())
    }

    private static func logical(_ a: Tensor, _ b: Tensor, _ operation: LogicalFunctor.Operation, _ name: String) -> Tensor {
        precondition(a.dtype == .bool && b.dtype == .bool,
                     "\(name): needs bool tensors, got \(a.dtype) and \(b.dtype); compare first, e.g. x .!= 0")
        return zipElements(a, b, outputType: .bool, op: name, LogicalFunctor(operation: operation))
    }

    /// Picks, element by element, from `a` where `condition` is true and from `b` elsewhere
    /// (all three broadcast). Gradients flow to `a` and `b`.
    ///
    /// ```swift
    /// Tensor.where(x .> 0, x, Tensor.zeros(like: x))  // relu
    /// ```
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(condition.dtype == .bool, "where: the condition must be a bool tensor, got \(condition.dtype)")
        precondition(a.dtype == b.dtype, "where: the two branches have different dtypes (\(a.dtype) and \(b.dtype)); convert one first")
        let result: Tensor
        switch a.dtype.byteSize {
        case 1: result = zipThree(condition, a, b, outputType: a.dtype, op: "where", Bool.self, UInt8.self) { $0 ? $1 : $2 }
        case 4: result = zipThree(condition, a, b, outputType: a.dtype, op: "where", Bool.self, UInt32.self) { $0 ? $1 : $2 }
        default: result = zipThree(condition, a, b, outputType: a.dtype, op: "where", Bool.self, UInt64.self) { $0 ? $1 : $2 }
        }
        return recordGradient(result, a, b) { .select(condition: condition, a, b) }
    }

    /// `where` with a number for the false branch.
    ///
    /// ```swift
    /// Tensor.where(mask, x, 0)
    /// ```
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Double) -> Tensor {
        Tensor.where(condition, a, Tensor.scalar(b, like: a))
    }
}
