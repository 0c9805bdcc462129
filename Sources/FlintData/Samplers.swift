import Foundation
import Flint

/// Chooses which dataset positions an epoch visits, and in what order (PyTorch's `Sampler`).
///
/// A sampler's order depends only on its settings and the epoch number, so any epoch can be
/// replayed on its own (a resumed run restarts epoch k exactly).
///
/// ```swift
/// let sampler = RandomSampler(count: 100, seed: 7)
/// let order = sampler.indices(epoch: 0)  // a permutation of 0..<100
/// ```
public protocol Sampler: Sendable {
    /// The number of positions each epoch yields.
    ///
    /// ```swift
    /// try RandomSampler(count: 100, seed: 1).count  // 100
    /// ```
    var count: Int { get }
    /// The positions for `epoch`, in visiting order.
    ///
    /// ```swift
    /// let order = try RandomSampler(count: 10, seed: 1).indices(epoch: 3)  // the same order every time for epoch 3
    /// ```
    func indices(epoch: Int) -> [Int]
}

/// `0, 1, …, count - 1` every epoch (PyTorch's `SequentialSampler`).
///
/// ```swift
/// SequentialSampler(count: 3).indices(epoch: 5)  // [0, 1, 2]
/// ```
public struct SequentialSampler: Sampler {
    /// The number of positions.
    public let count: Int

    /// A sampler over `0..<count`.
    ///
    /// ```swift
    /// let sampler = SequentialSampler(count: dataset.count)
    /// ```
    public init(count: Int) {
        precondition(count >= 0, "SequentialSampler: count must not be negative, got \(count)")
        self.count = count
    }

    /// `0..<count` in order.
    ///
    /// ```swift
    /// sampler.indices(epoch: 0)
    /// ```
    public func indices(epoch: Int) -> [Int] { Array(0..<count) }
}

/// Uniformly random positions: a fresh permutation every epoch, or draws with replacement
/// (PyTorch's `RandomSampler`). The order is a function of (seed, epoch).
///
/// ```swift
/// let sampler = try RandomSampler(count: 1000, replacement: true, sampleCount: 200, seed: 1)
/// ```
public struct RandomSampler: Sampler {
    /// The size of the dataset drawn from.
    public let datasetCount: Int
    /// Whether a position may be drawn more than once per epoch.
    public let replacement: Bool
    /// The seed the orders derive from.
    public let seed: UInt64
    /// The number of positions per epoch.
    public let count: Int

    /// A sampler over `0..<count`; `sampleCount` positions per epoch (all of them by default; without
    /// replacement it cannot exceed `count`).
    ///
    /// ```swift
    /// let sampler = try RandomSampler(count: dataset.count, seed: 42)
    /// ```
    public init(count: Int, replacement: Bool = false, sampleCount: Int? = nil, seed: UInt64 = 0) throws {
        precondition(count >= 0, "RandomSampler: count must not be negative, got \(count)")
        let drawn = sampleCount ?? count
        guard drawn >= 0 else {
            throw DataPipelineError(.invalidSampleCount, "RandomSampler: sampleCount must not be negative, got \(drawn)")
        }
        guard replacement || drawn <= count else {
            throw DataPipelineError(.invalidSampleCount,
                "RandomSampler: cannot draw \(drawn) of \(count) positions without replacement; pass replacement: true or a smaller sampleCount")
        }
        guard drawn == 0 || count > 0 else {
            throw DataPipelineError(.invalidSampleCount, "RandomSampler: cannot draw \(drawn) positions from an empty dataset")
        }
        self.datasetCount = count
        self.replacement = replacement
        self.count = drawn
        self.seed = seed
    }

    /// The positions for `epoch`: a permutation prefix, or independent uniform draws.
    ///
    /// ```swift
    /// sampler.indices(epoch: 3) == sampler.indices(epoch: 3)  // true
    /// ```
    public func indices(epoch: Int) -> [Int] {
        let generator = SeededRandom.generator(seed: seed, epoch: epoch, stream: .order)
        if replacement {
            return SeededRandom.uniform(count, generator: generator).map { SeededRandom.integer(below: datasetCount, from: $0) }
        }
        return Array(SeededRandom.permutation(datasetCount, generator: generator).prefix(count))
    }
}

/// Positions drawn with probability proportional to `weights` (PyTorch's `WeightedRandomSampler`):
/// with replacement by default, or without (each position at most once per epoch).
///
/// ```swift
/// // Rebalance two classes of 90 and 10 samples.
/// let weights = labels.map { $0 == 0 ? 1.0 / 90 : 1.0 / 10 }
/// let sampler = try WeightedRandomSampler(weights: weights, sampleCount: 100, seed: 3)
/// ```
public struct WeightedRandomSampler: Sampler {
    /// One non-negative weight per dataset position.
    public let weights: [Double]
    /// The number of positions drawn per epoch.
    public let count: Int
    /// Whether a position may be drawn more than once per epoch.
    public let replacement: Bool
    /// The seed the draws derive from.
    public let seed: UInt64
    private let cumulative: [Double]

