import Foundation

/// Writes files so that a crash never leaves a half-written one in place: the bytes go to a
/// temporary file in the same folder, are flushed to disk, then renamed over the destination
/// (a rename within one file system is atomic).
///
/// ```swift
/// try AtomicFile.write(data, to: URL(fileURLWithPath: "runs/model.safetensors"))
/// ```
public enum AtomicFile {
    /// Writes `data` to `url` atomically; the previous file, if any, stays intact until the rename.
    ///
    /// ```swift
    /// try AtomicFile.write(Data("hello".utf8), to: URL(fileURLWithPath: "/tmp/greeting.txt"))
    /// ```
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileWriteError(description: "cannot write \(url.path): the folder \(directory.path) does not exist; create it first")
        }
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw FileWriteError(description: "cannot write in \(directory.path): permission denied or read-only; choose another output folder")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw FileWriteError(description: "cannot replace \(url.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}

/// A file that could not be written, with what to do about it.
///
/// ```swift
/// catch let error as FileWriteError { print(error) }
/// ```
public struct FileWriteError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    public let description: String
}
