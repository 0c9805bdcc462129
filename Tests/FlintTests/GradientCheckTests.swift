import Flint
import FlintTestSupport
import Testing

// Finite-difference checks (float64, central differences) of every differentiable op of the core
// module, on small random shapes, with contiguous, transposed, step-sliced and expanded inputs and
// broadcasting between inputs.

/// Largest accepted scaled difference between autograd and finite differences. Central differences
/// with a 1e-6 step are accurate to about 1e-9 for these smooth, O(1) functions.
private let gradientTolerance = 1e-6

private func expectGradients(_ inputs: [Tensor], step: Double = 1e-6, tolerance: Double = gradientTolerance,
                             _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                             _ function: ([Tensor]) -> Tensor) {
    let result = checkGradients(inputs, step: step, function)
    #expect(result.maximumError < tolerance, "\(what): \(result)", sourceLocation: sourceLocation)
}

/// Random test data from a fixed seed, so that every run checks the same shapes and values.
private struct TestData {
    let generator: RandomGenerator

    init(seed: UInt64) { generator = RandomGenerator(seed: seed) }

    /// A random shape of `rank` dimensions, each of size 2...4.
    func shape(rank: Int) -> [Int] {
        Tensor.randint(low: 2, high: 5, shape: [rank], generator: generator).scalars(as: Int.self)
    }

    /// Standard normal values, or uniform values in [0.5, 2) for ops that need positive inputs.
    func values(_ shape: [Int], positive: Bool = false) -> Tensor {
        positive ? Tensor.uniform(shape, low: 0.5, high: 2, dtype: .float64, generator: generator)
            : Tensor.randn(shape, dtype: .float64, generator: generator)
    }

    /// The same logical shape in several layouts: contiguous, transposed (reversed axes),
    /// sliced with steps, and expanded along the first axis (a stride-0 view).
    func layouts(_ shape: [Int], positive: Bool = false) -> [(name: String, tensor: Tensor)] {
        let rank = shape.count
        let reversedAxes = Array((0..<rank).reversed())
        let transposed = values(shape.reversed(), positive: positive).permuted(reversedAxes)
        // Every other element along each axis, starting at 1: a view with strides 2x the base's.
        let sliced = stepSlice(values(shape.map { $0 * 2 + 1 }, positive: positive), shape)
        var broadcastSource = shape
        broadcastSource[0] = 1
        let expanded = values(broadcastSource, positive: positive).expanded(to: shape)
        return [("contiguous", values(shape, positive: positive)), ("transposed", transposed),
                ("step-sliced", sliced), ("expanded", expanded)]
    }

    private func stepSlice(_ tensor: Tensor, _ shape: [Int]) -> Tensor {
        switch shape.count {
        case 1: return tensor[TensorIndex.range(1, nil, step: 2)]
        case 2: return tensor[TensorIndex.range(1, nil, step: 2), TensorIndex.range(1, nil, step: 2)]
        default: return tensor[TensorIndex.range(1, nil, step: 2), TensorIndex.range(1, nil, step: 2),
                               TensorIndex.range(1, nil, step: 2)]
        }
    }
}

/// A deterministic bool pattern of `shape` (true at even flat positions plus a few odd ones).
private func pattern(_ shape: [Int]) -> Tensor {
    let count = shape.reduce(1, *)
    return Tensor((0..<count).map { $0 % 2 == 0 || $0 % 7 == 3 }, shape: shape)
}

/// Valid int64 indices in `0..<size` of `shape`, varying and with repeats.
private func indices(_ shape: [Int], size: Int) -> Tensor {
    let count = shape.reduce(1, *)
    return Tensor((0..<count).map { Int64(($0 * 3 + 1) % size) }, shape: shape)
}

/// An op of one tensor, checked on every layout of random rank-2 inputs.
struct UnaryGradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    let positive: Bool
    /// Picks one of several equal elements (max, min): not differentiable on the expanded layout,
    /// whose repeated elements are exact ties, so that layout is skipped.
    let breaksTies: Bool
    let function: @Sendable (Tensor) -> Tensor
    var testDescription: String { name }

    init(_ name: String, positive: Bool = false, breaksTies: Bool = false,
         _ function: @escaping @Sendable (Tensor) -> Tensor) {
        self.name = name
        self.positive = positive
        self.breaksTies = breaksTies
        self.function = function
    }
}

