import Synchronization

/// Numbers each backward pass so that a node can tell whether this pass has visited it.
private let backwardPassCounter = Atomic<UInt64>(0)

extension Tensor {
    /// Whether gradients are computed for this tensor. Set it on a leaf (a tensor you created)
    /// before using it; results of operations on such tensors require gradients too.
    ///
    /// ```swift
    /// let w = Tensor.randn([4, 2])
    /// w.requiresGrad = true
    /// ```
    public var requiresGrad: Bool {
        get { impl.requiresGrad }
        nonmutating set {
            precondition(!newValue || dtype.isFloatingPoint,
                         "requiresGrad: only float32 and float64 tensors can require gradients, this one is \(dtype); convert it with .to(.float32)")
            precondition(impl.gradientRecord == nil || newValue,
                         "requiresGrad: cannot turn off gradients of a computed tensor; use .detach() for a copy that has none")
            impl.requiresGrad = newValue
        }
    }

    /// Marks this tensor as requiring gradients and returns it (for chaining).
    ///
    /// ```swift
    /// let w = Tensor.randn([3, 3]).requiringGrad()
    /// ```
    @discardableResult
    public func requiringGrad(_ flag: Bool = true) -> Tensor {
        requiresGrad = flag
        return self
    }

    /// The gradient accumulated into this leaf by ``backward(_:)``; `nil` before any backward or
    /// after ``zeroGrad()``.
    ///
    /// ```swift
    /// let x = Tensor(3.0).requiringGrad()
    /// (x * x).backward()
    /// print(x.grad!.item(as: Double.self))  // 6.0
    /// ```
    public var grad: Tensor? {
        get { impl.grad }
        nonmutating set { impl.grad = newValue }
    }

    /// Clears the accumulated gradient (PyTorch's `zero_grad(set_to_none=True)`).
    ///
    /// ```swift
    /// w.zeroGrad()
    /// ```
    public func zeroGrad() { impl.grad = nil }

    /// Whether this tensor was created by the user rather than computed by a recorded operation.
    ///
    /// ```swift
    /// let w = Tensor.ones([2]).requiringGrad()
    /// w.isLeaf         // true
    /// (w * 2).isLeaf   // false
    /// ```
    public var isLeaf: Bool { !impl.isComputed }

    /// A tensor sharing this one's elements but cut from the graph: it records nothing and
    /// gradients do not flow through it (use it for targets, GAN discriminator inputs, logging).
    ///
    /// ```swift
    /// let target = prediction.detach()
    /// ```
    public func detach() -> Tensor {
        Tensor(storage: impl.storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }

    /// Computes the gradient of this tensor with respect to every leaf that requires gradients,
    /// adding it to the leaf's ``grad``. The recorded graph is freed afterwards.
    ///
    /// - Parameter gradient: the gradient of the final objective with respect to this tensor;
    ///   may be omitted only when this tensor holds a single element (it then defaults to 1).
    ///
    /// ```swift
    /// let x = Tensor([1.0, 2.0, 3.0]).requiringGrad()
    /// (x * x).sum().backward()
    /// print(x.grad!)  // tensor([2., 4., 6.], dtype: float64)
    /// ```
    public func backward(_ gradient: Tensor? = nil) {
        precondition(impl.requiresGrad,
                     "backward: this tensor does not require gradients; set requiresGrad on the inputs you want gradients for before computing it")
        precondition(!impl.isComputed || impl.gradientRecord != nil,
                     "backward: the graph behind this tensor was already freed by an earlier backward(); compute it again")
        let seed: Tensor
        if let gradient {
            precondition(gradient.shape == shape,
                         "backward: the seed gradient has shape \(describeShape(gradient.shape)) but the tensor has shape \(describeShape(shape))")
            precondition(gradient.dtype == dtype,
                         "backward: the seed gradient is \(gradient.dtype) but the tensor is \(dtype)")
            seed = gradient.detach()
        } else {
            precondition(count == 1,
                         "backward: a tensor of shape \(describeShape(shape)) needs a seed gradient of the same shape; pass backward(gradient)")
            seed = Tensor.ones(shape, dtype: dtype)
        }
        withoutGradients {
            let order = topologicalOrder()
            impl.pendingGradient = seed
            for node in order.reversed() {
                guard let incoming = node.pendingGradient else {
                    node.gradientRecord = nil
                    continue
                }
                node.pendingGradient = nil
                if let record = node.gradientRecord {
                    node.gradientRecord = nil
                    record.propagate(incoming)
                } else {
                    let contiguous = incoming.isContiguous ? incoming : incoming.contiguous()
                    node.grad = node.grad.map { $0 + contiguous } ?? contiguous
                }
            }
        }
    }

    /// Every node reachable from this one, inputs before the tensors computed from them.
    private func topologicalOrder() -> [TensorImpl] {
        let pass = backwardPassCounter.add(1, ordering: .relaxed).newValue
        var order: [TensorImpl] = []
        // Iterative depth-first search, post-order: (node, whether its inputs were already pushed).
        // A node is marked when it is expanded, not when it is pushed: marking on push lets a node
        // reached by a short and a long path (x in x + xᵀ) finish before the long path's nodes, so
        // backward would visit it too early and drop their gradient.
        var stack: [(TensorImpl, Bool)] = [(impl, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            if node.visitedPass == pass { continue }
            node.visitedPass = pass
            stack.append((node, true))
            node.gradientRecord?.forEachInput { input in
                let inputImpl = input.impl
                if inputImpl.requiresGrad && inputImpl.visitedPass != pass { stack.append((inputImpl, false)) }
            }
        }
        return order
    }
}

/// Adds `gradient` to what flows into `input`, summing away broadcast dimensions first.
@inline(__always)
func deliver(_ gradient: Tensor, to input: Tensor) {
    let target = input.impl
    guard target.requiresGrad else { return }
    let shaped = gradient.shape == target.shape ? gradient : gradient.summed(toShape: target.shape)
    if let existing = target.pendingGradient {
        target.pendingGradient = existing + shaped
    } else {
        target.pendingGradient = shaped
    }
}

/// Records `record` as the way `result` was computed when gradient recording is on and any input
/// requires gradients. `record` is only built when needed.
@inline(__always)
func recordGradient(_ result: Tensor, _ first: Tensor, _ record: () -> GradientRecord) -> Tensor {
    if first.impl.requiresGrad && GradientMode.isEnabled {
        result.impl.requiresGrad = true
        result.impl.isComputed = true
        result.impl.gradientRecord = record()
    }
    return result
}

/// ``recordGradient(_:_:_:)`` for operations with two tensor inputs.
@inline(__always)
func recordGradient(_ result: Tensor, _ first: Tensor, _ second: Tensor, _ record: () -> GradientRecord) -> Tensor {
    if (first.impl.requiresGrad || second.impl.requiresGrad) && GradientMode.isEnabled {
        result.impl.requiresGrad = true
        result.impl.isComputed = true
        result.impl.gradientRecord = record()
    }
    return result
}

/// ``recordGradient(_:_:_:)`` for operations with any number of tensor inputs.
func recordGradient(_ result: Tensor, inputs: [Tensor], _ record: () -> GradientRecord) -> Tensor {
    if inputs.contains(where: { $0.impl.requiresGrad }) && GradientMode.isEnabled {
        result.impl.requiresGrad = true
        result.impl.isComputed = true
        result.impl.gradientRecord = record()
    }
    return result
}
