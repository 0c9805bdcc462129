import Flint
import FlintData
import FlintLearn
import Foundation

/// scikit-learn's cross-validated scores of the tree estimators (scripts/make_learn_fixtures_trees.py)
/// and the same cross-validation run on Flint's estimators.
struct TreeFixtureCase: Decodable {
    let name: String
    let estimator: String
    let dataset: String
    let parameters: [String: Parameter]
    let metric: String
    let foldScores: [Double]
    let meanScore: Double
    /// For single trees: scikit-learn's lowest and highest mean score over random_state 0-9.
    let seedRange: [Double]?

    /// Whether `score` is within `tolerance` of scikit-learn's (random_state 0), or of the band its
    /// scores span over seeds (single trees break ties between equal splits by their random draws).
    func matches(_ score: Double, tolerance: Double) -> Bool {
        if abs(score - meanScore) <= tolerance { return true }
        guard let seedRange else { return false }
        return score >= seedRange[0] - tolerance && score <= seedRange[1] + tolerance
    }

    /// A hyperparameter: a number or a word.
    enum Parameter: Decodable {
        case number(Double), word(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .word(try container.decode(String.self)) }
        }
    }

    /// A numeric hyperparameter of the case, when given.
    func number(_ key: String) -> Double? { if case .number(let value)? = parameters[key] { return value } else { return nil } }
    /// An integer hyperparameter of the case, when given.
    func integer(_ key: String) -> Int? { number(key).map { Int($0) } }

    private struct Document: Decodable { let cases: [TreeFixtureCase] }

    /// Every case of Fixtures/trees.json.
    static func all() throws -> [TreeFixtureCase] {
        let url = Bundle.module.url(forResource: "Fixtures/trees", withExtension: "json")!
        return try JSONDecoder().decode(Document.self, from: Data(contentsOf: url)).cases
    }

    /// The case called `name`.
    static func named(_ name: String) throws -> TreeFixtureCase {
        guard let found = try all().first(where: { $0.name == name }) else { throw LearnError(.invalidInput, "no fixture \(name)") }
        return found
    }
}

enum TreeCrossValidation {
    /// A bundled dataset with each feature standardized over the whole table (scikit-learn's
    /// StandardScaler: population deviation, constant columns left at 0).
    static func standardized(_ name: String) throws -> LabeledData.StandardizedTable {
        let data = try BundledDatasets.load(name: name)
        let rows = data.features.shape[0], columns = data.features.shape[1]
        var values = data.features.contiguous().scalars(as: Double.self)
        for column in 0..<columns {
            var mean = 0.0
            for row in 0..<rows { mean += values[row * columns + column] }
            mean /= Double(rows)
            var variance = 0.0
            for row in 0..<rows { let d = values[row * columns + column] - mean; variance += d * d }
            let deviation = (variance / Double(rows)).squareRoot()
            let scale = deviation > 0 ? deviation : 1
            for row in 0..<rows { values[row * columns + column] = (values[row * columns + column] - mean) / scale }
        }
        return LabeledData.StandardizedTable(features: Tensor(values, shape: [rows, columns]), targets: data.targets)
    }

    /// Mean score over scikit-learn's unshuffled 5 folds (stratified for classifiers).
    static func meanScore(dataset: String, classifier: Bool, fitAndScore: (Tensor, Tensor, Tensor, Tensor) throws -> Double) throws -> (mean: Double, folds: [Double]) {
        let table = try standardized(dataset)
        let count = table.features.shape[0]
        let folds = classifier
            ? try StratifiedKFold(splitCount: 5).splits(labels: table.targets.scalars(as: Int64.self).map { Int($0) })
            : try KFold(splitCount: 5).splits(count: count)
        let scores = try folds.map { fold in
            try fitAndScore(rows(table.features, fold.train), rows(table.targets, fold.train),
                            rows(table.features, fold.validation), rows(table.targets, fold.validation))
        }
        return (scores.reduce(0, +) / Double(scores.count), scores)
    }

    /// The rows `indices` of a matrix or vector.
    static func rows(_ tensor: Tensor, _ indices: [Int]) -> Tensor {
        let width = tensor.rank == 2 ? tensor.shape[1] : 1
        let shape = tensor.rank == 2 ? [indices.count, width] : [indices.count]
        if tensor.dtype == .int64 {
            let values = tensor.contiguous().scalars(as: Int64.self)
            return Tensor(indices.map { values[$0] }, shape: shape)
        }
        let values = tensor.contiguous().scalars(as: Double.self)
        var result = [Double](); result.reserveCapacity(indices.count * width)
        for index in indices { result.append(contentsOf: values[(index * width)..<((index + 1) * width)]) }
        return Tensor(result, shape: shape)
    }
}

extension LabeledData {
    /// Standardized features with the original targets.
    struct StandardizedTable { let features: Tensor; let targets: Tensor }
}
