/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum TFRecord files use.
///
/// Table-driven, one byte at a time: event files are small and written a record at a time, so this is
/// nowhere near a bottleneck.
///
/// ```swift
/// CRC32C.checksum(Array("123456789".utf8))  // 0xE3069283
/// ```
public enum CRC32C {
    /// The 256-entry lookup table for the reflected Castagnoli polynomial.
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1
        }
        return value
    }

    /// The CRC-32C of `bytes`, continuing from `initial` (the checksum of the bytes before them, or 0).
    ///
    /// ```swift
    /// let whole = CRC32C.checksum(Array("123456789".utf8))
    /// let split = CRC32C.checksum(Array("6789".utf8), continuing: CRC32C.checksum(Array("12345".utf8)))
    /// // whole == split
    /// ```
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, continuing initial: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        var crc = ~initial
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
            }
        }
        return ~crc
    }

    /// The masked CRC-32C TFRecord stores: the checksum rotated right by 15 bits plus 0xA282EAD8, so that a
    /// checksum of data that itself holds checksums is not trivially predictable.
    ///
    /// ```swift
    /// let stored = CRC32C.masked(Array(data))
    /// ```
    public static func masked<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        mask(checksum(bytes))
    }

    /// Masks an unmasked CRC-32C the way TFRecord does.
    ///
    /// ```swift
    /// CRC32C.mask(0)  // 0xA282EAD8
    /// ```
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// TFRecord framing, the container of TensorBoard event files: each record is its length (UInt64,
/// little-endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
///
/// ```swift
/// let bytes = TFRecord.frame(Array("payload".utf8))  // 8 + 4 + 7 + 4 bytes
/// ```
public enum TFRecord {
    /// One record holding `data`, framed with its length and both checksums.
    ///
    /// ```swift
    /// fileBytes += TFRecord.frame(eventBytes)
    /// ```
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        let length = UInt64(data.count)
        var lengthBytes: [UInt8] = []
        for shift in stride(from: 0, to: 64, by: 8) { lengthBytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift))) }
        record += lengthBytes
        appendLittleEndian(CRC32C.masked(lengthBytes), to: &record)
        record += data
        appendLittleEndian(CRC32C.masked(data), to: &record)
        return record
    }

    /// Appends a UInt32 in little-endian byte order.
    static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}

/// A minimal protocol-buffer encoder: just the wire types TensorBoard's `Event` and `Summary` messages need
/// (varint, 64-bit, 32-bit and length-delimited), so FlintIO needs no protobuf package.
///
/// ```swift
/// var message = ProtobufWriter()
/// message.writeDouble(field: 1, 1_700_000_000.5)   // Event.wall_time
/// message.writeVarint(field: 2, 10)                // Event.step
/// let bytes = message.bytes
/// ```
public struct ProtobufWriter: Sendable {
    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty message.
    ///
    /// ```swift
    /// var message = ProtobufWriter()
    /// ```
    public init() {}

    /// Appends a base-128 varint (no field key).
    mutating func appendVarint(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: remaining) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    /// Appends a field key: the field number and the wire type (0 varint, 1 64-bit, 2 length-delimited, 5 32-bit).
    mutating func appendKey(field: Int, wireType: UInt64) {
        precondition(field > 0 && field < 1 << 29, "ProtobufWriter: field number \(field) is outside 1..<2^29")
        appendVarint(UInt64(field) << 3 | wireType)
    }

    /// Writes an integer field (`int32`, `int64`, `uint64`, `bool` as 0/1); negative values take 10 bytes,
    /// as protobuf's `int64` encoding requires.
    ///
    /// ```swift
    /// message.writeVarint(field: 2, step)
    /// ```
    public mutating func writeVarint(field: Int, _ value: Int) {
        appendKey(field: field, wireType: 0)
        appendVarint(UInt64(bitPattern: Int64(value)))
    }

    /// Writes a `double` field (wire type 1, little-endian IEEE 754 binary64).
    ///
    /// ```swift
    /// message.writeDouble(field: 1, wallTime)
    /// ```
    public mutating func writeDouble(field: Int, _ value: Double) {
        appendKey(field: field, wireType: 1)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// Writes a `float` field (wire type 5, little-endian IEEE 754 binary32).
    ///
    /// ```swift
    /// message.writeFloat(field: 2, Float(loss))  // Summary.Value.simple_value
    /// ```
    public mutating func writeFloat(field: Int, _ value: Float) {
        appendKey(field: field, wireType: 5)
        TFRecord.appendLittleEndian(value.bitPattern, to: &bytes)
    }

    /// Writes a `bytes` or embedded-message field (wire type 2: length, then the bytes).
    ///
    /// ```swift
    /// message.writeBytes(field: 5, summary.bytes)  // Event.summary
    /// ```
    public mutating func writeBytes(field: Int, _ value: [UInt8]) {
        appendKey(field: field, wireType: 2)
        appendVarint(UInt64(value.count))
        bytes += value
    }

    /// Writes a `string` field as UTF-8.
    ///
    /// ```swift
    /// message.writeString(field: 3, "brain.Event:2")  // Event.file_version
    /// ```
    public mutating func writeString(field: Int, _ value: String) {
        writeBytes(field: field, Array(value.utf8))
    }
}
