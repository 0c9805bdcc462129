import Flint

/// Saving and restoring the tree models: one ``TreeStructure`` encoding (`feature`, `threshold`,
/// `left`, `right`, `values`, ...) serves the decision trees (under `tree.`), the forests and the
/// gradient boosting (under `trees.<i>.`).
extension TreeStructure {
    /// The tree as saved values.
    var state: EstimatorState {
        var state = EstimatorState()
        state.set("feature", integers: feature.map { Int($0) })
        state.set("threshold", doubles: threshold)
        state.set("left", integers: left.map { Int($0) })
        state.set("right", integers: right.map { Int($0) })
        state.set("values", doubles: values)
        state.set("outputs", integer: outputs)
        state.set("importances", doubles: importances)
        state.set("depth", integer: depth)
        return state
    }

    /// A tree read back from saved values, checked so that every prediction walks down to a leaf:
    /// split features below `featureCount`, children after their parent and inside the tree, and
    /// `outputs` values per node.
    init(state: EstimatorState, outputs: Int, featureCount: Int) throws {
        let feature = try state.integers("feature", in: -1..<featureCount)
        let nodeCount = feature.count
        guard nodeCount >= 1 else { throw state.damaged("feature", "holds no nodes") }
        let threshold = try state.doubles("threshold", count: nodeCount)
        let left = try state.integers("left", count: nodeCount), right = try state.integers("right", count: nodeCount)
        for node in 0..<nodeCount where feature[node] >= 0 {
            for (name, child) in [("left", left[node]), ("right", right[node])] where !(node + 1..<nodeCount).contains(child) {
                throw state.damaged(name, "gives node \(node) the child \(child), outside \(node + 1)..<\(nodeCount)")
            }
        }
        let storedOutputs = try state.integer("outputs")
        guard storedOutputs == outputs else { throw state.damaged("outputs", "is \(storedOutputs), expected \(outputs)") }
        self.init(outputs: outputs, features: featureCount)
        self.feature = feature.map { Int32($0) }
        self.threshold = threshold
        self.left = left.map { Int32($0) }
        self.right = right.map { Int32($0) }
        values = try state.doubles("values", count: nodeCount * outputs)
        importances = try state.doubles("importances", count: featureCount)
        depth = try state.count("depth", atLeast: 0)
    }

    /// Stores `trees` under `trees.<i>.` with their number as `treeCount`.
    static func save(_ trees: [TreeStructure], into state: inout EstimatorState) {
        state.set("treeCount", integer: trees.count)
        for (index, tree) in trees.enumerated() { state.merge(tree.state, scope: "trees.\(index).") }
    }

    /// The trees stored by ``save(_:into:)``.
    static func trees(from state: EstimatorState, outputs: Int, featureCount: Int) throws -> [TreeStructure] {
        let count = try state.count("treeCount")
        return try (0..<count).map { try TreeStructure(state: state.scoped("trees.\($0)."), outputs: outputs, featureCount: featureCount) }
    }
}

/// The values every tree model saves besides its trees.
private struct TreeModelState {
    static func base(featureCount: Int, importances: [Double]) -> EstimatorState {
        var state = EstimatorState()
        state.set("featureCount", integer: featureCount)
        state.set("featureImportances", doubles: importances)
        return state
    }

    static func read(_ state: EstimatorState) throws -> (featureCount: Int, importances: [Double]) {
        let featureCount = try state.count("featureCount")
        return (featureCount, try state.doubles("featureImportances", count: featureCount))
    }
}

extension DecisionTreeClassifier: PersistableEstimator {
    /// The classes, importances and the tree (under `tree.`).
    ///
    /// ```swift
    /// let state = try tree.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let tree else { throw TreeInput.notFitted("DecisionTreeClassifier") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        state.set("classes", integers: classes)
        state.merge(tree.state, scope: "tree.")
        return state
    }

    /// Restores the fitted tree.
    ///
    /// ```swift
    /// try DecisionTreeClassifier().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        let classes = try state.classes()
        tree = try TreeStructure(state: state.scoped("tree."), outputs: classes.count, featureCount: featureCount)
        self.classes = classes
        self.featureCount = featureCount
        featureImportances = importances
    }
}

