import Flint

/// One example: an input and its target (a label, a value, or anything a tensor can hold).
///
/// ```swift
/// let sample = Sample(input: Tensor.zeros([1, 28, 28]), target: Tensor(Int64(3)))
/// ```
public struct Sample: Sendable {
    /// The model's input for this example, such as a `[C, H, W]` image or a feature vector.
    public var input: Tensor
    /// What the model should predict, such as a rank-0 int64 class label.
    public var target: Tensor

    /// A sample from an input and a target.
    ///
    /// ```swift
    /// let sample = Sample(input: Tensor([0.5, 1.5] as [Float]), target: Tensor(Int64(1)))
    /// ```
    public init(input: Tensor, target: Tensor) {
        self.input = input
        self.target = target
    }
}

/// Samples collated into tensors whose first axis is the batch.
///
/// ```swift
/// for batch in loader {
///     let loss = crossEntropy(model(batch.inputs), batch.targets)
/// }
/// ```
public struct Batch: Sendable {
    /// The inputs stacked along a new first axis: `[batch] + input shape`.
    public var inputs: Tensor
    /// The targets stacked along a new first axis: `[batch] + target shape`.
    public var targets: Tensor

    /// A batch from stacked inputs and targets.
    ///
    /// ```swift
    /// let batch = Batch(inputs: Tensor.zeros([4, 3]), targets: Tensor.zeros([4], dtype: .int64))
    /// ```
    public init(inputs: Tensor, targets: Tensor) {
        self.inputs = inputs
        self.targets = targets
    }

    /// The number of samples (the size of the first axis of ``inputs``).
    ///
    /// ```swift
    /// batch.count  // 64
    /// ```
    public var count: Int { inputs.shape.first ?? 1 }
}

/// A collection of samples that can be read in any order (PyTorch's map-style `Dataset`).
///
/// Implement ``count`` and ``subscript(_:)``; implement ``batch(at:)`` too when the data can gather a
/// whole batch faster than sample by sample (``TensorDataset`` copies rows straight into the batch).
///
/// ```swift
/// struct Squares: Dataset {
///     var count: Int { 100 }
///     subscript(index: Int) -> Sample {
///         Sample(input: Tensor([Float(index)]), target: Tensor([Float(index * index)]))
///     }
/// }
/// ```
public protocol Dataset: Sendable {
    /// The number of samples.
    ///
    /// ```swift
    /// TensorDataset(inputs: Tensor.zeros([150, 4]), targets: Tensor.zeros([150])).count  // 150
    /// ```
    var count: Int { get }
    /// The sample at `index`, in `0..<count`.
    ///
    /// ```swift
    /// let sample = dataset[0]
    /// print(sample.input.shape, sample.target)
    /// ```
    subscript(index: Int) -> Sample { get }
    /// The samples at `indices` stacked into a batch. The default reads each sample and stacks them
    /// with ``Batch/stacking(_:)``.
    ///
    /// ```swift
    /// let batch = dataset.batch(at: [0, 5, 9])
    /// batch.count  // 3
    /// ```
    func batch(at indices: [Int]) -> Batch
}

extension Dataset {
    /// The samples at `indices`, read one by one and stacked with ``Batch/stacking(_:)``.
    ///
    /// ```swift
    /// let firstFour = dataset.batch(at: [0, 1, 2, 3])
    /// ```
    public func batch(at indices: [Int]) -> Batch {
        Batch.stacking(indices.map { self[$0] })
    }
}

/// A dataset whose samples are the rows of an input tensor and a target tensor (PyTorch's `TensorDataset`).
///
/// A batch is gathered with one row copy per sample, straight into the batch tensors.
///
/// ```swift
/// let dataset = TensorDataset(inputs: Tensor.randn([100, 4]), targets: Tensor.randint(low: 0, high: 3, shape: [100]))
/// dataset[0].input.shape  // [4]
/// ```
public struct TensorDataset: Dataset {
    /// All inputs, one row (along the first axis) per sample.
    public let inputs: Tensor
    /// All targets, one row (along the first axis) per sample.
    public let targets: Tensor

    /// A dataset pairing row i of `inputs` with row i of `targets`; both need the same first dimension.
    ///
    /// ```swift
    /// let dataset = TensorDataset(inputs: images, targets: labels)  // [N, 1, 28, 28] and [N]
    /// ```
    public init(inputs: Tensor, targets: Tensor) {
        precondition(inputs.rank >= 1 && targets.rank >= 1,
                     "TensorDataset: inputs \(inputs.shape) and targets \(targets.shape) both need a first (sample) axis")
        precondition(inputs.shape[0] == targets.shape[0],
                     "TensorDataset: inputs have \(inputs.shape[0]) rows (shape \(inputs.shape)) but targets have \(targets.shape[0]) (shape \(targets.shape))")
        self.inputs = inputs.contiguous()
        self.targets = targets.contiguous()
    }

    /// The number of rows.
    ///
    /// ```swift
    /// TensorDataset(inputs: Tensor.zeros([5, 2]), targets: Tensor.zeros([5])).count  // 5
    /// ```
    public var count: Int { inputs.shape[0] }

    /// Row `index` of the inputs and of the targets (views, no copy).
    ///
    /// ```swift
    /// let (x, y) = (dataset[3].input, dataset[3].target)
    /// ```
    public subscript(index: Int) -> Sample {
        precondition(index >= 0 && index < count, "TensorDataset: index \(index) is outside 0..<\(count)")
        return Sample(input: inputs[index], target: targets[index])
    }

