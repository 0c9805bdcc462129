import FlintServe
import Foundation
import Testing

/// The request-body JSON reader against Foundation's reading of the same texts.
@Suite struct JSONParserTests {
    @Test func readsWhatFoundationReads() throws {
        let texts = [
            #"{"id": "a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "inputs": [{"shape": [1, 3], "data": [0, -1.5e-3, 2E+2]}], "ok": true, "none": null}"#,
            #"  [ ]  "#, #"{}"#, #"[[1,[2,[3]]], "x", false]"#, #"-0.0"#,
        ]
        for text in texts {
            let ours = try JSONParser.parse(Array(text.utf8))
            let theirs = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            #expect(ours == theirs, "\(text)")
        }
        guard case .array(let special) = try JSONParser.parse(Array("[NaN, Infinity, -Infinity]".utf8)), special.count == 3,
              case .number(let notANumber) = special[0], case .number(let positive) = special[1], case .number(let negative) = special[2] else {
            Issue.record("NaN and the infinities were not read as three numbers")
            return
        }
        #expect(notANumber.isNaN && positive == .infinity && negative == -.infinity)
    }

    /// Short decimals skip `strtod`; the doubles must be the very ones `Double(String)` gives, for
    /// integers, fractions, negatives, zeros and the 15-digit edge, and longer numbers take the slow path.
    @Test func numbersEqualDoubleParsingBitForBit() throws {
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "7", "007", "0.1", "-0.5", "123456789012345", "1234567890123456", "0.000000000000001",
                     "99999999999999.9", String(repeating: "9", count: 40), "-" + String(repeating: "1", count: 25) + ".5", "1.7976931348623157e308", "4.9e-324", "3.", "16", "255.0", "-12.75"]
        for _ in 0..<2000 {
            let digits = (0..<Int.random(in: 1...17, using: &generator)).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let point = Int.random(in: 0...digits.count, using: &generator)
            let sign = Bool.random(using: &generator) ? "-" : ""
            texts.append(point == 0 || point == digits.count ? sign + digits
                         : sign + digits.prefix(point) + "." + digits.dropFirst(point))
        }
        for text in texts {
            guard let expected = Double(text) else { continue }
            guard case .number(let value) = try JSONParser.parse(Array(text.utf8)) else {
                Issue.record("\(text) was not read as a number")
                continue
            }
            #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) against \(expected)")
        }
    }

    @Test func malformedTextSaysWhereAndWhat() {
        let cases = [("{\"a\" 1}", "expected ':' after a key at byte 5"), ("[1, 2", "unexpected end of the body inside an array at byte 5"),
                     ("\"abc", "a string that never ends"), ("[01x]", "expected ',' or ']' in an array at byte 3"),
                     ("{\"a\": tru}", "expected 'true' at byte 6"), ("[1] 2", "unexpected text after the JSON value at byte 4"),
                     (String(repeating: "[", count: 100), "nesting deeper than 64 levels"), ("\"\\q\"", "an unknown escape '\\q'")]
        for (text, reason) in cases {
            do {
                _ = try JSONParser.parse(Array(text.utf8))
                Issue.record("\(text) parsed")
            } catch {
                #expect("\(error)".contains(reason), "\(text): \(error)")
            }
        }
    }
}
