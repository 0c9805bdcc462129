import Flint

/// A random forest of classification trees (scikit-learn's `RandomForestClassifier`): each tree grown
/// on a bootstrap sample with `maxFeatures` features drawn per split; probabilities are the trees'
/// leaf class fractions averaged. Trees are grown in parallel over the cores.
///
/// ```swift
/// let forest = RandomForestClassifier(nEstimators: 100, randomState: 0)
/// try forest.fit(features, labels)
/// let accuracy = try forest.score(testFeatures, testLabels)
/// ```
public final class RandomForestClassifier: ProbabilisticClassifier {
    /// The number of trees (default 100).
    public var nEstimators: Int
    /// The impurity each tree minimizes (default `.gini`).
    public var criterion: ClassificationCriterion
    /// The deepest a leaf may be (`nil`: no limit).
    public var maxDepth: Int?
    /// The fewest rows a node needs to be split (default 2).
    public var minSamplesSplit: Int
    /// The fewest rows each child of a split must keep (default 1).
    public var minSamplesLeaf: Int
    /// Features drawn at each split (default `.sqrt`).
    public var maxFeatures: MaxFeatures
    /// Whether each tree sees a bootstrap sample (default true) or every row.
    public var bootstrap: Bool
    /// Seed of the bootstraps and feature draws (`nil`: a fresh seed each fit).
    public var randomState: UInt64?

    /// The class labels seen in fitting, ascending.
    public internal(set) var classes: [Int] = []
    /// Mean of the trees' normalized impurity decreases per feature.
    public internal(set) var featureImportances: [Double] = []
    var trees: [TreeStructure] = []
    var featureCount = 0

    /// A forest with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let forest = RandomForestClassifier(nEstimators: 300, maxFeatures: .log2)
    /// ```
    public init(nEstimators: Int = 100, criterion: ClassificationCriterion = .gini, maxDepth: Int? = nil, minSamplesSplit: Int = 2,
                minSamplesLeaf: Int = 1, maxFeatures: MaxFeatures = .sqrt, bootstrap: Bool = true, randomState: UInt64? = nil) {
        self.nEstimators = nEstimators
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.bootstrap = bootstrap
        self.randomState = randomState
    }

    /// The number of fitted trees.
    ///
    /// ```swift
    /// print(forest.treeCount)   // 100
    /// ```
    public var treeCount: Int { trees.count }

    /// Grows the forest on float64 features `[n, f]` and int64 labels `[n]`.
    ///
    /// ```swift
    /// try forest.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let name = "RandomForestClassifier"
        try ForestBuilder.validate(estimator: name, estimatorCount: nEstimators)
        try TreeSettings.validate(estimator: name, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf, maxFeatures: maxFeatures)
        let input = try TreeInput.features(features, estimator: name)
        let encoded = try TreeInput.labels(labels, rows: input.rows, estimator: name)
        let data = TreeTrainingData(rowMajor: input.values, rows: input.rows, features: input.columns, classIndex: encoded.classIndex)
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: maxFeatures.resolved(features: input.columns), criterion: criterion, classCount: encoded.classes.count)
        trees = ForestBuilder.grow(count: nEstimators, data: data, settings: settings, bootstrap: bootstrap, seed: TreeRandom.seed(randomState))
        classes = encoded.classes
        featureCount = input.columns
        featureImportances = TreeInput.importances(trees, features: input.columns)
    }

    /// The trees' class fractions averaged, float64 `[n, classes]`.
    ///
    /// ```swift
    /// let probabilities = try forest.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        guard !trees.isEmpty else { throw TreeInput.notFitted("RandomForestClassifier") }
        let input = try TreeInput.features(features, estimator: "RandomForestClassifier", expected: featureCount)
        let output = ForestBuilder.average(trees, rows: input.values, columns: input.columns, outputs: classes.count)
        return Tensor(output, shape: [input.rows, classes.count])
    }

    /// The class of highest averaged probability, int64 `[n]`.
    ///
    /// ```swift
    /// let labels = try forest.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let probabilities = try predictProbabilities(features)
        return TreeInput.argmaxLabels(probabilities.scalars(as: Double.self), rows: probabilities.shape[0], classes: classes)
    }
}

/// A random forest of regression trees (scikit-learn's `RandomForestRegressor`): bootstrap samples,
/// every feature considered by default, predictions averaged. Trees are grown in parallel.
///
/// ```swift
/// let forest = RandomForestRegressor(randomState: 0)
/// try forest.fit(features, targets)
/// let r2 = try forest.score(testFeatures, testTargets)
/// ```
public final class RandomForestRegressor: RegressorEstimator {
    /// The number of trees (default 100).
    public var nEstimators: Int
    /// The deepest a leaf may be (`nil`: no limit).
    public var maxDepth: Int?
    /// The fewest rows a node needs to be split (default 2).
    public var minSamplesSplit: Int
    /// The fewest rows each child of a split must keep (default 1).
    public var minSamplesLeaf: Int
    /// Features drawn at each split (default `.all`, scikit-learn's 1.0).
    public var maxFeatures: MaxFeatures
    /// Whether each tree sees a bootstrap sample (default true).
    public var bootstrap: Bool
    /// Seed of the bootstraps and feature draws (`nil`: a fresh seed each fit).
    public var randomState: UInt64?

    /// Mean of the trees' normalized squared-error decreases per feature.
    public internal(set) var featureImportances: [Double] = []
    var trees: [TreeStructure] = []
    var featureCount = 0

    /// A forest with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let forest = RandomForestRegressor(nEstimators: 50, minSamplesLeaf: 5)
    /// ```
    public init(nEstimators: Int = 100, maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
                maxFeatures: MaxFeatures = .all, bootstrap: Bool = true, randomState: UInt64? = nil) {
        self.nEstimators = nEstimators
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.maxFeatures = maxFeatures
        self.bootstrap = bootstrap
        self.randomState = randomState
    }

    /// Grows the forest on float64 features `[n, f]` and float64 targets `[n]`.
    ///
    /// ```swift
    /// try forest.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let name = "RandomForestRegressor"
        try ForestBuilder.validate(estimator: name, estimatorCount: nEstimators)
        try TreeSettings.validate(estimator: name, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf, maxFeatures: maxFeatures)
        let input = try TreeInput.features(features, estimator: name)
        let values = try TreeInput.targets(targets, rows: input.rows, estimator: name)
        let data = TreeTrainingData(rowMajor: input.values, rows: input.rows, features: input.columns, targets: values)
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: maxFeatures.resolved(features: input.columns), criterion: nil)
        trees = ForestBuilder.grow(count: nEstimators, data: data, settings: settings, bootstrap: bootstrap, seed: TreeRandom.seed(randomState))
        featureCount = input.columns
        featureImportances = TreeInput.importances(trees, features: input.columns)
    }

    /// The trees' predictions averaged, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try forest.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard !trees.isEmpty else { throw TreeInput.notFitted("RandomForestRegressor") }
        let input = try TreeInput.features(features, estimator: "RandomForestRegressor", expected: featureCount)
        return Tensor(ForestBuilder.average(trees, rows: input.values, columns: input.columns, outputs: 1), shape: [input.rows])
    }
}
