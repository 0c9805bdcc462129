import Flint

/// A CART classification tree (scikit-learn's `DecisionTreeClassifier`): best splits by Gini impurity or
/// entropy, thresholds at midpoints between neighbouring values, leaves holding class fractions.
///
/// ```swift
/// let tree = DecisionTreeClassifier(maxDepth: 3, randomState: 0)
/// try tree.fit(features, labels)
/// let probabilities = try tree.predictProbabilities(features)
/// ```
public final class DecisionTreeClassifier: ProbabilisticClassifier {
    /// The impurity minimized (default `.gini`).
    public var criterion: ClassificationCriterion
    /// The deepest a leaf may be (`nil`: grow until leaves are pure or too small).
    public var maxDepth: Int?
    /// The fewest rows a node needs to be split (default 2).
    public var minSamplesSplit: Int
    /// The fewest rows each child of a split must keep (default 1).
    public var minSamplesLeaf: Int
    /// Features drawn (in random order) at each split (default `.all`).
    public var maxFeatures: MaxFeatures
    /// Seed of the feature draws (`nil`: a fresh seed each fit); ties between equally good splits depend on it.
    public var randomState: UInt64?

    /// The class labels seen in fitting, ascending.
    public internal(set) var classes: [Int] = []
    /// Normalized total impurity decrease per feature (sums to 1 unless the tree is a single leaf).
    public internal(set) var featureImportances: [Double] = []
    var tree: TreeStructure?
    var featureCount = 0

    /// A tree with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let tree = DecisionTreeClassifier(criterion: .entropy, minSamplesLeaf: 5)
    /// ```
    public init(criterion: ClassificationCriterion = .gini, maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
                maxFeatures: MaxFeatures = .all, randomState: UInt64? = nil) {
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.randomState = randomState
    }

    /// The number of nodes of the fitted tree (0 before fitting).
    ///
    /// ```swift
    /// print(tree.nodeCount, tree.leafCount, tree.depth)
    /// ```
    public var nodeCount: Int { tree?.nodeCount ?? 0 }
    /// The number of leaves of the fitted tree.
    ///
    /// ```swift
    /// print(tree.leafCount)
    /// ```
    public var leafCount: Int { tree?.leafCount ?? 0 }
    /// The depth of the fitted tree (a single leaf has depth 0).
    ///
    /// ```swift
    /// print(tree.depth)
    /// ```
    public var depth: Int { tree?.depth ?? 0 }

    /// Grows the tree on float64 features `[n, f]` and int64 labels `[n]`.
    ///
    /// ```swift
    /// try tree.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        try TreeSettings.validate(estimator: "DecisionTreeClassifier", maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                  minSamplesLeaf: minSamplesLeaf, maxFeatures: maxFeatures)
        let input = try TreeInput.features(features, estimator: "DecisionTreeClassifier")
        let encoded = try TreeInput.labels(labels, rows: input.rows, estimator: "DecisionTreeClassifier")
        let data = TreeTrainingData(rowMajor: input.values, rows: input.rows, features: input.columns, classIndex: encoded.classIndex)
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: maxFeatures.resolved(features: input.columns), criterion: criterion,
                                    classCount: encoded.classes.count)
        var builder = TreeBuilder(data: data, settings: settings, weights: [Double](repeating: 1, count: input.rows),
                                  random: TreeRandom(seed: TreeRandom.seed(randomState)))
        let fitted = builder.build().tree
        tree = fitted
        classes = encoded.classes
        featureCount = input.columns
        featureImportances = TreeInput.importances([fitted], features: input.columns)
    }

    /// Class fractions of the leaf each row lands in, float64 `[n, classes]`.
    ///
    /// ```swift
    /// let probabilities = try tree.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        guard let tree else { throw TreeInput.notFitted("DecisionTreeClassifier") }
        let input = try TreeInput.features(features, estimator: "DecisionTreeClassifier", expected: featureCount)
        var output = [Double](repeating: 0, count: input.rows * classes.count)
        input.values.withUnsafeBufferPointer { tree.accumulate(rows: $0, columns: input.columns, scale: 1, into: &output) }
        return Tensor(output, shape: [input.rows, classes.count])
    }

    /// The most likely class of each row, int64 `[n]`.
    ///
    /// ```swift
    /// let labels = try tree.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let probabilities = try predictProbabilities(features)
        return TreeInput.argmaxLabels(probabilities.scalars(as: Double.self), rows: probabilities.shape[0], classes: classes)
    }
}

