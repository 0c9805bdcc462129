import Flint
import FlintNN
import FlintTrain
import Foundation
import Logging

/// One loaded model version: the trained module, its config, and the tensors it takes and gives.
///
/// The module is run only through ``predict(features:)``, which holds a lock, so one model version
/// is never run by two threads at once (each model's ``Batcher`` runs one batch at a time anyway).
///
/// ```swift
/// let served = try ServedModel(name: "iris", version: "1", run: RunDirectory(path: "models/iris"))
/// let outputs = served.predict(features: Tensor([5.1, 3.5, 1.4, 0.2], shape: [1, 4]))
/// ```
public final class ServedModel: @unchecked Sendable {
    /// The model's name (its folder under the repository).
    public let name: String
    /// The version (a numbered subfolder, or "1" for a run folder without versions).
    public let version: String
    /// The run's config (recipe, input shape, task, classes, preprocessing).
    public let config: ModelConfig
    /// The run folder it was loaded from.
    public let folder: URL
    private let module: Module
    private let lock = NSLock()

    /// Loads the run in `run` (model and config) as version `version` of `name`.
    ///
    /// ```swift
    /// let served = try ServedModel(name: "digits", version: "2", run: RunDirectory(path: "models/digits/2"))
    /// ```
    public init(name: String, version: String, run: RunDirectory) throws {
        let (module, config) = try run.loadModel()
        module.eval()
        self.name = name
        self.version = version
        self.config = config
        self.folder = run.url
        self.module = module
    }

    /// The name of the single input tensor.
    public static let inputName = "input"

    /// The output tensors this model gives: `logits`, `probabilities` (FP32 `[n, classes]`) and
    /// `class_index` (INT64 `[n]`) for classifiers; `value` (FP64 `[n]`) for regression.
    ///
    /// ```swift
    /// served.outputs.map(\.name)  // ["logits", "probabilities", "class_index"]
    /// ```
    public var outputs: [TensorMetadata] {
        if config.isClassifier {
            return [TensorMetadata(name: "logits", datatype: .fp32, shape: [-1, config.outputCount]),
                    TensorMetadata(name: "probabilities", datatype: .fp32, shape: [-1, config.outputCount]),
                    TensorMetadata(name: "class_index", datatype: .int64, shape: [-1])]
        }
        return [TensorMetadata(name: "value", datatype: .fp64, shape: [-1])]
    }

    /// The input tensor this model takes: FP32 raw feature rows `[-1] + inputShape` (a flat
    /// `[-1, features]` is accepted too; FP64, INT32 and INT64 are converted).
    ///
    /// ```swift
    /// served.input.shape  // [-1, 4]
    /// ```
    public var input: TensorMetadata {
        TensorMetadata(name: Self.inputName, datatype: .fp32, shape: [-1] + config.inputShape)
    }

    /// The model's outputs for raw feature rows `[n, featureCount]` (float64), with the run's
    /// preprocessing applied, in evaluation mode without gradients.
    ///
    /// ```swift
    /// let outputs = served.predict(features: rows)
    /// outputs.classIndices  // [0]
    /// ```
    public func predict(features: Tensor) throws -> ModelOutputs {
        let inputs = try config.modelInputs(features)
        let raw: Tensor = lock.withLock { withoutGradients { module(inputs) } }
        let rows = features.shape[0]
        if config.isClassifier {
            let logits = raw.to(.float64).reshaped([rows, config.outputCount])
            let probabilities = logits.softmax(axis: -1)
            let probabilityValues = probabilities.scalars(as: Double.self)
            let columns = config.outputCount
            let classes = (0..<rows).map { row -> Int64 in
                let slice = probabilityValues[(row * columns)..<((row + 1) * columns)]
                return Int64((slice.indices.max { slice[$0] < slice[$1] } ?? row * columns) - row * columns)
            }
            return ModelOutputs(rows: rows, columns: columns, logits: logits.scalars(as: Double.self),
                                probabilities: probabilityValues, classIndices: classes, values: nil)
        }
        let values = config.preprocessing.restoreTargets(raw.to(.float64)).reshaped([rows]).scalars(as: Double.self)
        return ModelOutputs(rows: rows, columns: 1, logits: nil, probabilities: nil, classIndices: nil, values: values)
    }
}

/// A model's outputs for a batch of rows, flat in row-major order.
///
/// ```swift
/// let first = outputs.slice(0..<1)
/// ```
public struct ModelOutputs: Sendable, Equatable {
    /// The number of rows.
    public let rows: Int
    /// Values per row for logits and probabilities (classes), 1 for regression.
    public let columns: Int
    /// Logits `[rows, columns]` (classifiers).
    public let logits: [Double]?
    /// Softmax probabilities `[rows, columns]` (classifiers).
    public let probabilities: [Double]?
    /// The most probable class per row (classifiers).
    public let classIndices: [Int64]?
    /// The predicted value per row (regression, in the targets' units).
    public let values: [Double]?

