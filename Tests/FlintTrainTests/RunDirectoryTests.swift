import Flint
import FlintData
import FlintIO
import FlintNN
@testable import FlintTrain
import Foundation
import Testing

@Suite struct RunDirectoryTests {
    @Test func prepareCreatesTheLayoutAndKeepsEarlierFiles() throws {
        let folder = temporaryFolder().appendingPathComponent("nested/run")
        let run = RunDirectory(folder)
        try run.prepare()
        for sub in [run.checkpointsURL, run.logsURL, run.plotsURL] {
            #expect(FileManager.default.fileExists(atPath: sub.path))
        }
        writeText("earlier", "model.safetensors", in: folder)
        try run.prepare()
        #expect(try String(contentsOf: run.modelURL, encoding: .utf8) == "earlier")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["checkpoints", "logs", "model.safetensors", "plots"])
    }

    @Test func prepareFailsEarlyWhenTheFolderCannotBeCreated() throws {
        let parent = temporaryFolder()
        let file = writeText("not a folder", "occupied", in: parent)
        #expect(throws: RunDirectoryError.self) { try RunDirectory(file).prepare() }
        do {
            try RunDirectory(file.appendingPathComponent("run")).prepare()
            Issue.record("expected an error")
        } catch let error as RunDirectoryError {
            #expect(error.kind == .unwritable)
            #expect(error.description.contains("choose another output folder"))
        }
    }

    @Test func writeRunThenLoadModelGivesTheSameModelConfigAndMetrics() throws {
        let folder = temporaryFolder()
        let (run, model, data) = try makeRun(at: folder, dataset: "iris", recipe: .mlp, options: RecipeOptions(hiddenSizes: [8]))
        let (loaded, config) = try run.loadModel()
        #expect(config == data.config)
        #expect(!loaded.isTraining)
        #expect(loaded(data.test.inputs).scalars(as: Float.self) == model(data.test.inputs).scalars(as: Float.self))
        let metrics = try #require(try run.readMetrics())
        #expect(metrics["test"]?["accuracy"] != nil)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let (_, metadata) = try SafeTensors.read(from: run.modelURL)
        #expect(metadata["recipe"] == "mlp")
        let configText = try String(contentsOf: run.configURL, encoding: .utf8)
        #expect(configText.contains("\"datasetName\" : \"iris\""))
    }

    @Test func everyRecipeSurvivesTheRoundTripIncludingBatchNormBuffers() throws {
        for (dataset, recipe) in [("wine", Recipe.logistic), ("digits", .cnn), ("digits", .resnetSmall)] {
            let options = recipe == .cnn ? RecipeOptions(channels: [4, 8]) : recipe == .resnetSmall ? RecipeOptions(channels: [4, 8]) : nil
            let (run, model, data) = try makeRun(at: temporaryFolder(), dataset: dataset, recipe: recipe, options: options, steps: 2)
            let (loaded, _) = try run.loadModel()
            let sample = data.test.inputs[0..<4]
            #expect(loaded(sample).scalars(as: Float.self) == model(sample).scalars(as: Float.self), "\(recipe)")
        }
    }

    @Test func metricsWriteNonFiniteValuesAsNullAndReadThemBack() throws {
        let run = RunDirectory(temporaryFolder())
        try run.writeMetrics(["test": ["accuracy": 0.5, "log_loss": .infinity], "train": ["loss": 0.25]])
        let text = try String(contentsOf: run.metricsURL, encoding: .utf8)
        #expect(text == "{\n  \"test\": {\"accuracy\": 0.5, \"log_loss\": null},\n  \"train\": {\"loss\": 0.25}\n}\n")
        let back = try #require(try run.readMetrics())
        #expect(back["test"]?["accuracy"] == 0.5)
        #expect(back["test"]?["log_loss"]?.isNaN == true)
        writeText("[1, 2]", "metrics.json", in: run.url)
        #expect(throws: RunDirectoryError.self) { try run.readMetrics() }
        #expect(try RunDirectory(temporaryFolder()).readMetrics() == nil)
    }

    @Test func loadModelExplainsEachBrokenRun() throws {
        func failure(_ run: RunDirectory) -> RunDirectoryError? {
            do { _ = try run.loadModel(); return nil } catch { return error as? RunDirectoryError }
        }
        let missing = failure(RunDirectory(path: "/nonexistent/flint-run"))
        #expect(missing?.kind == .notARun)
        #expect(missing?.description.contains("no run folder at /nonexistent/flint-run") == true)
        #expect(failure(RunDirectory(temporaryFolder()))?.description.contains("config.json is missing") == true)

        let folder = temporaryFolder()
        let (run, _, _) = try makeRun(at: folder, steps: 1)
        let good = try Data(contentsOf: run.modelURL)
        try good.prefix(good.count - 10).write(to: run.modelURL)
        let truncated = failure(run)
        #expect(truncated?.kind == .invalidModel)
        #expect(truncated?.description.contains("is corrupt") == true)
        #expect(truncated?.description.contains("\n") == false)
        try Data("garbage".utf8).write(to: run.modelURL)
        #expect(failure(run)?.kind == .invalidModel)

        // Weights of another architecture.
        try Linear(3, 2).save(to: run.modelURL)
        let mismatch = failure(run)
        #expect(mismatch?.kind == .invalidModel)
        #expect(mismatch?.description.contains("does not match the mlp model") == true)
        try FileManager.default.removeItem(at: run.modelURL)
        #expect(failure(run)?.description.contains("has no model.safetensors") == true)

        let configText = try String(contentsOf: run.configURL, encoding: .utf8)
        try Data(configText.replacingOccurrences(of: "\"recipe\"", with: "\"recipe_\"").utf8).write(to: run.configURL)
        let badConfig = failure(run)
        #expect(badConfig?.kind == .invalidConfig)
        #expect(badConfig?.description.contains("missing key 'recipe'") == true)
        try Data("{not json".utf8).write(to: run.configURL)
        #expect(failure(run)?.kind == .invalidConfig)
    }

    @Test func writeRunReplacesAnEarlierRunOnlyWhenComplete() throws {
        let folder = temporaryFolder()
        let (run, _, _) = try makeRun(at: folder, recipe: .mlp, steps: 1)
        let earlierModel = try Data(contentsOf: run.modelURL)
        let earlierConfig = try Data(contentsOf: run.configURL)
        // A model the config cannot describe still writes; what matters is that nothing half-written appears.
        let (_, _, data) = try makeRun(at: temporaryFolder(), recipe: .logistic, steps: 1)
        try run.writeRun(model: try data.config.buildModel(), config: data.config)
        #expect(try Data(contentsOf: run.modelURL) != earlierModel)
        #expect(try Data(contentsOf: run.configURL) != earlierConfig)
        #expect(try run.loadModel().1.recipe == .logistic)
        // Metrics not given: the earlier metrics.json stays.
        #expect(try run.readMetrics()?["test"] != nil)
    }
}
