import Foundation

/// Reads CSV files (`.csv`, or `.csv.gz` inflated transparently) into a ``CSVTable``: optional
/// header, comma/other/whitespace delimiters, column selection by name or 0-based index, numeric or
/// categorical columns, RFC 4180 quoting.
///
/// A missing numeric field (empty, or one of ``CSVOptions/missingMarkers``) is a ``DataFileError``
/// naming the file, the 1-based line and column, unless ``CSVOptions/fillValue`` is set; a
/// non-numeric one always is. A record with a different number of fields than the header is an error
/// too. Numbers are read as `strtod` does (`1e-3`, `.5`, `-2`), plus `inf`, `-inf` and `nan`.
///
/// ```swift
/// let table = try CSVReader.read(URL(fileURLWithPath: "iris.csv"),
///                                options: CSVOptions(categoricalColumns: ["species"]))
/// let features = table.numericTensor(columns: ["sepal_length", "sepal_width", "petal_length", "petal_width"])
/// ```
public enum CSVReader {
    /// Reads the CSV file at `url` (gzipped when it starts with the gzip magic number).
    ///
    /// ```swift
    /// let table = try CSVReader.read(URL(fileURLWithPath: "data.csv.gz"), options: CSVOptions(fillValue: 0))
    /// ```
    public static func read(_ url: URL, options: CSVOptions = CSVOptions()) throws -> CSVTable {
        var bytes = try Gzip.readBytes(url, maximumSize: options.maximumSize)
        return try attachingPath(url.path) { try parse(&bytes, options: options) }
    }

    /// Reads CSV text.
    ///
    /// ```swift
    /// let table = try CSVReader.read(text: "x,y\n1,2\n3,4\n")
    /// ```
    public static func read(text: String, options: CSVOptions = CSVOptions()) throws -> CSVTable {
        var bytes = Array(text.utf8)
        return try parse(&bytes, options: options)
    }

    static func parse(_ bytes: inout [UInt8], options: CSVOptions) throws -> CSVTable {
        // A terminating zero lets strtod stop at the end of the last field.
        bytes.append(0)
        defer { bytes.removeLast() }
        return try bytes.withUnsafeBufferPointer { all in
            let delimiter: UInt8?
            switch options.delimiter {
            case .character(let byte): delimiter = byte
            case .whitespace: delimiter = nil
            }
            var scanner = CSVScanner(bytes: UnsafeBufferPointer(rebasing: all.dropLast()), delimiter: delimiter)
            scanner.skipLines(options.skipLines)
            var fields: [CSVField] = []
            var names: [String]
            var pendingLine: Int? = nil
            guard let firstLine = try scanner.nextRecord(into: &fields) else {
                return CSVTable(columnNames: [], columns: [], rowCount: 0)
            }
            let fieldCount = fields.count
            if options.hasHeader {
                names = fields.map { scanner.text(of: $0).trimmingCharacters(in: .whitespaces) }
            } else {
                names = (0..<fieldCount).map(String.init)
                pendingLine = firstLine
            }
            let selected = try resolve(options.columns ?? (0..<fieldCount).map(CSVColumn.index), names: names, hasHeader: options.hasHeader)
            let categorical = Set(try resolve(options.categoricalColumns, names: names, hasHeader: options.hasHeader))
            var numericValues = selected.map { _ in [Double]() }
            var textValues = selected.map { _ in [String]() }
            var rowCount = 0
            let missingMarkers = Set(options.missingMarkers.map { Array($0.utf8) })
            while true {
                let line: Int
                if let pending = pendingLine {
                    line = pending
                    pendingLine = nil
                } else if let next = try scanner.nextRecord(into: &fields) {
                    line = next
                } else {
                    break
                }
                guard fields.count == fieldCount else {
                    throw DataFileError(.malformedRecord, "line \(line): \(fields.count) fields where the \(options.hasHeader ? "header" : "first record") "
                                        + "has \(fieldCount); check for a stray delimiter or a missing quote")
                }
                for (position, column) in selected.enumerated() {
                    let field = fields[column]
                    if categorical.contains(column) {
                        textValues[position].append(scanner.text(of: field))
                        continue
                    }
                    if let value = parseNumber(all, field) {
                        numericValues[position].append(value)
                        continue
                    }
                    let text = scanner.text(of: field).trimmingCharacters(in: .whitespaces)
                    let where_ = "line \(line), column \(column + 1) ('\(names[column])')"
                    if text.isEmpty || missingMarkers.contains(Array(text.utf8)) {
                        guard let fill = options.fillValue else {
                            let shown = text.isEmpty ? "an empty field" : "'\(text)'"
                            throw DataFileError(.missingValue, "\(where_): missing value (\(shown)); fix the file, or pass a fillValue "
                                                + "in CSVOptions to fill missing values")
                        }
                        numericValues[position].append(fill)
                    } else if text.lowercased() == "nan" {
                        numericValues[position].append(.nan)
                    } else {
                        throw DataFileError(.nonNumericValue, "\(where_): '\(text.prefix(40))' is not a number; fix the file, or read "
                                            + "the column as text with CSVOptions.categoricalColumns")
                    }
                }
                rowCount += 1
            }
            let columns = selected.enumerated().map { position, column in
                categorical.contains(column) ? CSVTable.Column.categorical(textValues[position]) : .numeric(numericValues[position])
            }
            return CSVTable(columnNames: selected.map { names[$0] }, columns: columns, rowCount: rowCount)
        }
    }

