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
