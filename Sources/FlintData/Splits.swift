import Flint

/// Splits `0..<count` into parts of the given fractions (which must add up to 1), shuffled with `seed`,
/// optionally stratified: with `stratifyBy` labels every part keeps the class proportions, as
/// scikit-learn's `train_test_split(stratify=)`.
///
/// Part sizes are the fractions of `count` rounded by largest remainder (they add up to `count`). When
/// stratified, each part's share of every class is rounded the same way, so class counts in a part differ
/// from the exact proportion by less than one. Each part's indices come in a random order (ascending when
/// `shuffle` is false, in which case the parts are consecutive runs).
///
/// ```swift
/// let parts = try splitIndices(count: 150, fractions: [0.7, 0.15, 0.15], stratifyBy: labels, seed: 0)
/// let train = Subset(dataset, indices: parts[0])
/// ```
public func splitIndices(count: Int, fractions: [Double], stratifyBy labels: [Int]? = nil,
                         shuffle: Bool = true, seed: UInt64 = 0) throws -> [[Int]] {
    precondition(count >= 0, "splitIndices: count must not be negative, got \(count)")
    try checkFractions(fractions)
    if let labels, labels.count != count {
        throw DataPipelineError(.countMismatch, "splitIndices: \(labels.count) labels for \(count) samples; give one label per sample")
    }
    if labels != nil && !shuffle {
        throw DataPipelineError(.conflictingOptions, "splitIndices: a stratified split needs shuffle: true (as scikit-learn's train_test_split)")
    }
    let generator = SeededRandom.generator(seed: seed, epoch: 0, stream: .split)
    guard let labels else {
        let order = shuffle ? SeededRandom.permutation(count, generator: generator) : Array(0..<count)
        var start = 0
        return apportion(count, fractions: fractions).map { size in
            defer { start += size }
            return Array(order[start..<(start + size)])
        }
    }
    // Stratified: whole part sizes first, then each part's share of each class, keeping both totals.
    let groups = groupByClass(labels).map { SeededRandom.shuffled($0.members, generator: generator) }
    let sizes = apportion(count, fractions: fractions)
    var remaining = groups.map(\.count)
    var taken = [Int](repeating: 0, count: groups.count)
    var parts: [[Int]] = []
    for (part, size) in sizes.enumerated() {
        let shares: [Int]
        if part == sizes.count - 1 {
            shares = remaining
        } else {
            let left = remaining.reduce(0, +)
            shares = left == 0 ? remaining.map { _ in 0 }
                : apportion(size, fractions: remaining.map { Double($0) / Double(left) }, caps: remaining)
        }
        var members: [Int] = []
        for (group, share) in shares.enumerated() {
            members += groups[group][taken[group]..<(taken[group] + share)]
            taken[group] += share
            remaining[group] -= share
        }
        parts.append(SeededRandom.shuffled(members, generator: generator))
    }
    return parts
}

/// Train, validation and test positions of `0..<count` (the train fraction is what the others leave).
///
/// ```swift
/// let (train, validation, test) = try trainValidationTestSplit(count: 1797, validationFraction: 0.1,
///                                                              testFraction: 0.2, stratifyBy: labels, seed: 42)
/// ```
public func trainValidationTestSplit(count: Int, validationFraction: Double, testFraction: Double,
                                     stratifyBy labels: [Int]? = nil, seed: UInt64 = 0)
    throws -> (train: [Int], validation: [Int], test: [Int]) {
    let trainFraction = 1 - validationFraction - testFraction
    let parts = try splitIndices(count: count, fractions: [trainFraction, validationFraction, testFraction],
                                 stratifyBy: labels, seed: seed)
    return (parts[0], parts[1], parts[2])
}

extension Dataset {
    /// This dataset split into subsets of the given fractions (see ``splitIndices(count:fractions:stratifyBy:shuffle:seed:)``).
    ///
    /// ```swift
    /// let parts = try dataset.split(fractions: [0.8, 0.2], stratifyBy: dataset.classLabels, seed: 1)
    /// let (train, test) = (parts[0], parts[1])
    /// ```
    public func split(fractions: [Double], stratifyBy labels: [Int]? = nil, seed: UInt64 = 0) throws -> [Subset<Self>] {
        try splitIndices(count: count, fractions: fractions, stratifyBy: labels, seed: seed).map { Subset(self, indices: $0) }
    }
}

/// Checks that fractions are non-negative and add up to 1 (within 1e-6).
func checkFractions(_ fractions: [Double]) throws {
    guard !fractions.isEmpty else {
        throw DataPipelineError(.invalidFractions, "split: needs at least one fraction")
    }
    if let bad = fractions.first(where: { !($0 >= 0 && $0 <= 1) }) {
        throw DataPipelineError(.invalidFractions, "split: every fraction must be in 0...1, got \(bad) in \(fractions)")
    }
    let total = fractions.reduce(0, +)
    guard Swift.abs(total - 1) <= 1e-6 else {
        throw DataPipelineError(.invalidFractions, "split: the fractions \(fractions) add up to \(total), not 1")
    }
}

/// `total` split in proportion to `fractions` (which add up to 1) as whole numbers adding up to `total`:
/// floors first, then one more for the largest remainders (earlier parts first on ties), never above `caps`.
func apportion(_ total: Int, fractions: [Double], caps: [Int]? = nil) -> [Int] {
    let exact = fractions.map { $0 * Double(total) }
    var sizes = exact.map { Int($0.rounded(.down)) }
    if let caps { sizes = zip(sizes, caps).map { Swift.min($0, $1) } }
    var missing = total - sizes.reduce(0, +)
    let order = exact.indices.sorted { (exact[$0] - Double(sizes[$0]), $1) > (exact[$1] - Double(sizes[$1]), $0) }
    while missing > 0 {
        var placed = false
        for part in order where missing > 0 && sizes[part] < (caps?[part] ?? Int.max) {
            sizes[part] += 1
            missing -= 1
            placed = true
        }
        if !placed { break }
    }
    return sizes
}
