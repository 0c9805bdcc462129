import Foundation

/// The element type of a ``Tensor``.
///
/// Flint, like PyTorch, carries the element type at run time so that one `Tensor` type
/// serves every model. `float32` is the fast path; `float64` is for gradient checks and
/// classic machine learning; integer and boolean tensors hold labels, indices and masks;
/// `int8`/`uint8` are storage for quantized weights and raw images.
///
/// ```swift
/// let labels = Tensor([1, 0, 2], dtype: .int64)
/// print(labels.dtype)            // int64
/// print(DType.float32.byteSize)  // 4
/// ```
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32, float64, int32, int64, bool, int8, uint8

    /// Bytes per element.
    ///
    /// ```swift
    /// DType.float64.byteSize  // 8
    /// ```
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64, .int64: return 8
        case .bool, .int8, .uint8: return 1
        }
    }

    /// Whether the type is `float32` or `float64` (the types gradients flow through).
    ///
    /// ```swift
    /// DType.int64.isFloatingPoint  // false
    /// ```
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// Whether the type is a signed or unsigned integer type.
    ///
    /// ```swift
    /// DType.int32.isInteger  // true
    /// ```
    public var isInteger: Bool { self == .int32 || self == .int64 || self == .int8 || self == .uint8 }

    /// The name PyTorch uses (`torch.float32`), for messages and interchange.
    ///
    /// ```swift
    /// DType.float32.description  // "float32"
    /// ```
    public var description: String { rawValue }
}

/// A Swift type that can be the element of a ``Tensor``: `Float`, `Double`, `Int32`, `Int64`,
/// `Int`, `Bool`, `Int8`, `UInt8`.
///
/// ```swift
/// let values: [Float] = Tensor([1, 2, 3]).scalars()
/// ```
public protocol TensorScalar: Sendable {
    /// The ``DType`` tensors of this Swift type carry.
    static var dtype: DType { get }
    /// This value as a `Double` (booleans are 0 or 1).
    var doubleValue: Double { get }
    /// The value nearest to `value` (truncating toward zero for integers, `!= 0` for `Bool`).
    init(fromDouble value: Double)
}

/// Truncates toward zero, saturating at Int64's range; NaN becomes 0 (never a trap).
@inline(__always)
func saturatingInt64(_ value: Double) -> Int64 {
    if value.isNaN { return 0 }
    if value >= 9.223372036854775e18 { return .max }
    if value <= -9.223372036854775e18 { return .min }
    return Int64(value)
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Float(value) }
}
extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    public var doubleValue: Double { self }
    public init(fromDouble value: Double) { self = value }
}
extension Int32: TensorScalar {
    public static var dtype: DType { .int32 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Int32(clamping: saturatingInt64(value)) }
}
extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = saturatingInt64(value) }
}
extension Int: TensorScalar {
    public static var dtype: DType { .int64 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Int(saturatingInt64(value)) }
}
extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    public var doubleValue: Double { self ? 1 : 0 }
    public init(fromDouble value: Double) { self = value != 0 }
}
extension Int8: TensorScalar {
    public static var dtype: DType { .int8 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = Int8(clamping: saturatingInt64(value)) }
}
extension UInt8: TensorScalar {
    public static var dtype: DType { .uint8 }
    public var doubleValue: Double { Double(self) }
    public init(fromDouble value: Double) { self = UInt8(clamping: saturatingInt64(value)) }
}

/// The floating-point element types kernels are written once for (`Float` and `Double`).
///
/// Each function maps to the C library's precise version for the type.
///
/// ```swift
/// Float.exponential(0)  // 1
/// ```
public protocol FloatElement: BinaryFloatingPoint, TensorScalar, SIMDScalar, Codable {
    /// e raised to `x`.
    static func exponential(_ x: Self) -> Self
    /// The natural logarithm.
    static func logarithm(_ x: Self) -> Self
    /// log(1 + x), accurate near zero.
    static func logarithmOnePlus(_ x: Self) -> Self
    /// The sine.
    static func sine(_ x: Self) -> Self
    /// The cosine.
    static func cosine(_ x: Self) -> Self
    /// The hyperbolic tangent.
    static func hyperbolicTangent(_ x: Self) -> Self
    /// The error function.
    static func errorFunction(_ x: Self) -> Self
    /// `x` raised to `y`.
    static func power(_ x: Self, _ y: Self) -> Self
}

extension Float: FloatElement {
    @inline(__always) public static func exponential(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func logarithm(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func logarithmOnePlus(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) public static func sine(_ x: Float) -> Float { sinf(x) }
    @inline(__always) public static func cosine(_ x: Float) -> Float { cosf(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func errorFunction(_ x: Float) -> Float { erff(x) }
    @inline(__always) public static func power(_ x: Float, _ y: Float) -> Float { powf(x, y) }
}

extension Double: FloatElement {
    @inline(__always) public static func exponential(_ x: Double) -> Double { exp(x) }
    @inline(__always) public static func logarithm(_ x: Double) -> Double { log(x) }
    @inline(__always) public static func logarithmOnePlus(_ x: Double) -> Double { log1p(x) }
    @inline(__always) public static func sine(_ x: Double) -> Double { sin(x) }
    @inline(__always) public static func cosine(_ x: Double) -> Double { cos(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
    @inline(__always) public static func errorFunction(_ x: Double) -> Double { erf(x) }
    @inline(__always) public static func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }
}
