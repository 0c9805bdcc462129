import Flint
import Foundation

/// Reads and writes the safetensors format (Hugging Face's file format for tensors, what
/// `safetensors.torch.save_file` writes): an 8-byte little-endian header length N, N bytes of JSON
/// (`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, "__metadata__": {…}}`),
/// then the tensors' bytes, little-endian and row-major, with offsets counted from the buffer start.
///
/// Reading is strict: every malformed file (truncated, overlapping tensors, a shape that does not
/// match the bytes, duplicate names, …) throws a ``SafeTensorsError`` naming the problem; nothing is
/// allocated from a declared size before it is checked against the file's real size.
/// F16 and BF16 tensors are read as float32. Flint assumes a little-endian host (x86-64, ARM64).
///
/// ```swift
/// try SafeTensors.write(["weight": Tensor.randn([3, 2])], metadata: ["format": "pt"], to: url)
/// let (tensors, metadata) = try SafeTensors.read(from: url)
/// ```
public enum SafeTensors {
    /// The largest header accepted, in bytes (as the reference implementation: 100 MB).
    ///
    /// ```swift
    /// SafeTensors.maximumHeaderSize  // 100_000_000
    /// ```
    public static let maximumHeaderSize = 100_000_000

    /// Reads every tensor and the `__metadata__` strings of the file at `url`.
    ///
    /// ```swift
    /// let (tensors, metadata) = try SafeTensors.read(from: URL(fileURLWithPath: "model.safetensors"))
    /// ```
    public static func read(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafeTensorsError(.unreadableFile, "cannot read the file (\(error.localizedDescription)); check the path and permissions",
                                   path: url.path)
        }
        do {
            return try read(data: data)
        } catch let error as SafeTensorsError {
            throw error.at(url.path)
        }
    }

    /// Reads every tensor and the `__metadata__` strings of safetensors bytes.
    ///
    /// ```swift
    /// let (tensors, _) = try SafeTensors.read(data: try SafeTensors.serialize(["x": Tensor([1, 2])]))
    /// ```
    public static func read(data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> (tensors: [String: Tensor], metadata: [String: String]) in
            let layout = try SafeTensorsLayout.parse(raw)
            let buffer = UnsafeRawBufferPointer(rebasing: raw[layout.bufferStart...])
            var tensors: [String: Tensor] = [:]
            for entry in layout.entries {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[entry.begin..<entry.end])
                tensors[entry.name] = makeTensor(entry.dtype, shape: entry.shape, bytes: bytes)
            }
            return (tensors, layout.metadata)
        }
    }

    /// Writes `tensors` (in sorted name order, as contiguous copies) and `metadata` to `url`
    /// atomically: the previous file stays whole until the new one is complete.
    ///
    /// ```swift
    /// try SafeTensors.write(model.stateDictionary(), metadata: ["epoch": "3"], to: url)
    /// ```
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data: Data
        do {
            data = try serialize(tensors, metadata: metadata)
        } catch let error as SafeTensorsError {
            throw error.at(url.path)
        }
        try AtomicFile.write(data, to: url)
    }

    /// The safetensors bytes of `tensors` and `metadata`: header padded with spaces to a multiple of
    /// 8 bytes, tensors in sorted name order. Throws for the reserved name `__metadata__`.
    ///
    /// ```swift
    /// let bytes = try SafeTensors.serialize(["bias": Tensor.zeros([4])])
    /// ```
    public static func serialize(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        if tensors["__metadata__"] != nil {
            throw SafeTensorsError(.unwritable, "'__metadata__' is reserved for the metadata map and cannot name a tensor; rename it")
        }
        let names = tensors.keys.sorted()
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(JSONString.quoted($0)):\(JSONString.quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in names {
            let tensor = tensors[name]!
            let size = tensor.count * tensor.dtype.byteSize
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(JSONString.quoted(name)):{\"dtype\":\"\(SafeTensorsDType(tensor.dtype).rawValue)\","
                + "\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for name in names {
            tensors[name]!.withUnsafeRawBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    private static func makeTensor(_ dtype: SafeTensorsDType, shape: [Int], bytes: UnsafeRawBufferPointer) -> Tensor {
        func copied<T: TensorScalar>(_ type: T.Type) -> Tensor {
            var tensor = Tensor.zeros(shape, dtype: T.dtype)
            tensor.withUnsafeMutableBufferPointer(as: T.self) { UnsafeMutableRawBufferPointer($0).copyMemory(from: bytes) }
            return tensor
        }
        func converted(_ decode: (UInt16) -> Float) -> Tensor {
            var tensor = Tensor.zeros(shape, dtype: .float32)
            tensor.withUnsafeMutableBufferPointer(as: Float.self) { values in
                for index in values.indices {
                    values[index] = decode(UInt16(bytes[2 * index]) | UInt16(bytes[2 * index + 1]) << 8)
                }
            }
            return tensor
        }
        switch dtype {
        case .float32: return copied(Float.self)
        case .float64: return copied(Double.self)
        case .int32: return copied(Int32.self)
        case .int64: return copied(Int64.self)
        case .int8: return copied(Int8.self)
        case .uint8: return copied(UInt8.self)
        case .bool:
            // Any non-zero byte is true; a Swift Bool must hold exactly 0 or 1.
            var tensor = Tensor.zeros(shape, dtype: .bool)
            tensor.withUnsafeMutableBufferPointer(as: Bool.self) { values in
                for index in values.indices { values[index] = bytes[index] != 0 }
            }
            return tensor
        case .float16: return converted(HalfPrecision.float16ToFloat)
        case .bfloat16: return converted(HalfPrecision.bfloat16ToFloat)
        }
    }
}

/// The dtype names safetensors files use that Flint reads.
enum SafeTensorsDType: String, CaseIterable {
    case float32 = "F32", float64 = "F64", int32 = "I32", int64 = "I64", bool = "BOOL", int8 = "I8", uint8 = "U8"
    case float16 = "F16", bfloat16 = "BF16"

    /// Names the format defines that Flint has no tensor type for.
    static let unsupported: Set<String> = ["I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2",
                                           "F4", "C64", "F8_E4M3FNUZ", "F8_E5M2FNUZ"]

    /// The safetensors name of a Flint dtype.
    init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .float32
        case .float64: self = .float64
        case .int32: self = .int32
        case .int64: self = .int64
        case .bool: self = .bool
        case .int8: self = .int8
        case .uint8: self = .uint8
        }
    }

    /// Bytes per element in the file.
    var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .bool, .int8, .uint8: return 1
        }
    }
}
