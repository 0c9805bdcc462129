/// Views: new shapes over the same storage, recorded for backward.
extension Tensor {
    /// A view with a new layout over this tensor's storage.
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: impl.storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// The same elements in a new shape; one dimension may be `-1` to be inferred. A view when the
    /// layout allows it (always for contiguous tensors), a copy otherwise.
    ///
    /// ```swift
    /// Tensor.arange(6).reshaped([2, -1])  // shape [2, 3]
    /// ```
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let shape = inferShape(newShape)
        if shape == self.shape { return self }
        let result: Tensor
        if let strides = viewStrides(for: shape) {
            result = view(shape: shape, strides: strides, offset: offset)
        } else {
            result = copyToContiguous(self).view(shape: shape, strides: contiguousStrides(shape), offset: 0)
        }
        return recordGradient(result, self) { .reshape(self) }
    }

    private func inferShape(_ requested: [Int]) -> [Int] {
        let inferred = requested.filter { $0 == -1 }.count
        precondition(inferred <= 1, "reshape: only one dimension can be -1, got \(describeShape(requested))")
        precondition(requested.allSatisfy { $0 >= -1 }, "reshape: invalid size in \(describeShape(requested))")
        let known = requested.filter { $0 != -1 }.reduce(1, *)
        var shape = requested
        if let position = requested.firstIndex(of: -1) {
            precondition(known != 0 && count % known == 0,
                         "reshape: cannot reshape a tensor of shape \(describeShape(self.shape)) (\(count) elements) into \(describeShape(requested))")
            shape[position] = count / known
        }
        precondition(shape.reduce(1, *) == count,
                     "reshape: cannot reshape a tensor of shape \(describeShape(self.shape)) (\(count) elements) into \(describeShape(requested))")
        return shape
    }

    /// Strides that let `newShape` view this tensor's elements in row-major order without a copy,
    /// or nil when that is impossible (PyTorch's `computeStride`).
    private func viewStrides(for newShape: [Int]) -> [Int]? {
        if isContiguous { return contiguousStrides(newShape) }
        if count == 0 { return contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewIndex = newShape.count - 1
        var chunkBaseStride = strides.last ?? 1
        var tensorElements = 1
        var viewElements = 1
        var tensorIndex = shape.count - 1
        while tensorIndex >= 0 {
            tensorElements *= shape[tensorIndex]
            if tensorIndex == 0 || (shape[tensorIndex - 1] != 1 && strides[tensorIndex - 1] != tensorElements * chunkBaseStride) {
                while viewIndex >= 0 && (viewElements < tensorElements || newShape[viewIndex] == 1) {
                    newStrides[viewIndex] = viewElements * chunkBaseStride
                    viewElements *= newShape[viewIndex]
                    viewIndex -= 1
                }
                if viewElements != tensorElements { return nil }
                if tensorIndex > 0 {
                    chunkBaseStride = strides[tensorIndex - 1]
                    tensorElements = 1
                    viewElements = 1
                }
            }
            tensorIndex -= 1
        }
        return viewIndex == -1 ? newStrides : nil
    }

    /// The dimensions reordered: dimension `i` of the result is dimension `axes[i]` of this tensor.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3, 4]).permuted([2, 0, 1]).shape  // [4, 2, 3]
    /// ```
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.count == rank, "permute: \(axes) does not list the \(rank) axes of a tensor of shape \(describeShape(shape))")
        let normalized = axes.map { normalizeAxis($0, rank: rank, op: "permute") }
        precondition(Set(normalized).count == rank, "permute: \(axes) repeats an axis")
        if normalized == Array(0..<rank) { return self }
        let result = view(shape: normalized.map { shape[$0] }, strides: normalized.map { strides[$0] }, offset: offset)
        return recordGradient(result, self) { .permute(self, axes: normalized) }
    }

    /// Swaps two dimensions (by default the last two: the matrix transpose).
    ///
    /// ```swift
    /// Tensor.zeros([2, 3]).transposed().shape  // [3, 2]
    /// ```
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        precondition(rank >= 2, "transpose: needs at least 2 dimensions, got shape \(describeShape(shape))")
        var axes = Array(0..<rank)
        axes.swapAt(normalizeAxis(first, rank: rank, op: "transpose"), normalizeAxis(second, rank: rank, op: "transpose"))
        return permuted(axes)
    }

    /// A new dimension of size 1 inserted at `axis` (negative counts from the end of the result).
    ///
    /// ```swift
    /// Tensor.zeros([3]).unsqueezed(axis: 0).shape  // [1, 3]
    /// ```
    public func unsqueezed(axis: Int) -> Tensor {
        let position = normalizeAxis(axis, rank: rank + 1, op: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: position)
        return reshaped(newShape)
    }

    /// Removes dimension `axis`, which must have size 1; or every size-1 dimension when `axis` is nil.
    ///
    /// ```swift
    /// Tensor.zeros([1, 3, 1]).squeezed().shape         // [3]
    /// Tensor.zeros([1, 3, 1]).squeezed(axis: 0).shape  // [3, 1]
    /// ```
    public func squeezed(axis: Int? = nil) -> Tensor {
        guard let axis else { return reshaped(shape.filter { $0 != 1 }) }
        let position = normalizeAxis(axis, rank: rank, op: "squeeze")
        precondition(shape[position] == 1, "squeeze: dimension \(axis) has size \(shape[position]), not 1, in shape \(describeShape(shape))")
        var newShape = shape
        newShape.remove(at: position)
        return reshaped(newShape)
    }

    /// Dimensions `startAxis...endAxis` merged into one.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3, 4]).flattened(startAxis: 1).shape  // [2, 12]
    /// ```
    public func flattened(startAxis: Int = 0, endAxis: Int = -1) -> Tensor {
        if rank == 0 { return reshaped([1]) }
        let start = normalizeAxis(startAxis, rank: rank, op: "flatten")
        let end = normalizeAxis(endAxis, rank: rank, op: "flatten")
        precondition(start <= end, "flatten: startAxis \(startAxis) comes after endAxis \(endAxis)")
        let merged = shape[start...end].reduce(1, *)
        return reshaped(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// A view repeating size-1 dimensions (and adding leading ones) to reach `newShape` without
    /// copying, as NumPy broadcasting does. `-1` keeps a dimension's size.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0]).expanded(to: [3, 2]).shape  // [3, 2]
    /// ```
    public func expanded(to newShape: [Int]) -> Tensor {
        precondition(newShape.count >= rank,
                     "expand: cannot expand shape \(describeShape(shape)) to fewer dimensions \(describeShape(newShape))")
        let shift = newShape.count - rank
        var targetShape = newShape
        var targetStrides = [Int](repeating: 0, count: newShape.count)
        for axis in 0..<rank {
            let size = shape[axis]
            let requested = newShape[axis + shift] == -1 ? size : newShape[axis + shift]
            precondition(size == requested || size == 1,
                         "expand: dimension \(axis) of shape \(describeShape(shape)) has size \(size) and cannot become \(requested) (only size-1 dimensions expand)")
            targetShape[axis + shift] = requested
            targetStrides[axis + shift] = size == requested ? strides[axis] : 0
        }
        if targetShape == shape { return self }
        let result = view(shape: targetShape, strides: targetStrides, offset: offset)
        return recordGradient(result, self) { .expand(self) }
    }

    /// `length` elements along `axis` starting at `start` (a view).
    ///
    /// ```swift
    /// Tensor.arange(10).narrowed(axis: 0, start: 2, length: 3)  // [2, 3, 4]
    /// ```
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "narrow")
        precondition(start >= 0 && length >= 0 && start + length <= shape[position],
                     "narrow: elements \(start)..<\(start + length) are outside dimension \(axis) of size \(shape[position])")
        var ranges = shape.map { StridedRange(start: 0, step: 1, count: $0) }
        ranges[position] = StridedRange(start: start, step: 1, count: length)
        return sliced(ranges)
    }

    /// A view selecting, on each axis, the elements `start, start + step, …` (`count` of them).
    func sliced(_ ranges: [StridedRange]) -> Tensor {
        let result = stridedView(ranges)
        if result.shape == shape && result.offset == offset && result.strides == strides { return self }
        return recordGradient(result, self) { .slice(self, ranges: ranges) }
    }

    /// The view described by per-axis ranges, without recording.
    func stridedView(_ ranges: [StridedRange]) -> Tensor {
        var newOffset = offset
        var newShape: [Int] = []
        var newStrides: [Int] = []
        for (axis, range) in ranges.enumerated() {
            newOffset += range.start * strides[axis]
            newShape.append(range.count)
            newStrides.append(range.step * strides[axis])
        }
        return view(shape: newShape, strides: newStrides, offset: newOffset)
    }

    /// Copies `source` (broadcast to this view's shape) into this view's elements in place.
    /// Only for tensors Flint made itself and no one else holds (gradient buffers, outputs).
    func assign(_ source: Tensor) {
        precondition(source.dtype == dtype, "assign: dtype \(source.dtype) into \(dtype)")
        let expandedSource = source.shape == shape ? source : source.detach().expanded(to: shape)
        let layout = StridedLayout(shape: shape, operandStrides: [strides, expandedSource.strides])
        switch dtype.byteSize {
        case 1: assignLoop(layout, expandedSource, UInt8.self)
        case 4: assignLoop(layout, expandedSource, UInt32.self)
        default: assignLoop(layout, expandedSource, UInt64.self)
        }
    }

    private func assignLoop<T>(_ layout: StridedLayout, _ source: Tensor, _ type: T.Type) {
        let destination = pointer(as: T.self)
        let input = source.pointer(as: T.self)
        let inner = layout.innerCount
        let (outStride, inStride) = (layout.innerStride(0), layout.innerStride(1))
        parallelChunks(layout.rowCount, costPerItem: inner) { rows in
            layout.forEachRow(in: rows) { offsets in
                let o = destination + offsets[0]
                let i = input + offsets[1]
                for position in 0..<inner { o[position * outStride] = i[position * inStride] }
            }
        }
    }
}
