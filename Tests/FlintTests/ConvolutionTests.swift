import Testing
import Flint
import FlintTestSupport

// MARK: helpers

/// Reproducible normal values.
private func random(_ shape: [Int], seed: UInt64, dtype: DType = .float64) -> Tensor {
    Tensor.randn(shape, dtype: dtype, generator: RandomGenerator(seed: seed))
}

/// One convolution configuration for the direct-loop comparisons.
private struct ConvolutionCase: Sendable, CustomTestStringConvertible {
    var input: [Int]
    var weight: [Int]
    var stride = (1, 1)
    var padding = (0, 0)
    var dilation = (1, 1)
    var groups = 1
    var bias = false
    var testDescription: String {
        "input \(input) weight \(weight) stride \(stride) padding \(padding) dilation \(dilation) groups \(groups) bias \(bias)"
    }
}

/// The textbook definition of conv2d, written as directly as possible.
private func directConv2d(_ input: Tensor, _ weight: Tensor, bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                          dilation: (Int, Int), groups: Int) -> Tensor {
    let x = input.scalars(as: Double.self), w = weight.scalars(as: Double.self)
    let b = bias?.scalars(as: Double.self)
    let (n, c, h, wd) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
    let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    let og = o / groups
    var y = [Double](repeating: 0, count: n * o * oh * ow)
    for sample in 0..<n {
        for filter in 0..<o {
            let group = filter / og
            for row in 0..<oh {
                for column in 0..<ow {
                    var total = b?[filter] ?? 0
                    for channel in 0..<cg {
                        let inputChannel = group * cg + channel
                        for i in 0..<kh {
                            for j in 0..<kw {
                                let r = row * stride.0 - padding.0 + i * dilation.0
                                let s = column * stride.1 - padding.1 + j * dilation.1
                                if r < 0 || r >= h || s < 0 || s >= wd { continue }
                                total += x[((sample * c + inputChannel) * h + r) * wd + s]
                                    * w[((filter * cg + channel) * kh + i) * kw + j]
                            }
                        }
                    }
                    y[((sample * o + filter) * oh + row) * ow + column] = total
                }
            }
        }
    }
    return Tensor(y, shape: [n, o, oh, ow])
}

private let convolutionCases: [ConvolutionCase] = [
    ConvolutionCase(input: [2, 3, 6, 5], weight: [4, 3, 3, 3], bias: true),
    ConvolutionCase(input: [1, 2, 7, 7], weight: [3, 2, 3, 2], stride: (2, 3), padding: (1, 2)),
    ConvolutionCase(input: [2, 2, 7, 6], weight: [2, 2, 2, 3], padding: (2, 1), dilation: (2, 3), bias: true),
    ConvolutionCase(input: [2, 4, 5, 5], weight: [6, 2, 3, 3], stride: (2, 2), padding: (1, 1), groups: 2, bias: true),
    ConvolutionCase(input: [1, 3, 4, 4], weight: [3, 1, 3, 3], padding: (1, 1), groups: 3),
    ConvolutionCase(input: [3, 5, 4, 3], weight: [2, 5, 1, 1]),
    ConvolutionCase(input: [1, 1, 3, 3], weight: [1, 1, 3, 3], padding: (4, 4), dilation: (2, 2)),
]

// MARK: conv2d

@Test func conv2dMatchesHandComputedValues() {
    let input = Tensor((0..<9).map(Double.init), shape: [1, 1, 3, 3])
    let weight = Tensor([1.0, 0.0, 0.0, 1.0], shape: [1, 1, 2, 2])
    let output = input.conv2d(weight, bias: Tensor([1.0]))
    #expect(output.shape == [1, 1, 2, 2])
    #expect(output.scalars(as: Double.self) == [5, 7, 11, 13])
    // Padding 1, stride 2: the corners see only one tap each.
    let padded = input.conv2d(weight, stride: (2, 2), padding: (1, 1))
    #expect(padded.scalars(as: Double.self) == [0, 2, 6, 12])
}

