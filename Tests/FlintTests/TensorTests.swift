import Flint
import FlintTestSupport
import Foundation
import Testing

// Behaviour of tensors that the PyTorch fixtures do not cover: creation, dtypes and conversion,
// views and storage sharing, printing, random reproducibility, and autograd semantics.

@Suite("Creation")
struct CreationTests {
    @Test func cumulativeSumOverAnEmptyAxisIsEmpty() {
        // Shape [2, 0, 3]: nothing to sum along axis 1, and nothing may be written.
        let x = Tensor.ones([2, 0, 3])
        #expect(x.cumsum(axis: 1).shape == [2, 0, 3])
        #expect(x.cumsum(axis: 0).shape == [2, 0, 3])
        #expect(Tensor.ones([0]).cumsum(axis: 0).shape == [0])
    }

    @Test func constants() {
        let zeros = Tensor.zeros([2, 3])
        #expect(zeros.shape == [2, 3])
        #expect(zeros.dtype == .float32)
        #expect(zeros.scalars(as: Float.self) == [Float](repeating: 0, count: 6))
        #expect(Tensor.ones([4], dtype: .int64).scalars(as: Int64.self) == [1, 1, 1, 1])
        #expect(Tensor.full([2, 2], 7, dtype: .float64).scalars(as: Double.self) == [7, 7, 7, 7])
        #expect(Tensor.full([3], 1, dtype: .bool).scalars(as: Bool.self) == [true, true, true])
        let like = Tensor.zeros(like: Tensor.ones([2, 5], dtype: .int32))
        #expect(like.shape == [2, 5] && like.dtype == .int32)
        #expect(Tensor.ones(like: zeros, dtype: .float64).dtype == .float64)
        #expect(Tensor.zeros([0, 3]).count == 0)
    }

    @Test func ranges() {
        let integers = Tensor.arange(4)
        #expect(integers.dtype == .int64)
        #expect(integers.scalars(as: Int64.self) == [0, 1, 2, 3])
        #expect(Tensor.arange(from: 0, to: 1, step: 0.25).scalars(as: Float.self) == [0, 0.25, 0.5, 0.75])
        #expect(Tensor.arange(from: 5, to: 0, step: -2, dtype: .float64).scalars(as: Double.self) == [5, 3, 1])
        #expect(Tensor.linspace(from: 0, through: 1, count: 5, dtype: .float64).scalars(as: Double.self) == [0, 0.25, 0.5, 0.75, 1])
        #expect(Tensor.linspace(from: 2, through: 3, count: 1).scalars(as: Float.self) == [2])
        #expect(Tensor.linspace(from: -1, through: 1, count: 7, dtype: .float64).scalars(as: Double.self).last == 1)
    }

    @Test func identity() {
        #expect(Tensor.eye(3).rows(as: Float.self) == [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        #expect(Tensor.eye(2, columns: 3, dtype: .float64).rows(as: Double.self) == [[1, 0, 0], [0, 1, 0]])
    }

    @Test func fromSwiftArrays() {
        let vector = Tensor([1.5, 2.5])
        #expect(vector.shape == [2] && vector.dtype == .float64)
        #expect(Tensor([1, 2, 3]).dtype == .int64)
        #expect(Tensor([1, 2] as [Float]).dtype == .float32)
        #expect(Tensor([true, false]).dtype == .bool)
        #expect(Tensor([1, 2, 3, 4] as [Int32], shape: [2, 2]).dtype == .int32)
        let matrix = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        #expect(matrix.shape == [2, 3])
        #expect(matrix.rows(as: Double.self) == [[1, 2, 3], [4, 5, 6]])
        let planes = Tensor([[[1.0], [2.0]], [[3.0], [4.0]]])
        #expect(planes.shape == [2, 2, 1])
        #expect(planes.scalars(as: Double.self) == [1, 2, 3, 4])
        let scalar = Tensor(2.5)
        #expect(scalar.rank == 0 && scalar.shape == [] && scalar.count == 1)
        #expect(scalar.item(as: Double.self) == 2.5)
        #expect(Tensor([1.0, 2.0], dtype: .float32).dtype == .float32)
        #expect(Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).strides == [3, 1])
    }
}