private let unaryCases: [UnaryGradientCase] = [
    // Elementwise with a number.
    UnaryGradientCase("negate") { -$0 },
    UnaryGradientCase("add scalar") { $0 + 1.5 },
    UnaryGradientCase("subtract scalar") { $0 - 0.5 },
    UnaryGradientCase("scalar minus") { 2 - $0 },
    UnaryGradientCase("multiply scalar") { $0 * -1.75 },
    UnaryGradientCase("divide by scalar") { $0 / 3 },
    UnaryGradientCase("scalar divided by", positive: true) { 2 / $0 },
    UnaryGradientCase("pow 3") { $0.pow(3) },
    UnaryGradientCase("pow 2") { $0.pow(2) },
    UnaryGradientCase("pow 0.5", positive: true) { $0.pow(0.5) },
    UnaryGradientCase("pow 1.7", positive: true) { $0.pow(1.7) },
    UnaryGradientCase("pow -1.5", positive: true) { $0.pow(-1.5) },
    UnaryGradientCase("pow 0") { $0.pow(0) },
    UnaryGradientCase("scalar pow") { Tensor.pow(2.5, $0) },
    UnaryGradientCase("square by multiply") { $0 * $0 },
    // Elementwise functions.
    UnaryGradientCase("abs") { $0.abs() },
    UnaryGradientCase("exp") { $0.exp() },
    UnaryGradientCase("log", positive: true) { $0.log() },
    UnaryGradientCase("log1p", positive: true) { $0.log1p() },
    UnaryGradientCase("sqrt", positive: true) { $0.sqrt() },
    UnaryGradientCase("rsqrt", positive: true) { $0.rsqrt() },
    UnaryGradientCase("sin") { $0.sin() },
    UnaryGradientCase("cos") { $0.cos() },
    UnaryGradientCase("tanh") { $0.tanh() },
    UnaryGradientCase("sigmoid") { ($0 * 3).sigmoid() },
    UnaryGradientCase("relu") { $0.relu() },
    UnaryGradientCase("leaky relu") { $0.leakyRelu(slope: 0.2) },
    UnaryGradientCase("elu") { $0.elu() },
    UnaryGradientCase("elu alpha") { $0.elu(alpha: 0.3) },
    UnaryGradientCase("gelu") { $0.gelu() },
    UnaryGradientCase("gelu tanh") { $0.gelu(approximation: .tanh) },
    UnaryGradientCase("silu") { $0.silu() },
    UnaryGradientCase("softplus") { $0.softplus() },
    UnaryGradientCase("softplus beta threshold") { ($0 * 4).softplus(beta: 2, threshold: 3) },
    UnaryGradientCase("clamp") { $0.clamp(min: -0.4, max: 0.6) },
    UnaryGradientCase("clamp min") { $0.clamp(min: 0.1) },
    UnaryGradientCase("clamp max") { $0.clamp(max: -0.1) },
    UnaryGradientCase("where with number") { Tensor.where(pattern($0.shape), $0, 0.5) },
    // Reductions and scans.
    UnaryGradientCase("sum") { $0.sum() },
    UnaryGradientCase("sum axis 0") { $0.sum(axis: 0) },
    UnaryGradientCase("sum axis 1 keepDims") { $0.sum(axis: 1, keepDims: true) },
    UnaryGradientCase("mean") { $0.mean() },
    UnaryGradientCase("mean axis keepDims") { $0.mean(axis: -1, keepDims: true) },
    UnaryGradientCase("prod") { $0.prod() },
    UnaryGradientCase("prod axis") { $0.prod(axes: [0]) },
    UnaryGradientCase("prod with zeros") { x in
        // Two extra rows with zeros, so that column 0 has one zero, column 1 none and column 2 two:
        // the three cases of prod's gradient.
        let columns = x.shape[1]
        let first = Tensor((0..<columns).map { $0 % 2 == 0 ? 0.0 : 1.0 }, shape: [1, columns])
        let second = Tensor((0..<columns).map { $0 < 2 ? 1.0 : 0.0 }, shape: [1, columns])
        return Tensor.concatenate([x, x[0...0] * first, x[1...1] * second], axis: 0).prod(axes: [0])
    },
    UnaryGradientCase("max axis", breaksTies: true) { $0.max(axis: 1).values },
    UnaryGradientCase("min axis keepDims", breaksTies: true) { $0.min(axis: 0, keepDims: true).values },
    UnaryGradientCase("max", breaksTies: true) { $0.max() },
    UnaryGradientCase("min", breaksTies: true) { $0.min() },
    UnaryGradientCase("variance") { $0.variance() },
    UnaryGradientCase("variance biased axis") { $0.variance(axes: [1], unbiased: false) },
    UnaryGradientCase("standard deviation") { $0.standardDeviation(axes: [0], keepDims: true) },
    UnaryGradientCase("logSumExp") { $0.logSumExp() },
    UnaryGradientCase("logSumExp axis") { $0.logSumExp(axes: [1], keepDims: true) },
    UnaryGradientCase("cumsum axis 0") { $0.cumsum(axis: 0) },
    UnaryGradientCase("cumsum axis 1") { $0.cumsum(axis: 1) },
    UnaryGradientCase("softmax") { $0.softmax() },
    UnaryGradientCase("softmax axis 0") { $0.softmax(axis: 0) },
    UnaryGradientCase("logSoftmax") { $0.logSoftmax() },
    UnaryGradientCase("logSoftmax axis 0") { $0.logSoftmax(axis: 0) },
    // Views and layout.
    UnaryGradientCase("reshape") { $0.reshaped([-1]) },
    UnaryGradientCase("reshape then multiply") { $0.reshaped([1, -1]) * $0.reshaped([-1, 1]) },
    UnaryGradientCase("transpose") { $0.transposed() * Tensor.arange(from: 1, to: Double($0.count) + 1, dtype: .float64).reshaped([$0.shape[1], $0.shape[0]]) },
    UnaryGradientCase("permute 3d") { $0.unsqueezed(axis: 1).permuted([2, 0, 1]) },
    UnaryGradientCase("expand") { $0.unsqueezed(axis: 0).expanded(to: [3] + $0.shape) },
    UnaryGradientCase("flatten") { $0.flattened() },
    UnaryGradientCase("squeeze") { $0.unsqueezed(axis: 2).squeezed(axis: 2) },
    UnaryGradientCase("narrow") { $0.narrowed(axis: 1, start: 1, length: $0.shape[1] - 1) },
    UnaryGradientCase("subscript range") { $0[1...] },
    UnaryGradientCase("subscript steps") { $0[TensorIndex.range(nil, nil, step: 2), TensorIndex.range(1, nil, step: 2)] },
    UnaryGradientCase("subscript index") { $0[TensorIndex.all, -1] },
    UnaryGradientCase("contiguous") { $0.contiguous() },
    UnaryGradientCase("split and recombine") { x in
        let parts = x.split(sizes: [1, x.shape[0] - 1])
        return parts[0] * 2 + parts[1].sum(axis: 0, keepDims: true)
    },
    UnaryGradientCase("chunk") { x in x.chunked(2, axis: 1).last! * 3 },
    // Indexing and joining.
    UnaryGradientCase("gather") { x in x.gather(axis: 1, index: indices([x.shape[0], 5], size: x.shape[1])) },
    UnaryGradientCase("gather axis 0") { x in x.gather(axis: 0, index: indices([3, x.shape[1]], size: x.shape[0])) },
    UnaryGradientCase("index select") { x in x.indexSelect(axis: 0, index: Tensor([0, x.shape[0] - 1, 0])) },
    UnaryGradientCase("index select axis 1") { x in x.indexSelect(axis: 1, index: Tensor([1, 1, 0])) },
    UnaryGradientCase("masked fill") { x in x.maskedFill(pattern(x.shape), with: -2) },
    UnaryGradientCase("masked select") { x in x.maskedSelect(pattern(x.shape)) },
    UnaryGradientCase("concatenate with itself") { x in Tensor.concatenate([x, x.exp(), x], axis: 1) },
    UnaryGradientCase("stack") { x in Tensor.stack([x, x * x], axis: 1) },
    UnaryGradientCase("pad") { x in x.padded([(1, 0), (2, 1)], value: 0.5) },
    UnaryGradientCase("repeat") { x in x.repeated([2, 1, 3]) },
    UnaryGradientCase("matmul with own transpose") { x in x.matmul(x.transposed()) },
    UnaryGradientCase("convert via float64 identity") { x in x.to(.float64) },
]

