import Flint
import FlintData
import FlintLearn
import FlintTestSupport
import Foundation
import Testing

/// `flint learn` and `flint predict` on saved estimators, as a user runs them.
@Suite struct LearnCommandLineTests {
    static func run(_ arguments: [String]) throws -> FlintCommandLine.Result {
        try FlintCommandLine.run(arguments, near: Bundle.module.bundleURL)
    }

    static func json(_ result: FlintCommandLine.Result) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output) \(result.error)")
    }

    /// Expects a non-zero exit with one `Error: …` line containing `reason`.
    static func expectFailure(_ arguments: [String], _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.error.split(separator: "\n").count == 1 && result.error.hasPrefix("Error: "), "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.contains(reason), "\(result.error)", sourceLocation: sourceLocation)
    }

    static func temporaryFolder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("flint-learn-cli-\(name)-\(UUID().uuidString)")
    }

    @Test func listsEstimatorsAndTheirParameters() throws {
        let all = try Self.run(["learn", "--list"])
        #expect(all.status == 0)
        for entry in EstimatorCatalog.entries { #expect(all.output.contains(entry.name)) }
        let forest = try Self.run(["learn", "random-forest-classifier", "--list"])
        #expect(forest.output.contains("n_estimators=100") && forest.output.contains("max_features=sqrt"), "\(forest.output)")
    }

    @Test func crossValidatedScoreEqualsTheLibrarysAndJSONHasTheNamedKeys() throws {
        let result = try Self.run(["learn", "logistic-regression", "--dataset", "wine", "--cv", "5", "--param", "C=0.5", "--json"])
        #expect(result.status == 0, "\(result.error)")
        let object = try Self.json(result)
        #expect(object["estimator"] as? String == "logistic-regression" && object["dataset"] as? String == "wine")
        #expect(object["metric"] as? String == "accuracy" && (object["fitSeconds"] as? Double ?? 0) > 0)
        #expect((object["parameters"] as? [String: String])?["C"] == "0.5")
        let data = try BundledDatasets.load(name: "wine")
        let expected = try crossValidate({ Pipeline([StandardScaler()], LogisticRegression(c: 0.5)) }, features: data.features,
                                         targets: data.targets, k: 5)
        // JSON carries 16 significant digits.
        #expect(abs((object["score"] as? Double ?? 0) - expected.mean) < 1e-12)
        #expect(zip(object["foldScores"] as? [Double] ?? [], expected.scores).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func savedEstimatorPredictsThroughFlintPredict() throws {
        let folder = Self.temporaryFolder("iris")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("model")
        let fit = try Self.run(["learn", "random-forest-classifier", "--dataset", "iris", "--param", "n_estimators=10",
                                "--param", "random_state=3", "--save", model.path])
        #expect(fit.status == 0, "\(fit.error)")
        #expect(fit.output.contains("accuracy") && fit.output.contains("Saved to"))
        // Rows with the training header, columns shuffled: picked by name.
        let data = try BundledDatasets.load(name: "iris")
        let names = data.featureNames, values = data.features.scalars(as: Double.self)
        let order = [2, 0, 3, 1]
        var csv = order.map { names[$0] }.joined(separator: ",") + "\n"
        for row in [0, 60, 120] { csv += order.map { "\(values[row * 4 + $0])" }.joined(separator: ",") + "\n" }
        let input = folder.appendingPathComponent("rows.csv")
        try csv.write(to: input, atomically: true, encoding: .utf8)
        let predicted = try Self.run(["predict", "--run", model.path, "--input", input.path])
        #expect(predicted.status == 0, "\(predicted.error)")
        let lines = predicted.output.split(separator: "\n")
        #expect(lines.first == "row,class,class_index,probability_setosa,probability_versicolor,probability_virginica", "\(predicted.output)")
        let saved = try EstimatorFile.load(from: model)
        let rows = data.features.indexSelect(axis: 0, index: Tensor([0, 60, 120] as [Int64], shape: [3]))
        let expected = try saved.predict(rows).scalars(as: Int64.self)
        #expect(lines.dropFirst().map { Int64($0.split(separator: ",")[2])! } == expected)
        #expect(lines[1].split(separator: ",")[1] == "setosa")
        // A second save into the same folder needs --overwrite.
        try Self.expectFailure(["learn", "ridge", "--dataset", "diabetes", "--save", model.path], "already holds a saved estimator")
        #expect(try Self.run(["learn", "ridge", "--dataset", "diabetes", "--save", model.path, "--overwrite"]).status == 0)
        #expect(try EstimatorFile.load(from: model).description.steps.last?.name == "ridge")
    }

    @Test func clusteringAndDecompositionReportTheirScores() throws {
        let clusters = try Self.json(try Self.run(["learn", "k-means", "--dataset", "iris", "--param", "n_clusters=3", "--json"]))
        #expect(clusters["metric"] as? String == "adjusted_rand_index" && (clusters["score"] as? Double ?? 0) > 0.6)
        let components = try Self.json(try Self.run(["learn", "pca", "--dataset", "wine", "--param", "n_components=2", "--json"]))
        #expect(components["metric"] as? String == "explained_variance_ratio")
        #expect(abs((components["score"] as? Double ?? 0) - 0.554) < 0.001)
    }

    @Test func badRequestsSayWhatIsWrong() throws {
        try Self.expectFailure(["learn", "support-vector", "--dataset", "iris"], "unknown estimator 'support-vector'; choose from:")
        try Self.expectFailure(["learn", "ridge", "--dataset", "diabetes", "--param", "alpha=lots"], "alpha: expected a number, got 'lots'")
        try Self.expectFailure(["learn", "ridge", "--dataset", "diabetes", "--param", "alpha"], "--param takes name=value")
        try Self.expectFailure(["learn", "ridge", "--dataset", "diabetes", "--param", "depth=3"], "ridge has no parameter 'depth'; it has alpha")
        try Self.expectFailure(["learn", "ridge", "--dataset", "iris"], "ridge is a regressor but iris is a classification dataset")
        try Self.expectFailure(["learn", "k-means", "--dataset", "iris", "--cv", "3"], "--cv scores classifiers and regressors")
        try Self.expectFailure(["learn", "ridge", "--dataset", "diabetes", "--scale", "log"], "unknown --scale 'log'")
        try Self.expectFailure(["learn", "ridge"], "--dataset is required")
        try Self.expectFailure(["learn", "standard-scaler", "--dataset", "iris"], "is a preprocessing step")
        try Self.expectFailure(["predict", "--run", Self.temporaryFolder("none").path, "--input", "x.csv"], "or the --save folder of flint learn")
    }
}
