import Flint
import FlintIO
import FlintNN
import Foundation

/// The folder a training run writes and `flint eval`, `predict` and `summary` read:
///
/// ```
/// DIR/config.json          the ModelConfig (enough to rebuild the model)
/// DIR/model.safetensors    the weights (Module.save)
/// DIR/metrics.json         {"test": {"accuracy": …}, "validation": {…}, "train": {…}}
/// DIR/checkpoints/         the trainer's checkpoints
/// DIR/logs/                per-epoch CSV/JSON logs, TensorBoard events
/// DIR/plots/               PNG training curves and confusion matrix
/// ```
///
/// Every file is written atomically (a temporary file renamed into place), so an earlier run's files
/// stay whole until the new ones are complete; ``writeRun(model:config:metrics:)`` writes all three
/// main files before renaming any of them.
///
/// ```swift
/// let run = RunDirectory(URL(fileURLWithPath: "runs/digits"))
/// try run.prepare()                          // before training: fails early when unwritable
/// try run.writeRun(model: model, config: config, metrics: ["test": ["accuracy": 0.98]])
/// let (restored, restoredConfig) = try run.loadModel()
/// ```
public struct RunDirectory: Sendable {
    /// The run folder.
    public let url: URL

    /// The run folder at `url` (nothing is read or created yet).
    ///
    /// ```swift
    /// let run = RunDirectory(URL(fileURLWithPath: "runs/iris"))
    /// ```
    public init(_ url: URL) { self.url = url.standardizedFileURL }

    /// The run folder at `path`.
    ///
    /// ```swift
    /// let run = RunDirectory(path: "runs/iris")
    /// ```
    public init(path: String) { self.init(URL(fileURLWithPath: path)) }

    /// `DIR/config.json`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").configURL.lastPathComponent  // "config.json"
    /// ```
    public var configURL: URL { url.appendingPathComponent("config.json") }
    /// `DIR/model.safetensors`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").modelURL.lastPathComponent  // "model.safetensors"
    /// ```
    public var modelURL: URL { url.appendingPathComponent("model.safetensors") }
    /// `DIR/metrics.json`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").metricsURL.lastPathComponent  // "metrics.json"
    /// ```
    public var metricsURL: URL { url.appendingPathComponent("metrics.json") }
    /// `DIR/checkpoints/`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").checkpointsURL.lastPathComponent  // "checkpoints"
    /// ```
    public var checkpointsURL: URL { url.appendingPathComponent("checkpoints", isDirectory: true) }
    /// `DIR/logs/`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").logsURL.lastPathComponent  // "logs"
    /// ```
    public var logsURL: URL { url.appendingPathComponent("logs", isDirectory: true) }
    /// `DIR/plots/`.
    ///
    /// ```swift
    /// RunDirectory(path: "runs/digits").plotsURL.lastPathComponent  // "plots"
    /// ```
    public var plotsURL: URL { url.appendingPathComponent("plots", isDirectory: true) }

    /// Whether the folder already holds a run (a `config.json`).
    ///
    /// ```swift
    /// if run.containsRun { print("replacing the run in \(run.url.path) when training completes") }
    /// ```
    public var containsRun: Bool { FileManager.default.fileExists(atPath: configURL.path) }

    /// Creates the folder and its `checkpoints`, `logs` and `plots` sub-folders when missing and checks
    /// that files can be written there, so a bad output folder fails before training starts. Deletes
    /// nothing: an earlier run's files stay until new ones replace them.
    ///
    /// ```swift
    /// try RunDirectory(path: "runs/mnist").prepare()
    /// ```
    public func prepare() throws {
        for folder in [url, checkpointsURL, logsURL, plotsURL] {
            try Self.createFolder(folder)
        }
        let probe = url.appendingPathComponent(".flint-write-check-\(ProcessInfo.processInfo.processIdentifier)")
        guard FileManager.default.createFile(atPath: probe.path, contents: Data("ok".utf8)) else {
            throw RunDirectoryError(.unwritable, "cannot write in the run folder \(url.path) (permission denied or read-only); "
                                    + "choose another output folder")
        }
        try? FileManager.default.removeItem(at: probe)
    }