/// A CART regression tree (scikit-learn's `DecisionTreeRegressor`, squared error): leaves hold the mean target.
///
/// ```swift
/// let tree = DecisionTreeRegressor(maxDepth: 4, randomState: 0)
/// try tree.fit(features, targets)
/// let predictions = try tree.predict(features)
/// ```
public final class DecisionTreeRegressor: RegressorEstimator {
    /// The deepest a leaf may be (`nil`: grow until leaves are pure or too small).
    public var maxDepth: Int?
    /// The fewest rows a node needs to be split (default 2).
    public var minSamplesSplit: Int
    /// The fewest rows each child of a split must keep (default 1).
    public var minSamplesLeaf: Int
    /// Features drawn (in random order) at each split (default `.all`).
    public var maxFeatures: MaxFeatures
    /// Seed of the feature draws (`nil`: a fresh seed each fit).
    public var randomState: UInt64?

    /// Normalized total squared-error decrease per feature.
    public internal(set) var featureImportances: [Double] = []
    var tree: TreeStructure?
    var featureCount = 0

    /// A tree with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let tree = DecisionTreeRegressor(minSamplesLeaf: 20)
    /// ```
    public init(maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1, maxFeatures: MaxFeatures = .all,
                randomState: UInt64? = nil) {
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.randomState = randomState
    }

    /// The number of nodes of the fitted tree (0 before fitting).
    ///
    /// ```swift
    /// print(tree.nodeCount)
    /// ```
    public var nodeCount: Int { tree?.nodeCount ?? 0 }
    /// The depth of the fitted tree (a single leaf has depth 0).
    ///
    /// ```swift
    /// print(tree.depth)
    /// ```
    public var depth: Int { tree?.depth ?? 0 }

    /// Grows the tree on float64 features `[n, f]` and float64 targets `[n]`.
    ///
    /// ```swift
    /// try tree.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        try TreeSettings.validate(estimator: "DecisionTreeRegressor", maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                  minSamplesLeaf: minSamplesLeaf, maxFeatures: maxFeatures)
        let input = try TreeInput.features(features, estimator: "DecisionTreeRegressor")
        let values = try TreeInput.targets(targets, rows: input.rows, estimator: "DecisionTreeRegressor")
        let data = TreeTrainingData(rowMajor: input.values, rows: input.rows, features: input.columns, targets: values)
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: maxFeatures.resolved(features: input.columns), criterion: nil)
        var builder = TreeBuilder(data: data, settings: settings, weights: [Double](repeating: 1, count: input.rows),
                                  random: TreeRandom(seed: TreeRandom.seed(randomState)))
        let fitted = builder.build().tree
        tree = fitted
        featureCount = input.columns
        featureImportances = TreeInput.importances([fitted], features: input.columns)
    }

    /// The mean training target of the leaf each row lands in, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try tree.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let tree else { throw TreeInput.notFitted("DecisionTreeRegressor") }
        let input = try TreeInput.features(features, estimator: "DecisionTreeRegressor", expected: featureCount)
        var output = [Double](repeating: 0, count: input.rows)
        input.values.withUnsafeBufferPointer { tree.accumulate(rows: $0, columns: input.columns, scale: 1, into: &output) }
        return Tensor(output, shape: [input.rows])
    }
}
