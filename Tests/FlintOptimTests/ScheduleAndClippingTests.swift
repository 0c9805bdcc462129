import Flint
import FlintNN
import FlintOptim
import Foundation
import Testing

/// A schedule under test: stepped per epoch, or with a metric.
enum ScheduleUnderTest {
    case schedule(any LearningRateSchedule)
    case plateau(ReduceLROnPlateau)

    func step(metric: Double?) {
        switch self {
        case .schedule(let schedule): schedule.step()
        case .plateau(let plateau): plateau.step(metric: metric!)
        }
    }

    var state: [String: Double] {
        switch self {
        case .schedule(let schedule): return schedule.stateDictionary()
        case .plateau(let plateau): return plateau.stateDictionary()
        }
    }

    func load(_ state: [String: Double]) throws {
        switch self {
        case .schedule(let schedule): try schedule.loadStateDictionary(state)
        case .plateau(let plateau): try plateau.loadStateDictionary(state)
        }
    }
}

/// The Flint side of every schedule case in scripts/make_optim_fixtures.py, by name.
let scheduleFixtureMakers: [String: @Sendable (any Optimizer) -> ScheduleUnderTest] = [
    "step_lr": { .schedule(StepLR($0, stepSize: 7, gamma: 0.5)) },
    "multi_step_lr": { .schedule(MultiStepLR($0, milestones: [3, 10, 10, 20], gamma: 0.3)) },
    "exponential_lr": { .schedule(ExponentialLR($0, gamma: 0.9)) },
    "linear_lr": { .schedule(LinearLR($0, startFactor: 0.25, endFactor: 1.0, totalIterations: 8)) },
    "cosine_annealing_lr": { .schedule(CosineAnnealingLR($0, maxEpochs: 30)) },
    "cosine_annealing_lr_restart": { .schedule(CosineAnnealingLR($0, maxEpochs: 12, etaMin: 0.001)) },
    "cosine_with_warmup": { .schedule(CosineWithWarmupLR($0, warmupSteps: 5, totalSteps: 30)) },
    "cosine_with_warmup_cycles": { .schedule(CosineWithWarmupLR($0, warmupSteps: 3, totalSteps: 25, cycles: 1.5)) },
    "one_cycle_cos": { .schedule(OneCycleLR($0, maxLearningRates: [0.5, 0.05], totalSteps: 30)) },
    "one_cycle_linear_three_phase": {
        .schedule(OneCycleLR($0, maxLearningRate: 0.2, totalSteps: 30, percentStart: 0.25, annealStrategy: .linear,
                             divFactor: 10, finalDivFactor: 100, threePhase: true))
    },
    "reduce_on_plateau_min_rel": { .plateau(ReduceLROnPlateau($0, factor: 0.5, patience: 2, cooldown: 1, minimumLearningRate: 0.004)) },
    "reduce_on_plateau_max_abs": {
        .plateau(ReduceLROnPlateau($0, mode: .max, factor: 0.3, patience: 1, threshold: 0.01, thresholdMode: .absolute,
                                   minimumLearningRates: [0.01, 0.0005]))
    },
]

/// An SGD optimizer with two groups at the fixture's base rates.
private func twoGroupOptimizer(_ fixture: ScheduleFixture) -> SGD {
    SGD(groups: fixture.baseRates.enumerated().map { index, rate in
        ParameterGroup([(name: "p\(index)", parameter: Parameter(Tensor.zeros([2], dtype: .float64)))], learningRate: rate)
    }, momentum: 0.9)
}

private func expectRates(_ actual: [Double], _ expected: [Double], _ what: String) {
    let error = zip(actual, expected).map { Swift.abs($0 - $1) / Swift.max(Swift.abs($1), 1e-3) }.max() ?? 0
    #expect(actual.count == expected.count && error <= 1e-10, "\(what): \(actual) against PyTorch's \(expected)")
}

@Suite struct ScheduleFixtureTests {
    @Test func everyFixtureCaseHasAMapping() {
        let names = Set(OptimFixtures.schedules.map(\.name))
        #expect(names.subtracting(scheduleFixtureMakers.keys).isEmpty, "schedule cases without a Flint mapping")
        #expect(Set(scheduleFixtureMakers.keys).subtracting(names).isEmpty, "mappings without a fixture case")
    }

