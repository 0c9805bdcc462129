import Flint
import FlintTestSupport
import Testing

/// `linear` on one float32 row outside recording takes the fused matrix-vector kernel (rows split
/// over threads, four rows at a time, the bias in the same pass); it must give what the matrix
/// product plus the bias gives, for every tail of rows and columns, and step aside when it should.
@Suite struct FusedLinearTests {
    /// (input shape, rows of the weight): widths that leave every tail (16, 8 and single columns;
    /// four-row groups and single rows), the benchmark MLP's first layer (split over threads), a
    /// vector and a [1, 1, n] input.
    static let cases: [([Int], Int)] = [([1, 784], 512), ([1, 37], 13), ([1, 16], 4), ([1, 9], 3), ([1, 1], 1), ([37], 13),
                                        ([1, 1, 64], 130), ([1, 512], 256)]

    @Test(arguments: cases)
    func fusedRowMatchesTheProductPlusBias(shape: [Int], rows: Int) {
        Flint.seed(7)
        let columns = shape.last!
        let input = Tensor.randn(shape), weight = Tensor.randn([rows, columns]), bias = Tensor.randn([rows])
        let exact = input.to(.float64).matmul(weight.to(.float64).transposed()) + bias.to(.float64)
        for withBias in [true, false] {
            let fused = withoutGradients { input.linear(weight: weight, bias: withBias ? bias : nil) }
            let expected = withBias ? exact : exact - bias.to(.float64)
            #expect(fused.shape == Array(shape.dropLast()) + [rows])
            #expect(fused.dtype == .float32)
            let error = (fused.to(.float64) - expected).abs().max().item(as: Double.self)
            let scale = Double(columns).squareRoot() * 4
            #expect(error <= 1e-5 * scale, "\(shape) x [\(rows), \(columns)], bias \(withBias): error \(error)")
        }
    }

    @Test func recordingAndNonContiguousInputsTakeTheGeneralPath() {
        Flint.seed(8)
        let weight = Tensor.randn([6, 5]).requiringGrad(), bias = Tensor.randn([6]).requiringGrad()
        let row = Tensor.randn([1, 5])
        let recorded = row.linear(weight: weight, bias: bias)
        #expect(recorded.requiresGrad)
        recorded.sum().backward()
        let expectedWeightGradient = row.expanded(to: [6, 5])
        #expect((weight.grad! - expectedWeightGradient).abs().max().item(as: Double.self) < 1e-6)
        #expect((bias.grad! - Tensor.ones([6])).abs().max().item(as: Double.self) < 1e-6)

        let column = Tensor.randn([1, 10])[TensorIndex.all, TensorIndex.range(nil, nil, step: 2)]   // [1, 5], every other value
        #expect(!column.isContiguous)
        let viaView = withoutGradients { column.linear(weight: weight, bias: bias) }
        let viaCopy = withoutGradients { column.contiguous().linear(weight: weight, bias: bias) }
        #expect((viaView - viaCopy).abs().max().item(as: Double.self) < 1e-5)
        #expect(!viaView.requiresGrad)
    }

    /// An input with no features gives the bias in every row, and its gradients (empty for the
    /// input and weight, the row count for the bias), as PyTorch's `F.linear`.
    @Test func inputsWithoutFeaturesGiveTheBias() throws {
        let input = Tensor.zeros([3, 0]).requiringGrad(), weight = Tensor.zeros([4, 0]).requiringGrad()
        let bias = Tensor([1.0, 2.0, 3.0, 4.0]).to(.float32).requiringGrad()
        let output = input.linear(weight: weight, bias: bias)
        #expect(output.shape == [3, 4])
        #expect(output.scalars(as: Float.self) == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4])
        output.sum().backward()
        #expect(try #require(input.grad).shape == [3, 0])
        #expect(try #require(weight.grad).shape == [4, 0])
        #expect(try #require(bias.grad).scalars(as: Float.self) == [3, 3, 3, 3])
    }

    /// Several rows start from the bias (rows set to it, the product accumulated onto them) and
    /// record one `linear` step: values and all three gradients against float64 formulas, for a
    /// batch split over threads and a small one.
    @Test(arguments: [[3, 40, 70], [2, 5]]) func batchedRowsStartFromTheBias(shape: [Int]) throws {
        Flint.seed(9)
        let inputSize = shape.last!, outputSize = 130
        let input = Tensor.randn(shape).requiringGrad()
        let weight = (Tensor.randn([outputSize, inputSize]) * 0.1).requiringGrad(), bias = Tensor.randn([outputSize]).requiringGrad()
        let output = input.linear(weight: weight, bias: bias)
        #expect(output.shape == Array(shape.dropLast()) + [outputSize])
        let x = input.detach().to(.float64), w = weight.detach().to(.float64), b = bias.detach().to(.float64)
        let upstream = Tensor.randn(output.shape)
        #expect(isClose(output.detach().to(.float64), x.matmul(w.transposed()) + b, tolerance: 1e-5))
        (output * upstream).sum().backward()
        let rows = input.count / inputSize
        let g = upstream.to(.float64).reshaped([rows, outputSize]), flatInput = x.reshaped([rows, inputSize])
        #expect(isClose(try #require(input.grad).to(.float64), g.matmul(w).reshaped(shape), tolerance: 1e-5))
        #expect(isClose(try #require(weight.grad).to(.float64), g.transposed().matmul(flatInput), tolerance: 1e-4))
        #expect(isClose(try #require(bias.grad).to(.float64), g.sum(axis: 0), tolerance: 1e-5))
    }
}
