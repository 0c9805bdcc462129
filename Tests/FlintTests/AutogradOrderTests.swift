import Testing
import Flint
import Foundation

/// Backward must visit a tensor only after every tensor computed from it, even when it is
/// reached by paths of different lengths.
@Test("A tensor used on a short and a long path gets both gradients")
func gradientThroughPathsOfDifferentLengths() {
    let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
    (x + x.transposed()).sum().backward()
    #expect(x.grad!.scalars(as: Double.self) == [2, 2, 2, 2])

    let y = Tensor([1.0, 2.0, 3.0]).requiringGrad()
    (y * (y * 2).exp()).sum().backward()
    let expected = [1.0, 2.0, 3.0].map { Foundation.exp(2 * $0) * (1 + 2 * $0) }
    #expect(zip(y.grad!.scalars(as: Double.self), expected).allSatisfy { Swift.abs($0 - $1) < 1e-9 * Swift.abs($1) })
}
