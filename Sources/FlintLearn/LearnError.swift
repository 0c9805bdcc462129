import Flint

/// What went wrong when fitting or using an estimator, with a message that says what to do.
///
/// ```swift
/// do { _ = try LinearRegression().predict(features) }
/// catch let error as LearnError { print(error) }   // "LinearRegression: not fitted; call fit(_:_:) first"
/// ```
public struct LearnError: Error, CustomStringConvertible, Equatable {
    /// The kinds of failure.
    public enum Kind: Sendable, Equatable {
        case notFitted, featureCountMismatch, nonFiniteInput, unseenLabel, invalidParameter, invalidInput, notConverged
    }

    /// What kind of failure.
    public let kind: Kind
    /// The message: what was wrong and what to do.
    public let description: String

    /// An error of `kind` with `description`.
    ///
    /// ```swift
    /// throw LearnError(.notFitted, "KMeans: not fitted; call fit(_:) first")
    /// ```
    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// Input checks every estimator shares.
public enum LearnValidation {
    /// Checks that `features` is a finite `[n, f]` matrix (f = `expectedFeatures` when given) and
    /// returns it as contiguous float64.
    ///
    /// ```swift
    /// let x = try LearnValidation.features(features, estimator: "Ridge", expectedFeatures: 10)
    /// ```
    public static func features(_ features: Tensor, estimator: String, expectedFeatures: Int? = nil) throws -> Tensor {
        guard features.rank == 2 else {
            throw LearnError(.invalidInput, "\(estimator): features must be a matrix [samples, features], got shape \(features.shape)")
        }
        guard features.shape[0] > 0 else { throw LearnError(.invalidInput, "\(estimator): no samples (0 rows)") }
        if let expectedFeatures, features.shape[1] != expectedFeatures {
            throw LearnError(.featureCountMismatch, "\(estimator): fitted on \(expectedFeatures) features, got \(features.shape[1]); "
                             + "pass rows with the same columns as in fitting")
        }
        let matrix = (features.dtype == .float64 ? features : features.to(.float64)).contiguous()
        let values = matrix.scalars(as: Double.self), columns = matrix.shape[1]
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.nonFiniteInput, "\(estimator): \(values[index]) at row \(index / columns), column \(index % columns); "
                             + "remove or impute missing values first (SimpleImputer)")
        }
        return matrix
    }
}