@Test(arguments: convolutionCases)
private func conv2dMatchesDirectLoops(_ setup: ConvolutionCase) {
    let input = random(setup.input, seed: 1), weight = random(setup.weight, seed: 2)
    let bias = setup.bias ? random([setup.weight[0]], seed: 3) : nil
    let expected = directConv2d(input, weight, bias: bias, stride: setup.stride, padding: setup.padding,
                                dilation: setup.dilation, groups: setup.groups)
    let output = input.conv2d(weight, bias: bias, stride: setup.stride, padding: setup.padding,
                              dilation: setup.dilation, groups: setup.groups)
    #expect(isClose(output, expected, tolerance: 1e-12))
    let single = input.to(.float32).conv2d(weight.to(.float32), bias: bias?.to(.float32), stride: setup.stride,
                                           padding: setup.padding, dilation: setup.dilation, groups: setup.groups)
    #expect(single.dtype == .float32)
    #expect(isClose(single, expected, tolerance: 1e-5))
}

@Test(arguments: convolutionCases)
private func conv2dGradientsMatchFiniteDifferences(_ setup: ConvolutionCase) {
    var inputs = [random(setup.input, seed: 4), random(setup.weight, seed: 5)]
    if setup.bias { inputs.append(random([setup.weight[0]], seed: 6)) }
    let result = checkGradients(inputs) { values in
        values[0].conv2d(values[1], bias: values.count > 2 ? values[2] : nil, stride: setup.stride,
                         padding: setup.padding, dilation: setup.dilation, groups: setup.groups)
    }
    #expect(result.maximumError < 1e-6, "\(result)")
}

@Test func conv2dAcceptsNonContiguousOperands() {
    // NHWC storage viewed as NCHW, a transposed kernel, and a non-contiguous output gradient.
    let channelsLast = random([2, 5, 4, 3], seed: 7)
    let weight = random([4, 3, 2, 3], seed: 8)
    let input = channelsLast.permuted([0, 3, 1, 2])
    #expect(!input.isContiguous)
    let expected = directConv2d(input, weight.transposed(2, 3).contiguous().transposed(2, 3), bias: nil,
                                stride: (1, 2), padding: (1, 0), dilation: (1, 1), groups: 1)
    #expect(isClose(input.conv2d(weight, stride: (1, 2), padding: (1, 0)), expected, tolerance: 1e-12))
    let result = checkGradients([channelsLast, weight.transposed(2, 3).contiguous(), random([4], seed: 9)]) { values in
        values[0].permuted([0, 3, 1, 2])
            .conv2d(values[1].transposed(2, 3), bias: values[2], stride: (1, 2), padding: (1, 0))
            .transposed(1, 3)
    }
    #expect(result.maximumError < 1e-6, "\(result)")
}

@Test func conv2dAcceptsAnUnbatchedImage() {
    let image = random([2, 5, 5], seed: 10), weight = random([3, 2, 3, 3], seed: 11)
    let output = image.conv2d(weight, padding: (1, 1))
    #expect(output.shape == [3, 5, 5])
    #expect(isClose(output, image.unsqueezed(axis: 0).conv2d(weight, padding: (1, 1)).squeezed(axis: 0)))
}

@Test func conv2dSplitsLargeBatchesIntoBlocksConsistently() {
    // One sample unfolds to 4 × 599 × 599 ≈ 1.4 M values, so a batch of 3 runs as blocks of 2 + 1.
    let input = Tensor.randn([3, 1, 600, 600], generator: RandomGenerator(seed: 12)).requiringGrad()
    let weight = Tensor.randn([2, 1, 2, 2], generator: RandomGenerator(seed: 13)).requiringGrad()
    let seed = Tensor.randn([3, 2, 599, 599], generator: RandomGenerator(seed: 14))
    let output = input.conv2d(weight)
    output.backward(seed)
    var weightGradient = Tensor.zeros([2, 1, 2, 2])
    for sample in 0..<3 {
        let single = input.detach()[sample].unsqueezed(axis: 0).requiringGrad()
        let singleWeight = weight.detach().requiringGrad()
        let singleOutput = single.conv2d(singleWeight)
        #expect(isClose(singleOutput, output.detach()[sample].unsqueezed(axis: 0), tolerance: 1e-5))
        singleOutput.backward(seed[sample].unsqueezed(axis: 0))
        #expect(isClose(single.grad!, input.grad![sample].unsqueezed(axis: 0), tolerance: 1e-5))
        weightGradient = weightGradient + singleWeight.grad!
    }
    #expect(isClose(weight.grad!, weightGradient, tolerance: 1e-4))
}

