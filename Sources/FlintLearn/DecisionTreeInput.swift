import Flint

/// Input checks and conversions the tree estimators share.
enum TreeInput {
    /// Validated features as a row-major buffer, with the row and column counts. Values are rounded to
    /// float32 precision, as scikit-learn's trees do in fitting and predicting, so the same splits
    /// (and the same ties between equal values) come out.
    static func features(_ features: Tensor, estimator: String, expected: Int? = nil) throws -> (values: [Double], rows: Int, columns: Int) {
        let matrix = try LearnValidation.features(features, estimator: estimator, expectedFeatures: expected)
        let values = matrix.scalars(as: Double.self).map { Double(Float($0)) }
        return (values, matrix.shape[0], matrix.shape[1])
    }

    /// Sorted distinct labels and each row's index among them.
    static func labels(_ labels: Tensor, rows: Int, estimator: String) throws -> (classes: [Int], classIndex: [Int32]) {
        guard labels.rank == 1, labels.shape[0] == rows else {
            throw LearnError(.invalidInput, "\(estimator): labels must be a vector of \(rows) class labels, got shape \(labels.shape)")
        }
        guard labels.dtype == .int64 || labels.dtype == .int32 else {
            throw LearnError(.invalidInput, "\(estimator): labels must be int64 class labels, got \(labels.dtype); use a regressor for continuous targets")
        }
        let values = labels.to(.int64).contiguous().scalars(as: Int64.self).map { Int($0) }
        if let negative = values.first(where: { $0 < 0 }) {
            throw LearnError(.invalidInput, "\(estimator): class labels must be non-negative, got \(negative)")
        }
        let classes = Array(Set(values)).sorted()
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, Int32($0)) })
        return (classes, values.map { position[$0]! })
    }

    /// Regression targets as a float64 buffer, checked finite.
    static func targets(_ targets: Tensor, rows: Int, estimator: String) throws -> [Double] {
        guard targets.rank == 1, targets.shape[0] == rows else {
            throw LearnError(.invalidInput, "\(estimator): targets must be a vector of \(rows) values, got shape \(targets.shape)")
        }
        let values = targets.to(.float64).contiguous().scalars(as: Double.self)
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw LearnError(.nonFiniteInput, "\(estimator): target \(values[index]) at row \(index); remove or impute it first")
        }
        return values
    }

    /// Feature importances of trees: each tree's impurity decreases normalized to sum 1, averaged, and
    /// normalized again (scikit-learn's `feature_importances_`); zeros when no tree split.
    static func importances(_ trees: [TreeStructure], features: Int) -> [Double] {
        var total = [Double](repeating: 0, count: features)
        for tree in trees {
            let sum = tree.importances.reduce(0, +)
            guard sum > 0 else { continue }
            for feature in 0..<features { total[feature] += tree.importances[feature] / sum }
        }
        let sum = total.reduce(0, +)
        return sum > 0 ? total.map { $0 / sum } : total
    }

    /// Column-wise argmax of `[rows, classes]` probabilities as class labels, int64 `[rows]`.
    static func argmaxLabels(_ probabilities: [Double], rows: Int, classes: [Int]) -> Tensor {
        let count = classes.count
        let labels = (0..<rows).map { row -> Int64 in
            var best = 0
            for k in 1..<max(count, 1) where probabilities[row * count + k] > probabilities[row * count + best] { best = k }
            return Int64(classes[best])
        }
        return Tensor(labels, shape: [rows])
    }

    static func notFitted(_ estimator: String) -> LearnError {
        LearnError(.notFitted, "\(estimator): not fitted; call fit(_:_:) first")
    }
}
