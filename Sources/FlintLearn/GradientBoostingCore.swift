import Foundation

/// The stage-wise machinery gradient boosting's classifier and regressor share: hyperparameter checks,
/// row subsampling, growing one regression tree on the negative gradient, and adding the trees up.
enum BoostingEngine {
    /// One fitted regression tree of a stage, with the leaf each training row lands in.
    struct GrownTree {
        var tree: TreeStructure
        var leafOfRow: [Int]
        /// The in-bag weight at the root (scikit-learn divides importances by it).
        var rootWeight: Double
    }

    /// Checks the ranges scikit-learn checks.
    static func validate(estimator: String, estimatorCount: Int, learningRate: Double, subsample: Double,
                         maxDepth: Int?, minSamplesSplit: Int, minSamplesLeaf: Int) throws {
        guard estimatorCount >= 1 else { throw LearnError(.invalidParameter, "\(estimator): nEstimators must be at least 1, got \(estimatorCount)") }
        guard learningRate > 0, learningRate.isFinite else {
            throw LearnError(.invalidParameter, "\(estimator): learningRate must be positive and finite, got \(learningRate)")
        }
        guard subsample > 0, subsample <= 1 else { throw LearnError(.invalidParameter, "\(estimator): subsample must be in (0, 1], got \(subsample)") }
        try TreeSettings.validate(estimator: estimator, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                  minSamplesLeaf: minSamplesLeaf, maxFeatures: .all)
    }

    /// Weights 1 for the rows of stage `stage`'s subsample (`Int(subsample * rows)` rows drawn without
    /// replacement, as scikit-learn's `_random_sample_mask`), 0 for the rest; every row when `subsample` is 1.
    static func inBagWeights(rows: Int, subsample: Double, seed: UInt64, stage: Int) -> [Double] {
        guard subsample < 1 else { return [Double](repeating: 1, count: rows) }
        let inBag = max(1, Int(subsample * Double(rows)))
        var random = TreeRandom(seed: TreeRandom.derived(seed ^ 0x5EED_0F_BA66, stage))
        var order = Array(0..<rows)
        var weights = [Double](repeating: 0, count: rows)
        for index in 0..<inBag {
            order.swapAt(index, index + random.below(rows - index))
            weights[order[index]] = 1
        }
        return weights
    }

    /// A squared-error regression tree fitted to `residuals` (scikit-learn's `friedman_mse` picks the
    /// same splits: both rank a node's splits by n_left·n_right·(mean_left − mean_right)²), with the
    /// leaf of every row (out-of-bag rows included).
    static func grow(data: TreeTrainingData, rowMajor: [Double], residuals: [Double], weights: [Double],
                     settings: TreeSettings, seed: UInt64) -> GrownTree {
        let shared = TreeTrainingData(sharing: data, targets: residuals)
        var builder = TreeBuilder(data: shared, settings: settings, weights: weights, random: TreeRandom(seed: seed))
        let (tree, recorded) = builder.build(recordLeaves: true)
        var leaves = recorded.map { Int($0) }
        if leaves.contains(-1) {
            leaves = rowMajor.withUnsafeBufferPointer { tree.leaves(rows: $0, columns: data.features) }
        }
        return GrownTree(tree: tree, leafOfRow: leaves, rootWeight: weights.reduce(0, +))
    }

    /// Grows `count` trees at once (one per class of a multiclass stage), in parallel when more than one.
    static func growAll(count: Int, _ body: @escaping @Sendable (Int) -> GrownTree) -> [GrownTree] {
        if count == 1 { return [body(0)] }
        final class Slots: @unchecked Sendable {
            let lock = NSLock()
            var grown: [GrownTree?]
            init(_ count: Int) { grown = [GrownTree?](repeating: nil, count: count) }
        }
        let slots = Slots(count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let result = body(index)
            slots.lock.lock(); slots.grown[index] = result; slots.lock.unlock()
        }
        return slots.grown.map { $0! }
    }

    /// Adds `learningRate` times each tree's leaf values into column `output` of the raw predictions
    /// `[rows, outputs]` of the row-major features `rows`.
    static func addPredictions(of trees: [TreeStructure], outputs: Int, learningRate: Double, rows: [Double], columns: Int,
                               into raw: inout [Double]) {
        rows.withUnsafeBufferPointer { rows in
            for (index, tree) in trees.enumerated() {
                let output = index % outputs
                let leaves = tree.leaves(rows: rows, columns: columns)
                tree.values.withUnsafeBufferPointer { values in
                    raw.withUnsafeMutableBufferPointer { raw in
                        for (row, leaf) in leaves.enumerated() { raw[row * outputs + output] += learningRate * values[leaf] }
                    }
                }
            }
        }
    }

    /// scikit-learn's gradient-boosting `feature_importances_`: each tree that split contributes its
    /// impurity decreases divided by its root weight; the mean over those trees is normalized to sum 1.
    static func importances(_ grown: [(tree: TreeStructure, rootWeight: Double)], features: Int) -> [Double] {
        var total = [Double](repeating: 0, count: features)
        for (tree, rootWeight) in grown where tree.nodeCount > 1 && rootWeight > 0 {
            for feature in 0..<features { total[feature] += tree.importances[feature] / rootWeight }
        }
        let sum = total.reduce(0, +)
        return sum > 0 ? total.map { $0 / sum } : total
    }
}
