import FlintData
import Foundation
import Testing

@Suite struct TextReaderTests {
    @Test func readsLinesWithEitherLineBreak() throws {
        let url = DataFixtures.url("text/lines.txt")
        #expect(try TextReader.lines(url) == ["alpha", "beta", "", "gamma"])
        #expect(try TextReader.lines(url, skipEmpty: true) == ["alpha", "beta", "gamma"])
        #expect(try TextReader.text(DataFixtures.url("gzip/text.txt.gz")) == "line one\nline two\n")
    }

    @Test func readsFortuneEntries() throws {
        let entries = try TextReader.fortunes(DataFixtures.url("text/sample.fortunes"))
        #expect(entries == ["The first entry, on one line.", "The second entry\nspans two lines.",
                            "Third: a percent sign inside a line, 100% fine."])
        #expect(TextReader.fortuneEntries(in: "a\n%\n\n%\nb") == ["a", "b"])
    }

    @Test func invalidUTF8NamesTheByteOffset() {
        expectDataError(.invalidText, ["offset 13", "invalid-utf8.txt"]) {
            _ = try TextReader.lines(DataFixtures.url("text/invalid-utf8.txt"))
        }
    }
}
