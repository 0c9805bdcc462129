import Flint
import FlintData
import Foundation

/// Where `flint train` and `flint eval` take labeled data from: a bundled dataset by name, or a file
/// (`.csv` with a target column — `--target`, else the last column; `.npz` with arrays `x` and `y`;
/// `.npy` or IDX features with a separate labels file).
///
/// ```swift
/// let digits = try DataSource("digits").load()
/// let table = try DataSource("data/houses.csv", targetColumn: "price").load(task: .regression)
/// ```
public enum DataSource: Equatable, Sendable, CustomStringConvertible {
    /// A dataset of ``BundledDatasets`` (`iris`, `digits`, `mnist-5k`, `fashion-mnist`, …).
    case bundled(String)
    /// A data file, an optional separate labels file (`.npy` or IDX), and the CSV target column.
    case file(URL, labels: URL?, targetColumn: String?)

    /// A bundled dataset when `argument` is one of ``BundledDatasets/names``, else a file path.
    ///
    /// ```swift
    /// DataSource("iris")                     // .bundled("iris")
    /// DataSource("train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz")
    /// ```
    public init(_ argument: String, labels: String? = nil, targetColumn: String? = nil) {
        if BundledDatasets.names.contains(argument) && labels == nil && targetColumn == nil {
            self = .bundled(argument)
        } else {
            self = .file(URL(fileURLWithPath: argument), labels: labels.map { URL(fileURLWithPath: $0) }, targetColumn: targetColumn)
        }
    }

    /// The dataset's name as `config.json` records it: the bundled name or the file's path.
    ///
    /// ```swift
    /// DataSource("iris").description  // "iris"
    /// ```
    public var description: String {
        switch self {
        case .bundled(let name): return name
        case .file(let url, _, _): return url.path
        }
    }

    /// Loads every labeled row, plus the dataset's own test split when it has one (Fashion-MNIST).
    ///
    /// For files, `task` decides how targets are read; when nil a text target, or whole numbers with
    /// at most 100 distinct values, make a classification, anything else a regression. Class labels,
    /// text or whole numbers, become classes 0..<k in sorted order with the labels as class names
    /// (scikit-learn's LabelEncoder). With `classNames` (evaluating a trained classifier) labels are
    /// matched to those names, and numbers are class indices when the names are text. A bad label throws a ``RunDirectoryError`` naming the record.
    ///
    /// ```swift
    /// let loaded = try DataSource("fashion-mnist").load()
    /// loaded.data.sampleCount, loaded.test?.sampleCount  // 60000, 10000
    /// ```
    public func load(task: DatasetTask? = nil, classNames: [String]? = nil) throws -> LoadedDataset {
        switch self {
        case .bundled(let name):
            let loaded: LoadedDataset
            if BundledDatasets.entry(named: name)?.hasPredefinedSplits == true {
                let splits = try BundledDatasets.loadSplits(name: name)
                loaded = LoadedDataset(data: splits.train, test: splits.test)
            } else {
                loaded = LoadedDataset(data: try BundledDatasets.load(name: name), test: nil)
            }
            if let task, task != loaded.data.task {
                throw RunDirectoryError(.incompatibleData, "dataset '\(name)' is a \(loaded.data.task) dataset, not \(task)")
            }
            if let classNames {
                try DataFileLoader.checkLabels(loaded.data, classCount: classNames.count)
                if let test = loaded.test { try DataFileLoader.checkLabels(test, classCount: classNames.count) }
            }
            return loaded
        case .file(let url, let labels, let targetColumn):
            let (data, targetName) = try DataFileLoader.load(url: url, labels: labels, targetColumn: targetColumn, task: task,
                                                             classNames: classNames)
            return LoadedDataset(data: data, test: nil, targetName: targetName)
        }
    }
}

/// Labeled rows as loaded: every row (or the training part), and the dataset's own test part if any.
///
/// ```swift
/// let loaded = try DataSource("digits").load()
/// loaded.data.sampleCount  // 1797
/// ```
public struct LoadedDataset: Sendable {
    /// Every row, or the training part of a dataset with predefined splits.
    public let data: LabeledData
    /// The dataset's own test part, when it has one.
    public let test: LabeledData?
    /// The target column's name, for data read from a CSV file.
    public let targetName: String?

    /// Loaded rows.
    ///
    /// ```swift
    /// let loaded = LoadedDataset(data: train, test: test)
    /// ```
    public init(data: LabeledData, test: LabeledData? = nil, targetName: String? = nil) {
        self.data = data
        self.test = test
        self.targetName = targetName
    }
}

