import Flint

/// ROC-AUC over every batch (`roc_auc`): binary from scores `[n]` or `[n, 2]`, one-vs-rest macro from
/// probabilities `[n, classes]`. Keeps every score until `reset` (the curve needs them all).
///
/// ```swift
/// let auc = ROCAUC()
/// try auc.update(predictions: logits.softmax(axis: -1), targets: labels)
/// try auc.compute()
/// ```
public final class ROCAUC: Metric {
    /// `roc_auc`.
    public let name = "roc_auc"
    private var scores: [Double] = []
    private var targets: [Int] = []
    private var columns: Int? = nil

    /// A metric with no batches yet.
    ///
    /// ```swift
    /// let metric = ROCAUC()
    /// ```
    public init() {}

    /// Adds one batch; every batch must have the same number of score columns.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets batchTargets: Tensor) throws {
        let labels = labelValues(batchTargets, name, role: "targets")
        let (values, batchColumns): ([Double], Int)
        if predictions.rank == 1 {
            precondition(predictions.dtype.isFloatingPoint, "\(name): scores must be floating point, got dtype \(predictions.dtype)")
            (values, batchColumns) = (predictions.scalars(as: Double.self), 1)
        } else {
            (values, batchColumns) = scoreValues(predictions, name, role: "predictions (scores)")
        }
        precondition(columns == nil || columns == batchColumns,
                     "\(name): this batch has \(batchColumns) score columns but earlier batches had \(columns ?? 0)")
        requireSameLength(values.count / max(batchColumns, 1), labels.count, name, "scores")
        try requireLabels(labels, classCount: Swift.max(batchColumns, 2), name, role: "target")
        try requireFinite(values, name, role: "a score", columns: batchColumns)
        columns = batchColumns
        scores += values
        targets += labels
    }

    /// The area under the curve over every batch so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        try requireSamples(targets.count, name)
        if columns == 1 { return try Metrics.rocAUC(scores: scores, targets: targets) }
        return try Metrics.rocAUC(values: scores, columns: columns ?? 0, targets: targets)
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { scores = []; targets = []; columns = nil }
}

/// The mean log loss over every batch (`log_loss`) of probabilities `[n]` (class 1) or `[n, classes]`.
///
/// ```swift
/// let loss = LogLoss()
/// try loss.update(predictions: logits.softmax(axis: -1), targets: labels)
/// ```
public final class LogLoss: Metric {
    /// `log_loss`.
    public let name = "log_loss"
    private var sum = 0.0
    private var total = 0

    /// A metric with no batches yet.
    ///
    /// ```swift
    /// let metric = LogLoss()
    /// ```
    public init() {}

    /// Adds one batch of probabilities and targets.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        let labels = labelValues(targets, name, role: "targets")
        if labels.isEmpty { return requireSameLength(predictions.count, 0, name, "probabilities") }
        sum += try Metrics.logLossSum(probabilities: predictions, targets: labels)
        total += labels.count
    }

    /// The mean so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        try requireSamples(total, name)
        return sum / Double(total)
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { sum = 0; total = 0 }
}

/// Which regression metric a ``RegressionMetric`` reports, with its log key.
///
/// ```swift
/// let rmse = RegressionMetric(.rootMeanSquaredError)   // "rmse"
/// ```
public enum RegressionMetricKind: String, Sendable, CaseIterable {
    /// Mean squared error, `mse`.
    case meanSquaredError = "mse"
    /// Mean absolute error, `mae`.
    case meanAbsoluteError = "mae"
    /// Root mean squared error, `rmse`.
    case rootMeanSquaredError = "rmse"
    /// Coefficient of determination, `r2`.
    case r2Score = "r2"
}

/// MSE, MAE, RMSE or R² accumulated over batches of floating-point predictions and targets of
/// equal shape `[n]` or `[n, outputs]` (outputs averaged uniformly).
///
/// ```swift
/// let r2 = RegressionMetric(.r2Score)
/// try r2.update(predictions: Tensor([2.5, 0.0, 2.0, 8.0]), targets: Tensor([3.0, -0.5, 2.0, 7.0]))
/// try r2.compute()  // 0.9486
/// ```
public final class RegressionMetric: Metric {
    /// `mse`, `mae`, `rmse` or `r2`.
    ///
    /// ```swift
    /// RegressionMetric(.rootMeanSquaredError).name  // "rmse"
    /// ```
    public var name: String { kind.rawValue }
    /// Which metric.
    public let kind: RegressionMetricKind
    private var sums: RegressionSums? = nil

    /// A metric with no batches yet.
    ///
    /// ```swift
    /// let mae = RegressionMetric(.meanAbsoluteError)
    /// ```
    public init(_ kind: RegressionMetricKind) { self.kind = kind }

    /// Adds one batch; every batch must have the same number of outputs.
    ///
    /// ```swift
    /// try metric.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        var updated = sums ?? RegressionSums(outputs: RegressionSums.outputCount(predictions, targets, name), metric: name)
        try updated.add(predictions: predictions, targets: targets)
        sums = updated
    }

    /// The value over every batch so far.
    ///
    /// ```swift
    /// let value = try metric.compute()
    /// ```
    public func compute() throws -> Double {
        guard let sums else { throw MetricsError(.emptyInput, "\(name): no samples to evaluate; give at least one prediction and target (is the evaluation set empty?)") }
        switch kind {
        case .meanSquaredError: return try sums.meanSquaredError()
        case .meanAbsoluteError: return try sums.meanAbsoluteError()
        case .rootMeanSquaredError: return try sums.rootMeanSquaredError()
        case .r2Score: return try sums.r2Score()
        }
    }

    /// Forgets every batch.
    ///
    /// ```swift
    /// metric.reset()
    /// ```
    public func reset() { sums = nil }
}
