import Flint
import Foundation

/// Reads and writes IDX files, the format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte.gz`),
/// plain or gzipped.
///
/// Layout: two zero bytes, a type code, the number of dimensions, then each dimension as a big-endian
/// UInt32, then the elements big-endian in row-major order. Type codes and the tensors they become:
/// `0x08` unsigned byte → `uint8`, `0x09` signed byte → `int8`, `0x0B` int16 → `int32` (widened),
/// `0x0C` int32 → `int32`, `0x0D` float32 → `float32`, `0x0E` float64 → `float64`.
///
/// Reading is strict: a bad magic number, zero or more than 16 dimensions, a size whose product
/// overflows or exceeds the limit, data that ends early or bytes left over each throw a
/// ``DataFileError``, and nothing is allocated from the declared dimensions before they are checked
/// against the bytes actually present.
///
/// ```swift
/// let images = try IDXFile.read(URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
/// images.shape  // [10000, 28, 28], uint8
/// ```
public enum IDXFile {
    /// The most dimensions accepted.
    ///
    /// ```swift
    /// IDXFile.maximumDimensions  // 16
    /// ```
    public static let maximumDimensions = 16

    /// Reads the IDX file at `url` (gzipped or not); the file and its inflated content may hold at most
    /// `maximumSize` bytes.
    ///
    /// ```swift
    /// let labels = try IDXFile.read(URL(fileURLWithPath: "t10k-labels-idx1-ubyte.gz"))  // [10000], uint8
    /// ```
    public static func read(_ url: URL, maximumSize: Int = Gzip.defaultMaximumSize) throws -> Tensor {
        let bytes = try Gzip.readBytes(url, maximumSize: maximumSize)
        return try attachingPath(url.path) { try parse(bytes) }
    }

    /// Reads IDX bytes (already inflated).
    ///
    /// ```swift
    /// let tensor = try IDXFile.read(data: Data([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]))  // [7, 9], uint8
    /// ```
    public static func read(data: Data) throws -> Tensor {
        try parse([UInt8](data))
    }

    /// Writes `tensor` as IDX to `url` atomically, gzipped when `compressed` (int64 and bool tensors
    /// have no IDX type: convert them first).
    ///
    /// ```swift
    /// try IDXFile.write(Tensor([3, 1, 4], dtype: .uint8), to: URL(fileURLWithPath: "labels.idx1-ubyte.gz"), compressed: true)
    /// ```
    public static func write(_ tensor: Tensor, to url: URL, compressed: Bool = false) throws {
        var bytes = try attachingPath(url.path) { try serialize(tensor) }
        if compressed {
            bytes = try bytes.withUnsafeBytes { try Zlib.deflate($0, windowBits: 15 + 16, level: 6) }
        }
        try AtomicWrite.write(bytes, to: url)
    }

    /// The IDX bytes of `tensor` (row-major, big-endian).
    ///
    /// ```swift
    /// try IDXFile.serialize(Tensor([1, 2], dtype: .uint8))  // [0, 0, 8, 1, 0, 0, 0, 2, 1, 2]
    /// ```
    public static func serialize(_ tensor: Tensor) throws -> [UInt8] {
        let code: UInt8
        switch tensor.dtype {
        case .uint8: code = 0x08
        case .int8: code = 0x09
        case .int32: code = 0x0C
        case .float32: code = 0x0D
        case .float64: code = 0x0E
        case .int64, .bool:
            throw DataFileError(.unsupportedType, "IDX has no \(tensor.dtype) type; convert the tensor to uint8, int32, float32 or float64 first")
        }
        guard (1...maximumDimensions).contains(tensor.rank), tensor.shape.allSatisfy({ $0 <= Int(UInt32.max) }) else {
            throw DataFileError(.invalidHeader, "IDX holds 1 to \(maximumDimensions) dimensions of at most 2^32-1 each; shape \(tensor.shape) does not fit")
        }
        var bytes: [UInt8] = [0, 0, code, UInt8(tensor.rank)]
        for dimension in tensor.shape { appendBigEndian(UInt32(dimension), to: &bytes) }
        let contiguous = tensor.contiguous()
        switch tensor.dtype {
        case .uint8: bytes += contiguous.scalars(as: UInt8.self)
        case .int8: bytes += contiguous.scalars(as: Int8.self).map { UInt8(bitPattern: $0) }
        case .int32: for value in contiguous.scalars(as: Int32.self) { appendBigEndian(UInt32(bitPattern: value), to: &bytes) }
        case .float32: for value in contiguous.scalars(as: Float.self) { appendBigEndian(value.bitPattern, to: &bytes) }
        case .float64: for value in contiguous.scalars(as: Double.self) { appendBigEndian(value.bitPattern, to: &bytes) }
        case .int64, .bool: break
        }
        return bytes
    }

