import FlintServe
import Foundation
import Testing

@Suite("FlintServe bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let uri: String
        let body: String
        let status: Int
        let error: String
        var testDescription: String { label }
    }

    static let irisInfer = "/v2/models/iris/infer"
    static func input(shape: String = "[1,4]", datatype: String = "FP32", data: String = "[5.1,3.5,1.4,0.2]", name: String = "input") -> String {
        "{\"inputs\":[{\"name\":\"\(name)\",\"shape\":\(shape),\"datatype\":\"\(datatype)\",\"data\":\(data)}]}"
    }

    static let cases: [Case] = [
        Case(label: "malformed JSON", uri: irisInfer, body: "{\"inputs\": [", status: 400, error: "not valid JSON"),
        Case(label: "empty body", uri: irisInfer, body: "", status: 400, error: "not valid JSON"),
        Case(label: "not an object", uri: irisInfer, body: "[1,2]", status: 400, error: "must be a JSON object"),
        Case(label: "no inputs", uri: irisInfer, body: "{\"id\":\"x\"}", status: 400, error: "needs 'inputs'"),
        Case(label: "id not a string", uri: irisInfer, body: "{\"id\":5,\"inputs\":[]}", status: 400, error: "'id' must be a string"),
        Case(label: "no input tensors", uri: irisInfer, body: "{\"inputs\":[]}", status: 400, error: "exactly one input"),
        Case(label: "wrong input name", uri: irisInfer, body: input(name: "x"), status: 400, error: "named 'x'"),
        Case(label: "unknown datatype", uri: irisInfer, body: input(datatype: "FP16"), status: 400, error: "datatype 'FP16'"),
        Case(label: "BOOL for a numeric model", uri: irisInfer, body: input(datatype: "BOOL", data: "[true,false,true,false]"),
             status: 400, error: "got BOOL"),
        Case(label: "booleans in FP32 data", uri: irisInfer, body: input(data: "[true,1,2,3]"), status: 400, error: "send numbers"),
        Case(label: "fraction in INT32 data", uri: irisInfer, body: input(datatype: "INT32", data: "[1.5,1,2,3]"), status: 400,
             error: "not a whole number"),
        Case(label: "string in data", uri: irisInfer, body: input(data: "[\"a\",1,2,3]"), status: 400, error: "is a string"),
        Case(label: "too few elements", uri: irisInfer, body: input(data: "[1,2,3]"), status: 400, error: "has 3 elements"),
        Case(label: "too many elements", uri: irisInfer, body: input(data: "[1,2,3,4,5]"), status: 400, error: "has 5 elements"),
        Case(label: "wrong shape", uri: irisInfer, body: input(shape: "[2,2]"), status: 400, error: "has shape [n, 4]"),
        Case(label: "negative shape", uri: irisInfer, body: input(shape: "[-1,4]"), status: 400, error: "whole non-negative"),
        Case(label: "empty batch", uri: irisInfer, body: input(shape: "[0,4]", data: "[]"), status: 400, error: "has shape [n, 4]"),
        Case(label: "missing data", uri: irisInfer, body: "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\"}]}",
             status: 400, error: "needs 'data'"),
        Case(label: "NaN", uri: irisInfer, body: input(data: "[5.1,NaN,1.4,0.2]"), status: 400, error: "must be a finite number"),
        Case(label: "infinity", uri: irisInfer, body: input(data: "[5.1,Infinity,1.4,0.2]"), status: 400, error: "must be a finite number"),
        Case(label: "unknown output", uri: irisInfer, body: "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\","
             + "\"data\":[1,2,3,4]}],\"outputs\":[{\"name\":\"value\"}]}", status: 400, error: "has no output 'value'"),
        Case(label: "unknown model", uri: "/v2/models/irs/infer", body: input(), status: 404, error: "unknown model 'irs'"),
        Case(label: "unknown version", uri: "/v2/models/iris/versions/9/infer", body: input(), status: 404, error: "no version '9'"),
        Case(label: "unknown endpoint", uri: "/v2/models/iris/explain", body: input(), status: 404, error: "no endpoint"),
    ]

    @Test(arguments: cases)
    func answersFourHundredsSayingWhatWasWrong(_ testCase: Case) async throws {
        try await ServeFixtures.withServer { client, _ in
            let answer = try await client.call(testCase.uri, .post, body: testCase.body)
            #expect(answer.status == testCase.status, "\(answer.text)")
            #expect(answer.error.contains(testCase.error), "\(answer.error)")
            #expect(answer.headers[.contentType] == "application/json")
        }
    }

    @Test func unknownModelMetadataAndReadiness() async throws {
        try await ServeFixtures.withServer { client, _ in
            let metadata = try await client.call("/v2/models/nope")
            #expect(metadata.status == 404)
            #expect(metadata.error == "unknown model 'nope'; this server has digits, houses, iris")
            let ready = try await client.call("/v2/models/digits/versions/3/ready")
            #expect(ready.status == 404)
            #expect(ready.error == "model 'digits' has no version '3'; its versions are 1, 2")
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await ServeFixtures.withServer(maxBodyBytes: 200) { client, _ in
            let rows = Array(repeating: [5.1, 3.5, 1.4, 0.2], count: 20)
            let answer = try await client.infer("iris", inferBody(rows))
            #expect(answer.status == 413)
            #expect(answer.error.contains("larger than 200 bytes"))
            #expect(try await client.infer("iris", inferBody([irisRows[0]])).status == 200)
        }
    }
}
