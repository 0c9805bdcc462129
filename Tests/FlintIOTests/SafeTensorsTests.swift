import Flint
import FlintIO
import Foundation
import Testing

/// A safetensors file from a header string and buffer bytes, as another writer might lay it out.
func safetensorsFile(_ header: String, buffer: [UInt8] = [], declaredLength: UInt64? = nil) -> Data {
    let headerBytes = Array(header.utf8)
    var data = Data()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: headerBytes)
    data.append(contentsOf: buffer)
    return data
}

/// A temporary folder, removed by `cleanUp()`.
struct TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("flint-io-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    func file(_ name: String) -> URL { url.appendingPathComponent(name) }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct SafeTensorsTests {
    static let everyDType: [String: Tensor] = [
        "f32": Tensor([[1.5, -2.25, 3], [0, 1e-30, -7]], dtype: .float32),
        "f64": Tensor([1.0 / 3.0, -1e300], dtype: .float64),
        "i32": Tensor([Int32.min, Int32.max, 5]),
        "i64": Tensor([Int64.min, Int64.max]),
        "bool": Tensor([true, false, true]),
        "i8": Tensor([Int8.min, Int8.max, 0]),
        "u8": Tensor([UInt8(0), 255, 9]),
        "scalar": Tensor(Float(2.5)),
        "empty": Tensor.zeros([0, 3]),
    ]

    @Test func everyDTypeRoundTripsThroughAFileWithMetadata() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanUp() }
        let url = folder.file("all.safetensors")
        try SafeTensors.write(Self.everyDType, metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n é"], to: url)
        let (tensors, metadata) = try SafeTensors.read(from: url)
        #expect(metadata == ["format": "pt", "note": "quote \" backslash \\ newline \n é"])
        #expect(Set(tensors.keys) == Set(Self.everyDType.keys))
        for (name, original) in Self.everyDType {
            let loaded = try #require(tensors[name])
            #expect(loaded.dtype == original.dtype && loaded.shape == original.shape, "\(name)")
            #expect(loaded.scalars(as: Double.self) == original.scalars(as: Double.self), "\(name)")
        }
        #expect(tensors["i64"]!.scalars(as: Int64.self) == [Int64.min, Int64.max])
        // Header padded with spaces to a multiple of 8; tensors in sorted order.
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        let header = String(decoding: data[8..<8 + headerLength], as: UTF8.self)
        #expect(header.hasPrefix("{\"__metadata__\":"))
        let positions = ["bool", "empty", "f32", "f64", "i32", "i64", "i8", "scalar", "u8"].map { header.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
    }

    @Test func writesContiguousCopiesOfViews() throws {
        let matrix = Tensor([[1.0, 2, 3], [4, 5, 6]], dtype: .float32)
        let transposed = matrix.transposed()
        let (tensors, _) = try SafeTensors.read(data: SafeTensors.serialize(["t": transposed]))
        #expect(tensors["t"]!.shape == [3, 2])
        #expect(tensors["t"]!.scalars(as: Float.self) == [1, 4, 2, 5, 3, 6])
    }

    @Test func readsFilesFromOtherWriters() throws {
        // No padding, keys in any order, "__metadata__": null, a 0-element tensor sharing an offset,
        // whitespace and escapes in the JSON.
        let header = #" { "b" : {"data_offsets":[8,8],"shape":[0,2],"dtype":"F32"}, "__metadata__": null, "#
            + #""a\u00e9": {"shape": [2], "dtype": "I32", "data_offsets": [0, 8]}, "c": {"dtype":"U8","shape":[3],"data_offsets":[8,11]} }"#
        let buffer: [UInt8] = [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 7, 8, 9]
        let (tensors, metadata) = try SafeTensors.read(data: safetensorsFile(header, buffer: buffer))
        #expect(metadata.isEmpty)
        #expect(tensors["aé"]!.scalars(as: Int32.self) == [1, -1])
        #expect(tensors["b"]!.shape == [0, 2])
        #expect(tensors["c"]!.scalars(as: UInt8.self) == [7, 8, 9])
        // An empty file body: only a header.
        #expect(try SafeTensors.read(data: safetensorsFile("{}")).tensors.isEmpty)
    }

    @Test func decodesHalfAndBFloat16Exactly() throws {
        let halves: [UInt16] = [0x0000, 0x8000, 0x3C00, 0xC100, 0x7BFF, 0x0001, 0x03FF, 0x0400, 0x7C00, 0xFC00, 0x3555]
        let expected: [Float] = [0, -0.0, 1, -2.5, 65504, 5.9604645e-08, 6.0975552e-05, 6.1035156e-05, .infinity, -.infinity, 0.33325195]
        let brains: [UInt16] = [0x3F80, 0xC020, 0x7F80, 0x0001, 0x8000]
        let brainExpected: [Float] = [1, -2.5, .infinity, Float(bitPattern: 0x0001_0000), -0.0]
        var buffer: [UInt8] = []
        for bits in halves + brains + [0x7E00] { buffer += [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
        let header = #"{"h":{"dtype":"F16","shape":[11],"data_offsets":[0,22]},"b":{"dtype":"BF16","shape":[5],"data_offsets":[22,32]},"#
            + #""n":{"dtype":"F16","shape":[],"data_offsets":[32,34]}}"#
        let (tensors, _) = try SafeTensors.read(data: safetensorsFile(header, buffer: buffer))
        #expect(tensors["h"]!.dtype == .float32 && tensors["b"]!.dtype == .float32)
        #expect(tensors["h"]!.scalars(as: Float.self).map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(tensors["b"]!.scalars(as: Float.self).map(\.bitPattern) == brainExpected.map(\.bitPattern))
        #expect(tensors["n"]!.item(as: Float.self).isNaN)
    }

    @Test func boolBytesOtherThanZeroAndOneAreTrue() throws {
        let header = #"{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}"#
        let (tensors, _) = try SafeTensors.read(data: safetensorsFile(header, buffer: [0, 2, 255]))
        #expect(tensors["m"]!.scalars(as: Bool.self) == [false, true, true])
    }

    @Test func writingTheReservedNameThrows() {
        #expect(throws: SafeTensorsError.self) { try SafeTensors.serialize(["__metadata__": Tensor([1.0])]) }
    }

    @Test func aMissingFileIsAClearError() {
        let error = #expect(throws: SafeTensorsError.self) {
            try SafeTensors.read(from: URL(fileURLWithPath: "/nonexistent/model.safetensors"))
        }
        #expect(error?.kind == .unreadableFile)
        #expect(error?.description.contains("/nonexistent/model.safetensors") == true)
    }
}
