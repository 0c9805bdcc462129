import Flint
import FlintData
import Foundation
import Testing

@Suite struct CSVReaderTests {
    static let simpleOptions = CSVOptions(categoricalColumns: ["species", 3])

    @Test func readsHeaderQuotesAndTypes() throws {
        for file in ["csv/simple.csv", "csv/simple.csv.gz"] {
            let table = try CSVReader.read(DataFixtures.url(file), options: Self.simpleOptions)
            #expect(table.columnNames == ["sepal_length", "sepal_width", "species", "note, with comma"])
            #expect(table.rowCount == 3)
            #expect(table.columns[0] == .numeric([5.1, 4.9, 6.2]))
            #expect(table.columns[1] == .numeric([3.5, 3.0, -0.29]))
            #expect(table.column(named: "species") == .categorical(["setosa", "versicolor", "virginica"]))
            #expect(table.columns[3] == .categorical(["said \"hi\"", "two\nlines", "plain"]))
            #expect(table.numericTensor(columns: ["sepal_width"]).scalars(as: Double.self) == [3.5, 3.0, -0.29])
        }
    }

    @Test func selectsColumnsByNameAndIndex() throws {
        var options = Self.simpleOptions
        options.columns = ["species", 0]
        let table = try CSVReader.read(DataFixtures.url("csv/simple.csv"), options: options)
        #expect(table.columnNames == ["species", "sepal_length"])
        let (codes, categories) = table.categoryCodes(column: "species")
        #expect(categories == ["setosa", "versicolor", "virginica"])
        #expect(codes.scalars(as: Int64.self) == [0, 1, 2])
        options.columns = ["petal_length"]
        expectDataError(.unknownColumn, ["no column 'petal_length'", "'sepal_width'"]) {
            _ = try CSVReader.read(DataFixtures.url("csv/simple.csv"), options: options)
        }
        options.columns = [7]
        expectDataError(.unknownColumn, ["column 8", "4 columns"]) { _ = try CSVReader.read(DataFixtures.url("csv/simple.csv"), options: options) }
    }

    @Test func missingValueNamesFileLineAndColumn() throws {
        let url = DataFixtures.url("csv/missing.csv")
        expectDataError(.missingValue, ["missing.csv", "line 3, column 2", "'b'", "fillValue"]) { _ = try CSVReader.read(url) }
        let filled = try CSVReader.read(url, options: CSVOptions(fillValue: -1))
        #expect(filled.columns[1] == .numeric([2, -1, 8]))
        expectDataError(.missingValue, ["line 2, column 1", "'NA'"]) { _ = try CSVReader.read(text: "a,b\nNA,1\n") }
        #expect(try CSVReader.read(text: "a,b\nNA,1\n", options: CSVOptions(fillValue: 0)).columns[0] == .numeric([0]))
    }

    @Test func nonNumericValueNamesFileLineAndColumn() throws {
        let url = DataFixtures.url("csv/nonnumeric.csv")
        expectDataError(.nonNumericValue, ["nonnumeric.csv", "line 4, column 3", "'abc' is not a number"]) { _ = try CSVReader.read(url) }
        expectDataError(.nonNumericValue, ["line 4, column 3"]) { _ = try CSVReader.read(url, options: CSVOptions(fillValue: 0)) }
        let asText = try CSVReader.read(url, options: CSVOptions(categoricalColumns: ["c"]))
        #expect(asText.columns[2] == .categorical(["3", "6", "abc"]))
        expectDataError(.nonNumericValue, ["'0x10'"]) { _ = try CSVReader.read(text: "a\n0x10\n") }
        expectDataError(.nonNumericValue, ["'1.5e'"]) { _ = try CSVReader.read(text: "a\n1.5e\n") }
    }

    @Test func lineNumbersCountBreaksInsideQuotes() {
        expectDataError(.missingValue, ["line 4, column 2"]) {
            _ = try CSVReader.read(text: "a,b\n\"x\ny\",1\n,\n", options: CSVOptions(categoricalColumns: ["a"]))
        }
    }

    @Test func readsNumbersAsStrtodDoes() throws {
        let table = try CSVReader.read(text: "a\n 3.5 \n1e5\n-.25\n+7\ninf\n-inf\nnan\n123456789012345678\n", options: CSVOptions(missingMarkers: []))
        guard case .numeric(let values) = table.columns[0] else { Issue.record("not numeric"); return }
        #expect(Array(values.prefix(6)) == [3.5, 1e5, -0.25, 7, .infinity, -.infinity])
        #expect(values[6].isNaN && values[7] == 123456789012345680)
    }

    @Test func lineEndingsDelimitersAndNoHeader() throws {
        let crlf = try CSVReader.read(DataFixtures.url("csv/crlf.csv"))
        #expect(crlf.columns == [.numeric([1, 3]), .numeric([2, 4])])
        let spaced = try CSVReader.read(DataFixtures.url("csv/whitespace.txt"), options: CSVOptions(hasHeader: false, delimiter: .whitespace))
        #expect(spaced.columnNames == ["0", "1", "2", "3"])
        #expect(spaced.numericTensor().rows(as: Double.self) == [[59, 2, 32.1, 101], [48, 1, 21.6, 87], [72, 2, 30.5, 93]])
        let semicolons = try CSVReader.read(text: "1;2\n3;4", options: CSVOptions(hasHeader: false, delimiter: .semicolon, skipLines: 1))
        #expect(semicolons.rowCount == 1 && semicolons.columns == [.numeric([3]), .numeric([4])])
        #expect(try CSVReader.read(text: "").rowCount == 0)
    }

    @Test func malformedRecordsAreErrors() {
        expectDataError(.malformedRecord, ["unterminated.csv", "line 2", "never closed"]) {
            _ = try CSVReader.read(DataFixtures.url("csv/unterminated.csv"))
        }
        expectDataError(.malformedRecord, ["ragged.csv", "line 3", "2 fields", "has 3"]) { _ = try CSVReader.read(DataFixtures.url("csv/ragged.csv")) }
        expectDataError(.malformedRecord, ["line 2", "closing quote"]) { _ = try CSVReader.read(text: "a,b\n\"x\"y,1\n") }
    }
}
