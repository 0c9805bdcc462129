import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// GradientBoostingClassifier and GradientBoostingRegressor against scikit-learn's cross-validated scores.
@Suite struct BoostingTests {
    static let classifierCases = [
        "GradientBoostingClassifier/iris", "GradientBoostingClassifier/wine", "GradientBoostingClassifier/breast-cancer",
        "GradientBoostingClassifier,n_estimators=20/iris", "GradientBoostingClassifier,n_estimators=20/wine",
        "GradientBoostingClassifier,n_estimators=20/breast-cancer", "GradientBoostingClassifier,n_estimators=20/digits",
    ]

    @Test(arguments: classifierCases) func classifierMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: true) { trainX, trainY, testX, testY in
            let boosting = GradientBoostingClassifier(nEstimators: fixture.integer("n_estimators") ?? 100, randomState: 0)
            try boosting.fit(trainX, trainY)
            return try boosting.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(abs(result.mean - fixture.meanScore) <= 0.01, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores)")
    }

    static let regressorCases = ["GradientBoostingRegressor/diabetes",
                                 "GradientBoostingRegressor,learning_rate=0.2,max_depth=2,n_estimators=50/diabetes"]

    @Test(arguments: regressorCases) func regressorMatchesScikitLearn(name: String) throws {
        let fixture = try TreeFixtureCase.named(name)
        let result = try TreeCrossValidation.meanScore(dataset: fixture.dataset, classifier: false) { trainX, trainY, testX, testY in
            let boosting = GradientBoostingRegressor(nEstimators: fixture.integer("n_estimators") ?? 100,
                                                     learningRate: fixture.number("learning_rate") ?? 0.1,
                                                     maxDepth: fixture.integer("max_depth") ?? 3, randomState: 0)
            try boosting.fit(trainX, trainY)
            return try boosting.score(testX, testY)
        }
        print("\(name): Flint \(result.mean) scikit-learn \(fixture.meanScore)")
        #expect(abs(result.mean - fixture.meanScore) <= 0.01, "\(name): Flint \(result.folds) scikit-learn \(fixture.foldScores)")
    }

    @Test func binaryPriorsStumpsAndProbabilities() throws {
        // Labels 3 and 8: one tree per stage, raw scores are log-odds of the second class.
        let features = Tensor([0.0, 1, 2, 3, 4, 5], shape: [6, 1])
        let labels = Tensor([Int64(3), 3, 3, 8, 3, 8], shape: [6])
        let boosting = GradientBoostingClassifier(nEstimators: 1, learningRate: 1, maxDepth: 1, randomState: 0)
        try boosting.fit(features, labels)
        #expect(boosting.classes == [3, 8] && boosting.treeCount == 1)
        let prior = log(0.5)   // p(8) = 1/3: log-odds log(1/2)
        #expect(abs(boosting.initialRawPredictions[0] - prior) < 1e-15)
        // The stump cuts at 2.5 (left: three 3s, right: 8, 3, 8); with p = 1/3 the Newton leaf is
        // Σ(y − p) / Σ p(1 − p): left (−1)/(2/3) = −1.5, right (1)/(2/3) = 1.5.
        let scores = try boosting.decisionFunction(Tensor([0.5, 4.5], shape: [2, 1])).scalars(as: Double.self)
        #expect(abs(scores[0] - (prior - 1.5)) < 1e-12 && abs(scores[1] - (prior + 1.5)) < 1e-12)
        let probabilities = try boosting.predictProbabilities(Tensor([0.5], shape: [1, 1])).scalars(as: Double.self)
        #expect(abs(probabilities[1] - 1 / (1 + exp(1.5 - prior))) < 1e-12 && abs(probabilities[0] + probabilities[1] - 1) < 1e-15)
        #expect(try boosting.predict(Tensor([0.5, 4.5], shape: [2, 1])).scalars(as: Int64.self) == [3, 8])
        #expect(boosting.featureImportances == [1])
    }

    @Test func multiclassShapesImportancesAndSubsampling() throws {
        let table = try TreeCrossValidation.standardized("iris")
        let boosting = GradientBoostingClassifier(nEstimators: 10, randomState: 0)
        try boosting.fit(table.features, table.targets)
        #expect(boosting.treeCount == 30)
        let raw = boosting.initialRawPredictions
        #expect(abs(raw.reduce(0, +)) < 1e-12 && abs(raw[0] - raw[1]) < 1e-12)   // equal priors, centred logs
        #expect(try boosting.decisionFunction(table.features).shape == [150, 3])
        let probabilities = try boosting.predictProbabilities(table.features).scalars(as: Double.self)
        for row in 0..<150 { #expect(abs(probabilities[(row * 3)..<(row * 3 + 3)].reduce(0, +) - 1) < 1e-12) }
        #expect(abs(boosting.featureImportances.reduce(0, +) - 1) < 1e-12)
        #expect(boosting.featureImportances[2] + boosting.featureImportances[3] > 0.6)   // petal features, as in scikit-learn
        #expect(try boosting.score(table.features, table.targets) > 0.97)
        let first = GradientBoostingRegressor(nEstimators: 15, subsample: 0.5, randomState: 4)
        let second = GradientBoostingRegressor(nEstimators: 15, subsample: 0.5, randomState: 4)
        let diabetes = try TreeCrossValidation.standardized("diabetes")
        try first.fit(diabetes.features, diabetes.targets)
        try second.fit(diabetes.features, diabetes.targets)
        let predictions = try first.predict(diabetes.features).scalars(as: Double.self)
        #expect(predictions == (try second.predict(diabetes.features)).scalars(as: Double.self))
        let mean = diabetes.targets.scalars(as: Double.self).reduce(0, +) / 442
        #expect(abs(first.initialPrediction - mean) < 1e-9 && first.treeCount == 15)
        #expect(try first.score(diabetes.features, diabetes.targets) > 0.4)
    }

    @Test func errorsSayWhatIsWrong() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1])
        let labels = Tensor([Int64(0), 0, 1, 1], shape: [4])
        let targets = Tensor([1.0, 2, 3, 4])
        func kind(_ body: () throws -> Void) -> LearnError.Kind? {
            do { try body(); return nil } catch let error as LearnError { return error.kind } catch { return nil }
        }
        #expect(kind { _ = try GradientBoostingClassifier().predict(features) } == .notFitted)
        #expect(kind { _ = try GradientBoostingClassifier().decisionFunction(features) } == .notFitted)
        #expect(kind { _ = try GradientBoostingRegressor().predict(features) } == .notFitted)
        #expect(kind { try GradientBoostingClassifier(nEstimators: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try GradientBoostingClassifier(learningRate: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try GradientBoostingRegressor(subsample: 1.5).fit(features, targets) } == .invalidParameter)
        #expect(kind { try GradientBoostingRegressor(maxDepth: 0).fit(features, targets) } == .invalidParameter)
        #expect(kind { try GradientBoostingClassifier(minSamplesLeaf: 0).fit(features, labels) } == .invalidParameter)
        #expect(kind { try GradientBoostingClassifier().fit(features, Tensor([Int64(2), 2, 2, 2], shape: [4])) } == .invalidInput)
        #expect(kind { try GradientBoostingClassifier().fit(features, Tensor([0.5, 1, 1, 0])) } == .invalidInput)
        #expect(kind { try GradientBoostingRegressor().fit(features, Tensor([1.0, .nan, 3, 4])) } == .nonFiniteInput)
        #expect(kind { try GradientBoostingClassifier().fit(Tensor([0.0, .infinity, 2, 3], shape: [4, 1]), labels) } == .nonFiniteInput)
        let classifier = GradientBoostingClassifier(nEstimators: 3)
        try classifier.fit(features, labels)
        #expect(kind { _ = try classifier.predictProbabilities(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
        let regressor = GradientBoostingRegressor(nEstimators: 3)
        try regressor.fit(features, targets)
        #expect(kind { _ = try regressor.predict(Tensor([0.0, 1], shape: [1, 2])) } == .featureCountMismatch)
    }
}
