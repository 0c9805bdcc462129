import Foundation

/// Writes a TensorBoard event file (`events.out.tfevents.<seconds>.<host>.<pid>.<n>`) in a log folder, which
/// `tensorboard --logdir <folder>` reads: scalars (loss, accuracy, learning rate per step or epoch) and PNG
/// images (training curves, a confusion matrix).
///
/// Events are buffered in memory and reach the file on ``flush()``, on ``close()``, when the buffer passes
/// 64 KB, and when the writer is released. TensorBoard reads a file that is still growing, so a run can be
/// watched live. Like PyTorch's `SummaryWriter`, the folder is created when missing and every writer starts
/// a new file, so runs logged to one folder never overwrite each other.
///
/// ```swift
/// let writer = try TensorBoardWriter(logDirectory: URL(fileURLWithPath: "runs/mnist"))
/// for epoch in 1...10 {
///     try writer.addScalar(tag: "loss/train", value: trainLoss, step: epoch)
/// }
/// try writer.close()
/// ```
public final class TensorBoardWriter: @unchecked Sendable {
    /// The event file this writer appends to.
    public let fileURL: URL
    private let lock = NSLock()
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferLimit = 64 * 1024
    private static let counterLock = NSLock()
    nonisolated(unsafe) private static var fileCounter = 0

    /// Opens a new event file in `logDirectory` (created with its parents when missing) and writes the
    /// `brain.Event:2` version record TensorBoard expects first.
    ///
    /// Throws ``TensorBoardError`` when the folder cannot be created or the file cannot be written.
    ///
    /// ```swift
    /// let writer = try TensorBoardWriter(logDirectory: URL(fileURLWithPath: "runs/experiment-1"))
    /// ```
    public init(logDirectory: URL, wallTime: Double? = nil) throws {
        do {
            try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError("cannot create the log folder \(logDirectory.path): \(error.localizedDescription); choose a writable folder")
        }
        let time = wallTime ?? Date().timeIntervalSince1970
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let counter = Self.counterLock.withLock { () -> Int in
            Self.fileCounter += 1
            return Self.fileCounter
        }
        let seconds = String(Int(time))
        let paddedSeconds = String(repeating: "0", count: max(0, 10 - seconds.count)) + seconds
        let name = "events.out.tfevents.\(paddedSeconds).\(host).\(ProcessInfo.processInfo.processIdentifier).\(counter)"
        fileURL = logDirectory.appendingPathComponent(name)
        descriptor = open(fileURL.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw TensorBoardError("cannot create \(fileURL.path): \(String(cString: strerror(errno))); choose a writable log folder")
        }
        var event = ProtobufWriter()
        event.writeDouble(field: 1, time)
        event.writeVarint(field: 2, 0)
        event.writeString(field: 3, "brain.Event:2")
        try lock.withLock {
            buffer += TFRecord.frame(event.bytes)
            try writeBuffer()
        }
    }

    deinit {
        if descriptor >= 0 {
            try? writeBuffer()
            Foundation.close(descriptor)
        }
    }

    /// Logs one scalar under `tag` at `step` (TensorBoard groups tags by the part before the first `/`).
    ///
    /// The value is stored as a 32-bit float (`Summary.Value.simple_value`), as every TensorBoard writer does.
    ///
    /// ```swift
    /// try writer.addScalar(tag: "accuracy/validation", value: 0.973, step: epoch)
    /// ```
    public func addScalar(tag: String, value: Double, step: Int, wallTime: Double? = nil) throws {
        try addScalars([(tag, value)], step: step, wallTime: wallTime)
    }

    /// Logs several scalars at the same step in one event, in the order given.
    ///
    /// ```swift
    /// try writer.addScalars([("loss/train", 0.31), ("loss/validation", 0.35)], step: epoch)
    /// ```
    public func addScalars(_ values: [(tag: String, value: Double)], step: Int, wallTime: Double? = nil) throws {
        var summary = ProtobufWriter()
        for (tag, value) in values {
            var entry = ProtobufWriter()
            entry.writeString(field: 1, tag)
            entry.writeFloat(field: 2, Float(value))
            summary.writeBytes(field: 1, entry.bytes)
        }
        try append(summary: summary.bytes, step: step, wallTime: wallTime)
    }

