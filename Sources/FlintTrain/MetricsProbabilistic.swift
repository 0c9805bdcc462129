import Flint
import Foundation

/// ROC-AUC and log loss: metrics of scores and probabilities rather than of predicted labels.
extension Metrics {
    /// The area under the ROC curve of binary targets (0 or 1) from scores of class 1, any real
    /// values (scikit-learn's `roc_auc_score`). Tied scores form one step of the curve, counted as half
    /// right, as scikit-learn's trapezoidal rule over distinct thresholds does.
    ///
    /// Throws when the targets hold only one class (scikit-learn returns NaN with a warning), when a
    /// target is not 0 or 1, or when a score is not finite.
    ///
    /// ```swift
    /// try Metrics.rocAUC(scores: [0.1, 0.4, 0.35, 0.8], targets: [0, 0, 1, 1])  // 0.75
    /// ```
    public static func rocAUC(scores: [Double], targets: [Int]) throws -> Double {
        requireSameLength(scores.count, targets.count, "rocAUC", "scores")
        try requireSamples(targets.count, "rocAUC")
        try requireLabels(targets, classCount: 2, "rocAUC", role: "target")
        try requireFinite(scores, "rocAUC", role: "a score")
        return try binaryAUC(scores: scores, positives: targets.map { $0 == 1 }, metric: "rocAUC", className: nil)
    }

    /// ROC-AUC of scores `[n, classes]`: one-vs-rest with the unweighted mean over classes when there are
    /// three or more (scikit-learn's `roc_auc_score(multi_class="ovr", labels=range(classes))`, whose rows
    /// must be probabilities summing to 1), or the binary AUC of column 1 with two columns.
    ///
    /// Throws when a class has no positive or no negative sample among the targets (scikit-learn returns
    /// NaN), when a target is outside `0..<classes`, or when rows of 3+ columns do not sum to 1.
    ///
    /// ```swift
    /// let probabilities = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3]]
    /// try Metrics.rocAUC(scores: probabilities, targets: [0, 1, 2, 1])
    /// ```
    public static func rocAUC(scores: [[Double]], targets: [Int]) throws -> Double {
        let (values, columns) = flattenRows(scores, "rocAUC", role: "scores")
        return try rocAUC(values: values, columns: columns, targets: targets)
    }

    /// ROC-AUC of floating-point scores `[n]` (binary, class 1's score) or `[n, classes]` against
    /// integer targets `[n]`.
    ///
    /// ```swift
    /// try Metrics.rocAUC(scores: model(x).softmax(axis: -1), targets: y)
    /// ```
    public static func rocAUC(scores: Tensor, targets: Tensor) throws -> Double {
        let targetLabels = labelValues(targets, "rocAUC", role: "targets")
        if scores.rank == 1 {
            precondition(scores.dtype.isFloatingPoint, "rocAUC: scores must be floating point, got dtype \(scores.dtype)")
            return try rocAUC(scores: scores.scalars(as: Double.self), targets: targetLabels)
        }
        let (values, columns) = scoreValues(scores, "rocAUC", role: "scores")
        return try rocAUC(values: values, columns: columns, targets: targetLabels)
    }

    static func rocAUC(values: [Double], columns: Int, targets: [Int]) throws -> Double {
        if targets.isEmpty && values.isEmpty { try requireSamples(0, "rocAUC") }
        requireClassCount(columns, "rocAUC (score columns)", minimum: 2)
        requireSameLength(values.count / columns, targets.count, "rocAUC", "scores")
        try requireSamples(targets.count, "rocAUC")
        try requireLabels(targets, classCount: columns, "rocAUC", role: "target")
        try requireFinite(values, "rocAUC", role: "a score", columns: columns)
        if columns == 2 {
            return try binaryAUC(scores: (0..<targets.count).map { values[$0 * 2 + 1] },
                                 positives: targets.map { $0 == 1 }, metric: "rocAUC", className: nil)
        }
        for row in 0..<targets.count {
            let sum = values[row * columns..<(row + 1) * columns].reduce(0, +)
            // NumPy's allclose(1, sum): |1 - sum| <= 1e-8 + 1e-5 * |sum|.
            if !(Swift.abs(1 - sum) <= 1e-8 + 1e-5 * Swift.abs(sum)) {
                throw MetricsError(.invalidValue, "rocAUC: scores in row \(row) sum to \(sum); one-vs-rest ROC-AUC over \(columns) classes needs probabilities summing to 1 (apply softmax first)")
            }
        }
        var total = 0.0
        for column in 0..<columns {
            total += try binaryAUC(scores: (0..<targets.count).map { values[$0 * columns + column] },
                                   positives: targets.map { $0 == column }, metric: "rocAUC", className: column)
        }
        return total / Double(columns)
    }

