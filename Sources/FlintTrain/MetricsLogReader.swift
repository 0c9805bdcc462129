import Foundation

/// A metrics log that cannot be read, with the file, line and column and what to do.
///
/// ```swift
/// catch let error as MetricsLogError { print(error) }  // "metrics.csv:3:2: 'abc' is not a number"
/// ```
public struct MetricsLogError: Error, CustomStringConvertible, Equatable {
    /// The file (or the name given for text), line and column (1-based) and what is wrong.
    public let description: String

    /// An error with the given message.
    ///
    /// ```swift
    /// throw MetricsLogError("metrics.csv:1:1: the first column must be 'epoch'")
    /// ```
    public init(_ description: String) { self.description = description }
}

extension MetricsLog {
    /// Reads a log written by ``writeCSV(to:)`` (to continue it when a run resumes).
    ///
    /// Throws ``MetricsLogError`` naming the line and column of the first problem.
    ///
    /// ```swift
    /// var log = try MetricsLog(contentsOfCSV: runFolder.appendingPathComponent("metrics.csv"))
    /// ```
    public init(contentsOfCSV url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw MetricsLogError("\(url.path): cannot be read (\(error.localizedDescription)); check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MetricsLogError("\(url.path): is not UTF-8 text; is it a metrics CSV file?")
        }
        try self.init(csv: text, source: url.path)
    }

    /// Parses CSV text in the format ``csv()`` writes: a header `epoch,<keys…>`, then one row per epoch with
    /// an integer epoch, increasing, and numbers, `nan`, `inf`, `-inf` or empty cells.
    ///
    /// ```swift
    /// let log = try MetricsLog(csv: "epoch,loss\n1,0.5\n2,0.25\n", source: "inline")
    /// ```
    public init(csv text: String, source: String) throws {
        self.init()
        var records = try Self.parseRecords(text, source: source)
        guard !records.isEmpty else { throw MetricsLogError("\(source): is empty; expected a header line starting with 'epoch'") }
        let header = records.removeFirst()
        guard header.fields.first == "epoch" else {
            throw MetricsLogError("\(source):1:1: the first column is '\(header.fields.first ?? "")', expected 'epoch'")
        }
        let names = Array(header.fields.dropFirst())
        for (index, name) in names.enumerated() where name.isEmpty || names[..<index].contains(name) || name == "epoch" {
            throw MetricsLogError("\(source):1:\(index + 2): column name '\(name)' is empty or repeated; each metric needs one column")
        }
        for record in records {
            guard record.fields.count == names.count + 1 else {
                throw MetricsLogError("\(source):\(record.line): \(record.fields.count) fields, the header has \(names.count + 1)")
            }
            guard let epoch = Int(record.fields[0]) else {
                throw MetricsLogError("\(source):\(record.line):1: epoch '\(record.fields[0])' is not an integer")
            }
            if let last = entries.last, epoch <= last.epoch {
                throw MetricsLogError("\(source):\(record.line):1: epoch \(epoch) follows epoch \(last.epoch); epochs must increase")
            }
            var values: [(String, Double)] = []
            for (index, field) in record.fields.dropFirst().enumerated() where !field.isEmpty {
                guard let value = Self.parseNumber(field) else {
                    throw MetricsLogError("\(source):\(record.line):\(index + 2): '\(field)' in column '\(names[index])' is not a number")
                }
                values.append((names[index], value))
            }
            append(epoch: epoch, values)
        }
        // Columns keep the header's order even when early epochs lack some metrics.
        keys = names
    }

    /// A number as the log writes it (also accepting `NaN`, `Infinity` spellings other writers use).
    static func parseNumber(_ field: String) -> Double? {
        switch field.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default:
            guard let value = Double(field), value.isFinite else { return nil }
            return value
        }
    }

    /// Splits CSV text into records of fields (RFC 4180 quoting), remembering each record's line number.
    static func parseRecords(_ text: String, source: String) throws -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, fieldWasQuoted = false
        var characters = Array(text.unicodeScalars)[...]
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !fieldWasQuoted) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            fieldWasQuoted = false
        }
        while let scalar = characters.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        characters.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty:
                inQuotes = true
                fieldWasQuoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r" where characters.first == "\n":
                continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes { throw MetricsLogError("\(source):\(recordLine): a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
