/// A data-pipeline setting that cannot work (a batch size of 0, split fractions that do not add up to 1,
/// more folds than samples…), with what was wrong and what to do.
///
/// These settings often come from a command line or a configuration file, so they are reported as
/// errors rather than traps.
///
/// ```swift
/// do {
///     _ = try DataLoader(dataset, batchSize: 0)
/// } catch let error as DataPipelineError {
///     print(error)  // "DataLoader: the batch size must be at least 1, got 0"
/// }
/// ```
public struct DataPipelineError: Error, CustomStringConvertible, Equatable {
    /// Which rule a setting broke.
    ///
    /// ```swift
    /// if error.kind == .invalidFractions { … }
    /// ```
    public enum Kind: String, Sendable, Equatable {
        /// A batch size below 1.
        case invalidBatchSize
        /// A negative number of batches to prefetch.
        case invalidPrefetchCount
        /// Split fractions that are negative, empty, or do not add up to 1.
        case invalidFractions
        /// A number of folds below 2 or above what the data allows.
        case invalidSplitCount
        /// Labels (or weights) whose count differs from the number of samples.
        case countMismatch
        /// Sampling weights that are negative, not finite, or all zero.
        case invalidWeights
        /// A number of samples to draw that is negative, or too large to draw without replacement.
        case invalidSampleCount
        /// Two options that cannot be used together (such as `shuffle` and a custom sampler).
        case conflictingOptions
    }

    /// Which rule was broken.
    public let kind: Kind
    /// What is wrong and what to do, in words.
    public let message: String

    /// An error of `kind` with a message for the user.
    ///
    /// ```swift
    /// throw DataPipelineError(.invalidBatchSize, "DataLoader: the batch size must be at least 1, got 0")
    /// ```
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    ///
    /// ```swift
    /// print(error.description)
    /// ```
    public var description: String { message }
}
