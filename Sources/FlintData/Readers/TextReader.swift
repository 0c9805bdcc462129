import Foundation

/// Reads plain UTF-8 text files (gzipped or not): the whole text, its lines, or the entries of a
/// `fortune` file (entries separated by lines holding only `%`, as in Debian's `fortunes` package).
///
/// ```swift
/// let lines = try TextReader.lines(URL(fileURLWithPath: "names.txt"))
/// let fortunes = try TextReader.fortunes(URL(fileURLWithPath: "/usr/share/games/fortunes/computers"))
/// ```
public enum TextReader {
    /// The text of the file at `url`; bytes that are not UTF-8 are an error naming the byte offset.
    ///
    /// ```swift
    /// let text = try TextReader.text(URL(fileURLWithPath: "README.md"))
    /// ```
    public static func text(_ url: URL, maximumSize: Int = Gzip.defaultMaximumSize) throws -> String {
        let bytes = try Gzip.readBytes(url, maximumSize: maximumSize)
        return try attachingPath(url.path) { try decode(bytes) }
    }

    /// The lines of the file at `url`, without their `\n` or `\r\n`; a final line break does not
    /// add an empty line. With `skipEmpty`, blank lines are left out.
    ///
    /// ```swift
    /// let words = try TextReader.lines(URL(fileURLWithPath: "words.txt"), skipEmpty: true)
    /// ```
    public static func lines(_ url: URL, skipEmpty: Bool = false, maximumSize: Int = Gzip.defaultMaximumSize) throws -> [String] {
        splitLines(try text(url, maximumSize: maximumSize), skipEmpty: skipEmpty)
    }

    /// The entries of a fortune file: the text between lines that hold only `%`, each without its
    /// final line break; empty entries are left out.
    ///
    /// ```swift
    /// let entries = try TextReader.fortunes(URL(fileURLWithPath: "/usr/share/games/fortunes/science"))
    /// ```
    public static func fortunes(_ url: URL, maximumSize: Int = Gzip.defaultMaximumSize) throws -> [String] {
        fortuneEntries(in: try text(url, maximumSize: maximumSize))
    }

    /// The lines of `text` (see ``lines(_:skipEmpty:maximumSize:)``).
    ///
    /// ```swift
    /// TextReader.splitLines("a\r\nb\n")  // ["a", "b"]
    /// ```
    public static func splitLines(_ text: String, skipEmpty: Bool = false) -> [String] {
        // "\r\n" is one Character in Swift, so both separators are named.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return skipEmpty ? lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } : lines
    }

    /// The entries of fortune-format `text` (see ``fortunes(_:maximumSize:)``).
    ///
    /// ```swift
    /// TextReader.fortuneEntries(in: "one\n%\ntwo\nlines\n%\n")  // ["one", "two\nlines"]
    /// ```
    public static func fortuneEntries(in text: String) -> [String] {
        var entries: [String] = []
        var current: [String] = []
        func finish() {
            let entry = current.joined(separator: "\n")
            if !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { entries.append(entry) }
            current.removeAll()
        }
        for line in splitLines(text) {
            if line == "%" { finish() } else { current.append(line) }
        }
        finish()
        return entries
    }

    /// `bytes` as UTF-8 text, or an error at the first invalid byte.
    static func decode(_ bytes: [UInt8]) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return String(decoding: bytes, as: UTF8.self)
            case .error:
                throw DataFileError(.invalidText, "the bytes near offset \(offset) are not valid UTF-8; convert the file first "
                                    + "(e.g. iconv -f latin1 -t utf-8)")
            }
        }
    }
}
