import Flint

/// k-nearest-neighbours classification (scikit-learn's `KNeighborsClassifier`, Euclidean distance): the
/// majority class of the `neighborCount` nearest training rows, optionally weighted by inverse distance.
///
/// ```swift
/// let knn = KNeighborsClassifier(neighborCount: 5, weights: .distance)
/// try knn.fit(features, labels)
/// let accuracy = try knn.score(testFeatures, testLabels)
/// ```
public final class KNeighborsClassifier: ProbabilisticClassifier {
    /// Neighbours consulted per prediction (`n_neighbors`); default 5.
    public var neighborCount: Int
    /// How votes are weighted (`weights`); default `.uniform`.
    public var weights: NeighborsWeights
    /// How neighbours are found (`algorithm`); default `.auto`.
    public var algorithm: NeighborsAlgorithm
    /// Rows per KD-tree leaf (`leaf_size`); default 30.
    public var leafSize: Int

    /// The class labels seen in fitting, ascending (`classes_`).
    public private(set) var classes: [Int] = []
    private var index: NeighborsIndex?
    private var classIndices: [Int] = []

    /// A classifier with scikit-learn's defaults.
    ///
    /// ```swift
    /// let knn = KNeighborsClassifier(neighborCount: 3, algorithm: .brute)
    /// ```
    public init(neighborCount: Int = 5, weights: NeighborsWeights = .uniform, algorithm: NeighborsAlgorithm = .auto, leafSize: Int = 30) {
        self.neighborCount = neighborCount
        self.weights = weights
        self.algorithm = algorithm
        self.leafSize = leafSize
    }

    /// Stores the training rows (and builds the KD-tree when used).
    ///
    /// ```swift
    /// try knn.fit(features, labels)
    /// ```
    public func fit(_ features: Tensor, _ labels: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "KNeighborsClassifier")
        try NeighborsSupport.validate(neighborCount: neighborCount, leafSize: leafSize, rows: matrix.shape[0], estimator: "KNeighborsClassifier")
        let (values, classes) = try NeighborsSupport.classLabels(labels, rows: matrix.shape[0], estimator: "KNeighborsClassifier")
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.classes = classes
        classIndices = values.map { position[$0]! }
        index = NeighborsIndex(matrix, algorithm: algorithm, leafSize: leafSize)
    }

    /// The nearest training rows of each query: Euclidean distances and training indices, `[n, k]` each
    /// (float64 and int64), nearest first (scikit-learn's `kneighbors`).
    ///
    /// ```swift
    /// let (distances, indices) = try knn.neighbors(of: features)
    /// ```
    public func neighbors(of features: Tensor, count: Int? = nil) throws -> (distances: Tensor, indices: Tensor) {
        let (found, k) = try search(features, count: count)
        return (Tensor(found.flatMap { $0.map(\.distance) }, shape: [found.count, k]),
                Tensor(found.flatMap { $0.map { Int64($0.index) } }, shape: [found.count, k]))
    }

    /// Class probabilities `[n, classes]`: each class's share of the (weighted) neighbour votes.
    ///
    /// ```swift
    /// let probabilities = try knn.predictProbabilities(features)
    /// ```
    public func predictProbabilities(_ features: Tensor) throws -> Tensor {
        let votes = try self.votes(features)
        return Tensor(votes.flatMap { row -> [Double] in let total = row.reduce(0, +); return row.map { $0 / total } },
                      shape: [votes.count, classes.count])
    }

    /// The class with the most (weighted) neighbour votes, int64 `[n]`; ties go to the smaller class label.
    ///
    /// ```swift
    /// let predicted = try knn.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        let votes = try self.votes(features)
        return Tensor(votes.map { row -> Int64 in
            var best = 0
            for column in 1..<row.count where row[column] > row[best] { best = column }
            return Int64(classes[best])
        }, shape: [votes.count])
    }

    private func search(_ features: Tensor, count: Int?) throws -> ([[(distance: Double, index: Int)]], Int) {
        guard let index else { throw LearnError(.notFitted, "KNeighborsClassifier: not fitted; call fit(_:_:) first") }
        let k = count ?? neighborCount
        try NeighborsSupport.validate(neighborCount: k, leafSize: leafSize, rows: index.rows, estimator: "KNeighborsClassifier")
        let matrix = try LearnValidation.features(features, estimator: "KNeighborsClassifier", expectedFeatures: index.columns)
        return (index.neighbors(of: matrix, k: k), k)
    }

    private func votes(_ features: Tensor) throws -> [[Double]] {
        let (found, _) = try search(features, count: nil)
        return found.map { neighbors in
            var row = [Double](repeating: 0, count: classes.count)
            for (neighbor, weight) in zip(neighbors, NeighborsIndex.weights(neighbors, weights)) { row[classIndices[neighbor.index]] += weight }
            return row
        }
    }
}

