import Foundation
import FlintIO
import Testing

/// A small TFRecord + protobuf reader written for these tests, independent of the writer's code paths.
enum EventFileReader {
    struct ReadError: Error, CustomStringConvertible { let description: String }

    /// The data of every record, checking both masked CRC-32Cs.
    static func records(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        func littleEndian(_ start: Int, _ count: Int) -> UInt64 {
            (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[start + $1]) << UInt64(8 * $1) }
        }
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw ReadError(description: "truncated header at byte \(offset)") }
            let length = Int(littleEndian(offset, 8))
            guard UInt32(littleEndian(offset + 8, 4)) == CRC32C.masked(bytes[offset..<(offset + 8)]) else {
                throw ReadError(description: "length CRC mismatch at byte \(offset)")
            }
            let start = offset + 12
            guard start + length + 4 <= bytes.count else { throw ReadError(description: "truncated record at byte \(offset)") }
            let data = Array(bytes[start..<(start + length)])
            guard UInt32(littleEndian(start + length, 4)) == CRC32C.masked(data) else {
                throw ReadError(description: "data CRC mismatch at byte \(offset)")
            }
            records.append(data)
            offset = start + length + 4
        }
        return records
    }

    enum FieldValue: Equatable { case varint(UInt64), fixed64(UInt64), fixed32(UInt32), bytes([UInt8]) }

    /// Fields of one protobuf message in order, as (field number, value).
    static func fields(_ bytes: [UInt8]) throws -> [(Int, FieldValue)] {
        var result: [(Int, FieldValue)] = []
        var offset = 0
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard offset < bytes.count, shift < 64 else { throw ReadError(description: "bad varint at \(offset)") }
                let byte = bytes[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        func fixed(_ count: Int) throws -> UInt64 {
            guard offset + count <= bytes.count else { throw ReadError(description: "truncated fixed field at \(offset)") }
            defer { offset += count }
            return (0..<count).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << UInt64(8 * $1) }
        }
        while offset < bytes.count {
            let key = try varint()
            switch key & 7 {
            case 0: result.append((Int(key >> 3), .varint(try varint())))
            case 1: result.append((Int(key >> 3), .fixed64(try fixed(8))))
            case 5: result.append((Int(key >> 3), .fixed32(UInt32(try fixed(4)))))
            case 2:
                let length = Int(try varint())
                guard offset + length <= bytes.count else { throw ReadError(description: "truncated bytes field at \(offset)") }
                result.append((Int(key >> 3), .bytes(Array(bytes[offset..<(offset + length)]))))
                offset += length
            default: throw ReadError(description: "wire type \(key & 7) at \(offset)")
            }
        }
        return result
    }

    /// The single value of `field`, or nil.
    static func field(_ number: Int, in fields: [(Int, FieldValue)]) -> FieldValue? {
        fields.first { $0.0 == number }?.1
    }
}

private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-tb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

/// The repository root, for scripts/ and .venv-test/.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let testPython = repositoryRoot.appendingPathComponent(".venv-test/bin/python")

/// Runs `executable arguments` and returns (exit status, standard output, standard error).
private func run(_ executable: URL, _ arguments: [String]) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
}

/// Whether .venv-test holds Python with tensorboard (made by scripts/install-test-peers.sh, run by `make test`).
private let tensorBoardIsInstalled: Bool = {
    guard FileManager.default.isExecutableFile(atPath: testPython.path) else { return false }
    return (try? run(testPython, ["-c", "import tensorboard"]).0) == 0
}()

/// A 3x2 RGB PNG (red, green, blue columns; valid CRCs), enough for the image path.
private let tinyPNG: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0x12, 0x16, 0xF1,
    0x4D, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0xF8, 0xCF, 0xC0, 0xC0,
    0x00, 0xC1, 0x70, 0x16, 0x00, 0x3B, 0xD8, 0x05, 0xFB, 0x36, 0x11, 0x98, 0xEA, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
]

