import Flint

/// What separates the fields of a CSV file.
///
/// ```swift
/// var options = CSVOptions()
/// options.delimiter = .whitespace  // scikit-learn's diabetes files
/// ```
public enum CSVDelimiter: Sendable, Equatable {
    /// One ASCII byte, such as `,`, `;` or a tab.
    case character(UInt8)
    /// Runs of spaces and tabs; leading and trailing spaces are ignored.
    case whitespace

    /// A comma, the default.
    ///
    /// ```swift
    /// CSVOptions(delimiter: .comma)
    /// ```
    public static let comma = CSVDelimiter.character(UInt8(ascii: ","))
    /// A semicolon.
    ///
    /// ```swift
    /// CSVOptions(delimiter: .semicolon)
    /// ```
    public static let semicolon = CSVDelimiter.character(UInt8(ascii: ";"))
    /// A tab.
    ///
    /// ```swift
    /// CSVOptions(delimiter: .tab)
    /// ```
    public static let tab = CSVDelimiter.character(UInt8(ascii: "\t"))
}

/// A column of a CSV file, by header name or by 0-based position.
///
/// ```swift
/// let columns: [CSVColumn] = ["sepal_length", 4, .name("species"), .index(0)]
/// ```
public enum CSVColumn: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The column whose header is this name (needs a header).
    case name(String)
    /// The column at this 0-based position (error messages count columns from 1).
    case index(Int)

    /// A column by name.
    ///
    /// ```swift
    /// let column: CSVColumn = "label"
    /// ```
    public init(stringLiteral value: String) { self = .name(value) }

    /// A column by 0-based position.
    ///
    /// ```swift
    /// let column: CSVColumn = 3
    /// ```
    public init(integerLiteral value: Int) { self = .index(value) }

    /// `'label'` or `#4` (1-based), for messages.
    ///
    /// ```swift
    /// CSVColumn.index(3).description  // "column 4"
    /// ```
    public var description: String {
        switch self {
        case .name(let name): return "column '\(name)'"
        case .index(let index): return "column \(index + 1)"
        }
    }
}

/// How a column's fields are read.
///
/// ```swift
/// options.categoricalColumns = ["species"]
/// ```
public enum CSVColumnType: Sendable, Equatable {
    /// Numbers (`Double`); a missing or non-numeric field is an error unless a fill value is given.
    case numeric
    /// Text kept as is (class names, categories).
    case categorical
}

/// How ``CSVReader`` reads a file: header, delimiter, which columns, their types, missing values.
///
/// ```swift
/// let options = CSVOptions(hasHeader: true, columns: ["sepal_length", "species"], categoricalColumns: ["species"])
/// let table = try CSVReader.read(URL(fileURLWithPath: "iris.csv"), options: options)
/// ```
public struct CSVOptions: Sendable {
    /// Whether the first record (after ``skipLines``) names the columns. Without a header, columns
    /// are named "0", "1", … as pandas does.
    public var hasHeader: Bool
    /// What separates fields.
    public var delimiter: CSVDelimiter
    /// The columns to read, in this order; nil reads every column.
    public var columns: [CSVColumn]?
    /// The columns read as text; every other column is numeric.
    public var categoricalColumns: [CSVColumn]
    /// The value that replaces a missing numeric field; nil makes a missing field an error.
    /// Non-numeric text is an error either way (declare the column categorical, or add the text to
    /// ``missingMarkers``).
    public var fillValue: Double?
    /// Field texts that mean "missing" (after trimming spaces), besides the empty field.
    public var missingMarkers: Set<String>
    /// Physical lines skipped before the header or first record.
    public var skipLines: Int
    /// The largest file (inflated, for `.gz`) accepted, in bytes.
    public var maximumSize: Int