    /// A sampler drawing `sampleCount` positions per epoch; weights need not sum to 1.
    ///
    /// ```swift
    /// let sampler = try WeightedRandomSampler(weights: [0.1, 0.9], sampleCount: 10)
    /// ```
    public init(weights: [Double], sampleCount: Int, replacement: Bool = true, seed: UInt64 = 0) throws {
        if let bad = weights.first(where: { !$0.isFinite || $0 < 0 }) {
            throw DataPipelineError(.invalidWeights, "WeightedRandomSampler: weights must be finite and non-negative, found \(bad)")
        }
        let positive = weights.filter { $0 > 0 }.count
        guard positive > 0 || sampleCount == 0 else {
            throw DataPipelineError(.invalidWeights, "WeightedRandomSampler: all \(weights.count) weights are zero; at least one must be positive")
        }
        guard sampleCount >= 0 else {
            throw DataPipelineError(.invalidSampleCount, "WeightedRandomSampler: sampleCount must not be negative, got \(sampleCount)")
        }
        guard replacement || sampleCount <= positive else {
            throw DataPipelineError(.invalidSampleCount,
                "WeightedRandomSampler: cannot draw \(sampleCount) positions without replacement when only \(positive) have a positive weight")
        }
        self.weights = weights
        self.count = sampleCount
        self.replacement = replacement
        self.seed = seed
        var running = 0.0
        self.cumulative = weights.map { running += $0; return running }
    }

    /// The positions for `epoch`.
    ///
    /// ```swift
    /// let order = sampler.indices(epoch: 0)
    /// ```
    public func indices(epoch: Int) -> [Int] {
        let generator = SeededRandom.generator(seed: seed, epoch: epoch, stream: .order)
        let draws = SeededRandom.uniform(replacement ? count : weights.count, generator: generator)
        if replacement {
            let total = cumulative.last ?? 0
            return draws.map { draw in
                // The first position whose running total exceeds the draw (binary search).
                let target = draw * total
                var low = 0, high = cumulative.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                }
                return low
            }
        }
        // Without replacement: the largest keys u^(1/w) (Efraimidis and Spirakis), a weighted permutation.
        let keys = zip(weights, draws).map { weight, draw in weight > 0 ? log(Swift.max(draw, .leastNonzeroMagnitude)) / weight : -Double.infinity }
        return Array((0..<weights.count).sorted { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }.prefix(count))
    }
}

/// A random order in which every stretch keeps the class proportions of the whole (each batch of a
/// loader holds each class in about its overall share, within one or two samples).
///
/// Each class is shuffled, then the classes are interleaved evenly: the j-th of a class's n members is
/// placed at relative position (j + offset) / n, with a random offset per class.
///
/// ```swift
/// let sampler = StratifiedSampler(labels: dataset.classLabels, seed: 5)
/// let loader = try DataLoader(dataset, batchSize: 32, sampler: sampler)
/// ```
public struct StratifiedSampler: Sampler {
    /// The class label of each dataset position.
    public let labels: [Int]
    /// The seed the orders derive from.
    public let seed: UInt64

    /// A sampler over `0..<labels.count` keeping the proportions of `labels`.
    ///
    /// ```swift
    /// let sampler = StratifiedSampler(labels: [0, 0, 1, 1, 1, 1], seed: 0)
    /// ```
    public init(labels: [Int], seed: UInt64 = 0) {
        self.labels = labels
        self.seed = seed
    }

    /// The number of positions (every sample once per epoch).
    ///
    /// ```swift
    /// StratifiedSampler(labels: [0, 1, 1]).count  // 3
    /// ```
    public var count: Int { labels.count }

    /// The stratified order for `epoch`.
    ///
    /// ```swift
    /// let order = sampler.indices(epoch: 2)
    /// ```
    public func indices(epoch: Int) -> [Int] {
        let generator = SeededRandom.generator(seed: seed, epoch: epoch, stream: .order)
        let groups = groupByClass(labels)
        let offsets = SeededRandom.uniform(groups.count, generator: generator)
        var keyed: [(key: Double, index: Int)] = []
        keyed.reserveCapacity(labels.count)
        for (group, offset) in zip(groups, offsets) {
            let members = SeededRandom.shuffled(group.members, generator: generator)
            for (rank, index) in members.enumerated() {
                keyed.append(((Double(rank) + offset) / Double(members.count), index))
            }
        }
        keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.index < $1.index) }
        return keyed.map(\.index)
    }
}

/// The positions of each class, classes in ascending label order.
func groupByClass(_ labels: [Int]) -> [(label: Int, members: [Int])] {
    var members: [Int: [Int]] = [:]
    for (index, label) in labels.enumerated() { members[label, default: []].append(index) }
    return members.keys.sorted().map { ($0, members[$0]!) }
}
