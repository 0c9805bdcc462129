import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// trainTestSplit, crossValidate and GridSearch: against hand loops and scikit-learn's GridSearchCV
/// (Fixtures/learn_selection.json, made by scripts/make_learn_fixtures_selection.py).
@Suite struct ModelSelectionTests {
    static func selectionFixture() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "learn_selection", withExtension: "json", subdirectory: "Fixtures"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try #require(cases.first { $0["name"] as? String == "grid_ridge_diabetes" })
    }

    static func labels(_ targets: Tensor) -> [Int] { targets.scalars(as: Int64.self).map { Int($0) } }

    @Test func crossValidationEqualsAHandLoop() throws {
        let data = try BundledDatasets.load(name: "iris")
        let make = { Pipeline([StandardScaler()], LogisticRegression()) }
        let result = try crossValidate(make, features: data.features, targets: data.targets, k: 5)
        let folds = try StratifiedKFold(splitCount: 5).splits(labels: Self.labels(data.targets))
        var expected: [Double] = []
        for fold in folds {
            let index = { (rows: [Int]) in Tensor(rows.map { Int64($0) }, shape: [rows.count]) }
            let model = make()
            try model.fit(data.features.indexSelect(axis: 0, index: index(fold.train)), data.targets.indexSelect(axis: 0, index: index(fold.train)))
            expected.append(try model.score(data.features.indexSelect(axis: 0, index: index(fold.validation)),
                                            data.targets.indexSelect(axis: 0, index: index(fold.validation))))
        }
        #expect(result.scores == expected)
        #expect(try crossValidate(make, features: data.features, targets: data.targets, folds: folds).scores == result.scores)
        #expect(result.fitSeconds.count == folds.count && result.fitSeconds.allSatisfy { $0 > 0 })
        // scikit-learn's cross-validated accuracy of the same pipeline on the same folds, within one point.
        let reference = LinearFixtures.named("logistic_iris")
        #expect(abs(result.mean - reference.number("mean_accuracy")) <= 0.01)
    }

    @Test func regressorsUseUnstratifiedFolds() throws {
        let data = try BundledDatasets.load(name: "diabetes")
        let result = try crossValidate({ Ridge(alpha: 1) }, features: data.features, targets: data.targets, k: 3)
        let folds = try KFold(splitCount: 3).splits(count: data.features.shape[0])
        #expect(result.scores == (try crossValidate({ Ridge(alpha: 1) }, features: data.features, targets: data.targets, folds: folds)).scores)
        #expect(result.scores.count == 3 && result.mean > 0.4)
    }

    @Test func gridSearchPicksScikitLearnsAlpha() throws {
        let fixture = try Self.selectionFixture()
        let alphas = try #require(fixture["alphas"] as? [Double])
        let meanScores = try #require(fixture["mean_scores"] as? [Double])
        let data = try BundledDatasets.load(name: "diabetes")
        let search = GridSearch(parameterGrid: ["alpha": alphas], folds: 5) { Ridge(alpha: $0["alpha"]!) }
        try search.fit(data.features, data.targets)
        #expect(search.results.map { $0.parameters["alpha"]! } == alphas)
        for (result, expected) in zip(search.results, meanScores) { #expect(abs(result.meanScore - expected) < 1e-6) }
        #expect(search.bestParameters == ["alpha": try #require(fixture["best_alpha"] as? Double)])
        #expect(abs(search.bestScore! - (try #require(fixture["best_score"] as? Double))) < 1e-6)
        let refitted = Ridge(alpha: search.bestParameters!["alpha"]!)
        try refitted.fit(data.features, data.targets)
        #expect(LinearFixtures.maximumDifference(try search.predict(data.features), try refitted.predict(data.features)) < 1e-9)
    }

    @Test func gridOrderAndTiesFollowScikitLearn() throws {
        let search = GridSearch(parameterGrid: ["b": [3, 4], "a": [1, 2]]) { _ in Ridge() }
        #expect(search.candidates == [["a": 1, "b": 3], ["a": 1, "b": 4], ["a": 2, "b": 3], ["a": 2, "b": 4]])
        let data = try BundledDatasets.load(name: "diabetes")
        try search.fit(data.features, data.targets)   // every candidate is the same model: the first wins
        #expect(search.bestParameters == ["a": 1, "b": 3])
        #expect(Set(search.results.map(\.meanScore)).count == 1)
    }

    @Test func gridSearchOverAClassifierIsStratified() throws {
        let data = try BundledDatasets.load(name: "iris")
        let search = GridSearch(parameterGrid: ["c": [0.01, 1]], folds: 5) { Pipeline([StandardScaler()], LogisticRegression(c: $0["c"]!)) }
        try search.fit(data.features, data.targets)
        let expected = try crossValidate({ Pipeline([StandardScaler()], LogisticRegression(c: 1)) }, features: data.features, targets: data.targets, k: 5)
        #expect(search.results[1].scores == expected.scores)
        #expect(search.bestParameters == ["c": 1])
        #expect(try search.score(data.features, data.targets) > 0.95)
    }

    @Test func trainTestSplitIsStratifiedAndReproducible() throws {
        let data = try BundledDatasets.load(name: "iris")
        let split = try trainTestSplit(features: data.features, targets: data.targets, testFraction: 0.2, stratify: true, seed: 7)
        #expect(split.trainFeatures.shape == [120, 4] && split.testFeatures.shape == [30, 4])
        #expect(Set(split.trainIndices + split.testIndices) == Set(0..<150))
        let testLabels = Self.labels(split.testTargets)
        #expect((0..<3).map { label in testLabels.filter { $0 == label }.count } == [10, 10, 10])
        #expect(split.testTargets.scalars(as: Int64.self) == data.targets.indexSelect(axis: 0, index: Tensor(split.testIndices.map { Int64($0) })).scalars(as: Int64.self))
        let again = try trainTestSplit(features: data.features, targets: data.targets, testFraction: 0.2, stratify: true, seed: 7)
        #expect(again.testIndices == split.testIndices)
        let other = try trainTestSplit(features: data.features, targets: data.targets, testFraction: 0.2, seed: 8)
        #expect(other.testIndices != split.testIndices && other.testIndices.count == 30)
    }

    @Test func modelSelectionReportsMisuse() throws {
        let features = Tensor([1.0, 2, 3, 4, 5, 6, 7, 8], shape: [4, 2]), targets = Tensor([1.0, 2, 3, 4])
        #expect { try trainTestSplit(features: features, targets: targets, testFraction: 1) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        #expect { try trainTestSplit(features: features, targets: Tensor([1.0, 2]), testFraction: 0.5) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        #expect { try trainTestSplit(features: features, targets: targets, stratify: true) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        #expect { try crossValidate({ Ridge() }, features: features, targets: targets, k: 5) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        #expect { try crossValidate({ Ridge() }, features: features, targets: targets, folds: []) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        let search = GridSearch(parameterGrid: ["alpha": [1]], folds: 2) { Ridge(alpha: $0["alpha"]!) }
        #expect(throws: LearnError(.notFitted, "GridSearch: no refitted estimator; call fit(_:_:) first (with refit: true)")) { try search.predict(features) }
        #expect { try GridSearch(parameterGrid: ["alpha": []]) { _ in Ridge() }.fit(features, targets) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        let invalid = GridSearch(parameterGrid: ["alpha": [-1]], folds: 2) { Ridge(alpha: $0["alpha"]!) }
        #expect { try invalid.fit(features, targets) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
    }
}
