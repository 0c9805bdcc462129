import Flint
import FlintTestSupport
import FlintTrain
import Foundation
import Testing

// Every metric against scikit-learn, on the cases of Fixtures/metrics.json (made by
// scripts/make_metric_fixtures.py; CI only reads the committed JSON). Each case holds its inputs and
// scikit-learn's value for a list of keys; `flintValue` maps every key to the Flint call. A key without
// a mapping fails, and so does a case missing from `metricFixtureCaseNames` (or listed but missing).
// NaN from scikit-learn for ROC-AUC and R² (undefined) must be a thrown MetricsError.undefined in Flint.

/// The cases the tests know; the fixture file must hold exactly these.
let metricFixtureCaseNames: Set<String> = [
    "binary", "binary_single_class", "multiclass_absent_class", "multiclass_ties", "multiclass_large",
    "clipped_probabilities", "regression", "regression_multioutput", "regression_constant_target",
    "regression_perfect_constant",
]

/// A value from scikit-learn or Flint.
enum MetricValue: Equatable {
    case number(Double)
    case list([Double])
    case matrix([[Int]])
    case text(String)
    case undefined(String)

    init(json: Any, context: String) throws {
        if let text = json as? String, !["nan", "inf", "-inf"].contains(text) { self = .text(text); return }
        if let rows = json as? [[Any]] {
            self = .matrix(try rows.map { try $0.map { Int(try MetricValue.double($0, context: context)) } }); return
        }
        if let list = json as? [Any] {
            self = .list(try list.map { try MetricValue.double($0, context: context) }); return
        }
        self = .number(try MetricValue.double(json, context: context))
    }

    static func double(_ value: Any, context: String) throws -> Double {
        if let number = value as? NSNumber { return number.doubleValue }
        switch value as? String {
        case "nan": return .nan
        case "inf": return .infinity
        case "-inf": return -.infinity
        default: throw FixtureError("\(context): unexpected value \(value)")
        }
    }
}

/// One fixture case: its inputs as tensors, and scikit-learn's values by key.
struct MetricFixtureCase {
    let name: String
    let classCount: Int?
    let targets: Tensor
    let predictions: Tensor
    let probabilities: Tensor?
    let positive: Tensor?
    let logits: Tensor?
    let expected: [String: MetricValue]

    static func loadAll() throws -> [MetricFixtureCase] {
        guard let url = Bundle.module.url(forResource: "metrics", withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError("Fixtures/metrics.json is missing from the test bundle; run scripts/make_metric_fixtures.py")
        }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let document = root as? [String: Any], let entries = document["cases"] as? [[String: Any]] else {
            throw FixtureError("metrics.json has no \"cases\" list")
        }
        return try entries.map { entry in
            guard let name = entry["name"] as? String, let expected = entry["expected"] as? [String: Any] else {
                throw FixtureError("metrics.json: a case lacks name or expected")
            }
            func tensor(_ key: String) throws -> Tensor? {
                try entry[key].map { try FixtureTensor($0, context: "\(name).\(key)").tensor() }
            }
            guard let targets = try tensor("targets"), let predictions = try tensor("predictions") else {
                throw FixtureError("metrics.json: case \(name) lacks targets or predictions")
            }
            return MetricFixtureCase(
                name: name, classCount: entry["classes"] as? Int, targets: targets, predictions: predictions,
                probabilities: try tensor("probabilities"), positive: try tensor("positive"), logits: try tensor("logits"),
                expected: try expected.mapValues { try MetricValue(json: $0, context: "\(name).expected") })
        }
    }

    /// Flint's value for `key`, or nil when the key has no mapping.
    func flintValue(_ key: String) throws -> MetricValue? {
        do { return try computeValue(key) } catch let error as MetricsError where error.kind == .undefined {
            return .undefined(error.message)
        }
    }

