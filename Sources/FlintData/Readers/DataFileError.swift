/// A data file (gzip, CSV, IDX, NPY, NPZ, text) that cannot be read or written, with what is wrong,
/// where (file, line and column, record or byte offset) and what to do.
///
/// ``kind`` says which rule was broken (for code that reacts to it); ``description`` says it in words.
///
/// ```swift
/// do {
///     _ = try CSVReader.read(URL(fileURLWithPath: "data.csv"))
/// } catch let error as DataFileError {
///     print(error)  // "data.csv: line 3, column 2: missing value; pass fillValue: to fill it"
/// }
/// ```
public struct DataFileError: Error, CustomStringConvertible, Equatable {
    /// The rule a file broke.
    ///
    /// ```swift
    /// if error.kind == .missingValue { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// The file could not be opened or read.
        case unreadableFile
        /// The file could not be written.
        case unwritableFile
        /// A gzip or deflate stream that is corrupt or ends early.
        case corruptCompression
        /// The decompressed data would exceed the size limit the caller gave.
        case tooLarge
        /// The file ends before the data its header announces.
        case truncated
        /// The first bytes are not the format's magic number.
        case badMagic
        /// A header that does not follow the format (NPY dictionary, IDX dimensions, zip records).
        case invalidHeader
        /// An element type the format allows but Flint does not read (or an unknown one).
        case unsupportedType
        /// Declared dimensions whose product overflows or exceeds the limit.
        case sizeOverflow
        /// A CSV field that is empty or a missing-value marker, with no fill value given.
        case missingValue
        /// A CSV field in a numeric column that is not a number.
        case nonNumericValue
        /// A CSV record whose field count differs from the header's, or a malformed quoted field.
        case malformedRecord
        /// A column asked for by name or index that the file does not have.
        case unknownColumn
        /// Text that is not valid UTF-8.
        case invalidText
        /// A zip entry whose CRC-32 does not match its data.
        case checksumMismatch
        /// A dataset name or file that is not available.
        case unavailable
    }

    /// Which rule was broken.
    public let kind: Kind
    /// What is wrong and where inside the file.
    public let message: String
    /// The file, when the error concerns one.
    public let path: String?

    /// An error of `kind` with `message` (and the file it concerns).
    ///
    /// ```swift
    /// throw DataFileError(.badMagic, "magic number 0x00000000 is not an IDX magic", path: "labels.idx")
    /// ```
    public init(_ kind: Kind, _ message: String, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    /// The message, prefixed with the file when known.
    ///
    /// ```swift
    /// do { _ = try BundledDatasets.load(name: "fashion-mnist") } catch let error as DataFileError { print(error.description) }
    /// ```
    public var description: String { path.map { "\($0): \(message)" } ?? message }

    /// The same error, about `path` (kept when already set).
    func at(_ path: String) -> DataFileError { self.path == nil ? DataFileError(kind, message, path: path) : self }
}

/// Runs `body`, attaching `path` to any ``DataFileError`` it throws that names no file yet.
func attachingPath<Result>(_ path: String, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as DataFileError {
        throw error.at(path)
    }
}
