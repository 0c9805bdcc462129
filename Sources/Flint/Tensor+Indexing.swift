/// Gathering, scattering, selecting and joining.
extension Tensor {
    /// Picks values along `axis` at the positions in `index` (int64, same rank as this tensor):
    /// `result[i][j] = self[index[i][j]][j]` for axis 0. The result has `index`'s shape.
    ///
    /// ```swift
    /// let scores = Tensor([[0.1, 0.9], [0.8, 0.2]])
    /// scores.gather(axis: 1, index: Tensor([[1], [0]]))  // [[0.9], [0.8]]
    /// ```
    public func gather(axis: Int, index: Tensor) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "gather")
        checkIndexShape(index, axis: position, op: "gather")
        let result = gatherKernel(self, axis: position, index: index)
        return recordGradient(result, self) { .gather(self, axis: position, index: index) }
    }

    /// This tensor with `source`'s values added at the positions `index` gives along `axis`
    /// (repeated positions add up): `result[index[i][j]][j] += source[i][j]` for axis 0.
    ///
    /// ```swift
    /// Tensor.zeros([3]).scatterAdd(axis: 0, index: Tensor([0, 0, 2]), source: Tensor([1, 2, 3] as [Float]))
    /// // [3, 0, 3]
    /// ```
    public func scatterAdd(axis: Int, index: Tensor, source: Tensor) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "scatterAdd")
        checkIndexShape(index, axis: position, op: "scatterAdd")
        precondition(source.dtype == dtype, "scatterAdd: source is \(source.dtype) but the tensor is \(dtype); convert it first")
        precondition(source.rank == index.rank && zip(index.shape, source.shape).allSatisfy { $0 <= $1 },
                     "scatterAdd: index shape \(describeShape(index.shape)) does not fit in source shape \(describeShape(source.shape))")
        let result = copyToContiguous(self)
        scatterAddKernel(into: result, axis: position, index: index, source: source)
        return recordGradient(result, self, source) { .scatterAdd(self, axis: position, index: index, source: source) }
    }

    /// The slices along `axis` at the positions in the vector `index` (repeats allowed).
    ///
    /// ```swift
    /// Tensor.arange(6).reshaped([3, 2]).indexSelect(axis: 0, index: Tensor([2, 0]))  // [[4, 5], [0, 1]]
    /// ```
    public func indexSelect(axis: Int, index: Tensor) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "indexSelect")
        precondition(index.rank <= 1, "indexSelect: the index must be a vector, got shape \(describeShape(index.shape))")
        let result = indexSelectKernel(self, axis: position, index: index.reshaped([-1]))
        return recordGradient(result, self) { .indexSelect(self, axis: position, index: index.reshaped([-1])) }
    }

    /// This tensor with `value` wherever the bool `mask` (broadcast) is true.
    ///
    /// ```swift
    /// scores.maskedFill(causalMask, with: -.infinity)
    /// ```
    public func maskedFill(_ mask: Tensor, with value: Double) -> Tensor {
        precondition(mask.dtype == .bool, "maskedFill: the mask must be a bool tensor, got \(mask.dtype)")
        let result = withoutGradients { Tensor.where(mask, Tensor.scalar(value, like: self), self) }
        precondition(result.shape == shape,
                     "maskedFill: mask shape \(describeShape(mask.shape)) does not broadcast to tensor shape \(describeShape(shape))")
        return recordGradient(result, self) { .maskedFill(self, mask: mask) }
    }

    /// The elements where the bool `mask` (broadcast to this shape) is true, as a vector.
    ///
    /// ```swift
    /// let x = Tensor([1.0, -2.0, 3.0])
    /// x.maskedSelect(x .> 0)  // [1, 3]
    /// ```
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        precondition(mask.dtype == .bool, "maskedSelect: the mask must be a bool tensor, got \(mask.dtype)")
        let fullMask = copyToContiguous(mask.expanded(to: shape))
        let source = copyToContiguous(self)
        let flags = fullMask.pointer(as: Bool.self)
        var selected = 0
        for position in 0..<count where flags[position] { selected += 1 }
        let result = Tensor(uninitializedShape: [selected], dtype: dtype)
        let width = dtype.byteSize
        let input = source.impl.storage.base
        let output = result.impl.storage.base
        var next = 0
        for position in 0..<count where flags[position] {
            (output + next * width).copyMemory(from: input + position * width, byteCount: width)
            next += 1
        }
        return recordGradient(result, self) { .maskedSelect(self, mask: fullMask) }
    }

    /// One-hot rows for an integer tensor of class indices: shape + `[classCount]`, int64.
    ///
    /// ```swift
    /// Tensor([0, 2]).oneHot(classCount: 3)  // [[1, 0, 0], [0, 0, 1]]
    /// ```
    public func oneHot(classCount: Int) -> Tensor {
        precondition(dtype == .int64 || dtype == .int32, "oneHot: needs an integer tensor of class indices, got \(dtype)")
        let labels = to(.int64).scalars(as: Int64.self)
        let result = Tensor.zeros(shape + [classCount], dtype: .int64)
        let output = result.pointer(as: Int64.self)
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classCount, "oneHot: class index \(label) is outside 0..<\(classCount)")
            output[row * classCount + Int(label)] = 1
        }
        return result
    }

    /// Joins tensors along an existing axis; all other dimensions must agree.
    ///
    /// ```swift
    /// Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.ones([1, 3])], axis: 0).shape  // [3, 3]
    /// ```
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: needs at least one tensor")
        let first = tensors[0]
        let position = normalizeAxis(axis, rank: first.rank, op: "concatenate")
        var total = 0
        for tensor in tensors {
            precondition(tensor.dtype == first.dtype, "concatenate: mixed dtypes \(first.dtype) and \(tensor.dtype); convert first")
            precondition(tensor.rank == first.rank && (0..<first.rank).allSatisfy { $0 == position || tensor.shape[$0] == first.shape[$0] },
                         "concatenate: shape \(describeShape(tensor.shape)) does not match \(describeShape(first.shape)) outside axis \(axis)")
            total += tensor.shape[position]
        }
        var shape = first.shape
        shape[position] = total
        let result = Tensor(uninitializedShape: shape, dtype: first.dtype)
        var start = 0
        for tensor in tensors {
            var ranges = shape.map { StridedRange(start: 0, step: 1, count: $0) }
            ranges[position] = StridedRange(start: start, step: 1, count: tensor.shape[position])
            if tensor.count > 0 { result.stridedView(ranges).assign(tensor) }
            start += tensor.shape[position]
        }
        return recordGradient(result, inputs: tensors) { .concatenate(tensors, axis: position) }
    }

    /// Joins same-shaped tensors along a new axis.
    ///
    /// ```swift
    /// Tensor.stack([Tensor.zeros([3]), Tensor.ones([3])]).shape  // [2, 3]
    /// ```
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: needs at least one tensor")
        precondition(tensors.allSatisfy { $0.shape == tensors[0].shape },
                     "stack: the tensors have different shapes \(tensors.map { describeShape($0.shape) })")
        let position = normalizeAxis(axis, rank: tensors[0].rank + 1, op: "stack")
        return concatenate(tensors.map { $0.unsqueezed(axis: position) }, axis: position)
    }

    /// Views of consecutive pieces along `axis` with the given sizes (which must add up).
    ///
    /// ```swift
    /// Tensor.arange(5).split(sizes: [2, 3]).map(\.shape)  // [[2], [3]]
    /// ```
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let position = normalizeAxis(axis, rank: rank, op: "split")
        precondition(sizes.reduce(0, +) == shape[position],
                     "split: sizes \(sizes) add up to \(sizes.reduce(0, +)), not to dimension \(axis)'s size \(shape[position])")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return narrowed(axis: position, start: start, length: size)
        }
    }

    /// Views of pieces of `size` along `axis` (the last one may be smaller).
    ///
    /// ```swift
    /// Tensor.arange(5).split(size: 2).map(\.shape)  // [[2], [2], [1]]
    /// ```
    public func split(size: Int, axis: Int = 0) -> [Tensor] {
        precondition(size > 0, "split: size must be positive, got \(size)")
        let length = shape[normalizeAxis(axis, rank: rank, op: "split")]
        return split(sizes: stride(from: 0, to: length, by: size).map { Swift.min(size, length - $0) }, axis: axis)
    }

    /// `count` pieces of (nearly) equal size along `axis`, as PyTorch's `chunk`.
    ///
    /// ```swift
    /// Tensor.arange(6).chunked(3).map(\.shape)  // [[2], [2], [2]]
    /// ```
    public func chunked(_ count: Int, axis: Int = 0) -> [Tensor] {
        precondition(count > 0, "chunk: count must be positive, got \(count)")
        let length = shape[normalizeAxis(axis, rank: rank, op: "chunk")]
        return split(size: Swift.max(1, (length + count - 1) / count), axis: axis)
    }

    /// This tensor padded with `value`: `padding[i]` gives the (before, after) amounts for the
    /// i-th of the last `padding.count` axes, in order.
    ///
    /// ```swift
    /// Tensor.ones([2, 2]).padded([(1, 1), (0, 2)]).shape  // [4, 4]
    /// ```
    public func padded(_ padding: [(before: Int, after: Int)], value: Double = 0) -> Tensor {
        precondition(padding.count <= rank, "pad: \(padding.count) axes of padding for a tensor of rank \(rank)")
        precondition(padding.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "pad: amounts must not be negative")
        let full = [(before: Int, after: Int)](repeating: (0, 0), count: rank - padding.count) + padding
        let shape = zip(self.shape, full).map { $0 + $1.before + $1.after }
        let result = Tensor.full(shape, value, dtype: dtype)
        let ranges = zip(self.shape, full).map { StridedRange(start: $1.before, step: 1, count: $0) }
        if count > 0 { result.stridedView(ranges).assign(self) }
        return recordGradient(result, self) { .pad(self, padding: full) }
    }

    /// This tensor repeated `repeats[i]` times along each axis (PyTorch's `repeat`, NumPy's `tile`);
    /// extra leading repeats add axes.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]).repeated([2, 2])  // [[1, 2, 1, 2], [1, 2, 1, 2]]
    /// ```
    public func repeated(_ repeats: [Int]) -> Tensor {
        precondition(repeats.count >= rank, "repeat: \(repeats.count) repeat counts for a tensor of rank \(rank); give one per axis")
        precondition(repeats.allSatisfy { $0 >= 0 }, "repeat: counts must not be negative, got \(repeats)")
        let paddedShape = [Int](repeating: 1, count: repeats.count - rank) + shape
        var interleaved: [Int] = []
        var expandedShape: [Int] = []
        for (repeatCount, size) in zip(repeats, paddedShape) {
            interleaved += [1, size]
            expandedShape += [repeatCount, size]
        }
        let finalShape = zip(repeats, paddedShape).map { $0 * $1 }
        let result = copyToContiguous(detach().reshaped(interleaved).expanded(to: expandedShape)).reshaped(finalShape)
        return recordGradient(result, self) { .tile(self, repeats: repeats) }
    }

    private func checkIndexShape(_ index: Tensor, axis: Int, op: String) {
        precondition(index.dtype == .int64 || index.dtype == .int32, "\(op): the index must be an int64 tensor, got \(index.dtype)")
        precondition(index.rank == rank, "\(op): the index has rank \(index.rank) but the tensor has rank \(rank)")
        for dimension in 0..<rank where dimension != axis {
            precondition(index.shape[dimension] <= shape[dimension],
                         "\(op): index shape \(describeShape(index.shape)) exceeds tensor shape \(describeShape(shape)) in dimension \(dimension)")
        }
    }
}
