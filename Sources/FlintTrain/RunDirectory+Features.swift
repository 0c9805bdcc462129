import Flint
import FlintData
import Foundation

/// A CSV file's feature columns (float64) and, optionally, its target column as read.
struct CSVFeatures {
    /// float64 `[rows, features]`.
    let features: Tensor
    /// The feature columns' names (header texts, or "0", "1", … without a header).
    let featureNames: [String]
    /// The target fields, when a target column was found.
    let target: [CSVTargetValue]?
    /// The target column's name.
    let targetName: String?
    /// The line of record r (0-based) is `r + lineOffset` (2 with a header, 1 without).
    let lineOffset: Int

    /// Reads `url`. The header is detected (a first record that is not all numbers). The target is
    /// the column `target` (by name, or by 0-based number without a header) or, when nil and
    /// `targetRequired`, the last column; when not required, `target` is dropped if present. With
    /// `featureNames` all present in the header, exactly those columns are the features; with some
    /// present and some missing it is an error (the columns would be read in the wrong places); with
    /// none present the columns are taken by position.
    static func read(_ url: URL, target: String?, targetRequired: Bool, featureNames wanted: [String]? = nil) throws -> CSVFeatures {
        let data = try Gzip.readFile(url)
        let text = String(decoding: data, as: UTF8.self)
        let lowercased = url.lastPathComponent.lowercased()
        let delimiter: CSVDelimiter = lowercased.hasSuffix(".tsv") || lowercased.hasSuffix(".tsv.gz") ? .tab : .comma
        let firstLine = String(text.prefix { $0 != "\n" && $0 != "\r\n" })
        guard !firstLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RunDirectoryError(.incompatibleData, "\(url.path) is empty: it holds no rows")
        }
        let hasHeader = (try? CSVReader.read(text: firstLine, options: CSVOptions(hasHeader: false, delimiter: delimiter))) == nil
        let names = try located(url) {
            try CSVReader.read(text: firstLine, options: CSVOptions(hasHeader: true, delimiter: delimiter)).columnNames
        }
        let targetIndex: Int?
        if let target {
            if let index = names.firstIndex(of: target) {
                targetIndex = index
            } else if !hasHeader, let index = Int(target), names.indices.contains(index) {
                targetIndex = index
            } else if targetRequired {
                throw RunDirectoryError(.incompatibleData, "\(url.path) has no column '\(target)'; its columns are: "
                                        + (hasHeader ? names.joined(separator: ", ") : "0...\(names.count - 1) (no header)"))
            } else {
                targetIndex = nil
            }
        } else {
            targetIndex = targetRequired ? names.count - 1 : nil
        }
        if targetRequired && names.count < 2 {
            throw RunDirectoryError(.incompatibleData, "\(url.path) has one column; it needs feature columns and a target column")
        }
        var featureIndices = names.indices.filter { $0 != targetIndex }
        if hasHeader, let wanted {
            let missing = wanted.filter { !names.contains($0) }
            if missing.isEmpty {
                featureIndices = wanted.map { names.firstIndex(of: $0)! }
            } else if missing.count < wanted.count {
                // Some names match and some do not: reading by position would feed columns to the wrong inputs.
                throw RunDirectoryError(.incompatibleData, "\(url.path) lacks the feature column"
                                        + (missing.count == 1 ? " " : "s ") + missing.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
                                        + "; the model takes " + wanted.joined(separator: ", ")
                                        + " (name every column as in training, or use no names at all to go by position)")
            }
        }
        let options = CSVOptions(hasHeader: hasHeader, delimiter: delimiter, categoricalColumns: targetIndex.map { [.index($0)] } ?? [])
        let table = try located(url) { try CSVReader.read(text: text, options: options) }
        guard table.rowCount > 0 else { throw RunDirectoryError(.incompatibleData, "\(url.path) has a header but no rows") }
        let features = table.numericTensor(columns: featureIndices.map { table.columnNames[$0] })
        var targetValues: [CSVTargetValue]? = nil
        if let targetIndex, case .categorical(let fields) = table.columns[targetIndex] {
            targetValues = fields.map { field in
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                return Double(trimmed).map(CSVTargetValue.number) ?? .text(trimmed)
            }
        }
        return CSVFeatures(features: features, featureNames: featureIndices.map { table.columnNames[$0] }, target: targetValues,
                           targetName: targetIndex.map { table.columnNames[$0] }, lineOffset: hasHeader ? 2 : 1)
    }

    /// Runs `body`, naming `url` in a data file error that lacks a path.
    static func located<Result>(_ url: URL, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as DataFileError where error.path == nil {
            throw DataFileError(error.kind, error.message, path: url.path)
        }
    }
}

