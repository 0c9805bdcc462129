import Flint
import Foundation

/// Reads and writes NumPy's `.npy` arrays and `.npz` archives, so data moves to and from Python
/// (`np.save`, `np.load`, `np.savez`, `np.savez_compressed`).
///
/// Element types (the NumPy `descr` and the Flint dtype): `f4` float32, `f8` float64, `i4` int32,
/// `i8` int64, `b1` bool, `u1` uint8, `i1` int8, little- or big-endian (`<`, `>`, `=`, `|`); `u1` stays
/// uint8 (Flint has that type; convert with `.to(.int32)` for arithmetic). Files in Fortran order are
/// read and returned in Flint's row-major order. Header versions 1.0, 2.0 and 3.0 are read; files are
/// written as version 1.0 (2.0 when the header needs more than 65,535 bytes), little-endian,
/// C order, header padded to 64 bytes as NumPy does, through a temporary file and a rename.
///
/// ```swift
/// try NumPyFile.writeArray(Tensor([[1, 2], [3, 4]] as [[Float]]), to: URL(fileURLWithPath: "x.npy"))
/// let x = try NumPyFile.readArray(URL(fileURLWithPath: "x.npy"))  // float32 [2, 2]
/// try NumPyFile.writeArchive(["x": x, "y": Tensor([0, 1])], to: URL(fileURLWithPath: "xy.npz"), compressed: true)
/// let arrays = try NumPyFile.readArchive(URL(fileURLWithPath: "xy.npz"))  // ["x": …, "y": …]
/// ```
public enum NumPyFile {
    /// Reads the `.npy` file at `url` (at most `maximumSize` bytes).
    ///
    /// ```swift
    /// let features = try NumPyFile.readArray(URL(fileURLWithPath: "features.npy"))
    /// ```
    public static func readArray(_ url: URL, maximumSize: Int = Gzip.defaultMaximumSize) throws -> Tensor {
        let data = try Gzip.readRawFile(url, maximumSize: maximumSize)
        return try attachingPath(url.path) { try parseArray([UInt8](data)) }
    }

    /// Reads `.npy` bytes.
    ///
    /// ```swift
    /// let tensor = try NumPyFile.readArray(data: Data(NumPyFile.serializeArray(Tensor([1, 2, 3]))))
    /// ```
    public static func readArray(data: Data) throws -> Tensor {
        try parseArray([UInt8](data))
    }

    /// Writes `tensor` as a `.npy` file at `url`, atomically.
    ///
    /// ```swift
    /// try NumPyFile.writeArray(Tensor.arange(10), to: URL(fileURLWithPath: "range.npy"))
    /// ```
    public static func writeArray(_ tensor: Tensor, to url: URL) throws {
        try AtomicWrite.write(serializeArray(tensor), to: url)
    }