    /// Creates `folder` (and its parents) unless it exists, with a clear error when that fails.
    static func createFolder(_ folder: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw RunDirectoryError(.unwritable, "\(folder.path) exists and is not a folder; choose another output folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            // Name the usual cause: a file where a folder on the path should be.
            var ancestor = folder.deletingLastPathComponent()
            while ancestor.path != "/" {
                var ancestorIsDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &ancestorIsDirectory) {
                    if !ancestorIsDirectory.boolValue {
                        throw RunDirectoryError(.unwritable, "cannot create the folder \(folder.path): \(ancestor.path) is a file, not a folder; "
                                                + "choose another output folder")
                    }
                    break
                }
                ancestor = ancestor.deletingLastPathComponent()
            }
            throw RunDirectoryError(.unwritable, "cannot create the folder \(folder.path) (\(Self.reason(error))); choose another output folder")
        }
    }

    // MARK: writing

    /// Writes `config.json` atomically.
    ///
    /// ```swift
    /// try run.writeConfig(config)
    /// ```
    public func writeConfig(_ config: ModelConfig) throws {
        try write(Self.encode(config), to: configURL)
    }

    /// Writes `model.safetensors` atomically, with the recipe in the file's metadata.
    ///
    /// ```swift
    /// try run.writeModel(model, config: config)
    /// ```
    public func writeModel(_ model: Module, config: ModelConfig? = nil) throws {
        try write(Self.serialize(model, config: config), to: modelURL)
    }

    /// Writes `metrics.json` atomically (see ``RunMetrics``).
    ///
    /// ```swift
    /// try run.writeMetrics(["test": ["accuracy": 0.98, "log_loss": 0.07]])
    /// ```
    public func writeMetrics(_ metrics: RunMetrics) throws {
        try write(Data(RunMetricsFile.json(metrics).utf8), to: metricsURL)
    }

    /// Writes the model, config and metrics: each to a temporary file first, then renamed into place
    /// (model, then metrics, then config) only once all three are written, so a failure leaves the
    /// earlier run's files as they were.
    ///
    /// ```swift
    /// try run.writeRun(model: model, config: config, metrics: ["test": ["accuracy": 0.97]])
    /// ```
    public func writeRun(model: Module, config: ModelConfig, metrics: RunMetrics? = nil) throws {
        var staged: [(temporary: URL, destination: URL)] = []
        defer { for item in staged { try? FileManager.default.removeItem(at: item.temporary) } }
        staged.append((try stage(Self.serialize(model, config: config), for: modelURL), modelURL))
        if let metrics { staged.append((try stage(Data(RunMetricsFile.json(metrics).utf8), for: metricsURL), metricsURL)) }
        staged.append((try stage(Self.encode(config), for: configURL), configURL))
        for item in staged where rename(item.temporary.path, item.destination.path) != 0 {
            throw RunDirectoryError(.unwritable, "cannot replace \(item.destination.path): \(String(cString: strerror(errno)))")
        }
        staged = []
    }

    /// Writes `data` to `destination` atomically, with a run error when it cannot.
    private func write(_ data: Data, to destination: URL) throws {
        try Self.createFolder(url)
        do {
            try AtomicFile.write(data, to: destination)
        } catch let error as FileWriteError {
            throw RunDirectoryError(.unwritable, error.description)
        }
    }

    /// Writes `data` to a flushed temporary file beside `destination` and returns its URL.
    private func stage(_ data: Data, for destination: URL) throws -> URL {
        try Self.createFolder(url)
        let temporary = url.appendingPathComponent(
            ".\(destination.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw RunDirectoryError(.unwritable, "cannot write in the run folder \(url.path) (permission denied or read-only); "
                                    + "choose another output folder")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw RunDirectoryError(.unwritable, "cannot write \(destination.path): \(Self.reason(error))")
        }
        return temporary
    }

    static func encode(_ config: ModelConfig) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(config)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    static func serialize(_ model: Module, config: ModelConfig?) throws -> Data {
        var metadata = ["format": "pt", "framework": "flint"]
        if let config { metadata["recipe"] = config.recipe.rawValue }
        return try SafeTensors.serialize(model.stateDictionary(), metadata: metadata)
    }

    /// The short reason of a Foundation error (`permission denied`, …).
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}

/// A run folder that cannot be read or written, or data that does not suit a run, with what to do.
///
/// ```swift
/// catch let error as RunDirectoryError { print(error) }  // "runs/x: not a Flint run: config.json is missing; ..."
/// ```
public struct RunDirectoryError: Error, CustomStringConvertible, Equatable {
    /// What went wrong.
    ///
    /// ```swift
    /// if error.kind == .notARun { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// The folder, or a file in it, cannot be written.
        case unwritable
        /// The folder does not exist or lacks `config.json` / `model.safetensors`.
        case notARun
        /// `config.json` is not a valid model config.
        case invalidConfig
        /// `model.safetensors` is corrupt or does not fit the config's model.
        case invalidModel
        /// `metrics.json` is not valid.
        case invalidMetrics
        /// Data whose shape, columns or features do not suit the model or recipe.
        case incompatibleData
        /// A target that is not a valid class label (out of range, not a whole number, unknown name).
        case invalidLabel
        /// An input or output file of an unsupported kind.
        case unsupportedFile
    }

    /// What went wrong.
    public let kind: Kind
    /// What is wrong, where, and what to do (one line).
    public let description: String

    /// An error of `kind` with a one-line message.
    ///
    /// ```swift
    /// throw RunDirectoryError(.incompatibleData, "input.csv has 5 feature columns but the model takes 4")
    /// ```
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
