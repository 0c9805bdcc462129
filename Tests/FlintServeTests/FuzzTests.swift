import Flint
import FlintServe
import FlintTestSupport
import Foundation
import Testing

@Suite("FlintServe fuzzing")
struct FuzzTests {
    /// Deterministic byte-level and token-level mutations of a good body.
    static func mutate(_ body: [UInt8], generator: inout SplitMix64) -> [UInt8] {
        var bytes = body
        let tokens: [String] = ["NaN", "-1", "1e999", "null", "true", "\"", "[", "]", "{", "}", ",", ":", "\"shape\"", "\"data\"",
                                "\"FP64\"", "\"BOOL\"", "[[[[", "0.5", "99999999999"]
        for _ in 0..<Int(generator.next() % 4 + 1) {
            let position = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 5 {
            case 0 where !bytes.isEmpty: bytes.remove(at: position)
            case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
            case 2 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            case 3: bytes.insert(contentsOf: Array(tokens[Int(generator.next() % UInt64(tokens.count))].utf8), at: position)
            default: bytes = Array(bytes.prefix(position))
            }
        }
        return bytes
    }

    @Test func thousandsOfMutatedBodiesNeverBreakTheServer() async throws {
        let good = inferBody([irisRows[0], irisRows[1]], id: "good")
        let expected = try ServeFixtures.expected("iris", [irisRows[0]])
        // Over a real loopback connection, so the HTTP layer sees every mutated body too.
        try await ServeFixtures.withServer(testing: .live) { client, _ in
            var generator = SplitMix64(state: 2024)
            var counts: [Int: Int] = [:]
            for _ in 0..<3000 {
                let body = String(decoding: Self.mutate(Array(good.utf8), generator: &generator), as: UTF8.self)
                let answer = try await client.infer("iris", body)
                counts[answer.status, default: 0] += 1
                if answer.status != 200 {
                    #expect(answer.status == 400, "\(body) -> \(answer.status) \(answer.text)")
                    #expect(!answer.error.isEmpty, "\(body) -> \(answer.text)")
                }
            }
            print("fuzz: \(counts.values.reduce(0, +)) mutated bodies answered, by status: \(counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))")
            #expect(counts[400, default: 0] > 1000)
            let after = try await client.infer("iris", inferBody([irisRows[0]], id: "after"))
            #expect(after.status == 200)
            #expect(after.json["id"] as? String == "after")
            #expect(after.output("class_index")?["data"] as? [Int] == expected.classes)
            #expect(try await client.call("/v2/health/live").status == 200)
        }
    }
}