    /// The `.npy` bytes of `tensor`.
    ///
    /// ```swift
    /// NumPyFile.serializeArray(Tensor([1, 2] as [Float])).count  // 64 + 8
    /// ```
    public static func serializeArray(_ tensor: Tensor) -> [UInt8] {
        let shapeText: String
        switch tensor.rank {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(tensor.shape[0]),)"
        default: shapeText = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dictionary = "{'descr': '\(NumPyDescriptor(tensor.dtype).text)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Magic (6) + version (2) + length (2 or 4) + header + newline is padded to a multiple of 64.
        var lengthBytes = 2
        var padded = dictionary.utf8.count + 1
        padded += (64 - (10 + padded) % 64) % 64
        if padded > Int(UInt16.max) {
            lengthBytes = 4
            padded = dictionary.utf8.count + 1
            padded += (64 - (12 + padded) % 64) % 64
        }
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [lengthBytes == 2 ? 1 : 2, 0]
        withUnsafeBytes(of: UInt32(padded).littleEndian) { bytes.append(contentsOf: $0.prefix(lengthBytes)) }
        bytes += Array(dictionary.utf8)
        bytes += Array(repeating: UInt8(ascii: " "), count: padded - dictionary.utf8.count - 1)
        bytes.append(UInt8(ascii: "\n"))
        tensor.withUnsafeRawBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    // MARK: parsing

    static func parseArray(_ bytes: [UInt8]) throws -> Tensor {
        guard bytes.count >= 10 else {
            throw DataFileError(.truncated, "the file holds \(bytes.count) bytes, fewer than the 10 of a .npy preamble")
        }
        guard bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw DataFileError(.badMagic, "the file does not start with \\x93NUMPY; is it a .npy file (np.save)?")
        }
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default:
            throw DataFileError(.invalidHeader, ".npy format version \(major).\(bytes[7]) is not 1.0, 2.0 or 3.0")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw DataFileError(.truncated, "the file ends inside the header length (byte \(bytes.count))")
        }
        let headerLength = bytes[8..<(8 + lengthBytes)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let headerStart = 8 + lengthBytes
        guard headerLength <= bytes.count - headerStart else {
            throw DataFileError(.truncated, "the header announces \(headerLength) bytes but only \(bytes.count - headerStart) follow; "
                                + "the file is truncated")
        }
        guard let headerText = String(validating: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self) else {
            throw DataFileError(.invalidHeader, "the header (bytes \(headerStart) to \(headerStart + headerLength)) is not text")
        }
        let header = try NumPyHeader(parsing: headerText)
        let dataStart = headerStart + headerLength
        var count = 1
        for dimension in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw DataFileError(.sizeOverflow, "shape \(header.shape) holds more elements than can be addressed; the header is corrupt")
            }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.descriptor.byteSize)
        let available = bytes.count - dataStart
        guard !overflow else {
            throw DataFileError(.sizeOverflow, "shape \(header.shape) of \(header.descriptor.text) needs more bytes than can be addressed")
        }
        guard byteCount <= available else {
            throw DataFileError(.truncated, "shape \(header.shape) of \(header.descriptor.text) needs \(byteCount) bytes of data but "
                                + "\(available) follow the header (byte \(dataStart)); the file is truncated")
        }
        guard byteCount == available else {
            throw DataFileError(.invalidHeader, "shape \(header.shape) of \(header.descriptor.text) needs \(byteCount) bytes but "
                                + "\(available - byteCount) more follow; the header is wrong or the file is damaged")
        }
        // Fortran order stores the transpose's row-major layout: read reversed, then permute back.
        let storedShape = header.fortranOrder ? Array(header.shape.reversed()) : header.shape
        var tensor = Tensor.zeros(storedShape, dtype: header.descriptor.dtype)
        bytes.withUnsafeBytes { all in
            decodeElements(UnsafeRawBufferPointer(rebasing: all[dataStart...]), descriptor: header.descriptor, into: &tensor)
        }
        if header.fortranOrder && header.shape.count > 1 {
            tensor = tensor.permuted(Array((0..<header.shape.count).reversed())).contiguous()
        }
        return tensor
    }

    private static func decodeElements(_ data: UnsafeRawBufferPointer, descriptor: NumPyDescriptor, into tensor: inout Tensor) {
        func copy<T: TensorScalar & FixedWidthInteger>(_ type: T.Type) {
            tensor.withUnsafeMutableBufferPointer(as: T.self) { out in
                for index in out.indices {
                    let raw = data.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self)
                    out[index] = descriptor.bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
                }
            }
        }
        switch descriptor.dtype {
        case .uint8: copy(UInt8.self)
        case .int8: copy(Int8.self)
        case .int32: copy(Int32.self)
        case .int64: copy(Int64.self)
        case .bool:
            tensor.withUnsafeMutableBufferPointer(as: Bool.self) { out in
                for index in out.indices { out[index] = data[index] != 0 }
            }
        case .float32:
            tensor.withUnsafeMutableBufferPointer(as: Float.self) { out in
                for index in out.indices {
                    let raw = data.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
                    out[index] = Float(bitPattern: descriptor.bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw))
                }
            }
        case .float64:
            tensor.withUnsafeMutableBufferPointer(as: Double.self) { out in
                for index in out.indices {
                    let raw = data.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
                    out[index] = Double(bitPattern: descriptor.bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw))
                }
            }
        }
    }
}

/// A NumPy `descr` string Flint reads: byte order, kind and size (`<f4`, `|u1`, `>i8`).
struct NumPyDescriptor {
    let dtype: DType
    let bigEndian: Bool

    var byteSize: Int { dtype.byteSize }

    /// How Flint writes it (little-endian; `|` for one-byte types).
    var text: String {
        switch dtype {
        case .float32: return "<f4"
        case .float64: return "<f8"
        case .int32: return "<i4"
        case .int64: return "<i8"
        case .bool: return "|b1"
        case .int8: return "|i1"
        case .uint8: return "|u1"
        }
    }

    init(_ dtype: DType) {
        self.dtype = dtype
        self.bigEndian = false
    }

    init(parsing text: String) throws {
        let characters = Array(text)
        guard characters.count >= 3, "<>=|".contains(characters[0]) else {
            throw DataFileError(.unsupportedType, "descr '\(text)' is not a simple NumPy type like '<f4'; structured arrays are not read")
        }
        bigEndian = characters[0] == ">"
        switch String(characters[1...]) {
        case "f4": dtype = .float32
        case "f8": dtype = .float64
        case "i4": dtype = .int32
        case "i8": dtype = .int64
        case "b1": dtype = .bool
        case "u1": dtype = .uint8
        case "i1": dtype = .int8
        default:
            throw DataFileError(.unsupportedType, "descr '\(text)' is not one Flint reads (f4, f8, i4, i8, b1, u1, i1); "
                                + "convert the array in NumPy first, e.g. a.astype(np.float32)")
        }
    }
}