    /// Options; the defaults read a comma-separated file with a header, every column numeric, and
    /// make a missing value an error.
    ///
    /// ```swift
    /// let options = CSVOptions(hasHeader: false, delimiter: .whitespace, fillValue: 0)
    /// ```
    public init(hasHeader: Bool = true, delimiter: CSVDelimiter = .comma, columns: [CSVColumn]? = nil,
                categoricalColumns: [CSVColumn] = [], fillValue: Double? = nil,
                missingMarkers: Set<String> = ["NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "?"],
                skipLines: Int = 0, maximumSize: Int = Gzip.defaultMaximumSize) {
        precondition(skipLines >= 0, "CSVOptions: skipLines must be >= 0, got \(skipLines)")
        if case .character(let byte) = delimiter {
            precondition(byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r"),
                         "CSVOptions: the delimiter must be an ASCII character other than a quote or line break, got byte \(byte)")
        }
        self.hasHeader = hasHeader
        self.delimiter = delimiter
        self.columns = columns
        self.categoricalColumns = categoricalColumns
        self.fillValue = fillValue
        self.missingMarkers = missingMarkers
        self.skipLines = skipLines
        self.maximumSize = maximumSize
    }
}

/// The columns a ``CSVReader`` read: names, and numbers or text per column.
///
/// ```swift
/// let table = try CSVReader.read(url)
/// let features = table.numericTensor(columns: ["x1", "x2"])  // float64 [rows, 2]
/// let (codes, classes) = table.categoryCodes(column: "species")
/// ```
public struct CSVTable: Sendable {
    /// The values of one column.
    ///
    /// ```swift
    /// if case .numeric(let values) = table.columns[0] { print(values.count) }
    /// ```
    public enum Column: Sendable, Equatable {
        /// A numeric column.
        case numeric([Double])
        /// A text column.
        case categorical([String])
    }

    /// The names of the columns read (header texts, or "0", "1", … without a header).
    public let columnNames: [String]
    /// The columns, in ``columnNames`` order.
    public let columns: [Column]
    /// The number of records read (after the header).
    public let rowCount: Int

    /// The column called `name`, or nil.
    ///
    /// ```swift
    /// table.column(named: "label")
    /// ```
    public func column(named name: String) -> Column? {
        columnNames.firstIndex(of: name).map { columns[$0] }
    }

    /// The numeric columns `names` (every column when nil) as a float64 tensor `[rowCount, k]`.
    /// Asking for a text column or a name the table lacks is a programmer error.
    ///
    /// ```swift
    /// let features = table.numericTensor(columns: ["sepal_length", "sepal_width"])
    /// ```
    public func numericTensor(columns names: [String]? = nil) -> Tensor {
        let indices = (names ?? columnNames).map { name -> Int in
            guard let index = columnNames.firstIndex(of: name) else {
                preconditionFailure("CSVTable.numericTensor: no column '\(name)' among \(columnNames)")
            }
            return index
        }
        var values = [Double](repeating: 0, count: rowCount * indices.count)
        for (position, index) in indices.enumerated() {
            guard case .numeric(let column) = columns[index] else {
                preconditionFailure("CSVTable.numericTensor: column '\(columnNames[index])' is categorical, not numeric")
            }
            for row in 0..<rowCount { values[row * indices.count + position] = column[row] }
        }
        return Tensor(values, shape: [rowCount, indices.count])
    }

    /// The text column `name` as int64 codes into its sorted distinct values.
    ///
    /// ```swift
    /// let (labels, classes) = table.categoryCodes(column: "species")  // classes: ["setosa", …]
    /// ```
    public func categoryCodes(column name: String) -> (codes: Tensor, categories: [String]) {
        guard let index = columnNames.firstIndex(of: name), case .categorical(let values) = columns[index] else {
            preconditionFailure("CSVTable.categoryCodes: no categorical column '\(name)' among \(columnNames)")
        }
        let categories = Array(Set(values)).sorted()
        let codeOf = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, Int64($0)) })
        return (Tensor(values.map { codeOf[$0]! }, shape: [values.count]), categories)
    }
}
