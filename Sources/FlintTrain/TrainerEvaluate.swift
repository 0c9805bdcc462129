import Flint
import FlintData
import FlintNN
import Foundation

extension Trainer {
    /// The mean loss and every metric over `loader` (one pass, in evaluation mode, without
    /// recording gradients); the model's mode is put back afterwards.
    ///
    /// Keys are `loss` and the metric names (`accuracy`, …). The loader's epoch-0 batches are used,
    /// so repeated evaluations see the same batches.
    ///
    /// ```swift
    /// let scores = try trainer.evaluate(testLoader)
    /// print("test accuracy", scores["accuracy"]!)
    /// ```
    public func evaluate(_ loader: DataLoader) throws -> [String: Double] {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        metrics?.reset()
        var lossSum = 0.0
        var samples = 0
        try withoutGradients {
            for batch in loader.batches(epoch: 0) {
                let output = model(batch.inputs)
                let lossTensor = loss(output, batch.targets)
                precondition(lossTensor.count == 1, "Trainer.evaluate: the loss must be a scalar, got shape \(lossTensor.shape)")
                lossSum += lossTensor.item(as: Double.self) * Double(batch.count)
                samples += batch.count
                if let metrics {
                    try metrics.update(predictions: metricTransform?(output) ?? output, targets: batch.targets)
                }
            }
        }
        guard samples > 0 else {
            throw TrainingError(.configuration, "the evaluation loader gave no batches; check the dataset is not empty")
        }
        var results = ["loss": lossSum / Double(samples)]
        if let metrics {
            for (name, value) in try metrics.compute() { results[name] = value }
            metrics.reset()
        }
        return results
    }

    /// The model's outputs for every batch of `loader`, concatenated along the first axis (in
    /// evaluation mode, without gradients; targets are ignored).
    ///
    /// ```swift
    /// let logits = trainer.predict(testLoader)
    /// let classes = logits.argmax(axis: 1)
    /// ```
    public func predict(_ loader: DataLoader) -> Tensor {
        inEvaluationMode {
            Tensor.concatenate(loader.batches(epoch: 0).map { model($0.inputs) }, axis: 0)
        }
    }

    /// The model's outputs for `inputs` (samples along the first axis), computed `batchSize` rows
    /// at a time in evaluation mode without gradients.
    ///
    /// ```swift
    /// let probabilities = trainer.predict(features, batchSize: 256).softmax(axis: -1)
    /// ```
    public func predict(_ inputs: Tensor, batchSize: Int = 256) -> Tensor {
        precondition(batchSize > 0, "Trainer.predict: batchSize must be positive, got \(batchSize)")
        precondition(inputs.rank >= 1, "Trainer.predict: inputs need a batch axis, got a scalar")
        let rows = inputs.shape[0]
        return inEvaluationMode {
            guard rows > batchSize else { return model(inputs) }
            let outputs = stride(from: 0, to: rows, by: batchSize).map { start in
                model(inputs.narrowed(axis: 0, start: start, length: min(batchSize, rows - start)))
            }
            return Tensor.concatenate(outputs, axis: 0)
        }
    }

    private func inEvaluationMode<Result>(_ body: () -> Result) -> Result {
        let wasTraining = model.isTraining
        model.eval()
        defer { model.train(wasTraining) }
        return withoutGradients(body)
    }
}
