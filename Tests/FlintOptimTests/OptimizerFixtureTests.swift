import Flint
import FlintNN
import FlintOptim
import FlintTestSupport
import Testing

/// Builds the fixture's optimizer from its PyTorch class name and options; an unknown class or
/// option fails, so the fixture and this mapping cannot drift apart.
func makeOptimizer(_ fixture: OptimizerFixture, _ groups: [ParameterGroup]) throws -> any Optimizer {
    var options = fixture.options
    func take(_ key: String, _ fallback: Double) -> Double { options.removeValue(forKey: key)?.first ?? fallback }
    func flag(_ key: String) -> Bool { take(key, 0) != 0 }
    func betas(_ fallback: (Double, Double)) -> (Double, Double) {
        guard let pair = options.removeValue(forKey: "betas") else { return fallback }
        return (pair[0], pair[1])
    }
    let optimizer: any Optimizer
    switch fixture.optimizer {
    case "SGD":
        optimizer = SGD(groups: groups, momentum: take("momentum", 0), dampening: take("dampening", 0), nesterov: flag("nesterov"))
    case "Adam":
        optimizer = Adam(groups: groups, betas: betas((0.9, 0.999)), eps: take("eps", 1e-8), amsgrad: flag("amsgrad"))
    case "AdamW":
        optimizer = AdamW(groups: groups, betas: betas((0.9, 0.999)), eps: take("eps", 1e-8), amsgrad: flag("amsgrad"))
    case "RMSprop":
        optimizer = RMSprop(groups: groups, alpha: take("alpha", 0.99), eps: take("eps", 1e-8), momentum: take("momentum", 0),
                            centered: flag("centered"))
    case "Adagrad":
        optimizer = Adagrad(groups: groups, learningRateDecay: take("lr_decay", 0),
                            initialAccumulatorValue: take("initial_accumulator_value", 0), eps: take("eps", 1e-10))
    case "Adadelta":
        optimizer = Adadelta(groups: groups, rho: take("rho", 0.9), eps: take("eps", 1e-6))
    case "Lion":
        optimizer = Lion(groups: groups, betas: betas((0.9, 0.99)))
    default:
        throw FixtureError("\(fixture.name): no Flint optimizer for \(fixture.optimizer)")
    }
    guard options.isEmpty else { throw FixtureError("\(fixture.name): options \(options.keys.sorted()) are not mapped to Flint") }
    return optimizer
}

/// Every parameter's values as Doubles, by name.
func values(_ parameters: [String: Parameter]) -> [String: [Double]] {
    parameters.mapValues { $0.value.scalars(as: Double.self) }
}

@Suite struct OptimizerFixtureTests {
    @Test func everyOptimizerAndDtypeHasCases() {
        let classes = Set(OptimFixtures.optimizers.map(\.optimizer))
        #expect(classes == ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Lion"])
        #expect(OptimFixtures.optimizers.filter { $0.dtype == .float32 }.count == OptimFixtures.optimizers.count / 2)
        #expect(OptimFixtures.optimizers.contains { $0.groups.count == 2 })
    }

    @Test("parameters and state match PyTorch after every step", arguments: OptimFixtures.optimizers)
    func matchesTorch(_ fixture: OptimizerFixture) throws {
        let tolerance = fixture.dtype == .float64 ? 1e-10 : 1e-5
        let parameters = fixture.makeParameters()
        let optimizer = try makeOptimizer(fixture, fixture.makeGroups(parameters))
        for (index, expected) in fixture.steps.enumerated() {
            fixture.setGradients(parameters, step: index)
            optimizer.step()
            for (name, values) in expected.parameters {
                let error = relativeError(parameters[name]!.value.scalars(as: Double.self), values)
                #expect(error <= tolerance, "\(fixture.name) step \(index + 1): \(name) differs by \(error)")
            }
            let state = optimizer.stateDictionary()
            #expect(Set(state.keys) == Set(expected.state.keys), "\(fixture.name): state keys differ from PyTorch's")
            for (key, values) in expected.state {
                guard let tensor = state[key] else { continue }
                let error = relativeError(tensor.scalars(as: Double.self), values)
                #expect(error <= tolerance, "\(fixture.name) step \(index + 1): state \(key) differs by \(error)")
            }
        }
    }

    @Test("saving and loading the state mid-run continues exactly", arguments: OptimFixtures.optimizers)
    func stateRoundTrip(_ fixture: OptimizerFixture) throws {
        let uninterrupted = fixture.makeParameters()
        let reference = try makeOptimizer(fixture, fixture.makeGroups(uninterrupted))
        let first = fixture.makeParameters()
        let interrupted = try makeOptimizer(fixture, fixture.makeGroups(first))
        for step in 0..<fixture.steps.count {
            fixture.setGradients(uninterrupted, step: step)
            reference.step()
        }
        for step in 0..<2 {
            fixture.setGradients(first, step: step)
            interrupted.step()
        }
        let saved = interrupted.stateDictionary()
        // A new model with the saved values and a new optimizer that loads the saved state.
        let second = first.mapValues { Parameter($0.value.detach()) }
        let resumed = try makeOptimizer(fixture, fixture.makeGroups(second))
        try resumed.loadStateDictionary(saved)
        interrupted.step()  // writes to the first run's state must not leak into the saved tensors
        for step in 2..<fixture.steps.count {
            fixture.setGradients(second, step: step)
            resumed.step()
        }
        #expect(values(second) == values(uninterrupted), "\(fixture.name): resumed run differs from the uninterrupted one")
    }
}
