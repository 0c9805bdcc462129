import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// The README's FlintLearn example, as written there, runs and fits wine.
@Suite struct ReadmeExampleTests {
    @Test func pipelineOfScalerAndLogisticRegressionFitsWine() throws {
        let wine = try BundledDatasets.load(name: "wine")
        let model = Pipeline([StandardScaler()], LogisticRegression())
        try model.fit(wine.features, wine.targets)
        #expect(try model.score(wine.features, wine.targets) > 0.98)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flint-readme-\(UUID().uuidString)/models/wine")
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent().deletingLastPathComponent()) }
        try EstimatorFile.save(model, to: folder)
        let saved = try EstimatorFile.load(from: folder)
        #expect(try saved.predict(wine.features).scalars(as: Int64.self) == (try model.predict(wine.features)).scalars(as: Int64.self))
    }
}
