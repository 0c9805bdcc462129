import Flint
import FlintData
import FlintLearn
import FlintTestSupport
import Foundation

// Reading Fixtures/learn_linear.json, made by scripts/make_learn_fixtures_linear.py (scikit-learn 1.9.1).

/// One case of the linear fixture file, as a loosely typed dictionary with typed accessors.
struct LinearFixtureCase: Sendable, CustomStringConvertible {
    let name: String
    let entry: [String: any Sendable]
    var description: String { name }

    func matrix(_ key: String) -> Tensor {
        let object = entry[key] as! [String: Any]
        let shape = object["shape"] as! [Int]
        let values = (object["values"] as! [Any]).map { ($0 as? Double) ?? .nan }
        return Tensor(values, shape: shape)
    }

    func number(_ key: String) -> Double { entry[key] as! Double }
    func numbers(_ key: String) -> [Double] { entry[key] as! [Double] }
}

enum LinearFixtures {
    static let cases: [LinearFixtureCase] = {
        guard let url = Bundle.module.url(forResource: "learn_linear", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else {
            fatalError("Fixtures/learn_linear.json is missing or unreadable; run scripts/make_learn_fixtures_linear.py")
        }
        return cases.map { entry in
            LinearFixtureCase(name: entry["name"] as! String, entry: entry.mapValues { value -> any Sendable in
                if let value = value as? [String: Any] {
                    return ["shape": value["shape"] as! [Int], "values": (value["values"] as! [Any]).map { ($0 as? Double) ?? .nan }] as [String: any Sendable]
                }
                if let value = value as? [Double] { return value }
                if let value = value as? Double { return value }
                if let value = value as? Bool { return value }
                return "\(value)"
            })
        }
    }()

    static func named(_ name: String) -> LinearFixtureCase {
        guard let found = cases.first(where: { $0.name == name }) else { fatalError("no fixture case \(name)") }
        return found
    }

    static func cases(kind: String) -> [LinearFixtureCase] {
        cases.filter { ($0.entry["kind"] as? String) == kind }
    }

    /// The largest absolute difference between two float tensors of one shape, or infinity when shapes differ.
    static func maximumDifference(_ actual: Tensor, _ expected: Tensor) -> Double {
        guard actual.shape == expected.shape else { return .infinity }
        let left = actual.to(.float64).contiguous().scalars(as: Double.self)
        let right = expected.to(.float64).contiguous().scalars(as: Double.self)
        return zip(left, right).map { abs($0 - $1) }.max() ?? 0
    }
}
