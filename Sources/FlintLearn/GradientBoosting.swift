import Flint
import Foundation

/// Gradient-boosted trees for classification (scikit-learn's `GradientBoostingClassifier`, log loss):
/// starting from the class priors' log-odds, each stage fits one regression tree per class (one in all
/// for two classes) to the negative gradient and sets its leaves by a Newton step.
///
/// ```swift
/// let boosting = GradientBoostingClassifier(nEstimators: 100, randomState: 0)
/// try boosting.fit(features, labels)
/// let probabilities = try boosting.predictProbabilities(features)
/// ```
public final class GradientBoostingClassifier: ProbabilisticClassifier {
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

    /// The class labels seen in fitting, ascending.
    public internal(set) var classes: [Int] = []
    /// Normalized total squared-error decrease per feature over all trees (scikit-learn's definition).
    public internal(set) var featureImportances: [Double] = []
    /// The raw prediction before any tree: the priors' log-odds (two classes) or centred log-priors.
    public internal(set) var initialRawPredictions: [Double] = []
    var trees: [TreeStructure] = []
    var featureCount = 0
    var outputs: Int { classes.count == 2 ? 1 : classes.count }

    /// Boosting with scikit-learn's defaults unless given.
    ///
    /// ```swift
    /// let boosting = GradientBoostingClassifier(nEstimators: 200, learningRate: 0.05, subsample: 0.8)
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

    /// The number of fitted regression trees (stages × trees per stage).
    ///
    /// ```swift
    /// print(boosting.treeCount)   // 300 for 100 stages on three classes
    /// ```
    public var treeCount: Int { trees.count }

