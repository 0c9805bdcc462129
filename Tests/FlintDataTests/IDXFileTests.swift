import Flint
import FlintData
import Foundation
import Testing

@Suite struct IDXFileTests {
    @Test func readsEveryTypeCodePlainAndGzipped() throws {
        let manifest = try DataFixtures.manifest("idx/expected.json")
        #expect(manifest.count == 7)
        for (name, entry) in manifest {
            let tensor = try IDXFile.read(DataFixtures.url("idx/\(name)"))
            #expect(DataFixtures.mismatch(tensor, entry) == nil, "\(name): \(DataFixtures.mismatch(tensor, entry) ?? "")")
        }
    }

    @Test func writeThenReadRoundTrips() throws {
        let directory = try DataFixtures.temporaryDirectory()
        let tensors = [
            Tensor([0, 7, 255] as [UInt8], shape: [3]), Tensor([-128, 5] as [Int8], shape: [1, 2]),
            Tensor([-5, 1 << 30] as [Int32], shape: [2]), Tensor([0.25, -3] as [Float], shape: [2, 1]),
            Tensor([1e-300, .infinity] as [Double], shape: [2]),
        ]
        for (index, tensor) in tensors.enumerated() {
            for compressed in [false, true] {
                let url = directory.appendingPathComponent("t\(index)\(compressed ? ".gz" : "")")
                try IDXFile.write(tensor, to: url, compressed: compressed)
                let back = try IDXFile.read(url)
                #expect(back.shape == tensor.shape && back.dtype == tensor.dtype)
                #expect(back.to(.float64).scalars(as: Double.self) == tensor.to(.float64).scalars(as: Double.self))
            }
        }
        expectDataError(.unsupportedType, ["int64"]) { _ = try IDXFile.serialize(Tensor([1, 2] as [Int64])) }
    }

    @Test func malformedHeadersAreErrors() throws {
        expectDataError(.truncated, ["fewer than the 4"]) { _ = try IDXFile.read(data: Data([0, 0, 8])) }
        expectDataError(.badMagic, ["0x01000801", "two zero bytes"]) { _ = try IDXFile.read(data: Data([1, 0, 8, 1, 0, 0, 0, 0])) }
        expectDataError(.badMagic, ["type code 0xa"]) { _ = try IDXFile.read(data: Data([0, 0, 0x0A, 1, 0, 0, 0, 0])) }
        expectDataError(.invalidHeader, ["0 dimensions"]) { _ = try IDXFile.read(data: Data([0, 0, 8, 0])) }
        expectDataError(.invalidHeader, ["200 dimensions"]) { _ = try IDXFile.read(data: Data([0, 0, 8, 200] + Array(repeating: 0, count: 800))) }
        expectDataError(.truncated, ["inside the 3 dimension sizes"]) { _ = try IDXFile.read(data: Data([0, 0, 8, 3, 0, 0, 0, 1])) }
    }

    @Test func truncatedAndOverlongDataAreErrors() throws {
        let labels = try DataFixtures.bytes("idx/labels-idx1-ubyte")
        expectDataError(.truncated, ["[6]", "need 6 bytes", "holds 5"]) { _ = try IDXFile.read(data: Data(labels.dropLast())) }
        expectDataError(.invalidHeader, ["1 more bytes"]) { _ = try IDXFile.read(data: Data(labels + [0])) }
        // A gzipped file cut short fails in the gzip layer, naming the file.
        let images = try DataFixtures.bytes("idx/images-idx3-ubyte.gz")
        let cut = try DataFixtures.temporaryFile(Array(images.dropLast(12)), name: "images.gz")
        expectDataError(.truncated, [cut.path]) { _ = try IDXFile.read(cut) }
    }

    @Test func hostileDimensionsNeverAllocate() throws {
        // 2^32-1 cubed overflows; 60000 x 60000 x 60000 bytes is not there: both refused before allocating.
        let huge: [UInt8] = [0, 0, 0x0E, 3] + Array(repeating: 0xFF, count: 12) + Array(repeating: 0, count: 16)
        expectDataError(.sizeOverflow, ["4294967295"]) { _ = try IDXFile.read(data: Data(huge)) }
        let big: [UInt8] = [0, 0, 8, 3] + [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60] + [1, 2, 3]
        expectDataError(.truncated, ["[60000, 60000, 60000]", "holds 3"]) { _ = try IDXFile.read(data: Data(big)) }
        let bigFile = try DataFixtures.temporaryFile(big, name: "big-idx3-ubyte")
        expectDataError(.truncated, [bigFile.path]) { _ = try IDXFile.read(bigFile) }
    }
}
