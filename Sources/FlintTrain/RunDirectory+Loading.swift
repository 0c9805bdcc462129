import Flint
import FlintIO
import FlintNN
import Foundation

/// A run's metrics by split, then by metric name, as `metrics.json` holds them:
/// `{"test": {"accuracy": 0.98, "f1_macro": 0.97}, "validation": {…}, "train": {…}}`.
///
/// ```swift
/// let metrics: RunMetrics = ["test": ["accuracy": 0.98]]
/// metrics["test"]?["accuracy"]  // 0.98
/// ```
public typealias RunMetrics = [String: [String: Double]]

extension RunDirectory {
    /// Reads and checks `config.json`.
    ///
    /// ```swift
    /// let config = try run.readConfig()
    /// ```
    public func readConfig() throws -> ModelConfig {
        try requireFolder()
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw RunDirectoryError(.notARun, "\(url.path) is not a Flint run: config.json is missing; pass the --out folder of flint train (or the --save folder of flint learn)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: configURL)
        } catch {
            throw RunDirectoryError(.notARun, "cannot read \(configURL.path): \(Self.reason(error))")
        }
        let config: ModelConfig
        do {
            config = try JSONDecoder().decode(ModelConfig.self, from: data)
        } catch let error as DecodingError {
            throw RunDirectoryError(.invalidConfig, "\(configURL.path) is not a valid model config: \(Self.describe(error))")
        } catch {
            throw RunDirectoryError(.invalidConfig, "\(configURL.path) is not valid JSON; retrain or restore the file")
        }
        do {
            try config.validate()
        } catch let error as RecipeError {
            throw RunDirectoryError(.invalidConfig, "\(configURL.path): \(error.description)")
        }
        return config
    }

    /// Rebuilds the model from `config.json` and loads `model.safetensors` into it (strictly: every
    /// key, shape and dtype must match), in evaluation mode.
    ///
    /// ```swift
    /// let (model, config) = try RunDirectory(path: "runs/digits").loadModel()
    /// let probabilities = model(inputs).softmax(axis: -1)
    /// ```
    public func loadModel() throws -> (Module, ModelConfig) {
        let config = try readConfig()
        let model: Module
        do {
            model = try config.buildModel()
        } catch let error as RecipeError {
            throw RunDirectoryError(.invalidConfig, "\(configURL.path): \(error.description)")
        }
        guard FileManager.default.fileExists(atPath: modelURL.path) else {
            throw RunDirectoryError(.notARun, "\(url.path) has no model.safetensors; the run did not finish saving — retrain it")
        }
        do {
            try model.load(from: modelURL)
        } catch let error as SafeTensorsError {
            throw RunDirectoryError(.invalidModel, "\(modelURL.path) is corrupt: \(Self.oneLine(error.description)); retrain or restore the file")
        } catch let error as StateLoadError {
            let report = error.report
            var problems: [String] = []
            if !report.missingKeys.isEmpty { problems.append("missing \(report.missingKeys.prefix(3).joined(separator: ", "))") }
            if !report.unexpectedKeys.isEmpty { problems.append("unexpected \(report.unexpectedKeys.prefix(3).joined(separator: ", "))") }
            if let mismatch = report.mismatches.first {
                problems.append("'\(mismatch.key)' is \(mismatch.found) but the model needs \(mismatch.expected)")
            }
            throw RunDirectoryError(.invalidModel, "\(modelURL.path) does not match the \(config.recipe) model of config.json ("
                                    + problems.joined(separator: "; ") + ")")
        }
        model.eval()
        return (model, config)
    }

    /// Reads `metrics.json`, or nil when the run has none (null values read as NaN).
    ///
    /// ```swift
    /// let accuracy = try run.readMetrics()?["test"]?["accuracy"]
    /// ```
    public func readMetrics() throws -> RunMetrics? {
        guard FileManager.default.fileExists(atPath: metricsURL.path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: metricsURL)
        } catch {
            throw RunDirectoryError(.invalidMetrics, "cannot read \(metricsURL.path): \(Self.reason(error))")
        }
        return try RunMetricsFile.parse(data, path: metricsURL.path)
    }

    /// Throws unless the run folder exists.
    func requireFolder() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw RunDirectoryError(.notARun, "no run folder at \(url.path); pass the --out folder of flint train (or the --save folder of flint learn)")
        }
        guard isDirectory.boolValue else {
            throw RunDirectoryError(.notARun, "\(url.path) is a file, not a run folder; pass the --out folder of flint train (or the --save folder of flint learn)")
        }
    }

    /// A decoding error in words: which key, and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            codingPath.isEmpty ? "the top level" : "'" + codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' in \(path(context.codingPath))"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null but should be \(type)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `text` on one line.
    static func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: "; ") }
}

/// `metrics.json` text: split → metric → value, keys sorted, non-finite values as null.
enum RunMetricsFile {
    static func json(_ metrics: RunMetrics) -> String {
        if metrics.isEmpty { return "{}\n" }
        let splits = metrics.keys.sorted().map { split -> String in
            let values = metrics[split]!.keys.sorted().map { name -> String in
                let value = metrics[split]![name]!
                return "\(JSONString.quoted(name)): " + (value.isFinite ? "\(value)" : "null")
            }
            return "  \(JSONString.quoted(split)): {" + values.joined(separator: ", ") + "}"
        }
        return "{\n" + splits.joined(separator: ",\n") + "\n}\n"
    }


    static func parse(_ data: Data, path: String) throws -> RunMetrics {
        guard let object = try? JSONSerialization.jsonObject(with: data), let splits = object as? [String: Any] else {
            throw RunDirectoryError(.invalidMetrics, "\(path) is not a JSON object of splits; rerun flint eval to rewrite it")
        }
        var metrics: RunMetrics = [:]
        for (split, value) in splits {
            guard let values = value as? [String: Any] else {
                throw RunDirectoryError(.invalidMetrics, "\(path): '\(split)' should be an object of metric values")
            }
            var parsed: [String: Double] = [:]
            for (name, number) in values {
                if number is NSNull { parsed[name] = .nan; continue }
                guard let number = number as? NSNumber else {
                    throw RunDirectoryError(.invalidMetrics, "\(path): '\(split).\(name)' should be a number")
                }
                parsed[name] = number.doubleValue
            }
            metrics[split] = parsed
        }
        return metrics
    }
}
