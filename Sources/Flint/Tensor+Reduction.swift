/// Reductions over any axes, with or without keeping the reduced axes as size 1.
extension Tensor {
    /// The sum over `axes` (all axes when nil). Integer and bool tensors sum to int64.
    ///
    /// ```swift
    /// let m = Tensor([[1.0, 2.0], [3.0, 4.0]])
    /// m.sum()                                // 10
    /// m.sum(axes: [0])                       // [4, 6]
    /// m.sum(axes: [1], keepDims: true)       // [[3], [7]]
    /// ```
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepDims: keepDims, op: "sum")
        let result: Tensor
        switch dtype {
        case .float32: result = sumFloat(layout, Float.self)
        case .float64: result = sumFloat(layout, Double.self)
        case .int64: result = reduce(layout, dtype: .int64, SumReduce<Int64>())
        case .int32, .bool, .int8, .uint8: return withoutGradients { to(.int64) }.sum(axes: axes, keepDims: keepDims)
        }
        return recordGradient(result, self) { .sum(self, axes: layout.axes, keepDims: keepDims) }
    }

    /// The sum over one axis.
    ///
    /// ```swift
    /// Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis: 1)  // [3, 7]
    /// ```
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Reduces a gradient of a broadcast result back to `targetShape` by summing the broadcast axes.
    func summed(toShape targetShape: [Int]) -> Tensor {
        let leading = rank - targetShape.count
        precondition(leading >= 0, "sum to shape: cannot reduce \(describeShape(shape)) to \(describeShape(targetShape))")
        var axes = Array(0..<leading)
        for (position, size) in targetShape.enumerated() where size == 1 && shape[position + leading] != 1 {
            axes.append(position + leading)
        }
        let reduced = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return reduced.shape == targetShape ? reduced : reduced.reshaped(targetShape)
    }

    /// The mean over `axes` (all axes when nil). Needs a float tensor.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0, 4.0]).mean()  // 2.5
    /// ```
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        precondition(dtype.isFloatingPoint, "mean: needs a float tensor, got \(dtype); convert it with .to(.float32)")
        let layout = ReductionLayout(self, axes: axes, keepDims: keepDims, op: "mean")
        let total = sum(axes: axes, keepDims: keepDims)
        return total * (1 / Double(Swift.max(layout.reduced, 1)))
    }

    /// The mean over one axis.
    ///
    /// ```swift
    /// Tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis: 0)  // [2, 3]
    /// ```
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// The product over `axes` (all axes when nil).
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0]).prod()  // 6
    /// ```
    public func prod(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let layout = ReductionLayout(self, axes: axes, keepDims: keepDims, op: "prod")
        let result: Tensor
        switch dtype {
        case .float32: result = reduce(layout, dtype: .float32, ProductReduce<Float>())
        case .float64: result = reduce(layout, dtype: .float64, ProductReduce<Double>())
        case .int64: result = reduce(layout, dtype: .int64, ProductReduce<Int64>())
        case .int32: result = reduce(layout, dtype: .int32, ProductReduce<Int32>())
        default: preconditionFailure("prod: not supported for \(dtype) tensors; convert with .to(.int64) first")
        }
        return recordGradient(result, self) { .product(self, axes: layout.axes, keepDims: keepDims, output: result.detach()) }
    }

    /// The largest value along `axis` and where it is (the first one on ties).
    ///
    /// ```swift
    /// let (values, indices) = Tensor([[1.0, 5.0], [7.0, 2.0]]).max(axis: 1)
    /// // values [5, 7], indices [1, 0]
    /// ```
    public func max(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremum(axis: axis, keepDims: keepDims, largest: true)
    }

    /// The smallest value along `axis` and where it is (the first one on ties).
    ///
    /// ```swift
    /// let (values, indices) = Tensor([[1.0, 5.0], [7.0, 2.0]]).min(axis: 1)
    /// // values [1, 2], indices [0, 1]
    /// ```
    public func min(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremum(axis: axis, keepDims: keepDims, largest: false)
    }

    /// The largest element (a scalar tensor).
    ///
    /// ```swift
    /// Tensor([3.0, 9.0, 1.0]).max()  // 9
    /// ```
    public func max() -> Tensor { reshaped([-1]).max(axis: 0).values }

    /// The smallest element (a scalar tensor).
    ///
    /// ```swift
    /// Tensor([3.0, 9.0, 1.0]).min()  // 1
    /// ```
    public func min() -> Tensor { reshaped([-1]).min(axis: 0).values }

    /// Where the largest value along `axis` is (over the flattened tensor when `axis` is nil).
    ///
    /// ```swift
    /// Tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(axis: 1)  // [1, 0]
    /// ```
    public func argmax(axis: Int? = nil, keepDims: Bool = false) -> Tensor {
        withoutGradients {
            guard let axis else { return reshaped([-1]).max(axis: 0).indices }
            return max(axis: axis, keepDims: keepDims).indices
        }
    }

    /// Where the smallest value along `axis` is (over the flattened tensor when `axis` is nil).
    ///
    /// ```swift
    /// Tensor([[1.0, 5.0], [7.0, 2.0]]).argmin(axis: 1)  // [0, 1]
    /// ```
    public func argmin(axis: Int? = nil, keepDims: Bool = false) -> Tensor {
        withoutGradients {
            guard let axis else { return reshaped([-1]).min(axis: 0).indices }
            return min(axis: axis, keepDims: keepDims).indices
        }
    }

    private func extremum(axis: Int, keepDims: Bool, largest: Bool) -> (values: Tensor, indices: Tensor) {
        let position = normalizeAxis(axis, rank: rank, op: largest ? "max" : "min")
        let layout = ReductionLayout(self, axes: [position], keepDims: keepDims, op: largest ? "max" : "min")
        let (values, indices): (Tensor, Tensor)
        switch dtype {
        case .float32: (values, indices) = extremumWithIndex(layout, Float.self, largest: largest)
        case .float64: (values, indices) = extremumWithIndex(layout, Double.self, largest: largest)
        case .int32: (values, indices) = extremumWithIndex(layout, Int32.self, largest: largest)
        case .int64: (values, indices) = extremumWithIndex(layout, Int64.self, largest: largest)
        case .int8: (values, indices) = extremumWithIndex(layout, Int8.self, largest: largest)
        case .uint8, .bool: (values, indices) = extremumWithIndex(layout, UInt8.self, largest: largest)
        }
        let recorded = recordGradient(values, self) { .extremum(self, axis: position, indices: indices, keepDims: keepDims) }
        return (recorded, indices)
    }

    /// The variance over `axes` (all when nil): unbiased (divides by n - 1, PyTorch's default)
    /// or biased (divides by n).
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0, 4.0]).variance()                  // 1.6667
    /// Tensor([1.0, 2.0, 3.0, 4.0]).variance(unbiased: false)   // 1.25
    /// ```
    public func variance(axes: [Int]? = nil, unbiased: Bool = true, keepDims: Bool = false) -> Tensor {
        precondition(dtype.isFloatingPoint, "variance: needs a float tensor, got \(dtype); convert it with .to(.float32)")
        let layout = ReductionLayout(self, axes: axes, keepDims: keepDims, op: "variance")
        let centered = self - mean(axes: axes, keepDims: true)
        let divisor = Double(Swift.max(layout.reduced - (unbiased ? 1 : 0), 1))
        return (centered * centered).sum(axes: axes, keepDims: keepDims) * (1 / divisor)
    }

    /// The standard deviation over `axes` (square root of ``variance(axes:unbiased:keepDims:)``).
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0, 4.0]).standardDeviation(unbiased: false)  // 1.118
    /// ```
    public func standardDeviation(axes: [Int]? = nil, unbiased: Bool = true, keepDims: Bool = false) -> Tensor {
        variance(axes: axes, unbiased: unbiased, keepDims: keepDims).sqrt()
    }

    /// `log(sum(exp(x)))` over `axes`, computed stably by shifting by the maximum.
    ///
    /// ```swift
    /// Tensor([1000.0, 1000.0]).logSumExp()  // 1000.6931
    /// ```
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let allAxes = axes ?? Array(0..<rank)
        var shift = detach()
        for axis in allAxes { shift = shift.max(axis: axis, keepDims: true).values }
        shift = Tensor.where(shift.abs() .== Double.infinity, Tensor.zeros(like: shift), shift)
        let summed = (self - shift).exp().sum(axes: allAxes, keepDims: true).log() + shift
        return keepDims ? summed : summed.reshaped(ReductionLayout(self, axes: allAxes, keepDims: false, op: "logSumExp").resultShape)
    }

    /// Running sums along `axis`.
    ///
    /// ```swift
    /// Tensor([1.0, 2.0, 3.0]).cumsum(axis: 0)  // [1, 3, 6]
    /// ```
    public func cumsum(axis: Int) -> Tensor {
        let position = normalizeAxis(axis, rank: rank, op: "cumsum")
        let source = isContiguous ? self : copyToContiguous(self)
        let layout = ReductionLayout(source, axes: [position], keepDims: true, op: "cumsum")
        let result: Tensor
        switch dtype {
        case .float32: result = cumulativeSum(layout, shape: shape, Float.self)
        case .float64: result = cumulativeSum(layout, shape: shape, Double.self)
        case .int64: result = cumulativeSum(layout, shape: shape, Int64.self)
        case .int32: result = cumulativeSum(layout, shape: shape, Int32.self)
        default: preconditionFailure("cumsum: not supported for \(dtype) tensors; convert with .to(.int64) first")
        }
        return recordGradient(result, self) { .cumulativeSum(self, axis: position) }
    }
}