@Test func smallConvolutionalNetworkRunsForwardAndBackward() {
    // The shape of the MNIST benchmark model, with a tiny batch.
    let images = Tensor.randn([2, 1, 28, 28], generator: RandomGenerator(seed: 15))
    let first = (Tensor.randn([32, 1, 3, 3], generator: RandomGenerator(seed: 16)) * 0.3).requiringGrad()
    let second = (Tensor.randn([64, 32, 3, 3], generator: RandomGenerator(seed: 17)) * 0.05).requiringGrad()
    let firstBias = Tensor.zeros([32]).requiringGrad(), secondBias = Tensor.zeros([64]).requiringGrad()
    let hidden = images.conv2d(first, bias: firstBias).relu().maxPool2d(kernelSize: (2, 2))
    #expect(hidden.shape == [2, 32, 13, 13])
    let features = hidden.conv2d(second, bias: secondBias).relu().maxPool2d(kernelSize: (2, 2))
    #expect(features.shape == [2, 64, 5, 5])
    features.sum().backward()
    #expect(first.grad?.shape == [32, 1, 3, 3])
    #expect(second.grad?.shape == [64, 32, 3, 3])
    #expect(firstBias.grad?.shape == [32])
    #expect(secondBias.grad!.sum().item(as: Float.self) > 0)
}

// MARK: conv1d

@Test func conv1dMatchesConv2dWithUnitHeight() {
    let signal = random([2, 4, 11], seed: 20), weight = random([6, 2, 3], seed: 21), bias = random([6], seed: 22)
    let output = signal.conv1d(weight, bias: bias, stride: 2, padding: 2, dilation: 2, groups: 2)
    let expected = directConv2d(signal.unsqueezed(axis: 2), weight.unsqueezed(axis: 2), bias: bias, stride: (1, 2),
                                padding: (0, 2), dilation: (1, 2), groups: 2).squeezed(axis: 2)
    #expect(output.shape == [2, 6, 6])
    #expect(isClose(output, expected, tolerance: 1e-12))
    #expect(signal[0].conv1d(weight, groups: 2).shape == [6, 9])
}

@Test func conv1dGradientsMatchFiniteDifferences() {
    let inputs = [random([2, 4, 9], seed: 23), random([6, 2, 3], seed: 24), random([6], seed: 25)]
    let result = checkGradients(inputs) { values in
        values[0].transposed(1, 2).contiguous().transposed(1, 2)
            .conv1d(values[1], bias: values[2], stride: 2, padding: 1, dilation: 2, groups: 2)
    }
    #expect(result.maximumError < 1e-6, "\(result)")
}

// MARK: convTranspose2d

@Test func convTranspose2dMatchesHandComputedValues() {
    // Each input value stamps the kernel, scaled, at stride offsets; overlaps add up.
    let input = Tensor([1.0, 2.0], shape: [1, 1, 1, 2])
    let weight = Tensor([1.0, 10.0, 100.0, 1000.0], shape: [1, 1, 2, 2])
    let output = input.convTranspose2d(weight, bias: Tensor([0.5]), stride: (1, 1))
    #expect(output.shape == [1, 1, 2, 3])
    #expect(output.scalars(as: Double.self) == [1.5, 12.5, 20.5, 100.5, 1200.5, 2000.5])
    let strided = input.convTranspose2d(weight, stride: (1, 3))
    #expect(strided.scalars(as: Double.self) == [1, 10, 0, 2, 20, 100, 1000, 0, 200, 2000])
}

