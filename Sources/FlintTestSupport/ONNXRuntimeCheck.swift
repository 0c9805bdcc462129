import Flint
import Foundation

/// Checks ONNX files Flint exported with onnxruntime, through `scripts/check_onnx.py` run by the
/// `.venv-test` Python that `scripts/install-test-peers.sh` makes (with `onnx` and `onnxruntime`).
///
/// ```swift
/// @Test(.enabled(if: ONNXRuntimeCheck.isAvailable, ONNXRuntimeCheck.skipReason))
/// func exportMatches() throws {
///     let result = try ONNXRuntimeCheck.run(model: url, cases: [(input, model(input))])
///     #expect(result.status == 0, "\(result.output)")
/// }
/// ```
public enum ONNXRuntimeCheck {
    /// The repository root (this file is Sources/FlintTestSupport/ONNXRuntimeCheck.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python of `.venv-test`.
    public static let python = repositoryRoot.appendingPathComponent(".venv-test/bin/python")

    /// Whether `.venv-test` can import `onnx` and `onnxruntime`.
    ///
    /// ```swift
    /// if !ONNXRuntimeCheck.isAvailable { print(ONNXRuntimeCheck.skipReason) }
    /// ```
    public static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return false }
        return (try? runProcess(python, ["-c", "import onnx, onnxruntime"]).status) == 0
    }()

    /// Why the onnxruntime checks are skipped when ``isAvailable`` is false.
    public static let skipReason = "onnx and onnxruntime are not installed in .venv-test: run scripts/install-test-peers.sh (needs pip and network)"

    /// Runs `executable arguments`; returns the exit status and standard output and error together.
    ///
    /// ```swift
    /// let result = try ONNXRuntimeCheck.runProcess(ONNXRuntimeCheck.python, ["--version"])
    /// ```
    public static func runProcess(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A tensor as check_onnx.py reads it: shape, dtype name and row-major data.
    ///
    /// ```swift
    /// let entry = ONNXRuntimeCheck.jsonTensor(Tensor([1, 2, 3]))
    /// ```
    public static func jsonTensor(_ tensor: Tensor) -> [String: Any] {
        let dtype: String, data: [Any]
        switch tensor.dtype {
        case .int64: (dtype, data) = ("int64", tensor.scalars(as: Int64.self))
        case .int32: (dtype, data) = ("int32", tensor.scalars(as: Int32.self))
        case .float64: (dtype, data) = ("float64", tensor.scalars(as: Double.self))
        default: (dtype, data) = ("float32", tensor.scalars(as: Float.self).map { Double($0) })
        }
        return ["shape": tensor.shape, "dtype": dtype, "data": data]
    }

    /// Writes `cases` (each an input and Flint's output for it) next to `model` and runs
    /// `scripts/check_onnx.py` on them: the ONNX checker, a dynamic batch dimension, and onnxruntime's
    /// outputs within `tolerance` of Flint's. Returns the script's exit status and report.
    ///
    /// ```swift
    /// let result = try ONNXRuntimeCheck.run(model: url, cases: [(x, model(x))])
    /// ```
    public static func run(model: URL, cases: [(input: Tensor, output: Tensor)], tolerance: Double = 1e-4) throws -> (status: Int32, output: String) {
        let casesURL = model.deletingPathExtension().appendingPathExtension("cases.json")
        defer { try? FileManager.default.removeItem(at: casesURL) }
        let entries = cases.map { ["input": jsonTensor($0.input), "output": jsonTensor($0.output)] }
        try JSONSerialization.data(withJSONObject: ["cases": entries]).write(to: casesURL)
        let script = repositoryRoot.appendingPathComponent("scripts/check_onnx.py").path
        return try runProcess(python, [script, model.path, casesURL.path, "--tolerance", String(tolerance)])
    }
}
