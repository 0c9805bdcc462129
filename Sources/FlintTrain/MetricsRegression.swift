import Flint
import Foundation

/// Regression metrics: mean squared and absolute error, root mean squared error and R².
///
/// Tensor inputs are `[n]` (one output) or `[n, outputs]`; with several outputs each metric is computed
/// per output and averaged uniformly, as scikit-learn's default `multioutput="uniform_average"`.
extension Metrics {
    /// The mean of the squared errors (scikit-learn's `mean_squared_error`).
    ///
    /// ```swift
    /// try Metrics.meanSquaredError(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0])  // 0.375
    /// ```
    public static func meanSquaredError(predictions: [Double], targets: [Double]) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, outputs: 1, metric: "meanSquaredError").meanSquaredError()
    }

    /// The mean of the absolute errors (scikit-learn's `mean_absolute_error`).
    ///
    /// ```swift
    /// try Metrics.meanAbsoluteError(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0])  // 0.5
    /// ```
    public static func meanAbsoluteError(predictions: [Double], targets: [Double]) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, outputs: 1, metric: "meanAbsoluteError").meanAbsoluteError()
    }

    /// The square root of the mean squared error (scikit-learn's `root_mean_squared_error`).
    ///
    /// ```swift
    /// try Metrics.rootMeanSquaredError(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0])  // 0.612
    /// ```
    public static func rootMeanSquaredError(predictions: [Double], targets: [Double]) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, outputs: 1, metric: "rootMeanSquaredError").rootMeanSquaredError()
    }

    /// The coefficient of determination 1 − SSE/SST (scikit-learn's `r2_score` with its default
    /// `force_finite=True`: constant targets give 1 for perfect predictions and 0 otherwise).
    /// Throws with fewer than two samples, where scikit-learn returns NaN with a warning.
    ///
    /// ```swift
    /// try Metrics.r2Score(predictions: [2.5, 0.0, 2.0, 8.0], targets: [3.0, -0.5, 2.0, 7.0])  // 0.9486
    /// ```
    public static func r2Score(predictions: [Double], targets: [Double]) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, outputs: 1, metric: "r2Score").r2Score()
    }

    /// Mean squared error of floating-point tensors of equal shape `[n]` or `[n, outputs]`.
    ///
    /// ```swift
    /// try Metrics.meanSquaredError(predictions: model(x), targets: y)
    /// ```
    public static func meanSquaredError(predictions: Tensor, targets: Tensor) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, metric: "meanSquaredError").meanSquaredError()
    }

    /// Mean absolute error of floating-point tensors of equal shape `[n]` or `[n, outputs]`.
    ///
    /// ```swift
    /// try Metrics.meanAbsoluteError(predictions: model(x), targets: y)
    /// ```
    public static func meanAbsoluteError(predictions: Tensor, targets: Tensor) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, metric: "meanAbsoluteError").meanAbsoluteError()
    }

    /// Root mean squared error of floating-point tensors (per output, then averaged over outputs).
    ///
    /// ```swift
    /// try Metrics.rootMeanSquaredError(predictions: model(x), targets: y)
    /// ```
    public static func rootMeanSquaredError(predictions: Tensor, targets: Tensor) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, metric: "rootMeanSquaredError").rootMeanSquaredError()
    }

    /// R² of floating-point tensors (per output, then averaged over outputs).
    ///
    /// ```swift
    /// try Metrics.r2Score(predictions: model(x), targets: y)
    /// ```
    public static func r2Score(predictions: Tensor, targets: Tensor) throws -> Double {
        try RegressionSums(predictions: predictions, targets: targets, metric: "r2Score").r2Score()
    }
}

/// Per-output running sums for the regression metrics; batches merge exactly enough for R²
/// (Chan's parallel update of the target mean and squared deviations).
struct RegressionSums {
    var metric: String
    var outputs: Int
    var count = 0
    var squaredErrors: [Double]
    var absoluteErrors: [Double]
    var targetMeans: [Double]
    var targetDeviations: [Double]

    init(outputs: Int, metric: String) {
        self.metric = metric
        self.outputs = outputs
        squaredErrors = Array(repeating: 0, count: outputs)
        absoluteErrors = squaredErrors
        targetMeans = squaredErrors
        targetDeviations = squaredErrors
    }

