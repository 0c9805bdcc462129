import Flint

/// What a dataset's targets are: class indices or real values.
///
/// ```swift
/// if data.task == .classification { print(data.classNames!) }
/// ```
public enum DatasetTask: String, Sendable, Equatable, CustomStringConvertible {
    /// Targets are class indices 0..<classCount (int64).
    case classification
    /// Targets are real numbers (float64).
    case regression

    /// `classification` or `regression`.
    ///
    /// ```swift
    /// DatasetTask.regression.description  // "regression"
    /// ```
    public var description: String { rawValue }
}

/// A table of samples with one target each, as the bundled datasets load: features float64
/// `[n, f]`, targets int64 `[n]` (classification) or float64 `[n]` (regression).
///
/// Image datasets keep their raw pixel values (digits 0–16, MNIST and Fashion-MNIST 0–255; see
/// ``pixelMaximum``) with ``imageShape`` telling how a row folds into `[channels, height, width]`;
/// recipes normalise (divide by ``pixelMaximum``, or standardise) themselves.
///
/// ```swift
/// let digits = try BundledDatasets.load(name: "digits")
/// digits.features.shape  // [1797, 64]
/// let images = digits.features.reshaped([digits.sampleCount] + digits.imageShape!)  // [1797, 1, 8, 8]
/// ```
public struct LabeledData: Sendable {
    /// The dataset's name (`iris`, `mnist-5k`, `fashion-mnist/test`, …).
    public let name: String
    /// The samples, float64 `[sampleCount, featureCount]`.
    public let features: Tensor
    /// The targets: int64 class indices `[sampleCount]`, or float64 values for regression.
    public let targets: Tensor
    /// One name per feature column.
    public let featureNames: [String]
    /// The class names, index `i` naming class `i`; nil for regression.
    public let classNames: [String]?
    /// `[channels, height, width]` when each row is an image (`[1, 28, 28]`), else nil.
    public let imageShape: [Int]?
    /// The largest raw pixel value for image datasets (16 for digits, 255 for MNIST), else nil.
    public let pixelMaximum: Double?

    /// A dataset; shapes and dtypes are checked (programmer errors).
    ///
    /// ```swift
    /// let data = LabeledData(name: "toy", features: Tensor([[0.0, 1.0], [1.0, 0.0]]), targets: Tensor([1, 0] as [Int64]),
    ///                        featureNames: ["a", "b"], classNames: ["no", "yes"])
    /// ```
    public init(name: String, features: Tensor, targets: Tensor, featureNames: [String], classNames: [String]?,
                imageShape: [Int]? = nil, pixelMaximum: Double? = nil) {
        precondition(features.rank == 2 && features.dtype == .float64,
                     "LabeledData: features must be float64 [n, f], got \(features.dtype) \(features.shape)")
        precondition(targets.rank == 1 && targets.shape[0] == features.shape[0],
                     "LabeledData: targets must be [\(features.shape[0])], got \(targets.shape)")
        precondition(targets.dtype == (classNames == nil ? .float64 : .int64),
                     "LabeledData: targets must be int64 for classification and float64 for regression, got \(targets.dtype)")
        precondition(featureNames.count == features.shape[1],
                     "LabeledData: \(featureNames.count) feature names for \(features.shape[1]) features")
        precondition(imageShape.map { $0.reduce(1, *) == features.shape[1] } ?? true,
                     "LabeledData: image shape \(imageShape ?? []) does not hold \(features.shape[1]) features")
        self.name = name
        self.features = features
        self.targets = targets
        self.featureNames = featureNames
        self.classNames = classNames
        self.imageShape = imageShape
        self.pixelMaximum = pixelMaximum
    }

    /// Classification when there are class names, else regression.
    ///
    /// ```swift
    /// try BundledDatasets.load(name: "diabetes").task  // .regression
    /// ```
    public var task: DatasetTask { classNames == nil ? .regression : .classification }

    /// The number of samples (rows).
    ///
    /// ```swift
    /// try BundledDatasets.load(name: "iris").sampleCount  // 150
    /// ```
    public var sampleCount: Int { features.shape[0] }

    /// The number of features (columns).
    ///
    /// ```swift
    /// try BundledDatasets.load(name: "wine").featureCount  // 13
    /// ```
    public var featureCount: Int { features.shape[1] }

    /// The number of classes (0 for regression).
    ///
    /// ```swift
    /// try BundledDatasets.load(name: "breast-cancer").classCount  // 2
    /// ```
    public var classCount: Int { classNames?.count ?? 0 }

    /// How many samples each class has (empty for regression).
    ///
    /// ```swift
    /// try BundledDatasets.load(name: "iris").classCounts()  // [50, 50, 50]
    /// ```
    public func classCounts() -> [Int] {
        guard task == .classification else { return [] }
        var counts = [Int](repeating: 0, count: classCount)
        for label in targets.scalars(as: Int64.self) { counts[Int(label)] += 1 }
        return counts
    }
}

/// A dataset published with a training and a test part (Fashion-MNIST: 60,000 and 10,000 images).
///
/// ```swift
/// let splits = try BundledDatasets.loadSplits(name: "fashion-mnist")
/// splits.train.sampleCount  // 60000
/// ```
public struct DatasetSplits: Sendable {
    /// The training part.
    public let train: LabeledData
    /// The test part.
    public let test: LabeledData
}