/// An op of two tensors, checked with broadcasting shapes.
struct BinaryGradientCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether the first (base) or second input must be positive.
    let positiveFirst: Bool
    let positiveSecond: Bool
    let function: @Sendable (Tensor, Tensor) -> Tensor
    var testDescription: String { name }

    init(_ name: String, positiveFirst: Bool = false, positiveSecond: Bool = false,
         _ function: @escaping @Sendable (Tensor, Tensor) -> Tensor) {
        self.name = name
        self.positiveFirst = positiveFirst
        self.positiveSecond = positiveSecond
        self.function = function
    }
}

private let binaryCases: [BinaryGradientCase] = [
    BinaryGradientCase("add") { $0 + $1 },
    BinaryGradientCase("subtract") { $0 - $1 },
    BinaryGradientCase("multiply") { $0 * $1 },
    BinaryGradientCase("divide", positiveSecond: true) { $0 / $1 },
    BinaryGradientCase("pow", positiveFirst: true) { $0.pow($1) },
    BinaryGradientCase("maximum") { $0.maximum($1) },
    BinaryGradientCase("minimum") { $0.minimum($1) },
    BinaryGradientCase("where") { a, b in
        Tensor.where(pattern(broadcastShape(a.shape, b.shape)), a, b)
    },
    BinaryGradientCase("compound") { a, b in (a * b).tanh() + a / (1 + b * b) - b.exp() * 0.5 },
]

