import Flint
import FlintNN
import FlintOptim

/// The nn suite of BENCHMARKS.md: `mlp-train`, `mlp-infer-b1`, `cnn-train`, `gpt-train`, built from
/// Flint's public layers, losses and optimizers exactly as a user would write them.
enum NNWorkloads {
    static let all: [BenchWorkload] = [mlpTrain, mlpInferenceBatchOne, cnnTrain, gptTrain]

    static func multilayerPerceptron() -> Sequential {
        Sequential(Linear(784, 512), ReLU(), Linear(512, 256), ReLU(), Linear(256, 10))
    }

    /// One training step per call: forward, cross-entropy, backward, optimizer step.
    static func trainingRate(seconds: Double, model: Module, optimizer: Optimizer, inputs: Tensor, labels: Tensor,
                             itemsPerStep: Int) -> Double {
        let perStep = bestSecondsPerCall(seconds: seconds) {
            optimizer.zeroGrad()
            let logits = model(inputs)
            let loss = Loss.crossEntropy(logits.reshaped([-1, logits.shape[logits.rank - 1]]), labels.reshaped([-1]))
            loss.backward()
            optimizer.step()
        }
        return Double(itemsPerStep) / perStep
    }

    /// MLP 784-512-256-10, batch 128, cross-entropy, Adam 1e-3, in samples per second.
    static let mlpTrain = BenchWorkload(name: "mlp-train", unit: "samples/s", higherIsBetter: true) { seconds in
        Flint.seed(0)
        let model = multilayerPerceptron()
        let optimizer = Adam(model.namedParameters(), learningRate: 1e-3)
        return trainingRate(seconds: seconds, model: model, optimizer: optimizer, inputs: Tensor.randn([128, 784]),
                            labels: Tensor.randint(low: 0, high: 10, shape: [128]), itemsPerStep: 128)
    }

    /// The same MLP on one sample without gradients, in microseconds. Its machine floor is the time
    /// to read the model's float32 parameters (2.1 MB) once with Flint's threads (``MemoryFloor``).
    static let mlpInferenceBatchOne = BenchWorkload(
        name: "mlp-infer-b1", unit: "us", higherIsBetter: false,
        machineFloor: { seconds in
            MemoryFloor.readSeconds(byteCount: multilayerPerceptron().parameterCount * 4, seconds: seconds) * 1e6
        }
    ) { seconds in
        Flint.seed(0)
        let model = multilayerPerceptron()
        model.eval()
        let sample = Tensor.randn([1, 784])
        return bestSecondsPerCall(seconds: seconds) { _ = withoutGradients { model(sample) } } * 1e6
    }

    /// The MNIST CNN of BENCHMARKS.md.
    static func convolutionalNetwork() -> Sequential {
        Sequential(
            Conv2d(1, 32, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
            Conv2d(32, 64, kernelSize: 3), ReLU(), MaxPool2d(kernelSize: 2),
            Flatten(), Linear(1600, 128), ReLU(), Linear(128, 10))
    }

    /// The MNIST CNN of BENCHMARKS.md, batch 64, SGD with momentum 0.9, in samples per second.
    static let cnnTrain = BenchWorkload(name: "cnn-train", unit: "samples/s", higherIsBetter: true) { seconds in
        Flint.seed(0)
        let model = convolutionalNetwork()
        let optimizer = SGD(model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        return trainingRate(seconds: seconds, model: model, optimizer: optimizer, inputs: Tensor.randn([64, 1, 28, 28]),
                            labels: Tensor.randint(low: 0, high: 10, shape: [64]), itemsPerStep: 64)
    }

    /// The character GPT (d 128, 4 layers, 4 heads, context 64), batch 32, AdamW 3e-4, in tokens per second.
    static let gptTrain = BenchWorkload(name: "gpt-train", unit: "tokens/s", higherIsBetter: true) { seconds in
        Flint.seed(0)
        let model = CharGPT()
        let optimizer = AdamW(model.namedParameters(), learningRate: 3e-4)
        return trainingRate(seconds: seconds, model: model, optimizer: optimizer,
                            inputs: Tensor.randint(low: 0, high: 65, shape: [32, 64]),
                            labels: Tensor.randint(low: 0, high: 65, shape: [32, 64]), itemsPerStep: 32 * 64)
    }
}
