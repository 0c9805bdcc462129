import Foundation
import FlintIO
import Testing

@Suite struct AtomicFileTests {
    @Test func replacesTheFileWholeAndLeavesNoTemporaryBehind() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("model.bin")
        try AtomicFile.write(Data("first".utf8), to: file)
        try AtomicFile.write(Data("second".utf8), to: file)
        #expect(try Data(contentsOf: file) == Data("second".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.bin"])
    }

    @Test func aMissingFolderIsAClearErrorAndTouchesNothing() {
        let file = URL(fileURLWithPath: "/nonexistent-flint-folder/model.bin")
        #expect(throws: FileWriteError.self) { try AtomicFile.write(Data("x".utf8), to: file) }
    }
}
