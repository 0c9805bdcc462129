import Flint
import FlintNN
import FlintOptim
import Testing

/// The address of a tensor's first element (to see whether an update reallocated it).
private func address(_ tensor: Tensor) -> UInt {
    tensor.withUnsafeBufferPointer(as: Float.self) { UInt(bitPattern: $0.baseAddress) }
}

/// Every optimizer over `parameters`, with state-building options switched on.
private func allOptimizers(_ parameters: [(name: String, parameter: Parameter)]) -> [any Optimizer] {
    [SGD(parameters, learningRate: 0.1, momentum: 0.9), Adam(parameters, amsgrad: true), AdamW(parameters),
     RMSprop(parameters, momentum: 0.5, centered: true), Adagrad(parameters), Adadelta(parameters), Lion(parameters)]
}

@Suite struct OptimizerBehaviourTests {
    @Test func stepsUpdateParametersInPlace() {
        for index in 0..<7 {
            let parameter = Parameter(Tensor.ones([64]))
            let optimizer = allOptimizers([("w", parameter)])[index]
            parameter.grad = Tensor.full([64], 0.5)
            optimizer.step()  // the first step creates the state
            let before = address(parameter.value)
            parameter.grad = Tensor.full([64], 0.25)
            optimizer.step()
            #expect(address(parameter.value) == before, "\(type(of: optimizer)) reallocated the parameter")
            #expect(parameter.value.scalars(as: Float.self).allSatisfy { $0 < 1 }, "\(type(of: optimizer)) did not descend")
        }
    }

    /// A parameter large enough to be split over Flint's threads gets the same updates, bit for
    /// bit, as on one thread: every part of it is updated once, with its own state.
    @Test func largeParametersUpdateTheSameOnOneOrTwoThreads() {
        let saved = Flint.threadCount
        defer { Flint.threadCount = saved }
        func run(threads: Int, optimizer index: Int) -> [Float] {
            Flint.threadCount = threads
            let generator = RandomGenerator(seed: 11)
            let parameter = Parameter(Tensor.randn([40_001], generator: generator))
            let optimizer = allOptimizers([("w", parameter)])[index]
            for _ in 0..<3 {
                parameter.grad = Tensor.randn([40_001], generator: generator)
                optimizer.step()
            }
            return parameter.value.scalars(as: Float.self)
        }
        for index in 0..<7 {
            #expect(run(threads: 1, optimizer: index) == run(threads: 2, optimizer: index), "optimizer \(index)")
        }
    }

    @Test func frozenParametersAndParametersWithoutGradientsAreLeftAlone() {
        for index in 0..<7 {
            let frozen = Parameter(Tensor.ones([3]), frozen: true)
            let idle = Parameter(Tensor.ones([3]))
            let optimizer = allOptimizers([("frozen", frozen), ("idle", idle)])[index]
            frozen.value.grad = Tensor.ones([3])
            optimizer.step()
            #expect(frozen.value.scalars(as: Float.self) == [1, 1, 1])
            #expect(idle.value.scalars(as: Float.self) == [1, 1, 1])
            #expect(optimizer.stateDictionary().isEmpty, "\(type(of: optimizer)) made state for parameters it did not update")
        }
    }

    @Test func stateKeysUsePyTorchNames() {
        let parameter = Parameter(Tensor.ones([2]))
        let optimizers = allOptimizers([("layers.0.weight", parameter)])
        parameter.grad = Tensor.ones([2])
        for optimizer in optimizers { optimizer.step() }
        let keys = optimizers.map { Set($0.stateDictionary().keys.map { String($0.dropFirst("layers.0.weight.".count)) }) }
        #expect(keys == [["momentum_buffer"], ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"], ["step", "exp_avg", "exp_avg_sq"],
                         ["step", "square_avg", "momentum_buffer", "grad_avg"], ["step", "sum"], ["step", "square_avg", "acc_delta"],
                         ["exp_avg"]])
        #expect(optimizers[1].stateDictionary()["layers.0.weight.step"]?.dtype == .float32)
    }

    @Test func loadingAStateThatDoesNotFitThrows() throws {
        let parameter = Parameter(Tensor.ones([2]))
        let adam = Adam([("w", parameter)])
        parameter.grad = Tensor.ones([2])
        adam.step()
        let saved = adam.stateDictionary()
        var wrongShape = saved
        wrongShape["w.exp_avg"] = Tensor.zeros([3])
        var incomplete = saved
        incomplete["w.exp_avg_sq"] = nil
        var unknownParameter = saved
        unknownParameter["v.exp_avg"] = Tensor.zeros([2])
        for state in [wrongShape, incomplete, unknownParameter, ["w.momentum_buffer": Tensor.zeros([2])]] {
            #expect(throws: OptimizerStateError.self) { try Adam([("w", parameter)]).loadStateDictionary(state) }
        }
        // AMSGrad needs max_exp_avg_sq, which plain Adam did not save.
        #expect(throws: OptimizerStateError.self) { try Adam([("w", parameter)], amsgrad: true).loadStateDictionary(saved) }
        // float64 state loads into float32 parameters (converted, as PyTorch does).
        try Adam([("w", parameter)]).loadStateDictionary(saved.mapValues { $0.to(.float64) })
    }

    @Test func learningRateSetterAndScheduleScaleEachGroup() {
        let optimizer = Adam(groups: [ParameterGroup([("a", Parameter(Tensor.ones([1])))], learningRate: 0.1),
                                      ParameterGroup([("b", Parameter(Tensor.ones([1])))], learningRate: 0.01)])
        let schedule = ExponentialLR(optimizer, gamma: 0.5)
        schedule.step()
        #expect(optimizer.groups.map(\.learningRate) == [0.05, 0.005])
        #expect(schedule.lastLearningRates == [0.05, 0.005])
    }

    /// Hand-computed Lion: the update is the sign of the interpolation, 0 where it is 0.
    @Test func lionMovesBySignOnly() {
        let parameter = Parameter(Tensor([1.0, 1.0, 1.0]))
        let optimizer = Lion([("x", parameter)], learningRate: 0.1, weightDecay: 0.5)
        parameter.grad = Tensor([3.0, -0.001, 0.0])
        optimizer.step()
        // θ(1 − ηλ) − η·sign(0.1g) = 0.95 ∓ 0.1; m = 0.01g.
        #expect(parameter.value.scalars(as: Double.self) == [0.95 - 0.1, 0.95 + 0.1, 0.95])
        #expect(optimizer.stateDictionary()["x.exp_avg"]!.scalars(as: Double.self) == [3.0 * (1 - 0.99), -0.001 * (1 - 0.99), 0])
    }
}