    /// Fits the stages on float64 features `[n, f]` and int64 labels `[n]` (at least two classes).
    ///
    /// ```swift
    /// try boosting.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let name = "GradientBoostingClassifier"
        try BoostingEngine.validate(estimator: name, estimatorCount: nEstimators, learningRate: learningRate, subsample: subsample,
                                    maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf)
        let input = try TreeInput.features(features, estimator: name)
        let encoded = try TreeInput.labels(labels, rows: input.rows, estimator: name)
        guard encoded.classes.count >= 2 else {
            throw LearnError(.invalidInput, "\(name): needs at least two classes, got only \(encoded.classes)")
        }
        let rows = input.rows, classCount = encoded.classes.count, outputs = classCount == 2 ? 1 : classCount
        let classIndex = encoded.classIndex.map { Int($0) }
        let initial = Self.initialRaw(classIndex: classIndex, classCount: classCount)
        let data = TreeTrainingData(rowMajor: input.values, rows: rows, features: input.columns).presorted()
        let settings = TreeSettings(maxDepth: maxDepth, minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf,
                                    maxFeatures: input.columns, criterion: nil)
        let seed = TreeRandom.seed(randomState), rowMajor = input.values
        var raw = [Double](repeating: 0, count: rows * outputs)
        for row in 0..<rows { for k in 0..<outputs { raw[row * outputs + k] = initial[k] } }
        var fitted: [TreeStructure] = [], grownWeights: [(tree: TreeStructure, rootWeight: Double)] = []
        fitted.reserveCapacity(nEstimators * outputs)
        for stage in 0..<nEstimators {
            let weights = BoostingEngine.inBagWeights(rows: rows, subsample: subsample, seed: seed, stage: stage)
            let probabilities = Self.probabilities(raw, rows: rows, outputs: outputs)
            let grown = BoostingEngine.growAll(count: outputs) { k in
                var residuals = [Double](repeating: 0, count: rows)
                for row in 0..<rows {
                    let target: Double = outputs == 1 ? Double(classIndex[row]) : (classIndex[row] == k ? 1 : 0)
                    residuals[row] = target - probabilities[row * outputs + k]
                }
                var result = BoostingEngine.grow(data: data, rowMajor: rowMajor, residuals: residuals, weights: weights,
                                                 settings: settings, seed: TreeRandom.derived(seed, stage * outputs + k))
                Self.newtonLeaves(&result, residuals: residuals, probabilities: probabilities, column: k, outputs: outputs,
                                  classCount: classCount, weights: weights)
                return result
            }
            for (k, result) in grown.enumerated() {
                result.tree.values.withUnsafeBufferPointer { values in
                    for row in 0..<rows { raw[row * outputs + k] += learningRate * values[result.leafOfRow[row]] }
                }
                fitted.append(result.tree)
                grownWeights.append((result.tree, result.rootWeight))
            }
        }
        trees = fitted
        classes = encoded.classes
        featureCount = input.columns
        initialRawPredictions = initial
        featureImportances = BoostingEngine.importances(grownWeights, features: input.columns)
    }

    /// The raw scores before the link: float64 `[n]` (log-odds of the second class) for two classes,
    /// `[n, classes]` otherwise (scikit-learn's `decision_function`).
    ///
    /// ```swift
    /// let scores = try boosting.decisionFunction(features)
    /// ```
    public func decisionFunction(_ features: Tensor) throws -> Tensor {
        let (raw, rows) = try rawPredictions(features)
        return outputs == 1 ? Tensor(raw, shape: [rows]) : Tensor(raw, shape: [rows, outputs])
    }

    /// Class probabilities, float64 `[n, classes]`: the logistic of the raw score for two classes, its
    /// softmax otherwise.
    ///
    /// ```swift
    /// let probabilities = try boosting.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let (raw, rows) = try rawPredictions(features)
        let probabilities = Self.probabilities(raw, rows: rows, outputs: outputs)
        guard outputs == 1 else { return Tensor(probabilities, shape: [rows, outputs]) }
        var both = [Double](repeating: 0, count: rows * 2)
        for row in 0..<rows { both[row * 2] = 1 - probabilities[row]; both[row * 2 + 1] = probabilities[row] }
        return Tensor(both, shape: [rows, 2])
    }

    /// The most likely class of each row, int64 `[n]`.
    ///
    /// ```swift
    /// let labels = try boosting.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let probabilities = try predictProbabilities(features)
        return TreeInput.argmaxLabels(probabilities.scalars(as: Double.self), rows: probabilities.shape[0], classes: classes)
    }

    private func rawPredictions(_ features: Tensor) throws -> (raw: [Double], rows: Int) {
        guard !trees.isEmpty else { throw TreeInput.notFitted("GradientBoostingClassifier") }
        let input = try TreeInput.features(features, estimator: "GradientBoostingClassifier", expected: featureCount)
        var raw = [Double](repeating: 0, count: input.rows * outputs)
        for row in 0..<input.rows { for k in 0..<outputs { raw[row * outputs + k] = initialRawPredictions[k] } }
        BoostingEngine.addPredictions(of: trees, outputs: outputs, learningRate: learningRate, rows: input.values, columns: input.columns, into: &raw)
        return (raw, input.rows)
    }

    /// scikit-learn's prior raw predictions: logit of the clipped positive fraction (two classes), or the
    /// clipped class fractions' logs centred to mean 0 (its symmetric multinomial link).
    static func initialRaw(classIndex: [Int], classCount: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: classCount)
        for index in classIndex { counts[index] += 1 }
        let epsilon = Double.ulpOfOne
        let priors = counts.map { min(max($0 / Double(classIndex.count), epsilon), 1 - epsilon) }
        if classCount == 2 { return [Foundation.log(priors[1] / (1 - priors[1]))] }
        let logs = priors.map { Foundation.log($0) }
        let mean = logs.reduce(0, +) / Double(classCount)
        return logs.map { $0 - mean }
    }

    /// The logistic of each raw score (one output) or each row's softmax.
    static func probabilities(_ raw: [Double], rows: Int, outputs: Int) -> [Double] {
        var result = [Double](repeating: 0, count: raw.count)
        if outputs == 1 {
            for row in 0..<rows { result[row] = 1 / (1 + Foundation.exp(-raw[row])) }
            return result
        }
        for row in 0..<rows {
            let base = row * outputs
            var largest = -Double.infinity
            for k in 0..<outputs { largest = max(largest, raw[base + k]) }
            var sum = 0.0
            for k in 0..<outputs { let e = Foundation.exp(raw[base + k] - largest); result[base + k] = e; sum += e }
            for k in 0..<outputs { result[base + k] /= sum }
        }
        return result
    }

    /// scikit-learn's `_update_terminal_regions` for log loss: each leaf becomes Σ residual / Σ p(1 − p)
    /// over its in-bag rows (the numerator scaled by (K − 1)/K for K > 2 classes), 0 when the sum of
    /// Hessians is below 1e-150.
    static func newtonLeaves(_ grown: inout BoostingEngine.GrownTree, residuals: [Double], probabilities: [Double], column: Int,
                             outputs: Int, classCount: Int, weights: [Double]) {
        let nodes = grown.tree.nodeCount
        var numerators = [Double](repeating: 0, count: nodes), denominators = [Double](repeating: 0, count: nodes)
        for row in 0..<residuals.count where weights[row] > 0 {
            let leaf = grown.leafOfRow[row], p = probabilities[row * outputs + column]
            numerators[leaf] += weights[row] * residuals[row]
            denominators[leaf] += weights[row] * p * (1 - p)
        }
        let scale = classCount > 2 ? Double(classCount - 1) / Double(classCount) : 1
        for node in 0..<nodes where grown.tree.feature[node] < 0 {
            grown.tree.values[node] = abs(denominators[node]) < 1e-150 ? 0 : scale * numerators[node] / denominators[node]
        }
    }
}
