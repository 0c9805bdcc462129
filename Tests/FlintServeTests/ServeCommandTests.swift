import FlintServe
import FlintTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Collects a pipe's output as it arrives.
final class PipeText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    init(_ pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            self?.lock.withLock { self?.data.append(chunk) }
        }
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// `flint serve` running as a child process over the fixture repository on a free port.
struct ServeProcess {
    let process: Process
    let port: Int
    let output: PipeText
    let errors: PipeText

    /// Starts `flint serve --models <fixtures> --port 0 <arguments>` and waits for the port it prints.
    static func start(_ arguments: [String] = []) async throws -> ServeProcess {
        let process = Process()
        process.executableURL = FlintCommandLine.executable(near: URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]))
        process.arguments = ["serve", "--models", ServeFixtures.directory.path, "--port", "0"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let outputText = PipeText(output), errorText = PipeText(errors)
        try process.run()
        for _ in 0..<300 {
            if let line = outputText.text.split(separator: "\n").first(where: { $0.hasPrefix("Serving") }),
               let port = line.split(separator: ":").last.flatMap({ Int($0) }) {
                return ServeProcess(process: process, port: port, output: outputText, errors: errorText)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ServeError(0, "flint serve printed no port: \(outputText.text) \(errorText.text)")
    }
}

/// The outcome of a callback-based URLSession request, read from the test.
final class Completion: @unchecked Sendable {
    private let lock = NSLock()
    private var outcome: (Data?, URLResponse?, Error?)?

    func finish(_ data: Data?, _ response: URLResponse?, _ error: Error?) { lock.withLock { outcome = (data, response, error) } }
    var isFinished: Bool { lock.withLock { outcome != nil } }

    /// The body and response, or the error (a timeout when it never finished).
    func result() throws -> (Data, URLResponse?) {
        guard let outcome = lock.withLock({ outcome }) else { throw ServeError(0, "the in-flight request never finished") }
        if let error = outcome.2 { throw error }
        return (outcome.0 ?? Data(), outcome.1)
    }
}

@Suite("flint serve command")
struct ServeCommandTests {
    /// Settings out of range stop `flint serve` before it binds a port, with one line naming the option.
    @Test func badSettingsAreRefusedWithTheOptionNamed() throws {
        let bundle = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        let cases: [([String], String)] = [(["--threads", "0"], "--threads must be positive, got 0"),
                                           (["--max-batch-size", "0"], "--max-batch-size must be positive, got 0"),
                                           (["--timeout-ms=-5"], "--timeout-ms must be positive, got -5")]
        for (arguments, message) in cases {
            let result = try FlintCommandLine.run(["serve", "--models", ServeFixtures.directory.path, "--port", "0"] + arguments, near: bundle)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.error.contains(message), "\(arguments): \(result.error)")
        }
    }

    @Test func servesOverHTTPAndDrainsInFlightRequestsOnSIGTERM() async throws {
        let server = try await ServeProcess.start(["--max-batch-delay-ms", "3000"])
        let process = server.process, outputText = server.output, errorText = server.errors
        defer { if process.isRunning { process.terminate() } }
        let boundPort = server.port
        #expect(outputText.text.contains("Serving 3 models (digits, houses, iris)"))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(boundPort)/v2/models/iris/infer")!)
        request.httpMethod = "POST"
        request.httpBody = Data(inferBody([irisRows[0]], id: "in-flight").utf8)
        // The request waits 3 s for a batch; SIGTERM arrives meanwhile and must not cut it off. SIGTERM is
        // sent only once /metrics shows the request queued: on a loaded machine the client can take longer
        // than the batch delay to connect, and a connection attempted after SIGTERM is rightly refused.
        let metricsURL = URL(string: "http://127.0.0.1:\(boundPort)/metrics")!
        _ = try await URLSession.shared.data(from: metricsURL)
        // Started by URLSession's own threads, not a Swift task: with every suite running at once the
        // cooperative pool can be busy for seconds.
        let inFlight = Completion()
        URLSession.shared.dataTask(with: request) { data, response, error in inFlight.finish(data, response, error) }.resume()
        var queued = false
        for _ in 0..<2000 where !queued && !inFlight.isFinished {
            let (metrics, _) = try await URLSession.shared.data(from: metricsURL)
            queued = String(decoding: metrics, as: UTF8.self).split(separator: "\n")
                .contains { $0.hasPrefix("flint_queue_depth") && $0.contains("model=\"iris\"") && !$0.hasSuffix(" 0") && !$0.hasSuffix(" 0.0") }
            if !queued { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(queued, "the request never showed in flint_queue_depth")
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<3000 where !inFlight.isFinished { try await Task.sleep(for: .milliseconds(10)) }
        let (body, response) = try inFlight.result()
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"id\":\"in-flight\""))

        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(errorText.text.contains("model skipped"))
        #expect(errorText.text.contains("broken"))
    }
}
