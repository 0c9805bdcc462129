import Flint

/// Gradient-boosted trees for regression (scikit-learn's `GradientBoostingRegressor`, squared error):
/// starting from the mean target, each stage fits a regression tree to the residuals and adds it,
/// shrunk by `learningRate`.
///
/// ```swift
/// let boosting = GradientBoostingRegressor(nEstimators: 100, randomState: 0)
/// try boosting.fit(features, targets)
/// let r2 = try boosting.score(testFeatures, testTargets)
/// ```
public final class GradientBoostingRegressor: RegressorEstimator {
    /// The number of boosting stages (default 100).
    public var nEstimators: Int
    /// The factor each tree's contribution is shrunk by (default 0.1).
    public var learningRate: Double
    /// The deepest a leaf of each tree may be (default 3; `nil`: no limit).
    public var maxDepth: Int?
    /// The fewest rows a node needs to be split (default 2).
    public var minSamplesSplit: Int
    /// The fewest rows each child of a split must keep (default 1).
    public var minSamplesLeaf: Int
    /// The fraction of rows each stage is fitted on, drawn without replacement (default 1: every row).
    public var subsample: Double
    /// Seed of the trees' feature orders and the subsamples (`nil`: a fresh seed each fit).
    public var randomState: UInt64?

    /// Normalized total squared-error decrease per feature over all trees (scikit-learn's definition).
    public internal(set) var featureImportances: [Double] = []
    /// The prediction before any tree: the mean training target.
    public internal(set) var initialPrediction = 0.0
    var trees: [TreeStructure] = []
    var featureCount = 0

    /// Boosting with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let boosting = GradientBoostingRegressor(nEstimators: 50, learningRate: 0.2, maxDepth: 2)
    /// ```
    public init(nEstimators: Int = 100, learningRate: Double = 0.1, maxDepth: Int? = 3, minSamplesSplit: Int = 2,
                minSamplesLeaf: Int = 1, subsample: Double = 1, randomState: UInt64? = nil) {
        self.nEstimators = nEstimators
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.subsample = subsample
        self.randomState = randomState
    }

    /// The number of fitted trees (one per stage).
    ///
    /// ```swift
    /// print(boosting.treeCount)   // 100
    /// ```
    public var treeCount: Int { trees.count }

    /// Fits the stages on float64 features `[n, f]` and float64 targets `[n]`.
    ///
    /// ```swift
    /// try boosting.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let name = "GradientBoostingRegressor"
        try BoostingEngine.validate(estimator: name, estimatorCount: nEstimators, learningRate: learningRate, subsample: subsample,
                                    maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf)
        let input = try TreeInput.features(features, estimator: name)
        let values = try TreeInput.targets(targets, rows: input.rows, estimator: name)
        let rows = input.rows
        let data = TreeTrainingData(rowMajor: input.values, rows: rows, features: input.columns).presorted()
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: input.columns, criterion: nil)
        let seed = TreeRandom.seed(randomState)
        let mean = values.reduce(0, +) / Double(rows)
        var raw = [Double](repeating: mean, count: rows)
        var fitted: [TreeStructure] = [], grownWeights: [(tree: TreeStructure, rootWeight: Double)] = []
        fitted.reserveCapacity(nEstimators)
        var residuals = [Double](repeating: 0, count: rows)
        for stage in 0..<nEstimators {
            let weights = BoostingEngine.inBagWeights(rows: rows, subsample: subsample, seed: seed, stage: stage)
            for row in 0..<rows { residuals[row] = values[row] - raw[row] }
            // Squared error needs no leaf update: the leaves already hold the mean in-bag residual.
            let grown = BoostingEngine.grow(data: data, rowMajor: input.values, residuals: residuals, weights: weights,
                                            settings: settings, seed: TreeRandom.derived(seed, stage))
            grown.tree.values.withUnsafeBufferPointer { leafValues in
                for row in 0..<rows { raw[row] += learningRate * leafValues[grown.leafOfRow[row]] }
            }
            fitted.append(grown.tree)
            grownWeights.append((grown.tree, grown.rootWeight))
        }
        trees = fitted
        initialPrediction = mean
        featureCount = input.columns
        featureImportances = BoostingEngine.importances(grownWeights, features: input.columns)
    }

    /// The mean target plus every tree's shrunk prediction, float64 `[n]`.
    ///
    /// ```swift
    /// let predictions = try boosting.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard !trees.isEmpty else { throw TreeInput.notFitted("GradientBoostingRegressor") }
        let input = try TreeInput.features(features, estimator: "GradientBoostingRegressor", expected: featureCount)
        var raw = [Double](repeating: initialPrediction, count: input.rows)
        BoostingEngine.addPredictions(of: trees, outputs: 1, learningRate: learningRate, rows: input.values, columns: input.columns, into: &raw)
        return Tensor(raw, shape: [input.rows])
    }
}
