import ArgumentParser
import Flint
import FlintServe
import Foundation
import Logging

/// `flint serve`: every trained run under a folder behind the Open Inference Protocol (KServe v2) REST API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve trained runs over HTTP with the Open Inference Protocol (KServe v2 REST), dynamic batching and Prometheus metrics.",
        discussion: """
            Every flint train run folder under --models is a model named after its folder; numbered sub-folders \
            (models/digits/1, models/digits/2) are versions, the highest the default. A folder that does not load is \
            logged and skipped. Endpoints: GET /v2/health/live, /v2/health/ready, /v2, /v2/models/{name}[/versions/{v}], \
            /v2/models/{name}[/versions/{v}]/ready, /metrics; POST /v2/models/{name}[/versions/{v}]/infer with one \
            input tensor named "input" (FP32 raw feature rows, shape [n, features] or [n] + the input shape). \
            Concurrent requests to one model are merged into batches of up to --max-batch-size rows, waiting at most \
            --max-batch-delay-ms; a full queue answers 503 with Retry-After. SIGTERM or Ctrl-C finishes the requests \
            in flight, then exits 0. Logs go to standard error.

            Examples:
              flint serve --models runs --port 8000
              flint serve --models runs --host 0.0.0.0 --max-batch-size 64 --max-batch-delay-ms 5
              curl -s localhost:8000/v2/models/iris/infer -d '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
            """
    )

    @Option(name: .long, help: ArgumentHelp("The folder of run folders to serve.", valueName: "dir"))
    var models: String

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port, printed at start).")
    var port = 8000

    @Option(name: .long, help: "The most rows merged into one forward pass.")
    var maxBatchSize = 32

    @Option(name: .long, help: "How long the first request of a batch waits for others, in milliseconds.")
    var maxBatchDelayMs = 2.0

    @Option(name: .long, help: "The most requests waiting per model before 503 with Retry-After.")
    var maxQueue = 256

    @Option(name: .long, help: "The largest request body accepted, in bytes (413 beyond).")
    var maxBodyBytes = 16 << 20

    @Option(name: .long, help: "The time a request may take before 504, in milliseconds.")
    var timeoutMs = 30_000

    @Option(name: .long, help: """
        Threads one forward pass may use (Flint.threadCount). Default 1: under load every core is busy answering \
        requests, and a kernel's idle threads spinning between batches take cycles from them; raise it when one batch \
        takes milliseconds (large models, large batches).
        """)
    var threads = 1

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard maxBatchSize > 0 else { throw ValidationError("--max-batch-size must be positive, got \(maxBatchSize)") }
        guard maxBatchDelayMs >= 0, maxBatchDelayMs.isFinite else { throw ValidationError("--max-batch-delay-ms must be 0 or more") }
        guard maxQueue > 0 else { throw ValidationError("--max-queue must be positive, got \(maxQueue)") }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive, got \(maxBodyBytes)") }
        guard threads > 0 else { throw ValidationError("--threads must be positive, got \(threads)") }
        guard timeoutMs > 0 else { throw ValidationError("--timeout-ms must be positive, got \(timeoutMs)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: models, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("no model folder at \(models); pass --models DIR, a folder of flint train run folders")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(logLevel)'")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        Flint.threadCount = threads
        let batch = BatchSettings(maxBatchSize: maxBatchSize, maxBatchDelay: .microseconds(Int64(maxBatchDelayMs * 1000)), maxQueue: maxQueue,
                                  timeout: .milliseconds(timeoutMs))
        let configuration = ServerConfiguration(modelsDirectory: URL(fileURLWithPath: models), host: host, port: port, batch: batch,
                                                maxBodyBytes: maxBodyBytes)
        let server: InferenceServer
        do {
            server = try InferenceServer(configuration: configuration, logger: Logger(label: "flint.serve"))
        } catch let error as ServeError {
            throw ValidationError(error.message)
        }
        let names = server.service.repository.models.keys.sorted()
        try await server.run { port in
            let line = "Serving \(names.count) model\(names.count == 1 ? "" : "s") (\(names.joined(separator: ", "))) on http://\(host):\(port)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
