import Flint
import FlintTestSupport
import Testing

/// `x · Wᵀ` (every linear layer): the weight's gradient is computed in the weight's own layout, so
/// it must stay correct and arrive contiguous.
@Suite struct TransposedWeightGradientTests {
    @Test(arguments: [[5, 3], [2, 4, 3]])
    func gradientThroughATransposedWeight(inputShape: [Int]) {
        let input = Tensor.randn(inputShape, dtype: .float64), weight = Tensor.randn([6, 3], dtype: .float64)
        let check = checkGradients([input, weight]) { $0[0].matmul($0[1].transposed()) }
        #expect(check.maximumError < 1e-7, "\(check)")
        let leaf = weight.detach().requiringGrad()
        input.matmul(leaf.transposed()).sum().backward()
        #expect(leaf.grad!.isContiguous)
        let expected = Tensor.ones(inputShape.dropLast() + [6], dtype: .float64)
            .reshaped([-1, 6]).transposed().matmul(input.reshaped([-1, 3]))
        #expect(isClose(leaf.grad!, expected, tolerance: 1e-12))
    }
}
