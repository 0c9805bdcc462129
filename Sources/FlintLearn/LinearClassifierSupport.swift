import Flint

/// What the linear classifiers (LogisticRegression, SGDClassifier, LinearSVC) share: labels from
/// decision values, and their fitted state — classes, one weight row per class (one for two classes),
/// intercepts and the iterations run.
enum LinearClassifierSupport {
    /// Labels from decision values: `[n]` for two classes (positive favours `classes[1]`), else
    /// `[n, classes]` with the highest value winning (the first on ties).
    static func labels(fromScores scores: Tensor, classes: [Int]) -> Tensor {
        let values = scores.contiguous().scalars(as: Double.self)
        let count = classes.count
        let rows = count == 2 ? values.count : values.count / count
        let labels: [Int64] = values.withUnsafeBufferPointer { values in
            (0..<rows).map { row in
                if count == 2 { return Int64(classes[values[row] > 0 ? 1 : 0]) }
                var best = 0
                for column in 1..<count where values[row * count + column] > values[row * count + best] { best = column }
                return Int64(classes[best])
            }
        }
        return Tensor(labels, shape: [rows])
    }

    /// The fitted values as saved state.
    static func state(classes: [Int], coefficients: Tensor, intercept: [Double], iterationCount: Int) -> EstimatorState {
        var state = EstimatorState()
        state.set("featureCount", integer: coefficients.shape[1])
        state.set("classes", integers: classes)
        state.set("coefficients", coefficients)
        state.set("intercept", doubles: intercept)
        state.set("iterationCount", integer: iterationCount)
        return state
    }

    /// The fitted values read back and checked: at least two ascending classes, a weight row per class
    /// (one for two classes) of `featureCount` values, as many intercepts.
    static func restore(_ state: EstimatorState) throws -> (classes: [Int], coefficients: Tensor, intercept: [Double], iterationCount: Int) {
        let featureCount = try state.count("featureCount")
        let classes = try state.classes(atLeast: 2)
        let rows = classes.count == 2 ? 1 : classes.count
        return (classes, try state.matrix("coefficients", rows: rows, columns: featureCount), try state.doubles("intercept", count: rows),
                try state.count("iterationCount", atLeast: 0))
    }
}