@Suite("Dtypes and conversion")
struct ConversionTests {
    @Test func toTruncatesSaturatesAndTests() {
        #expect(Tensor([1.7, -2.2, 0.0]).to(.int64).scalars(as: Int64.self) == [1, -2, 0])
        #expect(Tensor([1e20, -1e20, .nan]).to(.int32).scalars(as: Int32.self) == [.max, .min, 0])
        #expect(Tensor([0.0, -0.5, 2.0]).to(.bool).scalars(as: Bool.self) == [false, true, true])
        #expect(Tensor([300, -5]).to(.uint8).scalars(as: UInt8.self) == [255, 0])
        #expect(Tensor([true, false]).to(.float32).scalars(as: Float.self) == [1, 0])
        let roundTrip = Tensor([0.1, 1e-30]).to(.float32).to(.float64)
        #expect(roundTrip.scalars(as: Double.self) == [Double(Float(0.1)), Double(Float(1e-30))])
        let same = Tensor([1.0, 2.0])
        #expect(same.to(.float64).sharesStorage(with: same))
    }

    @Test func readingValuesBack() {
        let matrix = Tensor([[1.0, 2.0], [3.0, 4.0]])
        #expect(matrix.scalars(as: Float.self) == [1, 2, 3, 4])
        #expect(matrix.scalars(as: Int.self) == [1, 2, 3, 4])
        #expect(matrix.transposed().scalars(as: Double.self) == [1, 3, 2, 4])
        #expect(matrix.transposed().rows(as: Double.self) == [[1, 3], [2, 4]])
        #expect(matrix.sum().item(as: Double.self) == 10)
        #expect(matrix[1, 0].item(as: Int64.self) == 3)
        #expect(Tensor([7]).item(as: Int.self) == 7)
        #expect(DType.float64.byteSize == 8 && DType.bool.byteSize == 1)
        #expect(DType.float32.isFloatingPoint && !DType.int64.isFloatingPoint && DType.uint8.isInteger)
    }

    @Test func integerArithmetic() {
        let a = Tensor([7, -7, 6])
        let b = Tensor([2, 2, -4])
        #expect((a / b).scalars(as: Int64.self) == [3, -4, -2], "integer division floors, as PyTorch's //")
        #expect((a + 1).scalars(as: Int64.self) == [8, -6, 7])
        #expect((a * b).dtype == .int64)
        #expect(Tensor([1, 2, 3] as [Int32]).sum().dtype == .int64)
        #expect(Tensor([true, true, false]).sum().item(as: Int64.self) == 2)
    }
}

@Suite("Views and storage")
struct ViewTests {
    @Test func viewsShareStorage() {
        let base = Tensor.arange(12, dtype: .float64)
        let matrix = base.reshaped([3, 4])
        #expect(matrix.sharesStorage(with: base), "reshape of a contiguous tensor is a view")
        #expect(matrix.transposed().sharesStorage(with: base))
        #expect(!matrix.transposed().isContiguous)
        #expect(matrix.transposed().strides == [1, 4])
        #expect(matrix.permuted([1, 0]).sharesStorage(with: base))
        let slice = matrix[1..., TensorIndex.range(nil, nil, step: 2)]
        #expect(slice.sharesStorage(with: base))
        #expect(slice.offset == 4 && slice.strides == [4, 2] && slice.shape == [2, 2])
        #expect(slice.scalars(as: Double.self) == [4, 6, 8, 10])
        let expanded = Tensor([1.0, 2.0]).expanded(to: [3, 2])
        #expect(expanded.strides == [0, 1])
        #expect(expanded.scalars(as: Double.self) == [1, 2, 1, 2, 1, 2])
        #expect(matrix.narrowed(axis: 1, start: 1, length: 2).sharesStorage(with: base))
        #expect(matrix.unsqueezed(axis: 0).sharesStorage(with: base))
        #expect(base.split(size: 5).allSatisfy { $0.sharesStorage(with: base) })
        #expect(Tensor.arange(10)[2...].offset == 2)
    }

