import FlintData
import Foundation
import Testing

@Suite struct GzipTests {
    @Test func readsGzippedAndPlainFiles() throws {
        let inflated = try Gzip.readFile(DataFixtures.url("gzip/text.txt.gz"))
        #expect(String(decoding: inflated, as: UTF8.self) == "line one\nline two\n")
        let plain = try Gzip.readFile(DataFixtures.url("text/lines.txt"))
        #expect(plain == (try Data(contentsOf: DataFixtures.url("text/lines.txt"))))
    }

    @Test func readsConsecutiveMembers() throws {
        let inflated = try Gzip.readFile(DataFixtures.url("gzip/two-members.txt.gz"))
        #expect(String(decoding: inflated, as: UTF8.self) == "first\nsecond\n")
    }

    @Test func compressThenDecompressRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        let original = Data((0..<50_000).map { _ in UInt8.random(in: 0...3, using: &generator) })
        let packed = try Gzip.compress(original)
        #expect(Gzip.isCompressed(packed))
        #expect(try Gzip.decompress(packed, maximumSize: original.count) == original)
        #expect(try Gzip.decompress(try Gzip.compress(Data()), maximumSize: 0) == Data())
    }

    @Test func truncatedStreamIsAnError() throws {
        let whole = try DataFixtures.bytes("gzip/text.txt.gz")
        for cut in [4, whole.count / 2] {
            expectDataError(.truncated, ["ends early", "truncated"]) {
                _ = try Gzip.decompress(Data(whole.dropLast(cut)))
            }
        }
        let url = try DataFixtures.temporaryFile(Array(whole.dropLast(4)), name: "cut.txt.gz")
        expectDataError(.truncated, [url.path]) { _ = try Gzip.readFile(url) }
    }

    @Test func corruptStreamIsAnError() throws {
        let packed = [UInt8](try Gzip.compress(Data(String(repeating: "flint data ", count: 500).utf8)))
        var badMethod = packed
        badMethod[2] = 7
        expectDataError(.corruptCompression, ["corrupt"]) { _ = try Gzip.decompress(Data(badMethod)) }
        var flipped = packed
        for index in 12..<(packed.count - 8) { flipped[index] ^= 0x5A }
        expectDataError(.corruptCompression, ["byte offset"]) { _ = try Gzip.decompress(Data(flipped)) }
        var badChecksum = packed
        badChecksum[packed.count - 6] ^= 0xFF
        expectDataError(.corruptCompression, ["check"]) { _ = try Gzip.decompress(Data(badChecksum)) }
        expectDataError(.corruptCompression, ["not gzip data"]) { _ = try Gzip.decompress(Data(packed + [1, 2, 3])) }
    }

    @Test func outputOverTheLimitIsRefused() throws {
        let packed = try Gzip.compress(Data(count: 100_000))
        expectDataError(.tooLarge, ["1000 bytes"]) { _ = try Gzip.decompress(packed, maximumSize: 1000) }
        expectDataError(.tooLarge) { _ = try Gzip.decompress(packed, maximumSize: 99_999) }
        #expect(try Gzip.decompress(packed, maximumSize: 100_000).count == 100_000)
        expectDataError(.tooLarge, ["over the limit"]) { _ = try Gzip.readFile(DataFixtures.url("csv/simple.csv"), maximumSize: 10) }
    }

    @Test func missingFileIsAnError() {
        expectDataError(.unreadableFile, ["/no/such/file.gz"]) { _ = try Gzip.readFile(URL(fileURLWithPath: "/no/such/file.gz")) }
    }
}
