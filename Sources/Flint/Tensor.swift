/// An n-dimensional array of numbers, with automatic differentiation.
///
/// A `Tensor` is a small value: a reference to shared, immutable storage plus a shape, strides
/// and an offset. Views (``reshaped(_:)``, ``transposed(_:_:)``, slices, ``expanded(to:)``)
/// share storage and cost no copy. Operations return new tensors; when an input
/// ``requiresGrad``, the operation is recorded so that ``backward(_:)`` can compute gradients.
///
/// ```swift
/// let w = Tensor([[1.0, 2.0], [3.0, 4.0]]).requiringGrad()
/// let loss = (w * w).sum()
/// loss.backward()
/// print(w.grad!)  // tensor([[2., 4.], [6., 8.]])
/// ```
public struct Tensor: @unchecked Sendable {
    @usableFromInline var impl: TensorImpl

    init(impl: TensorImpl) { self.impl = impl }

    /// Wraps storage with a layout; the tensor records no gradient.
    init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.impl = TensorImpl(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// A new contiguous tensor whose memory the caller fills (uninitialised).
    init(uninitializedShape shape: [Int], dtype: DType) {
        let count = shape.reduce(1, *)
        let storage = TensorStorage(byteCount: count * dtype.byteSize)
        self.init(storage: storage, dtype: dtype, shape: shape, strides: contiguousStrides(shape), offset: 0)
    }

    /// The size of each dimension; `[]` for a scalar.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3]).shape  // [2, 3]
    /// ```
    public var shape: [Int] { impl.shape }

    /// How many elements to step in storage to move one place along each dimension.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3]).strides               // [3, 1]
    /// Tensor.zeros([2, 3]).transposed().strides  // [1, 3]
    /// ```
    public var strides: [Int] { impl.strides }

    /// The position of the first element in the shared storage, in elements.
    ///
    /// ```swift
    /// Tensor.arange(10)[2...].offset  // 2
    /// ```
    public var offset: Int { impl.offset }

    /// The element type.
    ///
    /// ```swift
    /// Tensor([1.5, 2.5]).dtype  // float64
    /// ```
    public var dtype: DType { impl.dtype }

    /// Where the elements live.
    ///
    /// ```swift
    /// Tensor.ones([3]).device  // cpu
    /// ```
    public var device: Device { impl.storage.device }

    /// The number of dimensions (0 for a scalar).
    ///
    /// ```swift
    /// Tensor(3.0).rank  // 0
    /// ```
    public var rank: Int { impl.shape.count }

    /// The number of elements (the product of the shape; 1 for a scalar).
    ///
    /// ```swift
    /// Tensor.zeros([4, 5]).count  // 20
    /// ```
    public var count: Int { impl.count }

    /// Whether the elements are laid out in row-major order with no gaps, so that kernels can
    /// walk them as a flat array.
    ///
    /// ```swift
    /// Tensor.zeros([2, 3]).transposed().isContiguous  // false
    /// ```
    public var isContiguous: Bool { impl.isContiguous }

    /// The size of dimension `axis` (negative counts from the end).
    ///
    /// ```swift
    /// Tensor.zeros([2, 3]).size(-1)  // 3
    /// ```
    public func size(_ axis: Int) -> Int { shape[normalizeAxis(axis, rank: rank, op: "size")] }

    /// Whether two tensors share one block of storage (one is a view of the other).
    ///
    /// ```swift
    /// let x = Tensor.zeros([4])
    /// x.sharesStorage(with: x.reshaped([2, 2]))  // true
    /// ```
    public func sharesStorage(with other: Tensor) -> Bool { impl.storage === other.impl.storage }

    // MARK: raw access for kernels

    /// A pointer to the first element, typed. The caller must respect the strides.
    @inline(__always)
    func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        impl.storage.base.assumingMemoryBound(to: T.self) + impl.offset
    }
}

/// The reference half of a ``Tensor``: layout plus the autograd bookkeeping.
@usableFromInline
final class TensorImpl {
    /// The shared storage; `var` only so that `isKnownUniquelyReferenced` can inspect it.
    var storageReference: TensorStorage
    var storage: TensorStorage { storageReference }
    let dtype: DType
    let shape: [Int]
    let strides: [Int]
    let offset: Int
    let count: Int
    let isContiguous: Bool

    /// Set on leaves the user wants gradients for, and on every result recorded from them.
    var requiresGrad = false
    /// The accumulated gradient of a leaf after `backward()`.
    var grad: Tensor?
    /// How this tensor was computed, when that was recorded for backward.
    var gradientRecord: GradientRecord?
    /// Whether this tensor was produced by a recorded operation (it is not a leaf).
    var isComputed = false
    /// Scratch space used during one backward pass: the gradient flowing into this tensor.
    var pendingGradient: Tensor?
    /// Scratch space used during one backward pass: the pass that last visited this node.
    var visitedPass: UInt64 = 0

    init(storage: TensorStorage, dtype: DType, shape: [Int], strides: [Int], offset: Int) {
        self.storageReference = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
        var count = 1
        for size in shape { count &*= size }
        self.count = count
        self.isContiguous = stridesAreContiguous(shape: shape, strides: strides)
    }
}