    /// The trapezoidal area under the ROC curve with integer counts, divided once at the end.
    static func binaryAUC(scores: [Double], positives: [Bool], metric: String, className: Int?) throws -> Double {
        let positiveCount = positives.count { $0 }
        let negativeCount = positives.count - positiveCount
        if positiveCount == 0 || negativeCount == 0 {
            let present = positiveCount == 0 ? "no" : "only"
            let what = className.map { "class \($0) (one-vs-rest)" } ?? "class 1"
            throw MetricsError(.undefined, "\(metric): \(present) \(what) samples among the \(positives.count) targets; ROC-AUC needs both positive and negative samples, so it is undefined here (evaluate on a set holding every class)")
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var area = 0.0, truePositives = 0.0, falsePositives = 0.0
        var start = 0
        while start < order.count {
            var end = start, groupPositives = 0.0, groupNegatives = 0.0
            while end < order.count && scores[order[end]] == scores[order[start]] {
                if positives[order[end]] { groupPositives += 1 } else { groupNegatives += 1 }
                end += 1
            }
            // One step for every distinct threshold; tied scores move diagonally (half counted).
            area += groupNegatives * (2 * truePositives + groupPositives)
            truePositives += groupPositives
            falsePositives += groupNegatives
            start = end
        }
        return area / (2 * Double(positiveCount) * Double(negativeCount))
    }

    /// The mean negative log-likelihood of the targets (scikit-learn's `log_loss` with
    /// `labels=range(classes)`): probabilities `[n, classes]` are clipped to `[ε, 1 − ε]` with ε the
    /// machine epsilon of Double (2.2e-16), as scikit-learn clips to its dtype's epsilon. Rows are not
    /// renormalised (scikit-learn only warns when they do not sum to 1).
    ///
    /// Throws when a probability is outside [0, 1] or NaN, or a target is outside `0..<classes`.
    ///
    /// ```swift
    /// try Metrics.logLoss(probabilities: [[0.9, 0.1], [0.2, 0.8]], targets: [0, 1])  // 0.164
    /// ```
    public static func logLoss(probabilities: [[Double]], targets: [Int]) throws -> Double {
        let (values, columns) = flattenRows(probabilities, "logLoss", role: "probabilities")
        return try logLossSum(values: values, columns: columns, targets: targets, epsilon: Double.ulpOfOne) / Double(targets.count)
    }

    /// Binary log loss from the probabilities of class 1 (`1 − p` is clipped for class 0, as scikit-learn).
    ///
    /// ```swift
    /// try Metrics.logLoss(probabilities: [0.1, 0.8], targets: [0, 1])  // 0.164
    /// ```
    public static func logLoss(probabilities: [Double], targets: [Int]) throws -> Double {
        let values = probabilities.flatMap { [1 - $0, $0] }
        try requireProbabilities(probabilities, columns: 1)
        return try logLossSum(values: values, columns: 2, targets: targets, epsilon: Double.ulpOfOne) / Double(targets.count)
    }

    /// Log loss of floating-point probabilities `[n]` (class 1) or `[n, classes]` against integer targets;
    /// float32 probabilities are clipped with float32's epsilon (1.19e-7), as scikit-learn does.
    ///
    /// ```swift
    /// try Metrics.logLoss(probabilities: logits.softmax(axis: -1), targets: labels)
    /// ```
    public static func logLoss(probabilities: Tensor, targets: Tensor) throws -> Double {
        let targetLabels = labelValues(targets, "logLoss", role: "targets")
        try requireSamples(targetLabels.count, "logLoss")
        return try logLossSum(probabilities: probabilities, targets: targetLabels) / Double(targetLabels.count)
    }

    /// The summed (not averaged) log loss of a tensor of probabilities, for accumulation over batches.
    static func logLossSum(probabilities: Tensor, targets: [Int]) throws -> Double {
        precondition(probabilities.dtype.isFloatingPoint,
                     "logLoss: probabilities must be floating point, got dtype \(probabilities.dtype) with shape \(probabilities.shape)")
        let epsilon = probabilities.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
        if probabilities.rank == 1 {
            let positive = probabilities.scalars(as: Double.self)
            try requireProbabilities(positive, columns: 1)
            return try logLossSum(values: positive.flatMap { [1 - $0, $0] }, columns: 2, targets: targets, epsilon: epsilon)
        }
        let (values, columns) = scoreValues(probabilities, "logLoss", role: "probabilities")
        return try logLossSum(values: values, columns: columns, targets: targets, epsilon: epsilon)
    }

    static func logLossSum(values: [Double], columns: Int, targets: [Int], epsilon: Double) throws -> Double {
        if targets.isEmpty && values.isEmpty { try requireSamples(0, "logLoss") }
        requireClassCount(columns, "logLoss (probability columns)", minimum: 2)
        requireSameLength(values.count / columns, targets.count, "logLoss", "probabilities")
        try requireSamples(targets.count, "logLoss")
        try requireLabels(targets, classCount: columns, "logLoss", role: "target")
        try requireProbabilities(values, columns: columns)
        var sum = 0.0
        for (row, target) in targets.enumerated() {
            sum -= Foundation.log(Swift.min(Swift.max(values[row * columns + target], epsilon), 1 - epsilon))
        }
        return sum
    }

    static func requireProbabilities(_ values: [Double], columns: Int) throws {
        for (index, value) in values.enumerated() where !(value >= 0 && value <= 1) {
            let position = columns == 1 ? "index \(index)" : "row \(index / columns), column \(index % columns)"
            throw MetricsError(.invalidValue, "logLoss: probability at \(position) is \(value); probabilities must lie in [0, 1] (apply softmax or sigmoid to logits first)")
        }
    }
}
