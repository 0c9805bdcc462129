import Flint
import FlintLearn
import Testing

/// PCA against scikit-learn on standardized wine and digits, and its transforms and errors.
@Suite struct PCATests {
    @Test(arguments: ["wine", "digits"])
    func explainedVarianceAndComponentsMatchScikitLearn(dataset: String) throws {
        let entry = try UnsupervisedFixtures.fixtureCase("pca-\(dataset)")
        let features = try UnsupervisedFixtures.dataset(dataset, standardized: true).features
        let pca = PCA()
        try pca.fit(features)
        let ratios = UnsupervisedFixtures.numbers(entry, "explained_variance_ratio")
        let variances = UnsupervisedFixtures.numbers(entry, "explained_variance")
        #expect(pca.explainedVarianceRatio.count == ratios.count)
        for (actual, expected) in zip(pca.explainedVarianceRatio, ratios) { #expect(Swift.abs(actual - expected) < 1e-6) }
        for (actual, expected) in zip(pca.explainedVariance, variances) { #expect(Swift.abs(actual - expected) < 1e-6 * (1 + expected)) }
        let rows = Int(UnsupervisedFixtures.number(entry, "component_rows")), columns = features.shape[1]
        let expected = UnsupervisedFixtures.numbers(entry, "components")
        let components = pca.components.scalars(as: Double.self)
        for row in 0..<rows {
            let actualRow = components[row * columns..<(row + 1) * columns], expectedRow = expected[row * columns..<(row + 1) * columns]
            let same = zip(actualRow, expectedRow).map { Swift.abs($0 - $1) }.max()!
            let flipped = zip(actualRow, expectedRow).map { Swift.abs($0 + $1) }.max()!
            #expect(Swift.min(same, flipped) < 1e-6, "component \(row)")
            #expect(same < 1e-6, "component \(row) has scikit-learn's sign convention")
        }
    }

    @Test func transformInverseTransformAndWhitening() throws {
        let features = try UnsupervisedFixtures.dataset("wine", standardized: true).features
        let full = PCA()
        let reconstructed = try full.inverseTransform(try full.fitTransform(features))
        #expect((reconstructed - features).abs().max().item(as: Double.self) < 1e-9)

        let whitened = PCA(componentCount: .count(3), whiten: true)
        let projected = try whitened.fitTransform(features)
        #expect(projected.shape == [178, 3])
        let values = projected.scalars(as: Double.self)
        for component in 0..<3 {
            let column = (0..<178).map { values[$0 * 3 + component] }
            let variance = column.map { $0 * $0 }.reduce(0, +) / 177
            #expect(Swift.abs(variance - 1) < 1e-9)
        }
        #expect(Swift.abs(whitened.noiseVariance - full.explainedVariance[3...].reduce(0, +) / 10) < 1e-9)
        let back = try whitened.inverseTransform(projected)
        let plain = PCA(componentCount: .count(3))
        let plainBack = try plain.inverseTransform(try plain.fitTransform(features))
        #expect(back.shape == [178, 13] && (back - plainBack).abs().max().item(as: Double.self) < 1e-9)

        let fraction = PCA(componentCount: .varianceFraction(0.8))
        try fraction.fit(features)
        #expect(fraction.explainedVarianceRatio.count == 5)   // 0.36 + 0.19 + 0.11 + 0.07 + 0.066 > 0.8
    }

    @Test func svdAndCovarianceSolversAgree() throws {
        // 100 rows of 13 features go through the SVD; the same rows twice (200 >= 10 × 13) through the
        // covariance eigendecomposition. Duplicating rows changes neither the ratios nor the axes.
        let features = try UnsupervisedFixtures.dataset("wine", standardized: true).features
        let once = Array(0..<100)
        let bySVD = PCA(), byCovariance = PCA()
        try bySVD.fit(UnsupervisedFixtures.rows(features, once))
        try byCovariance.fit(UnsupervisedFixtures.rows(features, once + once))
        for (a, b) in zip(bySVD.explainedVarianceRatio, byCovariance.explainedVarianceRatio) { #expect(Swift.abs(a - b) < 1e-9) }
        #expect((bySVD.components - byCovariance.components).abs().max().item(as: Double.self) < 1e-6)
    }

    @Test func errors() throws {
        let features = try UnsupervisedFixtures.dataset("iris", standardized: true).features
        #expect(throws: LearnError.self) { try PCA().transform(features) }
        #expect(throws: LearnError.self) { try PCA(componentCount: .count(5)).fit(features) }
        #expect(throws: LearnError.self) { try PCA(componentCount: .varianceFraction(1.5)).fit(features) }
        let pca = PCA(componentCount: .count(2))
        try pca.fit(features)
        #expect(throws: LearnError.self) { try pca.transform(Tensor([1.0, 2, 3], shape: [1, 3])) }
        #expect(throws: LearnError.self) { try pca.fit(Tensor([1.0, .infinity, 3, 4], shape: [2, 2])) }
    }
}
