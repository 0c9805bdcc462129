/// In-place writes, for optimizers, parameter loading and gradient buffers.
///
/// Tensors are values: an in-place write never shows through another tensor. When this tensor's
/// elements are shared (a view, a copy of the value, or a graph that saved it for backward), the
/// write first gives this tensor its own storage, keeping its gradient settings (copy-on-write).
extension Tensor {
    /// Overwrites every element with `source`'s (broadcast to this shape; same dtype).
    ///
    /// ```swift
    /// var weights = Tensor.zeros([2, 2])
    /// weights.copy(from: Tensor.ones([2, 2]))
    /// ```
    public mutating func copy(from source: Tensor) {
        precondition(source.dtype == dtype,
                     "copy(from:): the source is \(source.dtype) but this tensor is \(dtype); convert it with .to(.\(dtype))")
        precondition(broadcastShapes(source.shape, shape, op: "copy(from:)") == shape,
                     "copy(from:): a tensor of shape \(describeShape(source.shape)) does not broadcast to \(describeShape(shape))")
        makeUniqueAndContiguous()
        let sourceValue = source.sharesStorage(with: self) ? copyToContiguous(source) : source
        detach().assign(sourceValue)
    }

    /// Gives `body` mutable access to the elements, in row-major order, as `T` (which must match the
    /// dtype). The fastest way for an optimizer to update a parameter.
    ///
    /// ```swift
    /// var scores = Tensor.zeros([4])
    /// scores.withUnsafeMutableBufferPointer(as: Float.self) { buffer in buffer[0] = 1 }
    /// ```
    public mutating func withUnsafeMutableBufferPointer<T: TensorScalar, Result>(
        as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> Result
    ) rethrows -> Result {
        precondition(T.dtype == dtype || (T.self == Int.self && dtype == .int64),
                     "withUnsafeMutableBufferPointer: the tensor is \(dtype), not \(T.dtype)")
        makeUniqueAndContiguous()
        return try body(UnsafeMutableBufferPointer(start: pointer(as: T.self), count: count))
    }

    /// Gives `body` read access to the elements in row-major order as `T` (which must match the dtype),
    /// without copying when the tensor is already contiguous.
    ///
    /// ```swift
    /// let total = x.withUnsafeBufferPointer(as: Float.self) { $0.reduce(0, +) }
    /// ```
    public func withUnsafeBufferPointer<T: TensorScalar, Result>(
        as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> Result
    ) rethrows -> Result {
        precondition(T.dtype == dtype || (T.self == Int.self && dtype == .int64),
                     "withUnsafeBufferPointer: the tensor is \(dtype), not \(T.dtype)")
        let source = isContiguous ? self : copyToContiguous(self)
        return try body(UnsafeBufferPointer(start: source.pointer(as: T.self), count: count))
    }

    /// Gives `body` the elements' bytes in row-major order, whatever the dtype (file writers use it:
    /// safetensors, NumPy), without copying when the tensor is already contiguous.
    ///
    /// ```swift
    /// let bytes = x.withUnsafeRawBytes { Array($0) }   // x.count * x.dtype.byteSize bytes
    /// ```
    public func withUnsafeRawBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let source = isContiguous ? self : copyToContiguous(self)
        return try withExtendedLifetime(source) {
            try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(source.impl.storage.base) + source.impl.offset * dtype.byteSize,
                                            count: count * dtype.byteSize))
        }
    }

    /// Makes this value the only owner of contiguous storage, copying when it is shared.
    private mutating func makeUniqueAndContiguous() {
        let ownsStorage = isKnownUniquelyReferenced(&impl) && isKnownUniquelyReferenced(&impl.storageReference)
        if ownsStorage && isContiguous && offset == 0 { return }
        let copy = copyToContiguous(detach())
        copy.impl.requiresGrad = impl.requiresGrad
        copy.impl.grad = impl.grad
        impl = copy.impl
    }
}
