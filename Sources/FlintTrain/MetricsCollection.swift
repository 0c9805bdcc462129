import Flint

/// Several metrics updated together and computed into a dictionary keyed by their names, as the
/// trainer logs them.
///
/// ```swift
/// let metrics = try MetricCollection(names: ["accuracy", "f1_macro", "top_5_accuracy"], classCount: 10)
/// for (inputs, labels) in batches { try metrics.update(predictions: model(inputs), targets: labels) }
/// let values = try metrics.compute()   // ["accuracy": 0.97, "f1_macro": 0.96, "top_5_accuracy": 1.0]
/// ```
public final class MetricCollection {
    /// The metrics, in the order given.
    public let metrics: [any Metric]

    /// The given metrics; their names must differ.
    ///
    /// ```swift
    /// let metrics = MetricCollection([Accuracy(), RegressionMetric(.meanSquaredError)])
    /// ```
    public init(_ metrics: [any Metric]) {
        let names = metrics.map(\.name)
        precondition(Set(names).count == names.count, "MetricCollection: metric names \(names) repeat one")
        self.metrics = metrics
    }

    /// The metrics named by `names` (see ``Metrics/metric(named:classCount:)``).
    ///
    /// ```swift
    /// let metrics = try MetricCollection(names: ["mse", "r2"])
    /// ```
    public convenience init(names: [String], classCount: Int? = nil) throws {
        self.init(try names.map { try Metrics.metric(named: $0, classCount: classCount) })
    }

    /// The metric names, in order.
    ///
    /// ```swift
    /// metrics.names   // ["accuracy", "f1_macro"]
    /// ```
    public var names: [String] { metrics.map(\.name) }

    /// Adds one batch to every metric. When one throws, the metrics before it have taken the batch;
    /// evaluation is expected to stop there.
    ///
    /// ```swift
    /// try metrics.update(predictions: outputs, targets: labels)
    /// ```
    public func update(predictions: Tensor, targets: Tensor) throws {
        for metric in metrics { try metric.update(predictions: predictions, targets: targets) }
    }

    /// Every metric's value keyed by its name.
    ///
    /// ```swift
    /// let values = try metrics.compute()
    /// ```
    public func compute() throws -> [String: Double] {
        var values: [String: Double] = [:]
        for metric in metrics { values[metric.name] = try metric.compute() }
        return values
    }

    /// Forgets every batch of every metric.
    ///
    /// ```swift
    /// metrics.reset()
    /// ```
    public func reset() { for metric in metrics { metric.reset() } }
}

extension Metrics {
    /// The names ``metric(named:classCount:)`` accepts (`top_<k>_accuracy` for any k ≥ 1).
    ///
    /// ```swift
    /// print(Metrics.metricNames.joined(separator: ", "))
    /// ```
    public static let metricNames: [String] = ["accuracy", "top_<k>_accuracy"]
        + ClassificationScoreKind.allCases.flatMap { kind in MetricAverage.allCases.map { "\(kind.rawValue)_\($0.rawValue)" } }
        + ["roc_auc", "log_loss"] + RegressionMetricKind.allCases.map(\.rawValue)

    /// A fresh metric from its log key: `accuracy`, `top_5_accuracy`, `precision_macro`, `recall_micro`,
    /// `f1_weighted`, `roc_auc`, `log_loss`, `mse`, `mae`, `rmse`, `r2`. Precision, recall and F1 need
    /// `classCount`. Throws for an unknown name, listing the known ones.
    ///
    /// ```swift
    /// let metric = try Metrics.metric(named: "f1_macro", classCount: 10)
    /// ```
    public static func metric(named name: String, classCount: Int? = nil) throws -> any Metric {
        switch name {
        case "accuracy": return Accuracy()
        case "roc_auc": return ROCAUC()
        case "log_loss": return LogLoss()
        default: break
        }
        if let kind = RegressionMetricKind(rawValue: name) { return RegressionMetric(kind) }
        if name.hasPrefix("top_") && name.hasSuffix("_accuracy"),
           let k = Int(name.dropFirst(4).dropLast(9)), k >= 1 {
            return TopKAccuracy(k: k)
        }
        let parts = name.split(separator: "_", maxSplits: 1).map(String.init)
        if parts.count == 2, let kind = ClassificationScoreKind(rawValue: parts[0]), let average = MetricAverage(rawValue: parts[1]) {
            guard let classCount else {
                throw MetricsError(.unknownMetric, "metric '\(name)' needs the number of classes; pass classCount")
            }
            return ClassificationScoreMetric(kind, average: average, classCount: classCount)
        }
        throw MetricsError(.unknownMetric, "unknown metric '\(name)'; known metrics: \(metricNames.joined(separator: ", "))")
    }
}