/// convTranspose2d is the gradient of conv2d with respect to its input.
@Test(arguments: convolutionCases)
private func convTranspose2dIsTheInputGradientOfConv2d(_ setup: ConvolutionCase) {
    let input = random(setup.input, seed: 30).requiringGrad(), weight = random(setup.weight, seed: 31)
    let output = input.conv2d(weight, stride: setup.stride, padding: setup.padding, dilation: setup.dilation,
                              groups: setup.groups)
    let seed = random(output.shape, seed: 32)
    output.backward(seed)
    func missing(_ axis: Int) -> Int {
        let kernel = setup.weight[axis + 2]
        let stride = axis == 0 ? setup.stride.0 : setup.stride.1
        let padding = axis == 0 ? setup.padding.0 : setup.padding.1
        let dilation = axis == 0 ? setup.dilation.0 : setup.dilation.1
        return setup.input[axis + 2] - ((output.shape[axis + 2] - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1)
    }
    let transposed = seed.convTranspose2d(weight, stride: setup.stride, padding: setup.padding,
                                          outputPadding: (missing(0), missing(1)), dilation: setup.dilation,
                                          groups: setup.groups)
    #expect(isClose(transposed, input.grad!, tolerance: 1e-12))
}

@Test func convTranspose2dGradientsMatchFiniteDifferences() {
    let plain = checkGradients([random([2, 3, 3, 3], seed: 33), random([3, 2, 2, 3], seed: 34), random([2], seed: 35)]) { values in
        values[0].convTranspose2d(values[1], bias: values[2])
    }
    #expect(plain.maximumError < 1e-6, "\(plain)")
    let strided = checkGradients([random([1, 4, 3, 2], seed: 36), random([4, 3, 3, 2], seed: 37), random([6], seed: 38)]) { values in
        values[0].convTranspose2d(values[1], bias: values[2], stride: (2, 3), padding: (1, 1), outputPadding: (1, 2),
                                  dilation: (2, 1), groups: 2)
    }
    #expect(strided.maximumError < 1e-6, "\(strided)")
    let permuted = checkGradients([random([2, 3, 3, 2], seed: 39), random([2, 2, 2, 2], seed: 40)]) { values in
        values[0].permuted([0, 3, 1, 2]).convTranspose2d(values[1], stride: (2, 2), padding: (1, 0)).transposed(2, 3)
    }
    #expect(permuted.maximumError < 1e-6, "\(permuted)")
}

@Test func convTranspose2dUndoesTheShapeOfAStridedConv2d() {
    let codes = random([2, 4, 7, 7], seed: 41), weight = random([4, 2, 4, 4], seed: 42)
    #expect(codes.convTranspose2d(weight, stride: (2, 2), padding: (1, 1)).shape == [2, 2, 14, 14])
    #expect(codes[0].convTranspose2d(weight, stride: (2, 2), padding: (1, 1), outputPadding: (1, 0)).shape == [2, 15, 14])
    let single = codes.to(.float32).convTranspose2d(weight.to(.float32), stride: (2, 2), padding: (1, 1))
    #expect(isClose(single, codes.convTranspose2d(weight, stride: (2, 2), padding: (1, 1)), tolerance: 1e-5))
}

// MARK: pooling

@Test func maxPool2dMatchesHandComputedValues() {
    let input = Tensor([1, 5, 2, 0, 3, 4, 9, 1, 0, 2, 6, 8, 7, 1, 3, 2] as [Double], shape: [1, 1, 4, 4])
    #expect(input.maxPool2d(kernelSize: (2, 2)).scalars(as: Double.self) == [5, 9, 7, 8])
    #expect(input.maxPool2d(kernelSize: (3, 3), stride: (1, 1)).scalars(as: Double.self) == [9, 9, 9, 9])
    // Padding counts as −∞; dilation 2 picks every other element.
    #expect(input.maxPool2d(kernelSize: (2, 2), stride: (2, 2), padding: (1, 1)).scalars(as: Double.self)
            == [1, 5, 0, 3, 9, 8, 7, 3, 2])
    #expect(input.maxPool2d(kernelSize: (2, 2), stride: (1, 1), dilation: (2, 2)).scalars(as: Double.self) == [6, 8, 9, 4])
    // Rectangular kernel with an unbatched input.
    #expect(input[0].maxPool2d(kernelSize: (1, 4)).scalars(as: Double.self) == [5, 9, 8, 7])
}

