import Flint
import FlintData
import FlintLearn
import Foundation
import Testing

/// Saving and loading fitted estimators (EstimatorFile) and making them by name (EstimatorCatalog).
@Suite struct PersistenceTests {
    static func temporaryFolder(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flint-persistence-\(name)-\(UUID().uuidString)")
        try? FileManager.default.removeItem(at: url)
        return url
    }

    @Test func pipelineRoundTripsWithParametersAndPredictions() throws {
        let data = try BundledDatasets.load(name: "diabetes")
        let entry = try EstimatorCatalog.entry(named: "ridge")
        let ridge = try #require(try entry.make(parameters: ["alpha": "0.25", "fit-intercept": "true"]) as? Ridge)
        #expect(ridge.alpha == 0.25)
        let model = Pipeline([StandardScaler()], ridge)
        try model.fit(data.features, data.targets)
        let folder = Self.temporaryFolder("ridge")
        defer { try? FileManager.default.removeItem(at: folder) }
        try EstimatorFile.save(model, to: folder, data: LearnDataDescription(dataset: "diabetes", featureNames: data.featureNames,
                                                                             targetName: nil, classNames: nil))
        let saved = try EstimatorFile.load(from: folder)
        #expect(saved.description.steps.map(\.name) == ["standard-scaler", "ridge"])
        #expect(saved.description.steps[1].parameters["alpha"] == "0.25")
        #expect(saved.description.task == .regression && saved.description.featureCount == 10)
        #expect(saved.description.data?.featureNames == data.featureNames)
        let loaded = try #require(saved.estimator as? Ridge)
        #expect(loaded.alpha == 0.25 && loaded.coefficients == ridge.coefficients && loaded.intercept == ridge.intercept)
        #expect(try saved.predict(data.features).scalars(as: Double.self) == (try model.predict(data.features)).scalars(as: Double.self))
    }

    @Test func damagedOrMismatchedFilesAreRefusedWithTheReason() throws {
        let data = try BundledDatasets.load(name: "diabetes")
        let first = Self.temporaryFolder("first"), second = Self.temporaryFolder("second")
        defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
        let model = Ridge()
        try model.fit(data.features, data.targets)
        try EstimatorFile.save(model, to: first)
        model.alpha = 5
        try model.fit(data.features, data.targets)
        try EstimatorFile.save(model, to: second)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try EstimatorFile.load(from: Self.temporaryFolder("missing")) }.contains("estimator.json is missing"))
        // Arrays from another save: the checksum catches it.
        let arrays = EstimatorFile.arraysFileName
        try FileManager.default.removeItem(at: first.appendingPathComponent(arrays))
        try FileManager.default.copyItem(at: second.appendingPathComponent(arrays), to: first.appendingPathComponent(arrays))
        #expect(message { _ = try EstimatorFile.load(from: first) }.contains("checksum differs"))
        // A hyperparameter edited into nonsense names the parameter.
        let jsonURL = second.appendingPathComponent(EstimatorFile.descriptionFileName)
        let json = try String(contentsOf: jsonURL, encoding: .utf8).replacingOccurrences(of: "\"5.0\"", with: "\"five\"")
        try json.write(to: jsonURL, atomically: true, encoding: .utf8)
        #expect(message { _ = try EstimatorFile.load(from: second) }.contains("alpha: expected a number, got 'five'"))
        try "{".write(to: jsonURL, atomically: true, encoding: .utf8)
        #expect(message { _ = try EstimatorFile.load(from: second) }.contains("is not a saved-estimator description"))
        // Not fitted: nothing is written.
        let unfitted = Self.temporaryFolder("unfitted")
        #expect(message { try EstimatorFile.save(Ridge(), to: unfitted) }.contains("not fitted"))
        #expect(!FileManager.default.fileExists(atPath: unfitted.appendingPathComponent(EstimatorFile.descriptionFileName).path))
    }

    @Test func catalogueNamesAndParametersFailClearly() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try EstimatorCatalog.entry(named: "svm-classifier") }.contains("unknown estimator 'svm-classifier'; choose from: logistic-regression"))
        let forest = try EstimatorCatalog.entry(named: "random-forest-classifier")
        #expect(message { _ = try forest.make(parameters: ["trees": "3"]) }.contains("has no parameter 'trees'; it has n_estimators"))
        #expect(message { _ = try forest.make(parameters: ["max_depth": "deep"]) }.contains("max_depth: expected an integer or none, got 'deep'"))
        let made = try #require(try forest.make(parameters: ["N_ESTIMATORS": "7", "max_features": "0.5", "max_depth": "none"]) as? RandomForestClassifier)
        #expect(made.nEstimators == 7 && made.maxFeatures == .fraction(0.5) && made.maxDepth == nil)
        // Every entry's parameters print values that parse back to the same values.
        for entry in EstimatorCatalog.entries {
            let estimator = try entry.make()
            let values = entry.parameterValues(of: estimator)
            #expect(entry.parameterValues(of: try entry.make(parameters: values)) == values, "\(entry.name)")
            #expect(entry.describes(estimator) && EstimatorCatalog.entry(for: estimator)?.name == entry.name)
        }
    }
}
