import Flint
import Foundation

extension Metrics {
    /// A text report of precision, recall, F1 and support per class with the accuracy, macro and weighted
    /// averages, laid out exactly as scikit-learn's `classification_report` (same labels, zero-division
    /// rule, digits and column widths; a "micro avg" row replaces "accuracy" when `labels` leave out a
    /// class that occurs).
    ///
    /// ```swift
    /// print(try Metrics.classificationReport(predictions: [0, 0, 2, 2, 1], targets: [0, 1, 2, 2, 2], classCount: 3))
    /// //               precision    recall  f1-score   support
    /// //
    /// //            0       0.50      1.00      0.67         1
    /// //  ...
    /// ```
    public static func classificationReport(predictions: [Int], targets: [Int], classCount: Int, labels: [Int]? = nil,
                                            targetNames: [String]? = nil, digits: Int = 2, zeroDivision: Double = 0) throws -> String {
        let scores = try precisionRecallF1(predictions: predictions, targets: targets, classCount: classCount,
                                           labels: labels, zeroDivision: zeroDivision)
        let matrix = try confusionMatrix(predictions: predictions, targets: targets, classCount: classCount)
        return classificationReport(scores: scores, present: presentLabels(matrix), targetNames: targetNames, digits: digits)
    }

    /// The report of predictions given as integer labels `[n]` or scores `[n, classes]` (argmax).
    ///
    /// ```swift
    /// print(try Metrics.classificationReport(predictions: logits, targets: labels, classCount: 10))
    /// ```
    public static func classificationReport(predictions: Tensor, targets: Tensor, classCount: Int, labels: [Int]? = nil,
                                            targetNames: [String]? = nil, digits: Int = 2, zeroDivision: Double = 0) throws -> String {
        let (predicted, _) = try predictedLabels(predictions, "classificationReport")
        return try classificationReport(predictions: predicted, targets: labelValues(targets, "classificationReport", role: "targets"),
                                        classCount: classCount, labels: labels, targetNames: targetNames,
                                        digits: digits, zeroDivision: zeroDivision)
    }

    /// The report of already-computed scores; `present` lists the classes occurring in the data.
    static func classificationReport(scores: ClassificationScores, present: [Int], targetNames: [String]?, digits: Int) -> String {
        precondition(digits >= 0, "classificationReport: digits is \(digits); it must be at least 0")
        let names = targetNames ?? scores.labels.map(String.init)
        precondition(names.count == scores.labels.count,
                     "classificationReport: \(names.count) target names for \(scores.labels.count) classes \(scores.labels)")
        let width = Swift.max(names.map(\.count).max() ?? 0, "weighted avg".count, digits)
        func right(_ text: String, _ size: Int) -> String { String(repeating: " ", count: Swift.max(0, size - text.count)) + text }
        func number(_ value: Double) -> String { right(String(format: "%.\(digits)f", value), 9) }
        func row(_ name: String, _ values: [Double], _ support: Int) -> String {
            right(name, width) + " " + values.map { " " + number($0) }.joined() + " " + right(String(support), 9) + "\n"
        }
        var report = right("", width) + " " + ["precision", "recall", "f1-score", "support"].map { " " + right($0, 9) }.joined() + "\n\n"
        let precision = scores.precision, recall = scores.recall, f1 = scores.f1
        for index in scores.labels.indices {
            report += row(names[index], [precision[index], recall[index], f1[index]], scores.support[index])
        }
        report += "\n"
        let totalSupport = scores.support.reduce(0, +)
        if Set(scores.labels).isSuperset(of: present) {
            report += right("accuracy", width) + " " + " " + right("", 9) + " " + right("", 9)
                + " " + number(scores.f1(.micro)) + " " + right(String(totalSupport), 9) + "\n"
        } else {
            report += row("micro avg", [scores.precision(.micro), scores.recall(.micro), scores.f1(.micro)], totalSupport)
        }
        for average in [MetricAverage.macro, .weighted] {
            report += row("\(average.rawValue) avg", [scores.precision(average), scores.recall(average), scores.f1(average)], totalSupport)
        }
        return report
    }
}
