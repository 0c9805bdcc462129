import Flint
import Foundation

/// A fixture file that is missing or malformed, with what to do.
///
/// ```swift
/// throw FixtureError("torch_ops.json is missing; run scripts/make_torch_fixtures.py")
/// ```
public struct FixtureError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    /// An error with the given message.
    public init(_ description: String) { self.description = description }
}

/// A tensor as the fixture scripts write it: `{"shape": [...], "dtype": "float64", "values": [...]}`
/// with `"nan"`, `"inf"` and `"-inf"` spelled as strings, and an optional `"requires_grad"`.
///
/// ```swift
/// let expected = try FixtureTensor(entry["output"]!, context: "add")
/// let tensor = expected.tensor()
/// ```
public struct FixtureTensor: Sendable {
    /// The shape.
    public let shape: [Int]
    /// PyTorch's dtype name (`float64`, `float32`, `int64`, `int32`, `bool`).
    public let dtype: String
    /// The elements in row-major order.
    public let values: [Double]
    /// Whether the script marked the tensor as requiring gradients.
    public let requiresGrad: Bool

    /// Decodes one tensor entry of a fixture JSON object; `context` names the case in errors.
    public init(_ object: Any, context: String) throws {
        guard let dictionary = object as? [String: Any], let shape = dictionary["shape"] as? [Int],
              let dtype = dictionary["dtype"] as? String, let rawValues = dictionary["values"] as? [Any] else {
            throw FixtureError("\(context): a tensor entry lacks shape, dtype or values")
        }
        self.shape = shape
        self.dtype = dtype
        self.requiresGrad = dictionary["requires_grad"] as? Bool ?? false
        self.values = try rawValues.map { value in
            if let number = value as? NSNumber { return number.doubleValue }
            switch value as? String {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default: throw FixtureError("\(context): unexpected value \(value)")
            }
        }
    }

    /// The tensor itself (a fresh leaf each time).
    public func tensor() -> Tensor {
        switch dtype {
        case "float32": return Tensor(values.map { Float($0) }, shape: shape)
        case "int64": return Tensor(values.map { Int64($0) }, shape: shape)
        case "int32": return Tensor(values.map { Int32($0) }, shape: shape)
        case "bool": return Tensor(values.map { $0 != 0 }, shape: shape)
        default: return Tensor(values, shape: shape)
        }
    }
}

/// Why `actual` does not match the fixture (shape, dtype when `checkType`, or the worst element
/// beyond `tolerance` in `|a - e| / (1 + |e|)`, NaN matching NaN), or nil when it matches.
///
/// ```swift
/// if let mismatch = fixtureMismatch(output, expected, tolerance: 1e-10) { Issue.record(mismatch) }
/// ```
public func fixtureMismatch(_ actual: Tensor, _ expected: FixtureTensor, tolerance: Double, checkType: Bool = true) -> String? {
    guard actual.shape == expected.shape else { return "shape \(actual.shape), PyTorch \(expected.shape)" }
    if checkType && actual.dtype.rawValue != expected.dtype { return "dtype \(actual.dtype), PyTorch \(expected.dtype)" }
    let values = actual.scalars(as: Double.self)
    var worst: (error: Double, index: Int)? = nil
    for (index, (value, reference)) in zip(values, expected.values).enumerated() {
        if value == reference || (value.isNaN && reference.isNaN) { continue }
        let error = value.isNaN || reference.isNaN ? .infinity : Swift.abs(value - reference) / (1 + Swift.abs(reference))
        if error > tolerance && error > (worst?.error ?? 0) { worst = (error, index) }
    }
    guard let worst else { return nil }
    return """
        element \(worst.index) is \(values[worst.index]), PyTorch \(expected.values[worst.index]) (scaled error \(worst.error))
        Flint:   \(values)
        PyTorch: \(expected.values)
        """
}
