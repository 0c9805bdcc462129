import Flint

/// One round of cross-validation: the positions to train on and the held-out fold.
///
/// ```swift
/// for fold in try KFold(splitCount: 5).splits(count: 100) { fit(fold.train); score(fold.validation) }
/// ```
public struct Fold: Sendable, Equatable {
    /// The positions to train on (ascending).
    public let train: [Int]
    /// The held-out positions (ascending).
    public let validation: [Int]
}

/// K-fold cross-validation (scikit-learn's `KFold`): `0..<count` cut into `splitCount` consecutive folds
/// (the first `count % splitCount` one larger), each held out once; shuffled first when asked.
///
/// ```swift
/// let folds = try KFold(splitCount: 3).splits(count: 7)
/// folds[0].validation  // [0, 1, 2]
/// ```
public struct KFold: Sendable {
    /// The number of folds, at least 2.
    public let splitCount: Int
    /// Whether positions are shuffled (with ``seed``) before being cut into folds.
    public let shuffle: Bool
    /// The seed of the shuffle.
    public let seed: UInt64

    /// A K-fold splitter.
    ///
    /// ```swift
    /// let kfold = try KFold(splitCount: 5, shuffle: true, seed: 42)
    /// ```
    public init(splitCount: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) throws {
        guard splitCount >= 2 else {
            throw DataPipelineError(.invalidSplitCount, "KFold: needs at least 2 folds, got \(splitCount)")
        }
        self.splitCount = splitCount
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The folds of `0..<count`; `count` must be at least ``splitCount``.
    ///
    /// ```swift
    /// let folds = try kfold.splits(count: dataset.count)
    /// ```
    public func splits(count: Int) throws -> [Fold] {
        guard splitCount <= count else {
            throw DataPipelineError(.invalidSplitCount, "KFold: cannot make \(splitCount) folds of \(count) samples; use at most \(count) folds")
        }
        let order = shuffle
            ? SeededRandom.permutation(count, generator: SeededRandom.generator(seed: seed, epoch: 0, stream: .folds))
            : Array(0..<count)
        var assignment = [Int](repeating: 0, count: count)
        var start = 0
        for fold in 0..<splitCount {
            let size = count / splitCount + (fold < count % splitCount ? 1 : 0)
            for position in order[start..<(start + size)] { assignment[position] = fold }
            start += size
        }
        return folds(from: assignment, splitCount: splitCount)
    }
}

/// Stratified K-fold (scikit-learn's `StratifiedKFold`): every fold keeps the class proportions.
/// Fold f receives, of each class, the number of that class's labels at positions f, f + k, f + 2k, … of
/// the sorted labels; without shuffling the members are dealt in index order, so the folds equal
/// scikit-learn's.
///
/// ```swift
/// let folds = try StratifiedKFold(splitCount: 5, shuffle: true, seed: 0).splits(labels: labels)
/// ```
public struct StratifiedKFold: Sendable {
    /// The number of folds, at least 2.
    public let splitCount: Int
    /// Whether each class's members are shuffled (with ``seed``) before being dealt to folds.
    public let shuffle: Bool
    /// The seed of the shuffle.
    public let seed: UInt64

    /// A stratified K-fold splitter.
    ///
    /// ```swift
    /// let splitter = try StratifiedKFold(splitCount: 10)
    /// ```
    public init(splitCount: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) throws {
        guard splitCount >= 2 else {
            throw DataPipelineError(.invalidSplitCount, "StratifiedKFold: needs at least 2 folds, got \(splitCount)")
        }
        self.splitCount = splitCount
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The folds for samples with these class labels. Throws when there are fewer samples than folds, or
    /// when every class has fewer members than folds (as scikit-learn).
    ///
    /// ```swift
    /// let folds = try splitter.splits(labels: dataset.classLabels)
    /// ```
    public func splits(labels: [Int]) throws -> [Fold] {
        guard splitCount <= labels.count else {
            throw DataPipelineError(.invalidSplitCount,
                "StratifiedKFold: cannot make \(splitCount) folds of \(labels.count) samples; use at most \(labels.count) folds")
        }
        // Classes numbered in order of first appearance, as scikit-learn encodes them.
        let groups = groupByClass(labels).sorted { $0.members[0] < $1.members[0] }
        let largest = groups.map(\.members.count).max() ?? 0
        guard splitCount <= largest else {
            throw DataPipelineError(.invalidSplitCount,
                "StratifiedKFold: \(splitCount) folds but no class has that many members (the largest has \(largest)); use fewer folds")
        }
        // allocation[fold][class]: how many of the class's members go to the fold.
        let classOf = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1.label, $0) })
        let sortedClasses = labels.map { classOf[$0]! }.sorted()
        var allocation = [[Int]](repeating: [Int](repeating: 0, count: groups.count), count: splitCount)
        for (position, group) in sortedClasses.enumerated() { allocation[position % splitCount][group] += 1 }
        let generator = SeededRandom.generator(seed: seed, epoch: 0, stream: .folds)
        var assignment = [Int](repeating: 0, count: labels.count)
        for (group, entry) in groups.enumerated() {
            var foldOfMember = (0..<splitCount).flatMap { [Int](repeating: $0, count: allocation[$0][group]) }
            if shuffle { foldOfMember = SeededRandom.shuffled(foldOfMember, generator: generator) }
            for (member, fold) in zip(entry.members, foldOfMember) { assignment[member] = fold }
        }
        return folds(from: assignment, splitCount: splitCount)
    }
}

/// Folds from each position's fold number.
private func folds(from assignment: [Int], splitCount: Int) -> [Fold] {
    (0..<splitCount).map { fold in
        Fold(train: assignment.indices.filter { assignment[$0] != fold }, validation: assignment.indices.filter { assignment[$0] == fold })
    }
}
