import Flint
import Foundation

/// Gaussian naive Bayes (scikit-learn's `GaussianNB`): per class, each feature is an independent normal
/// with the class's mean and variance (plus `varSmoothing` × the largest feature variance).
///
/// ```swift
/// let model = GaussianNB()
/// try model.fit(features, labels)
/// let probabilities = try model.predictProbabilities(features)
/// ```
public final class GaussianNB: ProbabilisticClassifier {
    /// The share of the largest feature variance added to every variance for stability (`var_smoothing`); default 1e-9.
    public var varSmoothing: Double
    /// Fixed class priors in `classes` order (`priors`); nil estimates them from the class frequencies.
    public var priors: [Double]?

    /// The class labels seen in fitting, ascending (`classes_`).
    public private(set) var classes: [Int] = []
    /// Per-class feature means `[classes, features]` (`theta_`).
    public private(set) var means = Tensor.zeros([0, 0], dtype: .float64)
    /// Per-class feature variances, smoothed, `[classes, features]` (`var_`).
    public private(set) var variances = Tensor.zeros([0, 0], dtype: .float64)
    /// The class priors (`class_prior_`).
    public private(set) var classPriors: [Double] = []
    private var featureCount: Int?

    /// A Gaussian naive Bayes classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = GaussianNB(varSmoothing: 1e-9)
    /// ```
    public init(varSmoothing: Double = 1e-9, priors: [Double]? = nil) {
        self.varSmoothing = varSmoothing
        self.priors = priors
    }

    /// Estimates the per-class means, variances and priors.
    ///
    /// ```swift
    /// try model.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "GaussianNB")
        guard varSmoothing >= 0 else { throw LearnError(.invalidParameter, "GaussianNB: varSmoothing must be >= 0, got \(varSmoothing)") }
        let rows = matrix.shape[0], columns = matrix.shape[1], values = matrix.scalars(as: Double.self)
        let (labelValues, classes) = try NeighborsSupport.classLabels(labels, rows: rows, estimator: "GaussianNB")
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let count = classes.count
        var sums = [Double](repeating: 0, count: count * columns), squares = sums, sizes = [Double](repeating: 0, count: count)
        var overallSum = [Double](repeating: 0, count: columns), overallSquares = overallSum
        for row in 0..<rows {
            let label = position[labelValues[row]]!
            sizes[label] += 1
            for column in 0..<columns {
                let value = values[row * columns + column]
                sums[label * columns + column] += value
                overallSum[column] += value
            }
        }
        for index in sums.indices { sums[index] /= sizes[index / columns] }
        for column in 0..<columns { overallSum[column] /= Double(rows) }
        for row in 0..<rows {
            let label = position[labelValues[row]]!
            for column in 0..<columns {
                let value = values[row * columns + column]
                squares[label * columns + column] += (value - sums[label * columns + column]) * (value - sums[label * columns + column])
                overallSquares[column] += (value - overallSum[column]) * (value - overallSum[column])
            }
        }
        let epsilon = varSmoothing * (overallSquares.max() ?? 0) / Double(rows)
        for index in squares.indices { squares[index] = squares[index] / sizes[index / columns] + epsilon }
        if let priors {
            guard priors.count == count, priors.allSatisfy({ $0 >= 0 }), Swift.abs(priors.reduce(0, +) - 1) < 1e-8 else {
                throw LearnError(.invalidParameter, "GaussianNB: priors must be \(count) non-negative numbers summing to 1, got \(priors)")
            }
            classPriors = priors
        } else {
            classPriors = sizes.map { $0 / Double(rows) }
        }
        self.classes = classes
        means = Tensor(sums, shape: [count, columns])
        variances = Tensor(squares, shape: [count, columns])
        featureCount = columns
    }

    /// The joint log-likelihood `log P(c) + log P(x | c)`, `[n, classes]`.
    ///
    /// ```swift
    /// let scores = try model.jointLogLikelihood(features)
    /// ```
    public func jointLogLikelihood(_ features: Tensor) throws -> Tensor {
        guard let featureCount else { throw LearnError(.notFitted, "GaussianNB: not fitted; call fit(_:_:) first") }
        let matrix = try LearnValidation.features(features, estimator: "GaussianNB", expectedFeatures: featureCount)
        let rows = matrix.shape[0], count = classes.count
        let mean = means.scalars(as: Double.self), variance = variances.scalars(as: Double.self)
        // −½ Σ (x − μ)² / σ² = −½ (x² · (1/σ²)ᵀ − 2 x · (μ/σ²)ᵀ + Σ μ²/σ²), two BLAS products.
        let inverse = variance.map { 1 / $0 }
        let scaledMeans = zip(mean, inverse).map { $0 * $1 }
        var constants = [Double](repeating: 0, count: count)
        for label in 0..<count {
            var sum = Foundation.log(classPriors[label])
            for column in 0..<featureCount {
                let index = label * featureCount + column
                sum -= 0.5 * (Foundation.log(2 * Double.pi * variance[index]) + mean[index] * scaledMeans[index])
            }
            constants[label] = sum
        }
        let quadratic = (matrix * matrix).matmul(Tensor(inverse, shape: [count, featureCount]).transposed())
        let linear = matrix.matmul(Tensor(scaledMeans, shape: [count, featureCount]).transposed())
        return (linear - 0.5 * quadratic + Tensor(constants, shape: [1, count])).contiguous().reshaped([rows, count])
    }

    /// Class probabilities `[n, classes]` (the normalised exponent of the joint log-likelihood).
    ///
    /// ```swift
    /// let probabilities = try model.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        NaiveBayesSupport.probabilities(try jointLogLikelihood(features))
    }

    /// The most likely class, int64 `[n]`.
    ///
    /// ```swift
    /// let predicted = try model.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        NaiveBayesSupport.argmax(try jointLogLikelihood(features), classes: classes)
    }
}

