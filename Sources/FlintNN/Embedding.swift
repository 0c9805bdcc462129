import Flint

/// A lookup table of `entryCount` vectors of size `dimension`, indexed by integers, as
/// `torch.nn.Embedding`: weight `[entryCount, dimension]` drawn from N(0, 1); the row at
/// `paddingIndex` starts at zero and never receives a gradient.
///
/// ```swift
/// let embedding = Embedding(10_000, 128, paddingIndex: 0)
/// embedding(Tensor([[5, 17, 0]])).shape  // [1, 3, 128]
/// ```
public final class Embedding: Module {
    /// `[entryCount, dimension]`.
    public let weight: Parameter
    /// The number of rows (the vocabulary size).
    public let entryCount: Int
    /// The size of each vector.
    public let dimension: Int
    /// The row that stays out of training (normalised to 0..<entryCount), or nil.
    public let paddingIndex: Int?

    /// A table of `entryCount` vectors of size `dimension`; a negative `paddingIndex` counts from the end.
    ///
    /// ```swift
    /// Embedding(1000, 64, dtype: .float64)
    /// ```
    public init(_ entryCount: Int, _ dimension: Int, paddingIndex: Int? = nil, dtype: DType = .float32) {
        precondition(entryCount > 0 && dimension > 0, "Embedding: sizes must be positive, got \(entryCount) × \(dimension)")
        if let paddingIndex {
            precondition(paddingIndex >= -entryCount && paddingIndex < entryCount,
                         "Embedding: paddingIndex \(paddingIndex) must be within the \(entryCount) entries")
        }
        (self.entryCount, self.dimension) = (entryCount, dimension)
        self.paddingIndex = paddingIndex.map { $0 < 0 ? $0 + entryCount : $0 }
        var table = Tensor.randn([entryCount, dimension], dtype: dtype)
        if let row = self.paddingIndex {
            let mask = Tensor((0..<entryCount).map { $0 == row ? 0.0 : 1.0 }, shape: [entryCount, 1], dtype: dtype)
            table = table * mask
        }
        weight = Parameter(table)
    }

    /// The rows at `indices` (an int64 or int32 tensor of any shape), shaped `indices.shape + [dimension]`.
    public override func forward(_ indices: Tensor) -> Tensor {
        Tensor.embedding(indices, weight: weight.value, paddingIndex: paddingIndex)
    }

    /// `Embedding(10000 => 128)`.
    public override var layerDescription: String {
        "Embedding(\(entryCount) => \(dimension)" + (paddingIndex.map { ", paddingIndex: \($0)" } ?? "") + ")"
    }
}

/// A bilinear form of two inputs, as `torch.nn.Bilinear`: `y[o] = x1ᵀ · weight[o] · x2 + bias[o]`
/// with weight `[outputFeatures, inputFeatures1, inputFeatures2]`, bias `[outputFeatures]`, both
/// uniform in ±1/√inputFeatures1. Call it with two tensors.
///
/// ```swift
/// let scorer = Bilinear(64, 32, 1)
/// scorer(Tensor.randn([8, 64]), Tensor.randn([8, 32])).shape  // [8, 1]
/// ```
public final class Bilinear: Module {
    /// `[outputFeatures, inputFeatures1, inputFeatures2]`.
    public let weight: Parameter
    /// `[outputFeatures]`, or nil without a bias.
    public let bias: Parameter?
    /// The size of the first input's rows.
    public let inputFeatures1: Int
    /// The size of the second input's rows.
    public let inputFeatures2: Int
    /// The size of the output's rows.
    public let outputFeatures: Int

    /// A bilinear layer with PyTorch's initialisation.
    ///
    /// ```swift
    /// Bilinear(20, 30, 40, bias: false)
    /// ```
    public init(_ inputFeatures1: Int, _ inputFeatures2: Int, _ outputFeatures: Int, bias: Bool = true,
                dtype: DType = .float32) {
        precondition(inputFeatures1 > 0 && inputFeatures2 > 0 && outputFeatures > 0,
                     "Bilinear: feature counts must be positive, got \(inputFeatures1), \(inputFeatures2) => \(outputFeatures)")
        (self.inputFeatures1, self.inputFeatures2, self.outputFeatures) = (inputFeatures1, inputFeatures2, outputFeatures)
        let bound = 1 / Double(inputFeatures1).squareRoot()
        weight = Parameter(Tensor.uniform([outputFeatures, inputFeatures1, inputFeatures2], low: -bound, high: bound, dtype: dtype))
        self.bias = bias ? Parameter(Tensor.uniform([outputFeatures], low: -bound, high: bound, dtype: dtype)) : nil
    }

    /// `x1ᵀ A x2 + b` for inputs `[…, inputFeatures1]` and `[…, inputFeatures2]` with the same
    /// leading dimensions, giving `[…, outputFeatures]`.
    ///
    /// ```swift
    /// let y = layer(left, right)
    /// ```
    public func callAsFunction(_ input1: Tensor, _ input2: Tensor) -> Tensor {
        precondition(input1.rank >= 1 && input1.shape.last == inputFeatures1 && input2.shape.last == inputFeatures2
                        && Array(input1.shape.dropLast()) == Array(input2.shape.dropLast()),
                     "Bilinear(\(inputFeatures1), \(inputFeatures2) => \(outputFeatures)): expected inputs [..., \(inputFeatures1)] and [..., \(inputFeatures2)] with the same leading dimensions, got \(input1.shape) and \(input2.shape)")
        let leading = Array(input1.shape.dropLast())
        let rows = leading.reduce(1, *)
        // x1 · A, with A laid out [in1, out · in2], then the dot product of each block with x2.
        let left = input1.reshaped([rows, inputFeatures1])
            .matmul(weight.value.permuted([1, 0, 2]).reshaped([inputFeatures1, outputFeatures * inputFeatures2]))
            .reshaped([rows, outputFeatures, inputFeatures2])
        var output = (left * input2.reshaped([rows, 1, inputFeatures2])).sum(axis: 2)
        if let bias { output = output + bias.value }
        output = output.reshaped(leading + [outputFeatures])
        SummaryRecorder.record(self, output: output)
        return output
    }

    /// `Bilinear(64, 32 => 1)`.
    public override var layerDescription: String {
        "Bilinear(\(inputFeatures1), \(inputFeatures2) => \(outputFeatures)\(bias == nil ? ", bias: false" : ""))"
    }
}
