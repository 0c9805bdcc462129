import Flint

/// A metric accumulated over the batches of an evaluation: `update` per batch, `compute` at the end,
/// `reset` before the next epoch. `compute` gives the same value as the matching ``Metrics`` function
/// on all the batches at once.
///
/// ```swift
/// let metric = Accuracy()
/// for (inputs, labels) in batches { try metric.update(predictions: model(inputs), targets: labels) }
/// print(metric.name, try metric.compute())   // accuracy 0.97
/// metric.reset()
/// ```
public protocol Metric: AnyObject {
    /// The key under which the value is logged (`accuracy`, `f1_macro`, `roc_auc`, `rmse`, …).
    ///
    /// ```swift
    /// Accuracy().name  // "accuracy"
    /// ```
    var name: String { get }
    /// Adds one batch. Throws for bad data (a label out of range, a non-finite value), leaving the
    /// metric as it was before the call.
    ///
    /// ```swift
    /// let accuracy = Accuracy()
    /// try accuracy.update(predictions: Tensor([[0.1, 0.9], [0.8, 0.2]]), targets: Tensor([1, 1]))
    /// ```
    func update(predictions: Tensor, targets: Tensor) throws
    /// The value over every batch since the last reset; throws when there were none or the metric is
    /// undefined on them.
    ///
    /// ```swift
    /// try accuracy.compute()  // 0.5
    /// ```
    func compute() throws -> Double
    /// Forgets every batch.
    ///
    /// ```swift
    /// accuracy.reset()   // before the next epoch
    /// ```
    func reset()
}

/// The fraction of correct predictions; predictions are labels `[n]` or scores `[n, classes]` (argmax).
///
/// ```swift
/// let accuracy = Accuracy()
/// try accuracy.update(predictions: Tensor([[0.9, 0.1], [0.4, 0.6]]), targets: Tensor([0, 0]))
/// try accuracy.compute()  // 0.5
/// ```
public final class Accuracy: Metric {
    /// `accuracy`.
    public let name = "accuracy"
    private var correct = 0
    private var total = 0

    /// A metric with no batches yet.
    ///
    /// ```swift
    /// let metric = Accuracy()
    /// ```
    public init() {}

    /// Adds one batch (targets outside the score columns throw when predictions are scores).
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        let (labels, columns) = try predictedLabels(predictions, name)
        let targetLabels = labelValues(targets, name, role: "targets")
        requireSameLength(labels.count, targetLabels.count, name)
        if let columns { try requireLabels(targetLabels, classCount: columns, name, role: "target") }
        correct += zip(labels, targetLabels).count { $0 == $1 }
        total += targetLabels.count
    }

    /// The fraction correct so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        try requireSamples(total, name)
        return Double(correct) / Double(total)
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { correct = 0; total = 0 }
}

/// The fraction of samples whose target is among the `k` highest scores `[n, classes]`.
///
/// ```swift
/// let top5 = TopKAccuracy(k: 5)   // logged as "top_5_accuracy"
/// ```
public final class TopKAccuracy: Metric {
    /// `top_<k>_accuracy`.
    public let name: String
    /// How many of the highest scores count as a hit.
    public let k: Int
    private var hits = 0
    private var total = 0

    /// A top-`k` accuracy with no batches yet.
    ///
    /// ```swift
    /// let metric = TopKAccuracy(k: 3)
    /// ```
    public init(k: Int) {
        precondition(k >= 1, "TopKAccuracy: k is \(k); it must be at least 1")
        self.k = k
        self.name = "top_\(k)_accuracy"
    }

    /// Adds one batch of scores `[n, classes]` and targets `[n]`.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        let (values, columns) = scoreValues(predictions, name, role: "predictions (scores)")
        let targetLabels = labelValues(targets, name, role: "targets")
        requireSameLength(columns == 0 ? 0 : values.count / columns, targetLabels.count, name, "scores")
        if targetLabels.isEmpty { return }
        hits += try Metrics.topKHits(values: values, columns: columns, targets: targetLabels, k: k)
        total += targetLabels.count
    }

    /// The fraction of hits so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        try requireSamples(total, name)
        return Double(hits) / Double(total)
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { hits = 0; total = 0 }
}

/// Which of precision, recall and F1 a ``ClassificationScoreMetric`` reports.
///
/// ```swift
/// let metric = ClassificationScoreMetric(.f1, average: .macro, classCount: 10)
/// ```
public enum ClassificationScoreKind: String, Sendable, CaseIterable {
    /// True positives over predicted positives.
    case precision
    /// True positives over actual positives.
    case recall
    /// The harmonic mean of precision and recall.
    case f1
}

