import Flint
import FlintLearn
import Testing
import Foundation

/// GaussianNB and MultinomialNB against scikit-learn's cross-validated accuracy.
@Suite struct NaiveBayesTests {
    @Test(arguments: ["iris", "wine", "breast-cancer", "digits"])
    func gaussianCrossValidatedAccuracyMatchesScikitLearn(dataset: String) throws {
        let (features, labels, _) = try UnsupervisedFixtures.dataset(dataset, standardized: true)
        let reference = UnsupervisedFixtures.number(try UnsupervisedFixtures.fixtureCase("gaussian-nb-\(dataset)"), "accuracy")
        let accuracy = try UnsupervisedFixtures.crossValidatedAccuracy(features, labels) { GaussianNB() }
        #expect(Swift.abs(accuracy - reference) <= 0.01, "\(dataset): \(accuracy), scikit-learn \(reference)")
    }

    @Test func multinomialOnRawDigitsMatchesScikitLearn() throws {
        let (features, labels, _) = try UnsupervisedFixtures.dataset("digits", standardized: false)
        let reference = UnsupervisedFixtures.number(try UnsupervisedFixtures.fixtureCase("multinomial-nb-digits"), "accuracy")
        let accuracy = try UnsupervisedFixtures.crossValidatedAccuracy(features, labels) { MultinomialNB() }
        #expect(Swift.abs(accuracy - reference) <= 0.01, "\(accuracy), scikit-learn \(reference)")
    }

    @Test func probabilitiesAndFittedValues() throws {
        // Two well-separated classes with sparse labels 3 and 7.
        let features = Tensor([[0.0, 1.0], [0.2, 1.2], [0.1, 0.8], [5.0, 6.0], [5.2, 6.1], [4.9, 5.8]])
        let labels = Tensor([Int64(3), 3, 3, 7, 7, 7])
        let gaussian = GaussianNB()
        try gaussian.fit(features, labels)
        #expect(gaussian.classes == [3, 7] && gaussian.classPriors == [0.5, 0.5])
        #expect(Swift.abs(gaussian.means.scalars(as: Double.self)[0] - 0.1) < 1e-12)
        let probabilities = try gaussian.predictProbabilities(features)
        for row in probabilities.rows(as: Double.self) { #expect(Swift.abs(row.reduce(0, +) - 1) < 1e-12) }
        #expect(try gaussian.predict(features).scalars(as: Int64.self) == [3, 3, 3, 7, 7, 7])

        let counts = Tensor([[3.0, 0.0], [2.0, 1.0], [0.0, 4.0]])
        let multinomial = MultinomialNB()
        try multinomial.fit(counts, Tensor([Int64(0), 0, 1]))
        // Class 0: counts (5, 1) + 1 → (6, 2)/8; class 1: (0, 4) + 1 → (1, 5)/6.
        let expected = [Foundation.log(0.75), Foundation.log(0.25), Foundation.log(1.0 / 6), Foundation.log(5.0 / 6)]
        for (actual, value) in zip(multinomial.featureLogProbabilities.scalars(as: Double.self), expected) { #expect(Swift.abs(actual - value) < 1e-12) }
        #expect(try multinomial.predict(counts).scalars(as: Int64.self) == [0, 0, 1])
    }

    @Test func errors() throws {
        let features = Tensor([[0.0, 1.0], [1.0, 0.0]]), labels = Tensor([Int64(0), 1])
        #expect(throws: LearnError.self) { try GaussianNB().predict(features) }
        #expect(throws: LearnError.self) { try MultinomialNB().predictProbabilities(features) }
        #expect(throws: LearnError.self) { try GaussianNB(varSmoothing: -1).fit(features, labels) }
        #expect(throws: LearnError.self) { try GaussianNB(priors: [0.2, 0.2]).fit(features, labels) }
        #expect(throws: LearnError.self) { try MultinomialNB(alpha: -1).fit(features, labels) }
        #expect(throws: LearnError.self) { try MultinomialNB().fit(Tensor([[-1.0, 1.0], [1.0, 0.0]]), labels) }
        #expect(throws: LearnError.self) { try GaussianNB().fit(features, Tensor([Int64(0)])) }
        let model = GaussianNB()
        try model.fit(features, labels)
        #expect(throws: LearnError.self) { try model.predict(Tensor([[1.0, 2.0, 3.0]])) }
        #expect(throws: LearnError.self) { try model.predict(Tensor([[.nan, 2.0]])) }
    }
}
