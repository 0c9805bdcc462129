/// Data that a metric cannot be computed on, with what is wrong, where, and what to do.
///
/// Metrics throw for problems that come from the data being evaluated (an empty evaluation set, a
/// label outside the classes, a non-finite score, a metric that is undefined on these targets).
/// Mistakes in the calling code (predictions and targets of different lengths, a wrong rank or dtype,
/// an invalid option) stop the process with a `precondition` that names the metric and the shapes.
///
/// ```swift
/// do {
///     _ = try Metrics.rocAUC(scores: [0.2, 0.7], targets: [1, 1])
/// } catch let error as MetricsError {
///     print(error)  // "rocAUC: only class 1 samples among the 2 targets; ROC-AUC needs both positive and negative samples, ..."
/// }
/// ```
public struct MetricsError: Error, CustomStringConvertible, Equatable {
    /// The kind of problem, for code that reacts to it.
    ///
    /// ```swift
    /// if error.kind == .labelOutOfRange { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// No samples were given (or accumulated since the last reset).
        case emptyInput
        /// A target or predicted label is negative or not below the number of classes.
        case labelOutOfRange
        /// A score, probability or regression value is NaN or infinite, or a probability is outside [0, 1],
        /// or rows of probabilities that must sum to one do not.
        case invalidValue
        /// The metric is not defined on these targets (ROC-AUC with one class, R² with one sample).
        /// scikit-learn returns NaN with a warning in these cases; Flint throws instead.
        case undefined
        /// A metric name that ``Metrics/metric(named:classCount:)`` does not know.
        case unknownMetric
    }

    /// Which problem it is.
    public let kind: Kind
    /// What is wrong, naming the metric and the sample index where there is one.
    public let message: String

    /// An error of `kind` with `message`.
    ///
    /// ```swift
    /// throw MetricsError(.emptyInput, "accuracy: no samples to evaluate")
    /// ```
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    ///
    /// ```swift
    /// do { _ = try Metrics.metric(named: "accuracy2") } catch let error as MetricsError { print(error.description) }
    /// ```
    public var description: String { message }
}
