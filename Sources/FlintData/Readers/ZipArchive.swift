import Foundation

/// A minimal zip reader and writer for `.npz` archives: stored (method 0) and deflated (method 8)
/// entries, CRC-32 checked, Zip64 sizes and offsets read (NumPy writes Zip64 local headers).
/// Encrypted entries, other methods and multi-disk archives are refused with a clear error.
enum ZipArchive {
    /// One file of an archive.
    struct Entry {
        let name: String
        let bytes: [UInt8]
    }

    private static let localSignature: UInt32 = 0x0403_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50

    // MARK: reading

    /// Every entry of the archive `bytes`, in central-directory order; inflated sizes together may not
    /// exceed `maximumSize`.
    static func read(_ bytes: [UInt8], maximumSize: Int) throws -> [Entry] {
        let reader = ByteReader(bytes: bytes)
        guard bytes.count >= 22 else {
            throw DataFileError(.truncated, "the file holds \(bytes.count) bytes, fewer than the 22 of an empty zip archive")
        }
        // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
        var endOffset = -1
        var candidate = bytes.count - 22
        while candidate >= max(0, bytes.count - 22 - 65_535) {
            if reader.uint32(candidate) == endSignature { endOffset = candidate; break }
            candidate -= 1
        }
        guard endOffset >= 0 else {
            throw DataFileError(.badMagic, "no zip end-of-central-directory record; the file is not a zip/.npz archive or is truncated")
        }
        var entryCount = Int(reader.uint16(endOffset + 10))
        var directorySize = Int(reader.uint32(endOffset + 12))
        var directoryOffset = Int(reader.uint32(endOffset + 16))
        if reader.uint16(endOffset + 4) != 0 || reader.uint16(endOffset + 6) != 0 {
            throw DataFileError(.invalidHeader, "multi-disk zip archives are not read")
        }
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = endOffset - 20
            guard locator >= 0, reader.uint32(locator) == zip64LocatorSignature else {
                throw DataFileError(.invalidHeader, "the zip end record points to a Zip64 record that is missing")
            }
            let zip64End = try reader.offset(reader.uint64(locator + 8), "Zip64 end record")
            guard zip64End <= bytes.count - 56, reader.uint32(zip64End) == zip64EndSignature else {
                throw DataFileError(.invalidHeader, "the Zip64 end record at byte \(zip64End) is missing or damaged")
            }
            entryCount = try reader.offset(reader.uint64(zip64End + 32), "entry count")
            directorySize = try reader.offset(reader.uint64(zip64End + 40), "central directory size")
            directoryOffset = try reader.offset(reader.uint64(zip64End + 48), "central directory offset")
        }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw DataFileError(.truncated, "the central directory (byte \(directoryOffset), \(directorySize) bytes) lies past the end of the "
                                + "\(bytes.count)-byte file; the archive is truncated")
        }
        var entries: [Entry] = []
        var position = directoryOffset
        var total = 0
        for index in 0..<entryCount {
            guard position <= bytes.count - 46, reader.uint32(position) == centralSignature else {
                throw DataFileError(.invalidHeader, "central directory record \(index + 1) of \(entryCount) at byte \(position) is missing or damaged")
            }
            let flags = reader.uint16(position + 8)
            let method = reader.uint16(position + 10)
            let checksum = reader.uint32(position + 16)
            var compressedSize = Int(reader.uint32(position + 20))
            var size = Int(reader.uint32(position + 24))
            let nameLength = Int(reader.uint16(position + 28))
            let extraLength = Int(reader.uint16(position + 30))
            let commentLength = Int(reader.uint16(position + 32))
            var localOffset = Int(reader.uint32(position + 42))
            let recordEnd = position + 46 + nameLength + extraLength + commentLength
            guard recordEnd <= bytes.count else {
                throw DataFileError(.truncated, "central directory record \(index + 1) runs past the end of the file")
            }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            // Zip64 extra field: the 8-byte values of whichever sizes were 0xFFFFFFFF, in this order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let identifier = reader.uint16(extra)
                let length = Int(reader.uint16(extra + 2))
                if identifier == 0x0001 {
                    var field = extra + 4
                    for wanted in [size == 0xFFFF_FFFF, compressedSize == 0xFFFF_FFFF, localOffset == 0xFFFF_FFFF].enumerated()
                    where wanted.element {
                        guard field + 8 <= min(extra + 4 + length, extraEnd) else {
                            throw DataFileError(.invalidHeader, "entry '\(name)': the Zip64 extra field is too short")
                        }
                        let value = try reader.offset(reader.uint64(field), "entry '\(name)' size")
                        switch wanted.offset {
                        case 0: size = value
                        case 1: compressedSize = value
                        default: localOffset = value
                        }
                        field += 8
                    }
                }
                extra += 4 + length
            }
            guard flags & 1 == 0 else {
                throw DataFileError(.unsupportedType, "entry '\(name)' is encrypted; encrypted archives are not read")
            }
            guard method == 0 || method == 8 else {
                throw DataFileError(.unsupportedType, "entry '\(name)' uses compression method \(method); only stored (0) and deflated (8) are read")
            }
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard !overflow, sum <= maximumSize else {
                throw DataFileError(.tooLarge, "the archive's entries inflate to more than \(maximumSize) bytes, the limit given; "
                                    + "raise maximumSize if that is expected")
            }
            total = sum
            guard localOffset <= bytes.count - 30, reader.uint32(localOffset) == localSignature else {
                throw DataFileError(.invalidHeader, "entry '\(name)': the local header at byte \(localOffset) is missing or damaged")
            }
            let dataStart = localOffset + 30 + Int(reader.uint16(localOffset + 26)) + Int(reader.uint16(localOffset + 28))
            guard dataStart <= bytes.count, compressedSize <= bytes.count - dataStart else {
                throw DataFileError(.truncated, "entry '\(name)': its \(compressedSize) bytes at byte \(dataStart) run past the end of the "
                                    + "\(bytes.count)-byte file; the archive is truncated")
            }
            let data: [UInt8]
            if method == 0 {
                guard compressedSize == size else {
                    throw DataFileError(.invalidHeader, "stored entry '\(name)' declares \(compressedSize) stored bytes but size \(size)")
                }
                data = Array(bytes[dataStart..<(dataStart + compressedSize)])
            } else {
                data = try bytes.withUnsafeBytes { raw in
                    do {
                        return try Zlib.inflate(UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + compressedSize)]),
                                                windowBits: -15, maximumSize: size, format: "deflate")
                    } catch let error as DataFileError {
                        throw DataFileError(error.kind == .tooLarge ? .corruptCompression : error.kind,
                                            "entry '\(name)' (data at byte \(dataStart)): \(error.message)")
                    }
                }
                guard data.count == size else {
                    throw DataFileError(.corruptCompression, "entry '\(name)' inflates to \(data.count) bytes, not the \(size) its header declares")
                }
            }
            let actual = data.withUnsafeBytes { Zlib.crc32($0) }
            guard actual == checksum else {
                throw DataFileError(.checksumMismatch, "entry '\(name)': CRC-32 0x\(String(actual, radix: 16)) does not match the recorded "
                                    + "0x\(String(checksum, radix: 16)); the archive is damaged")
            }
            entries.append(Entry(name: name, bytes: data))
            position = recordEnd
        }
        return entries
    }

    // MARK: writing

    /// The archive holding `entries`, each deflated when `compressed`, else stored.
    static func serialize(_ entries: [Entry], compressed: Bool) throws -> [UInt8] {
        var output: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let checksum = entry.bytes.withUnsafeBytes { Zlib.crc32($0) }
            let data = compressed ? try entry.bytes.withUnsafeBytes { try Zlib.deflate($0, windowBits: -15, level: 6) } : entry.bytes
            let name = Array(entry.name.utf8)
            guard data.count < 0xFFFF_FFFF, entry.bytes.count < 0xFFFF_FFFF, output.count < 0xFFFF_FFFF, name.count <= 0xFFFF else {
                throw DataFileError(.unwritableFile, "entry '\(entry.name)' is too large for a zip archive without Zip64 (4 GiB at most)")
            }
            let utf8Flag: UInt16 = entry.name.utf8.allSatisfy { $0 < 0x80 } ? 0 : 0x0800
            var common: [UInt8] = []
            append(UInt16(20), to: &common)                   // version needed: 2.0
            append(utf8Flag, to: &common)                     // flags
            append(UInt16(compressed ? 8 : 0), to: &common)   // method
            append(UInt16(0), to: &common)                    // time 00:00:00
            append(UInt16(0x21), to: &common)                 // date 1980-01-01
            append(checksum, to: &common)
            append(UInt32(data.count), to: &common)
            append(UInt32(entry.bytes.count), to: &common)
            append(UInt16(name.count), to: &common)
            append(UInt16(0), to: &common)                    // extra length
            let localOffset = output.count
            append(localSignature, to: &output)
            output += common + name + data
            append(centralSignature, to: &directory)
            append(UInt16(20), to: &directory)                // version made by
            directory += common
            append(UInt16(0), to: &directory)                 // comment length
            append(UInt16(0), to: &directory)                 // disk
            append(UInt16(0), to: &directory)                 // internal attributes
            append(UInt32(0), to: &directory)                 // external attributes
            append(UInt32(localOffset), to: &directory)
            directory += name
        }
        guard entries.count < 0xFFFF, output.count < 0xFFFF_FFFF else {
            throw DataFileError(.unwritableFile, "\(entries.count) entries, \(output.count) bytes: too large for a zip archive without Zip64")
        }
        let directoryOffset = output.count
        output += directory
        append(endSignature, to: &output)
        append(UInt16(0), to: &output)
        append(UInt16(0), to: &output)
        append(UInt16(entries.count), to: &output)
        append(UInt16(entries.count), to: &output)
        append(UInt32(directory.count), to: &output)
        append(UInt32(directoryOffset), to: &output)
        append(UInt16(0), to: &output)
        return output
    }

    private static func append<Value: FixedWidthInteger>(_ value: Value, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Little-endian reads at offsets the caller has checked.
    private struct ByteReader {
        let bytes: [UInt8]

        func uint16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
        func uint32(_ offset: Int) -> UInt32 { UInt32(uint16(offset)) | UInt32(uint16(offset + 2)) << 16 }
        func uint64(_ offset: Int) -> UInt64 { UInt64(uint32(offset)) | UInt64(uint32(offset + 4)) << 32 }

        func offset(_ value: UInt64, _ what: String) throws -> Int {
            guard value <= UInt64(Int.max / 2) else {
                throw DataFileError(.sizeOverflow, "the Zip64 \(what) \(value) is beyond any real file; the archive is damaged")
            }
            return Int(value)
        }
    }
}
