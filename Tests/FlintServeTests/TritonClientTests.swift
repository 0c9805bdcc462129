import Flint
import FlintTrain
import Foundation
import Testing

/// The repository root, for scripts/ and .venv-test/.
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let testPython = repositoryRoot.appendingPathComponent(".venv-test/bin/python")

/// Whether .venv-test holds tritonclient[http] (made by scripts/install-test-peers.sh, run by `make test`).
private let tritonClientIsInstalled: Bool = {
    guard FileManager.default.isExecutableFile(atPath: testPython.path) else { return false }
    let process = Process()
    process.executableURL = testPython
    process.arguments = ["-c", "import tritonclient.http, numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

@Suite("flint serve with tritonclient")
struct TritonClientTests {
    @Test(.enabled(if: tritonClientIsInstalled, "tritonclient[http] is not installed: run scripts/install-test-peers.sh (needs pip and network)"))
    func tritonClientTalksToFlintServeOnTheDigitsCNN() async throws {
        let images: [[Double]] = (0..<3).map { sample in (0..<64).map { Double(($0 * (sample + 3)) % 17) } }
        let expected = try ServeFixtures.expected("digits/2", images)
        let rowsFile = FileManager.default.temporaryDirectory.appendingPathComponent("flint-triton-rows-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: rowsFile) }
        let data = images.flatMap { $0 }.map { "\($0)" }.joined(separator: ",")
        try Data("{\"shape\": [3, 1, 8, 8], \"data\": [\(data)]}".utf8).write(to: rowsFile)

        let server = try await ServeProcess.start()
        defer { server.process.terminate() }
        let client = Process()
        client.executableURL = testPython
        client.arguments = [repositoryRoot.appendingPathComponent("scripts/check_tritonclient.py").path, "127.0.0.1:\(server.port)", "digits",
                            rowsFile.path]
        let output = Pipe(), errors = Pipe()
        client.standardOutput = output
        client.standardError = errors
        try client.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        client.waitUntilExit()
        #expect(client.terminationStatus == 0, "\(String(decoding: errorData, as: UTF8.self))")
        let result = try #require(try JSONSerialization.jsonObject(with: outputData) as? [String: Any])
        #expect(result["live"] as? Bool == true)
        #expect(result["ready"] as? Bool == true)
        #expect((result["inputs"] as? [[Any]])?.first?.first as? String == "input")
        #expect((result["inputs"] as? [[Any]])?.first?.last as? [Int] == [-1, 1, 8, 8])
        #expect(result["outputs"] as? [String] == ["logits", "probabilities", "class_index"])
        #expect(result["id"] as? String == "tritonclient-1")
        #expect(result["class_index"] as? [Int] == expected.classes)
        let probabilities = (result["probabilities"] as? [[Double]])?.flatMap { $0 } ?? []
        let predicted = expected.probabilities!.flatMap { $0 }
        #expect(probabilities.count == predicted.count)
        for (served, local) in zip(probabilities, predicted) { #expect(abs(served - local) < 1e-6) }
    }
}
