import Foundation

/// One field of a CSV record: a byte range of the file (inside the quotes for a quoted field).
struct CSVField {
    var start: Int
    var end: Int
    /// Whether the field holds doubled quotes `""` that stand for one `"`.
    var hasEscapedQuotes: Bool
}

/// Splits CSV bytes into records and fields, RFC 4180 style: fields separated by one delimiter byte
/// (or, in whitespace mode, by runs of spaces and tabs), records by `\n`, `\r\n` or `\r`; a field in
/// double quotes may hold delimiters, line breaks and doubled quotes. Blank lines are skipped. Line
/// numbers are 1-based and count every line break, inside quoted fields too.
struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let delimiter: UInt8?
    private(set) var position = 0
    private(set) var line = 1

    private static let quote = UInt8(ascii: "\"")
    private static let newline = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// A scanner over `bytes`; `delimiter` nil means whitespace-separated. A UTF-8 byte-order mark is skipped.
    init(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8?) {
        self.bytes = bytes
        self.delimiter = delimiter
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// Skips `count` physical lines (text before a header, e.g. scikit-learn's count line).
    mutating func skipLines(_ count: Int) {
        var remaining = count
        while remaining > 0, position < bytes.count {
            if bytes[position] == Self.newline || bytes[position] == Self.carriageReturn {
                consumeLineBreak()
                remaining -= 1
            } else {
                position += 1
            }
        }
    }

    /// Reads the next non-blank record's fields into `fields` and returns the line it starts on, or
    /// nil at the end of the data. An unterminated quote or text after a closing quote throws.
    mutating func nextRecord(into fields: inout [CSVField]) throws -> Int? {
        fields.removeAll(keepingCapacity: true)
        // Skip blank lines (and, in whitespace mode, lines of spaces).
        while position < bytes.count {
            let byte = bytes[position]
            if byte == Self.newline || byte == Self.carriageReturn {
                consumeLineBreak()
            } else if delimiter == nil && (byte == Self.space || byte == Self.tab) {
                position += 1
            } else {
                break
            }
        }
        guard position < bytes.count else { return nil }
        let recordLine = line
        if let delimiter {
            while true {
                try fields.append(readField(delimiter: delimiter))
                guard position < bytes.count else { break }
                let byte = bytes[position]
                if byte == delimiter {
                    position += 1
                    continue
                }
                consumeLineBreak()
                break
            }
        } else {
            while true {
                while position < bytes.count, bytes[position] == Self.space || bytes[position] == Self.tab { position += 1 }
                guard position < bytes.count else { break }
                let byte = bytes[position]
                if byte == Self.newline || byte == Self.carriageReturn {
                    consumeLineBreak()
                    break
                }
                try fields.append(readField(delimiter: nil))
            }
        }
        return recordLine
    }

    /// The text of `field`, with doubled quotes undone.
    func text(of field: CSVField) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        let raw = String(decoding: slice, as: UTF8.self)
        return field.hasEscapedQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
    }

    // MARK: private

    private mutating func consumeLineBreak() {
        guard position < bytes.count else { return }
        if bytes[position] == Self.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Self.newline {
            position += 2
        } else {
            position += 1
        }
        line += 1
    }

    private func isFieldEnd(_ byte: UInt8, delimiter: UInt8?) -> Bool {
        if byte == Self.newline || byte == Self.carriageReturn { return true }
        if let delimiter { return byte == delimiter }
        return byte == Self.space || byte == Self.tab
    }

    private mutating func readField(delimiter: UInt8?) throws -> CSVField {
        guard position < bytes.count, bytes[position] == Self.quote else {
            let start = position
            while position < bytes.count, !isFieldEnd(bytes[position], delimiter: delimiter) { position += 1 }
            return CSVField(start: start, end: position, hasEscapedQuotes: false)
        }
        let openingLine = line
        position += 1
        let start = position
        var escaped = false
        while true {
            guard position < bytes.count else {
                throw DataFileError(.malformedRecord, "line \(openingLine): a quoted field opened here is never closed; "
                                    + "add the closing \" (a \" inside a quoted field is written \"\")")
            }
            let byte = bytes[position]
            if byte == Self.quote {
                if position + 1 < bytes.count, bytes[position + 1] == Self.quote {
                    escaped = true
                    position += 2
                    continue
                }
                break
            }
            if byte == Self.newline || (byte == Self.carriageReturn && !(position + 1 < bytes.count && bytes[position + 1] == Self.newline)) {
                line += 1
            }
            position += 1
        }
        let field = CSVField(start: start, end: position, hasEscapedQuotes: escaped)
        position += 1
        if position < bytes.count, !isFieldEnd(bytes[position], delimiter: delimiter) {
            throw DataFileError(.malformedRecord, "line \(line): text follows the closing quote of a field; "
                                + "quote the whole field and write a \" inside it as \"\"")
        }
        return field
    }
}
