import CZlib
import Foundation

/// Gzip files through the system zlib: inflating (gzip or zlib streams, detected from the header,
/// several gzip members in a row included), compressing, and reading a file that may or may not be
/// gzipped (`.csv.gz`, `.idx3-ubyte.gz`, or plain).
///
/// Every decompression is bounded: the caller gives the largest output it accepts, and a corrupt or
/// truncated stream stops with a ``DataFileError`` naming the byte offset.
///
/// ```swift
/// let bytes = try Gzip.readFile(URL(fileURLWithPath: "train-labels-idx1-ubyte.gz"), maximumSize: 1 << 20)
/// let packed = try Gzip.compress(Data("hello".utf8))
/// let unpacked = try Gzip.decompress(packed, maximumSize: 1024)  // "hello"
/// ```
public enum Gzip {
    /// The size limit readers use when the caller gives none: 2 GiB.
    ///
    /// ```swift
    /// Gzip.defaultMaximumSize  // 2_147_483_648
    /// ```
    public static let defaultMaximumSize = 1 << 31

    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    ///
    /// ```swift
    /// Gzip.isCompressed(Data([0x1f, 0x8b, 8]))  // true
    /// ```
    public static func isCompressed<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1f && iterator.next() == 0x8b
    }

    /// Inflates gzip (or zlib) `data`, refusing output larger than `maximumSize` bytes.
    ///
    /// ```swift
    /// let text = try Gzip.decompress(try Gzip.compress(Data("abc".utf8)), maximumSize: 100)
    /// ```
    public static func decompress(_ data: Data, maximumSize: Int = defaultMaximumSize) throws -> Data {
        let bytes = try data.withUnsafeBytes { raw in
            try Zlib.inflate(raw, windowBits: 15 + 32, maximumSize: maximumSize, format: "gzip")
        }
        return Data(bytes)
    }

    /// Compresses `data` into one gzip member (`level` 0 to 9, zlib's default 6).
    ///
    /// ```swift
    /// try Gzip.compress(Data(repeating: 0, count: 1000)).count  // about 30
    /// ```
    public static func compress(_ data: Data, level: Int = 6) throws -> Data {
        Data(try data.withUnsafeBytes { raw in try Zlib.deflate(raw, windowBits: 15 + 16, level: level) })
    }

    /// The bytes of the file at `url`, inflated when it starts with the gzip magic number; the file
    /// (and its inflated content) may hold at most `maximumSize` bytes.
    ///
    /// ```swift
    /// let csv = try Gzip.readFile(URL(fileURLWithPath: "digits.csv.gz"))
    /// ```
    public static func readFile(_ url: URL, maximumSize: Int = defaultMaximumSize) throws -> Data {
        Data(try readBytes(url, maximumSize: maximumSize))
    }

    /// ``readFile(_:maximumSize:)`` as an array of bytes (what the readers parse).
    static func readBytes(_ url: URL, maximumSize: Int = defaultMaximumSize) throws -> [UInt8] {
        let data = try readRawFile(url, maximumSize: maximumSize)
        guard isCompressed(data) else { return [UInt8](data) }
        return try attachingPath(url.path) {
            try data.withUnsafeBytes { raw in
                try Zlib.inflate(raw, windowBits: 15 + 32, maximumSize: maximumSize, format: "gzip")
            }
        }
    }

    /// The file's bytes as stored, refusing files over `maximumSize` before reading them.
    static func readRawFile(_ url: URL, maximumSize: Int) throws -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        } catch {
            throw DataFileError(.unreadableFile, "cannot open the file: it does not exist or is not readable; check the path",
                                path: url.path)
        }
        if let size = attributes[.size] as? Int, size > maximumSize {
            throw DataFileError(.tooLarge, "the file holds \(size) bytes, over the limit of \(maximumSize); raise maximumSize if it is expected",
                                path: url.path)
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw DataFileError(.unreadableFile, "cannot read the file (\(error.localizedDescription)); check the path and permissions",
                                path: url.path)
        }
    }
}

