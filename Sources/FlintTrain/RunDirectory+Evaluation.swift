import Flint
import FlintIO
import FlintNN
import Foundation

/// Running a trained model over prepared rows: raw outputs in batches, the evaluation metrics, and
/// predictions (class and per-class probabilities, or the value).
///
/// ```swift
/// let (model, config) = try run.loadModel()
/// let metrics = try RunEvaluation.evaluate(model: model, config: config, data: try config.prepare(testRows))
/// metrics["accuracy"]  // 0.98
/// ```
public enum RunEvaluation {
    /// The metrics ``evaluate(model:config:data:batchSize:)`` reports: `accuracy`, `f1_macro` and
    /// `log_loss` for classifiers; `r2`, `rmse` and `mae` for regression.
    ///
    /// ```swift
    /// RunEvaluation.metricNames(for: config)  // ["accuracy", "f1_macro", "log_loss"]
    /// ```
    public static func metricNames(for config: ModelConfig) -> [String] {
        config.isClassifier ? ["accuracy", "f1_macro", "log_loss"] : ["r2", "rmse", "mae"]
    }

    /// The model's outputs for `inputs` `[n, ...]`, in evaluation mode without gradients, `batchSize`
    /// rows at a time: logits `[n, classes]` or values `[n, 1]`. The model's mode is restored after.
    ///
    /// ```swift
    /// let logits = RunEvaluation.outputs(of: model, inputs: inputs)
    /// ```
    public static func outputs(of model: Module, inputs: Tensor, batchSize: Int = 256) -> Tensor {
        precondition(batchSize > 0, "RunEvaluation.outputs: the batch size must be positive, got \(batchSize)")
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        let count = inputs.shape[0]
        var parts: [Tensor] = []
        var start = 0
        while start < count {
            let size = min(batchSize, count - start)
            parts.append(withoutGradients { model(inputs[start..<(start + size)]) })
            start += size
        }
        return parts.count == 1 ? parts[0] : Tensor.concatenate(parts)
    }

    /// The ``metricNames(for:)`` metrics of `model` on `data` (computed with ``MetricCollection`` from
    /// softmax probabilities for classifiers; for regression in the targets' own units).
    ///
    /// ```swift
    /// let metrics = try RunEvaluation.evaluate(model: model, config: config, data: prepared)
    /// ```
    public static func evaluate(model: Module, config: ModelConfig, data: PreparedData, batchSize: Int = 256) throws -> [String: Double] {
        let outputs = outputs(of: model, inputs: data.inputs, batchSize: batchSize).to(.float64)
        let metrics = try MetricCollection(names: metricNames(for: config), classCount: config.isClassifier ? config.outputCount : nil)
        if config.isClassifier {
            try metrics.update(predictions: outputs.softmax(axis: -1), targets: data.targets)
        } else {
            let restore = config.preprocessing.restoreTargets
            try metrics.update(predictions: restore(outputs).reshaped([-1]), targets: restore(data.targets).reshaped([-1]))
        }
        return try metrics.compute()
    }
}

/// What a model predicts for each row: the class and its per-class probabilities, or the value.
///
/// ```swift
/// let predictions = RunPredictions.predict(model: model, config: config, inputs: try config.modelInputs(features))
/// try predictions.write(to: URL(fileURLWithPath: "predictions.csv"))
/// ```
public struct RunPredictions: Sendable {
    /// Each row's predicted class index (classifiers).
    public let classes: [Int]?
    /// Each row's class probabilities (classifiers), `classNames.count` per row.
    public let probabilities: [[Double]]?
    /// Each row's predicted value (regression).
    public let values: [Double]?
    /// The class names (classifiers; numbers when the config has none).
    public let classNames: [String]

    /// Predictions made elsewhere (a FlintLearn estimator): class indices into `classNames` with
    /// optional probabilities, or values.
    ///
    /// ```swift
    /// let predictions = RunPredictions(classes: [0, 2], probabilities: nil, values: nil, classNames: ["a", "b", "c"])
    /// ```
    public init(classes: [Int]?, probabilities: [[Double]]?, values: [Double]?, classNames: [String]) {
        self.classes = classes
        self.probabilities = probabilities
        self.values = values
        self.classNames = classNames
    }

