import Flint
import FlintData
import FlintNN
import Foundation

/// Everything needed to rebuild a trained model and feed it new data: the recipe and its options,
/// the input shape, the outputs, the preprocessing fitted at training time, the class names and
/// where the data came from. A run directory stores it as `config.json`.
///
/// ```swift
/// let config = ModelConfig(recipe: .mlp, inputShape: [4], task: .classification, outputCount: 3,
///                          classNames: ["setosa", "versicolor", "virginica"], datasetName: "iris")
/// let model = try config.buildModel()
/// ```
public struct ModelConfig: Codable, Equatable, Sendable {
    /// The `config.json` layout this version writes (and the newest it reads).
    ///
    /// ```swift
    /// ModelConfig.currentFormatVersion  // 1
    /// ```
    public static let currentFormatVersion = 1

    /// The layout version of this config.
    public var formatVersion: Int
    /// The recipe that builds the model.
    public var recipe: Recipe
    /// The recipe's hyperparameters.
    public var options: RecipeOptions
    /// One sample's shape as the model takes it: `[features]`, or `[channels, height, width]`.
    public var inputShape: [Int]
    /// Classification (outputs are logits, one per class) or regression (outputs are values).
    public var task: DatasetTask
    /// The number of outputs: the class count for classification, 1 for regression.
    public var outputCount: Int
    /// The class names (index `i` names class `i`); nil for regression.
    public var classNames: [String]?
    /// What is done to raw feature rows before the model sees them.
    public var preprocessing: Preprocessing
    /// The training dataset: a bundled name or the path it was read from.
    public var datasetName: String?
    /// The raw feature columns' names, when known (CSV headers, bundled feature names).
    public var featureNames: [String]?
    /// The target column's name, when the data came from a CSV file.
    public var targetName: String?
    /// How the training data was split (so `flint eval --split test` finds the same test rows).
    public var split: DataSplitSpec?

    /// A config; `options` defaults to the recipe's defaults.
    ///
    /// ```swift
    /// let config = ModelConfig(recipe: .cnn, inputShape: [1, 8, 8], task: .classification, outputCount: 10,
    ///                          preprocessing: .pixelScaling(maximum: 16))
    /// ```
    public init(recipe: Recipe, options: RecipeOptions? = nil, inputShape: [Int], task: DatasetTask, outputCount: Int,
                classNames: [String]? = nil, preprocessing: Preprocessing = .identity, datasetName: String? = nil,
                featureNames: [String]? = nil, targetName: String? = nil, split: DataSplitSpec? = nil) {
        self.formatVersion = Self.currentFormatVersion
        self.recipe = recipe
        self.options = options ?? .defaults(for: recipe)
        self.inputShape = inputShape
        self.task = task
        self.outputCount = outputCount
        self.classNames = classNames
        self.preprocessing = preprocessing
        self.datasetName = datasetName
        self.featureNames = featureNames
        self.targetName = targetName
        self.split = split
    }

    /// The number of raw feature values per sample (the product of ``inputShape``).
    ///
    /// ```swift
    /// config.featureCount  // 64 for [1, 8, 8]
    /// ```
    public var featureCount: Int { inputShape.reduce(1, *) }

    /// Whether the model is a classifier.
    ///
    /// ```swift
    /// if config.isClassifier { print(config.classNames ?? []) }
    /// ```
    public var isClassifier: Bool { task == .classification }

    /// The name of class `index` (its number when there are no names).
    ///
    /// ```swift
    /// config.className(2)  // "virginica"
    /// ```
    public func className(_ index: Int) -> String {
        guard let classNames, classNames.indices.contains(index) else { return String(index) }
        return classNames[index]
    }

    /// A freshly initialised model of this config's recipe, options, input shape and outputs.
    ///
    /// ```swift
    /// let model = try config.buildModel()
    /// try model.load(from: modelURL)
    /// ```
    public func buildModel() throws -> Module {
        try recipe.build(inputShape: inputShape, outputCount: outputCount, options: options)
    }

    /// Throws a ``RecipeError`` when the fields contradict each other (as a hand-edited file may).
    ///
    /// ```swift
    /// try config.validate()
    /// ```
    public func validate() throws {
        guard formatVersion >= 1 && formatVersion <= Self.currentFormatVersion else {
            throw RecipeError("config format version \(formatVersion) is not supported (this Flint reads 1...\(Self.currentFormatVersion)); "
                              + "update Flint or retrain")
        }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw RecipeError("inputShape must hold positive sizes, got \(inputShape)")
        }
        if isClassifier {
            guard outputCount >= 1 else { throw RecipeError("a classifier needs at least one class, got outputCount \(outputCount)") }
            if let classNames, classNames.count != outputCount {
                throw RecipeError("\(classNames.count) class names for \(outputCount) outputs")
            }
        } else if outputCount != 1 {
            throw RecipeError("a regression model has one output, got outputCount \(outputCount)")
        }
        try preprocessing.validate(featureCount: featureCount)
        if let featureNames, featureNames.count != featureCount {
            throw RecipeError("\(featureNames.count) feature names for \(featureCount) features")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case formatVersion, recipe, options, inputShape, task, outputCount, classNames, preprocessing
        case datasetName, featureNames, targetName, split
    }