extension DecisionTreeRegressor: PersistableEstimator {
    /// The importances and the tree (under `tree.`).
    ///
    /// ```swift
    /// let state = try tree.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard let tree else { throw TreeInput.notFitted("DecisionTreeRegressor") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        state.merge(tree.state, scope: "tree.")
        return state
    }

    /// Restores the fitted tree.
    ///
    /// ```swift
    /// try DecisionTreeRegressor().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        tree = try TreeStructure(state: state.scoped("tree."), outputs: 1, featureCount: featureCount)
        self.featureCount = featureCount
        featureImportances = importances
    }
}

extension RandomForestClassifier: PersistableEstimator {
    /// The classes, importances and every tree (under `trees.<i>.`).
    ///
    /// ```swift
    /// let state = try forest.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard !trees.isEmpty else { throw TreeInput.notFitted("RandomForestClassifier") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        state.set("classes", integers: classes)
        TreeStructure.save(trees, into: &state)
        return state
    }

    /// Restores the fitted forest.
    ///
    /// ```swift
    /// try RandomForestClassifier().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        let classes = try state.classes()
        trees = try TreeStructure.trees(from: state, outputs: classes.count, featureCount: featureCount)
        self.classes = classes
        self.featureCount = featureCount
        featureImportances = importances
    }
}

extension RandomForestRegressor: PersistableEstimator {
    /// The importances and every tree (under `trees.<i>.`).
    ///
    /// ```swift
    /// let state = try forest.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard !trees.isEmpty else { throw TreeInput.notFitted("RandomForestRegressor") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        TreeStructure.save(trees, into: &state)
        return state
    }

    /// Restores the fitted forest.
    ///
    /// ```swift
    /// try RandomForestRegressor().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        trees = try TreeStructure.trees(from: state, outputs: 1, featureCount: featureCount)
        self.featureCount = featureCount
        featureImportances = importances
    }
}

extension GradientBoostingClassifier: PersistableEstimator {
    /// The classes, importances, initial raw predictions and every stage's trees (under `trees.<i>.`).
    ///
    /// ```swift
    /// let state = try boosting.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard !trees.isEmpty else { throw TreeInput.notFitted("GradientBoostingClassifier") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        state.set("classes", integers: classes)
        state.set("initialRawPredictions", doubles: initialRawPredictions)
        TreeStructure.save(trees, into: &state)
        return state
    }

    /// Restores the fitted stages; the tree count must be a whole number of stages (one tree per
    /// class, or one in all for two classes).
    ///
    /// ```swift
    /// try GradientBoostingClassifier().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        let classes = try state.classes(atLeast: 2)
        let outputs = classes.count == 2 ? 1 : classes.count
        let initial = try state.doubles("initialRawPredictions", count: outputs)
        let treeCount = try state.count("treeCount")
        guard treeCount % outputs == 0 else {
            throw state.damaged("treeCount", "is \(treeCount), not a multiple of the \(outputs) trees per stage")
        }
        trees = try TreeStructure.trees(from: state, outputs: 1, featureCount: featureCount)
        self.classes = classes
        self.featureCount = featureCount
        featureImportances = importances
        initialRawPredictions = initial
    }
}

extension GradientBoostingRegressor: PersistableEstimator {
    /// The importances, the initial prediction and every stage's tree (under `trees.<i>.`).
    ///
    /// ```swift
    /// let state = try boosting.fittedState()
    /// ```
    public func fittedState() throws -> EstimatorState {
        guard !trees.isEmpty else { throw TreeInput.notFitted("GradientBoostingRegressor") }
        var state = TreeModelState.base(featureCount: featureCount, importances: featureImportances)
        state.set("initialPrediction", initialPrediction)
        TreeStructure.save(trees, into: &state)
        return state
    }

    /// Restores the fitted stages.
    ///
    /// ```swift
    /// try GradientBoostingRegressor().restoreFittedState(state)
    /// ```
    public func restoreFittedState(_ state: EstimatorState) throws {
        let (featureCount, importances) = try TreeModelState.read(state)
        let initial = try state.double("initialPrediction")
        trees = try TreeStructure.trees(from: state, outputs: 1, featureCount: featureCount)
        self.featureCount = featureCount
        featureImportances = importances
        initialPrediction = initial
    }
}
