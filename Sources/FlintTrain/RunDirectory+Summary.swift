import Flint
import FlintNN
import Foundation

extension RunDirectory {
    /// A readable description of the run: the model's layers with output shapes and parameter counts
    /// (``Module/summary(input:)`` on one sample), the config, and the metrics of `metrics.json`.
    ///
    /// ```swift
    /// print(try RunDirectory(path: "runs/digits").summary())
    /// ```
    public func summary() throws -> String {
        let (model, config) = try loadModel()
        var lines = ["Run: \(url.path)", ""]
        lines.append("Model (\(config.recipe): \(config.recipe.summary))")
        lines.append(model.summary(input: Tensor.zeros([1] + config.inputShape)))
        lines.append("")
        lines.append("Config")
        lines.append(contentsOf: Self.configLines(config).map { "  " + $0 })
        lines.append("")
        if let metrics = try readMetrics(), !metrics.isEmpty {
            lines.append("Metrics (metrics.json)")
            lines.append(contentsOf: Self.metricLines(metrics).map { "  " + $0 })
        } else {
            lines.append("Metrics: none (no metrics.json; run flint eval --run \(url.path) --dataset …)")
        }
        return lines.joined(separator: "\n")
    }

    /// The config's fields, one `name: value` per line.
    static func configLines(_ config: ModelConfig) -> [String] {
        var lines = ["recipe: \(config.recipe)"]
        switch config.recipe {
        case .logistic: break
        case .mlp: lines.append("hidden sizes: \(config.options.hiddenSizes), dropout: \(config.options.dropout)")
        case .cnn: lines.append("channels: \(config.options.channels), dropout: \(config.options.dropout)")
        case .resnetSmall:
            lines.append("channels: \(config.options.channels), blocks per stage: \(config.options.blocksPerStage), dropout: \(config.options.dropout)")
        }
        lines.append("input shape: \(config.inputShape)")
        if config.isClassifier {
            let names = config.classNames ?? []
            lines.append("task: classification, \(config.outputCount) classes" + (names.isEmpty ? "" : ": " + Self.abbreviated(names)))
        } else {
            lines.append("task: regression" + (config.targetName.map { " of '\($0)'" } ?? ""))
        }
        let preprocessing = config.preprocessing
        var steps: [String] = []
        if let maximum = preprocessing.pixelMaximum { steps.append("pixels divided by \(maximum)") }
        if preprocessing.featureMean != nil { steps.append("features standardized (training mean and standard deviation)") }
        lines.append("preprocessing: " + (steps.isEmpty ? "none" : steps.joined(separator: ", ")))
        if let name = config.datasetName { lines.append("dataset: \(name)") }
        if let split = config.split {
            lines.append("split: validation \(split.validationFraction), test \(split.testFraction), seed \(split.seed)")
        }
        return lines
    }

    /// One line per split: `test: accuracy 0.9833, f1_macro 0.9830`, splits in test, validation, train order.
    static func metricLines(_ metrics: RunMetrics) -> [String] {
        let order = ["test", "validation", "train"]
        let splits = metrics.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        return splits.map { split in
            let values = metrics[split]!.keys.sorted().map { "\($0) \(String(format: "%.4f", metrics[split]![$0]!))" }
            return "\(split): " + values.joined(separator: ", ")
        }
    }

    /// At most ten names, then how many more.
    static func abbreviated(_ names: [String]) -> String {
        names.count <= 10 ? names.joined(separator: ", ") : names.prefix(10).joined(separator: ", ") + ", … (\(names.count - 10) more)"
    }
}