    private func computeValue(_ key: String) throws -> MetricValue? {
        let parts = key.split(separator: "/").map(String.init)
        let classes = classCount ?? 0
        switch parts[0] {
        case "accuracy": return .number(try Metrics.accuracy(predictions: predictions, targets: targets))
        case "confusion_matrix":
            let matrix = try Metrics.confusionMatrix(predictions: predictions, targets: targets, classCount: classes)
            return .matrix(matrix.scalars(as: Int.self).chunked(classes))
        case "precision", "recall", "f1":
            guard parts.count == 4, let zeroDivision = ["0": 0.0, "1": 1.0, "nan": Double.nan][parts[3]] else { return nil }
            let scores = try Metrics.precisionRecallF1(predictions: predictions, targets: targets, classCount: classes,
                                                       labels: parts[2] == "all" ? Array(0..<classes) : nil,
                                                       zeroDivision: zeroDivision)
            if parts[1] == "per_class" {
                return .list(parts[0] == "precision" ? scores.precision : parts[0] == "recall" ? scores.recall : scores.f1)
            }
            guard let average = MetricAverage(rawValue: parts[1]) else { return nil }
            return .number(parts[0] == "precision" ? scores.precision(average) : parts[0] == "recall" ? scores.recall(average) : scores.f1(average))
        case "report":
            guard parts.count == 3, let digits = Int(parts[2]) else { return nil }
            return .text(try Metrics.classificationReport(predictions: predictions, targets: targets, classCount: classes,
                                                          labels: parts[1] == "all" ? Array(0..<classes) : nil, digits: digits))
        case "roc_auc": return .number(try Metrics.rocAUC(scores: probabilities!, targets: targets))
        case "roc_auc_1d": return .number(try Metrics.rocAUC(scores: logits!, targets: targets))
        case "log_loss": return .number(try Metrics.logLoss(probabilities: probabilities!, targets: targets))
        case "log_loss_1d": return .number(try Metrics.logLoss(probabilities: positive!, targets: targets))
        case "log_loss_float32": return .number(try Metrics.logLoss(probabilities: probabilities!.to(.float32), targets: targets))
        case "mse": return .number(try Metrics.meanSquaredError(predictions: predictions, targets: targets))
        case "mae": return .number(try Metrics.meanAbsoluteError(predictions: predictions, targets: targets))
        case "rmse": return .number(try Metrics.rootMeanSquaredError(predictions: predictions, targets: targets))
        case "r2": return .number(try Metrics.r2Score(predictions: predictions, targets: targets))
        default:
            if key.hasPrefix("top_"), key.hasSuffix("_accuracy"), let k = Int(key.dropFirst(4).dropLast(9)) {
                return .number(try Metrics.topKAccuracy(scores: probabilities!, targets: targets, k: k))
            }
            return nil
        }
    }
}

extension Array {
    /// The array cut into rows of `size`.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

/// Whether two numbers agree within `tolerance` relative to max(1, |expected|); NaN matches NaN.
func close(_ actual: Double, _ expected: Double, tolerance: Double) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    return actual == expected || Swift.abs(actual - expected) <= tolerance * Swift.max(1, Swift.abs(expected))
}

/// Why `actual` differs from scikit-learn's `expected` for `key`, or nil when they agree.
func metricMismatch(_ key: String, _ actual: MetricValue, _ expected: MetricValue) -> String? {
    // float32 probabilities: scikit-learn takes logarithms in float32, Flint in float64.
    let tolerance = key == "log_loss_float32" ? 1e-6 : 1e-12
    switch (actual, expected) {
    case let (.number(value), .number(reference)):
        return close(value, reference, tolerance: tolerance) ? nil : "Flint \(value), scikit-learn \(reference)"
    case let (.list(values), .list(references)):
        let agree = values.count == references.count && zip(values, references).allSatisfy { close($0, $1, tolerance: tolerance) }
        return agree ? nil : "Flint \(values), scikit-learn \(references)"
    case let (.matrix(values), .matrix(references)):
        return values == references ? nil : "Flint \(values), scikit-learn \(references)"
    case let (.text(value), .text(reference)):
        return value == reference ? nil : "Flint:\n\(value)\nscikit-learn:\n\(reference)"
    case let (.undefined(message), .number(reference)):
        return reference.isNaN ? nil : "Flint threw '\(message)', scikit-learn \(reference)"
    default:
        return "Flint \(actual), scikit-learn \(expected)"
    }
}

@Suite("Metrics against scikit-learn")
struct MetricsFixtureTests {
    @Test func fixtureCasesAreExactlyTheKnownOnes() throws {
        let names = Set(try MetricFixtureCase.loadAll().map(\.name))
        #expect(names.subtracting(metricFixtureCaseNames).isEmpty, "fixture cases without a Swift mapping: \(names.subtracting(metricFixtureCaseNames).sorted())")
        #expect(metricFixtureCaseNames.subtracting(names).isEmpty, "cases missing from the fixture: \(metricFixtureCaseNames.subtracting(names).sorted())")
    }

    @Test(arguments: metricFixtureCaseNames.sorted())
    func everyMetricMatchesScikitLearn(_ caseName: String) throws {
        let fixture = try #require(try MetricFixtureCase.loadAll().first { $0.name == caseName })
        #expect(fixture.expected.count >= 4)
        var undefinedSeen = 0
        for (key, expected) in fixture.expected.sorted(by: { $0.key < $1.key }) {
            guard let actual = try fixture.flintValue(key) else {
                Issue.record("\(caseName): key \(key) has no Flint mapping")
                continue
            }
            if case .undefined = actual { undefinedSeen += 1 }
            if case let .number(reference) = expected, reference.isNaN, key.hasPrefix("roc_auc") || key == "r2" {
                guard case .undefined = actual else {
                    Issue.record("\(caseName).\(key): scikit-learn says undefined (NaN); Flint gave \(actual) instead of throwing")
                    continue
                }
            }
            if let mismatch = metricMismatch(key, actual, expected) { Issue.record("\(caseName).\(key): \(mismatch)") }
        }
        // Only the cases built for it are undefined: single-class ROC-AUC (from [n, 2] and from [n] scores)
        // and one-vs-rest ROC-AUC with classes absent from the targets.
        #expect(undefinedSeen == ["binary_single_class": 2, "multiclass_absent_class": 1][caseName, default: 0])
    }
}