/// An array's samples `[n, ...]` as float64 feature rows; rank 3 `[n, H, W]` and rank 4 `[n, C, H, W]`
/// arrays are images (uint8 pixels have maximum 255).
struct ArrayFeatures {
    let features: Tensor
    let imageShape: [Int]?
    let pixelMaximum: Double?
    var count: Int { features.shape[0] }
    var featureCount: Int { features.shape[1] }

    init(_ array: Tensor, name: String) throws {
        guard array.rank >= 1, array.shape[0] > 0 else {
            throw RunDirectoryError(.incompatibleData, "\(name) holds no samples (shape \(array.shape))")
        }
        guard array.dtype != .bool else { throw RunDirectoryError(.incompatibleData, "\(name) holds booleans, not numbers") }
        let perSample = Array(array.shape.dropFirst())
        features = array.to(.float64).reshaped([array.shape[0], perSample.reduce(1, *)])
        switch perSample.count {
        case 2: imageShape = [1] + perSample
        case 3: imageShape = perSample
        default: imageShape = nil
        }
        pixelMaximum = imageShape != nil && array.dtype == .uint8 ? 255 : nil
    }
}

extension LabeledData {
    /// The rows at `indices`, in that order.
    func rows(_ indices: [Int], name suffix: String) -> LabeledData {
        let index = Tensor(indices.map(Int64.init), shape: [indices.count])
        return LabeledData(name: "\(name)/\(suffix)", features: features.indexSelect(axis: 0, index: index),
                           targets: targets.indexSelect(axis: 0, index: index), featureNames: featureNames, classNames: classNames,
                           imageShape: imageShape, pixelMaximum: pixelMaximum)
    }

    /// This data's rows followed by `other`'s.
    func appending(_ other: LabeledData) -> LabeledData {
        LabeledData(name: name, features: Tensor.concatenate([features, other.features]),
                    targets: Tensor.concatenate([targets, other.targets]), featureNames: featureNames, classNames: classNames,
                    imageShape: imageShape, pixelMaximum: pixelMaximum)
    }
}

/// What a fitted model expects of its input rows: the feature columns (by name, for CSV files with a
/// header), the target column to drop, and the shape of one sample. Shared by neural-network runs
/// (``ModelConfig``) and saved FlintLearn estimators, so both read prediction files the same way.
///
/// ```swift
/// let schema = FeatureSchema(featureNames: ["sepal length", "sepal width"], targetName: "species", inputShape: [2])
/// let features = try schema.readFeatures(URL(fileURLWithPath: "new-flowers.csv"))
/// ```
public struct FeatureSchema: Sendable, Equatable {
    /// The feature column names in training order, when known.
    public var featureNames: [String]?
    /// The target column, dropped from a CSV file that has it.
    public var targetName: String?
    /// The shape of one sample (`[features]` for tables, `[1, 28, 28]` for images).
    public var inputShape: [Int]

    /// A schema.
    ///
    /// ```swift
    /// let schema = FeatureSchema(featureNames: nil, targetName: nil, inputShape: [64])
    /// ```
    public init(featureNames: [String]?, targetName: String?, inputShape: [Int]) {
        self.featureNames = featureNames
        self.targetName = targetName
        self.inputShape = inputShape
    }

    /// The number of values per sample.
    ///
    /// ```swift
    /// FeatureSchema(featureNames: nil, targetName: nil, inputShape: [1, 28, 28]).featureCount   // 784
    /// ```
    public var featureCount: Int { inputShape.reduce(1, *) }

    /// Raw feature rows for prediction from a `.csv` (header optional; with the training feature
    /// names those columns are taken, and the target column is dropped if present), `.npy`, `.npz`
    /// (array `x`) or IDX file, as float64 `[n, featureCount]`. A wrong feature count or a value that is
    /// not a finite number throws, naming the sample.
    ///
    /// ```swift
    /// let features = try schema.readFeatures(URL(fileURLWithPath: "new-flowers.csv"))
    /// ```
    public func readFeatures(_ url: URL) throws -> Tensor {
        try DataFileLoader.requireFile(url)
        let features: Tensor
        switch try DataFileLoader.kind(of: url) {
        case .csv:
            let table = try CSVFeatures.read(url, target: targetName, targetRequired: false, featureNames: featureNames)
            guard table.features.shape[1] == featureCount else {
                throw RunDirectoryError(.incompatibleData, "\(url.path) has \(table.features.shape[1]) feature columns but the model takes "
                                        + "\(featureCount)\(featureNames.map { " (" + $0.prefix(8).joined(separator: ", ") + ($0.count > 8 ? ", …)" : ")") } ?? "")")
            }
            features = table.features
        case .npz:
            let arrays = try NumPyFile.readArchive(url)
            guard let x = arrays["x"] ?? arrays["X"] ?? arrays["features"] else {
                throw RunDirectoryError(.incompatibleData, "\(url.path) needs an array 'x' of features; it has " + arrays.keys.sorted().joined(separator: ", "))
            }
            features = try ArrayFeatures(x, name: url.path).features
        case .npy, .idx:
            let array = try DataFileLoader.readArray(url)
            // A single sample shaped like the model's input is one row.
            let rows = array.shape == inputShape && inputShape.count > 1 ? array.reshaped([1] + inputShape) : array
            features = try ArrayFeatures(rows, name: url.path).features
        }
        guard features.shape[1] == featureCount else {
            throw RunDirectoryError(.incompatibleData, "\(url.path) holds samples of \(features.shape[1]) values but the model takes "
                                    + "\(featureCount) (input shape \(inputShape))")
        }
        // A NaN or infinity would pass through the network and come out as a confident class.
        let values = features.contiguous().scalars(as: Double.self)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw RunDirectoryError(.incompatibleData, "\(url.path): sample \(index / featureCount + 1), value \(index % featureCount + 1) is "
                                    + "\(values[index]); every input value must be a finite number")
        }
        return features
    }
}

