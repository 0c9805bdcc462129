import Foundation

/// A small JSON reader for request bodies: bytes straight to ``JSONValue`` in one pass (Foundation's
/// Codable decoder into a value tree cost more than the model's forward pass per request). It takes
/// RFC 8259 JSON plus the bare tokens `NaN`, `Infinity` and `-Infinity` that some clients send, so those
/// reach the finite-number check and its specific error; nesting deeper than 64 levels is refused.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"inputs": [1, 2.5, NaN]}"#.utf8))
/// ```
public struct JSONParser {
    /// Why a body is not JSON, and where.
    public struct SyntaxError: Error, CustomStringConvertible {
        /// The byte offset of the problem.
        public let offset: Int
        /// What was expected or found.
        public let reason: String
        /// The reason and the byte offset, e.g. `expected ':' after a key at byte 5`.
        public var description: String { "\(reason) at byte \(offset)" }
    }

    private let bytes: [UInt8]
    private var position = 0
    private static let maximumDepth = 64

    /// Parses `bytes` as one JSON value (surrounding whitespace allowed).
    ///
    /// ```swift
    /// let value = try JSONParser.parse(Array(body))
    /// ```
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func error(_ reason: String) -> SyntaxError { SyntaxError(offset: position, reason: reason) }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
        guard position < bytes.count else { throw error("unexpected end of the body") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "N"): try literal("NaN"); return .number(.nan)
        case UInt8(ascii: "I"): try literal("Infinity"); return .number(.infinity)
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<(position + expected.count)]) == expected else {
            throw error("expected '\(word)'")
        }
        position += expected.count
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        position += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(fields) }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after a key") }
            position += 1
            skipWhitespace()
            fields[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of the body inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
            position += 1
            return .object(fields)
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth + 1))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of the body inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            guard bytes[position] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
            position += 1
            return .array(elements)
        }
    }

    private mutating func number() throws -> Double {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "I") { try literal("Infinity"); return -.infinity }
        }
        while position < bytes.count {
            let byte = bytes[position]
            let isNumberByte = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            guard isNumberByte else { break }
            position += 1
        }
        if let value = Self.shortDecimal(bytes[start..<position]) { return value }
        guard position > start, let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            position = start
            throw error("expected a value (object, array, string, number, true, false or null)")
        }
        return value
    }

    /// Powers of ten that a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// `-?digits(.digits)?` with at most 15 digits, converted without building a `String` (the common
    /// case: pixel values, features). Both the digits as an integer and the power of ten are exact
    /// doubles, so one correctly rounded division gives the same double as `strtod` (Clinger's fast
    /// path). Anything else (exponents, longer numbers) returns nil and goes through `Double(String)`.
    private static func shortDecimal(_ token: ArraySlice<UInt8>) -> Double? {
        var index = token.startIndex
        let negative = index < token.endIndex && token[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: Int64 = 0, digitCount = 0, fractionDigits = 0, seenPoint = false, integerDigits = 0
        while index < token.endIndex {
            let byte = token[index]
            if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digitCount += 1
                if digitCount > 15 { return nil }   // before the product could overflow
                digits = digits * 10 + Int64(byte - UInt8(ascii: "0"))
                if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard integerDigits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        let magnitude = Double(digits) / exactPowersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    private mutating func string() throws -> String {
        position += 1
        var runStart = position
        var result = ""
        func flushRun() { result += String(decoding: bytes[runStart..<position], as: UTF8.self) }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                flushRun()
                position += 1
                return result
            }
            guard byte >= 0x20 else { throw error("a control character inside a string") }
            guard byte == UInt8(ascii: "\\") else { position += 1; continue }
            flushRun()
            position += 1
            guard position < bytes.count else { break }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case UInt8(ascii: "\""): result += "\""
            case UInt8(ascii: "\\"): result += "\\"
            case UInt8(ascii: "/"): result += "/"
            case UInt8(ascii: "b"): result += "\u{8}"
            case UInt8(ascii: "f"): result += "\u{C}"
            case UInt8(ascii: "n"): result += "\n"
            case UInt8(ascii: "r"): result += "\r"
            case UInt8(ascii: "t"): result += "\t"
            case UInt8(ascii: "u"):
                var code = try hexQuad()
                if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                   bytes[position + 1] == UInt8(ascii: "u") {
                    position += 2
                    let low = try hexQuad()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                result.unicodeScalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                position -= 1
                throw error("an unknown escape '\\\(Character(Unicode.Scalar(escaped)))' inside a string")
            }
            runStart = position
        }
        throw error("a string that never ends")
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard position + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
            throw error("expected four hex digits after \\u")
        }
        position += 4
        return code
    }
}
