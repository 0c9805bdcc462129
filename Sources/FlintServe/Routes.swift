import Flint
import FlintIO
import Foundation
import Hummingbird
import Logging

/// The Open Inference Protocol (KServe v2) endpoints over a ``ModelRepository``, one ``Batcher`` per
/// model version. Every handler answers; bad input gets a 4xx with `{"error": "…"}`.
///
/// ```swift
/// let service = InferenceService(repository: repository, settings: BatchSettings(), maxBodyBytes: 8 << 20)
/// let router = Router()
/// service.addRoutes(to: router)
/// ```
public struct InferenceService: Sendable {
    /// The models served.
    public let repository: ModelRepository
    /// The metrics recorded.
    public let metrics: ServerMetrics
    /// The largest request body accepted, in bytes.
    public let maxBodyBytes: Int
    private let batchers: [String: Batcher]
    private let logger: Logger

    /// A service for `repository`, with `settings` for every model's batcher.
    ///
    /// ```swift
    /// let service = InferenceService(repository: repository, settings: BatchSettings(maxBatchSize: 16))
    /// ```
    public init(repository: ModelRepository, settings: BatchSettings, maxBodyBytes: Int = 16 << 20, metrics: ServerMetrics = ServerMetrics(),
                logger: Logger = Logger(label: "flint.serve")) {
        self.repository = repository
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        var batchers: [String: Batcher] = [:]
        for versions in repository.models.values {
            for model in versions {
                batchers[Self.key(model.name, model.version)] = Batcher(model: model, settings: settings, metrics: metrics)
                metrics.setQueueDepth(model: model.name, 0)
            }
        }
        self.batchers = batchers
    }

    private static func key(_ name: String, _ version: String) -> String { name + "\u{0}" + version }

    /// The batcher of `name` at `version` (nil: the highest version).
    ///
    /// ```swift
    /// let batcher = service.batcher(model: "iris", version: nil)
    /// ```
    public func batcher(model name: String, version: String?) -> Batcher? {
        repository.model(named: name, version: version).flatMap { batchers[Self.key($0.name, $0.version)] }
    }

