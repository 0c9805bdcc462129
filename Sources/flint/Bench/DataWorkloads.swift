import Flint
import FlintData
import FlintNN
import FlintOptim
import Foundation

/// The data suite: what feeding a model through a `DataLoader` costs, on real data.
enum DataWorkloads {
    static let all: [BenchWorkload] = [loaderOverhead]

    /// `cnn-train-loader-overhead`: the cnn-train step of BENCHMARKS.md fed by a shuffling
    /// `DataLoader` over the bundled MNIST 5k (batch 64, float32 1x28x28 scaled to 0...1) against the
    /// same step on one batch already in memory, as a percentage of the step time (lower is better;
    /// issue 4 asks for under 5%), the median of short alternating rounds. The ratio is PyTorch's
    /// overhead over Flint's.
    static let loaderOverhead = BenchWorkload(
        name: "cnn-train-loader-overhead", unit: "% of step", higherIsBetter: false
    ) { seconds in
        let data: LabeledData
        do { data = try BundledDatasets.load(name: "mnist-5k") } catch { fatalError("bench: \(error)") }
        let images = (data.features.to(.float32) / 255).reshaped([-1, 1, 28, 28])
        let loader: DataLoader
        do {
            loader = try DataLoader(TensorDataset(inputs: images, targets: data.targets), batchSize: 64,
                                    shuffle: true, dropLast: true, seed: 0)
        } catch { fatalError("bench: \(error)") }
        Flint.seed(0)
        let model = NNWorkloads.convolutionalNetwork()
        let optimizer = SGD(model.namedParameters(), learningRate: 0.01, momentum: 0.9)
        func step(_ inputs: Tensor, _ labels: Tensor) {
            optimizer.zeroGrad()
            let loss = Loss.crossEntropy(model(inputs), labels)
            loss.backward()
            optimizer.step()
        }
        let fixed = loader.batches(epoch: 0).first { _ in true }!
        // Short rounds alternate the two ways (eight loader steps, then eight steps on the fixed
        // batch) and the median round is kept, so that a change in the machine's load hits both
        // sides of a round and a disturbed round does not move the figure. The loader runs on across
        // rounds and epochs, prefetching as in training.
        let roundSteps = 8
        var overheads: [Double] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        var epoch = 0
        var batches = loader.batches(epoch: epoch).makeIterator()
        repeat {
            var start = clock.now
            var steps = 0
            while steps < roundSteps {
                guard let batch = batches.next() else {
                    epoch += 1
                    batches = loader.batches(epoch: epoch).makeIterator()
                    continue
                }
                step(batch.inputs, batch.targets)
                steps += 1
            }
            let loaderSeconds = (clock.now - start).seconds
            start = clock.now
            for _ in 0..<roundSteps { step(fixed.inputs, fixed.targets) }
            let fixedSeconds = (clock.now - start).seconds
            overheads.append((loaderSeconds - fixedSeconds) / fixedSeconds * 100)
        } while clock.now < deadline || overheads.count < 5
        // Not clamped: a figure just below zero says the overhead is within the machine's noise.
        return overheads.sorted()[overheads.count / 2]
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
