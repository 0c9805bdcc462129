import Flint
import FlintData
import FlintLearn
import Testing

/// DecisionTreeClassifier and DecisionTreeRegressor against scikit-learn's cross-validated scores.
@Suite struct TreeTests {
    static let classifierCases = [
        "DecisionTreeClassifier/iris", "DecisionTreeClassifier/wine", "DecisionTreeClassifier/breast-cancer", "DecisionTreeClassifier/digits",
        "DecisionTreeClassifier,criterion=entropy/iris", "DecisionTreeClassifier,criterion=entropy/wine",
        "DecisionTreeClassifier,criterion=entropy/breast-cancer", "DecisionTreeClassifier,criterion=entropy/digits",
        "DecisionTreeClassifier,max_depth=3/iris", "DecisionTreeClassifier,max_depth=3/wine",
        "DecisionTreeClassifier,max_depth=3/breast-cancer", "DecisionTreeClassifier,max_depth=3/digits",
    ]

    @Test(arguments: classifierCases) func classifierMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            let tree = DecisionTreeClassifier(criterion: name.contains("entropy") ? .entropy : .gini, maxDepth: fixture.integer("max_depth"), randomState: 0)
            try tree.fit(trainX, trainY)
            return try tree.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(fixture.matches(result.mean, tolerance: 0.01), "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores) \(fixture.seedRange ?? [])")
    }

    static let regressorCases = ["DecisionTreeRegressor/diabetes", "DecisionTreeRegressor,max_depth=3/diabetes",
                                 "DecisionTreeRegressor,min_samples_leaf=20/diabetes"]

    @Test(arguments: regressorCases) func regressorMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: false) { trainX, trainY, testX, testY in
            let tree = DecisionTreeRegressor(maxDepth: fixture.integer("max_depth"), minSamplesLeaf: fixture.integer("min_samples_leaf") ?? 1, randomState: 0)
            try tree.fit(trainX, trainY)
            return try tree.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(fixture.matches(result.mean, tolerance: 0.01), "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores) \(fixture.seedRange ?? [])")
    }

    @Test func probabilitiesImportancesAndShape() throws {
        let features = Tensor([0.0, 0, 1, 0, 2, 1, 3, 1, 4, 0, 5, 1], shape: [6, 2])
        let labels = Tensor([Int64(7), 7, 7, 9, 9, 9], shape: [6])
        let tree = DecisionTreeClassifier(randomState: 0)
        try tree.fit(features, labels)
        #expect(tree.classes == [7, 9])
        #expect(tree.nodeCount == 3 && tree.leafCount == 2 && tree.depth == 1)
        #expect(tree.featureImportances == [1, 0])
        #expect(try tree.predict(Tensor([2.4, 5, 2.6, -5], shape: [2, 2])).scalars(as: Int64.self) == [7, 9])
        let stump = DecisionTreeClassifier(maxDepth: 1, minSamplesLeaf: 2, randomState: 0)
        try stump.fit(Tensor([0.0, 1, 2, 3, 4], shape: [5, 1]), Tensor([Int64(0), 1, 0, 1, 1], shape: [5]))
        let probabilities = try stump.predictProbabilities(Tensor([0.0, 4], shape: [2, 1])).scalars(as: Double.self)
        #expect(probabilities == [2.0 / 3, 1.0 / 3, 0, 1])   // the best stump cuts at 2.5
        let regressor = DecisionTreeRegressor(maxDepth: 1)
        try regressor.fit(Tensor([0.0, 1, 2, 3], shape: [4, 1]), Tensor([1.0, 1, 5, 7]))
        #expect(try regressor.predict(Tensor([0.5, 2.9], shape: [2, 1])).scalars(as: Double.self) == [1, 6])
    }

    @Test func errorsSayWhatIsWrong() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1])
        let labels = Tensor([Int64(0), 0, 1, 1], shape: [4])
        func kind(_ body: () throws -> Void) -> LearnError.Kind? {
            do { try body(); return nil } catch let error as LearnError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try DecisionTreeClassifier().predict(features) } == .notFitted)
        #expect(kind { _ = try DecisionTreeRegressor().predict(features) } == .notFitted)
        #expect(kind { try DecisionTreeClassifier(maxDepth: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try DecisionTreeClassifier(minSamplesSplit: 1).fit(features, labels) } == .invalidParameter)
        #expect(kind { try DecisionTreeRegressor(minSamplesLeaf: 0).fit(features, Tensor([1.0, 2, 3, 4])) } == .invalidParameter)
        #expect(kind { try DecisionTreeClassifier(maxFeatures: .fraction(1.5)).fit(features, labels) } == .invalidParameter)
        #expect(kind { try DecisionTreeClassifier().fit(features, Tensor([0.5, 1, 1, 0])) } == .invalidInput)
        #expect(kind { try DecisionTreeClassifier().fit(features, Tensor([Int64(0), -1, 1, 1], shape: [4])) } == .invalidInput)
        #expect(kind { try DecisionTreeRegressor().fit(features, Tensor([1.0, .nan, 3, 4])) } == .nonFiniteInput)
        #expect(kind { try DecisionTreeClassifier().fit(Tensor([0.0, .infinity, 2, 3], shape: [4, 1]), labels) } == .nonFiniteInput)
        let tree = DecisionTreeClassifier()
        try tree.fit(features, labels)
        #expect(kind { _ = try tree.predict(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
    }
}
