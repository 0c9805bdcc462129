import Flint

/// Polynomial and interaction features (scikit-learn's `PolynomialFeatures`): every product of input
/// features up to `degree`, columns in scikit-learn's order (the bias, then degree 1, 2, … with the
/// feature indices of each degree in lexicographic order).
///
/// ```swift
/// let expanded = try PolynomialFeatures().fitTransform(features)   // [1, a, b, a², ab, b²]
/// ```
public final class PolynomialFeatures: TransformerEstimator {
    /// The largest total degree (scikit-learn `degree`, default 2, at least 1).
    public var degree: Int
    /// Whether only products of distinct features are kept (scikit-learn `interaction_only`, default false).
    public var interactionOnly: Bool
    /// Whether the constant column of ones comes first (scikit-learn `include_bias`, default true).
    public var includeBias: Bool
    /// The number of input features seen in fitting (scikit-learn `n_features_in_`).
    public private(set) var inputFeatureCount: Int?
    /// Each output column as the feature indices multiplied together (empty for the bias).
    public private(set) var combinations: [[Int]]?

    /// A polynomial expansion with scikit-learn's defaults.
    ///
    /// ```swift
    /// let interactions = PolynomialFeatures(degree: 3, interactionOnly: true, includeBias: false)
    /// ```
    public init(degree: Int = 2, interactionOnly: Bool = false, includeBias: Bool = true) {
        self.degree = degree
        self.interactionOnly = interactionOnly
        self.includeBias = includeBias
    }

    /// Each output column's exponents per input feature (scikit-learn `powers_`, `[outputs][inputs]`).
    ///
    /// ```swift
    /// print(model.powers!)   // [[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]]
    /// ```
    public var powers: [[Int]]? {
        guard let combinations, let inputFeatureCount else { return nil }
        return combinations.map { combination in
            var exponents = [Int](repeating: 0, count: inputFeatureCount)
            for feature in combination { exponents[feature] += 1 }
            return exponents
        }
    }

    /// Learns the number of input features and the output columns.
    ///
    /// ```swift
    /// try model.fit(features)
    /// ```
    public func fit(_ features: Tensor) throws {
        guard degree >= 1 else { throw LearnError(.invalidParameter, "PolynomialFeatures: degree must be at least 1, got \(degree)") }
        let matrix = try LearnValidation.features(features, estimator: "PolynomialFeatures")
        let count = matrix.shape[1]
        var result: [[Int]] = includeBias ? [[]] : []
        var previous: [[Int]] = [[]]
        for _ in 1...degree {
            var next: [[Int]] = []
            for combination in previous {
                let start = combination.last.map { interactionOnly ? $0 + 1 : $0 } ?? 0
                guard start < count else { continue }
                for feature in start..<count { next.append(combination + [feature]) }
            }
            result += next
            previous = next
        }
        inputFeatureCount = count
        combinations = result
    }

    /// The expanded features `[n, outputs]`.
    ///
    /// ```swift
    /// let expanded = try model.transform(features)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let combinations, let inputFeatureCount else {
            throw LearnError(.notFitted, "PolynomialFeatures: not fitted; call fit(_:) first")
        }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "PolynomialFeatures", expectedFeatures: inputFeatureCount))
        var output = [Double](repeating: 1, count: matrix.rows * combinations.count)
        let outputs = combinations.count
        matrix.values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for row in 0..<matrix.rows {
                    let base = row * inputFeatureCount
                    for (column, combination) in combinations.enumerated() {
                        var product = 1.0
                        for feature in combination { product *= source[base + feature] }
                        target[row * outputs + column] = product
                    }
                }
            }
        }
        return Tensor(output, shape: [matrix.rows, outputs])
    }
}

/// One-hot encoding of integer-coded categorical columns (scikit-learn's `OneHotEncoder` with dense
/// output): each column's categories are learned sorted, and each becomes one 0/1 output column.
///
/// ```swift
/// let encoder = OneHotEncoder(handleUnknown: .ignore)
/// let encoded = try encoder.fitTransform(Tensor([[0.0, 2], [1, 0], [2, 2]]))   // [3, 5]
/// ```
public final class OneHotEncoder: TransformerEstimator {
    /// What `transform` does with a category not seen in fitting.
    public enum UnknownHandling: Sendable, Equatable {
        /// Throw `LearnError.unseenLabel` (scikit-learn `handle_unknown="error"`, the default).
        case error
        /// Encode the column as all zeros (scikit-learn `handle_unknown="ignore"`).
        case ignore
    }

    /// What to do with unseen categories (scikit-learn `handle_unknown`, default `.error`).
    public var handleUnknown: UnknownHandling
    /// The sorted categories of each input column (scikit-learn `categories_`).
    public private(set) var categories: [[Int]]?

