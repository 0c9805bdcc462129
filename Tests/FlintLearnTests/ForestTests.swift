import Flint
import FlintData
import FlintLearn
import Testing

/// RandomForestClassifier and RandomForestRegressor against scikit-learn's cross-validated scores.
@Suite struct ForestTests {
    static let classifierCases = [
        "RandomForestClassifier,n_estimators=20/iris", "RandomForestClassifier,n_estimators=20/wine",
        "RandomForestClassifier,n_estimators=20/breast-cancer", "RandomForestClassifier,n_estimators=20/digits",
        "RandomForestClassifier/wine",
    ]

    @Test(arguments: classifierCases) func classifierMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            let forest = RandomForestClassifier(nEstimators: fixture.integer("n_estimators") ?? 100, randomState: 0)
            try forest.fit(trainX, trainY)
            return try forest.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(fixture.matches(result.mean, tolerance: 0.01), "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores)")
    }

    static let regressorCases = ["RandomForestRegressor/diabetes", "RandomForestRegressor,min_samples_leaf=5,n_estimators=20/diabetes"]

    @Test(arguments: regressorCases) func regressorMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: false) { trainX, trainY, testX, testY in
            let forest = RandomForestRegressor(nEstimators: fixture.integer("n_estimators") ?? 100,
                                               minSamplesLeaf: fixture.integer("min_samples_leaf") ?? 1, randomState: 0)
            try forest.fit(trainX, trainY)
            return try forest.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(fixture.matches(result.mean, tolerance: 0.01), "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores)")
    }

    @Test func seededForestsAreReproducibleAndProbabilitiesAverage() throws {
        let table = try TreeCrossValidation.standardized("iris")
        let first = RandomForestClassifier(nEstimators: 12, randomState: 3), second = RandomForestClassifier(nEstimators: 12, randomState: 3)
        try first.fit(table.features, table.targets)
        try second.fit(table.features, table.targets)
        let probabilities = try first.predictProbabilities(table.features)
        #expect(probabilities.scalars(as: Double.self) == (try second.predictProbabilities(table.features)).scalars(as: Double.self))
        #expect(first.featureImportances == second.featureImportances && first.treeCount == 12)
        #expect(abs(first.featureImportances.reduce(0, +) - 1) < 1e-12)
        let rows = probabilities.scalars(as: Double.self)
        for row in 0..<150 { #expect(abs(rows[(row * 3)..<(row * 3 + 3)].reduce(0, +) - 1) < 1e-12) }
        // Petal length and width (features 2, 3) carry the forest, as in scikit-learn.
        #expect(first.featureImportances[2] + first.featureImportances[3] > 0.6)
    }

    @Test func errorsSayWhatIsWrong() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1])
        func kind(_ body: () throws -> Void) -> LearnError.Kind? {
            do { try body(); return nil } catch let error as LearnError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try RandomForestClassifier().predict(features) } == .notFitted)
        #expect(kind { _ = try RandomForestRegressor().predict(features) } == .notFitted)
        #expect(kind { try RandomForestClassifier(nEstimators: 0).fit(features, Tensor([Int64(0), 0, 1, 1], shape: [4])) } == .invalidParameter)
        #expect(kind { try RandomForestRegressor(maxFeatures: .count(0)).fit(features, Tensor([1.0, 2, 3, 4])) } == .invalidParameter)
        #expect(kind { try RandomForestRegressor().fit(features, Tensor([1.0, 2, .infinity, 4])) } == .nonFiniteInput)
        let forest = RandomForestRegressor(nEstimators: 3)
        try forest.fit(features, Tensor([1.0, 2, 3, 4]))
        #expect(kind { _ = try forest.predict(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
    }
}
