import Foundation

/// Writes files so that a crash never leaves a half-written one: bytes go to a temporary file in the
/// same folder, are flushed, then renamed over the destination. FlintData cannot import FlintIO, so
/// this is a small copy of FlintIO's `AtomicFile` that throws ``DataFileError``.
enum AtomicWrite {
    /// Writes `bytes` to `url` atomically; the previous file, if any, stays whole until the rename.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataFileError(.unwritableFile, "the folder \(directory.path) does not exist; create it first", path: url.path)
        }
        let temporary = directory.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw DataFileError(.unwritableFile, "cannot create a file in \(directory.path) (permission denied or read-only); "
                                + "choose another output folder", path: url.path)
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw DataFileError(.unwritableFile, "cannot replace the file: \(String(cString: strerror(errno)))", path: url.path)
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? DataFileError { throw error }
            throw DataFileError(.unwritableFile, "cannot write the file (\(error.localizedDescription)); check free space and permissions",
                                path: url.path)
        }
    }
}
