import Flint
import FlintIO
import Foundation

/// What the JSON half of a saved estimator holds: each step's catalogue name and hyperparameters, the
/// data it was fitted on, and the checksum of the arrays file.
///
/// ```swift
/// let saved = try EstimatorFile.load(from: URL(fileURLWithPath: "models/iris-svc"))
/// print(saved.description.steps.map(\.name))   // ["standard-scaler", "svc"]
/// ```
public struct SavedEstimatorDescription: Codable, Sendable, Equatable {
    /// One step of the saved pipeline (a single estimator is a one-step pipeline).
    public struct Step: Codable, Sendable, Equatable {
        /// The catalogue name (`standard-scaler`, `svc`).
        public var name: String
        /// Hyperparameters under scikit-learn's names, as text.
        public var parameters: [String: String]
    }

    /// The version of this layout; files from a newer Flint are refused.
    public var formatVersion: Int
    /// The steps, transformers first, the estimator last.
    public var steps: [Step]
    /// What the final estimator learns.
    public var task: EstimatorTask
    /// The number of feature columns the first step takes.
    public var featureCount: Int
    /// The data it was fitted on, when known (names of features, target and classes).
    public var data: LearnDataDescription?
    /// CRC-32C of `estimator.safetensors`, so a file from another save is caught.
    public var arraysChecksum: UInt32

    /// The current layout version.
    public static let currentFormatVersion = 1
}

extension EstimatorTask: Codable {}

/// The data an estimator was fitted on, as a saved estimator records it for prediction: feature and
/// target names for reading CSV files, and the class names predictions are reported with.
///
/// ```swift
/// let data = LearnDataDescription(dataset: "iris", featureNames: names, targetName: nil, classNames: ["setosa", "versicolor", "virginica"])
/// ```
public struct LearnDataDescription: Codable, Sendable, Equatable {
    /// The dataset name or file path.
    public var dataset: String
    /// The feature column names, in order.
    public var featureNames: [String]?
    /// The target column of a CSV file.
    public var targetName: String?
    /// The class names, in class-index order (classification).
    public var classNames: [String]?

    /// A description of fitted data.
    ///
    /// ```swift
    /// let data = LearnDataDescription(dataset: "wine", featureNames: nil, targetName: nil, classNames: nil)
    /// ```
    public init(dataset: String, featureNames: [String]?, targetName: String?, classNames: [String]?) {
        self.dataset = dataset
        self.featureNames = featureNames
        self.targetName = targetName
        self.classNames = classNames
    }
}

/// Saves and loads fitted estimators and pipelines as a folder of two files: `estimator.json`
/// (catalogue names and hyperparameters of every step, the data description) and
/// `estimator.safetensors` (the fitted arrays of every step, under `steps.<i>.`). Both are written to
/// temporary files and renamed, arrays first; the JSON holds the arrays' checksum, so a folder whose
/// two files come from different saves is refused rather than half-loaded.
///
/// ```swift
/// let model = Pipeline([StandardScaler()], SVC())
/// try model.fit(features, labels)
/// try EstimatorFile.save(model, to: URL(fileURLWithPath: "models/iris-svc"))
/// let saved = try EstimatorFile.load(from: URL(fileURLWithPath: "models/iris-svc"))
/// let predictions = try saved.predict(features)
/// ```
public enum EstimatorFile {
    /// The JSON file's name inside the folder.
    public static let descriptionFileName = "estimator.json"
    /// The arrays file's name inside the folder.
    public static let arraysFileName = "estimator.safetensors"

    /// Saves a fitted estimator, or a ``Pipeline`` of them, into `directory` (created if missing).
    /// Every step must be in ``EstimatorCatalog`` and fitted.
    ///
    /// ```swift
    /// try EstimatorFile.save(forest, to: URL(fileURLWithPath: "models/forest"), data: description)
    /// ```
    public static func save(_ estimator: AnyObject, to directory: URL, data: LearnDataDescription? = nil) throws {
        if let pipeline = estimator as? Pipeline {
            try save(steps: pipeline.transformers.map { $0 as AnyObject } + [pipeline.estimator as AnyObject], to: directory, data: data)
        } else {
            try save(steps: [estimator], to: directory, data: data)
        }
    }

