import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// Every catalogued estimator, fitted, saved with EstimatorFile and loaded, predicts, transforms and
/// labels exactly as the original; a damaged fitted state throws a LearnError naming the value.
@Suite struct PersistenceRoundTripTests {
    /// Every catalogued estimator must persist (the catalogue is what `flint learn --save` offers).
    static var required: Set<String> { Set(EstimatorCatalog.entries.map(\.name)) }

    /// Small, fast settings for the entries whose defaults are slow in a debug build.
    static let parameters: [String: [String: String]] = [
        "random-forest-classifier": ["n_estimators": "4", "random_state": "0"],
        "random-forest-regressor": ["n_estimators": "4", "random_state": "0", "max_depth": "6"],
        "gradient-boosting-classifier": ["n_estimators": "8", "random_state": "0"],
        "gradient-boosting-regressor": ["n_estimators": "8", "random_state": "0"],
        "decision-tree-classifier": ["random_state": "0"],
        "sgd-classifier": ["random_state": "0", "loss": "log_loss"],
        "sgd-regressor": ["random_state": "0"],
        "svc": ["probability": "true", "random_state": "0"],
        "svr": ["C": "100"],
        "linear-svc": ["random_state": "0"],
        "decision-tree-regressor": ["random_state": "0", "max_depth": "6"],
        "k-means": ["n_clusters": "3"],
        "mini-batch-k-means": ["n_clusters": "3", "batch_size": "64"],
        "truncated-svd": ["n_components": "5"],
        "pca": ["n_components": "3"],
    ]

    /// The first `count` rows of a matrix.
    static func rows(_ matrix: Tensor, _ count: Int) -> Tensor {
        let columns = matrix.shape[1]
        return Tensor(Array(matrix.contiguous().scalars(as: Double.self).prefix(count * columns)), shape: [count, columns])
    }

    /// The data an entry is fitted on: iris for classifiers, clustering and most transformers, diabetes
    /// for regressors, non-negative digits rows for count models, integer codes for the one-hot encoder,
    /// iris with missing values for the imputer.
    static func data(for entry: EstimatorEntry) throws -> (features: Tensor, targets: Tensor) {
        switch entry.name {
        case "multinomial-nb", "truncated-svd":
            let digits = try BundledDatasets.load(name: "digits")
            return (rows(digits.features, 300), Tensor(Array(digits.targets.scalars(as: Int64.self).prefix(300))))
        case "one-hot-encoder":
            let iris = try BundledDatasets.load(name: "iris")
            return (Tensor(iris.features.contiguous().scalars(as: Double.self).map { $0.rounded(.down) }, shape: iris.features.shape), iris.targets)
        case "simple-imputer":
            let iris = try BundledDatasets.load(name: "iris")
            var values = iris.features.contiguous().scalars(as: Double.self)
            for index in stride(from: 3, to: values.count, by: 7) { values[index] = .nan }
            return (Tensor(values, shape: iris.features.shape), iris.targets)
        default:
            let data = try BundledDatasets.load(name: entry.task == .regression ? "diabetes" : "iris")
            return (data.features, data.targets)
        }
    }

    /// The exact bits of a tensor (NaN compares equal to itself), with its shape.
    static func bits(_ tensor: Tensor) -> [UInt64] {
        let flat = tensor.contiguous()
        let values = flat.dtype.isFloatingPoint ? flat.to(.float64).scalars(as: Double.self).map(\.bitPattern)
                                                : flat.to(.int64).scalars(as: Int64.self).map { UInt64(bitPattern: $0) }
        return tensor.shape.map { UInt64($0) } + [UInt64.max] + values
    }

