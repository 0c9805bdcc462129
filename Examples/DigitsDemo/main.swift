import Flint
import Foundation

// Flint's demo until the training module lands: a two-layer network trained on the real digits
// dataset (1,797 8x8 images) with nothing but the core API: tensors, autograd and a hand-written
// momentum SGD step. Prints the loss per epoch and the held-out accuracy.

/// Reads digits.csv: 64 pixel values (0-16) then the label, one image per line.
func loadDigits() throws -> (images: Tensor, labels: Tensor) {
    guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "digits.csv is missing from the demo's resources"])
    }
    var pixels: [Float] = [], labels: [Int] = []
    for (number, line) in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").enumerated() {
        let fields = line.split(separator: ",")
        guard fields.count == 65, let label = Int(fields[64]) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "digits.csv line \(number + 1): expected 65 numbers"])
        }
        pixels += fields.prefix(64).map { Float($0)! / 16 }
        labels.append(label)
    }
    return (Tensor(pixels, shape: [labels.count, 64]), Tensor(labels))
}

Flint.seed(7)
let (images, labels) = try loadDigits()
let order = Tensor.randint(low: 0, high: 1 << 30, shape: [labels.count]).argsortForDemo()
let trainCount = labels.count * 4 / 5
let trainIndex = order[..<trainCount], testIndex = order[trainCount...]
let (trainImages, trainLabels) = (images.indexSelect(axis: 0, index: trainIndex), labels.indexSelect(axis: 0, index: trainIndex))
let (testImages, testLabels) = (images.indexSelect(axis: 0, index: testIndex), labels.indexSelect(axis: 0, index: testIndex))

// Parameters with PyTorch's default Linear initialisation: uniform in ±1/sqrt(inputs).
var parameters = [
    Tensor.uniform([64, 128], low: -1 / 8, high: 1 / 8), Tensor.uniform([128], low: -1 / 8, high: 1 / 8),
    Tensor.uniform([128, 10], low: -1 / 128.0.squareRoot(), high: 1 / 128.0.squareRoot()),
    Tensor.uniform([10], low: -1 / 128.0.squareRoot(), high: 1 / 128.0.squareRoot()),
].map { $0.requiringGrad() }
var velocities = parameters.map { Tensor.zeros(like: $0) }

func logits(_ x: Tensor, _ parameters: [Tensor]) -> Tensor {
    (x.matmul(parameters[0]) + parameters[1]).relu().matmul(parameters[2]) + parameters[3]
}

func crossEntropy(_ logits: Tensor, _ labels: Tensor) -> Tensor {
    -logits.logSoftmax(axis: 1).gather(axis: 1, index: labels.unsqueezed(axis: 1)).mean()
}

func accuracy(_ x: Tensor, _ labels: Tensor, _ parameters: [Tensor]) -> Double {
    withoutGradients { (logits(x, parameters).argmax(axis: 1) .== labels).to(.float64).mean().item() }
}

let start = Date()
let batchSize = 32, learningRate = 0.05, momentum = 0.9
for epoch in 1...30 {
    let shuffled = Tensor.randint(low: 0, high: 1 << 30, shape: [trainCount]).argsortForDemo()
    var totalLoss = 0.0
    for batchStart in stride(from: 0, to: trainCount, by: batchSize) {
        let batch = shuffled[batchStart..<min(batchStart + batchSize, trainCount)]
        let loss = crossEntropy(logits(trainImages.indexSelect(axis: 0, index: batch), parameters), trainLabels.indexSelect(axis: 0, index: batch))
        loss.backward()
        withoutGradients {
            for index in parameters.indices {
                velocities[index] = momentum * velocities[index] + parameters[index].grad!
                parameters[index] = (parameters[index] - learningRate * velocities[index]).requiringGrad()
            }
        }
        totalLoss += loss.item(as: Double.self) * Double(batch.count)
    }
    if epoch % 5 == 0 || epoch == 1 {
        print(String(format: "epoch %2d  loss %.4f  train accuracy %.2f%%", epoch, totalLoss / Double(trainCount),
                     100 * accuracy(trainImages, trainLabels, parameters)))
    }
}
print(String(format: "digits test accuracy: %.2f%% (%d held-out images), trained in %.1f s",
             100 * accuracy(testImages, testLabels, parameters), labels.count - trainCount, Date().timeIntervalSince(start)))

extension Tensor {
    /// The positions that sort a vector of distinct integers (a seeded permutation for the demo).
    func argsortForDemo() -> Tensor {
        let values = scalars(as: Int64.self)
        return Tensor(values.indices.sorted { values[$0] < values[$1] })
    }
}