@Suite struct TensorBoardTests {
    @Test func crc32cMatchesKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // RFC 3720 (iSCSI) appendix B.4 vectors.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        let split = CRC32C.checksum(Array("6789".utf8), continuing: CRC32C.checksum(Array("12345".utf8)))
        #expect(split == 0xE306_9283)
        #expect(CRC32C.mask(0) == 0xA282_EAD8)
        let crc: UInt32 = 0xE306_9283
        #expect(CRC32C.mask(crc) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func protobufEncodingMatchesHandEncodedBytes() {
        var message = ProtobufWriter()
        message.writeDouble(field: 1, 1.0)
        message.writeVarint(field: 2, 300)
        message.writeString(field: 3, "ab")
        message.writeFloat(field: 2, 0.5)
        message.writeVarint(field: 2, -1)
        #expect(message.bytes == [
            0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,
            0x10, 0xAC, 0x02,
            0x1A, 0x02, 0x61, 0x62,
            0x15, 0, 0, 0, 0x3F,
            0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01,
        ])
    }

    @Test func eventsRoundTripThroughTheRecordReader() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try TensorBoardWriter(logDirectory: folder.appendingPathComponent("run"), wallTime: 1.0)
        try writer.addScalar(tag: "loss/train", value: 0.25, step: 3, wallTime: 2.0)
        try writer.addScalars([("a", 1.5), ("b", -2)], step: -7, wallTime: 3.0)
        try writer.addImage(tag: "picture", png: tinyPNG, step: 4, wallTime: 4.0)
        try writer.close()
        try writer.close()
        #expect(writer.fileURL.lastPathComponent.hasPrefix("events.out.tfevents.0000000001."))

        let records = try EventFileReader.records(Array(try Data(contentsOf: writer.fileURL)))
        #expect(records.count == 4)
        // The first record is exactly Event{wall_time: 1.0, step: 0, file_version: "brain.Event:2"}.
        #expect(records[0] == [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x10, 0x00, 0x1A, 0x0D] + Array("brain.Event:2".utf8))

        let scalarEvent = try EventFileReader.fields(records[1])
        #expect(EventFileReader.field(1, in: scalarEvent) == .fixed64((2.0).bitPattern))
        #expect(EventFileReader.field(2, in: scalarEvent) == .varint(3))
        guard case .bytes(let summary)? = EventFileReader.field(5, in: scalarEvent),
              case .bytes(let value)? = EventFileReader.field(1, in: try EventFileReader.fields(summary)) else {
            Issue.record("the scalar event has no summary value")
            return
        }
        let valueFields = try EventFileReader.fields(value)
        #expect(EventFileReader.field(1, in: valueFields) == .bytes(Array("loss/train".utf8)))
        #expect(EventFileReader.field(2, in: valueFields) == .fixed32(Float(0.25).bitPattern))

        let pairEvent = try EventFileReader.fields(records[2])
        #expect(EventFileReader.field(2, in: pairEvent) == .varint(UInt64(bitPattern: -7)))
        if case .bytes(let pairSummary)? = EventFileReader.field(5, in: pairEvent) {
            #expect(try EventFileReader.fields(pairSummary).count == 2)
        } else {
            Issue.record("the two-scalar event has no summary")
        }

        let imageEvent = try EventFileReader.fields(records[3])
        guard case .bytes(let imageSummary)? = EventFileReader.field(5, in: imageEvent),
              case .bytes(let imageValue)? = EventFileReader.field(1, in: try EventFileReader.fields(imageSummary)),
              case .bytes(let image)? = EventFileReader.field(4, in: try EventFileReader.fields(imageValue)) else {
            Issue.record("the image event has no Summary.Image")
            return
        }
        let imageFields = try EventFileReader.fields(image)
        #expect(EventFileReader.field(1, in: imageFields) == .varint(2))
        #expect(EventFileReader.field(2, in: imageFields) == .varint(3))
        #expect(EventFileReader.field(3, in: imageFields) == .varint(3))
        #expect(EventFileReader.field(4, in: imageFields) == .bytes(tinyPNG))
    }

    @Test func aFlippedByteIsCaughtByTheChecksum() throws {
        var bytes = TFRecord.frame(Array("payload".utf8))
        #expect(try EventFileReader.records(bytes) == [Array("payload".utf8)])
        bytes[14] ^= 0x01
        #expect(throws: EventFileReader.ReadError.self) { try EventFileReader.records(bytes) }
    }

    @Test func badUseIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: TensorBoardError.self) { try TensorBoardWriter(logDirectory: blocker.appendingPathComponent("logs")) }

        let writer = try TensorBoardWriter(logDirectory: folder)
        let error = #expect(throws: TensorBoardError.self) { try writer.addImage(tag: "x", png: [1, 2, 3], step: 0) }
        #expect(error?.description.contains("not a PNG") == true)
        try writer.close()
        #expect(throws: TensorBoardError.self) { try writer.addScalar(tag: "late", value: 1, step: 1) }
        // Two writers on one folder write two files.
        let second = try TensorBoardWriter(logDirectory: folder)
        try second.close()
        #expect(second.fileURL != writer.fileURL)
    }

    @Test(.enabled(if: tensorBoardIsInstalled, "TensorBoard's reader is not installed: run scripts/install-test-peers.sh (needs pip and network)"))
    func tensorBoardReadsTheFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try TensorBoardWriter(logDirectory: folder)
        var expectedLoss: [[Double]] = []
        for step in 1...5 {
            let loss = 1.0 / Double(step)
            try writer.addScalar(tag: "loss/train", value: loss, step: step)
            expectedLoss.append([Double(step), Double(Float(loss))])
        }
        try writer.addScalars([("accuracy", 0.875), ("learning_rate", 0.001)], step: 5)
        try writer.addImage(tag: "curves", png: tinyPNG, step: 5)
        try writer.flush()
        let expectation: [String: Any] = [
            "scalars": ["loss/train": expectedLoss, "accuracy": [[5, 0.875]], "learning_rate": [[5, Double(Float(0.001))]]],
            "images": ["curves": [[5, 3, 2, tinyPNG.count]]],
        ]
        let expectationFile = folder.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: expectation).write(to: expectationFile)
        let script = repositoryRoot.appendingPathComponent("scripts/check_tensorboard.py").path
        let (status, output, errors) = try run(testPython, [script, writer.fileURL.path, "--expect", expectationFile.path])
        #expect(status == 0, "check_tensorboard.py: \(errors)\n\(output)")
        #expect(output.contains("\"loss/train\""))
        try writer.close()

        // A corrupted record is refused by TensorBoard's reader too: it stops there, so the last event (the image) is lost.
        var bytes = Array(try Data(contentsOf: writer.fileURL))
        bytes[bytes.count - 6] ^= 0xFF
        try Data(bytes).write(to: writer.fileURL)
        let (corruptStatus, _, corruptErrors) = try run(testPython, [script, writer.fileURL.path, "--expect", expectationFile.path])
        #expect(corruptStatus == 1)
        #expect(corruptErrors.contains("images: tags [], expected ['curves']"), "\(corruptErrors)")
    }
}
