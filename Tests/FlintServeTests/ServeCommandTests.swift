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

@Suite("flint serve command")
struct ServeCommandTests {
    @Test func servesOverHTTPAndDrainsInFlightRequestsOnSIGTERM() async throws {
        let server = try await ServeProcess.start(["--max-batch-delay-ms", "800"])
        let process = server.process, outputText = server.output, errorText = server.errors
        defer { if process.isRunning { process.terminate() } }
        let boundPort = server.port
        #expect(outputText.text.contains("Serving 3 models (digits, houses, iris)"))

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(boundPort)/v2/models/iris/infer")!)
        request.httpMethod = "POST"
        request.httpBody = Data(inferBody([irisRows[0]], id: "in-flight").utf8)
        // The request waits 800 ms for a batch; SIGTERM arrives meanwhile and must not cut it off. SIGTERM is
        // sent only once /metrics shows the request queued: on a loaded machine the client can take longer
        // than the batch delay to connect, and a connection attempted after SIGTERM is rightly refused.
        let metricsURL = URL(string: "http://127.0.0.1:\(boundPort)/metrics")!
        _ = try await URLSession.shared.data(from: metricsURL)
        let inFlight = Task { try await URLSession.shared.data(for: request) }
        var queued = false
        for _ in 0..<400 where !queued {
            let (metrics, _) = try await URLSession.shared.data(from: metricsURL)
            queued = String(decoding: metrics, as: UTF8.self).split(separator: "\n")
                .contains { $0.hasPrefix("flint_queue_depth") && $0.contains("model=\"iris\"") && !$0.hasSuffix(" 0") && !$0.hasSuffix(" 0.0") }
            if !queued { try await Task.sleep(for: .milliseconds(5)) }
        }
        #expect(queued, "the request never showed in flint_queue_depth")
        kill(process.processIdentifier, SIGTERM)
        let (body, response) = try await inFlight.value
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"id\":\"in-flight\""))

        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(errorText.text.contains("model skipped"))
        #expect(errorText.text.contains("broken"))
    }
}
