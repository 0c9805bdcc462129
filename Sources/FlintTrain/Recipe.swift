import Flint
import FlintNN

/// A named model architecture that `flint train --recipe` builds from a ``ModelConfig``: the input
/// shape, the number of outputs and a few ``RecipeOptions``.
///
/// ```swift
/// let recipe = try Recipe.named("cnn")
/// let model = try recipe.build(inputShape: [1, 8, 8], outputCount: 10, options: .defaults(for: recipe))
/// model(Tensor.zeros([4, 1, 8, 8])).shape  // [4, 10]
/// ```
public enum Recipe: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// One `Linear` layer: multinomial logistic regression (or linear regression).
    case logistic
    /// A multilayer perceptron: `Linear-ReLU(-Dropout)` per hidden size, then `Linear`.
    case mlp
    /// A small convolutional network: `Conv-BN-ReLU-Conv-BN-ReLU-MaxPool` per block, then `Linear`.
    case cnn
    /// A small residual network: a convolutional stem, ``ResidualBlock``s with BatchNorm, global
    /// average pooling, then `Linear`.
    case resnetSmall = "resnet-small"

    /// The name used on the command line and in `config.json` (`resnet-small`).
    ///
    /// ```swift
    /// Recipe.resnetSmall.description  // "resnet-small"
    /// ```
    public var description: String { rawValue }

    /// One line saying what the recipe builds and what data it suits.
    ///
    /// ```swift
    /// print(Recipe.mlp.summary)
    /// ```
    public var summary: String {
        switch self {
        case .logistic: return "a single Linear layer (logistic or linear regression) on flattened features"
        case .mlp: return "multilayer perceptron (hidden sizes, ReLU, dropout) for tabular or flattened input"
        case .cnn: return "small conv net (Conv-BN-ReLU x2 + MaxPool per block, then Linear) for 1xHxW images"
        case .resnetSmall: return "small residual network (BatchNorm residual blocks, global average pool) for images"
        }
    }

    /// Whether the recipe takes images `[channels, height, width]` rather than flat feature vectors.
    ///
    /// ```swift
    /// Recipe.cnn.needsImages  // true
    /// ```
    public var needsImages: Bool { self == .cnn || self == .resnetSmall }

    /// Every recipe, one per line with its summary (for `--help` and error messages).
    ///
    /// ```swift
    /// print(Recipe.listing)
    /// //   logistic      a single Linear layer ...
    /// ```
    public static var listing: String {
        let width = allCases.map(\.rawValue.count).max() ?? 0
        return allCases.map { "  " + $0.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
            .joined(separator: "\n")
    }

    /// The recipe called `name`; an unknown name throws a ``RecipeError`` listing the valid ones.
    ///
    /// ```swift
    /// let recipe = try Recipe.named("resnet-small")
    /// ```
    public static func named(_ name: String) throws -> Recipe {
        guard let recipe = Recipe(rawValue: name) else {
            throw RecipeError("unknown recipe '\(name)'; the recipes are: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return recipe
    }

    /// Builds a freshly initialised model (with the shared random generator: call `Flint.seed` first
    /// for a reproducible one). `inputShape` is one sample's shape: `[features]` for `logistic` and
    /// `mlp` (an image shape is flattened), `[channels, height, width]` for `cnn` and `resnet-small`.
    /// Throws a ``RecipeError`` when the shape or options do not suit the recipe.
    ///
    /// ```swift
    /// let model = try Recipe.mlp.build(inputShape: [4], outputCount: 3, options: RecipeOptions(hiddenSizes: [16]))
    /// ```
    public func build(inputShape: [Int], outputCount: Int, options: RecipeOptions) throws -> Module {
        try options.validate(for: self)
        guard outputCount > 0 else { throw RecipeError("recipe '\(rawValue)' needs at least one output, got \(outputCount)") }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
            throw RecipeError("recipe '\(rawValue)': the input shape must be positive sizes, got \(inputShape)")
        }
        let featureCount = inputShape.reduce(1, *)
        switch self {
        case .logistic:
            return Linear(featureCount, outputCount)
        case .mlp:
            var layers: [Module] = []
            var width = featureCount
            for hidden in options.hiddenSizes {
                layers += [Linear(width, hidden), ReLU()]
                if options.dropout > 0 { layers.append(Dropout(probability: options.dropout)) }
                width = hidden
            }
            layers.append(Linear(width, outputCount))
            return Sequential(layers: layers)
        case .cnn:
            let (channels, height, width) = try imageDimensions(inputShape)
            return try RecipeModels.convolutionalNetwork(channels: channels, height: height, width: width,
                                                         outputCount: outputCount, options: options)
        case .resnetSmall:
            let (channels, height, width) = try imageDimensions(inputShape)
            return try RecipeModels.residualNetwork(channels: channels, height: height, width: width,
                                                    outputCount: outputCount, options: options)
        }
    }

    /// `[C, H, W]` (or `[H, W]`, one channel) as three sizes, or an error naming the recipe.
    private func imageDimensions(_ shape: [Int]) throws -> (Int, Int, Int) {
        switch shape.count {
        case 3: return (shape[0], shape[1], shape[2])
        case 2: return (1, shape[0], shape[1])
        default:
            throw RecipeError("recipe '\(rawValue)' needs images [channels, height, width], got input shape \(shape); "
                              + "use a dataset with images (digits, mnist-5k, fashion-mnist) or the mlp or logistic recipe")
        }
    }
}

/// The hyperparameters of a recipe; each recipe reads the ones it uses (see ``defaults(for:)``).
///
/// ```swift
/// var options = RecipeOptions.defaults(for: .mlp)
/// options.hiddenSizes = [256, 128]
/// options.dropout = 0.2
/// ```
public struct RecipeOptions: Codable, Equatable, Sendable {
    /// `mlp`: the width of each hidden layer.
    public var hiddenSizes: [Int]
    /// `cnn`: the channels of each block; `resnet-small`: the channels of each stage (the stem has the first).
    public var channels: [Int]
    /// `resnet-small`: residual blocks per stage.
    public var blocksPerStage: Int
    /// `mlp`: dropout after each hidden layer; `cnn` and `resnet-small`: dropout before the last `Linear`.
    public var dropout: Double

    /// Options with the given values (the defaults are the `mlp` and `cnn` ones).
    ///
    /// ```swift
    /// let options = RecipeOptions(channels: [32, 64], dropout: 0.25)
    /// ```
    public init(hiddenSizes: [Int] = [128], channels: [Int] = [32, 64], blocksPerStage: Int = 1, dropout: Double = 0) {
        self.hiddenSizes = hiddenSizes
        self.channels = channels
        self.blocksPerStage = blocksPerStage
        self.dropout = dropout
    }

    /// The options a recipe uses when none are given.
    ///
    /// ```swift
    /// RecipeOptions.defaults(for: .resnetSmall).channels  // [16, 32, 64]
    /// ```
    public static func defaults(for recipe: Recipe) -> RecipeOptions {
        switch recipe {
        case .logistic: return RecipeOptions(hiddenSizes: [], channels: [])
        case .mlp: return RecipeOptions(hiddenSizes: [128], channels: [])
        case .cnn: return RecipeOptions(hiddenSizes: [], channels: [32, 64], dropout: 0.25)
        case .resnetSmall: return RecipeOptions(hiddenSizes: [], channels: [16, 32, 64], blocksPerStage: 1)
        }
    }

    /// Throws a ``RecipeError`` when an option is out of range for `recipe`.
    ///
    /// ```swift
    /// try RecipeOptions(dropout: 1.5).validate(for: .mlp)  // throws
    /// ```
    public func validate(for recipe: Recipe) throws {
        guard dropout >= 0 && dropout < 1 else {
            throw RecipeError("recipe '\(recipe)': dropout must be in [0, 1), got \(dropout)")
        }
        if recipe == .mlp, let bad = hiddenSizes.first(where: { $0 <= 0 }) {
            throw RecipeError("recipe 'mlp': hidden sizes must be positive, got \(bad) in \(hiddenSizes)")
        }
        if recipe.needsImages {
            guard !channels.isEmpty, channels.allSatisfy({ $0 > 0 }) else {
                throw RecipeError("recipe '\(recipe)': channels must be one or more positive sizes, got \(channels)")
            }
        }
        if recipe == .resnetSmall && blocksPerStage < 1 {
            throw RecipeError("recipe 'resnet-small': blocks per stage must be at least 1, got \(blocksPerStage)")
        }
    }
}

/// A recipe that cannot be built as asked (unknown name, options out of range, input that does not suit it).
///
/// ```swift
/// catch let error as RecipeError { print(error) }  // "unknown recipe 'vgg'; the recipes are: ..."
/// ```
public struct RecipeError: Error, CustomStringConvertible, Equatable {
    /// What is wrong and what to do.
    public let description: String

    /// An error with the given message.
    ///
    /// ```swift
    /// throw RecipeError("recipe 'cnn' needs images")
    /// ```
    public init(_ description: String) { self.description = description }
}