    /// Reads a config from JSON (the task as `"classification"` or `"regression"`).
    ///
    /// ```swift
    /// let config = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: run.configURL))
    /// ```
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        recipe = try container.decode(Recipe.self, forKey: .recipe)
        options = try container.decode(RecipeOptions.self, forKey: .options)
        inputShape = try container.decode([Int].self, forKey: .inputShape)
        let taskName = try container.decode(String.self, forKey: .task)
        guard let task = DatasetTask(rawValue: taskName) else {
            throw DecodingError.dataCorruptedError(forKey: .task, in: container,
                                                   debugDescription: "task must be \"classification\" or \"regression\", got \"\(taskName)\"")
        }
        self.task = task
        outputCount = try container.decode(Int.self, forKey: .outputCount)
        classNames = try container.decodeIfPresent([String].self, forKey: .classNames)
        preprocessing = try container.decode(Preprocessing.self, forKey: .preprocessing)
        datasetName = try container.decodeIfPresent(String.self, forKey: .datasetName)
        featureNames = try container.decodeIfPresent([String].self, forKey: .featureNames)
        targetName = try container.decodeIfPresent(String.self, forKey: .targetName)
        split = try container.decodeIfPresent(DataSplitSpec.self, forKey: .split)
    }

    /// Writes the config as JSON.
    ///
    /// ```swift
    /// let json = try JSONEncoder().encode(config)
    /// ```
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(formatVersion, forKey: .formatVersion)
        try container.encode(recipe, forKey: .recipe)
        try container.encode(options, forKey: .options)
        try container.encode(inputShape, forKey: .inputShape)
        try container.encode(task.rawValue, forKey: .task)
        try container.encode(outputCount, forKey: .outputCount)
        try container.encodeIfPresent(classNames, forKey: .classNames)
        try container.encode(preprocessing, forKey: .preprocessing)
        try container.encodeIfPresent(datasetName, forKey: .datasetName)
        try container.encodeIfPresent(featureNames, forKey: .featureNames)
        try container.encodeIfPresent(targetName, forKey: .targetName)
        try container.encodeIfPresent(split, forKey: .split)
    }
}

/// What is done to raw feature rows (float64 `[n, features]`) before the model sees them: pixel
/// scaling (divide by ``pixelMaximum``) for images, per-feature standardization (statistics fitted
/// on the training rows only) for tabular data, or nothing.
///
/// ```swift
/// let standardize = Preprocessing.standardization(fittedOn: trainFeatures)
/// let inputs = standardize.apply(testFeatures)   // float32 [n, features]
/// ```
public struct Preprocessing: Codable, Equatable, Sendable {
    /// Each feature's training mean, subtracted first (nil: none).
    public var featureMean: [Double]?
    /// Each feature's training standard deviation (1 for constant features), divided by after centring.
    public var featureScale: [Double]?
    /// The largest raw pixel value; features are divided by it (nil: no pixel scaling).
    public var pixelMaximum: Double?
    /// Regression: the training targets' mean, subtracted before training (the model learns
    /// standardized targets; predictions are mapped back with ``restoreTargets(_:)``).
    public var targetMean: Double?
    /// Regression: the training targets' standard deviation (1 when constant).
    public var targetScale: Double?

    /// Preprocessing with the given parts.
    ///
    /// ```swift
    /// let preprocessing = Preprocessing(featureMean: [5.8], featureScale: [0.8])
    /// ```
    public init(featureMean: [Double]? = nil, featureScale: [Double]? = nil, pixelMaximum: Double? = nil,
                targetMean: Double? = nil, targetScale: Double? = nil) {
        self.featureMean = featureMean
        self.featureScale = featureScale
        self.pixelMaximum = pixelMaximum
        self.targetMean = targetMean
        self.targetScale = targetScale
    }

    /// This preprocessing plus target standardization fitted on regression `targets` `[n]`.
    ///
    /// ```swift
    /// let preprocessing = Preprocessing.standardization(fittedOn: features).standardizingTargets(fittedOn: targets)
    /// ```
    public func standardizingTargets(fittedOn targets: Tensor) -> Preprocessing {
        precondition(targets.count > 0, "Preprocessing.standardizingTargets: needs at least one target")
        let values = targets.scalars(as: Double.self)
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        var result = self
        result.targetMean = mean
        result.targetScale = deviation > 0 && deviation.isFinite ? deviation : 1
        return result
    }

    /// Regression targets as the model learns them: `(targets - targetMean) / targetScale`, float32.
    ///
    /// ```swift
    /// let trainingTargets = preprocessing.standardizeTargets(targets)
    /// ```
    public func standardizeTargets(_ targets: Tensor) -> Tensor {
        let values = targets.to(.float64)
        guard let targetMean, let targetScale else { return values.to(.float32) }
        return ((values - targetMean) / targetScale).to(.float32)
    }

