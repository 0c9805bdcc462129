import Flint
import FlintTrain
import Foundation

/// `flint bench serve`: `flint serve` as a separate process on loopback, loaded by a bounded
/// closed-loop generator (each connection sends its next request when the last one is answered, with
/// HTTP/1.1 keep-alive) for a fixed time: first `GET /v2/health/live` (the HTTP stack's own ceiling),
/// then batch-1 `POST /v2/models/digits-mlp/infer` on the digits MLP recipe (64 → 128 → 10). Reports
/// throughput, p50 and p99 latency and errors of each, and the inference throughput as a share of the
/// ceiling (issue 6 asks for at least 0.5, p99 under 20 ms, no errors).
enum ServeBench {
    /// One measured phase.
    struct Phase {
        let name: String
        let requests: Int
        let errors: Int
        let seconds: Double
        let latencies: [Double]

        var throughput: Double { Double(requests) / seconds }

        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return .nan }
            let sorted = latencies.sorted()
            return sorted[Swift.min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.down)))] * 1000
        }

        func json(extra: [String: Any] = [:]) -> String {
            var object: [String: Any] = [
                "workload": name, "unit": "req/s", "throughput": (throughput * 10).rounded() / 10, "requests": requests, "errors": errors,
                "p50Ms": (percentile(0.5) * 1000).rounded() / 1000, "p99Ms": (percentile(0.99) * 1000).rounded() / 1000,
            ]
            for (key, value) in extra { object[key] = value }
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        }

        var text: String {
            String(format: "%@  %.0f req/s  p50 %.2f ms  p99 %.2f ms  errors %d", name, throughput, percentile(0.5), percentile(0.99), errors)
        }
    }

    /// Runs both phases for `seconds` each over `connections` connections and prints them.
    static func run(seconds: Double, connections: Int, json: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-bench-serve-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try writeDigitsModel(to: folder.appendingPathComponent("digits-mlp"))
        let server = try ServerProcess(models: folder)
        defer { server.stop() }
        let health = "GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        let pixels = (0..<64).map { String(($0 * 7) % 17) }.joined(separator: ",")
        let body = "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,64],\"datatype\":\"FP32\",\"data\":[\(pixels)]}]}"
        let infer = "POST /v2/models/digits-mlp/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let ceiling = LoadGenerator(port: server.port, request: health, connections: connections).run(name: "serve-health-live", seconds: seconds)
        let inference = LoadGenerator(port: server.port, request: infer, connections: connections)
            .run(name: "serve-infer-digits-mlp-b1", seconds: seconds)
        let share = inference.throughput / ceiling.throughput
        if json {
            print(ceiling.json(extra: ["connections": connections]))
            print(inference.json(extra: ["connections": connections, "shareOfCeiling": (share * 1000).rounded() / 1000]))
        } else {
            print(ceiling.text)
            print(inference.text + String(format: "  (%.0f%% of the health ceiling)", share * 100))
        }
    }

    /// The digits MLP recipe with its initial weights (serving cost does not depend on training).
    private static func writeDigitsModel(to folder: URL) throws {
        let config = ModelConfig(recipe: .mlp, inputShape: [64], task: .classification, outputCount: 10,
                                 preprocessing: .pixelScaling(maximum: 16))
        let model = try RandomGenerator.withShared(RandomGenerator(seed: 0)) { try config.buildModel() }
        try RunDirectory(folder).writeRun(model: model, config: config)
    }
}

/// `flint serve` as a child process on an ephemeral port.
private struct ServerProcess {
    let process: Process
    let port: Int

    init(models: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["serve", "--models", models.path, "--port", "0", "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Serving") }),
              let port = line.split(separator: ":").last.flatMap({ Int($0) }) else {
            process.terminate()
            throw ValidationErrorText("flint serve did not start: \(text)")
        }
        self.port = port
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

private struct ValidationErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A closed-loop HTTP/1.1 load generator over blocking sockets, one thread per connection.
private struct LoadGenerator {
    let port: Int
    let request: String
    let connections: Int

    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var latencies: [Double] = []
        var requests = 0
        var errors = 0
        func add(_ latencies: [Double], errors: Int) {
            lock.withLock { self.latencies += latencies; requests += latencies.count; self.errors += errors }
        }
    }

    func run(name: String, seconds: Double) -> ServeBench.Phase {
        let results = Results()
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        let deadline = start + UInt64(seconds * 1e9)
        let bytes = Array(request.utf8)
        for _ in 0..<connections {
            group.enter()
            let thread = Thread { [port] in
                defer { group.leave() }
                var latencies: [Double] = [], errors = 0
                var socket = Self.connect(port)
                var buffer = [UInt8](repeating: 0, count: 65536)
                while DispatchTime.now().uptimeNanoseconds < deadline {
                    guard socket >= 0 else { errors += 1; socket = Self.connect(port); continue }
                    let sent = DispatchTime.now().uptimeNanoseconds
                    if Self.exchange(socket, bytes, &buffer) {
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9)
                    } else {
                        errors += 1
                        close(socket)
                        socket = Self.connect(port)
                    }
                }
                if socket >= 0 { close(socket) }
                results.add(latencies, errors: errors)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return ServeBench.Phase(name: name, requests: results.requests, errors: results.errors, seconds: elapsed, latencies: results.latencies)
    }

    private static func connect(_ port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return -1 }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(descriptor); return -1 }
        return descriptor
    }

    /// Sends one request and reads one whole response; true when it is a 200.
    private static func exchange(_ socket: Int32, _ request: [UInt8], _ buffer: inout [UInt8]) -> Bool {
        var written = 0
        while written < request.count {
            let count = request.withUnsafeBytes { send(socket, $0.baseAddress! + written, request.count - written, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { return false }
            written += count
        }
        var received = 0, headerEnd = -1, contentLength = 0
        while true {
            if received == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, $0.count - received, 0) }
            if count <= 0 { return false }
            received += count
            if headerEnd < 0, let end = headerEndIndex(buffer, received) {
                headerEnd = end
                let header = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
                guard let range = header.range(of: "content-length:") else { return false }
                contentLength = Int(header[range.upperBound...].prefix { $0 != "\r" }.trimmingCharacters(in: .whitespaces)) ?? 0
                guard header.hasPrefix("http/1.1 200") else {
                    _ = drain(socket, &buffer, &received, upTo: end + contentLength)
                    return false
                }
            }
            if headerEnd >= 0 && received >= headerEnd + contentLength { return true }
        }
    }

    private static func drain(_ socket: Int32, _ buffer: inout [UInt8], _ received: inout Int, upTo total: Int) -> Bool {
        while received < total {
            if received == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, $0.count - received, 0) }
            if count <= 0 { return false }
            received += count
        }
        return true
    }

    /// The index just past `\r\n\r\n` within the first `count` bytes.
    private static func headerEndIndex(_ buffer: [UInt8], _ count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for index in 3..<count where buffer[index] == 10 && buffer[index - 1] == 13 && buffer[index - 2] == 10 && buffer[index - 3] == 13 {
            return index + 1
        }
        return nil
    }
}