    @Test func everyCatalogueEntryRoundTripsExactly() throws {
        var covered: Set<String> = []
        for entry in EstimatorCatalog.entries {
            let estimator = try entry.make(parameters: Self.parameters[entry.name] ?? [:])
            guard let persistable = estimator as? any PersistableEstimator else { continue }
            let (features, targets) = try Self.data(for: entry)
            switch estimator {
            case let supervised as any SupervisedEstimator: try supervised.fit(features, targets)
            case let transformer as any TransformerEstimator: try transformer.fit(features)
            case let clustering as any ClusteringEstimator: try clustering.fit(features)
            default: Issue.record("\(entry.name): no way to fit it"); continue
            }
            let folder = PersistenceTests.temporaryFolder(entry.name)
            defer { try? FileManager.default.removeItem(at: folder) }
            try EstimatorFile.save(estimator, to: folder)
            let saved = try EstimatorFile.load(from: folder)
            let loaded = saved.estimator
            #expect(type(of: loaded) == type(of: estimator), "\(entry.name)")
            #expect(saved.description.featureCount == features.shape[1], "\(entry.name)")
            #expect(entry.parameterValues(of: loaded) == entry.parameterValues(of: estimator), "\(entry.name)")
            // Every saved value comes back bit for bit.
            let original = try persistable.fittedState().tensors
            let restored = try (loaded as! any PersistableEstimator).fittedState().tensors
            #expect(original.keys.sorted() == restored.keys.sorted(), "\(entry.name)")
            for (name, tensor) in original { #expect(restored[name].map(Self.bits) == Self.bits(tensor), "\(entry.name): \(name)") }
            // And so does every output.
            if estimator is any SupervisedEstimator || estimator is KMeans || estimator is MiniBatchKMeans {
                let predicted: Tensor
                switch estimator {
                case let kMeans as KMeans: predicted = try kMeans.predict(features)
                case let kMeans as MiniBatchKMeans: predicted = try kMeans.predict(features)
                default: predicted = try (estimator as! any SupervisedEstimator).predict(features)
                }
                #expect(Self.bits(try saved.predict(features)) == Self.bits(predicted), "\(entry.name): predict")
            }
            if let classifier = estimator as? any ProbabilisticClassifier {
                #expect(Self.bits(try saved.predictProbabilities(features)) == Self.bits(try classifier.predictProbabilities(features)),
                        "\(entry.name): predictProbabilities")
            }
            if let transformer = estimator as? any TransformerEstimator {
                #expect(Self.bits(try saved.transform(features)) == Self.bits(try transformer.transform(features)), "\(entry.name): transform")
            }
            if let clustering = estimator as? any ClusteringEstimator {
                #expect(Self.bits((loaded as! any ClusteringEstimator).labels) == Self.bits(clustering.labels), "\(entry.name): labels")
            }
            switch (estimator, loaded) {
            case let (model as LogisticRegression, copy as LogisticRegression):
                #expect(Self.bits(try copy.decisionFunction(features)) == Self.bits(try model.decisionFunction(features)))
            case let (model as GradientBoostingClassifier, copy as GradientBoostingClassifier):
                #expect(Self.bits(try copy.decisionFunction(features)) == Self.bits(try model.decisionFunction(features)))
                #expect(copy.featureImportances == model.featureImportances)
            case let (model as DBSCAN, copy as DBSCAN):
                #expect(copy.coreSampleIndices == model.coreSampleIndices && copy.clusterCount == model.clusterCount)
            default: break
            }
            covered.insert(entry.name)
        }
        #expect(Self.required.subtracting(covered).isEmpty, "not persistable: \(Self.required.subtracting(covered).sorted())")
    }

    @Test func emptyFittedArraysRoundTrip() throws {
        // DBSCAN with a radius too small for any core point: no components (shape [0, 4]), every row noise.
        let iris = try BundledDatasets.load(name: "iris")
        let dbscan = DBSCAN(eps: 0.01, minSamples: 5)
        try dbscan.fit(iris.features)
        #expect(dbscan.components.shape == [0, 4] && dbscan.clusterCount == 0)
        let folder = PersistenceTests.temporaryFolder("dbscan-noise")
        defer { try? FileManager.default.removeItem(at: folder) }
        try EstimatorFile.save(dbscan, to: folder)
        let loaded = try #require(try EstimatorFile.load(from: folder).estimator as? DBSCAN)
        #expect(loaded.components.shape == [0, 4] && loaded.coreSampleIndices.isEmpty)
        #expect(Self.bits(loaded.labels) == Self.bits(dbscan.labels))
    }

