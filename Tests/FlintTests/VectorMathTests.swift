import Flint
import FlintTestSupport
import Testing

/// The float32 eight-lane functions (exp, sigmoid, silu, softmax, GELU and its gradient) agree with
/// the float64 C-library path, including the special values and the scalar tail after the last
/// full vector.
@Suite struct VectorMathTests {
    /// Values inside float32's exponent range (203: not a multiple of 8, so the scalar tail runs too).
    static let values: [Float] = (0..<203).map { Float($0 - 101) * 0.15 } + [-87, 0, 88]

    @Test func exponentialFamilyMatchesDoublePrecision() {
        let single = Tensor(Self.values), double = single.to(.float64)
        #expect(isClose(single.exp().to(.float64), double.exp(), tolerance: 2e-7))
        #expect(isClose(single.sigmoid().to(.float64), double.sigmoid(), tolerance: 2e-7))
        #expect(isClose(single.silu().to(.float64), double.silu(), tolerance: 2e-7))
        let special = Tensor([-200, -90, 89, 200, .infinity, -.infinity, 0, 1, 2] as [Float]).exp().scalars(as: Float.self)
        #expect(special[0] == 0 && special[1] < 1e-37 && special[2] == .infinity && special[3] == .infinity)
        #expect(special[4] == .infinity && special[5] == 0 && special[6] == 1)
        let nan = Tensor([Float.nan, 1, 2, 3, 4, 5, 6, 7, 8]).exp().scalars(as: Float.self)
        #expect(nan[0].isNaN)
        let rows = Tensor(Self.values.map { $0 / 10 }, shape: [2, 103])
        #expect(isClose(rows.softmax(axis: 1).to(.float64), rows.to(.float64).softmax(axis: 1), tolerance: 1e-6))
        #expect(isClose(rows.logSoftmax(axis: 1).to(.float64), rows.to(.float64).logSoftmax(axis: 1), tolerance: 1e-6))
    }

    @Test func geluAndItsGradientMatchDoublePrecision() {
        let finite = Self.values.filter { $0.isFinite && Swift.abs($0) < 100 }
        let single = Tensor(finite).requiringGrad(), double = Tensor(finite.map(Double.init)).requiringGrad()
        let singleOutput = single.gelu(), doubleOutput = double.gelu()
        #expect(isClose(singleOutput.detach().to(.float64), doubleOutput.detach(), tolerance: 1e-6))
        singleOutput.sum().backward()
        doubleOutput.sum().backward()
        #expect(isClose(single.grad!.to(.float64), double.grad!, tolerance: 1e-6))
    }

    /// Float32 layer norm (eight lanes, then the scalar tail) against the float64 path: a row of 128,
    /// one of 13 (one vector and a tail), with and without affine parameters; 700 rows of 200 make
    /// the parameter gradients' column blocks (64, 64, 64 and a tail of 8) run on both threads.
    @Test(arguments: [(6, 128), (6, 13), (6, 21), (700, 200)]) func layerNormMatchesDoublePrecision(rows: Int, length: Int) throws {
        Flint.seed(UInt64(length))
        let input = Tensor.randn([rows, length]) * 3 + 1, upstream = Tensor.randn([rows, length])
        let weight = Tensor.randn([length]), bias = Tensor.randn([length])
        for affine in [true, false] {
            // `requiringGrad()` marks the tensor itself (as PyTorch's `requires_grad_()`): fresh leaves each time.
            let x32 = input.detach().requiringGrad(), x64 = input.to(.float64).requiringGrad()
            let w32 = weight.detach().requiringGrad(), w64 = weight.to(.float64).requiringGrad()
            let b32 = bias.detach().requiringGrad(), b64 = bias.to(.float64).requiringGrad()
            let y32 = x32.layerNorm(normalizedShape: [length], weight: affine ? w32 : nil, bias: affine ? b32 : nil)
            let y64 = x64.layerNorm(normalizedShape: [length], weight: affine ? w64 : nil, bias: affine ? b64 : nil)
            #expect(isClose(y32.detach().to(.float64), y64.detach(), tolerance: 1e-5))
            (y32 * upstream).sum().backward()
            (y64 * upstream.to(.float64)).sum().backward()
            #expect(isClose(try #require(x32.grad).to(.float64), try #require(x64.grad), tolerance: 1e-4))
            if affine {
                #expect(isClose(try #require(w32.grad).to(.float64), try #require(w64.grad), tolerance: 1e-4))
                #expect(isClose(try #require(b32.grad).to(.float64), try #require(b64.grad), tolerance: 1e-4))
            }
        }
    }
}
