import Flint
import Foundation

/// Multinomial naive Bayes (scikit-learn's `MultinomialNB`) for count features (word counts, pixel
/// intensities): per class, smoothed feature frequencies `(count + alpha) / (total + alpha × features)`.
///
/// ```swift
/// let model = MultinomialNB(alpha: 1)
/// try model.fit(counts, labels)
/// let predicted = try model.predict(counts)
/// ```
public final class MultinomialNB: ProbabilisticClassifier {
    /// Additive (Laplace/Lidstone) smoothing (`alpha`, with `force_alpha=True`); default 1.
    public var alpha: Double
    /// Whether to learn class priors (`fit_prior`); false uses uniform priors. Default true.
    public var fitPrior: Bool

    /// The class labels seen in fitting, ascending (`classes_`).
    public private(set) var classes: [Int] = []
    /// log P(feature | class), `[classes, features]` (`feature_log_prob_`).
    public private(set) var featureLogProbabilities = Tensor.zeros([0, 0], dtype: .float64)
    /// log P(class) (`class_log_prior_`).
    public private(set) var classLogPriors: [Double] = []
    private var featureCount: Int?

    /// A multinomial naive Bayes classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let model = MultinomialNB(alpha: 0.5, fitPrior: false)
    /// ```
    public init(alpha: Double = 1, fitPrior: Bool = true) {
        self.alpha = alpha
        self.fitPrior = fitPrior
    }

    /// Counts features per class; features must be non-negative.
    ///
    /// ```swift
    /// try model.fit(counts, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let matrix = try checked(features, expected: nil)
        guard alpha >= 0 else { throw LearnError(.invalidParameter, "MultinomialNB: alpha must be >= 0, got \(alpha)") }
        let rows = matrix.shape[0], columns = matrix.shape[1], values = matrix.scalars(as: Double.self)
        let (labelValues, classes) = try NeighborsSupport.classLabels(labels, rows: rows, estimator: "MultinomialNB")
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var counts = [Double](repeating: alpha, count: classes.count * columns), sizes = [Double](repeating: 0, count: classes.count)
        for row in 0..<rows {
            let label = position[labelValues[row]]!
            sizes[label] += 1
            for column in 0..<columns { counts[label * columns + column] += values[row * columns + column] }
        }
        var logProbabilities = counts
        for label in classes.indices {
            let total = Foundation.log(counts[label * columns..<(label + 1) * columns].reduce(0, +))
            for column in 0..<columns { logProbabilities[label * columns + column] = Foundation.log(counts[label * columns + column]) - total }
        }
        self.classes = classes
        featureLogProbabilities = Tensor(logProbabilities, shape: [classes.count, columns])
        classLogPriors = fitPrior ? sizes.map { Foundation.log($0 / Double(rows)) } : classes.map { _ in -Foundation.log(Double(classes.count)) }
        featureCount = columns
    }

    /// The joint log-likelihood `log P(c) + x · log P(feature | c)`, `[n, classes]` (one BLAS product).
    ///
    /// ```swift
    /// let scores = try model.jointLogLikelihood(counts)
    /// ```
    public func jointLogLikelihood(_ features: Tensor) throws -> Tensor {
        guard let featureCount else { throw LearnError(.notFitted, "MultinomialNB: not fitted; call fit(_:_:) first") }
        let matrix = try checked(features, expected: featureCount)
        return (matrix.matmul(featureLogProbabilities.transposed()) + Tensor(classLogPriors, shape: [1, classes.count])).contiguous()
    }

    /// Class probabilities `[n, classes]`.
    ///
    /// ```swift
    /// let probabilities = try model.predictProbabilities(counts)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        NaiveBayesSupport.probabilities(try jointLogLikelihood(features))
    }

    /// The most likely class, int64 `[n]`.
    ///
    /// ```swift
    /// let predicted = try model.predict(counts)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        NaiveBayesSupport.argmax(try jointLogLikelihood(features), classes: classes)
    }

    private func checked(_ features: Tensor, expected: Int?) throws -> Tensor {
        let matrix = try LearnValidation.features(features, estimator: "MultinomialNB", expectedFeatures: expected)
        if let negative = matrix.scalars(as: Double.self).first(where: { $0 < 0 }) {
            throw LearnError(.invalidInput, "MultinomialNB: features must be non-negative counts, got \(negative); "
                             + "use GaussianNB for real-valued features")
        }
        return matrix
    }
}

extension MultinomialNB: PersistableEstimator {
    /// The classes, per-class feature log-probabilities and class log-priors.
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let featureCount else { throw LearnTargets.notFitted("MultinomialNB") }
        var state = EstimatorState()
        state.set("featureCount", integer: featureCount)
        state.set("classes", integers: classes)
        state.set("featureLogProbabilities", featureLogProbabilities)
        state.set("classLogPriors", doubles: classLogPriors)
        return state
    }

    /// Restores the per-class log-probabilities.
    ///
    /// ```swift
    /// try MultinomialNB().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let classes = try state.classes()
        let logProbabilities = try state.matrix("featureLogProbabilities", rows: classes.count, columns: featureCount)
        let priors = try state.doubles("classLogPriors", count: classes.count)
        self.classes = classes
        featureLogProbabilities = logProbabilities
        classLogPriors = priors
        self.featureCount = featureCount
    }
}
