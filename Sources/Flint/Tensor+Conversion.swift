struct ConvertFunctor<Source: TensorScalar, Destination: TensorScalar>: UnaryFunctor {
    @inline(__always) func callAsFunction(_ x: Source) -> Destination { Destination(fromDouble: x.doubleValue) }
}

private func convert<Source: TensorScalar>(_ x: Tensor, from source: Source.Type, to dtype: DType) -> Tensor {
    switch dtype {
    case .float32: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Float>())
    case .float64: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Double>())
    case .int32: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Int32>())
    case .int64: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Int64>())
    case .bool: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Bool>())
    case .int8: return mapElements(x, outputType: dtype, ConvertFunctor<Source, Int8>())
    case .uint8: return mapElements(x, outputType: dtype, ConvertFunctor<Source, UInt8>())
    }
}

/// The Swift type stored for each dtype, for code that must switch on it.
func elementType(of dtype: DType) -> any TensorScalar.Type {
    switch dtype {
    case .float32: return Float.self
    case .float64: return Double.self
    case .int32: return Int32.self
    case .int64: return Int64.self
    case .bool: return Bool.self
    case .int8: return Int8.self
    case .uint8: return UInt8.self
    }
}

/// Conversions between dtypes, and back to Swift values.
extension Tensor {
    /// This tensor converted to `dtype` (the same tensor when it already has it). Floats become
    /// integers by truncation toward zero, saturating; anything non-zero becomes `true`.
    /// Gradients flow through conversions between float32 and float64.
    ///
    /// ```swift
    /// Tensor([1.7, -2.2]).to(.int64)   // [1, -2]
    /// Tensor.ones([2]).to(.float64)
    /// ```
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let result: Tensor
        switch self.dtype {
        case .float32: result = convert(self, from: Float.self, to: dtype)
        case .float64: result = convert(self, from: Double.self, to: dtype)
        case .int32: result = convert(self, from: Int32.self, to: dtype)
        case .int64: result = convert(self, from: Int64.self, to: dtype)
        case .bool: result = convert(self, from: Bool.self, to: dtype)
        case .int8: result = convert(self, from: Int8.self, to: dtype)
        case .uint8: result = convert(self, from: UInt8.self, to: dtype)
        }
        guard dtype.isFloatingPoint else { return result }
        return recordGradient(result, self) { .convert(self) }
    }

    /// The elements in row-major order as a Swift array of `T`, converting from the tensor's dtype
    /// when `T` is another type.
    ///
    /// ```swift
    /// let values: [Float] = Tensor.ones([2, 2]).scalars()  // [1, 1, 1, 1]
    /// ```
    public func scalars<T: TensorScalar>(as type: T.Type = T.self) -> [T] {
        let source = dtype == T.dtype || (T.self == Int.self && dtype == .int64) ? self : withoutGradients { to(T.dtype) }
        let contiguousSource = source.isContiguous ? source : copyToContiguous(source)
        let pointer = contiguousSource.pointer(as: T.self)
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// The single element of a one-element tensor, as `T`.
    ///
    /// ```swift
    /// let loss: Float = (x * x).sum().item()
    /// ```
    public func item<T: TensorScalar>(as type: T.Type = T.self) -> T {
        precondition(count == 1, "item: the tensor has \(count) elements (shape \(describeShape(shape))); item() needs exactly one")
        return scalars(as: T.self)[0]
    }

    /// The rows of a matrix as nested Swift arrays.
    ///
    /// ```swift
    /// let rows: [[Float]] = Tensor.eye(2).rows()  // [[1, 0], [0, 1]]
    /// ```
    public func rows<T: TensorScalar>(as type: T.Type = T.self) -> [[T]] {
        precondition(rank == 2, "rows: needs a matrix (rank 2), got shape \(describeShape(shape))")
        let flat = scalars(as: T.self)
        let columns = shape[1]
        return (0..<shape[0]).map { Array(flat[($0 * columns)..<(($0 + 1) * columns)]) }
    }

    /// A contiguous tensor with the same elements: this tensor itself when it already is one.
    ///
    /// ```swift
    /// let packed = x.transposed().contiguous()
    /// ```
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return recordGradient(copyToContiguous(self), self) { .copy(self) }
    }
}
