import Flint

/// A tensor a model learns: a ``Module`` finds its parameters by reflection and optimizers
/// update them in place.
///
/// The tensor is a leaf that requires gradients unless the parameter is frozen.
///
/// ```swift
/// let weight = Parameter(Tensor.randn([10, 4]))
/// let output = input.matmul(weight.value.transposed())
/// ```
public final class Parameter {
    /// The current values. In-place writes (`parameter.value.copy(from:)`,
    /// `withUnsafeMutableBufferPointer`) reach the storage directly, without a copy.
    public var value: Tensor {
        get { storedValue }
        set {
            storedValue = newValue
            storedValue.requiresGrad = !isFrozen
        }
        // A `didSet` observer would make mutations from other modules read, copy and write back the
        // whole tensor (measured: every optimizer step reallocated the parameter); yielding the
        // stored tensor keeps the write in place.
        _modify {
            yield &storedValue
            storedValue.requiresGrad = !isFrozen
        }
    }

    private var storedValue: Tensor

    /// Whether optimizers skip this parameter and no gradient is computed for it.
    public var isFrozen: Bool {
        didSet { storedValue.requiresGrad = !isFrozen }
    }

    /// Wraps `value` (which must be float32 or float64) as a trainable parameter.
    ///
    /// ```swift
    /// let bias = Parameter(Tensor.zeros([10]))
    /// ```
    public init(_ value: Tensor, frozen: Bool = false) {
        precondition(value.dtype.isFloatingPoint, "Parameter: needs a float32 or float64 tensor, got \(value.dtype)")
        self.storedValue = value.detach().requiringGrad(!frozen)
        self.isFrozen = frozen
    }

    /// The gradient accumulated by the last `backward()`, or nil.
    ///
    /// ```swift
    /// loss.backward()
    /// print(layer.weight.grad!)
    /// ```
    public var grad: Tensor? {
        get { value.grad }
        set { value.grad = newValue }
    }

    /// The shape of the values.
    ///
    /// ```swift
    /// Parameter(Tensor.zeros([3, 2])).shape  // [3, 2]
    /// ```
    public var shape: [Int] { value.shape }

    /// The number of values.
    ///
    /// ```swift
    /// Parameter(Tensor.zeros([3, 2])).count  // 6
    /// ```
    public var count: Int { value.count }
}

/// A tensor a module keeps but does not learn (BatchNorm's running statistics): saved in the state
/// dictionary, never given to optimizers.
///
/// ```swift
/// let runningMean = Buffer(Tensor.zeros([64]))
/// ```
public final class Buffer {
    /// The current values.
    public var value: Tensor

    /// Wraps `value` as a buffer.
    ///
    /// ```swift
    /// let counter = Buffer(Tensor(Int64(0)))
    /// ```
    public init(_ value: Tensor) { self.value = value.detach() }
}
