import Flint

/// How a loss turns its per-element values into the result, as PyTorch's `reduction` argument.
///
/// ```swift
/// Loss.meanSquaredError(prediction, target, reduction: .sum)
/// ```
public enum Reduction: String, Sendable, CaseIterable {
    /// The per-element losses, unreduced (PyTorch's `'none'`).
    case none
    /// The average of the per-element losses (for weighted class losses, the weighted average).
    case mean
    /// The sum of the per-element losses.
    case sum
    /// The sum divided by the batch size (the first dimension): KL divergence only, where it is the
    /// mathematically correct average (PyTorch's `'batchmean'`).
    case batchMean
}

/// The loss functions, with PyTorch's semantics and defaults (`torch.nn.functional`).
///
/// Every loss takes a ``Reduction`` (`.mean` by default) and checks its inputs' shapes with a
/// `precondition` whose message names the loss and the shapes. Module forms (``MSELoss``,
/// ``CrossEntropyLoss``, …) wrap these for use inside models.
///
/// ```swift
/// let loss = Loss.crossEntropy(model(images), labels)
/// loss.backward()
/// ```
public enum Loss {
    /// The mean squared error `(input - target)²`, as `F.mse_loss`.
    ///
    /// ```swift
    /// Loss.meanSquaredError(Tensor([1.0, 2.0]), Tensor([1.5, 2.0]))  // 0.125
    /// ```
    public static func meanSquaredError(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, loss: "meanSquaredError")
        let difference = input - target
        return reduce(difference * difference, reduction, loss: "meanSquaredError")
    }

    /// The mean absolute error `|input - target|`, as `F.l1_loss`.
    ///
    /// ```swift
    /// Loss.l1(Tensor([1.0, 2.0]), Tensor([1.5, 3.0]))  // 0.75
    /// ```
    public static func l1(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, loss: "l1")
        return reduce((input - target).abs(), reduction, loss: "l1")
    }

    /// The Huber loss, as `F.huber_loss`: `0.5 d²` where `|d| < delta`, else `delta (|d| - 0.5 delta)`,
    /// with `d = input - target`.
    ///
    /// ```swift
    /// Loss.huber(prediction, target, delta: 0.5)
    /// ```
    public static func huber(_ input: Tensor, _ target: Tensor, delta: Double = 1, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, loss: "huber")
        precondition(delta > 0, "huber: delta must be positive, got \(delta)")
        let difference = input - target
        let size = difference.abs()
        let quadratic = 0.5 * difference * difference
        let linear = delta * (size - 0.5 * delta)
        return reduce(Tensor.where(size .< delta, quadratic, linear), reduction, loss: "huber")
    }

    /// The smooth L1 loss, as `F.smooth_l1_loss`: `0.5 d² / beta` where `|d| < beta`, else
    /// `|d| - 0.5 beta`; with `beta` 0 it is the L1 loss.
    ///
    /// ```swift
    /// Loss.smoothL1(boxes, targetBoxes, beta: 1.0 / 9)
    /// ```
    public static func smoothL1(_ input: Tensor, _ target: Tensor, beta: Double = 1, reduction: Reduction = .mean) -> Tensor {
        checkSameShape(input, target, loss: "smoothL1")
        precondition(beta >= 0, "smoothL1: beta must not be negative, got \(beta)")
        if beta == 0 { return reduce((input - target).abs(), reduction, loss: "smoothL1") }
        let difference = input - target
        let size = difference.abs()
        let quadratic = (0.5 / beta) * difference * difference
        let linear = size - 0.5 * beta
        return reduce(Tensor.where(size .< beta, quadratic, linear), reduction, loss: "smoothL1")
    }
}

// MARK: shared checks and reductions

extension Loss {
    /// Applies `reduction` to per-element losses (`.batchMean` is KL divergence's alone).
    static func reduce(_ losses: Tensor, _ reduction: Reduction, loss: String) -> Tensor {
        switch reduction {
        case .none: return losses
        case .sum: return losses.sum()
        case .mean: return losses.mean()
        case .batchMean:
            preconditionFailure("\(loss): reduction .batchMean is only for klDivergence; use .mean, .sum or .none")
        }
    }

    /// Input and target must be float tensors of the same shape and dtype.
    static func checkSameShape(_ input: Tensor, _ target: Tensor, loss: String, targetName: String = "target") {
        precondition(input.dtype.isFloatingPoint, "\(loss): the input must be float32 or float64, got \(input.dtype)")
        precondition(input.shape == target.shape,
                     "\(loss): input shape \(input.shape) and \(targetName) shape \(target.shape) differ; they must be the same")
        precondition(target.dtype == input.dtype,
                     "\(loss): the input is \(input.dtype) but the \(targetName) is \(target.dtype); convert it with .to(.\(input.dtype))")
    }

    /// A weight tensor broadcast to `shape` (as PyTorch's losses with an elementwise weight), detached
    /// and in `dtype`.
    static func broadcastWeight(_ weight: Tensor, to shape: [Int], dtype: DType, loss: String, name: String = "weight") -> Tensor {
        precondition(weight.dtype.isFloatingPoint, "\(loss): the \(name) must be a float tensor, got \(weight.dtype)")
        precondition(weight.rank <= shape.count && zip(weight.shape.reversed(), shape.reversed()).allSatisfy { $0 == $1 || $0 == 1 },
                     "\(loss): \(name) of shape \(weight.shape) does not broadcast to the input shape \(shape)")
        return weight.detach().to(dtype).expanded(to: shape)
    }

    /// A class-weight vector of `classCount` elements, as a detached tensor in `dtype`.
    static func checkClassWeight(_ weight: Tensor, classCount: Int, dtype: DType, loss: String) -> Tensor {
        precondition(weight.dtype.isFloatingPoint, "\(loss): the class weight must be a float tensor, got \(weight.dtype)")
        precondition(weight.shape == [classCount],
                     "\(loss): the class weight has shape \(weight.shape) but there are \(classCount) classes; it must be [\(classCount)]")
        return weight.detach().to(dtype)
    }

    /// Every element of `tensor` lies in `range` (NaN does not).
    static func checkValues(_ tensor: Tensor, in range: ClosedRange<Double>, loss: String, what: String) {
        let values = tensor.detach().to(.float64).scalars(as: Double.self)
        if let position = values.firstIndex(where: { !range.contains($0) }) {
            preconditionFailure("\(loss): all elements of the \(what) must lie in \(range.lowerBound)...\(range.upperBound); "
                                + "element \(position) of shape \(tensor.shape) is \(values[position])")
        }
    }

    /// `value`, with `inputs[k]`'s gradient (one backward step) set to `gradients[k]` elementwise.
    ///
    /// The losses whose PyTorch backward is a closed form that plain composition would not match at
    /// the edges (BCE's clamped logarithms, the stable BCE-with-logits) compute their value without
    /// gradients and attach the closed-form gradient as `value + (x - x.detach()) * g`; that term is
    /// exactly zero in value because `g` is always finite. Second derivatives are not available.
    static func attachingGradients(_ value: Tensor, _ pairs: [(input: Tensor, gradient: () -> Tensor)]) -> Tensor {
        var result = value.detach()
        guard isGradientRecordingEnabled else { return result }
        for pair in pairs where pair.input.requiresGrad {
            let gradient = withoutGradients { pair.gradient().detach() }
            result = result + (pair.input - pair.input.detach()) * gradient
        }
        return result
    }
}
