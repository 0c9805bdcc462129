import Flint
import FlintData
import FlintLearn
import Foundation

/// The scikit-learn reference cases of scripts/make_learn_fixtures_unsupervised.py and the data they were made on.
enum UnsupervisedFixtures {
    /// The case named `name` from learn_unsupervised.json.
    static func fixtureCase(_ name: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: "Fixtures/learn_unsupervised", withExtension: "json") else {
            throw LearnError(.invalidInput, "learn_unsupervised.json is missing; run scripts/make_learn_fixtures_unsupervised.py")
        }
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        guard let found = (document["cases"] as! [[String: Any]]).first(where: { $0["name"] as? String == name }) else {
            throw LearnError(.invalidInput, "learn_unsupervised.json has no case \(name); rerun the generator")
        }
        return found
    }

    /// The numbers of `key` in `entry`.
    static func numbers(_ entry: [String: Any], _ key: String) -> [Double] {
        (entry[key] as! [NSNumber]).map(\.doubleValue)
    }

    /// The number `key` of `entry`.
    static func number(_ entry: [String: Any], _ key: String) -> Double {
        (entry[key] as! NSNumber).doubleValue
    }

    /// A bundled dataset's features (standardized like scikit-learn's StandardScaler when asked) and integer labels.
    static func dataset(_ name: String, standardized: Bool) throws -> (features: Tensor, labels: [Int], targets: Tensor) {
        let data = try BundledDatasets.load(name: name)
        let features = data.features.to(.float64).contiguous()
        let labels = data.targets.dtype == .int64 ? data.targets.scalars(as: Int64.self).map { Int($0) } : []
        return (standardized ? standardize(features) : features, labels, data.targets)
    }

    /// Columns centred and divided by their population standard deviation (1 where it is 0).
    static func standardize(_ features: Tensor) -> Tensor {
        let rows = features.shape[0], columns = features.shape[1]
        var values = features.scalars(as: Double.self)
        for column in 0..<columns {
            var sum = 0.0
            for row in 0..<rows { sum += values[row * columns + column] }
            let mean = sum / Double(rows)
            var squares = 0.0
            for row in 0..<rows { squares += (values[row * columns + column] - mean) * (values[row * columns + column] - mean) }
            let deviation = (squares / Double(rows)).squareRoot()
            for row in 0..<rows { values[row * columns + column] = (values[row * columns + column] - mean) / (deviation > 0 ? deviation : 1) }
        }
        return Tensor(values, shape: [rows, columns])
    }

    /// The rows of `features` at `indices`.
    static func rows(_ features: Tensor, _ indices: [Int]) -> Tensor {
        let columns = features.shape[1], values = features.scalars(as: Double.self)
        var picked: [Double] = []
        picked.reserveCapacity(indices.count * columns)
        for index in indices { picked.append(contentsOf: values[index * columns..<(index + 1) * columns]) }
        return Tensor(picked, shape: [indices.count, columns])
    }

    /// Mean accuracy over 5 unshuffled stratified folds (scikit-learn's `cross_val_score(cv=StratifiedKFold(5))`).
    static func crossValidatedAccuracy(_ features: Tensor, _ labels: [Int], makeModel: () -> any ClassifierEstimator) throws -> Double {
        var total = 0.0
        let folds = try StratifiedKFold(splitCount: 5).splits(labels: labels)
        for fold in folds {
            let model = makeModel()
            try model.fit(rows(features, fold.train), Tensor(fold.train.map { Int64(labels[$0]) }))
            total += try model.score(rows(features, fold.validation), Tensor(fold.validation.map { Int64(labels[$0]) }))
        }
        return total / Double(folds.count)
    }
}
