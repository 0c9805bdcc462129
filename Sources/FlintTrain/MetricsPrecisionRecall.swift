import Flint

/// How per-class precision, recall and F1 are combined into one number (scikit-learn's `average`).
///
/// ```swift
/// try Metrics.f1(predictions: predicted, targets: targets, classCount: 3, average: .weighted)
/// ```
public enum MetricAverage: String, Sendable, CaseIterable {
    /// The unweighted mean of the per-class scores.
    case macro
    /// The score of the pooled counts (true positives, predicted and true totals summed over classes).
    case micro
    /// The mean of the per-class scores weighted by each class's number of true samples (support).
    case weighted
}

/// Precision, recall, F1 and support for each class of a label list, with their averages
/// (scikit-learn's `precision_recall_fscore_support`).
///
/// ```swift
/// let scores = try Metrics.precisionRecallF1(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2)
/// scores.f1           // per class, in the order of scores.labels
/// scores.f1(.macro)   // averaged
/// ```
public struct ClassificationScores: Sendable, Equatable {
    /// The classes scored, in order: the given labels, or every class present in the targets or
    /// predictions (sorted) when none were given.
    public let labels: [Int]
    /// True positives per class.
    public let truePositives: [Int]
    /// Samples predicted as each class.
    public let predictedCounts: [Int]
    /// Samples whose target is each class (the support).
    public let support: [Int]
    /// The value used where a ratio divides by zero: 0 (scikit-learn's default), 1 or NaN.
    public let zeroDivision: Double

    /// The scores of the classes `labels` from a confusion matrix (rows = targets).
    ///
    /// ```swift
    /// let scores = ClassificationScores(confusionMatrix: [[1, 1], [0, 1]], labels: [0, 1])
    /// ```
    public init(confusionMatrix matrix: [[Int]], labels: [Int], zeroDivision: Double = 0) {
        precondition(zeroDivision == 0 || zeroDivision == 1 || zeroDivision.isNaN,
                     "precisionRecallF1: zeroDivision is \(zeroDivision); it must be 0, 1 or NaN (as scikit-learn's zero_division)")
        precondition(Set(labels).count == labels.count, "precisionRecallF1: labels \(labels) contain a class twice")
        for label in labels {
            precondition(label >= 0 && label < matrix.count, "precisionRecallF1: label \(label) is outside 0..<\(matrix.count)")
        }
        self.labels = labels
        self.truePositives = labels.map { matrix[$0][$0] }
        self.predictedCounts = labels.map { label in matrix.reduce(0) { $0 + $1[label] } }
        self.support = labels.map { matrix[$0].reduce(0, +) }
        self.zeroDivision = zeroDivision
    }

    /// Precision per class: true positives over predicted counts.
    ///
    /// ```swift
    /// scores.precision   // [1.0, 0.5] for predictions [0, 1, 1], targets [0, 0, 1]
    /// ```
    public var precision: [Double] { zip(truePositives, predictedCounts).map { divide($0, $1) } }
    /// Recall per class: true positives over support.
    ///
    /// ```swift
    /// let scores = try Metrics.precisionRecallF1(predictions: [0, 2, 1], targets: [0, 1, 1], classCount: 3)
    /// scores.recall  // [1.0, 0.5, 0.0]
    /// ```
    public var recall: [Double] { zip(truePositives, support).map { divide($0, $1) } }
    /// F1 per class: 2·TP / (support + predicted count), which equals 2PR/(P+R) where defined.
    ///
    /// ```swift
    /// scores.f1          // [0.667, 0.667]
    /// ```
    public var f1: [Double] { (0..<labels.count).map { divide(2 * truePositives[$0], support[$0] + predictedCounts[$0]) } }

    /// Precision averaged as `average`.
    ///
    /// ```swift
    /// scores.precision(.micro)
    /// ```
    public func precision(_ average: MetricAverage) -> Double {
        average == .micro ? divide(truePositives.reduce(0, +), predictedCounts.reduce(0, +)) : combine(precision, average)
    }

    /// Recall averaged as `average`.
    ///
    /// ```swift
    /// scores.recall(.macro)
    /// ```
    public func recall(_ average: MetricAverage) -> Double {
        average == .micro ? divide(truePositives.reduce(0, +), support.reduce(0, +)) : combine(recall, average)
    }

    /// F1 averaged as `average`.
    ///
    /// ```swift
    /// scores.f1(.weighted)
    /// ```
    public func f1(_ average: MetricAverage) -> Double {
        guard average == .micro else { return combine(f1, average) }
        return divide(2 * truePositives.reduce(0, +), support.reduce(0, +) + predictedCounts.reduce(0, +))
    }

    private func divide(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? zeroDivision : Double(numerator) / Double(denominator)
    }