@Test func maxPool2dRoutesGradientToTheMaximum() {
    let input = Tensor([1, 5, 2, 0, 3, 4, 9, 1, 0, 2, 6, 8, 7, 1, 3, 2] as [Double], shape: [1, 1, 4, 4]).requiringGrad()
    input.maxPool2d(kernelSize: (3, 3), stride: (1, 1)).sum().backward()
    #expect(input.grad!.scalars(as: Double.self) == [0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    let withNaN = Tensor([1, .nan, 2, 3] as [Double], shape: [1, 1, 2, 2])
    #expect(withNaN.maxPool2d(kernelSize: (2, 2)).scalars(as: Double.self)[0].isNaN)
}

@Test func maxPool2dGradientsMatchFiniteDifferences() {
    let result = checkGradients([random([2, 2, 5, 6], seed: 50)]) { values in
        values[0].maxPool2d(kernelSize: (3, 2), stride: (2, 1), padding: (1, 1), dilation: (1, 2))
    }
    #expect(result.maximumError < 1e-6, "\(result)")
    let permuted = checkGradients([random([1, 4, 4, 2], seed: 51)]) { values in
        values[0].permuted([0, 3, 1, 2]).maxPool2d(kernelSize: (2, 2))
    }
    #expect(permuted.maximumError < 1e-6, "\(permuted)")
}

@Test func avgPool2dMatchesHandComputedValues() {
    let input = Tensor((1...16).map(Double.init), shape: [1, 1, 4, 4])
    #expect(input.avgPool2d(kernelSize: (2, 2)).scalars(as: Double.self) == [3.5, 5.5, 11.5, 13.5])
    // 3 × 3 windows, stride 2, padding 1: zeros in the padding are counted unless told otherwise.
    let included = input.avgPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
    #expect(isClose(included, Tensor([14.0 / 9, 30.0 / 9, 57.0 / 9, 99.0 / 9], shape: [1, 1, 2, 2]), tolerance: 1e-12))
    let excluded = input.avgPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false)
    #expect(isClose(excluded, Tensor([14.0 / 4, 30.0 / 6, 57.0 / 6, 99.0 / 9], shape: [1, 1, 2, 2]), tolerance: 1e-12))
}

@Test func avgPool2dGradientsMatchFiniteDifferences() {
    for countIncludePad in [true, false] {
        let result = checkGradients([random([2, 2, 5, 4], seed: 52)]) { values in
            values[0].transposed(2, 3).avgPool2d(kernelSize: (3, 2), stride: (2, 1), padding: (1, 1),
                                                 countIncludePad: countIncludePad)
        }
        #expect(result.maximumError < 1e-6, "countIncludePad \(countIncludePad): \(result)")
    }
}

@Test func adaptiveAvgPool2dMatchesPyTorch() {
    // torch.nn.functional.adaptive_avg_pool2d(torch.arange(35.).reshape(1, 1, 5, 7), (3, 4))
    let input = Tensor((0..<35).map(Double.init), shape: [1, 1, 5, 7])
    let expected: [Double] = [4, 5.5, 7.5, 9, 14.5, 16, 18, 19.5, 25, 26.5, 28.5, 30]
    #expect(isClose(input.adaptiveAvgPool2d(outputSize: (3, 4)), Tensor(expected, shape: [1, 1, 3, 4]), tolerance: 1e-12))
    let features = random([2, 3, 4, 5], seed: 53)
    #expect(isClose(features.adaptiveAvgPool2d(outputSize: (1, 1)), features.mean(axes: [2, 3], keepDims: true), tolerance: 1e-12))
    #expect(features[0].adaptiveAvgPool2d(outputSize: (6, 7)).shape == [3, 6, 7])
}

@Test func adaptiveAvgPool2dGradientsMatchFiniteDifferences() {
    for size in [(3, 2), (1, 1), (4, 7)] {
        let result = checkGradients([random([2, 2, 5, 4], seed: 54)]) { values in
            values[0].adaptiveAvgPool2d(outputSize: size)
        }
        #expect(result.maximumError < 1e-6, "output size \(size): \(result)")
    }
}