    // MARK: parsing

    static func parse(_ bytes: [UInt8]) throws -> Tensor {
        guard bytes.count >= 4 else {
            throw DataFileError(.truncated, "the file holds \(bytes.count) bytes, fewer than the 4 of an IDX magic number")
        }
        let magic = bytes[0..<4].reduce(0) { $0 << 8 | UInt32($1) }
        let magicText = "0x" + String(magic, radix: 16, uppercase: true).leftPadded(to: 8)
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataFileError(.badMagic, "magic number \(magicText) is not an IDX magic (it must start with two zero bytes, "
                                + "e.g. 0x00000803 for images); is this an IDX file?")
        }
        let elementType: (size: Int, dtype: DType)
        switch bytes[2] {
        case 0x08: elementType = (1, .uint8)
        case 0x09: elementType = (1, .int8)
        case 0x0B: elementType = (2, .int32)
        case 0x0C: elementType = (4, .int32)
        case 0x0D: elementType = (4, .float32)
        case 0x0E: elementType = (8, .float64)
        default:
            throw DataFileError(.badMagic, "magic number \(magicText) has type code 0x\(String(bytes[2], radix: 16)), not one of IDX's "
                                + "0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E")
        }
        let rank = Int(bytes[3])
        guard (1...maximumDimensions).contains(rank) else {
            throw DataFileError(.invalidHeader, "magic number \(magicText) declares \(rank) dimensions; IDX files here hold 1 to \(maximumDimensions)")
        }
        let dataStart = 4 + 4 * rank
        guard bytes.count >= dataStart else {
            throw DataFileError(.truncated, "the file ends at byte \(bytes.count), inside the \(rank) dimension sizes (bytes 4 to \(dataStart))")
        }
        var shape: [Int] = []
        var count = 1
        var overflow = false
        for axis in 0..<rank {
            let dimension = Int(bytes[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            shape.append(dimension)
            let (product, overflowed) = count.multipliedReportingOverflow(by: dimension)
            overflow = overflow || overflowed
            count = product
        }
        let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: elementType.size)
        if overflow || byteOverflow {
            throw DataFileError(.sizeOverflow, "dimensions \(shape) hold more elements than can be addressed; the header is corrupt")
        }
        let available = bytes.count - dataStart
        guard byteCount <= available else {
            throw DataFileError(.truncated, "dimensions \(shape) need \(byteCount) bytes of data after the header but the file holds "
                                + "\(available); it is truncated or the header is corrupt")
        }
        guard byteCount == available else {
            throw DataFileError(.invalidHeader, "dimensions \(shape) need \(byteCount) bytes of data but \(available - byteCount) "
                                + "more bytes follow them; the header is wrong or the file is damaged")
        }
        var tensor = Tensor.zeros(shape, dtype: elementType.dtype)
        bytes.withUnsafeBufferPointer { all in
            let data = UnsafeBufferPointer(rebasing: all[dataStart...])
            switch bytes[2] {
            case 0x08:
                tensor.withUnsafeMutableBufferPointer(as: UInt8.self) { out in _ = out.initialize(from: data) }
            case 0x09:
                tensor.withUnsafeMutableBufferPointer(as: Int8.self) { out in
                    for index in out.indices { out[index] = Int8(bitPattern: data[index]) }
                }
            case 0x0B:
                tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in
                    for index in out.indices { out[index] = Int32(Int16(bitPattern: UInt16(data[2 * index]) << 8 | UInt16(data[2 * index + 1]))) }
                }
            case 0x0C:
                tensor.withUnsafeMutableBufferPointer(as: Int32.self) { out in
                    for index in out.indices { out[index] = Int32(bitPattern: bigEndian32(data, at: 4 * index)) }
                }
            case 0x0D:
                tensor.withUnsafeMutableBufferPointer(as: Float.self) { out in
                    for index in out.indices { out[index] = Float(bitPattern: bigEndian32(data, at: 4 * index)) }
                }
            default:
                tensor.withUnsafeMutableBufferPointer(as: Double.self) { out in
                    for index in out.indices {
                        out[index] = Double(bitPattern: UInt64(bigEndian32(data, at: 8 * index)) << 32 | UInt64(bigEndian32(data, at: 8 * index + 4)))
                    }
                }
            }
        }
        return tensor
    }

    @inline(__always)
    private static func bigEndian32(_ data: UnsafeBufferPointer<UInt8>, at offset: Int) -> UInt32 {
        UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
    }

    private static func appendBigEndian<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