/// Precision, recall or F1 averaged over classes, accumulated through a confusion matrix; named
/// `precision_macro`, `recall_weighted`, `f1_micro`, …. Labels and zero division as
/// `Metrics.precisionRecallF1` (scikit-learn's defaults: classes present in the data, 0).
///
/// ```swift
/// let f1 = ClassificationScoreMetric(.f1, average: .macro, classCount: 3)
/// try f1.update(predictions: Tensor([0, 2, 1]), targets: Tensor([0, 1, 1]))
/// try f1.compute()
/// ```
public final class ClassificationScoreMetric: Metric {
    /// `<kind>_<average>`, e.g. `f1_macro`.
    public let name: String
    /// Precision, recall or F1.
    public let kind: ClassificationScoreKind
    /// How the classes are combined.
    public let average: MetricAverage
    /// The confusion matrix accumulated so far.
    public let confusion: ConfusionMatrixAccumulator
    private let labels: [Int]?
    private let zeroDivision: Double

    /// A metric over `classCount` classes with no batches yet.
    ///
    /// ```swift
    /// let recall = ClassificationScoreMetric(.recall, average: .weighted, classCount: 10)
    /// ```
    public init(_ kind: ClassificationScoreKind, average: MetricAverage, classCount: Int,
                labels: [Int]? = nil, zeroDivision: Double = 0) {
        self.kind = kind
        self.average = average
        self.name = "\(kind.rawValue)_\(average.rawValue)"
        self.confusion = ConfusionMatrixAccumulator(classCount: classCount)
        self.labels = labels
        self.zeroDivision = zeroDivision
        _ = ClassificationScores(confusionMatrix: confusion.matrix, labels: labels ?? [], zeroDivision: zeroDivision)
    }

    /// Adds one batch of labels `[n]` or scores `[n, classes]` (argmax) and targets `[n]`.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        try confusion.update(predictions: predictions, targets: targets)
    }

    /// The averaged score so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        let scores = try confusion.scores(labels: labels, zeroDivision: zeroDivision, metric: name)
        switch kind {
        case .precision: return scores.precision(average)
        case .recall: return scores.recall(average)
        case .f1: return scores.f1(average)
        }
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { confusion.reset() }
}

/// A confusion matrix `[classCount, classCount]` (rows = targets) summed over batches; the basis of
/// precision, recall, F1 and the classification report during evaluation.
///
/// ```swift
/// let confusion = ConfusionMatrixAccumulator(classCount: 10)
/// try confusion.update(predictions: logits, targets: labels)
/// print(try confusion.report())
/// ```
public final class ConfusionMatrixAccumulator {
    /// The number of classes.
    public let classCount: Int
    /// The counts so far: `matrix[target][prediction]`.
    public private(set) var matrix: [[Int]]

    /// An all-zero matrix.
    ///
    /// ```swift
    /// let confusion = ConfusionMatrixAccumulator(classCount: 3)
    /// ```
    public init(classCount: Int) {
        requireClassCount(classCount, "ConfusionMatrixAccumulator")
        self.classCount = classCount
        self.matrix = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// Adds one batch of labels `[n]` or scores `[n, classes]` (argmax) and targets `[n]`; a label
    /// outside `0..<classCount` throws and leaves the matrix unchanged.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        let (labels, _) = try predictedLabels(predictions, "ConfusionMatrixAccumulator")
        let batch = try Metrics.confusionMatrix(predictions: labels, targets: labelValues(targets, "ConfusionMatrixAccumulator", role: "targets"),
                                                classCount: classCount)
        for row in 0..<classCount { for column in 0..<classCount { matrix[row][column] += batch[row][column] } }
    }

    /// The matrix as an int64 tensor `[classCount, classCount]`.
    ///
    /// ```swift
    /// let matrix = confusion.tensor   // int64 [classCount, classCount]
    /// ```
    public var tensor: Tensor { Tensor(matrix.flatMap { $0.map { Int64($0) } }, shape: [classCount, classCount]) }

    /// Per-class precision, recall, F1 and support so far (throws when empty).
    ///
    /// ```swift
    /// try confusion.scores().f1(.macro)
    /// ```
    public func scores(labels: [Int]? = nil, zeroDivision: Double = 0, metric: String = "precisionRecallF1") throws -> ClassificationScores {
        try requireSamples(matrix.reduce(0) { $0 + $1.reduce(0, +) }, metric)
        return ClassificationScores(confusionMatrix: matrix, labels: labels ?? Metrics.presentLabels(matrix), zeroDivision: zeroDivision)
    }

    /// scikit-learn's `classification_report` of the batches so far.
    ///
    /// ```swift
    /// print(try confusion.report(targetNames: ["cat", "dog", "bird"]))
    /// ```
    public func report(labels: [Int]? = nil, targetNames: [String]? = nil, digits: Int = 2, zeroDivision: Double = 0) throws -> String {
        Metrics.classificationReport(scores: try scores(labels: labels, zeroDivision: zeroDivision, metric: "classificationReport"),
                                     present: Metrics.presentLabels(matrix), targetNames: targetNames, digits: digits)
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() {
        matrix = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }
}
