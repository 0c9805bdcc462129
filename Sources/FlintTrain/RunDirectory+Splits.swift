import Flint
import FlintData
import Foundation

/// Everything `flint train` needs before training: the train, validation and test rows prepared for
/// a recipe, and the ``ModelConfig`` describing the model to build (preprocessing fitted on the
/// training rows only).
///
/// ```swift
/// let source = DataSource("digits")
/// let data = try TrainingData.prepare(source.load(), datasetName: source.description, recipe: .cnn, seed: 42)
/// let model = try data.config.buildModel()
/// // trainer.fit(model, data.train.dataset(), validation: data.validation?.dataset()) …
/// try run.writeRun(model: model, config: data.config, metrics: metrics)
/// ```
public struct TrainingData: Sendable {
    /// The rows to train on.
    public let train: PreparedData
    /// The rows for validation (nil when the validation fraction is 0).
    public let validation: PreparedData?
    /// The rows for the final test.
    public let test: PreparedData
    /// The model's config.
    public let config: ModelConfig

    /// Splits `loaded` (seeded; stratified by class for classification; a predefined test split is
    /// kept as the test), fits the preprocessing on the training rows (pixel scaling for image data,
    /// standardization otherwise; regression targets standardized too) and shapes every part for `recipe`. A recipe that needs images on
    /// tabular data throws.
    ///
    /// ```swift
    /// let data = try TrainingData.prepare(try DataSource("iris").load(), datasetName: "iris", recipe: .mlp,
    ///                                     validationFraction: 0.1, testFraction: 0.2, seed: 0)
    /// data.train.count  // 105
    /// ```
    public static func prepare(_ loaded: LoadedDataset, datasetName: String, recipe: Recipe, options: RecipeOptions? = nil,
                               validationFraction: Double = 0.1, testFraction: Double = 0.2, seed: UInt64 = 0) throws -> TrainingData {
        let data = loaded.data
        guard validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1 else {
            throw RunDirectoryError(.incompatibleData, "the validation (\(validationFraction)) and test (\(testFraction)) fractions must be "
                                    + "at least 0 and leave rows to train on")
        }
        if recipe.needsImages && data.imageShape == nil {
            throw RunDirectoryError(.incompatibleData, "recipe '\(recipe)' needs images, but '\(data.name)' has \(data.featureCount) tabular "
                                    + "features; use a dataset of images (digits, mnist-5k, fashion-mnist, an IDX or [n, H, W] .npy file) "
                                    + "or the mlp or logistic recipe")
        }
        let spec = DataSplitSpec(validationFraction: validationFraction, testFraction: loaded.test == nil ? testFraction : 0, seed: seed)
        let parts = try spec.parts(of: loaded)
        guard parts.train.sampleCount > 0, parts.test.sampleCount > 0 else {
            throw RunDirectoryError(.incompatibleData, "'\(data.name)' has \(data.sampleCount) rows: too few to split into training and test rows")
        }
        var preprocessing: Preprocessing
        if data.imageShape != nil, let maximum = data.pixelMaximum {
            preprocessing = .pixelScaling(maximum: maximum)
        } else {
            preprocessing = .standardization(fittedOn: parts.train.features)
        }
        if data.task == .regression { preprocessing = preprocessing.standardizingTargets(fittedOn: parts.train.targets) }
        let inputShape = recipe.needsImages ? data.imageShape! : [data.featureCount]
        let config = ModelConfig(recipe: recipe, options: options, inputShape: inputShape, task: data.task,
                                 outputCount: data.task == .classification ? data.classCount : 1, classNames: data.classNames,
                                 preprocessing: preprocessing, datasetName: datasetName, featureNames: data.featureNames,
                                 targetName: loaded.targetName, split: spec)
        do {
            _ = try config.buildModel()
        } catch let error as RecipeError {
            throw RunDirectoryError(.incompatibleData, error.description)
        }
        return TrainingData(train: try config.prepare(parts.train),
                            validation: parts.validation.sampleCount > 0 ? try config.prepare(parts.validation) : nil,
                            test: try config.prepare(parts.test), config: config)
    }
}

/// The dataset splits `flint eval --split` names.
///
/// ```swift
/// let part = try DataSplitName(argument: "test")
/// ```
public enum DataSplitName: String, CaseIterable, Sendable {
    /// The training rows.
    case train
    /// The validation rows.
    case validation
    /// The test rows.
    case test
    /// Every row.
    case all

    /// The split called `argument`, or an error listing the valid names.
    ///
    /// ```swift
    /// try DataSplitName(argument: "validation")  // .validation
    /// ```
    public init(argument: String) throws {
        guard let split = DataSplitName(rawValue: argument) else {
            throw RunDirectoryError(.incompatibleData, "unknown split '\(argument)'; the splits are: "
                                    + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = split
    }
}

extension LoadedDataset {
    /// Every row: the data followed by the predefined test part, if any.
    ///
    /// ```swift
    /// try DataSource("fashion-mnist").load().allRows.sampleCount  // 70000
    /// ```
    public var allRows: LabeledData { test.map { data.appending($0) } ?? data }
}

extension DataSplitSpec {
    /// The train, validation and test rows of `loaded` under this split: a predefined test split is
    /// the test and the rest is divided into train and validation; otherwise all three come from the
    /// rows (stratified for classification).
    ///
    /// ```swift
    /// let parts = try config.split!.parts(of: try DataSource("iris").load())
    /// ```
    public func parts(of loaded: LoadedDataset) throws -> (train: LabeledData, validation: LabeledData, test: LabeledData) {
        let data = loaded.data
        let labels = data.task == .classification ? data.targets.scalars(as: Int64.self).map(Int.init) : nil
        let indices: (train: [Int], validation: [Int], test: [Int])
        do {
            indices = try trainValidationTestSplit(count: data.sampleCount, validationFraction: validationFraction,
                                                   testFraction: loaded.test == nil ? testFraction : 0, stratifyBy: labels, seed: seed)
        } catch let error as DataPipelineError {
            throw RunDirectoryError(.incompatibleData, "cannot split '\(data.name)': \(error)")
        }
        let test = loaded.test ?? data.rows(indices.test, name: "test")
        return (data.rows(indices.train, name: "train"), data.rows(indices.validation, name: "validation"), test)
    }

    /// The rows of `loaded` that `split` names.
    ///
    /// ```swift
    /// let testRows = try spec.rows(.test, of: loaded)
    /// ```
    public func rows(_ split: DataSplitName, of loaded: LoadedDataset) throws -> LabeledData {
        switch split {
        case .all: return loaded.allRows
        case .train: return try parts(of: loaded).train
        case .validation: return try parts(of: loaded).validation
        case .test: return try parts(of: loaded).test
        }
    }
}