/// NumPy's broadcast shape (the tests only build compatible shapes).
private func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let left = [Int](repeating: 1, count: rank - a.count) + a
    let right = [Int](repeating: 1, count: rank - b.count) + b
    return zip(left, right).map { max($0, $1) }
}

@Suite("Gradient checks")
struct GradientCheckTests {
    @Test("unary ops, every input layout", arguments: unaryCases)
    func unary(_ testCase: UnaryGradientCase) {
        let data = TestData(seed: 11)
        for _ in 0..<2 {
            let shape = data.shape(rank: 2)
            for (layout, input) in data.layouts(shape, positive: testCase.positive) {
                if testCase.breaksTies && layout == "expanded" { continue }
                expectGradients([input], "\(testCase.name), \(layout) \(shape)") { testCase.function($0[0]) }
            }
        }
    }

    @Test("binary ops, broadcasting and non-contiguous inputs", arguments: binaryCases)
    func binary(_ testCase: BinaryGradientCase) {
        let data = TestData(seed: 12)
        let shape = data.shape(rank: 2)
        let (rows, columns) = (shape[0], shape[1])
        let shapePairs: [([Int], [Int])] = [
            ([rows, columns], [rows, columns]), ([rows, columns], [columns]), ([rows, 1], [1, columns]),
            ([], [rows, columns]), ([2, 1, columns], [rows, 1]),
        ]
        for (first, second) in shapePairs {
            let a = data.values(first, positive: testCase.positiveFirst)
            let b = data.values(second, positive: testCase.positiveSecond)
            expectGradients([a, b], "\(testCase.name) \(first) with \(second)") { testCase.function($0[0], $0[1]) }
        }
        // Non-contiguous operands of the same shape.
        for (layout, a) in data.layouts(shape, positive: testCase.positiveFirst) {
            let b = data.layouts(shape, positive: testCase.positiveSecond)[1].tensor
            expectGradients([a, b], "\(testCase.name), \(layout) with transposed \(shape)") { testCase.function($0[0], $0[1]) }
        }
    }

    @Test("matmul: matrices, batches, broadcast batches, vectors, non-contiguous operands")
    func matmul() {
        let data = TestData(seed: 13)
        let shapePairs: [([Int], [Int])] = [
            ([3, 4], [4, 2]), ([2, 3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 2]), ([2, 3, 4], [4, 5]),
            ([3, 4], [2, 4, 5]), ([4], [4]), ([3, 4], [4]), ([4], [4, 3]), ([2, 3, 4], [4]), ([4], [2, 4, 3]),
        ]
        for (first, second) in shapePairs {
            expectGradients([data.values(first), data.values(second)], "matmul \(first) x \(second)") { $0[0].matmul($0[1]) }
        }
        let transposedLeft = data.values([4, 3]).transposed()
        let slicedRight = data.values([8, 5])[TensorIndex.range(nil, nil, step: 2), TensorIndex.range(1, nil, step: 2)]
        expectGradients([transposedLeft, slicedRight], "matmul transposed x step-sliced") { $0[0].matmul($0[1]) }
        let expandedBatch = data.values([1, 3, 4]).expanded(to: [2, 3, 4])
        expectGradients([expandedBatch, data.values([2, 4, 2])], "matmul expanded batch") { $0[0].matmul($0[1]) }
        let transposedBatch = data.values([2, 4, 3]).transposed(1, 2)
        expectGradients([transposedBatch, data.values([4, 5])], "matmul transposed batch x matrix") { $0[0].matmul($0[1]) }
        expectGradients([data.values([5]), data.values([5])], "dot") { $0[0].dot($0[1]) }
        expectGradients([data.values([3]), data.values([4])], "outer") { $0[0].outer($0[1]) }
    }

