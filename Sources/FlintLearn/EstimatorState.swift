import Flint

/// A fitted estimator's learned values as named tensors: what ``EstimatorFile`` writes to the
/// safetensors half of a saved estimator. Typed accessors read a value back and say which one is
/// missing or malformed, so a damaged file gives a clear error instead of a wrong model.
///
/// ```swift
/// var state = EstimatorState()
/// state.set("coefficients", doubles: [0.5, -1.25])
/// state.set("intercept", 3.0)
/// let coefficients = try state.doubles("coefficients")   // [0.5, -1.25]
/// ```
public struct EstimatorState: Sendable {
    /// The tensors by name (float64 for real values, int64 for counts, indices and labels).
    public private(set) var tensors: [String: Tensor]
    /// Where these values sit inside the saved file (a pipeline step's `steps.1.`), named in errors.
    public let location: String

    /// An empty state, or one holding `tensors`; `location` is the scope they came from.
    ///
    /// ```swift
    /// let state = EstimatorState(tensors: try SafeTensors.read(from: url).tensors)
    /// ```
    public init(tensors: [String: Tensor] = [:], location: String = "") {
        self.tensors = tensors
        self.location = location
    }

    /// Stores `tensor` (made contiguous) under `name`.
    ///
    /// ```swift
    /// state.set("components", pca.components)
    /// ```
    public mutating func set(_ name: String, _ tensor: Tensor) {
        tensors[name] = tensor.contiguous()
    }

    /// Stores real numbers as a float64 vector.
    ///
    /// ```swift
    /// state.set("mean", doubles: scaler.mean ?? [])
    /// ```
    public mutating func set(_ name: String, doubles: [Double]) {
        set(name, Tensor(doubles, shape: [doubles.count]))
    }

    /// Stores integers as an int64 vector.
    ///
    /// ```swift
    /// state.set("classes", integers: model.classes)
    /// ```
    public mutating func set(_ name: String, integers: [Int]) {
        set(name, Tensor(integers.map { Int64($0) }, shape: [integers.count]))
    }

    /// Stores one real number (a float64 vector of one element).
    ///
    /// ```swift
    /// state.set("inertia", model.inertia)
    /// ```
    public mutating func set(_ name: String, _ value: Double) {
        set(name, doubles: [value])
    }

    /// Stores one integer (an int64 vector of one element).
    ///
    /// ```swift
    /// state.set("featureCount", integer: 64)
    /// ```
    public mutating func set(_ name: String, integer: Int) {
        set(name, integers: [integer])
    }

    /// Copies every value of `other` in under `scope` (a pipeline step, a forest's tree).
    ///
    /// ```swift
    /// state.merge(treeState, scope: "trees.3.")
    /// ```
    public mutating func merge(_ other: EstimatorState, scope: String) {
        for (name, tensor) in other.tensors { tensors[scope + name] = tensor }
    }

    /// The values stored under `scope`, with the scope removed from their names.
    ///
    /// ```swift
    /// let tree = state.scoped("trees.3.")
    /// ```
    public func scoped(_ scope: String) -> EstimatorState {
        var inner: [String: Tensor] = [:]
        for (name, tensor) in tensors where name.hasPrefix(scope) { inner[String(name.dropFirst(scope.count))] = tensor }
        return EstimatorState(tensors: inner, location: location + scope)
    }

    /// Whether a value named `name` is stored.
    ///
    /// ```swift
    /// if state.contains("scale") { ... }
    /// ```
    public func contains(_ name: String) -> Bool { tensors[name] != nil }

    /// The tensor named `name`, with `rank` dimensions when given.
    ///
    /// ```swift
    /// let components = try state.tensor("components", rank: 2)
    /// ```
    public func tensor(_ name: String, rank: Int? = nil) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw LearnError(.invalidInput, "saved estimator: the value '\(location + name)' is missing; "
                             + "the file is damaged or was written by another program — save the estimator again")
        }
        if let rank, tensor.rank != rank {
            throw LearnError(.invalidInput, "saved estimator: '\(location + name)' has shape \(tensor.shape), expected \(rank) dimensions; "
                             + "the file is damaged — save the estimator again")
        }
        return tensor
    }

    /// A stored vector as real numbers.
    ///
    /// ```swift
    /// let mean = try state.doubles("mean")
    /// ```
    public func doubles(_ name: String, count: Int? = nil) throws -> [Double] {
        let values = try tensor(name, rank: 1).to(.float64).scalars(as: Double.self)
        try checkCount(name, values.count, count)
        return values
    }

    /// A stored vector as integers.
    ///
    /// ```swift
    /// let classes = try state.integers("classes")
    /// ```
    public func integers(_ name: String, count: Int? = nil) throws -> [Int] {
        let stored = try tensor(name, rank: 1)
        guard !stored.dtype.isFloatingPoint else {
            throw LearnError(.invalidInput, "saved estimator: '\(location + name)' holds \(stored.dtype) values, expected integers; "
                             + "the file is damaged — save the estimator again")
        }
        let values = stored.to(.int64).scalars(as: Int64.self).map { Int($0) }
        try checkCount(name, values.count, count)
        return values
    }

    /// One stored real number.
    ///
    /// ```swift
    /// let inertia = try state.double("inertia")
    /// ```
    public func double(_ name: String) throws -> Double { try doubles(name, count: 1)[0] }

    /// One stored integer.
    ///
    /// ```swift
    /// let featureCount = try state.integer("featureCount")
    /// ```
    public func integer(_ name: String) throws -> Int { try integers(name, count: 1)[0] }

    private func checkCount(_ name: String, _ actual: Int, _ expected: Int?) throws {
        if let expected, actual != expected {
            throw LearnError(.invalidInput, "saved estimator: '\(location + name)' holds \(actual) values, expected \(expected); "
                             + "the file is damaged — save the estimator again")
        }
    }
}