extension ModelConfig {
    /// The input this model expects, as a ``FeatureSchema``.
    ///
    /// ```swift
    /// let schema = config.featureSchema
    /// ```
    public var featureSchema: FeatureSchema {
        FeatureSchema(featureNames: featureNames, targetName: targetName, inputShape: inputShape)
    }

    /// Raw feature rows for prediction, read as ``FeatureSchema/readFeatures(_:)`` does.
    ///
    /// ```swift
    /// let features = try config.readFeatures(URL(fileURLWithPath: "new-flowers.csv"))
    /// let inputs = try config.modelInputs(features)
    /// ```
    public func readFeatures(_ url: URL) throws -> Tensor {
        try featureSchema.readFeatures(url)
    }

    /// Raw feature rows `[n, featureCount]` preprocessed and shaped as the model takes them:
    /// float32 `[n] + inputShape`.
    ///
    /// ```swift
    /// let outputs = model(try config.modelInputs(features))
    /// ```
    public func modelInputs(_ features: Tensor) throws -> Tensor {
        guard features.rank == 2, features.shape[1] == featureCount else {
            throw RunDirectoryError(.incompatibleData, "the data has \(features.rank == 2 ? features.shape[1] : features.count) features per sample "
                                    + "but the model takes \(featureCount) (input shape \(inputShape))")
        }
        return preprocessing.apply(features).reshaped([features.shape[0]] + inputShape)
    }

    /// Labeled rows ready for this model: inputs as ``modelInputs(_:)`` and targets as the trainer
    /// takes them (int64 `[n]` class indices, or float32 `[n, 1]` values, standardized when the
    /// preprocessing has target statistics). Labels out of the model's
    /// range, or a task that differs from the model's, throw.
    ///
    /// ```swift
    /// let prepared = try config.prepare(loaded.data)
    /// ```
    public func prepare(_ data: LabeledData) throws -> PreparedData {
        guard data.task == task else {
            throw RunDirectoryError(.incompatibleData, "'\(data.name)' is a \(data.task) dataset but the model does \(task)")
        }
        if isClassifier { try DataFileLoader.checkLabels(data, classCount: outputCount) }
        let inputs = try modelInputs(data.features)
        let targets = isClassifier ? data.targets : preprocessing.standardizeTargets(data.targets).reshaped([data.sampleCount, 1])
        return PreparedData(inputs: inputs, targets: targets)
    }
}

/// Rows ready for a model: float32 inputs `[n] + inputShape` and targets (int64 `[n]` classes, or
/// float32 `[n, 1]` values).
///
/// ```swift
/// let loader = DataLoader(prepared.dataset(), batchSize: 64, shuffle: true, seed: 0)
/// ```
public struct PreparedData: Sendable {
    /// The model inputs.
    public let inputs: Tensor
    /// The targets.
    public let targets: Tensor

    /// Prepared rows (shapes must agree on the first axis).
    ///
    /// ```swift
    /// let prepared = PreparedData(inputs: Tensor.zeros([2, 4]), targets: Tensor([0, 1] as [Int64]))
    /// ```
    public init(inputs: Tensor, targets: Tensor) {
        precondition(inputs.rank >= 1 && targets.rank >= 1 && inputs.shape[0] == targets.shape[0],
                     "PreparedData: \(inputs.shape) inputs for \(targets.shape) targets")
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of rows.
    ///
    /// ```swift
    /// prepared.count  // 360
    /// ```
    public var count: Int { inputs.shape[0] }

    /// The rows as a FlintData dataset (for a `DataLoader`).
    ///
    /// ```swift
    /// let dataset = prepared.dataset()
    /// ```
    public func dataset() -> TensorDataset { TensorDataset(inputs: inputs, targets: targets) }
}
