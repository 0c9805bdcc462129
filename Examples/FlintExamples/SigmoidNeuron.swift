import Flint

/// The classic single-layer sigmoid network: four examples of three binary inputs, where the
/// target is the first input. Trained by gradient descent on the squared error, twice: once with
/// gradients derived by hand, once with Flint's autograd. The two must agree.
public enum SigmoidNeuron {
    /// The inputs (a bias column of ones last) and the targets.
    public static let inputs = Tensor([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    /// The target of each example: its first input.
    public static let targets = Tensor([[0.0], [1.0], [1.0], [0.0]])

    /// The starting weights, the same for both runs.
    public static func initialWeights() -> Tensor {
        Tensor([[0.1], [-0.2], [0.05]])
    }

    /// Gradient descent with the gradient derived by hand.
    ///
    /// loss = ½ Σ (σ(Xw) − y)²,  ∂loss/∂w = Xᵀ [(σ(Xw) − y) ⊙ σ(Xw) ⊙ (1 − σ(Xw))]
    public static func trainByHand(steps: Int, learningRate: Double) -> (weights: Tensor, loss: Double) {
        var weights = initialWeights()
        for _ in 0..<steps {
            let output = inputs.matmul(weights).sigmoid()                          // forward
            let error = output - targets
            let gradient = inputs.transposed().matmul(error * output * (1 - output)) // backward
            weights = weights - learningRate * gradient                            // descent step
        }
        let output = inputs.matmul(weights).sigmoid()
        return (weights, 0.5 * (output - targets).pow(2).sum().item())
    }

    /// The same descent with the gradient from Flint's autograd.
    public static func trainWithAutograd(steps: Int, learningRate: Double) -> (weights: Tensor, loss: Double) {
        var weights = initialWeights().requiringGrad()
        for _ in 0..<steps {
            let output = inputs.matmul(weights).sigmoid()
            let loss = 0.5 * (output - targets).pow(2).sum()
            loss.backward()                                                        // autograd
            weights = withoutGradients { weights - learningRate * weights.grad! }.requiringGrad()
        }
        let output = inputs.matmul(weights).sigmoid()
        return (weights.detach(), withoutGradients { 0.5 * (output - targets).pow(2).sum().item() })
    }
}
