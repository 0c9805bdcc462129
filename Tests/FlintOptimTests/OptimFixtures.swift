import Flint
import FlintNN
import FlintOptim
import Foundation
import FlintTestSupport
import Testing

// Reading Fixtures/torch_optim.json, made by scripts/make_optim_fixtures.py (run it with a Python
// that has PyTorch; the tests only read the committed JSON).


/// One optimizer case: groups, initial values, gradients and torch's values after every step.
struct OptimizerFixture: Sendable, CustomTestStringConvertible {
    struct Group: Sendable { let parameterNames: [String]; let learningRate: Double; let weightDecay: Double }
    struct Step: Sendable { let parameters: [String: [Double]]; let state: [String: [Double]] }
    let name: String
    let optimizer: String
    /// Options other than lr and weight decay, by PyTorch name; numbers and flags (0/1) as one-element
    /// lists, betas as two.
    let options: [String: [Double]]
    let dtype: DType
    let groups: [Group]
    let shapes: [String: [Int]]
    let initial: [String: [Double]]
    let gradients: [[String: [Double]]]
    let steps: [Step]
    var testDescription: String { name }

    /// Fresh parameters holding the initial values, by name.
    func makeParameters() -> [String: Parameter] {
        Dictionary(uniqueKeysWithValues: initial.map { name, values in
            (name, Parameter(Tensor(values, shape: shapes[name]!, dtype: dtype)))
        })
    }

    /// The fixture's parameter groups over `parameters`.
    func makeGroups(_ parameters: [String: Parameter]) -> [ParameterGroup] {
        groups.map { group in
            ParameterGroup(group.parameterNames.map { (name: $0, parameter: parameters[$0]!) },
                           learningRate: group.learningRate, weightDecay: group.weightDecay)
        }
    }

    /// Sets every parameter's gradient to the fixture's gradient for `step`.
    func setGradients(_ parameters: [String: Parameter], step: Int) {
        for (name, values) in gradients[step] {
            parameters[name]!.grad = Tensor(values, shape: shapes[name]!, dtype: dtype)
        }
    }
}

/// One schedule case: the rates of two groups (base 0.1 and 0.01) at construction and after each step.
struct ScheduleFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let baseRates: [Double]
    let metrics: [Double]?
    let learningRates: [[Double]]
    var testDescription: String { name }
}

/// One clipping case: gradients, the returned norm and the clipped gradients.
struct ClippingFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let kind: String
    let argument: Double
    let normType: Double
    let dtype: DType
    let shapes: [[Int]]
    let gradients: [[Double]]
    let totalNorm: Double?
    let clipped: [[Double]]
    var testDescription: String { name }
}

enum OptimFixtures {
    /// The parsed fixture file (read once per list).
    static func root() -> [String: Any] {
        do {
            guard let url = Bundle.module.url(forResource: "torch_optim", withExtension: "json", subdirectory: "Fixtures") else {
                throw FixtureError("Fixtures/torch_optim.json is missing from the test bundle; run scripts/make_optim_fixtures.py")
            }
            guard let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
                throw FixtureError("torch_optim.json is not a JSON object")
            }
            return root
        } catch {
            fatalError("cannot read the optimizer fixtures: \(error)")
        }
    }

    static let optimizers: [OptimizerFixture] = load("optimizers") { entry, name in
        let dtype: DType = (entry["dtype"] as? String) == "float32" ? .float32 : .float64
        let groups = try list(entry["groups"], name).map { group -> OptimizerFixture.Group in
            guard let group = group as? [String: Any], let names = group["params"] as? [String],
                  let rate = group["lr"] as? Double, let decay = group["weight_decay"] as? Double else {
                throw FixtureError("\(name): a group lacks params, lr or weight_decay")
            }
            return .init(parameterNames: names, learningRate: rate, weightDecay: decay)
        }
        let steps = try list(entry["steps"], name).map { step -> OptimizerFixture.Step in
            guard let step = step as? [String: Any], let parameters = step["parameters"] as? [String: [Double]],
                  let state = step["state"] as? [String: Any] else { throw FixtureError("\(name): a step lacks parameters or state") }
            return .init(parameters: parameters, state: try state.mapValues { value in
                if let number = value as? Double { return [number] }
                guard let values = value as? [Double] else { throw FixtureError("\(name): unreadable state \(value)") }
                return values
            })
        }
        guard let optimizer = entry["optimizer"] as? String, let options = entry["options"] as? [String: [Double]],
              let shapes = entry["shapes"] as? [String: [Int]], let initial = entry["initial"] as? [String: [Double]],
              let gradients = entry["gradients"] as? [[String: [Double]]] else {
            throw FixtureError("\(name): missing optimizer, options, shapes, initial or gradients")
        }
        return OptimizerFixture(name: name, optimizer: optimizer, options: options,
                                dtype: dtype, groups: groups, shapes: shapes, initial: initial, gradients: gradients, steps: steps)
    }

    static let schedules: [ScheduleFixture] = load("schedules") { entry, name in
        guard let base = entry["base_rates"] as? [Double], let rates = entry["learning_rates"] as? [[Double]] else {
            throw FixtureError("\(name): missing base_rates or learning_rates")
        }
        return ScheduleFixture(name: name, baseRates: base, metrics: entry["metrics"] as? [Double], learningRates: rates)
    }

    static let clipping: [ClippingFixture] = load("clipping") { entry, name in
        guard let kind = entry["kind"] as? String, let argument = entry["argument"] as? Double,
              let shapes = entry["shapes"] as? [[Int]], let gradients = entry["gradients"] as? [[Double]],
              let clipped = entry["clipped"] as? [[Double]] else {
            throw FixtureError("\(name): missing kind, argument, shapes, gradients or clipped")
        }
        let normType = (entry["norm_type"] as? String) == "inf" ? Double.infinity : (entry["norm_type"] as? Double ?? 2)
        return ClippingFixture(name: name, kind: kind, argument: argument, normType: normType,
                               dtype: (entry["dtype"] as? String) == "float32" ? .float32 : .float64, shapes: shapes,
                               gradients: gradients, totalNorm: entry["total_norm"] as? Double, clipped: clipped)
    }

    private static func list(_ value: Any?, _ name: String) throws -> [Any] {
        guard let list = value as? [Any] else { throw FixtureError("\(name): expected a list") }
        return list
    }

    private static func load<T>(_ key: String, _ make: ([String: Any], String) throws -> T) -> [T] {
        do {
            guard let entries = root()[key] as? [[String: Any]] else { throw FixtureError("torch_optim.json has no \"\(key)\" list") }
            return try entries.map { entry in
                guard let name = entry["name"] as? String else { throw FixtureError("a \(key) case has no name") }
                return try make(entry, name)
            }
        } catch {
            fatalError("cannot read the \(key) fixtures: \(error)")
        }
    }
}

/// The largest |actual − expected| / max(1, |expected|).
func relativeError(_ actual: [Double], _ expected: [Double]) -> Double {
    precondition(actual.count == expected.count, "relativeError: \(actual.count) values against \(expected.count)")
    return zip(actual, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
}