    @Test func reshapeOfTransposedCopies() {
        let matrix = Tensor.arange(6, dtype: .float64).reshaped([2, 3])
        let transposed = matrix.transposed()
        let flat = transposed.reshaped([6])
        #expect(!flat.sharesStorage(with: matrix), "a transposed tensor cannot be flattened without a copy")
        #expect(flat.isContiguous)
        #expect(flat.scalars(as: Double.self) == [0, 3, 1, 4, 2, 5])
        // Splitting a dimension of a transposed tensor needs no copy.
        let split = transposed.reshaped([3, 2, 1])
        #expect(split.sharesStorage(with: matrix))
        #expect(split.scalars(as: Double.self) == [0, 3, 1, 4, 2, 5])
    }

    @Test func contiguousCopiesOnlyWhenNeeded() {
        let matrix = Tensor.arange(6, dtype: .float64).reshaped([2, 3])
        #expect(matrix.contiguous().sharesStorage(with: matrix))
        let packed = matrix.transposed().contiguous()
        #expect(packed.isContiguous && !packed.sharesStorage(with: matrix))
        #expect(packed.strides == [2, 1])
        #expect(packed.rows(as: Double.self) == [[0, 3], [1, 4], [2, 5]])
        let stepped = Tensor.arange(10, dtype: .float64)[stride(from: 1, to: 10, by: 3)]
        #expect(!stepped.isContiguous)
        #expect(stepped.contiguous().scalars(as: Double.self) == [1, 4, 7])
    }

    @Test func operationsDoNotWriteIntoViews() {
        let base = Tensor([1.0, 2.0, 3.0, 4.0])
        let view = base.reshaped([2, 2])
        var total = view
        total += Tensor.ones([2, 2], dtype: .float64)
        #expect(base.scalars(as: Double.self) == [1, 2, 3, 4])
        #expect(total.scalars(as: Double.self) == [2, 3, 4, 5])
    }
}