@Test func poolingSplitAcrossThreadsMatchesOneSampleAtATime() {
    // Large enough that the kernels split the planes across threads; single samples stay on one.
    let input = Tensor.randn([8, 16, 32, 32], generator: RandomGenerator(seed: 55)).requiringGrad()
    let pooled = input.maxPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
    let averaged = input.avgPool2d(kernelSize: (2, 2))
    let adaptive = input.adaptiveAvgPool2d(outputSize: (5, 3))
    (pooled.sum() + averaged.sum() * 2 + adaptive.sum() * 3).backward()
    for sample in [0, 5] {
        let single = input.detach()[sample].requiringGrad()
        let parts = (single.maxPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1)),
                     single.avgPool2d(kernelSize: (2, 2)), single.adaptiveAvgPool2d(outputSize: (5, 3)))
        #expect(isClose(parts.0, pooled.detach()[sample]))
        #expect(isClose(parts.1, averaged.detach()[sample]))
        #expect(isClose(parts.2, adaptive.detach()[sample]))
        (parts.0.sum() + parts.1.sum() * 2 + parts.2.sum() * 3).backward()
        #expect(isClose(single.grad!, input.grad![sample], tolerance: 1e-5))
    }
}

// MARK: embedding

@Test func embeddingLooksUpRows() {
    let table = Tensor([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]])
    let indices = Tensor([2, 0, 2, 1], shape: [2, 2])
    let rows = Tensor.embedding(indices, weight: table)
    #expect(rows.shape == [2, 2, 2])
    #expect(rows.scalars(as: Double.self) == [20, 21, 0, 1, 20, 21, 10, 11])
    #expect(Tensor.embedding(Tensor([1, 1], dtype: .int32), weight: table.to(.float32)).scalars(as: Float.self) == [10, 11, 10, 11])
    #expect(Tensor.embedding(Tensor(2), weight: table).shape == [2])
}

@Test func embeddingGradientSkipsThePaddingRow() {
    let table = Tensor([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]]).requiringGrad()
    let indices = Tensor([2, 0, 2, 1], shape: [2, 2])
    let rows = Tensor.embedding(indices, weight: table, paddingIndex: 0)
    #expect(rows.scalars(as: Double.self) == [20, 21, 0, 1, 20, 21, 10, 11])
    rows.backward(Tensor((1...8).map(Double.init), shape: [2, 2, 2]))
    #expect(table.grad!.scalars(as: Double.self) == [0, 0, 7, 8, 6, 8])
    let fromTheEnd = Tensor([[0.0, 1.0], [10.0, 11.0], [20.0, 21.0]]).requiringGrad()
    Tensor.embedding(indices, weight: fromTheEnd, paddingIndex: -1).sum().backward()
    #expect(fromTheEnd.grad!.scalars(as: Double.self) == [1, 1, 1, 1, 0, 0])
}

@Test func embeddingGradientsMatchFiniteDifferences() {
    let indices = Tensor([3, 1, 3, 0, 4, 1], shape: [3, 2])
    let result = checkGradients([random([5, 3], seed: 60)]) { values in
        // A non-contiguous table, and repeated rows whose gradients add up.
        Tensor.embedding(indices, weight: values[0].transposed().contiguous().transposed()).tanh()
    }
    #expect(result.maximumError < 1e-6, "\(result)")
}

// MARK: bad input

@Test func badConvolutionInputStopsWithAMessageNamingTheOpAndShapes() async {
    let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
        _ = Tensor.zeros([1, 3, 8, 8]).conv2d(Tensor.zeros([4, 2, 3, 3]))
    }
    let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    #expect(message.contains("conv2d: the input has 3 channels"), "\(message)")
    #expect(message.contains("input [1, 3, 8, 8], weight [4, 2, 3, 3]"), "\(message)")
    await #expect(processExitsWith: .failure) {
        _ = Tensor.zeros([1, 1, 2, 2]).conv2d(Tensor.zeros([1, 1, 3, 3]))
    }
    await #expect(processExitsWith: .failure) {
        _ = Tensor.zeros([1, 1, 4, 4], dtype: .int64).maxPool2d(kernelSize: (2, 2))
    }
}