    @Test func unfittedEstimatorsHaveNoStateToSave() throws {
        for entry in EstimatorCatalog.entries {
            guard let persistable = try entry.make() as? any PersistableEstimator else { continue }
            #expect(throws: LearnError.self, "\(entry.name)") { _ = try persistable.fittedState() }
            do { _ = try persistable.fittedState() } catch let error as LearnError { #expect(error.kind == .notFitted, "\(entry.name)") }
        }
    }

    /// The message of the error `body` throws (a LearnError of kind invalidInput), or "" if none.
    static func damageMessage(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let error as LearnError {
            return error.kind == .invalidInput ? error.description : "wrong kind \(error.kind): \(error.description)"
        } catch { return "not a LearnError: \(error)" }
    }

    @Test func damagedTreesAndArraysAreRefusedByName() throws {
        let iris = try BundledDatasets.load(name: "iris")
        let tree = DecisionTreeClassifier(maxDepth: 3, randomState: 0)
        try tree.fit(iris.features, iris.targets)
        let good = try tree.fittedState()
        func restored(_ edit: (inout EstimatorState) throws -> Void) throws -> String {
            var state = EstimatorState(tensors: good.tensors, location: "steps.0.")
            try edit(&state)
            return Self.damageMessage { try DecisionTreeClassifier().restoreFittedState(state) }
        }
        // A child index past the last node (it would read out of bounds when predicting).
        var left = try good.integers("tree.left")
        left[0] = 999
        #expect(try restored { $0.set("tree.left", integers: left) }.contains("'steps.0.tree.left' gives node 0 the child 999, outside 1..<"))
        // A child pointing back up (it would loop forever).
        var right = try good.integers("tree.right")
        right[0] = 0
        #expect(try restored { $0.set("tree.right", integers: right) }.contains("'steps.0.tree.right' gives node 0 the child 0"))
        // A split on a feature the model does not have.
        var feature = try good.integers("tree.feature")
        feature[0] = 4
        #expect(try restored { $0.set("tree.feature", integers: feature) }.contains("'steps.0.tree.feature' holds 4 at position 0, outside -1..<4"))
        // Leaf values for two classes where three were saved.
        let values = try good.doubles("tree.values")
        #expect(try restored { $0.set("tree.values", doubles: Array(values.dropLast())) }
                    .contains("'steps.0.tree.values' holds \(values.count - 1) values, expected \(values.count)"))
        #expect(try restored { $0.set("classes", integers: [0, 2, 1]) }.contains("'steps.0.classes' is [0, 2, 1], expected distinct"))
        #expect(try restored { $0.set("featureImportances", doubles: [1]) }.contains("'steps.0.featureImportances' holds 1 values, expected 4"))

        // A forest's tree is named by its scope.
        let forest = RandomForestClassifier(nEstimators: 3, randomState: 0)
        try forest.fit(iris.features, iris.targets)
        var forestState = try forest.fittedState()
        forestState.set("trees.2.left", integers: [Int](repeating: 7_000, count: try forestState.integers("trees.2.left").count))
        #expect(Self.damageMessage { try RandomForestClassifier().restoreFittedState(forestState) }.contains("'trees.2.left' gives node 0 the child 7000"))
    }

    @Test func damagedArraysOfOtherEstimatorsAreRefusedByName() throws {
        let iris = try BundledDatasets.load(name: "iris")
        let bayes = GaussianNB()
        try bayes.fit(iris.features, iris.targets)
        var state = try bayes.fittedState()
        state.set("classPriors", doubles: [0.5, 0.5])
        #expect(Self.damageMessage { try GaussianNB().restoreFittedState(state) }.contains("'classPriors' holds 2 values, expected 3"))

        let knn = KNeighborsClassifier()
        try knn.fit(iris.features, iris.targets)
        state = try knn.fittedState()
        state.set("classIndices", integers: [Int](repeating: 3, count: 150))
        #expect(Self.damageMessage { try KNeighborsClassifier().restoreFittedState(state) }.contains("'classIndices' holds 3 at position 0, outside 0..<3"))

        let kMeans = KMeans(clusterCount: 3)
        try kMeans.fit(iris.features)
        state = try kMeans.fittedState()
        state.set("clusterCenters", Tensor.zeros([3, 5], dtype: .float64))
        #expect(Self.damageMessage { try KMeans().restoreFittedState(state) }.contains("'clusterCenters' has shape [3, 5], expected 4 columns"))

        let encoder = OneHotEncoder()
        try encoder.fit(Tensor([[0.0, 2], [1, 0], [2, 2]]))
        state = try encoder.fittedState()
        state.set("categoriesLengths", integers: [3, 3])
        #expect(Self.damageMessage { try OneHotEncoder().restoreFittedState(state) }.contains("'categoriesLengths' adds up to more than the 5 values"))

        let dbscan = DBSCAN()
        try dbscan.fit(iris.features)
        state = EstimatorState(tensors: try dbscan.fittedState().tensors.filter { $0.key != "components" })
        #expect(Self.damageMessage { try DBSCAN().restoreFittedState(state) }.contains("'components' is missing"))
    }
}