    /// The 0-based positions of `columns` among `names`.
    private static func resolve(_ columns: [CSVColumn], names: [String], hasHeader: Bool) throws -> [Int] {
        try columns.map { column in
            switch column {
            case .index(let index):
                guard names.indices.contains(index) else {
                    throw DataFileError(.unknownColumn, "\(column) (index \(index)) is out of range: the file has \(names.count) columns, "
                                        + "indices 0 to \(names.count - 1)")
                }
                return index
            case .name(let name):
                guard let index = names.firstIndex(of: name) else {
                    let known = hasHeader ? "the header names \(names.prefix(20).map { "'\($0)'" }.joined(separator: ", "))"
                                          : "the file has no header (hasHeader is false); select columns by index"
                    throw DataFileError(.unknownColumn, "no \(column): \(known)")
                }
                return index
            }
        }
    }

    /// The number a field holds, or nil when it holds anything but one number (spaces around allowed).
    private static func parseNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ field: CSVField) -> Double? {
        var start = field.start
        var end = field.end
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard start < end, !field.hasEscapedQuotes else { return nil }
        // Fast path: an integer of at most 15 digits is exact in a Double.
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative || bytes[index] == UInt8(ascii: "+") { index += 1 }
        if index < end, end - index <= 15 {
            var value = 0
            var digits = index
            while digits < end, bytes[digits] &- 48 < 10 {
                value = value * 10 + Int(bytes[digits] &- 48)
                digits += 1
            }
            if digits == end { return Double(negative ? -value : value) }
        }
        // Only characters of a decimal number reach strtod (no hex, no leading spaces, no "nan" text).
        for position in start..<end {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                 UInt8(ascii: "+"), UInt8(ascii: "-"):
                continue
            default:
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).lowercased()
                switch text {
                case "inf", "+inf", "infinity", "+infinity": return .infinity
                case "-inf", "-infinity": return -.infinity
                default: return nil
                }
            }
        }
        let base = UnsafeMutablePointer(mutating: bytes.baseAddress!)
        var parsedEnd: UnsafeMutablePointer<CChar>? = nil
        var consumed = 0
        let value = (base + start).withMemoryRebound(to: CChar.self, capacity: end - start + 1) { pointer -> Double in
            let value = strtod(pointer, &parsedEnd)
            if let parsedEnd { consumed = pointer.distance(to: parsedEnd) }
            return value
        }
        return consumed == end - start ? value : nil
    }
}
