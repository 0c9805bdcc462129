import Flint
import FlintData
import Foundation
import Testing

@Suite struct NumPyFileTests {
    /// Where the round-trip test leaves Flint-written files: $FLINT_NUMPY_EXPORT_DIR (for
    /// `scripts/make_data_fixtures.py --check-flint DIR`), else a temporary folder.
    static func exportDirectory() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["FLINT_NUMPY_EXPORT_DIR"], !path.isEmpty {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return URL(fileURLWithPath: path)
        }
        return try DataFixtures.temporaryDirectory()
    }

    @Test func readsNumPyWrittenArrays() throws {
        let arrays = try DataFixtures.manifest("numpy/expected.json")["arrays"] as! [String: Any]
        #expect(arrays.count == 15)
        for (name, entry) in arrays {
            let tensor = try NumPyFile.readArray(DataFixtures.url("numpy/\(name).npy"))
            #expect(DataFixtures.mismatch(tensor, entry) == nil, "\(name): \(DataFixtures.mismatch(tensor, entry) ?? "")")
        }
    }

    @Test func readsNumPyWrittenArchives() throws {
        let archives = try DataFixtures.manifest("numpy/expected.json")["archives"] as! [String: [String: Any]]
        for (name, members) in archives {
            let tensors = try NumPyFile.readArchive(DataFixtures.url("numpy/\(name).npz"))
            #expect(Set(tensors.keys) == Set(members.keys))
            for (key, entry) in members {
                let tensor = try #require(tensors[key])
                #expect(DataFixtures.mismatch(tensor, entry) == nil, "\(name)[\(key)]: \(DataFixtures.mismatch(tensor, entry) ?? "")")
            }
        }
    }

    @Test func flintWrittenFilesReadBackTheSame() throws {
        let directory = try Self.exportDirectory()
        let manifest = try DataFixtures.manifest("numpy/expected.json")
        for (name, entry) in manifest["arrays"] as! [String: Any] {
            let url = directory.appendingPathComponent("\(name).npy")
            let original = try NumPyFile.readArray(DataFixtures.url("numpy/\(name).npy"))
            try NumPyFile.writeArray(original, to: url)
            // Bit for bit: the data bytes after the header equal the original's in C order.
            #expect(Array(try Data(contentsOf: url)).suffix(original.count * original.dtype.byteSize)
                    == NumPyFile.serializeArray(original).suffix(original.count * original.dtype.byteSize))
            #expect(try NumPyFile.readArray(url).to(.float64).scalars(as: Double.self).map(\.bitPattern)
                    == original.to(.float64).scalars(as: Double.self).map(\.bitPattern))
            let bytes = [UInt8](try Data(contentsOf: url))
            let headerEnd = 10 + Int(bytes[8]) + Int(bytes[9]) << 8
            #expect(bytes[6] == 1 && headerEnd % 64 == 0 && bytes[headerEnd - 1] == UInt8(ascii: "\n"))
            #expect(DataFixtures.mismatch(try NumPyFile.readArray(url), entry) == nil, "\(name)")
        }
        for (name, members) in manifest["archives"] as! [String: [String: Any]] {
            let url = directory.appendingPathComponent("\(name).npz")
            try NumPyFile.writeArchive(try NumPyFile.readArchive(DataFixtures.url("numpy/\(name).npz")), to: url, compressed: name == "compressed")
            let back = try NumPyFile.readArchive(url)
            for (key, entry) in members { #expect(DataFixtures.mismatch(back[key]!, entry) == nil, "\(name)[\(key)]") }
        }
        // Writing leaves no temporary file behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func malformedArraysAreErrors() throws {
        let good = NumPyFile.serializeArray(Tensor([1, 2, 3] as [Float]))
        expectDataError(.truncated, ["fewer than the 10"]) { _ = try NumPyFile.readArray(data: Data([0x93, 0x4E])) }
        expectDataError(.badMagic, ["\\x93NUMPY"]) { _ = try NumPyFile.readArray(data: Data([0x50, 0x4B] + good.dropFirst(2))) }
        var version = good
        version[6] = 4
        expectDataError(.invalidHeader, ["version 4.0"]) { _ = try NumPyFile.readArray(data: Data(version)) }
        expectDataError(.truncated, ["needs 12 bytes", "8 follow"]) { _ = try NumPyFile.readArray(data: Data(good.dropLast(4))) }
        expectDataError(.invalidHeader, ["1 more follow"]) { _ = try NumPyFile.readArray(data: Data(good + [0])) }
        expectDataError(.truncated, ["announces 118 bytes"]) { _ = try NumPyFile.readArray(data: Data(good.prefix(40))) }
        let url = try DataFixtures.temporaryFile(Array(good.dropLast(1)), name: "cut.npy")
        expectDataError(.truncated, [url.path]) { _ = try NumPyFile.readArray(url) }
    }

    /// A .npy file with `header` as its dictionary and `data` after it.
    static func npy(_ header: String, data: [UInt8] = []) -> Data {
        let text = Array(header.utf8) + [10]
        return Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data)
    }

    @Test func malformedHeadersAreErrors() throws {
        expectDataError(.unsupportedType, ["'<c16'", "f4, f8"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", data: Array(repeating: 0, count: 16)))
        }
        expectDataError(.unsupportedType, ["structured"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"))
        }
        expectDataError(.invalidHeader, ["fortran_order"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<f4', 'shape': (1,), }", data: [0, 0, 0, 0]))
        }
        expectDataError(.invalidHeader, ["not a NumPy dictionary", "character"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<f4', 'fortran_order': maybe, 'shape': (1,), }"))
        }
        expectDataError(.invalidHeader, ["a non-negative dimension size"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"))
        }
        // Hostile shapes: an element count that overflows, and a huge one whose bytes are absent.
        expectDataError(.sizeOverflow, ["[4294967296, 4294967296]"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"))
        }
        expectDataError(.truncated, ["needs 8000000000000 bytes"]) {
            _ = try NumPyFile.readArray(data: Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"))
        }
    }

    @Test func malformedArchivesAreErrors() throws {
        let stored = try DataFixtures.bytes("numpy/stored.npz")
        let compressed = try DataFixtures.bytes("numpy/compressed.npz")
        expectDataError(.badMagic, ["end-of-central-directory"]) { _ = try NumPyFile.readArchive(data: Data(stored.dropLast(30))) }
        expectDataError(.badMagic) { _ = try NumPyFile.readArchive(data: Data(NumPyFile.serializeArray(Tensor([1.0])))) }
        // A flipped data byte of a stored entry: the CRC-32 catches it.
        var flipped = stored
        flipped[200] ^= 0x01
        expectDataError(.checksumMismatch, ["CRC-32"]) { _ = try NumPyFile.readArchive(data: Data(flipped)) }
        // Deflated data damaged in the middle.
        var damaged = compressed
        for index in 80..<120 { damaged[index] ^= 0xA5 }  // inside features.npy's deflated bytes (62..<165)
        do {
            _ = try NumPyFile.readArchive(data: Data(damaged))
            Issue.record("a damaged deflate stream was read")
        } catch let error as DataFileError {
            #expect([.corruptCompression, .checksumMismatch, .truncated].contains(error.kind), "\(error)")
            #expect(error.description.contains("entry '"))
        }
        // Cutting the archive's first entry short (the directory still at the end) is noticed.
        let url = try DataFixtures.temporaryFile(Array(stored.prefix(100)) + Array(stored.suffix(from: stored.count - 22)), name: "cut.npz")
        expectDataError(.truncated, [url.path]) { _ = try NumPyFile.readArchive(url) }
        expectDataError(.tooLarge, ["100 bytes"]) { _ = try NumPyFile.readArchive(data: Data(compressed), maximumSize: 100) }
    }
}
