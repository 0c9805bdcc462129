import Flint

/// Metric functions and their checks, as pure functions of predictions and targets.
///
/// Every function follows scikit-learn's definition of the metric of the same name (`sklearn.metrics`),
/// including its edge cases, and states where Flint differs (it throws ``MetricsError`` where
/// scikit-learn returns NaN with a warning). Labels are class indices `0..<classCount`; scores and
/// probabilities are rows of `classCount` columns, column `c` belonging to class `c`.
///
/// ```swift
/// let accuracy = try Metrics.accuracy(predictions: [0, 2, 1], targets: [0, 1, 1])  // 2/3
/// let f1 = try Metrics.f1(predictions: [0, 2, 1], targets: [0, 1, 1], classCount: 3, average: .macro)
/// ```
public enum Metrics {}

// MARK: - Checks shared by the metrics (internal)

/// Stops when two lengths differ: calling code paired the wrong arrays (a programmer error).
func requireSameLength(_ first: Int, _ second: Int, _ metric: String,
                       _ firstName: String = "predictions", _ secondName: String = "targets") {
    precondition(first == second, "\(metric): \(firstName) has \(first) samples but \(secondName) has \(second); they must pair up one to one")
}

/// Throws when there is nothing to evaluate.
func requireSamples(_ count: Int, _ metric: String) throws {
    if count == 0 {
        throw MetricsError(.emptyInput, "\(metric): no samples to evaluate; give at least one prediction and target (is the evaluation set empty?)")
    }
}

/// Throws when a label is outside `0..<classCount`, naming the first one and its index.
func requireLabels(_ labels: [Int], classCount: Int, _ metric: String, role: String) throws {
    for (index, label) in labels.enumerated() where label < 0 || label >= classCount {
        throw MetricsError(.labelOutOfRange, "\(metric): \(role) \(label) at index \(index) is outside 0..<\(classCount) (\(classCount) classes); check the dataset's labels and the model's number of outputs")
    }
}

/// Throws when a value is NaN or infinite, naming the first one and its position.
func requireFinite(_ values: [Double], _ metric: String, role: String, columns: Int = 1) throws {
    for (index, value) in values.enumerated() where !value.isFinite {
        let position = columns == 1 ? "index \(index)" : "row \(index / columns), column \(index % columns)"
        throw MetricsError(.invalidValue, "\(metric): \(role) at \(position) is \(value); metrics need finite values (did training diverge?)")
    }
}

/// Stops unless `classCount` is at least `minimum`.
func requireClassCount(_ classCount: Int, _ metric: String, minimum: Int = 1) {
    precondition(classCount >= minimum, "\(metric): classCount is \(classCount); it must be at least \(minimum)")
}

/// Stops unless every row has `columns` entries; returns the rows flattened.
func flattenRows(_ rows: [[Double]], _ metric: String, role: String) -> (values: [Double], columns: Int) {
    let columns = rows.first?.count ?? 0
    for (index, row) in rows.enumerated() {
        precondition(row.count == columns, "\(metric): \(role) row \(index) has \(row.count) columns but row 0 has \(columns)")
    }
    return (rows.flatMap { $0 }, columns)
}

/// The index of the largest value of each row (the first one on ties, as NumPy's and Flint's argmax).
func argmaxRows(_ values: [Double], columns: Int) -> [Int] {
    let rows = columns == 0 ? 0 : values.count / columns
    return (0..<rows).map { row in
        var best = 0
        for column in 1..<max(columns, 1) where values[row * columns + column] > values[row * columns + best] {
            best = column
        }
        return best
    }
}

// MARK: - Tensor inputs (internal)

/// The labels of a rank-1 (or `[n, 1]`) integer tensor.
func labelValues(_ tensor: Tensor, _ metric: String, role: String) -> [Int] {
    precondition(tensor.dtype.isInteger, "\(metric): \(role) must be integer class labels, got dtype \(tensor.dtype) with shape \(tensor.shape)")
    precondition(tensor.rank == 1 || (tensor.rank == 2 && tensor.shape[1] == 1),
                 "\(metric): \(role) must have shape [n] (or [n, 1]), got \(tensor.shape)")
    return tensor.scalars(as: Int.self)
}

/// The rows of a rank-2 floating-point tensor `[n, columns]`, flattened.
func scoreValues(_ tensor: Tensor, _ metric: String, role: String) -> (values: [Double], columns: Int) {
    precondition(tensor.dtype.isFloatingPoint, "\(metric): \(role) must be floating point, got dtype \(tensor.dtype) with shape \(tensor.shape)")
    precondition(tensor.rank == 2, "\(metric): \(role) must have shape [n, classes], got \(tensor.shape)")
    return (tensor.scalars(as: Double.self), tensor.shape[1])
}

/// Class labels from either integer labels `[n]` or floating-point scores `[n, classes]` (their argmax),
/// with the number of score columns when scores were given.
func predictedLabels(_ predictions: Tensor, _ metric: String) throws -> (labels: [Int], columns: Int?) {
    if predictions.dtype.isFloatingPoint {
        let (values, columns) = scoreValues(predictions, metric, role: "predictions (scores)")
        try requireFinite(values, metric, role: "a score", columns: columns)
        return (argmaxRows(values, columns: columns), columns)
    }
    return (labelValues(predictions, metric, role: "predictions"), nil)
}
