import Flint
import FlintNN
import FlintTestSupport
import Foundation
import Testing

/// Finite-difference check of a layer through its inputs and every parameter: the parameters are
/// replaced by the checked values on each evaluation.
private func checkLayer(_ layer: Module, _ inputs: [Tensor], tolerance: Double = 1e-6,
                        sourceLocation: SourceLocation = #_sourceLocation,
                        call: ([Tensor]) -> Tensor = { _ in fatalError() }) {
    let parameters = layer.parameters()
    let initial = parameters.map { $0.value.detach() }
    let result = checkGradients(inputs + initial) { values in
        for (parameter, value) in zip(parameters, values[inputs.count...]) { parameter.value = value }
        let layerInputs = Array(values[..<inputs.count])
        return layerInputs.count == 1 ? layer(layerInputs[0]) : call(layerInputs)
    }
    #expect(result.maximumError < tolerance, "\(layer.layerDescription): \(result)", sourceLocation: sourceLocation)
}

private func normal(_ shape: [Int], seed: UInt64) -> Tensor {
    Tensor.randn(shape, dtype: .float64, generator: RandomGenerator(seed: seed))
}

@Suite struct LayerGradientTests {
    @Test func convolutionLayers() {
        checkLayer(Conv1d(4, 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, dtype: .float64), [normal([2, 4, 7], seed: 1)])
        checkLayer(Conv2d(2, 3, kernelSize: (3, 2), stride: (2, 1), padding: (1, 1), dilation: (1, 2), dtype: .float64),
                   [normal([2, 2, 5, 5], seed: 2)])
        checkLayer(ConvTranspose2d(4, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, dtype: .float64),
                   [normal([1, 4, 3, 3], seed: 3)])
    }

    @Test func poolingLayers() {
        // Distinct values keep every maximum away from a tie.
        let distinct = Tensor((0..<72).map { Double(($0 * 37) % 72) / 7 }, shape: [2, 1, 6, 6])
        checkLayer(MaxPool2d(kernelSize: 3, stride: 2, padding: 1), [distinct])
        checkLayer(AvgPool2d(kernelSize: (2, 3), stride: (1, 2), padding: (1, 1), countIncludePad: false), [normal([1, 2, 5, 6], seed: 4)])
        checkLayer(AdaptiveAvgPool2d(outputSize: (3, 2)), [normal([1, 2, 7, 5], seed: 5)])
    }

    @Test func upsampleOps() {
        let image = normal([2, 2, 3, 4], seed: 6)
        for check in [
            checkGradients([image]) { $0[0].upsampleNearest2d(scaleFactor: (2, 2)) },
            checkGradients([image]) { $0[0].upsampleNearest2d(scaleFactor: (1.5, 2.7)) },
            checkGradients([image]) { $0[0].upsampleNearest2d(size: (2, 7)) },
            checkGradients([image]) { $0[0].upsampleBilinear2d(scaleFactor: (1.7, 0.6)) },
            checkGradients([image]) { $0[0].upsampleBilinear2d(size: (5, 7)) },
            checkGradients([image]) { $0[0].upsampleBilinear2d(size: (5, 1), alignCorners: true) },
        ] {
            #expect(check.maximumError < 1e-7, "\(check)")
        }
        checkLayer(Upsample(scaleFactor: 2, mode: .bilinear, alignCorners: true), [image])
    }

    @Test func normalizationLayers() {
        checkLayer(BatchNorm1d(3, dtype: .float64), [normal([5, 3], seed: 7)])
        checkLayer(BatchNorm2d(3, dtype: .float64), [normal([2, 3, 3, 3], seed: 8)])
        let evaluated = BatchNorm2d(3, dtype: .float64)
        evaluated.runningMean!.value = normal([3], seed: 9)
        evaluated.runningVar!.value = normal([3], seed: 10).abs() + 0.5
        evaluated.eval()
        checkLayer(evaluated, [normal([2, 3, 2, 2], seed: 11)])
        checkLayer(GroupNorm(groupCount: 2, channelCount: 4, dtype: .float64), [normal([2, 4, 3], seed: 12)])
        checkLayer(RMSNorm([3, 4], dtype: .float64), [normal([2, 3, 4], seed: 13)])
    }

