import Flint
import FlintServe
import FlintTrain
import Foundation
import Testing

@Suite("FlintServe endpoints")
struct EndpointTests {
    @Test func repositoryLoadsRunsAndVersionsAndSkipsTheBrokenFolder() {
        let repository = ServeFixtures.repository
        #expect(repository.models.keys.sorted() == ["digits", "houses", "iris"])
        #expect(repository.models["digits"]?.map(\.version) == ["1", "2"])
        #expect(repository.model(named: "digits", version: nil)?.version == "2")
        #expect(repository.skipped.count == 1)
        #expect(repository.skipped.first?.folder.hasSuffix("broken") == true)
        #expect(repository.skipped.first?.reason.contains("config.json") == true)
    }

    @Test func healthServerAndModelMetadata() async throws {
        try await ServeFixtures.withServer { client, _ in
            #expect(try await client.call("/v2/health/live").json["live"] as? Bool == true)
            #expect(try await client.call("/v2/health/ready").json["ready"] as? Bool == true)
            let server = try await client.call("/v2").json
            #expect(server["name"] as? String == "flint")
            #expect(server["models"] as? [String] == ["digits", "houses", "iris"])
            let digits = try await client.call("/v2/models/digits")
            #expect(digits.status == 200)
            #expect(digits.json["versions"] as? [String] == ["1", "2"])
            let input = (digits.json["inputs"] as? [[String: Any]])?.first
            #expect(input?["name"] as? String == "input")
            #expect(input?["datatype"] as? String == "FP32")
            #expect(input?["shape"] as? [Int] == [-1, 1, 8, 8])
            let outputs = (digits.json["outputs"] as? [[String: Any]]) ?? []
            #expect(outputs.map { $0["name"] as? String } == ["logits", "probabilities", "class_index"])
            #expect(outputs.first?["shape"] as? [Int] == [-1, 10])
            #expect(try await client.call("/v2/models/digits/versions/1").json["name"] as? String == "digits")
            #expect(try await client.call("/v2/models/iris/ready").json["ready"] as? Bool == true)
            #expect(try await client.call("/v2/models/digits/versions/1/ready").status == 200)
            let houses = try await client.call("/v2/models/houses").json
            #expect((houses["outputs"] as? [[String: Any]])?.first?["datatype"] as? String == "FP64")
        }
    }

    @Test func inferenceEqualsFlintPredict() async throws {
        let expected = try ServeFixtures.expected("iris", irisRows)
        try await ServeFixtures.withServer { client, _ in
            let answer = try await client.infer("iris", inferBody(irisRows, id: "request-7"))
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.json["id"] as? String == "request-7")
            #expect(answer.json["model_name"] as? String == "iris")
            #expect(answer.output("class_index")?["data"] as? [Int] == expected.classes)
            #expect(answer.output("probabilities")?["shape"] as? [Int] == [3, 3])
            let probabilities = answer.output("probabilities")?["data"] as? [Double] ?? []
            let flat = expected.probabilities!.flatMap { $0 }
            #expect(probabilities.count == flat.count)
            for (served, predicted) in zip(probabilities, flat) { #expect(abs(served - predicted) < 1e-6) }
            #expect((answer.output("logits")?["data"] as? [Double])?.count == 9)
        }
    }

    @Test func imagesInEitherShapeVersionsAndOutputSelection() async throws {
        let image = (0..<64).map { Double(($0 * 7) % 17) }
        let expected = try ServeFixtures.expected("digits/1", [image])
        try await ServeFixtures.withServer { client, _ in
            let flat = try await client.call("/v2/models/digits/versions/1/infer", .post, body: inferBody([image]))
            #expect(flat.status == 200, "\(flat.text)")
            #expect(flat.json["model_version"] as? String == "1")
            #expect(flat.output("class_index")?["data"] as? [Int] == expected.classes)
            let nested = "[[" + (0..<8).map { row in "[" + (0..<8).map { "\(image[row * 8 + $0])" }.joined(separator: ",") + "]" }
                .joined(separator: ",") + "]]"
            let body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,1,8,8],\"datatype\":\"INT32\",\"data\":\(nested)}],"
                + "\"outputs\":[{\"name\":\"class_index\"}]}"
            let shaped = try await client.call("/v2/models/digits/versions/1/infer", .post, body: body)
            #expect(shaped.status == 200, "\(shaped.text)")
            #expect((shaped.json["outputs"] as? [[String: Any]])?.count == 1)
            #expect(shaped.output("class_index")?["data"] as? [Int] == expected.classes)
            let latest = try await client.infer("digits", inferBody([image]))
            #expect(latest.json["model_version"] as? String == "2")
        }
    }

    @Test func regressionGivesValues() async throws {
        let rows: [[Double]] = [[1, 2, 3], [0.5, -1, 4]]
        let expected = try ServeFixtures.expected("houses", rows)
        try await ServeFixtures.withServer { client, _ in
            let answer = try await client.infer("houses", inferBody(rows))
            #expect(answer.status == 200, "\(answer.text)")
            let values = answer.output("value")?["data"] as? [Double] ?? []
            #expect(values.count == 2)
            for (served, predicted) in zip(values, expected.values!) { #expect(abs(served - predicted) < 1e-4) }
        }
    }

    @Test func metricsCountRequestsLatencyBatchesAndQueue() async throws {
        try await ServeFixtures.withServer { client, _ in
            _ = try await client.infer("iris", inferBody(irisRows))
            _ = try await client.infer("iris", "{")
            let metrics = try await client.call("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("flint_requests_total{model=\"iris\",status=\"200\"} 1"))
            #expect(metrics.text.contains("flint_requests_total{model=\"iris\",status=\"400\"} 1"))
            #expect(metrics.text.contains("flint_request_duration_seconds_count{model=\"iris\"} 2"))
            #expect(metrics.text.contains("flint_batch_size_sum{model=\"iris\"} 3"))
            #expect(metrics.text.contains("flint_queue_depth{model=\"iris\"} 0"))
        }
    }
}