    /// An encoder with scikit-learn's defaults.
    ///
    /// ```swift
    /// let encoder = OneHotEncoder()
    /// ```
    public init(handleUnknown: UnknownHandling = .error) {
        self.handleUnknown = handleUnknown
    }

    /// Learns each column's sorted categories; values must be whole numbers.
    ///
    /// ```swift
    /// try encoder.fit(categoryCodes)
    /// ```
    public func fit(_ features: Tensor) throws {
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "OneHotEncoder"))
        var seen = [Set<Int>](repeating: [], count: matrix.columns)
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns { seen[column].insert(try Self.code(matrix[row, column], row: row, column: column)) }
        }
        categories = seen.map { $0.sorted() }
    }

    /// The 0/1 encoding `[n, total categories]`, columns grouped by input column, categories ascending.
    ///
    /// ```swift
    /// let encoded = try encoder.transform(categoryCodes)
    /// ```
    public func transform(_ features: Tensor) throws -> Tensor {
        guard let categories else { throw LearnError(.notFitted, "OneHotEncoder: not fitted; call fit(_:) first") }
        let matrix = RowMatrix(try LearnValidation.features(features, estimator: "OneHotEncoder", expectedFeatures: categories.count))
        let positions = categories.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        var offsets: [Int] = [], total = 0
        for column in categories { offsets.append(total); total += column.count }
        var output = [Double](repeating: 0, count: matrix.rows * total)
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                let code = try Self.code(matrix[row, column], row: row, column: column)
                guard let position = positions[column][code] else {
                    if handleUnknown == .ignore { continue }
                    throw LearnError(.unseenLabel, "OneHotEncoder: category \(code) at row \(row), column \(column) was not seen in fitting "
                                     + "(known: \(categories[column])); fit on all categories or use handleUnknown: .ignore")
                }
                output[row * total + offsets[column] + position] = 1
            }
        }
        return Tensor(output, shape: [matrix.rows, total])
    }

    /// The category codes back from a one-hot matrix (an all-zero group, from `.ignore`, gives an error).
    ///
    /// ```swift
    /// let codes = try encoder.inverseTransform(encoded)
    /// ```
    public func inverseTransform(_ encoded: Tensor) throws -> Tensor {
        guard let categories else { throw LearnError(.notFitted, "OneHotEncoder: not fitted; call fit(_:) first") }
        let total = categories.reduce(0) { $0 + $1.count }
        let matrix = RowMatrix(try LearnValidation.features(encoded, estimator: "OneHotEncoder", expectedFeatures: total))
        var output = [Double](repeating: 0, count: matrix.rows * categories.count)
        for row in 0..<matrix.rows {
            var offset = 0
            for (column, values) in categories.enumerated() {
                let group = (0..<values.count).map { matrix[row, offset + $0] }
                guard let best = group.indices.max(by: { group[$0] < group[$1] }), group[best] > 0 else {
                    throw LearnError(.invalidInput, "OneHotEncoder: row \(row) has no category set for input column \(column)")
                }
                output[row * categories.count + column] = Double(values[best])
                offset += values.count
            }
        }
        return Tensor(output, shape: [matrix.rows, categories.count])
    }

    private static func code(_ value: Double, row: Int, column: Int) throws -> Int {
        guard value == value.rounded(), abs(value) < 1e15 else {
            throw LearnError(.invalidInput, "OneHotEncoder: \(value) at row \(row), column \(column) is not an integer category code; "
                             + "encode categories as whole numbers (LabelEncoder)")
        }
        return Int(value)
    }
}

/// Encodes labels as `0..<classes.count` in sorted order (scikit-learn's `LabelEncoder`), for `Int`,
/// `String` or any comparable label type.
///
/// ```swift
/// let encoder = LabelEncoder<String>()
/// let codes = try encoder.fitTransform(["cat", "dog", "cat"])   // [0, 1, 0]
/// let names = try encoder.inverseTransform(codes)               // ["cat", "dog", "cat"]
/// ```
public final class LabelEncoder<Label: Hashable & Comparable> {
    /// The distinct labels seen in fitting, ascending (scikit-learn `classes_`).
    public private(set) var classes: [Label]?
    private var positions: [Label: Int] = [:]

    /// An unfitted encoder.
    ///
    /// ```swift
    /// let encoder = LabelEncoder<Int>()
    /// ```
    public init() {}

