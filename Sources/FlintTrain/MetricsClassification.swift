import Flint

/// Accuracy, top-k accuracy and the confusion matrix.
extension Metrics {
    /// The fraction of predictions equal to their target (scikit-learn's `accuracy_score`).
    ///
    /// ```swift
    /// try Metrics.accuracy(predictions: [0, 2, 1, 3], targets: [0, 1, 2, 3])  // 0.5
    /// ```
    public static func accuracy(predictions: [Int], targets: [Int]) throws -> Double {
        requireSameLength(predictions.count, targets.count, "accuracy")
        try requireSamples(targets.count, "accuracy")
        return Double(zip(predictions, targets).count { $0 == $1 }) / Double(targets.count)
    }

    /// Accuracy of integer labels `[n]`, or of scores `[n, classes]` through their argmax (the first
    /// largest on ties), against integer targets `[n]`. With scores, targets outside `0..<classes` throw.
    ///
    /// ```swift
    /// let logits = Tensor([[2.0, 0.1], [0.3, 0.9]])
    /// try Metrics.accuracy(predictions: logits, targets: Tensor([0, 0]))  // 0.5
    /// ```
    public static func accuracy(predictions: Tensor, targets: Tensor) throws -> Double {
        let (labels, columns) = try predictedLabels(predictions, "accuracy")
        let targetLabels = labelValues(targets, "accuracy", role: "targets")
        requireSameLength(labels.count, targetLabels.count, "accuracy")
        if let columns { try requireLabels(targetLabels, classCount: columns, "accuracy", role: "target") }
        return try accuracy(predictions: labels, targets: targetLabels)
    }

    /// The fraction of samples whose target is among the `k` highest scores (scikit-learn's
    /// `top_k_accuracy_score` with `labels=range(classes)`). Ties rank the higher class index first,
    /// as scikit-learn's stable sort does; `k` at or above the number of classes gives 1.
    ///
    /// ```swift
    /// let scores = [[0.5, 0.2, 0.3], [0.1, 0.3, 0.6]]
    /// try Metrics.topKAccuracy(scores: scores, targets: [2, 0], k: 2)  // 0.5
    /// ```
    public static func topKAccuracy(scores: [[Double]], targets: [Int], k: Int) throws -> Double {
        let (values, columns) = flattenRows(scores, "topKAccuracy", role: "scores")
        return try topKAccuracy(values: values, columns: columns, targets: targets, k: k)
    }

    /// Top-k accuracy of floating-point scores `[n, classes]` against integer targets `[n]`.
    ///
    /// ```swift
    /// try Metrics.topKAccuracy(scores: Tensor.randn([8, 10]), targets: Tensor.arange(8), k: 5)
    /// ```
    public static func topKAccuracy(scores: Tensor, targets: Tensor, k: Int) throws -> Double {
        let (values, columns) = scoreValues(scores, "topKAccuracy", role: "scores")
        return try topKAccuracy(values: values, columns: columns,
                                targets: labelValues(targets, "topKAccuracy", role: "targets"), k: k)
    }

    static func topKAccuracy(values: [Double], columns: Int, targets: [Int], k: Int) throws -> Double {
        let hits = try topKHits(values: values, columns: columns, targets: targets, k: k)
        return Double(hits) / Double(targets.count)
    }

    /// How many samples have their target among the `k` highest scores (after every check).
    static func topKHits(values: [Double], columns: Int, targets: [Int], k: Int) throws -> Int {
        precondition(k >= 1, "topKAccuracy: k is \(k); it must be at least 1")
        requireSameLength(columns == 0 ? 0 : values.count / columns, targets.count, "topKAccuracy", "scores")
        try requireSamples(targets.count, "topKAccuracy")
        requireClassCount(columns, "topKAccuracy (score columns)")
        try requireLabels(targets, classCount: columns, "topKAccuracy", role: "target")
        try requireFinite(values, "topKAccuracy", role: "a score", columns: columns)
        var hits = 0
        for (row, target) in targets.enumerated() {
            let base = row * columns
            let targetScore = values[base + target]
            // Classes ranked above the target: higher scores, and equal scores at higher indices.
            var above = 0
            for column in 0..<columns {
                let score = values[base + column]
                if score > targetScore || (score == targetScore && column > target) { above += 1 }
            }
            if above < k { hits += 1 }
        }
        return hits
    }

    /// The confusion matrix `[classCount, classCount]`: entry `[t][p]` counts samples of target class `t`
    /// predicted as `p` (rows are true classes, as scikit-learn's `confusion_matrix` with
    /// `labels=range(classCount)`). Labels outside `0..<classCount` throw.
    ///
    /// ```swift
    /// try Metrics.confusionMatrix(predictions: [0, 1, 1], targets: [0, 0, 1], classCount: 2)  // [[1, 1], [0, 1]]
    /// ```
    public static func confusionMatrix(predictions: [Int], targets: [Int], classCount: Int) throws -> [[Int]] {
        requireClassCount(classCount, "confusionMatrix")
        requireSameLength(predictions.count, targets.count, "confusionMatrix")
        try requireLabels(targets, classCount: classCount, "confusionMatrix", role: "target")
        try requireLabels(predictions, classCount: classCount, "confusionMatrix", role: "prediction")
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (prediction, target) in zip(predictions, targets) { matrix[target][prediction] += 1 }
        return matrix
    }

    /// The confusion matrix as an int64 tensor `[classCount, classCount]`, from integer labels `[n]` or
    /// scores `[n, classes]` (argmax). An empty input gives a matrix of zeros.
    ///
    /// ```swift
    /// let matrix = try Metrics.confusionMatrix(predictions: Tensor([0, 1]), targets: Tensor([1, 1]), classCount: 2)
    /// ```
    public static func confusionMatrix(predictions: Tensor, targets: Tensor, classCount: Int) throws -> Tensor {
        let (labels, _) = try predictedLabels(predictions, "confusionMatrix")
        let matrix = try confusionMatrix(predictions: labels, targets: labelValues(targets, "confusionMatrix", role: "targets"),
                                         classCount: classCount)
        return Tensor(matrix.flatMap { $0.map { Int64($0) } }, shape: [classCount, classCount])
    }
}