    /// The predictions of `model` for prepared `inputs`.
    ///
    /// ```swift
    /// let predictions = RunPredictions.predict(model: model, config: config, inputs: inputs)
    /// predictions.classes  // [0, 2, 1]
    /// ```
    public static func predict(model: Module, config: ModelConfig, inputs: Tensor, batchSize: Int = 256) -> RunPredictions {
        let outputs = RunEvaluation.outputs(of: model, inputs: inputs, batchSize: batchSize).to(.float64)
        let rows = outputs.shape[0]
        if !config.isClassifier {
            let values = config.preprocessing.restoreTargets(outputs).reshaped([rows]).scalars(as: Double.self)
            return RunPredictions(classes: nil, probabilities: nil, values: values, classNames: [])
        }
        let columns = config.outputCount
        let flat = outputs.softmax(axis: -1).scalars(as: Double.self)
        let probabilities = (0..<rows).map { Array(flat[($0 * columns)..<(($0 + 1) * columns)]) }
        let classes = probabilities.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
        return RunPredictions(classes: classes, probabilities: probabilities, values: nil,
                              classNames: (0..<columns).map(config.className))
    }

    /// The number of rows.
    ///
    /// ```swift
    /// predictions.count  // 3
    /// ```
    public var count: Int { classes?.count ?? values?.count ?? 0 }

    /// CSV text: `row,class,class_index,probability_<name>…` per row for classifiers (the probability
    /// columns only when there are probabilities), `row,value` for regression.
    ///
    /// ```swift
    /// print(predictions.csv())
    /// ```
    public func csv() -> String {
        var lines: [String] = []
        if let classes {
            let probabilityColumns = probabilities == nil ? [] : classNames.map { "probability_\($0)" }
            lines.append((["row", "class", "class_index"] + probabilityColumns).map(Self.csvField).joined(separator: ","))
            for (row, predicted) in classes.enumerated() {
                lines.append(([String(row), Self.csvField(classNames[predicted]), String(predicted)]
                              + (probabilities?[row] ?? []).map { "\($0)" }).joined(separator: ","))
            }
        } else if let values {
            lines.append("row,value")
            for (row, value) in values.enumerated() { lines.append("\(row),\(value)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// JSON text: an array with one object per row, `{"row", "class", "classIndex", "probabilities": {name: p}}`
    /// for classifiers (without `probabilities` when there are none) or `{"row", "value"}` for regression
    /// (non-finite values as null).
    ///
    /// ```swift
    /// print(predictions.json())
    /// ```
    public func json() -> String {
        var objects: [String] = []
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
        if let classes {
            for (row, predicted) in classes.enumerated() {
                var object = "{\"row\": \(row), \"class\": \(JSONString.quoted(classNames[predicted])), \"classIndex\": \(predicted)"
                if let probabilities {
                    let entries = zip(classNames, probabilities[row]).map { "\(JSONString.quoted($0)): \(number($1))" }
                    object += ", \"probabilities\": {\(entries.joined(separator: ", "))}"
                }
                objects.append(object + "}")
            }
        } else if let values {
            for (row, value) in values.enumerated() { objects.append("{\"row\": \(row), \"value\": \(number(value))}") }
        }
        return objects.isEmpty ? "[]\n" : "[\n  " + objects.joined(separator: ",\n  ") + "\n]\n"
    }

    /// Throws unless `url` ends in `.csv` or `.json` and its folder exists and takes new files (checked
    /// before predicting, so a bad output path fails fast).
    ///
    /// ```swift
    /// try RunPredictions.checkOutput(URL(fileURLWithPath: "out/predictions.json"))
    /// ```
    public static func checkOutput(_ url: URL) throws {
        let kind = url.pathExtension.lowercased()
        guard kind == "csv" || kind == "json" else {
            throw RunDirectoryError(.unsupportedFile, "\(url.path): the output must end in .csv or .json")
        }
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RunDirectoryError(.unwritable, "cannot write \(url.path): the folder \(folder.path) does not exist; create it first")
        }
        var existing: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &existing), existing.boolValue {
            throw RunDirectoryError(.unwritable, "cannot write \(url.path): it is a folder; name an output file")
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw RunDirectoryError(.unwritable, "cannot write in \(folder.path) (permission denied); choose another output path")
        }
    }

    /// Writes the predictions atomically as CSV or JSON, chosen by `url`'s extension.
    ///
    /// ```swift
    /// try predictions.write(to: URL(fileURLWithPath: "predictions.json"))
    /// ```
    public func write(to url: URL) throws {
        try Self.checkOutput(url)
        let text = url.pathExtension.lowercased() == "json" ? json() : csv()
        do {
            try AtomicFile.write(Data(text.utf8), to: url)
        } catch let error as FileWriteError {
            throw RunDirectoryError(.unwritable, error.description)
        }
    }

    /// A CSV field, quoted when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
