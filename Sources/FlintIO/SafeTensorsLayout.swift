/// The checked layout of a safetensors file: every entry validated against the header rules and
/// the real size of the byte buffer, before any tensor is allocated.
struct SafeTensorsLayout {
    /// One tensor's checked description.
    struct Entry {
        let name: String
        let dtype: SafeTensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// The tensors, in header order.
    var entries: [Entry] = []
    /// The `__metadata__` strings.
    var metadata: [String: String] = [:]
    /// Where the byte buffer starts in the file (8 + header length).
    var bufferStart = 0

    /// Validates the whole file in `raw`; throws the first rule it breaks.
    static func parse(_ raw: UnsafeRawBufferPointer) throws(SafeTensorsError) -> SafeTensorsLayout {
        guard raw.count >= 8 else {
            throw SafeTensorsError(.fileTooShort, "the file has \(raw.count) bytes, fewer than the 8 that hold the header length; it is truncated or not a safetensors file")
        }
        var declared: UInt64 = 0
        for index in (0..<8).reversed() { declared = declared << 8 | UInt64(raw[index]) }
        guard declared <= UInt64(SafeTensors.maximumHeaderSize) else {
            throw SafeTensorsError(.headerTooLarge, "the header length is \(declared) bytes, over the \(SafeTensors.maximumHeaderSize)-byte limit; the file is corrupt or not a safetensors file")
        }
        let headerLength = Int(declared)
        guard headerLength <= raw.count - 8 else {
            throw SafeTensorsError(.headerPastEnd, "the header length is \(headerLength) bytes but only \(raw.count - 8) follow it; the file is truncated")
        }
        let header = Array(raw[8..<8 + headerLength])
        try validateUTF8(header)
        let json: HeaderJSON
        do {
            json = try HeaderJSONParser.parse(header)
        } catch {
            throw SafeTensorsError(.invalidJSON, "the header is not valid JSON: \(error.message) at byte \(error.offset) of the header")
        }
        guard case let .object(members) = json else {
            throw SafeTensorsError(.headerNotObject, "the header is \(json.typeName), not an object of tensor entries")
        }
        var layout = SafeTensorsLayout()
        layout.bufferStart = 8 + headerLength
        let bufferSize = raw.count - layout.bufferStart
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else {
                throw SafeTensorsError(.duplicateName, "the name '\(name)' appears twice in the header; each tensor needs a unique name")
            }
            if name == "__metadata__" {
                layout.metadata = try parseMetadata(value)
            } else {
                layout.entries.append(try parseEntry(name, value, bufferSize: bufferSize))
            }
        }
        try checkCoverage(layout.entries, bufferSize: bufferSize)
        return layout
    }