    /// Adds the `/v2…` and `/metrics` routes to `router`.
    ///
    /// ```swift
    /// service.addRoutes(to: router)
    /// ```
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware())
        router.get("/v2/health/live") { _, _ in Self.json(200, "{\"live\":true}") }
        router.get("/v2/health/ready") { _, _ in Self.json(200, "{\"ready\":\(!repository.models.isEmpty)}") }
        router.get("/v2") { _, _ in
            Self.json(200, "{\"name\":\"flint\",\"version\":\"1\",\"extensions\":[],\"models\":"
                      + "[" + repository.models.keys.sorted().map(JSONString.quoted).joined(separator: ",") + "]}")
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("/v2/models/:name") { _, context in modelMetadata(context.parameters.get("name"), nil) }
        router.get("/v2/models/:name/versions/:version") { _, context in
            modelMetadata(context.parameters.get("name"), context.parameters.get("version"))
        }
        router.get("/v2/models/:name/ready") { _, context in modelReady(context.parameters.get("name"), nil) }
        router.get("/v2/models/:name/versions/:version/ready") { _, context in
            modelReady(context.parameters.get("name"), context.parameters.get("version"))
        }
        router.post("/v2/models/:name/infer") { request, context in
            await infer(request, context.parameters.get("name"), nil)
        }
        router.post("/v2/models/:name/versions/:version/infer") { request, context in
            await infer(request, context.parameters.get("name"), context.parameters.get("version"))
        }
    }

    /// The model version, or a 404 naming what exists.
    func find(_ name: String?, _ version: String?) throws -> ServedModel {
        let name = name ?? ""
        guard let versions = repository.models[name] else {
            let known = repository.models.keys.sorted()
            throw ServeError(404, "unknown model '\(name)'; this server has " + (known.isEmpty ? "no models" : known.joined(separator: ", ")))
        }
        guard let model = repository.model(named: name, version: version) else {
            throw ServeError(404, "model '\(name)' has no version '\(version ?? "")'; its versions are "
                             + versions.map(\.version).joined(separator: ", "))
        }
        return model
    }

    private func modelMetadata(_ name: String?, _ version: String?) -> Response {
        do {
            let model = try find(name, version)
            let versions = repository.models[model.name]!.map(\.version)
            let body = "{\"name\":\(JSONString.quoted(model.name)),\"versions\":[\(versions.map(JSONString.quoted).joined(separator: ","))],"
                + "\"platform\":\"flint\",\"inputs\":\(JSONText.metadata([model.input])),\"outputs\":\(JSONText.metadata(model.outputs))}"
            return Self.json(200, body)
        } catch {
            return Self.error(error)
        }
    }

    private func modelReady(_ name: String?, _ version: String?) -> Response {
        do {
            let model = try find(name, version)
            return Self.json(200, "{\"name\":\(JSONString.quoted(model.name)),\"ready\":true}")
        } catch {
            return Self.error(error)
        }
    }

    private func infer(_ request: Request, _ name: String?, _ version: String?) async -> Response {
        let started = ContinuousClock.now
        let label = repository.models[name ?? ""] == nil ? "unknown" : name ?? "unknown"
        let response: Response
        do {
            let model = try find(name, version)
            let body = try await readBody(request)
            let parsed = try InferenceRequest.parse(body)
            let features = try Self.features(for: model, from: parsed)
            guard let batcher = batchers[Self.key(model.name, model.version)] else { throw ServeError(500, "no batcher for \(model.name)") }
            let outputs = try await batcher.submit(features: features)
            response = Self.json(200, try Self.responseBody(model: model, request: parsed, outputs: outputs))
        } catch {
            if let serveError = error as? ServeError, serveError.status >= 500 {
                logger.warning("inference failed", metadata: ["model": "\(label)", "status": "\(serveError.status)", "error": "\(serveError.message)"])
            }
            response = Self.error(error)
        }
        metrics.recordRequest(model: label, status: Int(response.status.code), duration: ContinuousClock.now - started)
        return response
    }

    private func readBody(_ request: Request) async throws -> Data {
        let tooLarge = ServeError(413, "the request body is larger than \(maxBodyBytes) bytes (the --max-body-bytes limit); send fewer rows per request")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes { throw tooLarge }
        var data = Data()
        for try await chunk in request.body {
            guard data.count + chunk.readableBytes <= maxBodyBytes else { throw tooLarge }
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    /// The raw feature rows `[n, featureCount]` (float64) of a request's single input.
    static func features(for model: ServedModel, from request: InferenceRequest) throws -> Tensor {
        let inputShape = model.config.inputShape
        let featureCount = model.config.featureCount
        let expected = "[n, \(featureCount)]" + (inputShape.count > 1 ? " or \([-1] + inputShape)".replacingOccurrences(of: "[-1", with: "[n") : "")
        guard request.inputs.count == 1, let input = request.inputs.first else {
            throw ServeError.badRequest("model '\(model.name)' takes exactly one input tensor named 'input'; the request has \(request.inputs.count)")
        }
        guard input.name == ServedModel.inputName else {
            throw ServeError.badRequest("model '\(model.name)' has one input named 'input'; the request's input is named '\(input.name)'")
        }
        guard input.datatype != .bool else {
            throw ServeError.badRequest("model '\(model.name)' input 'input' takes FP32 (FP64, INT32, INT64 accepted); got BOOL")
        }
        let shape = input.shape
        guard let rows = shape.first, rows > 0,
              shape.count == 2 && shape[1] == featureCount || Array(shape.dropFirst()) == inputShape else {
            throw ServeError.badRequest("model '\(model.name)' input 'input' has shape \(expected); the request's shape is \(shape)")
        }
        if let index = input.values.firstIndex(where: { !$0.isFinite }) {
            throw ServeError.badRequest("input 'input' sample \(index / featureCount), value \(index % featureCount) is \(input.values[index]); "
                                        + "every input value must be a finite number")
        }
        if let requested = request.outputNames {
            let known = model.outputs.map(\.name)
            if let unknown = requested.first(where: { !known.contains($0) }) {
                throw ServeError.badRequest("model '\(model.name)' has no output '\(unknown)'; its outputs are " + known.joined(separator: ", "))
            }
        }
        // The client sends FP32 (or wider) values; rounding through Float keeps results equal to a float32 pipeline.
        let values = input.datatype == .fp32 ? input.values.map { Double(Float($0)) } : input.values
        return Tensor(values, shape: [rows, featureCount])
    }

    /// The response's JSON text, appended into one string reserved up front (building a string per
    /// tensor and per number and joining them was 4% of the server's CPU under load).
    static func responseBody(model: ServedModel, request: InferenceRequest, outputs: ModelOutputs) throws -> String {
        var body = "{\"model_name\":" + JSONString.quoted(model.name) + ",\"model_version\":" + JSONString.quoted(model.version)
        body.reserveCapacity(160 + 40 * outputs.rows * (2 * outputs.columns + 1))
        if let id = request.id { body += ",\"id\":" + JSONString.quoted(id) }
        body += ",\"outputs\":["
        let wanted = request.outputNames.map(Set.init)
        var first = true
        func add(_ name: String, _ datatype: TensorDatatype, _ shape: [Int], _ count: Int, _ element: (Int, inout String) -> Void) {
            guard wanted?.contains(name) ?? true else { return }
            body += first ? "{\"name\":\"" : ",{\"name\":\""
            first = false
            body += name + "\",\"datatype\":\"" + datatype.rawValue + "\",\"shape\":["
            for (index, size) in shape.enumerated() { body += (index == 0 ? "" : ",") + String(size) }
            body += "],\"data\":["
            for index in 0..<count {
                if index > 0 { body += "," }
                element(index, &body)
            }
            body += "]}"
        }
        func float32(_ values: [Double]) -> (Int, inout String) -> Void {
            { index, text in
                let value = Float(values[index])
                text += value.isFinite ? value.description : "null"
            }
        }
        if let logits = outputs.logits, let probabilities = outputs.probabilities, let classes = outputs.classIndices {
            add("logits", .fp32, [outputs.rows, outputs.columns], logits.count, float32(logits))
            add("probabilities", .fp32, [outputs.rows, outputs.columns], probabilities.count, float32(probabilities))
            add("class_index", .int64, [outputs.rows], classes.count) { index, text in text += String(classes[index]) }
        } else if let values = outputs.values {
            add("value", .fp64, [outputs.rows], values.count) { index, text in text += JSONText.number(values[index]) }
        }
        return body + "]}"
    }

    static func json(_ status: Int, _ body: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func error(_ error: any Error) -> Response {
        let serveError = error as? ServeError ?? ServeError(500, "internal error: \(error)")
        var response = json(serveError.status, JSONText.error(serveError.message))
        if let seconds = serveError.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }
}

/// Turns Hummingbird's own errors (no such route, wrong method) into `{"error": "…"}` answers.
///
/// ```swift
/// router.add(middleware: JSONErrorMiddleware())
/// ```
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The middleware.
    ///
    /// ```swift
    /// let middleware = JSONErrorMiddleware<BasicRequestContext>()
    /// ```
    public init() {}

    /// Answers errors thrown below it as JSON.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.status == .notFound
                ? "no endpoint \(request.method) \(request.uri.path); see /v2, /v2/models/{name}, /v2/models/{name}/infer, "
                    + "/v2/health/live, /v2/health/ready, /metrics"
                : "\(request.method) \(request.uri.path): \(error.body ?? error.status.reasonPhrase)"
            return InferenceService.error(ServeError(Int(error.status.code), message))
        }
    }
}
