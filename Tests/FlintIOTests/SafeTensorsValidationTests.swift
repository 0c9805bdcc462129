import Flint
import FlintIO
import FlintTestSupport
import Foundation
import Testing

/// One malformed file and the error it must give.
struct MalformedCase: CustomStringConvertible, Sendable {
    let name: String
    let data: Data
    let kind: SafeTensorsError.Kind
    let mentions: String
    var description: String { name }

    init(_ name: String, _ data: Data, _ kind: SafeTensorsError.Kind, mentions: String = "") {
        self.name = name
        self.data = data
        self.kind = kind
        self.mentions = mentions
    }

    /// A file whose one tensor `t` has the given fields, with `bufferSize` zero bytes after the header.
    static func entry(_ name: String, _ fields: String, bufferSize: Int = 8, _ kind: SafeTensorsError.Kind, mentions: String = "'t'") -> MalformedCase {
        MalformedCase(name, safetensorsFile("{\"t\":{\(fields)}}", buffer: Array(repeating: 0, count: bufferSize)), kind, mentions: mentions)
    }

    static let all: [MalformedCase] = [
        MalformedCase("empty file", Data(), .fileTooShort),
        MalformedCase("7 bytes", Data([1, 0, 0, 0, 0, 0, 0]), .fileTooShort, mentions: "7 bytes"),
        MalformedCase("header over 100 MB", safetensorsFile("{}", declaredLength: 100_000_001), .headerTooLarge, mentions: "100000001"),
        MalformedCase("header length 2^64-1", safetensorsFile("{}", declaredLength: .max), .headerTooLarge),
        MalformedCase("header past the end", safetensorsFile("{}", declaredLength: 50), .headerPastEnd, mentions: "truncated"),
        MalformedCase("invalid UTF-8", safetensorsFile("{\"\u{1}\"}").replacing(byte: 0x01, with: 0xFF), .invalidUTF8),
        MalformedCase("invalid JSON", safetensorsFile("{\"t\": }"), .invalidJSON, mentions: "byte 6"),
        MalformedCase("trailing garbage after the JSON", safetensorsFile("{} x"), .invalidJSON),
        MalformedCase("deeply nested JSON", safetensorsFile(String(repeating: "[", count: 100_000)), .invalidJSON, mentions: "nesting"),
        MalformedCase("header is an array", safetensorsFile("[]"), .headerNotObject, mentions: "an array"),
        MalformedCase("duplicate tensor names", safetensorsFile(#"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#, buffer: [1, 2]),
                      .duplicateName, mentions: "'t'"),
        MalformedCase("duplicate field in an entry", safetensorsFile(#"{"t":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#, buffer: [1]), .duplicateName),
        MalformedCase("duplicate metadata key", safetensorsFile(#"{"__metadata__":{"a":"1","a":"2"}}"#), .duplicateName),
        MalformedCase("metadata not an object", safetensorsFile(#"{"__metadata__":[1]}"#), .invalidMetadata),
        MalformedCase("metadata value not a string", safetensorsFile(#"{"__metadata__":{"epoch":3}}"#), .invalidMetadata, mentions: "'epoch'"),
        MalformedCase("entry not an object", safetensorsFile(#"{"t":[1]}"#), .invalidEntry, mentions: "'t'"),
        entry("missing dtype", #""shape":[2],"data_offsets":[0,8]"#, .invalidEntry, mentions: "'dtype'"),
        entry("missing shape", #""dtype":"F32","data_offsets":[0,8]"#, .invalidEntry, mentions: "'shape'"),
        entry("missing data_offsets", #""dtype":"F32","shape":[2]"#, .invalidEntry, mentions: "'data_offsets'"),
        entry("dtype not a string", #""dtype":4,"shape":[2],"data_offsets":[0,8]"#, .invalidEntry),
        entry("shape not an array", #""dtype":"F32","shape":"2","data_offsets":[0,8]"#, .invalidEntry),
        entry("offsets not an array", #""dtype":"F32","shape":[2],"data_offsets":8"#, .invalidEntry),
        entry("unknown dtype", #""dtype":"F31","shape":[2],"data_offsets":[0,8]"#, .unsupportedDType, mentions: "F31"),
        entry("unsupported dtype", #""dtype":"U16","shape":[4],"data_offsets":[0,8]"#, .unsupportedDType, mentions: "U16"),
        entry("negative size", #""dtype":"F32","shape":[-2],"data_offsets":[0,8]"#, .invalidShape, mentions: "-2"),
        entry("fractional size", #""dtype":"F32","shape":[2.0],"data_offsets":[0,8]"#, .invalidShape),
        entry("string size", #""dtype":"F32","shape":["2"],"data_offsets":[0,8]"#, .invalidShape),
        entry("size past Int.max", #""dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,8]"#, .invalidShape),
        entry("element count overflows", #""dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,8]"#, .invalidShape),
        entry("zero-element shape with overflowing sizes", #""dtype":"U8","shape":[0,4294967296,4294967296],"data_offsets":[0,0]"#, bufferSize: 0, .invalidShape),
        entry("byte count overflows", #""dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]"#, .sizeMismatch),
        entry("three offsets", #""dtype":"F32","shape":[2],"data_offsets":[0,4,8]"#, .invalidOffsets),
        entry("negative offset", #""dtype":"F32","shape":[2],"data_offsets":[-8,0]"#, .invalidOffsets),
        entry("begin after end", #""dtype":"F32","shape":[2],"data_offsets":[8,0]"#, .invalidOffsets, mentions: "[8, 0]"),
        entry("offsets past the buffer", #""dtype":"F32","shape":[4],"data_offsets":[0,16]"#, .invalidOffsets, mentions: "8-byte buffer"),
        entry("bytes do not match the shape", #""dtype":"F32","shape":[3],"data_offsets":[0,8]"#, .sizeMismatch, mentions: "needs 12"),
        entry("trailing bytes", #""dtype":"F32","shape":[1],"data_offsets":[0,4]"#, .trailingBytes),
        entry("hole at the start", #""dtype":"F32","shape":[1],"data_offsets":[4,8]"#, .overlapOrHole, mentions: "0..<4"),
        MalformedCase("overlapping tensors", safetensorsFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                                             buffer: Array(repeating: 0, count: 8)), .overlapOrHole, mentions: "'a' and 'b'"),
        MalformedCase("hole between tensors", safetensorsFile(#"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}"#,
                                                              buffer: Array(repeating: 0, count: 6)), .overlapOrHole, mentions: "2..<4"),
    ]
}

extension Data {
    func replacing(byte: UInt8, with replacement: UInt8) -> Data { Data(map { $0 == byte ? replacement : $0 }) }
}

@Suite struct SafeTensorsValidationTests {
    @Test("a malformed file throws the right error", arguments: MalformedCase.all)
    func malformedFileThrows(_ testCase: MalformedCase) {
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.read(data: testCase.data) }
        #expect(error?.kind == testCase.kind, "\(error?.description ?? "no error")")
        #expect(testCase.mentions.isEmpty || error?.description.contains(testCase.mentions) == true, "\(error?.description ?? "no error")")
    }

    @Test func errorsFromAFileNameTheFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("broken.safetensors")
        try Data([1, 2, 3]).write(to: url)
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensors.read(from: url) }
        #expect(error?.kind == .fileTooShort)
        #expect(error?.description.hasPrefix(url.path + ": ") == true)
    }

    /// Thousands of seeded random mutations and truncations of a valid file: each either loads or
    /// throws a SafeTensorsError; a crash would end the test process.
    @Test func randomMutationsLoadOrThrowButNeverCrash() throws {
        let original = try SafeTensors.serialize(
            ["weight": Tensor([[1.0, 2], [3, 4]], dtype: .float32), "bias": Tensor([0.5, -0.5], dtype: .float64),
             "steps": Tensor([Int64(7)]), "mask": Tensor([true, false]), "empty": Tensor.zeros([0, 4])],
            metadata: ["epoch": "3"])
        let headerEnd = 8 + Int(original[0]) + Int(original[1]) << 8
        let interesting = Array("0123456789[]{},:\"-.eE \\u".utf8) + [0, 0x80, 0xFF]
        var generator = SplitMix64(state: 20_240_601)
        var loaded = 0, rejected = 0
        for round in 0..<6000 {
            var bytes = [UInt8](original)
            switch round % 5 {
            case 0:  // truncation
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            case 1:  // random bytes anywhere
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            case 2, 3:  // JSON-meaningful characters in the header
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    bytes[Int.random(in: 8..<headerEnd, using: &generator)] = interesting.randomElement(using: &generator)!
                }
            default:  // insert or delete a byte, shifting everything after it
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                if Bool.random(using: &generator) { bytes.remove(at: index) } else { bytes.insert(interesting.randomElement(using: &generator)!, at: index) }
            }
            do {
                _ = try SafeTensors.read(data: Data(bytes))
                loaded += 1
            } catch is SafeTensorsError {
                rejected += 1
            } catch {
                Issue.record("round \(round): unexpected error type \(error)")
            }
        }
        #expect(loaded > 50 && rejected > 1000, "loaded \(loaded), rejected \(rejected)")
    }
}
