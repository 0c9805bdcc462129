import Flint
import FlintData
import FlintNN
import FlintOptim
import FlintTrain
import Foundation

/// A fresh empty folder under the temporary directory, removed by the caller (or left for the OS).
func temporaryFolder(_ label: String = "run") -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("flint-\(label)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `text` to `name` inside `folder` and returns its URL.
@discardableResult
func writeText(_ text: String, _ name: String, in folder: URL) -> URL {
    let url = folder.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url
}

/// A few full-batch SGD steps (the test's own loop; the Trainer is another component).
func sgdSteps(_ model: Module, _ data: PreparedData, classifier: Bool, steps: Int, learningRate: Double = 0.1) -> [Double] {
    let optimizer = SGD(model.namedParameters(), learningRate: learningRate, momentum: 0.9)
    model.train()
    var losses: [Double] = []
    for _ in 0..<steps {
        optimizer.zeroGrad()
        let outputs = model(data.inputs)
        let loss = classifier ? Loss.crossEntropy(outputs, data.targets) : ((outputs - data.targets) * (outputs - data.targets)).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item(as: Double.self))
    }
    model.eval()
    return losses
}

/// A trained-for-a-few-steps run of `recipe` on `dataset`, saved with ``RunDirectory/writeRun``.
@discardableResult
func makeRun(at folder: URL, dataset: String = "iris", recipe: Recipe = .mlp, options: RecipeOptions? = nil,
             steps: Int = 20, metrics: Bool = true) throws -> (run: RunDirectory, model: Module, data: TrainingData) {
    Flint.seed(7)
    let source = DataSource(dataset)
    let data = try TrainingData.prepare(try source.load(), datasetName: source.description, recipe: recipe, options: options, seed: 3)
    let model = try data.config.buildModel()
    _ = sgdSteps(model, data.train, classifier: data.config.isClassifier, steps: steps)
    let run = RunDirectory(folder)
    try run.prepare()
    let values = metrics ? ["test": try RunEvaluation.evaluate(model: model, config: data.config, data: data.test)] : nil
    try run.writeRun(model: model, config: data.config, metrics: values)
    return (run, model, data)
}
