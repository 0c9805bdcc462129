import ArgumentParser
import Flint
import FlintLearn
import Foundation

/// `flint bench`: Flint against its peer (PyTorch) on the workloads of BENCHMARKS.md, in one run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Flint and its peer (PyTorch, scikit-learn) side by side and print the ratio (higher is better for Flint).",
        discussion: """
            Suites: core (gemm, small-op), nn (mlp-train, mlp-infer-b1, cnn-train, gpt-train),
            data (cnn-train-loader-overhead), learn (learn-ESTIMATOR-DATASET: every FlintLearn
            estimator's fit time against scikit-learn's on the same rows, with both scores), serve
            (flint serve on loopback under --connections closed-loop keep-alive connections for
            --seconds: /v2/health/live as the HTTP ceiling, then batch-1 inference on the digits MLP;
            throughput, p50/p99 latency, errors, and inference's share of the ceiling).
            mlp-infer-b1 also reports machineFloor: the time to read the model's weights once with
            Flint's threads, measured in the same run (the practical limit of batch-1 inference there).
            PyTorch and scikit-learn run from a virtual environment that `scripts/install-peers.sh`
            makes (`make bench` runs it); without it the peer is null, with the reason.
            Example:
              flint bench core --json
              flint bench nn --json
              flint bench data --json
              flint bench learn --json --only learn-svc-digits
              flint bench serve --json --seconds 5
            """
    )

    @Argument(help: "The suites to run: core, nn, data, learn, serve.")
    var suites: [String] = ["core"]

    @Flag(name: .long, help: "Print one JSON object per workload.")
    var json = false

    @Option(name: .long, help: "The Python interpreter that has torch and scikit-learn (default: .venv/bin/python).")
    var peerPython: String?

    @Option(name: .long, help: "Seconds to spend measuring each workload on each side.")
    var seconds: Double = 2

    @Option(name: .long, help: "Connections of the serve suite's load generator.")
    var connections = 64

    @Option(name: .long, help: "Measure only the named workloads (repeatable), e.g. --only gpt-train for profiling.")
    var only: [String] = []

    func validate() throws {
        let known = BenchSuite.all.keys.sorted() + ["learn", "serve"]
        for suite in suites where !known.contains(suite) {
            throw ValidationError("unknown suite '\(suite)'; choose from: \(known.joined(separator: ", "))")
        }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
    }

    func run() throws {
        for suite in suites {
            if suite == "learn" {
                try runLearn()
                continue
            }
            if suite == "serve" {
                try ServeBench.run(seconds: seconds, connections: connections, json: json)
                continue
            }
            let workloads = BenchSuite.all[suite]!.filter { only.isEmpty || only.contains($0.name) }
            // Flint is measured before and after the peer and keeps its better figure, as the peer
            // keeps the better of its two thread counts: a shared machine's load changes over a run,
            // and measuring each side in one block would charge one side alone for it.
            let before = workloads.map { $0.measure(seconds / 2) }
            let floorsBefore = workloads.map { $0.machineFloor?(seconds / 2) }
            let peer = PeerRunner(python: peerPython).run(script: "scripts/bench_torch.py", arguments: ["--suite", suite, "--seconds", String(seconds)])
            for (index, workload) in workloads.enumerated() {
                let after = workload.measure(seconds / 2)
                let flintValue = workload.higherIsBetter ? Swift.max(before[index], after) : Swift.min(before[index], after)
                let peerValue = peer.values[workload.name]
                var result = BenchResult(workload: workload.name, flint: flintValue, peer: peerValue, unit: workload.unit,
                                         higherIsBetter: workload.higherIsBetter, peerNote: peerValue == nil ? peer.reason : nil,
                                         peerThreads: peer.threads[workload.name])
                // The floor, like Flint's figure, is the better of its measurements before and after the peer.
                result.machineFloor = [floorsBefore[index], workload.machineFloor?(seconds / 2)].compactMap { $0 }.min()
                print(json ? result.jsonLine : result.textLine)
            }
        }
    }

    /// The learn suite: fit seconds of each estimator, Flint before and after scikit-learn (keeping
    /// Flint's better figure, as the peer keeps its better job count), with both sides' scores.
    private func runLearn() throws {
        let workloads = LearnWorkloads.all.filter { only.isEmpty || only.contains($0.name) }
        let before = try workloads.map { try $0.measure(seconds: seconds / 2) }
        let specification = try JSONSerialization.data(withJSONObject: workloads.map(\.specification), options: [.sortedKeys])
        let peer = PeerRunner(python: peerPython).run(script: "scripts/bench_sklearn.py",
                                                      arguments: ["--seconds", String(seconds), "--spec", String(decoding: specification, as: UTF8.self)])
        for (index, workload) in workloads.enumerated() {
            let after = try workload.measure(seconds: seconds / 2)
            let best = after.seconds < before[index].seconds ? after : before[index]
            let peerValue = peer.values[workload.name]
            let result = BenchResult(workload: workload.name, flint: best.seconds, peer: peerValue, unit: "s", higherIsBetter: false,
                                     peerNote: peerValue == nil ? peer.reason ?? "scikit-learn gave no figure" : nil,
                                     peerThreads: peer.threads[workload.name], flintScore: best.score, peerScore: peer.scores[workload.name])
            print(json ? result.jsonLine : result.textLine)
        }
    }
}

