import Flint
import FlintServe
import FlintTrain
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A model repository written once per test process: iris-shaped MLP classifier, a two-version
/// digits-shaped CNN, an MLP regressor, and a broken folder.
enum ServeFixtures {
    static let directory: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flint-serve-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: root)
        let iris = ModelConfig(recipe: .mlp, inputShape: [4], task: .classification, outputCount: 3,
                               classNames: ["setosa", "versicolor", "virginica"],
                               preprocessing: Preprocessing(featureMean: [5.8, 3.0, 3.7, 1.2], featureScale: [0.8, 0.4, 1.8, 0.8]))
        let digits = ModelConfig(recipe: .cnn, options: RecipeOptions(channels: [4, 8]), inputShape: [1, 8, 8], task: .classification,
                                 outputCount: 10, preprocessing: .pixelScaling(maximum: 16))
        let regressor = ModelConfig(recipe: .mlp, inputShape: [3], task: .regression, outputCount: 1,
                                    preprocessing: Preprocessing(targetMean: 10, targetScale: 2))
        write(iris, seed: 1, to: root.appendingPathComponent("iris"))
        write(digits, seed: 2, to: root.appendingPathComponent("digits/1"))
        write(digits, seed: 3, to: root.appendingPathComponent("digits/2"))
        write(regressor, seed: 4, to: root.appendingPathComponent("houses"))
        let broken = root.appendingPathComponent("broken")
        try! FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        try! Data("{\"recipe\": 7}".utf8).write(to: broken.appendingPathComponent("config.json"))
        return root
    }()

    private static func write(_ config: ModelConfig, seed: UInt64, to folder: URL) {
        let model = try! RandomGenerator.withShared(RandomGenerator(seed: seed)) { try config.buildModel() }
        try! RunDirectory(folder).writeRun(model: model, config: config)
    }

    static let repository = ModelRepository.load(from: directory, logger: Logger(label: "flint.serve.tests"))

    /// What `flint predict` gives for `rows` on `folder`'s run.
    static func expected(_ folder: String, _ rows: [[Double]]) throws -> RunPredictions {
        let (model, config) = try RunDirectory(directory.appendingPathComponent(folder)).loadModel()
        let features = Tensor(rows.flatMap { $0 }, shape: [rows.count, rows[0].count])
        return RunPredictions.predict(model: model, config: config, inputs: try config.modelInputs(features))
    }

    /// Runs `body` against a test server over the fixture repository.
    /// `testing` is `.router` (in-process, the default) or `.live` (a real server on a loopback port).
    static func withServer<Value: Sendable>(_ settings: BatchSettings = BatchSettings(), maxBodyBytes: Int = 1 << 20,
                                            testing: TestingSetup = .router,
                                            _ body: @Sendable (any TestClientProtocol, InferenceService) async throws -> Value) async throws -> Value {
        let service = InferenceService(repository: repository, settings: settings, maxBodyBytes: maxBodyBytes)
        let router = Router()
        service.addRoutes(to: router)
        let application = Application(router: router)
        return try await application.test(testing) { client in try await body(client, service) }
    }
}

/// An HTTP answer read back: the status, headers and the JSON body.
struct Answer: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var error: String { json["error"] as? String ?? "" }

    func output(_ name: String) -> [String: Any]? {
        (json["outputs"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }
}

extension TestClientProtocol {
    func call(_ uri: String, _ method: HTTPRequest.Method = .get, body: String? = nil) async throws -> Answer {
        try await execute(uri: uri, method: method, body: body.map { ByteBuffer(string: $0) }) { response in
            Answer(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }

    func infer(_ model: String, _ body: String) async throws -> Answer {
        try await call("/v2/models/\(model)/infer", .post, body: body)
    }
}

/// An inference body with one FP32 input.
func inferBody(_ rows: [[Double]], shape: [Int]? = nil, id: String? = nil) -> String {
    let shape = shape ?? [rows.count, rows.first?.count ?? 0]
    let data = rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",")
    return "{" + (id.map { "\"id\":\"\($0)\"," } ?? "")
        + "\"inputs\":[{\"name\":\"input\",\"shape\":\(shape),\"datatype\":\"FP32\",\"data\":[\(data)]}]}"
}

let irisRows: [[Double]] = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]