/// What the naive Bayes classifiers share: softmax of joint log-likelihoods and the arg-max class.
enum NaiveBayesSupport {
    /// Rows of `scores` `[n, c]` turned into probabilities (log-sum-exp stabilised).
    static func probabilities(_ scores: Tensor) -> Tensor {
        let rows = scores.shape[0], count = scores.shape[1]
        var values = scores.scalars(as: Double.self)
        for row in 0..<rows {
            let slice = values[row * count..<(row + 1) * count], largest = slice.max()!
            var total = 0.0
            for column in 0..<count { values[row * count + column] = Foundation.exp(values[row * count + column] - largest); total += values[row * count + column] }
            for column in 0..<count { values[row * count + column] /= total }
        }
        return Tensor(values, shape: [rows, count])
    }

    /// The class of the largest score in each row (the first on ties), int64 `[n]`.
    static func argmax(_ scores: Tensor, classes: [Int]) -> Tensor {
        let rows = scores.shape[0], count = scores.shape[1], values = scores.scalars(as: Double.self)
        return Tensor((0..<rows).map { row -> Int64 in
            var best = 0
            for column in 1..<count where values[row * count + column] > values[row * count + best] { best = column }
            return Int64(classes[best])
        }, shape: [rows])
    }
}

extension GaussianNB: PersistableEstimator {
    /// The classes, per-class means and variances, and the class priors.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let featureCount else { throw LearnTargets.notFitted("GaussianNB") }
        var state = EstimatorState()
        state.set("featureCount", integer: featureCount)
        state.set("classes", integers: classes)
        state.set("means", means)
        state.set("variances", variances)
        state.set("classPriors", doubles: classPriors)
        return state
    }

    /// Restores the per-class statistics (variances must be positive).
    ///
    /// ```swift
    /// try GaussianNB().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let classes = try state.classes()
        let means = try state.matrix("means", rows: classes.count, columns: featureCount)
        let variances = try state.matrix("variances", rows: classes.count, columns: featureCount)
        if let bad = variances.scalars(as: Double.self).first(where: { !($0 > 0) }) {
            throw state.damaged("variances", "holds \(bad), expected positive variances")
        }
        let priors = try state.doubles("classPriors", count: classes.count)
        self.classes = classes
        self.means = means
        self.variances = variances
        classPriors = priors
        self.featureCount = featureCount
    }
}
