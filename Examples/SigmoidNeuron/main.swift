import Flint
import FlintExamples

// The README's first example: one sigmoid neuron trained twice, by hand and with autograd.
let steps = 1000, learningRate = 1.0
let byHand = SigmoidNeuron.trainByHand(steps: steps, learningRate: learningRate)
let withAutograd = SigmoidNeuron.trainWithAutograd(steps: steps, learningRate: learningRate)
print("hand-derived gradients: loss \(byHand.loss), weights \(byHand.weights.scalars(as: Double.self))")
print("Flint autograd:         loss \(withAutograd.loss), weights \(withAutograd.weights.scalars(as: Double.self))")
let difference = (byHand.weights - withAutograd.weights).abs().max().item(as: Double.self)
print("largest weight difference: \(difference)")
print("predictions:", SigmoidNeuron.inputs.matmul(withAutograd.weights).sigmoid().scalars(as: Double.self).map { ($0 * 1000).rounded() / 1000 })