    /// Logs a PNG image under `tag` at `step` (TensorBoard's Images tab); the width and height are read
    /// from the PNG header.
    ///
    /// Throws ``TensorBoardError`` when `png` is not a PNG file.
    ///
    /// ```swift
    /// try writer.addImage(tag: "confusion_matrix", png: plot.renderPNG(width: 480, height: 480), step: epoch)
    /// ```
    public func addImage(tag: String, png: [UInt8], step: Int, wallTime: Double? = nil) throws {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard png.count >= 33, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else {
            throw TensorBoardError("addImage(tag: \"\(tag)\"): the \(png.count) bytes given are not a PNG image (no PNG signature and IHDR chunk at the start)")
        }
        func bigEndian(_ offset: Int) -> Int { png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let colourType = png[25]
        // Colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA; Summary.Image.colorspace counts channels.
        let channels = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][Int(colourType)] ?? 3
        var image = ProtobufWriter()
        image.writeVarint(field: 1, bigEndian(20))
        image.writeVarint(field: 2, bigEndian(16))
        image.writeVarint(field: 3, channels)
        image.writeBytes(field: 4, png)
        var entry = ProtobufWriter()
        entry.writeString(field: 1, tag)
        entry.writeBytes(field: 4, image.bytes)
        var summary = ProtobufWriter()
        summary.writeBytes(field: 1, entry.bytes)
        try append(summary: summary.bytes, step: step, wallTime: wallTime)
    }

    /// Writes every buffered event to the file.
    ///
    /// ```swift
    /// try writer.flush()  // TensorBoard now shows everything logged so far
    /// ```
    public func flush() throws {
        try lock.withLock { try writeBuffer() }
    }

    /// Flushes and closes the file; later calls to `add…` throw, a second `close()` does nothing.
    ///
    /// ```swift
    /// try writer.close()
    /// ```
    public func close() throws {
        try lock.withLock {
            guard descriptor >= 0 else { return }
            defer {
                Foundation.close(descriptor)
                descriptor = -1
            }
            try writeBuffer()
        }
    }

    /// Wraps a `Summary` in an `Event` (wall time, step, summary) and buffers its record.
    private func append(summary: [UInt8], step: Int, wallTime: Double?) throws {
        var event = ProtobufWriter()
        event.writeDouble(field: 1, wallTime ?? Date().timeIntervalSince1970)
        event.writeVarint(field: 2, step)
        event.writeBytes(field: 5, summary)
        try lock.withLock {
            guard descriptor >= 0 else {
                throw TensorBoardError("\(fileURL.path): the writer is closed; open a new TensorBoardWriter to log more")
            }
            buffer += TFRecord.frame(event.bytes)
            if buffer.count >= Self.bufferLimit { try writeBuffer() }
        }
    }

    /// Writes the buffer to the file descriptor (the caller holds the lock).
    private func writeBuffer() throws {
        guard descriptor >= 0, !buffer.isEmpty else { return }
        var written = 0
        while written < buffer.count {
            let result = buffer.withUnsafeBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                buffer.removeFirst(written)
                throw TensorBoardError("cannot write \(fileURL.path): \(reason); free some disk space or choose another log folder")
            }
            written += result
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A TensorBoard event file that could not be written, or an image that is not a PNG, with what to do.
///
/// ```swift
/// catch let error as TensorBoardError { print(error) }
/// ```
public struct TensorBoardError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, where, and what to do.
    public let description: String

    /// An error with the given message.
    ///
    /// ```swift
    /// throw TensorBoardError("cannot create runs/x: permission denied")
    /// ```
    public init(_ description: String) { self.description = description }
}
