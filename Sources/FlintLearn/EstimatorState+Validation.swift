import Flint

/// Checked readers the estimators' `restoreFittedState` share: a damaged or hand-edited file must
/// throw a ``LearnError`` naming the value, never leave an estimator that crashes when it predicts.
extension EstimatorState {
    /// The error for a value that is present but unusable.
    func damaged(_ name: String, _ problem: String) -> LearnError {
        LearnError(.invalidInput, "saved estimator: '\(location + name)' \(problem); the file is damaged — save the estimator again")
    }

    /// A stored count (a feature, class or tree count), at least `minimum`.
    func count(_ name: String, atLeast minimum: Int = 1) throws -> Int {
        let value = try integer(name)
        guard value >= minimum else { throw damaged(name, "is \(value), expected at least \(minimum)") }
        return value
    }

    /// A stored float64 matrix of `rows` × `columns` (either unchecked when nil), contiguous.
    func matrix(_ name: String, rows: Int? = nil, columns: Int? = nil) throws -> Tensor {
        let stored = try tensor(name, rank: 2)
        guard stored.dtype.isFloatingPoint else { throw damaged(name, "holds \(stored.dtype) values, expected real numbers") }
        if let rows, stored.shape[0] != rows { throw damaged(name, "has shape \(stored.shape), expected \(rows) rows") }
        if let columns, stored.shape[1] != columns { throw damaged(name, "has shape \(stored.shape), expected \(columns) columns") }
        return stored.to(.float64).contiguous()
    }

    /// Stored integers that must all lie in `range` (indices, labels, codes).
    func integers(_ name: String, count: Int? = nil, in range: Range<Int>) throws -> [Int] {
        let values = try integers(name, count: count)
        if let bad = values.firstIndex(where: { !range.contains($0) }) {
            throw damaged(name, "holds \(values[bad]) at position \(bad), outside \(range.lowerBound)..<\(range.upperBound)")
        }
        return values
    }

    /// Stored class labels: non-negative and strictly ascending, at least `minimum` of them.
    func classes(_ name: String = "classes", atLeast minimum: Int = 1) throws -> [Int] {
        let values = try integers(name)
        guard values.count >= minimum else { throw damaged(name, "holds \(values.count) classes, expected at least \(minimum)") }
        guard values.allSatisfy({ $0 >= 0 }), zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw damaged(name, "is \(values), expected distinct non-negative labels in ascending order")
        }
        return values
    }

    /// A stored flag (an integer 0 or 1).
    func flag(_ name: String) throws -> Bool {
        try integers(name, count: 1, in: 0..<2)[0] == 1
    }
}