    /// The rows at `indices`, gathered with one copy per row.
    ///
    /// ```swift
    /// dataset.batch(at: [4, 1]).inputs.shape  // [2] + the input row shape
    /// ```
    public func batch(at indices: [Int]) -> Batch {
        let index = Tensor(indices)
        return Batch(inputs: inputs.indexSelect(axis: 0, index: index), targets: targets.indexSelect(axis: 0, index: index))
    }

    /// The targets as integer class labels, for stratified splitting and sampling (targets must be a
    /// vector of whole numbers).
    ///
    /// ```swift
    /// let parts = try splitIndices(count: dataset.count, fractions: [0.8, 0.2], stratifyBy: dataset.classLabels)
    /// ```
    public var classLabels: [Int] {
        precondition(targets.rank == 1, "TensorDataset.classLabels: the targets must be a vector of labels, got shape \(targets.shape)")
        let values = targets.scalars(as: Double.self)
        precondition(values.allSatisfy { $0 == $0.rounded() && Swift.abs($0) < 1e15 },
                     "TensorDataset.classLabels: the targets are not whole numbers; class labels must be integers")
        return values.map { Int($0) }
    }
}

/// The samples of another dataset at chosen positions, in that order (PyTorch's `Subset`).
///
/// ```swift
/// let validation = Subset(dataset, indices: [7, 3, 9])
/// validation[0]  // dataset[7]
/// ```
public struct Subset<Base: Dataset>: Dataset {
    /// The dataset the samples come from.
    public let base: Base
    /// The positions in ``base``, one per sample of this subset.
    public let indices: [Int]

    /// The samples of `base` at `indices` (each in `0..<base.count`; repeats allowed).
    ///
    /// ```swift
    /// let firstHalf = Subset(dataset, indices: Array(0..<dataset.count / 2))
    /// ```
    public init(_ base: Base, indices: [Int]) {
        let outside = indices.first { $0 < 0 || $0 >= base.count }
        precondition(outside == nil, "Subset: index \(outside ?? 0) is outside the base dataset's 0..<\(base.count)")
        self.base = base
        self.indices = indices
    }

    /// The number of chosen positions.
    ///
    /// ```swift
    /// Subset(dataset, indices: [1, 2]).count  // 2
    /// ```
    public var count: Int { indices.count }

    /// The base dataset's sample at `indices[index]`.
    ///
    /// ```swift
    /// let sample = subset[0]
    /// ```
    public subscript(index: Int) -> Sample {
        precondition(index >= 0 && index < count, "Subset: index \(index) is outside 0..<\(count)")
        return base[indices[index]]
    }

    /// The base dataset's batch at the mapped positions (keeps the base's fast gathering).
    ///
    /// ```swift
    /// subset.batch(at: [0, 1])
    /// ```
    public func batch(at positions: [Int]) -> Batch {
        base.batch(at: positions.map { position in
            precondition(position >= 0 && position < count, "Subset: index \(position) is outside 0..<\(count)")
            return indices[position]
        })
    }
}

/// A dataset read in order, without random access (PyTorch's `IterableDataset`): a generated stream, lines
/// of a file too large to hold, or any `Sequence` of samples. A ``DataLoader`` batches it as it comes.
///
/// ```swift
/// let stream = StreamingDataset { epoch in
///     var step = 0
///     return AnyIterator {
///         defer { step += 1 }
///         return step < 1000 ? Sample(input: Tensor.randn([8]), target: Tensor.randn([1])) : nil
///     }
/// }
/// ```
public struct StreamingDataset: Sendable {
    /// The number of samples per pass, when known.
    public let count: Int?
    private let iteratorFactory: @Sendable (Int) -> AnyIterator<Sample>

    /// A stream made fresh for each epoch by `makeIterator` (given the epoch number); `count` is the
    /// number of samples per pass when known.
    ///
    /// ```swift
    /// let stream = StreamingDataset(count: 10) { _ in
    ///     AnyIterator((0..<10).lazy.map { Sample(input: Tensor([Float($0)]), target: Tensor(Int64($0 % 2))) }.makeIterator())
    /// }
    /// ```
    public init(count: Int? = nil, _ makeIterator: @escaping @Sendable (_ epoch: Int) -> AnyIterator<Sample>) {
        precondition(count.map { $0 >= 0 } ?? true, "StreamingDataset: count must not be negative, got \(count ?? 0)")
        self.count = count
        self.iteratorFactory = makeIterator
    }

    /// A stream over any sequence of samples, walked again from its start every epoch.
    ///
    /// ```swift
    /// let stream = StreamingDataset(samples)  // samples: [Sample]
    /// ```
    public init<Samples: Sequence & Sendable>(_ samples: Samples) where Samples.Element == Sample {
        let known = samples.underestimatedCount
        self.init(count: samples is any Collection ? known : nil) { _ in AnyIterator(samples.makeIterator()) }
    }

    /// A fresh iterator over the samples of `epoch`.
    ///
    /// ```swift
    /// var samples = stream.makeIterator(epoch: 0)
    /// let first = samples.next()
    /// ```
    public func makeIterator(epoch: Int) -> AnyIterator<Sample> { iteratorFactory(epoch) }
}