    /// The rows `range` of these outputs (to split a merged batch back into requests).
    ///
    /// ```swift
    /// let mine = batchOutputs.slice(2..<5)
    /// ```
    public func slice(_ range: Range<Int>) -> ModelOutputs {
        let flat = (range.lowerBound * columns)..<(range.upperBound * columns)
        return ModelOutputs(rows: range.count, columns: columns, logits: logits.map { Array($0[flat]) },
                            probabilities: probabilities.map { Array($0[flat]) }, classIndices: classIndices.map { Array($0[range]) },
                            values: values.map { Array($0[range]) })
    }
}

/// Every model version found under a folder, loaded at start-up.
///
/// Layout: each sub-folder `DIR/name/` that holds a `flint train` run (`config.json`) is model
/// `name`, version "1"; a sub-folder holding numbered folders `DIR/name/1/`, `DIR/name/2/` serves
/// each as a version (the highest is the default). `DIR` itself being a run serves it under its
/// folder name. A folder that fails to load is logged and skipped.
///
/// ```swift
/// let repository = ModelRepository.load(from: URL(fileURLWithPath: "models"), logger: logger)
/// repository.model(named: "iris", version: nil)?.version  // "1"
/// ```
public struct ModelRepository: Sendable {
    /// Versions by model name, each list ordered by version number.
    public let models: [String: [ServedModel]]
    /// Folders that looked like runs but could not be loaded, with the reason.
    public let skipped: [(folder: String, reason: String)]

    /// A repository of already loaded models.
    ///
    /// ```swift
    /// let repository = ModelRepository(models: ["iris": [served]])
    /// ```
    public init(models: [String: [ServedModel]], skipped: [(folder: String, reason: String)] = []) {
        self.models = models.mapValues { $0.sorted { Self.versionOrder($0.version, $1.version) } }
        self.skipped = skipped
    }

    /// The model `name` at `version`, or its highest version when `version` is nil.
    ///
    /// ```swift
    /// let served = repository.model(named: "digits", version: "2")
    /// ```
    public func model(named name: String, version: String?) -> ServedModel? {
        guard let versions = models[name] else { return nil }
        guard let version else { return versions.last }
        return versions.first { $0.version == version }
    }

    /// Loads every run under `directory`, logging each model loaded and each folder skipped.
    ///
    /// ```swift
    /// let repository = ModelRepository.load(from: URL(fileURLWithPath: "models"), logger: Logger(label: "flint.serve"))
    /// ```
    public static func load(from directory: URL, logger: Logger) -> ModelRepository {
        var models: [String: [ServedModel]] = [:]
        var skipped: [(folder: String, reason: String)] = []
        func attempt(_ name: String, _ version: String, _ folder: URL) {
            do {
                let served = try ServedModel(name: name, version: version, run: RunDirectory(folder))
                models[name, default: []].append(served)
                logger.info("model loaded", metadata: ["model": "\(name)", "version": "\(version)", "folder": "\(folder.path)",
                                                       "recipe": "\(served.config.recipe.rawValue)", "input_shape": "\(served.config.inputShape)"])
            } catch {
                skipped.append((folder.path, "\(error)"))
                logger.error("model skipped", metadata: ["model": "\(name)", "version": "\(version)", "folder": "\(folder.path)",
                                                         "reason": "\(error)"])
            }
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: directory.appendingPathComponent("config.json").path) {
            attempt(directory.standardizedFileURL.lastPathComponent, "1", directory)
            return ModelRepository(models: models, skipped: skipped)
        }
        let entries = ((try? manager.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        for entry in entries where !entry.hasPrefix(".") {
            let folder = directory.appendingPathComponent(entry, isDirectory: true)
            guard isFolder(folder) else { continue }
            if manager.fileExists(atPath: folder.appendingPathComponent("config.json").path) {
                attempt(entry, "1", folder)
                continue
            }
            let versions = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { Int($0).map { $0 >= 0 } == true && isFolder(folder.appendingPathComponent($0)) }
            if versions.isEmpty {
                skipped.append((folder.path, "not a Flint run: no config.json and no numbered version folders"))
                logger.warning("folder skipped", metadata: ["folder": "\(folder.path)",
                                                            "reason": "not a Flint run: no config.json and no numbered version folders"])
                continue
            }
            for version in versions.sorted(by: versionOrder) {
                attempt(entry, version, folder.appendingPathComponent(version, isDirectory: true))
            }
        }
        return ModelRepository(models: models, skipped: skipped)
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func versionOrder(_ left: String, _ right: String) -> Bool {
        switch (Int(left), Int(right)) {
        case let (l?, r?): return l < r
        default: return left < right
        }
    }
}