    @Test("linear: with and without bias, one row, a vector, a batch")
    func linear() {
        let data = TestData(seed: 31)
        expectGradients([data.values([3, 4]), data.values([5, 4]), data.values([5])], "linear") { $0[0].linear(weight: $0[1], bias: $0[2]) }
        expectGradients([data.values([1, 7]), data.values([3, 7]), data.values([3])], "linear one row") { $0[0].linear(weight: $0[1], bias: $0[2]) }
        expectGradients([data.values([4]), data.values([2, 4])], "linear vector, no bias") { $0[0].linear(weight: $0[1]) }
        expectGradients([data.values([2, 3, 4]), data.values([5, 4])], "linear batch") { $0[0].linear(weight: $0[1]) }
    }

    @Test("scatterAdd into the tensor and from the source, including a source larger than the index")
    func scatterAdd() {
        let data = TestData(seed: 14)
        let index = Tensor([[0, 1, 2, 0], [0, 0, 1, 2]])
        expectGradients([data.values([3, 4]), data.values([2, 4])], "scatterAdd axis 0") {
            $0[0].scatterAdd(axis: 0, index: index, source: $0[1])
        }
        expectGradients([data.values([3, 5]), data.values([3, 4])], "scatterAdd axis 1") {
            $0[0].scatterAdd(axis: 1, index: indices([3, 4], size: 5), source: $0[1])
        }
        expectGradients([data.values([3, 5]), data.values([3, 4])], "scatterAdd, index smaller than source") {
            $0[0].scatterAdd(axis: 1, index: indices([2, 2], size: 5), source: $0[1])
        }
        expectGradients([data.values([4, 3]).transposed(), data.values([3, 4])[TensorIndex.all, ..<3]],
                        "scatterAdd, non-contiguous tensor and source") {
            $0[0].scatterAdd(axis: 1, index: indices([3, 3], size: 4), source: $0[1])
        }
    }

    @Test("where: both branches, broadcast condition")
    func whereBranches() {
        let data = TestData(seed: 15)
        let condition = pattern([3, 1])
        expectGradients([data.values([4]), data.values([3, 4])], "where, broadcast condition and branch") {
            Tensor.where(condition, $0[0], $0[1])
        }
    }

    @Test("concatenate and stack of different inputs, pad on rank 3")
    func joining() {
        let data = TestData(seed: 16)
        expectGradients([data.values([2, 3]), data.values([2, 1]).expanded(to: [2, 2]), data.values([3, 2]).transposed()],
                        "concatenate axis 1") { Tensor.concatenate($0, axis: 1) }
        expectGradients([data.values([2, 3]), data.values([3, 2]).transposed()], "stack last axis") {
            Tensor.stack($0, axis: -1)
        }
        expectGradients([data.values([2, 3, 2])], "pad rank 3") { $0[0].padded([(0, 1), (2, 0)]) }
    }

    @Test("conversion to float32 and back (a loose check: float32 rounding)")
    func conversion() {
        // The forward pass rounds to float32 (about 1e-7 relative), so the finite differences use a
        // large step on a linear function: error about 1e-7 / 1e-2.
        let data = TestData(seed: 17)
        expectGradients([data.values([2, 3])], step: 1e-2, tolerance: 1e-4, "float64 -> float32 -> float64") {
            ($0[0].to(.float32) * 3).to(.float64)
        }
    }

    @Test("a rank-3 tensor through a small network of ops")
    func composite() {
        let data = TestData(seed: 18)
        let shape = data.shape(rank: 3)
        for (layout, input) in data.layouts(shape) {
            let weight = data.values([shape[2], 3])
            expectGradients([input, weight], "composite, \(layout) \(shape)") { x in
                let hidden = x[0].matmul(x[1]).gelu()
                let normalized = (hidden - hidden.mean(axes: [2], keepDims: true)) / (hidden.variance(axes: [2], keepDims: true) + 1e-3).sqrt()
                return normalized.logSoftmax(axis: -1).sum(axis: 1) + x[0].max(axis: 2).values.logSumExp(axes: [1], keepDims: true)
            }
        }
    }
}