    /// Model outputs in the targets' own units: `outputs * targetScale + targetMean` (float64).
    ///
    /// ```swift
    /// let predictedPrices = config.preprocessing.restoreTargets(model(inputs))
    /// ```
    public func restoreTargets(_ outputs: Tensor) -> Tensor {
        let values = outputs.to(.float64)
        guard let targetMean, let targetScale else { return values }
        return values * targetScale + targetMean
    }

    /// No preprocessing: features are only converted to float32.
    ///
    /// ```swift
    /// Preprocessing.identity.apply(features)
    /// ```
    public static let identity = Preprocessing()

    /// Divides every feature by `maximum` (16 for digits, 255 for MNIST) so pixels lie in [0, 1].
    ///
    /// ```swift
    /// let scaling = Preprocessing.pixelScaling(maximum: 255)
    /// ```
    public static func pixelScaling(maximum: Double) -> Preprocessing {
        precondition(maximum > 0 && maximum.isFinite, "Preprocessing.pixelScaling: the maximum must be positive, got \(maximum)")
        return Preprocessing(pixelMaximum: maximum)
    }

    /// Standardization with each feature's mean and population standard deviation over `features`
    /// `[n, f]` (scikit-learn's `StandardScaler`; constant features get scale 1).
    ///
    /// ```swift
    /// let standardize = Preprocessing.standardization(fittedOn: trainFeatures)
    /// ```
    public static func standardization(fittedOn features: Tensor) -> Preprocessing {
        precondition(features.rank == 2 && features.shape[0] > 0,
                     "Preprocessing.standardization: needs features [n > 0, f], got shape \(features.shape)")
        let fitted = Standardize.fit(features)
        return Preprocessing(featureMean: fitted.mean.scalars(as: Double.self), featureScale: fitted.scale.scalars(as: Double.self))
    }

    /// `features` `[n, f]` (any numeric dtype) preprocessed, as float32 `[n, f]`.
    ///
    /// ```swift
    /// let inputs = config.preprocessing.apply(rawFeatures)
    /// ```
    public func apply(_ features: Tensor) -> Tensor {
        precondition(features.rank == 2, "Preprocessing.apply: needs features [n, f], got shape \(features.shape)")
        var values = features.to(.float64)
        if let pixelMaximum { values = values / pixelMaximum }
        if let featureMean, let featureScale {
            precondition(featureMean.count == features.shape[1],
                         "Preprocessing.apply: fitted on \(featureMean.count) features, got shape \(features.shape)")
            values = (values - Tensor(featureMean)) / Tensor(featureScale)
        }
        return values.to(.float32)
    }

    /// Throws a ``RecipeError`` when the statistics do not fit `featureCount` features.
    ///
    /// ```swift
    /// try preprocessing.validate(featureCount: 4)
    /// ```
    public func validate(featureCount: Int) throws {
        if (featureMean == nil) != (featureScale == nil) {
            throw RecipeError("preprocessing needs both featureMean and featureScale, or neither")
        }
        if let featureMean, let featureScale {
            guard featureMean.count == featureCount && featureScale.count == featureCount else {
                throw RecipeError("preprocessing has \(featureMean.count) means and \(featureScale.count) scales for \(featureCount) features")
            }
            guard featureMean.allSatisfy(\.isFinite), featureScale.allSatisfy({ $0.isFinite && $0 != 0 }) else {
                throw RecipeError("preprocessing statistics must be finite, with non-zero scales")
            }
        }
        if (targetMean == nil) != (targetScale == nil) || !(targetMean ?? 0).isFinite || !((targetScale ?? 1).isFinite && targetScale != 0) {
            throw RecipeError("preprocessing needs a finite targetMean and a finite non-zero targetScale, or neither")
        }
        if let pixelMaximum, !(pixelMaximum > 0 && pixelMaximum.isFinite) {
            throw RecipeError("preprocessing pixelMaximum must be positive, got \(pixelMaximum)")
        }
    }
}

/// How a dataset without predefined splits was divided into training, validation and test rows
/// (stratified by class for classifiers, seeded), kept so evaluation can find the same rows.
///
/// ```swift
/// let split = DataSplitSpec(validationFraction: 0.1, testFraction: 0.2, seed: 42)
/// ```
public struct DataSplitSpec: Codable, Equatable, Sendable {
    /// The fraction of rows held out for validation.
    public var validationFraction: Double
    /// The fraction of rows held out for the test (0 when the dataset has its own test split).
    public var testFraction: Double
    /// The seed of the shuffle.
    public var seed: UInt64

    /// A split description.
    ///
    /// ```swift
    /// DataSplitSpec(validationFraction: 0.1, testFraction: 0.2, seed: 0)
    /// ```
    public init(validationFraction: Double, testFraction: Double, seed: UInt64) {
        self.validationFraction = validationFraction
        self.testFraction = testFraction
        self.seed = seed
    }
}