/// k-nearest-neighbours regression (scikit-learn's `KNeighborsRegressor`): the mean target of the
/// `neighborCount` nearest training rows, optionally weighted by inverse distance.
///
/// ```swift
/// let knn = KNeighborsRegressor(neighborCount: 5)
/// try knn.fit(features, targets)
/// let r2 = try knn.score(features, targets)
/// ```
public final class KNeighborsRegressor: RegressorEstimator {
    /// Neighbours averaged per prediction (`n_neighbors`); default 5.
    public var neighborCount: Int
    /// How neighbours are weighted (`weights`); default `.uniform`.
    public var weights: NeighborsWeights
    /// How neighbours are found (`algorithm`); default `.auto`.
    public var algorithm: NeighborsAlgorithm
    /// Rows per KD-tree leaf (`leaf_size`); default 30.
    public var leafSize: Int
    private var index: NeighborsIndex?
    private var targets: [Double] = []

    /// A regressor with scikit-learn's defaults.
    ///
    /// ```swift
    /// let knn = KNeighborsRegressor(neighborCount: 10, weights: .distance)
    /// ```
    public init(neighborCount: Int = 5, weights: NeighborsWeights = .uniform, algorithm: NeighborsAlgorithm = .auto, leafSize: Int = 30) {
        self.neighborCount = neighborCount
        self.weights = weights
        self.algorithm = algorithm
        self.leafSize = leafSize
    }

    /// Stores the training rows and targets (float64 `[n]`).
    ///
    /// ```swift
    /// try knn.fit(features, targets)
    /// ```
    public func fit(_ features: Tensor, _ targets: Tensor) throws {
        let matrix = try LearnValidation.features(features, estimator: "KNeighborsRegressor")
        try NeighborsSupport.validate(neighborCount: neighborCount, leafSize: leafSize, rows: matrix.shape[0], estimator: "KNeighborsRegressor")
        self.targets = try NeighborsSupport.targets(targets, rows: matrix.shape[0], estimator: "KNeighborsRegressor")
        index = NeighborsIndex(matrix, algorithm: algorithm, leafSize: leafSize)
    }

    /// The (weighted) mean target of each row's neighbours, float64 `[n]`.
    ///
    /// ```swift
    /// let predicted = try knn.predict(features)
    /// ```
    public func predict(_ features: Tensor) throws -> Tensor {
        guard let index else { throw LearnError(.notFitted, "KNeighborsRegressor: not fitted; call fit(_:_:) first") }
        let matrix = try LearnValidation.features(features, estimator: "KNeighborsRegressor", expectedFeatures: index.columns)
        let found = index.neighbors(of: matrix, k: neighborCount)
        return Tensor(found.map { neighbors -> Double in
            let weights = NeighborsIndex.weights(neighbors, self.weights)
            return zip(neighbors, weights).reduce(0) { $0 + targets[$1.0.index] * $1.1 } / weights.reduce(0, +)
        }, shape: [found.count])
    }
}

extension KNeighborsClassifier: PersistableEstimator {
    /// The training rows, the classes and each row's class (the KD-tree is rebuilt on restore).
    ///
    /// ```swift
    /// let state = try knn.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let index else { throw LearnTargets.notFitted("KNeighborsClassifier") }
        var state = index.state
        state.set("classes", integers: classes)
        state.set("classIndices", integers: classIndices)
        return state
    }

    /// Restores the training rows and their classes.
    ///
    /// ```swift
    /// try KNeighborsClassifier().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let index = try NeighborsIndex(state: state, algorithm: algorithm, leafSize: leafSize, estimator: "KNeighborsClassifier")
        let classes = try state.classes()
        let classIndices = try state.integers("classIndices", count: index.rows, in: 0..<classes.count)
        self.classes = classes
        self.classIndices = classIndices
        self.index = index
    }
}

extension KNeighborsRegressor: PersistableEstimator {
    /// The training rows and targets (the KD-tree is rebuilt on restore).
    ///
    /// ```swift
    /// let state = try knn.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let index else { throw LearnTargets.notFitted("KNeighborsRegressor") }
        var state = index.state
        state.set("targets", doubles: targets)
        return state
    }

    /// Restores the training rows and targets.
    ///
    /// ```swift
    /// try KNeighborsRegressor().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let index = try NeighborsIndex(state: state, algorithm: algorithm, leafSize: leafSize, estimator: "KNeighborsRegressor")
        let targets = try state.doubles("targets", count: index.rows)
        self.targets = targets
        self.index = index
    }
}
