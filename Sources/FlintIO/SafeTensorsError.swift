/// A safetensors file that cannot be read or written, with what is wrong, where, and what to do.
///
/// ``kind`` says which rule was broken (for code that reacts to it); ``description`` says it in words,
/// naming the tensor, the byte offset or the file.
///
/// ```swift
/// do {
///     let (tensors, _) = try SafeTensors.read(from: url)
/// } catch let error as SafeTensorsError {
///     print(error)  // "model.safetensors: tensor 'fc.weight': data_offsets [0, 12] hold 12 bytes but F32 [2, 3] needs 24"
/// }
/// ```
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    /// The rule a file broke.
    ///
    /// ```swift
    /// if error.kind == .duplicateName { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read.
        case unreadableFile
        /// Fewer than the 8 bytes that hold the header length.
        case fileTooShort
        /// The declared header length is over the 100 MB limit.
        case headerTooLarge
        /// The declared header length runs past the end of the file.
        case headerPastEnd
        /// The header is not valid UTF-8.
        case invalidUTF8
        /// The header is not valid JSON.
        case invalidJSON
        /// The header's JSON is not an object.
        case headerNotObject
        /// A name appears twice in the header (or twice in one entry).
        case duplicateName
        /// A tensor entry lacks `dtype`, `shape` or `data_offsets`, or one has the wrong JSON type.
        case invalidEntry
        /// A dtype that safetensors or Flint does not know.
        case unsupportedDType
        /// A shape with a negative, fractional or non-numeric size, or whose element count overflows.
        case invalidShape
        /// `data_offsets` that are not two integers with begin ≤ end inside the byte buffer.
        case invalidOffsets
        /// Two tensors share bytes, or bytes lie between them unused.
        case overlapOrHole
        /// The buffer holds bytes after the last tensor.
        case trailingBytes
        /// A tensor's byte count does not match its dtype and shape.
        case sizeMismatch
        /// `__metadata__` is not an object of strings.
        case invalidMetadata
        /// A tensor or name that cannot be written.
        case unwritable
    }

    /// Which rule was broken.
    public let kind: Kind
    /// What is wrong and where.
    public let message: String
    /// The file, when the error came from reading or writing one.
    public let path: String?

    /// An error of `kind` with `message` (and the file it concerns).
    ///
    /// ```swift
    /// throw SafeTensorsError(.invalidShape, "tensor 'w': shape [-1] has a negative size")
    /// ```
    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    /// The message, prefixed with the file when known.
    public var description: String { path.map { "\($0): \(message)" } ?? message }

    /// The same error, about `path`.
    func at(_ path: String) -> SafeTensorsError { SafeTensorsError(kind, message, path: path) }
}

/// Decoding of the 16-bit float formats safetensors files from PyTorch often hold.
enum HalfPrecision {
    /// IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to `Float`, exactly (every half value
    /// is a float value): normals, subnormals, signed zeros, infinities and NaN (payload kept).
    ///
    /// ```swift
    /// HalfPrecision.float16ToFloat(0x3C00)  // 1.0
    /// ```
    static func float16ToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Zero or subnormal: mantissa × 2⁻²⁴, exact in a Float.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }

    /// bfloat16 (the top 16 bits of a binary32) to `Float`, exactly.
    ///
    /// ```swift
    /// HalfPrecision.bfloat16ToFloat(0x3F80)  // 1.0
    /// ```
    static func bfloat16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