@Suite("Description")
struct DescriptionTests {
    @Test func smallTensorsPrintLikePyTorch() {
        #expect(Tensor([[1.0, 2.5], [3.0, 4.0]]).description == """
            tensor([[1.0000, 2.5000],
                    [3.0000, 4.0000]], dtype: float64)
            """)
        #expect(Tensor([1, 2, 3]).description == "tensor([1, 2, 3])")
        #expect(Tensor([0.5, -1] as [Float]).description == "tensor([ 0.5000, -1.0000])")
        #expect(Tensor([true, false]).description == "tensor([ true, false])")
        #expect(Tensor(Float(2.5)).description == "tensor(2.5000)")
        #expect(Tensor([1, 2] as [Int32]).description == "tensor([1, 2], dtype: int32)")
        #expect(Tensor([1e-6, 1.0] as [Float]).description == "tensor([1.0000e-06, 1.0000e+00])")
        #expect(Tensor([Float.nan, .infinity]).description == "tensor([nan, inf])")
        #expect(Tensor.zeros([2, 1, 2]).description == "tensor([[[0.0000, 0.0000]],\n\n        [[0.0000, 0.0000]]])")
    }

    @Test func gradientStateIsShown() {
        let leaf = Tensor([1.0] as [Float]).requiringGrad()
        #expect(leaf.description.hasSuffix(", requiresGrad: true)"))
        #expect((leaf * 2).description.hasSuffix(", gradient recorded)"))
    }

    @Test func largeTensorsAreAbbreviated() {
        let large = Tensor.arange(2000, dtype: .float32).reshaped([40, 50])
        let text = large.description
        #expect(text.contains("..."))
        #expect(text.hasSuffix(", shape: [40, 50])"))
        #expect(text.count < 600, "abbreviated to the first and last rows and columns, got \(text.count) characters")
        #expect(text.hasPrefix("tensor([[   0.0000,    1.0000,    2.0000, ...,   47.0000,   48.0000,   49.0000],"))
        #expect(text.contains("[1950.0000, 1951.0000, 1952.0000, ..., 1997.0000, 1998.0000, 1999.0000]]"))
        let debug = Tensor.zeros([2, 2]).transposed().debugDescription
        #expect(debug.contains("strides: [1, 2]") && debug.contains("contiguous: false"))
    }
}

@Suite("Random numbers")
struct RandomTests {
    @Test func seedMakesRunsReproducible() {
        // The only test that uses the shared generator, so that no other test draws in between.
        Flint.seed(42)
        let first = Tensor.randn([5, 3])
        let firstUniform = Tensor.rand([4], dtype: .float64)
        Flint.seed(42)
        let second = Tensor.randn([5, 3])
        let secondUniform = Tensor.rand([4], dtype: .float64)
        #expect(first.scalars(as: Float.self) == second.scalars(as: Float.self))
        #expect(firstUniform.scalars(as: Double.self) == secondUniform.scalars(as: Double.self))
        Flint.seed(43)
        #expect(Tensor.randn([5, 3]).scalars(as: Float.self) != first.scalars(as: Float.self))
    }

    @Test func sameValuesOnOneOrTwoThreads() {
        let saved = Flint.threadCount
        defer { Flint.threadCount = saved }
        func draw() -> (normal: [Double], uniform: [Float], integers: [Int64], total: Double) {
            let generator = RandomGenerator(seed: 42)
            let normal = Tensor.randn([300_000], dtype: .float64, generator: generator)
            return (normal.scalars(), Tensor.rand([100_000], generator: generator).scalars(),
                    Tensor.randint(low: 0, high: 1000, shape: [70_000], generator: generator).scalars(),
                    normal.sum().item())
        }
        Flint.threadCount = 1
        let single = draw()
        Flint.threadCount = 2
        let double = draw()
        #expect(single.normal == double.normal)
        #expect(single.uniform == double.uniform)
        #expect(single.integers == double.integers)
        #expect(single.total == double.total, "a whole-tensor sum does not depend on the thread count")
    }

    @Test func generatorsAreIndependentAndRanged() {
        let a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        #expect(Tensor.rand([10], generator: a).scalars(as: Float.self) == Tensor.rand([10], generator: b).scalars(as: Float.self))
        a.reseed(7)
        let again = Tensor.rand([10], generator: a).scalars(as: Float.self)
        #expect(again == Tensor.rand([10], generator: RandomGenerator(seed: 7)).scalars(as: Float.self))
        let generator = RandomGenerator(seed: 3)
        let uniform = Tensor.uniform([10_000], low: -2, high: 3, dtype: .float64, generator: generator).scalars(as: Double.self)
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 3 })
        let floats = Tensor.rand([10_000], generator: generator).scalars(as: Float.self)
        #expect(floats.allSatisfy { $0 >= 0 && $0 < 1 })
        let integers = Tensor.randint(low: -3, high: 4, shape: [10_000], generator: generator).scalars(as: Int64.self)
        #expect(Set(integers) == Set(-3...3))
        let normal = Tensor.normal([20_000], mean: 5, standardDeviation: 2, dtype: .float64, generator: generator)
        #expect(Swift.abs(normal.mean().item(as: Double.self) - 5) < 0.1)
        #expect(Swift.abs(normal.standardDeviation().item(as: Double.self) - 2) < 0.1)
        let coins = Tensor.bernoulli([10_000], probability: 0.3, generator: generator).mean().item(as: Float.self)
        #expect(Swift.abs(coins - 0.3) < 0.03)
    }
}

@Suite("Autograd")
struct AutogradTests {
    @Test func gradientsAccumulateAcrossBackwardCalls() {
        let x = Tensor([1.0, -2.0, 3.0]).requiringGrad()
        (x * x).sum().backward()
        #expect(x.grad?.scalars(as: Double.self) == [2, -4, 6])
        (x * x).sum().backward()
        #expect(x.grad?.scalars(as: Double.self) == [4, -8, 12])
        x.zeroGrad()
        #expect(x.grad == nil)
        (x * 3).sum().backward()
        #expect(x.grad?.scalars(as: Double.self) == [3, 3, 3])
    }

    @Test func leavesAndComputedTensors() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        let y = x * 2
        #expect(x.isLeaf && x.requiresGrad)
        #expect(!y.isLeaf && y.requiresGrad)
        let constant = Tensor([1.0, 2.0])
        #expect(!(constant * 2).requiresGrad, "nothing is recorded when no input requires gradients")
        y.sum().backward()
        #expect(y.grad == nil, "only leaves keep their gradient")
        #expect(x.grad?.scalars(as: Double.self) == [2, 2])
    }

    @Test func detachBlocksGradients() {
        let x = Tensor([1.0, 2.0, 3.0]).requiringGrad()
        let detached = x.detach()
        #expect(!detached.requiresGrad && detached.sharesStorage(with: x))
        (x * detached).sum().backward()
        #expect(x.grad?.scalars(as: Double.self) == [1, 2, 3], "the detached factor is a constant")
    }

    @Test func withoutGradientsRecordsNothing() {
        let x = Tensor([1.0, 2.0]).requiringGrad()
        #expect(isGradientRecordingEnabled)
        let y = withoutGradients {
            #expect(!isGradientRecordingEnabled)
            let nested = withoutGradients { x * 3 }
            #expect(!isGradientRecordingEnabled, "leaving a nested scope keeps the outer one")
            return (x * 2 + nested).exp()
        }
        #expect(isGradientRecordingEnabled)
        #expect(!y.requiresGrad && y.isLeaf)
        #expect(x.grad == nil)
    }

    @Test func valueAndGradientLeavesInputsAlone() {
        let x = Tensor([1.0, 2.0, 3.0])
        let (value, gradient) = valueAndGradient(at: x) { ($0 * $0).sum() }
        #expect(value.item(as: Double.self) == 14)
        #expect(gradient.scalars(as: Double.self) == [2, 4, 6])
        #expect(!value.requiresGrad)
        let w = Tensor([0.5, -1.0]).requiringGrad()
        let b = Tensor(0.25)
        let (loss, gradients) = valueAndGradient(at: [w, b]) { p in (p[0] * 2 + p[1]).pow(2).sum() }
        // p[0] * 2 + p[1] = [1.25, -1.75]
        #expect(loss.item(as: Double.self) == 4.625)
        #expect(gradients[0].scalars(as: Double.self) == [5, -7])
        #expect(gradients[1].item(as: Double.self) == -1)
        #expect(w.grad == nil, "valueAndGradient does not touch the inputs' .grad")
        let (_, unused) = valueAndGradient(at: [w, b]) { p in p[0].sum() }
        #expect(unused[1].scalars(as: Double.self) == [0], "an input the value does not depend on gets zeros")
    }

    @Test func tensorReachedAlongSeveralPaths() {
        // a feeds the sum directly and through exp: its gradient must collect both paths before
        // it flows on to x.
        let x = Tensor([0.5, -1.0]).requiringGrad()
        let a = x * 2
        (a + a.exp() * a).sum().backward()
        let expected = x.detach().scalars(as: Double.self).map { value -> Double in
            let a = 2 * value
            return 2 * (1 + Foundation.exp(a) * (1 + a))
        }
        #expect(isClose(x.grad!, Tensor(expected), tolerance: 1e-12))
        let y = Tensor([1.0, 2.0]).requiringGrad()
        Tensor.concatenate([y, y * 2, (y * 3).exp().log()]).sum().backward()
        #expect(isClose(y.grad!, Tensor([6.0, 6.0]), tolerance: 1e-12))
    }

    @Test func backwardWithAnExplicitSeed() {
        let x = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
        (x * x).backward(Tensor([[1.0, 0.0], [0.5, -1.0]]))
        #expect(x.grad?.rows(as: Double.self) == [[2, 0], [3, -8]])
    }

    @Test func gradientConventionsAtKinks() {
        let (_, relu) = valueAndGradient(at: Tensor([-1.0, 0.0, 1.0])) { $0.relu().sum() }
        #expect(relu.scalars(as: Double.self) == [0, 0, 1])
        let (_, absolute) = valueAndGradient(at: Tensor([-1.0, 0.0, 1.0])) { $0.abs().sum() }
        #expect(absolute.scalars(as: Double.self) == [-1, 0, 1])
        // Flint passes the gradient through at a clamp bound (PyTorch 2.15 does not; older versions did).
        let (_, clamp) = valueAndGradient(at: Tensor([-1.0, -0.5, 0.0, 0.5, 1.0])) { $0.clamp(min: -0.5, max: 0.5).sum() }
        #expect(clamp.scalars(as: Double.self) == [0, 1, 1, 1, 0])
        let (_, maximum) = valueAndGradient(at: [Tensor([1.0, 2.0]), Tensor([1.0, 3.0])]) { $0[0].maximum($0[1]).sum() }
        #expect(maximum[0].scalars(as: Double.self) == [0.5, 0] && maximum[1].scalars(as: Double.self) == [0.5, 1])
    }

    @Test func float32GradientsFlowThroughConversion() {
        let x = Tensor([1, 2] as [Float]).requiringGrad()
        (x.to(.float64) * 3).sum().backward()
        #expect(x.grad?.dtype == .float32)
        #expect(x.grad?.scalars(as: Float.self) == [3, 3])
    }

    @Test func backwardTwiceOnAFreedGraphStops() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            let loss = (x * x).sum()
            loss.backward()
            loss.backward()
        }
    }

    @Test func reusingAnIntermediateAfterBackwardStops() async {
        // The graph behind `y` was freed by the first backward; going through it again must not
        // silently treat `y` as a leaf and leave x's gradient unchanged.
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let x = Tensor([1.0, 2.0]).requiringGrad()
            let y = x * 2
            y.sum().backward()
            (y * 3).sum().backward()
        }
        if let result {
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("backward") && message.contains("freed"), "stderr: \(message)")
        }
    }
}

@Suite("Reductions")
struct ReductionTests {
    /// A sum over leading axes with a wide inner block (a bias gradient) is split by blocks of
    /// output columns: right against float64 (keepDims too), and the same bits on one or two threads.
    @Test func sumOverLeadingAxesMatchesDoublePrecisionOnOneOrTwoThreads() {
        let saved = Flint.threadCount
        defer { Flint.threadCount = saved }
        let values = Tensor.randn([3, 700, 130], generator: RandomGenerator(seed: 5))
        Flint.threadCount = 1
        let single = values.sum(axes: [0, 1])
        Flint.threadCount = 2
        let double = values.sum(axes: [0, 1])
        #expect(single.scalars(as: Float.self) == double.scalars(as: Float.self))
        // 2,100 float32 terms added in row order: a rounding error of about 1e-4 is expected.
        #expect(isClose(double.to(.float64), values.to(.float64).sum(axes: [0, 1]), tolerance: 1e-3))
        let middle = values.sum(axis: 1, keepDims: true)
        #expect(middle.shape == [3, 1, 130])
        #expect(isClose(middle.to(.float64), values.to(.float64).sum(axis: 1, keepDims: true), tolerance: 1e-3))
    }
}