    @Test func embeddingAndBilinear() {
        let embedding = Embedding(5, 3, dtype: .float64)
        let indices = Tensor([[0, 1, 4], [4, 4, 2]] as [[Int64]])
        let result = checkGradients([embedding.weight.value.detach()]) { values in
            embedding.weight.value = values[0]
            return embedding(indices)
        }
        #expect(result.maximumError < 1e-7, "\(result)")
        // With a padding index, that row (looked up twice here) gets no gradient; the others are unchanged.
        let padded = Embedding(5, 3, paddingIndex: 1, dtype: .float64)
        let upstream = normal([2, 3, 3], seed: 16)
        (embedding(indices) * upstream).sum().backward()
        (padded(indices) * upstream).sum().backward()
        let full = embedding.weight.grad!.scalars(as: Double.self), masked = padded.weight.grad!.scalars(as: Double.self)
        #expect(masked[3..<6].allSatisfy { $0 == 0 } && full[3..<6].contains { $0 != 0 })
        #expect(Array(masked[0..<3] + masked[6...]) == Array(full[0..<3] + full[6...]))
        let bilinear = Bilinear(3, 2, 4, dtype: .float64)
        checkLayer(bilinear, [normal([2, 5, 3], seed: 14), normal([2, 5, 2], seed: 15)]) { bilinear($0[0], $0[1]) }
    }
}

@Suite struct LayerBehaviourTests {
    @Test func batchNormUpdatesRunningStatisticsLikePyTorch() {
        let norm = BatchNorm1d(2, dtype: .float64)
        let first = Tensor([[1.0, 10], [3, 20], [8, 60]]), second = Tensor([[0.0, 1], [4, 3]])
        let output = norm(first)
        // Training output: per feature, zero mean and unit biased variance (up to epsilon).
        #expect(isClose(output.mean(axis: 0), Tensor([0.0, 0]), tolerance: 1e-12))
        #expect(isClose(output.variance(axes: [0], unbiased: false), Tensor([1.0, 1]), tolerance: 1e-4))
        _ = norm(second)
        // mean: 0.9 (0.9·0 + 0.1·m1) + 0.1·m2; variance the same with the unbiased batch variances.
        let mean1 = [4.0, 30], mean2 = [2.0, 2], variance1 = [13.0, 700], variance2 = [8.0, 2]
        let expectedMean = (0..<2).map { 0.9 * 0.1 * mean1[$0] + 0.1 * mean2[$0] }
        let expectedVariance = (0..<2).map { 0.9 * (0.9 + 0.1 * variance1[$0]) + 0.1 * variance2[$0] }
        #expect(isClose(norm.runningMean!.value, Tensor(expectedMean), tolerance: 1e-12))
        #expect(isClose(norm.runningVar!.value, Tensor(expectedVariance), tolerance: 1e-12))
        #expect(norm.numBatchesTracked!.value.item(as: Int64.self) == 2)
        norm.eval()
        let evaluated = norm(first)
        let expected = (first - Tensor(expectedMean)) / (Tensor(expectedVariance) + 1e-5).sqrt()
        #expect(isClose(evaluated, expected, tolerance: 1e-12))
        #expect(norm.numBatchesTracked!.value.item(as: Int64.self) == 2, "evaluation must not count batches")
        #expect(isClose(norm.runningMean!.value, Tensor(expectedMean), tolerance: 1e-12), "evaluation must not move the statistics")
    }

    @Test func batchNormWithoutMomentumKeepsACumulativeAverage() {
        let norm = BatchNorm2d(1, momentum: nil, dtype: .float64)
        for value in [2.0, 4.0, 9.0] {
            _ = norm(Tensor([value - 1, value + 1], shape: [2, 1, 1, 1]))
        }
        #expect(isClose(norm.runningMean!.value, Tensor([5.0]), tolerance: 1e-12))
        #expect(isClose(norm.runningVar!.value, Tensor([2.0]), tolerance: 1e-12))
    }

    @Test func batchNormKeysAndOptions() {
        #expect(BatchNorm2d(8).namedParameters().map(\.name) == ["weight", "bias"])
        #expect(BatchNorm2d(8).namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        #expect(BatchNorm2d(8, affine: false, trackRunningStats: false).namedParameters().isEmpty)
        #expect(BatchNorm2d(8, affine: false, trackRunningStats: false).namedBuffers().isEmpty)
        #expect(BatchNorm1d(4, momentum: nil).layerDescription == "BatchNorm1d(4, momentum: nil)")
    }