    /// Learns the sorted distinct labels.
    ///
    /// ```swift
    /// try encoder.fit([10, 30, 10])
    /// ```
    public func fit(_ labels: [Label]) throws {
        guard !labels.isEmpty else { throw LearnError(.invalidInput, "LabelEncoder: no labels to fit") }
        let sorted = Set(labels).sorted()
        classes = sorted
        positions = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, $0) })
    }

    /// Each label's position in ``classes``; a label not seen in fitting throws `.unseenLabel`.
    ///
    /// ```swift
    /// let codes = try encoder.transform([30, 10])   // [1, 0]
    /// ```
    public func transform(_ labels: [Label]) throws -> [Int] {
        guard let classes else { throw LearnError(.notFitted, "LabelEncoder: not fitted; call fit(_:) first") }
        return try labels.map { label in
            guard let position = positions[label] else {
                throw LearnError(.unseenLabel, "LabelEncoder: label \(label) was not seen in fitting (known: \(classes))")
            }
            return position
        }
    }

    /// `fit` then `transform` on the same labels.
    ///
    /// ```swift
    /// let codes = try LabelEncoder<String>().fitTransform(["b", "a"])   // [1, 0]
    /// ```
    public func fitTransform(_ labels: [Label]) throws -> [Int] {
        try fit(labels)
        return try transform(labels)
    }

    /// The labels for codes in `0..<classes.count`.
    ///
    /// ```swift
    /// let labels = try encoder.inverseTransform([1, 0])
    /// ```
    public func inverseTransform(_ codes: [Int]) throws -> [Label] {
        guard let classes else { throw LearnError(.notFitted, "LabelEncoder: not fitted; call fit(_:) first") }
        return try codes.map { code in
            guard classes.indices.contains(code) else {
                throw LearnError(.invalidInput, "LabelEncoder: code \(code) is outside 0..<\(classes.count)")
            }
            return classes[code]
        }
    }
}

/// Lists of integer lists (output columns' features, columns' categories) saved flat, with their lengths.
enum NestedIntegers {
    /// Stores `lists` as `<name>` (every value in order) and `<name>Lengths`.
    static func set(_ name: String, _ lists: [[Int]], into state: inout EstimatorState) {
        state.set(name, integers: lists.flatMap { $0 })
        state.set(name + "Lengths", integers: lists.map(\.count))
    }

    /// The lists stored by ``set(_:_:into:)``: `count` of them (when given), values in `range`.
    static func read(_ name: String, from state: EstimatorState, count: Int?, in range: Range<Int>) throws -> [[Int]] {
        let flat = try state.integers(name, in: range)
        let lengths = try state.integers(name + "Lengths", count: count, in: 0..<flat.count + 1)
        var lists: [[Int]] = [], start = 0
        for length in lengths {
            guard start + length <= flat.count else { throw state.damaged(name + "Lengths", "adds up to more than the \(flat.count) values") }
            lists.append(Array(flat[start..<start + length]))
            start += length
        }
        guard start == flat.count else { throw state.damaged(name + "Lengths", "adds up to \(start), expected \(flat.count)") }
        return lists
    }
}

extension PolynomialFeatures: PersistableEstimator {
    /// The input feature count and each output column's features (`combinations`, flat, with `combinationsLengths`).
    ///
    /// ```swift
    /// let state = try model.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let combinations, let inputFeatureCount else { throw LearnTargets.notFitted("PolynomialFeatures", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: inputFeatureCount)
        NestedIntegers.set("combinations", combinations, into: &state)
        return state
    }

    /// Restores the output columns (feature indices checked against the input feature count).
    ///
    /// ```swift
    /// try PolynomialFeatures().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let restored = try NestedIntegers.read("combinations", from: state, count: nil, in: 0..<featureCount)
        guard !restored.isEmpty else { throw state.damaged("combinationsLengths", "holds no output columns") }
        combinations = restored
        inputFeatureCount = featureCount
    }
}

extension OneHotEncoder: PersistableEstimator {
    /// Each input column's sorted categories (`categories`, flat, with `categoriesLengths`).
    ///
    /// ```swift
    /// let state = try encoder.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let categories else { throw LearnTargets.notFitted("OneHotEncoder", fit: "fit(_:)") }
        var state = EstimatorState()
        state.set("featureCount", integer: categories.count)
        NestedIntegers.set("categories", categories, into: &state)
        return state
    }

    /// Restores the categories (each column's ascending and distinct).
    ///
    /// ```swift
    /// try OneHotEncoder().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let featureCount = try state.count("featureCount")
        let restored = try NestedIntegers.read("categories", from: state, count: featureCount, in: Int.min..<Int.max)
        for (column, values) in restored.enumerated() where values.isEmpty || !zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }) {
            throw state.damaged("categories", "gives input column \(column) the categories \(values), expected distinct values in ascending order")
        }
        categories = restored
    }
}