    /// Saves fitted `steps` (transformers, then the final estimator) as one pipeline.
    ///
    /// ```swift
    /// try EstimatorFile.save(steps: [scaler, kmeans], to: URL(fileURLWithPath: "models/kmeans"))
    /// ```
    public static func save(steps: [AnyObject], to directory: URL, data: LearnDataDescription? = nil) throws {
        guard let last = steps.last else { throw LearnError(.invalidInput, "EstimatorFile.save: no steps to save") }
        var state = EstimatorState()
        var described: [SavedEstimatorDescription.Step] = []
        for (index, step) in steps.enumerated() {
            guard let entry = EstimatorCatalog.entry(for: step), let persistable = step as? any PersistableEstimator else {
                throw LearnError(.invalidInput, "EstimatorFile.save: \(type(of: step)) cannot be saved; saved estimators are those "
                                 + "`flint learn` lists (EstimatorCatalog)")
            }
            state.merge(try persistable.fittedState(), scope: "steps.\(index).")
            described.append(.init(name: entry.name, parameters: entry.parameterValues(of: step)))
        }
        let task = EstimatorCatalog.entry(for: last)!.task
        let arrays = try SafeTensors.serialize(state.tensors, metadata: ["format": "flint-estimator"])
        let description = SavedEstimatorDescription(formatVersion: SavedEstimatorDescription.currentFormatVersion, steps: described,
                                                    task: task, featureCount: try featureCount(of: state), data: data,
                                                    arraysChecksum: CRC32C.checksum(arrays))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(description)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LearnError(.invalidInput, "cannot create \(directory.path): \(error.localizedDescription); choose another folder")
        }
        try AtomicFile.write(arrays, to: directory.appendingPathComponent(arraysFileName))
        try AtomicFile.write(json, to: directory.appendingPathComponent(descriptionFileName))
    }

    /// Loads the estimator saved in `directory`: every step made from the catalogue with its saved
    /// hyperparameters, then its fitted arrays restored.
    ///
    /// ```swift
    /// let saved = try EstimatorFile.load(from: URL(fileURLWithPath: "models/forest"))
    /// let labels = try saved.predict(newRows)
    /// ```
    public static func load(from directory: URL) throws -> SavedEstimator {
        let jsonURL = directory.appendingPathComponent(descriptionFileName), arraysURL = directory.appendingPathComponent(arraysFileName)
        guard let json = FileManager.default.contents(atPath: jsonURL.path) else {
            throw LearnError(.invalidInput, "no saved estimator in \(directory.path): \(descriptionFileName) is missing; "
                             + "save one with `flint learn … --save \(directory.path)`")
        }
        let description: SavedEstimatorDescription
        do {
            description = try JSONDecoder().decode(SavedEstimatorDescription.self, from: json)
        } catch {
            throw LearnError(.invalidInput, "\(jsonURL.path) is not a saved-estimator description (\(error)); save the estimator again")
        }
        guard description.formatVersion <= SavedEstimatorDescription.currentFormatVersion else {
            throw LearnError(.invalidInput, "\(jsonURL.path) has format version \(description.formatVersion); this Flint reads up to "
                             + "\(SavedEstimatorDescription.currentFormatVersion): update Flint")
        }
        guard !description.steps.isEmpty else { throw LearnError(.invalidInput, "\(jsonURL.path) lists no steps; save the estimator again") }
        guard let arrays = FileManager.default.contents(atPath: arraysURL.path) else {
            throw LearnError(.invalidInput, "\(arraysURL.path) is missing; the saved estimator is incomplete — save it again")
        }
        guard CRC32C.checksum(arrays) == description.arraysChecksum else {
            throw LearnError(.invalidInput, "\(arraysURL.path) does not match \(descriptionFileName) (checksum differs): the two files come "
                             + "from different saves or one is damaged; save the estimator again")
        }
        let state: EstimatorState
        do {
            state = EstimatorState(tensors: try SafeTensors.read(data: arrays).tensors)
        } catch {
            throw LearnError(.invalidInput, "\(arraysURL.path): \(error)")
        }
        var steps: [AnyObject] = []
        for (index, step) in description.steps.enumerated() {
            let entry = try EstimatorCatalog.entry(named: step.name)
            let estimator = try entry.make(parameters: step.parameters)
            guard let persistable = estimator as? any PersistableEstimator else {
                throw LearnError(.invalidInput, "\(step.name) cannot be loaded by this Flint")
            }
            try persistable.restoreFittedState(state.scoped("steps.\(index)."))
            steps.append(estimator)
        }
        return try SavedEstimator(steps: steps, description: description)
    }

    /// The feature count the first step recorded (every fitted state stores `featureCount`).
    private static func featureCount(of state: EstimatorState) throws -> Int {
        try state.scoped("steps.0.").integer("featureCount")
    }
}