    @Test("learning rates match PyTorch at every step", arguments: OptimFixtures.schedules)
    func matchesTorch(_ fixture: ScheduleFixture) throws {
        let make = try #require(scheduleFixtureMakers[fixture.name], "no Flint mapping for \(fixture.name)")
        let optimizer = twoGroupOptimizer(fixture)
        let schedule = make(optimizer)
        expectRates(optimizer.groups.map(\.learningRate), fixture.learningRates[0], "\(fixture.name) at construction")
        for step in 1..<fixture.learningRates.count {
            schedule.step(metric: fixture.metrics?[step - 1])
            expectRates(optimizer.groups.map(\.learningRate), fixture.learningRates[step], "\(fixture.name) after step \(step)")
        }
    }

    @Test("a schedule restored mid-run continues like PyTorch", arguments: OptimFixtures.schedules)
    func stateRoundTrip(_ fixture: ScheduleFixture) throws {
        let make = try #require(scheduleFixtureMakers[fixture.name])
        let first = make(twoGroupOptimizer(fixture))
        for step in 1...12 { first.step(metric: fixture.metrics?[step - 1]) }
        let optimizer = twoGroupOptimizer(fixture)
        let resumed = make(optimizer)
        try resumed.load(first.state)
        expectRates(optimizer.groups.map(\.learningRate), fixture.learningRates[12], "\(fixture.name) restored")
        for step in 13..<fixture.learningRates.count {
            resumed.step(metric: fixture.metrics?[step - 1])
            expectRates(optimizer.groups.map(\.learningRate), fixture.learningRates[step], "\(fixture.name) resumed, step \(step)")
        }
    }

    @Test func loadingAStateThatDoesNotFitThrows() {
        let optimizer = SGD([("x", Parameter(Tensor([1.0])))], learningRate: 0.1)
        let schedule = StepLR(optimizer, stepSize: 2)
        #expect(throws: ScheduleStateError.self) { try schedule.loadStateDictionary(["last_epoch": 3]) }
        #expect(throws: ScheduleStateError.self) { try schedule.loadStateDictionary(["last_epoch": 1.5, "base_lr.0": 0.1]) }
        #expect(throws: ScheduleStateError.self) {
            try ReduceLROnPlateau(optimizer).loadStateDictionary(schedule.stateDictionary())
        }
    }
}

@Suite struct ClippingFixtureTests {
    @Test("norms and clipped gradients match PyTorch", arguments: OptimFixtures.clipping)
    func matchesTorch(_ fixture: ClippingFixture) {
        let tolerance = fixture.dtype == .float64 ? 1e-12 : 1e-5
        let parameters = zip(fixture.shapes, fixture.gradients).map { shape, values in
            let parameter = Parameter(Tensor.zeros(shape, dtype: fixture.dtype))
            parameter.grad = Tensor(values, shape: shape, dtype: fixture.dtype)
            return parameter
        }
        let frozen = Parameter(Tensor.zeros([3], dtype: fixture.dtype))  // no gradient: skipped
        if fixture.kind == "norm" {
            let norm = clipGradientNorm(parameters + [frozen], maxNorm: fixture.argument, normType: fixture.normType)
            let expected = fixture.totalNorm ?? .nan
            #expect(Swift.abs(norm - expected) <= tolerance * Swift.max(1, expected), "\(fixture.name): norm \(norm) against \(expected)")
        } else {
            clipGradientValue(parameters + [frozen], limit: fixture.argument)
        }
        #expect(frozen.grad == nil)
        for (parameter, expected) in zip(parameters, fixture.clipped) {
            let error = relativeError(parameter.grad!.scalars(as: Double.self), expected)
            #expect(error <= tolerance, "\(fixture.name): clipped gradient differs by \(error)")
        }
    }

    @Test func clippingAGradientSharedWithAnotherTensorLeavesTheOtherAlone() {
        let parameter = Parameter(Tensor([0.0, 0.0]))
        let gradient = Tensor([3.0, 4.0])
        parameter.grad = gradient
        let norm = clipGradientNorm([parameter], maxNorm: 1)
        #expect(norm == 5)
        #expect(gradient.scalars(as: Double.self) == [3, 4])
        #expect(relativeError(parameter.grad!.scalars(as: Double.self), [3 / (5 + 1e-6), 4 / (5 + 1e-6)]) < 1e-15)
    }
}
