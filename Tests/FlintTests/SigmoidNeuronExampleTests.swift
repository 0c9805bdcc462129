import Flint
import FlintExamples
import Testing

/// The README's first example: hand-derived gradient descent and autograd must agree.
@Suite struct SigmoidNeuronExampleTests {
    @Test func handDerivedAndAutogradTrainingAgree() {
        let byHand = SigmoidNeuron.trainByHand(steps: 500, learningRate: 1.0)
        let withAutograd = SigmoidNeuron.trainWithAutograd(steps: 500, learningRate: 1.0)
        let difference = (byHand.weights - withAutograd.weights).abs().max().item(as: Double.self)
        #expect(difference < 1e-12)
        #expect(Swift.abs(byHand.loss - withAutograd.loss) < 1e-12)
    }

    @Test func descentLowersTheLossAndLearnsTheRule() {
        let start = SigmoidNeuron.trainByHand(steps: 0, learningRate: 1.0).loss
        let trained = SigmoidNeuron.trainWithAutograd(steps: 1000, learningRate: 1.0)
        #expect(trained.loss < start / 10)
        let predictions = SigmoidNeuron.inputs.matmul(trained.weights).sigmoid().scalars(as: Double.self)
        #expect(predictions.map { $0 > 0.5 } == [false, true, true, false])
    }
}
