import Foundation

/// Runs the `flint` binary the build put next to a test bundle, as a user runs it.
///
/// ```swift
/// let result = try FlintCommandLine.run(["info", "--json"], near: Bundle.module.bundleURL)
/// #expect(result.status == 0)
/// ```
public enum FlintCommandLine {
    /// What one run of `flint` gave.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output.
        public let output: String
        /// Standard error.
        public let error: String
    }

    /// The `flint` binary in the build folder that holds `bundle` (a test bundle).
    ///
    /// ```swift
    /// let flint = FlintCommandLine.executable(near: Bundle.module.bundleURL)
    /// ```
    public static func executable(near bundle: URL) -> URL {
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: directory.appendingPathComponent("flint").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("flint")
    }

    /// Runs flint with `arguments` (and extra `environment` variables); returns the exit status,
    /// standard output and standard error.
    ///
    /// ```swift
    /// let result = try FlintCommandLine.run(["learn", "--list"], near: Bundle.module.bundleURL)
    /// ```
    public static func run(_ arguments: [String], near bundle: URL, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable(near: bundle)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Standard error is drained on another thread so a chatty child cannot fill its pipe and stall.
        let errorData = LockedData()
        let reader = Thread { errorData.set(error.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      error: String(decoding: errorData.value, as: UTF8.self))
    }

    private final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
        var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
        var value: Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
    }
}
