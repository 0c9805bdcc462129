import Testing
import Flint
import FlintTestSupport

/// Reproducible normal values.
private func random(_ shape: [Int], seed: UInt64, dtype: DType = .float64) -> Tensor {
    Tensor.randn(shape, dtype: dtype, generator: RandomGenerator(seed: seed))
}

/// The reference: scores above the diagonal filled with -inf, then the ordinary softmax.
private func maskedSoftmax(_ scores: Tensor) -> Tensor {
    let (targetLength, sourceLength) = (scores.shape[scores.rank - 2], scores.shape[scores.rank - 1])
    let future = Tensor.arange(sourceLength).reshaped([1, sourceLength]) .> Tensor.arange(targetLength).reshaped([targetLength, 1])
    return scores.maskedFill(future, with: -.infinity).softmax(axis: -1)
}

@Test(arguments: [[2, 3, 5, 5], [4, 6], [3, 6, 4], [2, 4, 7]])
func causalSoftmaxMatchesMaskedSoftmax(_ shape: [Int]) {
    let scores = random(shape, seed: 11)
    #expect(isClose(scores.causalSoftmax(), maskedSoftmax(scores), tolerance: 1e-12))
    let single = scores.to(.float32)
    #expect(isClose(single.causalSoftmax(), maskedSoftmax(single), tolerance: 1e-6))
}

@Test func causalSoftmaxOfNonContiguousScores() {
    let scores = random([3, 5, 5], seed: 12).transposed(1, 2)
    #expect(isClose(scores.causalSoftmax(), maskedSoftmax(scores), tolerance: 1e-12))
}

@Test(arguments: [[2, 3, 5, 5], [6, 4], [2, 4, 7]])
func causalSoftmaxGradientsMatchFiniteDifferences(_ shape: [Int]) {
    let result = checkGradients([random(shape, seed: 13)]) { values in values[0].causalSoftmax() }
    #expect(result.maximumError < 1e-6, "\(result)")
}

@Test func float32SoftmaxGradientsMatchFloat64() {
    // The float32 gradient of the last axis runs in one fused pass; compare it with float64.
    let scores = random([3, 4, 9], seed: 14), upstream = random([3, 4, 9], seed: 15)
    func gradients(_ dtype: DType, causal: Bool) -> Tensor {
        let leaf = scores.to(dtype).detach().requiringGrad()
        let output = causal ? leaf.causalSoftmax() : leaf.softmax(axis: -1)
        (output * upstream.to(dtype)).sum().backward()
        return leaf.grad!.to(.float64)
    }
    for causal in [false, true] {
        #expect(isClose(gradients(.float32, causal: causal), gradients(.float64, causal: causal), tolerance: 1e-5))
    }
}
