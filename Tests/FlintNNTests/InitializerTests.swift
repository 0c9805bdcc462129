import Flint
import FlintNN
import FlintTestSupport
import Testing

/// Mean and population standard deviation of a tensor's values.
private func statistics(_ tensor: Tensor) -> (mean: Double, deviation: Double, largest: Double) {
    let values = tensor.scalars(as: Double.self)
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance.squareRoot(), values.map { Swift.abs($0) }.max() ?? 0)
}

@Suite struct InitializerTests {
    let generator = RandomGenerator(seed: 99)

    @Test func xavierUniformStaysInItsBoundsWithTheUniformDeviation() {
        let bound = (6.0 / 500).squareRoot()
        let stats = statistics(Initializer.xavierUniform().makeTensor([200, 300], generator: generator))
        #expect(stats.largest <= bound && stats.largest > 0.99 * bound)
        #expect(Swift.abs(stats.deviation / (bound / 3.0.squareRoot()) - 1) < 0.02)
        #expect(Swift.abs(stats.mean) < 0.002)
    }

    @Test func xavierNormalHasTheGlorotDeviationTimesTheGain() {
        let stats = statistics(Initializer.xavierNormal(gain: 2).makeTensor([200, 300], dtype: .float64, generator: generator))
        #expect(Swift.abs(stats.deviation / (2 * (2.0 / 500).squareRoot()) - 1) < 0.02)
        #expect(Swift.abs(stats.mean) < 0.003)
    }

    @Test func kaimingUsesTheFanAndTheGainOfTheNonlinearity() {
        // a = √5 is PyTorch's Linear/Conv default: bound 1/√fanIn (fanIn = 16 · 3 · 3 = 144).
        let pytorchDefault = statistics(Initializer.kaimingUniform(a: 5.0.squareRoot()).makeTensor([64, 16, 3, 3], generator: generator))
        #expect(pytorchDefault.largest <= 1.0 / 12 && pytorchDefault.largest > 0.99 / 12)
        // Default a = 0 with leaky ReLU: gain √2, bound √2 · √3 / √fanIn.
        let plain = statistics(Initializer.kaimingUniform().makeTensor([100, 50], generator: generator))
        #expect(plain.largest <= (6.0 / 50).squareRoot() && plain.largest > 0.99 * (6.0 / 50).squareRoot())
        // fanOut = 128 · 3 · 3 with ReLU: standard deviation √2 / √1152.
        let fanOut = statistics(Initializer.kaimingNormal(mode: .fanOut, nonlinearity: .relu).makeTensor([128, 64, 3, 3], generator: generator))
        #expect(Swift.abs(fanOut.deviation / (2.0 / 1152).squareRoot() - 1) < 0.02)
    }

    @Test func gainsMatchCalculateGain() {
        #expect(Nonlinearity.linear.gain() == 1 && Nonlinearity.sigmoid.gain() == 1)
        #expect(Nonlinearity.tanh.gain() == 5.0 / 3)
        #expect(Nonlinearity.relu.gain() == 2.0.squareRoot())
        #expect(Nonlinearity.leakyRelu.gain() == (2 / (1 + 0.0001)).squareRoot())
        #expect(Nonlinearity.selu.gain() == 0.75)
    }

    @Test func orthogonalGivesOrthonormalRowsOrColumns() {
        let wide = Initializer.orthogonal().makeTensor([30, 50], dtype: .float64, generator: generator)
        #expect(isClose(wide.matmul(wide.transposed()), Tensor.eye(30, dtype: .float64), tolerance: 1e-12))
        let tall = Initializer.orthogonal(gain: 2).makeTensor([50, 30], dtype: .float64, generator: generator)
        #expect(isClose(tall.transposed().matmul(tall), Tensor.eye(30, dtype: .float64) * 4, tolerance: 1e-12))
        let filters = Initializer.orthogonal().makeTensor([8, 2, 2, 2], generator: generator)
        #expect(filters.shape == [8, 2, 2, 2] && filters.dtype == .float32)
        let flat = filters.reshaped([8, 8])
        #expect(isClose(flat.matmul(flat.transposed()), Tensor.eye(8), tolerance: 1e-5))
        // The sign correction makes the result uniformly distributed: first entries of both signs occur.
        let firstEntries = (0..<40).map { _ in Initializer.orthogonal().makeTensor([3, 3], generator: generator).scalars(as: Float.self)[0] }
        #expect(firstEntries.contains { $0 > 0 } && firstEntries.contains { $0 < 0 })
    }

    @Test func simpleInitialisers() {
        let uniform = Initializer.uniform(low: -2, high: 3).makeTensor([20_000], generator: generator).scalars(as: Float.self)
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 3 } && Swift.abs(uniform.reduce(0, +) / 20_000 - 0.5) < 0.05)
        let normal = statistics(Initializer.normal(mean: 3, standardDeviation: 0.5).makeTensor([20_000], generator: generator))
        #expect(Swift.abs(normal.mean - 3) < 0.02 && Swift.abs(normal.deviation - 0.5) < 0.02)
        #expect(Initializer.constant(0.75).makeTensor([3], dtype: .float64).scalars(as: Double.self) == [0.75, 0.75, 0.75])
        #expect(Initializer.zeros.makeTensor([2]).scalars(as: Float.self) == [0, 0])
        #expect(Initializer.ones.makeTensor([2]).scalars(as: Float.self) == [1, 1])
        let first = Initializer.xavierNormal().makeTensor([4, 4], generator: RandomGenerator(seed: 7))
        let again = Initializer.xavierNormal().makeTensor([4, 4], generator: RandomGenerator(seed: 7))
        #expect(first.scalars(as: Float.self) == again.scalars(as: Float.self))
    }

    @Test func initializeReachesEveryWeightAndBiasOfTheModel() {
        let model = Sequential(Conv2d(2, 4, kernelSize: 3, dtype: .float64), BatchNorm2d(4, dtype: .float64), ReLU(),
                               Flatten(), Linear(4, 3, dtype: .float64))
        model.initialize(weights: .constant(0.5), biases: .constant(0.25))
        let values = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, Set($0.parameter.value.scalars(as: Double.self))) })
        #expect(values["0.weight"] == [0.5] && values["4.weight"] == [0.5])
        #expect(values["1.weight"] == [1], "1-D normalisation scales are left alone")
        #expect(values["0.bias"] == [0.25] && values["1.bias"] == [0.25] && values["4.bias"] == [0.25])
        #expect(model.parameters().allSatisfy { $0.value.dtype == .float64 && $0.value.requiresGrad })

        model.initialize(weights: .zeros, where: { $0 is Linear })
        #expect(model.namedParameters().first { $0.name == "4.weight" }!.parameter.value.scalars(as: Double.self).allSatisfy { $0 == 0 })
        #expect(model.namedParameters().first { $0.name == "0.weight" }!.parameter.value.scalars(as: Double.self).allSatisfy { $0 == 0.5 })
    }
}
