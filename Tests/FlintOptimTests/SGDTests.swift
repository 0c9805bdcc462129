import Flint
import FlintNN
import FlintOptim
import Testing

@Suite struct SGDTests {
    /// Hand-computed: θ = 1, ∇ = θ (loss θ²/2), lr 0.1, momentum 0.9.
    @Test func momentumStepsMatchTheFormula() {
        let parameter = Parameter(Tensor([1.0]))
        let optimizer = SGD([("x", parameter)], learningRate: 0.1, momentum: 0.9)
        var theta = 1.0, buffer = 0.0
        for step in 0..<3 {
            (parameter.value * parameter.value * 0.5).sum().backward()
            optimizer.step()
            optimizer.zeroGrad()
            buffer = step == 0 ? theta : 0.9 * buffer + theta
            theta -= 0.1 * buffer
            #expect(Swift.abs(parameter.value.item(as: Double.self) - theta) < 1e-12)
        }
        #expect(optimizer.stateDictionary().keys.sorted() == ["x.momentum_buffer"])
    }

    @Test func loadingAStateThatDoesNotFitThrows() {
        let optimizer = SGD([("x", Parameter(Tensor([1.0])))], learningRate: 0.1, momentum: 0.9)
        #expect(throws: OptimizerStateError.self) { try optimizer.loadStateDictionary(["y.momentum_buffer": Tensor([1.0])]) }
        #expect(throws: OptimizerStateError.self) { try optimizer.loadStateDictionary(["x.momentum_buffer": Tensor([1.0, 2.0])]) }
    }
}
