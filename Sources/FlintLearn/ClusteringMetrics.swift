import Flint

/// Scores that compare two clusterings of the same samples.
///
/// ```swift
/// let score = try ClusteringMetrics.adjustedRandIndex(labelsTrue: labels, labelsPredicted: kmeans.labels)
/// ```
public enum ClusteringMetrics {
    /// The adjusted Rand index (scikit-learn's `adjusted_rand_score`): pair agreement between two
    /// labelings corrected for chance; 1 for identical partitions (whatever the label names), about 0 for
    /// random ones. Labels are any integers (DBSCAN's −1 noise counts as one cluster, as in scikit-learn).
    ///
    /// ```swift
    /// try ClusteringMetrics.adjustedRandIndex(labelsTrue: [0, 0, 1, 1], labelsPredicted: [1, 1, 0, 0])  // 1
    /// ```
    public static func adjustedRandIndex(labelsTrue: [Int], labelsPredicted: [Int]) throws -> Double {
        guard labelsTrue.count == labelsPredicted.count else {
            throw LearnError(.invalidInput, "adjustedRandIndex: \(labelsTrue.count) true labels but \(labelsPredicted.count) predicted; "
                             + "pass one label of each per sample")
        }
        let count = labelsTrue.count
        var trueIndex: [Int: Int] = [:], predictedIndex: [Int: Int] = [:]
        let trueCodes = labelsTrue.map { label in trueIndex[label] ?? { trueIndex[label] = trueIndex.count; return trueIndex.count - 1 }() }
        let predictedCodes = labelsPredicted.map { label in
            predictedIndex[label] ?? { predictedIndex[label] = predictedIndex.count; return predictedIndex.count - 1 }()
        }
        // Special cases as scikit-learn: no pairs, or both labelings a single cluster or all singletons.
        if count < 2 || trueIndex.count == predictedIndex.count
            && (trueIndex.count == 1 || trueIndex.count == count) { return 1 }
        let columns = predictedIndex.count
        var contingency = [Double](repeating: 0, count: trueIndex.count * columns)
        var rowSums = [Double](repeating: 0, count: trueIndex.count), columnSums = [Double](repeating: 0, count: columns)
        for (trueCode, predictedCode) in zip(trueCodes, predictedCodes) {
            contingency[trueCode * columns + predictedCode] += 1
            rowSums[trueCode] += 1
            columnSums[predictedCode] += 1
        }
        func pairs(_ value: Double) -> Double { value * (value - 1) / 2 }
        let index = contingency.reduce(0) { $0 + pairs($1) }
        let truePairs = rowSums.reduce(0) { $0 + pairs($1) }, predictedPairs = columnSums.reduce(0) { $0 + pairs($1) }
        let expected = truePairs * predictedPairs / pairs(Double(count))
        let maximum = (truePairs + predictedPairs) / 2
        if maximum == expected { return 1 }
        return (index - expected) / (maximum - expected)
    }

    /// The adjusted Rand index of two integer label tensors `[n]`.
    ///
    /// ```swift
    /// let score = try ClusteringMetrics.adjustedRandIndex(labelsTrue: data.targets, labelsPredicted: kmeans.labels)
    /// ```
    public static func adjustedRandIndex(labelsTrue: Tensor, labelsPredicted: Tensor) throws -> Double {
        try adjustedRandIndex(labelsTrue: labelsTrue.to(.int64).scalars(as: Int64.self).map { Int($0) },
                              labelsPredicted: labelsPredicted.to(.int64).scalars(as: Int64.self).map { Int($0) })
    }
}