/// zlib's streaming inflate and deflate over whole buffers, and its CRC-32.
enum Zlib {
    /// Inflates `input` (`windowBits` 15+32: gzip or zlib header detected; -15: raw deflate as in zip
    /// entries). Output over `maximumSize` bytes, corrupt data and a stream that ends early throw.
    /// Gzip members that follow the first are inflated too, as `gzip -d` does.
    static func inflate(_ input: UnsafeRawBufferPointer, windowBits: Int32, maximumSize: Int, format: String) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataFileError(.corruptCompression, "zlib could not start inflating (out of memory)")
        }
        defer { inflateEnd(&stream) }
        guard let base = input.baseAddress, !input.isEmpty else {
            throw DataFileError(.truncated, "the \(format) stream is empty")
        }
        var output = [UInt8](repeating: 0, count: min(maximumSize, max(1 << 16, min(input.count * 4, 1 << 26))) + 1)
        var produced = 0
        var consumed = 0
        while true {
            if produced == output.count {
                guard output.count <= maximumSize else {
                    throw DataFileError(.tooLarge, "the \(format) data inflates to more than \(maximumSize) bytes, the limit given; "
                                        + "raise maximumSize if the file is expected to be this large")
                }
                output.append(contentsOf: repeatElement(0, count: min(output.count, maximumSize + 1 - output.count)))
            }
            let chunkIn = min(input.count - consumed, Int(UInt32.max))
            let chunkOut = min(output.count - produced, Int(UInt32.max))
            let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
                stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self) + consumed)
                stream.avail_in = uInt(chunkIn)
                stream.next_out = buffer.baseAddress! + produced
                stream.avail_out = uInt(chunkOut)
                let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += chunkIn - Int(stream.avail_in)
                produced += chunkOut - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if produced > maximumSize {
                    throw DataFileError(.tooLarge, "the \(format) data inflates to more than \(maximumSize) bytes, the limit given; "
                                        + "raise maximumSize if the file is expected to be this large")
                }
                let rest = UnsafeRawBufferPointer(rebasing: input[consumed...])
                if rest.isEmpty || windowBits < 0 {
                    output.removeSubrange(produced...)
                    return output
                }
                guard Gzip.isCompressed(rest) else {
                    throw DataFileError(.corruptCompression, "\(rest.count) bytes that are not gzip data follow the stream at byte offset "
                                        + "\(consumed); the file is damaged")
                }
                inflateReset(&stream)
            case Z_BUF_ERROR where consumed == input.count:
                throw DataFileError(.truncated, "the \(format) stream ends early after \(input.count) bytes (\(produced) bytes inflated); "
                                    + "the file is truncated, download or copy it again")
            case Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataFileError(.corruptCompression, "the \(format) stream is corrupt near byte offset \(consumed) (\(reason)); "
                                    + "the file is damaged, download or copy it again")
            }
        }
    }

    /// Deflates `input` (`windowBits` 15+16: a gzip member; -15: raw deflate for zip entries).
    static func deflate(_ input: UnsafeRawBufferPointer, windowBits: Int32, level: Int) throws -> [UInt8] {
        precondition((0...9).contains(level), "Gzip.compress: level must be 0 to 9, got \(level)")
        var stream = z_stream()
        guard deflateInit2_(&stream, Int32(level), Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataFileError(.unwritableFile, "zlib could not start compressing (out of memory)")
        }
        defer { deflateEnd(&stream) }
        guard input.count <= Int(UInt32.max) else {
            throw DataFileError(.unwritableFile, "cannot compress \(input.count) bytes in one piece (4 GiB at most)")
        }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = output.withUnsafeMutableBufferPointer { buffer in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = uInt(input.count)
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(buffer.count)
            return CZlib.deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else {
            throw DataFileError(.unwritableFile, "zlib could not compress the data (error \(status))")
        }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// The CRC-32 of `bytes` (the checksum zip and gzip use).
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var checksum: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 << 30)
            checksum = CZlib.crc32(checksum, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) + offset, uInt(length))
            offset += length
        }
        return UInt32(truncatingIfNeeded: checksum)
    }
}