    init(predictions: [Double], targets: [Double], outputs: Int, metric: String) throws {
        self.init(outputs: outputs, metric: metric)
        try add(predictions: predictions, targets: targets)
    }

    init(predictions: Tensor, targets: Tensor, metric: String) throws {
        self.init(outputs: RegressionSums.outputCount(predictions, targets, metric), metric: metric)
        try add(predictions: predictions, targets: targets)
    }

    /// The number of outputs of a `[n]` or `[n, outputs]` pair; stops on mismatched shapes or dtypes.
    static func outputCount(_ predictions: Tensor, _ targets: Tensor, _ metric: String) -> Int {
        for (tensor, role) in [(predictions, "predictions"), (targets, "targets")] {
            precondition(tensor.dtype.isFloatingPoint, "\(metric): \(role) must be floating point, got dtype \(tensor.dtype) with shape \(tensor.shape)")
            precondition(tensor.rank == 1 || tensor.rank == 2, "\(metric): \(role) must have shape [n] or [n, outputs], got \(tensor.shape)")
        }
        let squeeze = { (shape: [Int]) in shape.count == 2 && shape[1] == 1 ? [shape[0]] : shape }
        precondition(squeeze(predictions.shape) == squeeze(targets.shape),
                     "\(metric): predictions have shape \(predictions.shape) but targets have \(targets.shape); they must match")
        return predictions.rank == 2 ? predictions.shape[1] : 1
    }

    mutating func add(predictions: Tensor, targets: Tensor) throws {
        precondition(RegressionSums.outputCount(predictions, targets, metric) == outputs,
                     "\(metric): this batch has \(RegressionSums.outputCount(predictions, targets, metric)) outputs but earlier ones had \(outputs)")
        try add(predictions: predictions.scalars(as: Double.self), targets: targets.scalars(as: Double.self))
    }

    mutating func add(predictions: [Double], targets: [Double]) throws {
        requireSameLength(predictions.count, targets.count, metric)
        try requireFinite(predictions, metric, role: "a prediction", columns: outputs)
        try requireFinite(targets, metric, role: "a target", columns: outputs)
        let rows = targets.count / outputs
        guard rows > 0 else { return }
        for output in 0..<outputs {
            var batchSum = 0.0, squared = 0.0, absolute = 0.0
            for row in 0..<rows {
                let target = targets[row * outputs + output]
                let error = target - predictions[row * outputs + output]
                batchSum += target
                squared += error * error
                absolute += Swift.abs(error)
            }
            let batchMean = batchSum / Double(rows)
            var batchDeviations = 0.0
            for row in 0..<rows {
                let deviation = targets[row * outputs + output] - batchMean
                batchDeviations += deviation * deviation
            }
            let total = Double(count + rows)
            let delta = batchMean - targetMeans[output]
            targetDeviations[output] += batchDeviations + delta * delta * Double(count) * Double(rows) / total
            targetMeans[output] += delta * Double(rows) / total
            squaredErrors[output] += squared
            absoluteErrors[output] += absolute
        }
        count += rows
    }

    private func mean(_ perOutput: (Int) -> Double) throws -> Double {
        try requireSamples(count, metric)
        return (0..<outputs).reduce(0) { $0 + perOutput($1) } / Double(outputs)
    }

    func meanSquaredError() throws -> Double { try mean { squaredErrors[$0] / Double(count) } }
    func meanAbsoluteError() throws -> Double { try mean { absoluteErrors[$0] / Double(count) } }
    func rootMeanSquaredError() throws -> Double { try mean { (squaredErrors[$0] / Double(count)).squareRoot() } }

    func r2Score() throws -> Double {
        try requireSamples(count, metric)
        if count < 2 {
            throw MetricsError(.undefined, "\(metric): R² is undefined with \(count) sample; it needs at least two")
        }
        return try mean { output in
            let numerator = squaredErrors[output], denominator = targetDeviations[output]
            if numerator == 0 { return 1 }
            if denominator == 0 { return 0 }
            return 1 - numerator / denominator
        }
    }
}
