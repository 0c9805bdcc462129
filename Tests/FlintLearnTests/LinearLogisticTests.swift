import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// LogisticRegression: 5-fold cross-validated accuracy against scikit-learn, probabilities, errors.
@Suite struct LinearLogisticTests {
    @Test(arguments: ["iris", "wine", "breast-cancer", "digits"])
    func crossValidatedAccuracyMatchesScikitLearn(_ name: String) throws {
        let fixture = LinearFixtures.named("logistic_\(name)")
        let data = try BundledDatasets.load(name: name)
        #expect(abs(data.features.sum().item(as: Double.self) - fixture.number("feature_sum")) < 1e-6 * fixture.number("feature_sum"))
        let labels = data.targets.to(.int64).scalars(as: Int64.self).map { Int($0) }
        var accuracies: [Double] = []
        for fold in try StratifiedKFold(splitCount: 5).splits(labels: labels) {
            let train = Tensor(fold.train.map { Int64($0) }), test = Tensor(fold.validation.map { Int64($0) })
            let model = Pipeline([StandardScaler()], LogisticRegression())
            try model.fit(data.features.indexSelect(axis: 0, index: train), data.targets.indexSelect(axis: 0, index: train))
            accuracies.append(try model.score(data.features.indexSelect(axis: 0, index: test), data.targets.indexSelect(axis: 0, index: test)))
        }
        let mean = accuracies.reduce(0, +) / Double(accuracies.count)
        #expect(abs(mean - fixture.number("mean_accuracy")) <= 0.01, "\(name): \(accuracies) vs \(fixture.numbers("fold_accuracies"))")
    }

    @Test func probabilitiesAndDecisionFunctionAgree() throws {
        let features = Tensor([0.0, 0, 1, 0, 0, 1, 1, 1, 2, 2, 3, 3], shape: [6, 2])
        let binary = LogisticRegression(c: 100)
        try binary.fit(features, Tensor([Int64](arrayLiteral: 3, 3, 3, 7, 7, 7)))
        #expect(binary.classes == [3, 7] && binary.coefficients!.shape == [1, 2] && binary.converged)
        let probabilities = try binary.predictProbabilities(features).scalars(as: Double.self)
        let scores = try binary.decisionFunction(features).scalars(as: Double.self)
        for row in 0..<6 {
            #expect(abs(probabilities[2 * row] + probabilities[2 * row + 1] - 1) < 1e-12)
            let expected: Double = 1 / (1 + exp(-scores[row]))
            #expect(abs(probabilities[2 * row + 1] - expected) < 1e-12)
        }
        #expect(try binary.predict(features).scalars(as: Int64.self) == [3, 3, 3, 7, 7, 7])
        let multi = LogisticRegression(c: 100)
        try multi.fit(features, Tensor([Int64](arrayLiteral: 0, 0, 1, 1, 2, 2)))
        let rows = try multi.predictProbabilities(features)
        #expect(rows.shape == [6, 3] && LinearFixtures.maximumDifference(rows.sum(axis: 1), Tensor([Double](repeating: 1, count: 6))) < 1e-12)
    }

    @Test func logisticRegressionReportsMisuse() throws {
        let features = Tensor([0.0, 1, 2, 3], shape: [4, 1]), labels = Tensor([Int64](arrayLiteral: 0, 0, 1, 1))
        #expect { try LogisticRegression().predict(features) } throws: { ($0 as? LearnError)?.kind == .notFitted }
        #expect { try LogisticRegression(c: 0).fit(features, labels) } throws: { ($0 as? LearnError)?.kind == .invalidParameter }
        #expect { try LogisticRegression().fit(features, Tensor([Int64](arrayLiteral: 1, 1, 1, 1))) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        #expect { try LogisticRegression().fit(features, Tensor([0.0, 0, 1, 1])) } throws: { ($0 as? LearnError)?.kind == .invalidInput }
        let model = LogisticRegression()
        try model.fit(features, labels)
        #expect { try model.predict(Tensor([1.0, 2], shape: [1, 2])) } throws: { ($0 as? LearnError)?.kind == .featureCountMismatch }
    }
}
