import Foundation

/// Grows the trees of a forest in parallel: tree `t` draws its bootstrap and features from its own
/// generator (seeded by the forest's seed and `t`), so the forest does not depend on the thread count.
enum ForestBuilder {
    /// Results written by the worker threads, one slot per tree.
    private final class Slots: @unchecked Sendable {
        private let lock = NSLock()
        private var trees: [TreeStructure?]
        init(count: Int) { trees = [TreeStructure?](repeating: nil, count: count) }
        func store(_ tree: TreeStructure, at index: Int) { lock.lock(); trees[index] = tree; lock.unlock() }
        var all: [TreeStructure] { trees.map { $0! } }
    }

    /// `count` trees on `data`, with bootstrap samples (weights are draw counts) when `bootstrap`.
    static func grow(count: Int, data: TreeTrainingData, settings: TreeSettings, bootstrap: Bool, seed: UInt64) -> [TreeStructure] {
        let slots = Slots(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            var random = TreeRandom(seed: TreeRandom.derived(seed, index))
            var weights = [Double](repeating: bootstrap ? 0 : 1, count: data.rows)
            if bootstrap { for _ in 0..<data.rows { weights[random.below(data.rows)] += 1 } }
            var builder = TreeBuilder(data: data, settings: settings, weights: weights, random: random)
            slots.store(builder.build().tree, at: index)
        }
        return slots.all
    }

    /// The trees' leaf values averaged over `rows` (row-major, `columns` wide): `[rows, outputs]`.
    static func average(_ trees: [TreeStructure], rows: [Double], columns: Int, outputs: Int) -> [Double] {
        let count = rows.count / columns
        var output = [Double](repeating: 0, count: count * outputs)
        rows.withUnsafeBufferPointer { rows in
            for tree in trees { tree.accumulate(rows: rows, columns: columns, scale: 1 / Double(trees.count), into: &output) }
        }
        return output
    }

    static func validate(estimator: String, estimatorCount: Int) throws {
        guard estimatorCount >= 1 else { throw LearnError(.invalidParameter, "\(estimator): nEstimators must be at least 1, got \(estimatorCount)") }
    }
}