    /// scikit-learn's `_nanaverage`: NaN entries are left out; weights that sum to zero are ignored.
    private func combine(_ values: [Double], _ average: MetricAverage) -> Double {
        let kept = values.indices.filter { !values[$0].isNaN }
        guard !kept.isEmpty else { return .nan }
        if average == .weighted {
            let totalWeight = kept.reduce(0) { $0 + Double(support[$1]) }
            if totalWeight != 0 {
                return kept.reduce(0) { $0 + values[$1] * Double(support[$1]) } / totalWeight
            }
        }
        return kept.reduce(0) { $0 + values[$1] } / Double(kept.count)
    }
}

extension Metrics {
    /// Precision, recall, F1 and support per class (scikit-learn's `precision_recall_fscore_support`).
    ///
    /// `labels` nil scores the classes present in the targets or the predictions, as scikit-learn does
    /// by default; pass `Array(0..<classCount)` to score every class, absent ones included. A ratio
    /// that divides by zero (a class never predicted, or without true samples) is `zeroDivision`:
    /// 0 by default, which is scikit-learn's default `"warn"` without the warning; 1 and NaN as in
    /// scikit-learn (NaN entries are left out of averages). Labels outside `0..<classCount` throw.
    ///
    /// ```swift
    /// let scores = try Metrics.precisionRecallF1(predictions: [0, 2, 1], targets: [0, 1, 1], classCount: 3)
    /// scores.recall  // [1.0, 0.5, 0.0]
    /// ```
    public static func precisionRecallF1(predictions: [Int], targets: [Int], classCount: Int,
                                         labels: [Int]? = nil, zeroDivision: Double = 0) throws -> ClassificationScores {
        requireSameLength(predictions.count, targets.count, "precisionRecallF1")
        try requireSamples(targets.count, "precisionRecallF1")
        let matrix = try confusionMatrix(predictions: predictions, targets: targets, classCount: classCount)
        return ClassificationScores(confusionMatrix: matrix, labels: labels ?? presentLabels(matrix), zeroDivision: zeroDivision)
    }

    /// Per-class scores from integer labels `[n]` or scores `[n, classes]` (argmax) against targets `[n]`.
    ///
    /// ```swift
    /// let scores = try Metrics.precisionRecallF1(predictions: logits, targets: labels, classCount: 10)
    /// ```
    public static func precisionRecallF1(predictions: Tensor, targets: Tensor, classCount: Int,
                                         labels: [Int]? = nil, zeroDivision: Double = 0) throws -> ClassificationScores {
        let (predicted, _) = try predictedLabels(predictions, "precisionRecallF1")
        return try precisionRecallF1(predictions: predicted, targets: labelValues(targets, "precisionRecallF1", role: "targets"),
                                     classCount: classCount, labels: labels, zeroDivision: zeroDivision)
    }

    /// Precision averaged as `average` (scikit-learn's `precision_score`); labels and zeroDivision as in `precisionRecallF1`.
    ///
    /// ```swift
    /// try Metrics.precision(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2, average: .macro)  // 0.75
    /// ```
    public static func precision(predictions: [Int], targets: [Int], classCount: Int, average: MetricAverage,
                                 labels: [Int]? = nil, zeroDivision: Double = 0) throws -> Double {
        try precisionRecallF1(predictions: predictions, targets: targets, classCount: classCount,
                              labels: labels, zeroDivision: zeroDivision).precision(average)
    }

    /// Recall averaged as `average` (scikit-learn's `recall_score`).
    ///
    /// ```swift
    /// try Metrics.recall(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2, average: .macro)  // 0.75
    /// ```
    public static func recall(predictions: [Int], targets: [Int], classCount: Int, average: MetricAverage,
                              labels: [Int]? = nil, zeroDivision: Double = 0) throws -> Double {
        try precisionRecallF1(predictions: predictions, targets: targets, classCount: classCount,
                              labels: labels, zeroDivision: zeroDivision).recall(average)
    }

    /// F1 averaged as `average` (scikit-learn's `f1_score`).
    ///
    /// ```swift
    /// try Metrics.f1(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2, average: .macro)  // 0.6667
    /// ```
    public static func f1(predictions: [Int], targets: [Int], classCount: Int, average: MetricAverage,
                          labels: [Int]? = nil, zeroDivision: Double = 0) throws -> Double {
        try precisionRecallF1(predictions: predictions, targets: targets, classCount: classCount,
                              labels: labels, zeroDivision: zeroDivision).f1(average)
    }

    /// The classes with at least one target or prediction, sorted (scikit-learn's `unique_labels`).
    static func presentLabels(_ matrix: [[Int]]) -> [Int] {
        matrix.indices.filter { label in matrix[label].reduce(0, +) > 0 || matrix.contains { $0[label] > 0 } }
    }
}