    private static func validateUTF8(_ bytes: [UInt8]) throws(SafeTensorsError) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar): offset += UTF8.width(scalar)
            case .emptyInput: return
            case .error: throw SafeTensorsError(.invalidUTF8, "the header is not valid UTF-8 (near byte \(offset) of the header)")
            }
        }
    }

    private static func parseMetadata(_ value: HeaderJSON) throws(SafeTensorsError) -> [String: String] {
        if value == .null { return [:] }
        guard case let .object(pairs) = value else {
            throw SafeTensorsError(.invalidMetadata, "'__metadata__' is \(value.typeName); it must be an object of strings (or null)")
        }
        var metadata: [String: String] = [:]
        for (key, item) in pairs {
            guard case let .string(text) = item else {
                throw SafeTensorsError(.invalidMetadata, "'__metadata__' entry '\(key)' is \(item.typeName); metadata values must be strings")
            }
            guard metadata.updateValue(text, forKey: key) == nil else {
                throw SafeTensorsError(.duplicateName, "'__metadata__' has the key '\(key)' twice")
            }
        }
        return metadata
    }

    private static func parseEntry(_ name: String, _ value: HeaderJSON, bufferSize: Int) throws(SafeTensorsError) -> Entry {
        guard case let .object(fields) = value else {
            throw SafeTensorsError(.invalidEntry, "tensor '\(name)' is \(value.typeName); it must be an object with dtype, shape and data_offsets")
        }
        var byKey: [String: HeaderJSON] = [:]
        for (key, field) in fields {
            guard byKey.updateValue(field, forKey: key) == nil else {
                throw SafeTensorsError(.duplicateName, "tensor '\(name)' has the field '\(key)' twice")
            }
        }
        func field(_ key: String) throws(SafeTensorsError) -> HeaderJSON {
            guard let field = byKey[key] else { throw SafeTensorsError(.invalidEntry, "tensor '\(name)' has no '\(key)'") }
            return field
        }
        // dtype
        guard case let .string(dtypeName) = try field("dtype") else {
            throw SafeTensorsError(.invalidEntry, "tensor '\(name)': 'dtype' is \(try field("dtype").typeName), not a string")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            let supported = SafeTensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            let known = SafeTensorsDType.unsupported.contains(dtypeName) ? "Flint has no tensor type for '\(dtypeName)'" : "'\(dtypeName)' is not a safetensors dtype"
            throw SafeTensorsError(.unsupportedDType, "tensor '\(name)': \(known); Flint reads \(supported)")
        }
        // shape
        guard case let .array(sizes) = try field("shape") else {
            throw SafeTensorsError(.invalidEntry, "tensor '\(name)': 'shape' is \(try field("shape").typeName), not an array")
        }
        var shape: [Int] = []
        var elementCount = 1
        var nonZeroProduct = 1  // checked too, so a 0-element shape cannot hide sizes whose strides overflow
        for size in sizes {
            guard let dimension = size.nonNegativeInteger else {
                throw SafeTensorsError(.invalidShape, "tensor '\(name)': shape \(describe(sizes)) has \(describe(size)); sizes must be non-negative integers")
            }
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            let (nonZero, nonZeroOverflow) = nonZeroProduct.multipliedReportingOverflow(by: Swift.max(dimension, 1))
            guard !overflow, !nonZeroOverflow else {
                throw SafeTensorsError(.invalidShape, "tensor '\(name)': shape \(describe(sizes)) has more elements than fit in memory")
            }
            shape.append(dimension)
            elementCount = product
            nonZeroProduct = nonZero
        }
        // data_offsets
        guard case let .array(offsets) = try field("data_offsets") else {
            throw SafeTensorsError(.invalidEntry, "tensor '\(name)': 'data_offsets' is \(try field("data_offsets").typeName), not an array")
        }
        guard offsets.count == 2, let begin = offsets[0].nonNegativeInteger, let end = offsets[1].nonNegativeInteger else {
            throw SafeTensorsError(.invalidOffsets, "tensor '\(name)': data_offsets \(describe(offsets)) must be two non-negative integers [begin, end]")
        }
        guard begin <= end else {
            throw SafeTensorsError(.invalidOffsets, "tensor '\(name)': data_offsets [\(begin), \(end)] begin after they end")
        }
        guard end <= bufferSize else {
            throw SafeTensorsError(.invalidOffsets, "tensor '\(name)': data_offsets [\(begin), \(end)] run past the \(bufferSize)-byte buffer; the file is truncated or corrupt")
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, byteCount == end - begin else {
            throw SafeTensorsError(.sizeMismatch, "tensor '\(name)': data_offsets [\(begin), \(end)] hold \(end - begin) bytes but \(dtype.rawValue) \(shape) needs \(overflow ? "more than can be addressed" : String(byteCount))")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The tensors must tile the buffer exactly: no shared bytes, no gaps, nothing after the last.
    private static func checkCoverage(_ entries: [Entry], bufferSize: Int) throws(SafeTensorsError) {
        let ordered = entries.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: String?
        for entry in ordered {
            if entry.begin < covered {
                throw SafeTensorsError(.overlapOrHole, "tensors '\(previous!)' and '\(entry.name)' overlap (bytes \(entry.begin)..<\(covered) of the buffer)")
            }
            if entry.begin > covered {
                let after = previous.map { "after tensor '\($0)'" } ?? "at the start of the buffer"
                throw SafeTensorsError(.overlapOrHole, "bytes \(covered)..<\(entry.begin) of the buffer belong to no tensor (\(after), before '\(entry.name)')")
            }
            covered = entry.end
            if entry.end > entry.begin { previous = entry.name }
        }
        if covered != bufferSize {
            let last = previous.map { " (up to the end of '\($0)')" } ?? ""
            throw SafeTensorsError(.trailingBytes, "the buffer has \(bufferSize) bytes but the tensors cover only \(covered)\(last); the file has trailing bytes or a missing tensor")
        }
    }

    private static func describe(_ value: HeaderJSON) -> String {
        switch value {
        case let .number(text): return text
        case let .string(text): return "\"\(text)\""
        case let .array(items): return describe(items)
        default: return value.typeName
        }
    }

    private static func describe(_ items: [HeaderJSON]) -> String { "[" + items.map(describe).joined(separator: ", ") + "]" }
}
