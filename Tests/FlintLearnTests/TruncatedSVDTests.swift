import Flint
import FlintLearn
import Testing

/// TruncatedSVD against scikit-learn's (arpack) on raw digits.
@Suite struct TruncatedSVDTests {
    @Test func exactAndRandomizedMatchScikitLearn() throws {
        let entry = try UnsupervisedFixtures.fixtureCase("truncated-svd-digits")
        let features = try UnsupervisedFixtures.dataset("digits", standardized: false).features
        let singular = UnsupervisedFixtures.numbers(entry, "singular_values"), ratios = UnsupervisedFixtures.numbers(entry, "explained_variance_ratio")
        let components = UnsupervisedFixtures.numbers(entry, "components")
        let exact = TruncatedSVD(componentCount: 10, algorithm: .exact)
        try exact.fit(features)
        for (actual, expected) in zip(exact.singularValues, singular) { #expect(Swift.abs(actual - expected) < 1e-6 * expected) }
        for (actual, expected) in zip(exact.explainedVarianceRatio, ratios) { #expect(Swift.abs(actual - expected) < 1e-6) }
        let difference = zip(exact.components.scalars(as: Double.self), components).map { Swift.abs($0 - $1) }.max()!
        #expect(difference < 1e-6, "components differ by \(difference) (same sign convention expected)")

        let randomized = TruncatedSVD(componentCount: 10, randomState: 7)
        let reduced = try randomized.fitTransform(features)
        #expect(reduced.shape == [1797, 10])
        for (actual, expected) in zip(randomized.singularValues, singular) { #expect(Swift.abs(actual - expected) < 1e-3 * expected) }
        for (actual, expected) in zip(randomized.explainedVarianceRatio, ratios) { #expect(Swift.abs(actual - expected) < 1e-3) }
    }

    @Test func fullRankReconstructsAndErrors() throws {
        let features = Tensor([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [4.0, 0.0, 1.0], [2.0, 2.0, 2.0]])
        let svd = TruncatedSVD(componentCount: 3, algorithm: .exact)
        let back = try svd.inverseTransform(try svd.fitTransform(features))
        #expect((back - features).abs().max().item(as: Double.self) < 1e-12)
        #expect(throws: LearnError.self) { try TruncatedSVD().transform(features) }
        #expect(throws: LearnError.self) { try TruncatedSVD(componentCount: 4).fit(features) }
        #expect(throws: LearnError.self) { try TruncatedSVD(componentCount: 0).fit(features) }
        #expect(throws: LearnError.self) { try svd.transform(Tensor([[1.0, 2.0]])) }
        #expect(throws: LearnError.self) { try svd.fit(Tensor([[1.0, .nan], [1.0, 2.0]])) }
    }
}
