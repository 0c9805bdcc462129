import Flint
import FlintData
import FlintLearn
import Testing

/// The README's FlintLearn example, as written there, runs and fits wine.
@Suite struct ReadmeExampleTests {
    @Test func pipelineOfScalerAndLogisticRegressionFitsWine() throws {
        let wine = try BundledDatasets.load(name: "wine")
        let model = Pipeline([StandardScaler()], LogisticRegression())
        try model.fit(wine.features, wine.targets)
        #expect(try model.score(wine.features, wine.targets) > 0.98)
    }
}