/// Reads labeled data from CSV, NPZ, NPY and IDX files.
enum DataFileLoader {
    /// The kinds of data file, from the name (a trailing `.gz` is ignored).
    enum FileKind { case csv, npy, npz, idx }

    static func kind(of url: URL) throws -> FileKind {
        var name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix(".npz") { return .npz }
        if name.hasSuffix(".idx") || name.contains("-ubyte") || name.contains(".idx") { return .idx }
        throw RunDirectoryError(.unsupportedFile, "\(url.path): unknown data file kind; use .csv, .npy, .npz or IDX (.idx, *-ubyte, optionally .gz)")
    }

    static func requireFile(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw RunDirectoryError(.unsupportedFile, "no data file at \(url.path); check the path, or use a dataset name: "
                                    + BundledDatasets.names.joined(separator: ", "))
        }
    }

    static func load(url: URL, labels: URL?, targetColumn: String?, task: DatasetTask?,
                     classNames: [String]?) throws -> (LabeledData, targetName: String?) {
        try requireFile(url)
        switch try kind(of: url) {
        case .csv:
            if labels != nil { throw RunDirectoryError(.unsupportedFile, "a CSV file holds its own labels: pass --target COLUMN instead of --labels") }
            let table = try CSVFeatures.read(url, target: targetColumn, targetRequired: true)
            let features = table.features
            let targets = try targetTensor(table.target!, name: url.path, column: table.targetName!, rowOffset: table.lineOffset,
                                           task: task, classNames: classNames)
            return (LabeledData(name: url.path, features: features, targets: targets.tensor, featureNames: table.featureNames,
                                classNames: targets.classNames), table.targetName)
        case .npz:
            let arrays = try NumPyFile.readArchive(url)
            guard let x = arrays["x"] ?? arrays["X"] ?? arrays["features"], let y = arrays["y"] ?? arrays["targets"] ?? arrays["labels"] else {
                throw RunDirectoryError(.incompatibleData, "\(url.path) needs arrays 'x' and 'y' (features and targets); it has "
                                        + arrays.keys.sorted().joined(separator: ", "))
            }
            return (try arrayData(name: url.path, features: x, labels: y, labelsName: "\(url.path) array 'y'", task: task,
                                  classNames: classNames), nil)
        case .npy, .idx:
            guard let labels else {
                throw RunDirectoryError(.incompatibleData, "\(url.path) holds features only: pass its labels file with --labels (.npy or IDX)")
            }
            try requireFile(labels)
            let features = try readArray(url)
            let labelArray = try readArray(labels)
            return (try arrayData(name: url.path, features: features, labels: labelArray, labelsName: labels.path, task: task,
                                  classNames: classNames), nil)
        }
    }

    /// An `.npy` or IDX file's array.
    static func readArray(_ url: URL) throws -> Tensor {
        switch try kind(of: url) {
        case .npy: return try NumPyFile.readArray(url)
        case .idx: return try IDXFile.read(url)
        default: throw RunDirectoryError(.unsupportedFile, "\(url.path): expected an .npy or IDX array file")
        }
    }

    /// Features `[n, ...]` and labels `[n]` as labeled rows (rank 3 or 4 features are images).
    static func arrayData(name: String, features: Tensor, labels: Tensor, labelsName: String,
                          task: DatasetTask?, classNames: [String]?) throws -> LabeledData {
        let rows = try ArrayFeatures(features, name: name)
        guard labels.count == rows.count, labels.rank <= 2, labels.rank == 1 || labels.shape.last == 1 else {
            throw RunDirectoryError(.incompatibleData, "\(labelsName) holds labels of shape \(labels.shape) for \(rows.count) samples; "
                                    + "give one label per sample")
        }
        let values = labels.scalars(as: Double.self).map { CSVTargetValue.number($0) }
        let targets = try targetTensor(values, name: labelsName, column: nil, rowOffset: 0, task: task, classNames: classNames,
                                       integerStorage: !labels.dtype.isFloatingPoint)
        return LabeledData(name: name, features: rows.features, targets: targets.tensor,
                           featureNames: (0..<rows.featureCount).map { "feature \($0)" }, classNames: targets.classNames,
                           imageShape: rows.imageShape, pixelMaximum: rows.pixelMaximum)
    }

    /// Targets as an int64 class tensor with class names, or a float64 regression tensor; every label
    /// checked, errors naming the record (1-based, and the CSV line when `rowOffset` gives it).
    static func targetTensor(_ values: [CSVTargetValue], name: String, column: String?, rowOffset: Int, task: DatasetTask?,
                             classNames: [String]?, integerStorage: Bool = false) throws -> (tensor: Tensor, classNames: [String]?) {
        func place(_ row: Int) -> String {
            let record = "record \(row + 1)" + (rowOffset > 0 ? " (line \(row + rowOffset))" : "")
            return "\(name): \(record)" + (column.map { ", column '\($0)'" } ?? "")
        }
        let hasText = values.contains { if case .text = $0 { return true } else { return false } }
        let numbers = values.map { value -> Double? in if case .number(let number) = value { return number } else { return nil } }
        let isClassification: Bool
        if let classNames {
            isClassification = !classNames.isEmpty
        } else if let task {
            isClassification = task == .classification
        } else {
            let whole = numbers.allSatisfy { $0.map { $0 == $0.rounded() && Swift.abs($0) < 1e15 } ?? true }
            isClassification = hasText || integerStorage || (whole && Set(numbers.compactMap { $0 }).count <= 100)
        }
        if !isClassification {
            var result: [Double] = []
            for (row, value) in values.enumerated() {
                guard case .number(let number) = value, number.isFinite else {
                    throw RunDirectoryError(.invalidLabel, "\(place(row)): target '\(value)' is not a finite number; a regression target must be one")
                }
                result.append(number)
            }
            return (Tensor(result, shape: [result.count]), nil)
        }
        if hasText {
            // Class names: matched to the model's names, or the sorted distinct texts.
            let names = classNames ?? Array(Set(values.map(\.description))).sorted()
            let index = Dictionary(names.enumerated().map { ($1, Int64($0)) }, uniquingKeysWith: { first, _ in first })
            var codes: [Int64] = []
            for (row, value) in values.enumerated() {
                guard let code = index[value.description] else {
                    throw RunDirectoryError(.invalidLabel, "\(place(row)): label '\(value)' is not one of the model's classes: "
                                            + names.prefix(20).joined(separator: ", "))
                }
                codes.append(code)
            }
            return (Tensor(codes, shape: [codes.count]), names)
        }
        // Whole-number labels are class names too, as scikit-learn's LabelEncoder treats them: the
        // sorted distinct values become classes 0..<k, so {1, 2}, {-1, 1} or {100, 200} make two classes.
        var labels: [Int64] = []
        for (row, value) in values.enumerated() {
            guard case .number(let number) = value, number.isFinite, number == number.rounded(), Swift.abs(number) < 1e15 else {
                throw RunDirectoryError(.invalidLabel, "\(place(row)): label '\(value)' is not a whole number; class labels are whole "
                                        + "numbers or text (use --task regression for a numeric target)")
            }
            labels.append(Int64(number))
        }
        let names = classNames ?? Array(Set(labels)).sorted().map(String.init)
        let index = Dictionary(names.enumerated().map { ($1, Int64($0)) }, uniquingKeysWith: { first, _ in first })
        // A model whose classes have text names (setosa, versicolor, …) reads numbers as class indices.
        let numbersAreIndices = classNames != nil && names.contains { Int64($0) == nil }
        var codes: [Int64] = []
        for (row, label) in labels.enumerated() {
            if numbersAreIndices ? (0..<Int64(names.count)).contains(label) : index[String(label)] != nil {
                codes.append(numbersAreIndices ? label : index[String(label)]!)
                continue
            }
            let isIndexed = numbersAreIndices || names == (0..<names.count).map(String.init)
            let expected = isIndexed ? "out of range; labels must be 0...\(names.count - 1) (the model has \(names.count) classes)"
                : "not one of the model's classes: " + names.prefix(20).joined(separator: ", ")
            throw RunDirectoryError(.invalidLabel, "\(place(row)): label \(label) is \(expected)")
        }
        return (Tensor(codes, shape: [codes.count]), names)
    }

    /// Throws when a bundled dataset's labels exceed a model's classes.
    static func checkLabels(_ data: LabeledData, classCount: Int) throws {
        guard data.task == .classification else {
            throw RunDirectoryError(.incompatibleData, "dataset '\(data.name)' is a regression dataset but the model is a classifier")
        }
        for (row, label) in data.targets.scalars(as: Int64.self).enumerated() where label < 0 || label >= classCount {
            throw RunDirectoryError(.invalidLabel, "\(data.name): record \(row + 1): label \(label) is out of range for the model's \(classCount) classes")
        }
    }
}

/// One CSV target field: a number, or text (a class name).
enum CSVTargetValue: CustomStringConvertible {
    case number(Double)
    case text(String)

    var description: String {
        switch self {
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .text(let text): return text
        }
    }
}