/// One measured line of the bench output.
struct BenchResult {
    let workload: String
    let flint: Double
    let peer: Double?
    let unit: String
    let higherIsBetter: Bool
    let peerNote: String?
    let peerThreads: Int?
    /// The model's score on each side (learn suite: accuracy, R², ARI or explained variance), to show equal quality.
    var flintScore: Double? = nil
    var peerScore: Double? = nil
    /// The least this machine can do on the workload, in its unit (see ``BenchWorkload``), measured in the same run.
    var machineFloor: Double? = nil

    /// Peer time / Flint time for latencies, Flint rate / peer rate for throughputs.
    var ratio: Double? {
        guard let peer, peer > 0, flint > 0 else { return nil }
        return higherIsBetter ? flint / peer : peer / flint
    }

    var jsonLine: String {
        var object: [String: Any] = [
            "workload": workload, "flint": rounded(flint), "peer": peer.map(rounded) ?? NSNull(),
            "unit": unit, "ratio": ratio.map(rounded) ?? NSNull(),
        ]
        if let peerNote { object["peerNote"] = peerNote }
        if let peerThreads { object["peerThreads"] = peerThreads }
        if let flintScore { object["flintScore"] = (flintScore * 1e6).rounded() / 1e6 }
        if let peerScore { object["peerScore"] = (peerScore * 1e6).rounded() / 1e6 }
        if let machineFloor { object["machineFloor"] = rounded(machineFloor) }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    var textLine: String {
        let peerText = peer.map { String(format: "%.4g", $0) } ?? "n/a (\(peerNote ?? "no peer"))"
        let ratioText = ratio.map { String(format: "%.2fx", $0) } ?? "-"
        let scores = flintScore.map { flint in "   score flint \(String(format: "%.4f", flint)) peer " + (peerScore.map { String(format: "%.4f", $0) } ?? "-") } ?? ""
        let floor = machineFloor.map { "   machine floor \(String(format: "%.4g", $0)) \(unit)" } ?? ""
        return "\(workload.padding(toLength: 14, withPad: " ", startingAt: 0)) flint \(String(format: "%.4g", flint)) \(unit)   peer \(peerText)   ratio \(ratioText)\(scores)\(floor)"
    }

    /// Five significant digits (fit times of a millisecond keep their precision).
    private func rounded(_ value: Double) -> Double { Double(String(format: "%.5g", value)) ?? value }
}

/// Runs the peer's side of a suite: `scripts/bench_torch.py` (PyTorch) or `scripts/bench_sklearn.py` (scikit-learn).
struct PeerRunner {
    let python: String?

    struct Outcome {
        var values: [String: Double] = [:]
        var threads: [String: Int] = [:]
        var scores: [String: Double] = [:]
        var reason: String?
    }

    func run(script relativePath: String, arguments: [String]) -> Outcome {
        let fileManager = FileManager.default
        let interpreter = python ?? ".venv/bin/python"
        guard fileManager.isExecutableFile(atPath: interpreter) else {
            return Outcome(reason: "PyTorch and scikit-learn not installed: run scripts/install-peers.sh (or make bench) first")
        }
        let script = locateScript(relativePath)
        guard let script else { return Outcome(reason: "\(relativePath) not found; run flint bench from the Flint checkout") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = [script] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return Outcome(reason: "could not start \(interpreter): \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            return Outcome(reason: "peer failed: \(message)")
        }
        var outcome = Outcome()
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = object["workload"] as? String, let value = object["value"] as? Double else { continue }
            outcome.values[name] = value
            outcome.threads[name] = object["threads"] as? Int
            outcome.scores[name] = object["score"] as? Double
        }
        return outcome
    }

    private func locateScript(_ relative: String) -> String? {
        let candidates = [relative] + [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("../../\(relative)").standardized.path]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}