    @Test func defaultInitialisationsFollowPyTorch() {
        let conv = Conv2d(4, 8, kernelSize: 3)
        let bound = 1 / 36.0.squareRoot()
        let weights = conv.weight.value.scalars(as: Float.self), biases = conv.bias!.value.scalars(as: Float.self)
        #expect(weights.allSatisfy { Swift.abs(Double($0)) <= bound } && weights.max()! > Float(bound * 0.9))
        #expect(biases.allSatisfy { Swift.abs(Double($0)) <= bound })
        let transposed = ConvTranspose2d(8, 2, kernelSize: 2)  // fanIn = 2 · 2 · 2 from the weight [8, 2, 2, 2]
        #expect(transposed.weight.value.scalars(as: Float.self).allSatisfy { Swift.abs(Double($0)) <= 1 / 8.0.squareRoot() })
        let embedding = Embedding(2000, 10, paddingIndex: -1)
        #expect(embedding.paddingIndex == 1999)
        #expect(embedding.weight.value.narrowed(axis: 0, start: 1999, length: 1).scalars(as: Float.self) == [Float](repeating: 0, count: 10))
        let deviation = embedding.weight.value.standardDeviation().item(as: Float.self)
        #expect(Swift.abs(deviation - 1) < 0.05)
        #expect(GroupNorm(groupCount: 2, channelCount: 4).weight!.value.scalars(as: Float.self) == [1, 1, 1, 1])
        #expect(RMSNorm(3).weight!.value.scalars(as: Float.self) == [1, 1, 1])
    }

    @Test func shapesAndDescriptions() {
        #expect(Conv2d(1, 32, kernelSize: 3, padding: 1).description == "Conv2d(1 => 32, kernel: 3x3, padding: 1x1)  # 320 parameters")
        #expect(Conv1d(4, 16, kernelSize: 5, padding: 2)(Tensor.zeros([8, 4, 100])).shape == [8, 16, 100])
        #expect(ConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1)(Tensor.zeros([1, 64, 7, 7])).shape == [1, 32, 14, 14])
        #expect(MaxPool2d(kernelSize: 2).layerDescription == "MaxPool2d(kernel: 2x2, stride: 2x2)")
        #expect(AdaptiveAvgPool2d(outputSize: 1)(Tensor.zeros([2, 3, 5, 5])).shape == [2, 3, 1, 1])
        #expect(Upsample(scaleFactor: 2)(Tensor.zeros([1, 3, 4, 5])).shape == [1, 3, 8, 10])
        #expect(Upsample(size: (3, 3), mode: .bilinear).layerDescription == "Upsample(size: 3x3, mode: bilinear)")
        #expect(Bilinear(5, 4, 3).namedParameters().map(\.parameter.shape) == [[3, 5, 4], [3]])
        #expect(Bilinear(5, 4, 3)(Tensor.zeros([2, 5]), Tensor.zeros([2, 4])).shape == [2, 3])
        // float32 upsampling keeps the dtype and copies values exactly in nearest mode.
        let image = Tensor([1, 2, 3, 4] as [Float], shape: [1, 1, 2, 2])
        #expect(image.upsampleNearest2d(scaleFactor: (2, 2)).scalars(as: Float.self)
                == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        #expect(image.upsampleBilinear2d(size: (3, 3), alignCorners: true).scalars(as: Float.self)
                == [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
    }

    @Test func rmsNormUsesTheMachineEpsilonOfTheDtype() {
        // With x = 0 the output is 0 whatever ε; with tiny x the ε decides: x / √(x² + ε).
        let tiny = 1e-9
        let norm = RMSNorm(1, elementwiseAffine: false)
        let single = Double(norm(Tensor([Float(tiny)], shape: [1, 1])).item(as: Float.self))
        #expect(Swift.abs(single / (tiny / (tiny * tiny + Double(Float.ulpOfOne)).squareRoot()) - 1) < 1e-4)
        let double = norm(Tensor([tiny], shape: [1, 1])).item(as: Double.self)
        #expect(Swift.abs(double / (tiny / (tiny * tiny + Double.ulpOfOne).squareRoot()) - 1) < 1e-10)
        #expect(RMSNorm(1, epsilon: 1e-6, elementwiseAffine: false)(Tensor([tiny], shape: [1, 1])).item(as: Double.self) < 1e-5)
    }

    @Test func layersRejectBadShapes() async {
        await #expect(processExitsWith: .failure) { _ = BatchNorm2d(3)(Tensor.zeros([2, 4, 2, 2])) }
        await #expect(processExitsWith: .failure) { _ = BatchNorm1d(3)(Tensor.zeros([1, 3])) }
        await #expect(processExitsWith: .failure) { _ = Upsample(scaleFactor: 2)(Tensor.zeros([4, 4])) }
        await #expect(processExitsWith: .failure) { _ = Upsample(scaleFactor: 2, mode: .nearest, alignCorners: true) }
    }
}
