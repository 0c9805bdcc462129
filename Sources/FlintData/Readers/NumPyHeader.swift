/// The header of a `.npy` file: a Python dictionary literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, parsed without evaluating anything.
struct NumPyHeader {
    let descriptor: NumPyDescriptor
    let fortranOrder: Bool
    let shape: [Int]

    /// The values a header may hold.
    private enum Value {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
    }

    init(parsing text: String) throws {
        var scanner = Scanner(characters: Array(text))
        var values: [String: Value] = [:]
        try scanner.expect("{")
        while true {
            scanner.skipSpaces()
            if scanner.consume("}") { break }
            let key = try scanner.string()
            try scanner.expect(":")
            scanner.skipSpaces()
            let value: Value
            if scanner.peek == "'" || scanner.peek == "\"" {
                value = .string(try scanner.string())
            } else if scanner.peek == "(" {
                value = .tuple(try scanner.tuple())
            } else if scanner.peek == "[" {
                throw DataFileError(.unsupportedType, "'\(key)' is a list: structured arrays (record dtypes) are not read; "
                                    + "save each field as its own array")
            } else if scanner.consumeWord("True") {
                value = .boolean(true)
            } else if scanner.consumeWord("False") {
                value = .boolean(false)
            } else {
                throw scanner.failure("a string, True, False or a tuple of integers for key '\(key)'")
            }
            guard values.updateValue(value, forKey: key) == nil else {
                throw DataFileError(.invalidHeader, "the header names '\(key)' twice: \(text)")
            }
            scanner.skipSpaces()
            if scanner.consume("}") { break }
            try scanner.expect(",")
        }
        guard case .string(let descr)? = values["descr"] else {
            throw DataFileError(.unsupportedType, "the header has no simple 'descr' string (structured arrays are not read): \(text)")
        }
        guard case .boolean(let fortran)? = values["fortran_order"] else {
            throw DataFileError(.invalidHeader, "the header has no 'fortran_order': True/False: \(text)")
        }
        guard case .tuple(let shape)? = values["shape"] else {
            throw DataFileError(.invalidHeader, "the header has no 'shape' tuple of integers: \(text)")
        }
        descriptor = try NumPyDescriptor(parsing: descr)
        fortranOrder = fortran
        self.shape = shape
    }

    /// A cursor over the header's characters.
    private struct Scanner {
        let characters: [Character]
        var position = 0

        var peek: Character? { position < characters.count ? characters[position] : nil }

        mutating func skipSpaces() {
            while let character = peek, character.isWhitespace { position += 1 }
        }

        mutating func consume(_ character: Character) -> Bool {
            skipSpaces()
            guard peek == character else { return false }
            position += 1
            return true
        }

        mutating func consumeWord(_ word: String) -> Bool {
            let letters = Array(word)
            guard position + letters.count <= characters.count, Array(characters[position..<(position + letters.count)]) == letters else {
                return false
            }
            position += letters.count
            return true
        }

        mutating func expect(_ character: Character) throws {
            guard consume(character) else { throw failure("'\(character)'") }
        }

        func failure(_ expected: String) -> DataFileError {
            let found = peek.map { "'\($0)'" } ?? "the end"
            return DataFileError(.invalidHeader, "the header is not a NumPy dictionary: expected \(expected) at character \(position + 1), "
                                 + "found \(found): \(String(characters))")
        }

        /// A quoted string without escapes (NumPy headers never need any).
        mutating func string() throws -> String {
            skipSpaces()
            guard let quote = peek, quote == "'" || quote == "\"" else { throw failure("a quoted string") }
            position += 1
            let start = position
            while let character = peek, character != quote {
                guard character != "\\" else { throw failure("a string without escapes") }
                position += 1
            }
            guard peek == quote else { throw failure("the closing quote") }
            position += 1
            return String(characters[start..<(position - 1)])
        }

        /// `()`, `(3,)` or `(2, 3)`: non-negative integers (an old `L` suffix is accepted).
        mutating func tuple() throws -> [Int] {
            try expect("(")
            var items: [Int] = []
            while true {
                if consume(")") { return items }
                skipSpaces()
                let start = position
                while let character = peek, character.isASCII, character.isNumber { position += 1 }
                guard position > start, position - start <= 18, let value = Int(String(characters[start..<position])) else {
                    throw failure("a non-negative dimension size")
                }
                _ = consume("L")
                items.append(value)
                if consume(")") { return items }
                try expect(",")
            }
        }
    }
}
