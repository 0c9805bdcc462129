import Flint

/// Cross-entropy and negative log-likelihood over classes.
extension Loss {
    /// Cross-entropy between logits and targets, as `F.cross_entropy`.
    ///
    /// `logits` is `[N, C]`, `[N, C, d1, …]` or unbatched `[C]` (classes on axis 1, or 0 when
    /// unbatched). `targets` is either class indices (int64 or int32) of the logits' shape without
    /// the class axis, or class probabilities (float) of the logits' shape.
    /// - `weight`: a `[C]` rescaling of each class; the `.mean` of class-index targets divides by
    ///   the sum of the weights of the targets that are not ignored.
    /// - `ignoreIndex`: class-index targets equal to it add nothing, to the loss or to the mean's
    ///   denominator (probability targets need it negative, as PyTorch).
    /// - `labelSmoothing`: mixes the targets with the uniform distribution, in `0...1`.
    ///
    /// Computed as log-softmax and a gather of the targets' entries (no one-hot matrices).
    ///
    /// ```swift
    /// let logits = Tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
    /// Loss.crossEntropy(logits, Tensor([0, 2]), labelSmoothing: 0.1)
    /// ```
    public static func crossEntropy(_ logits: Tensor, _ targets: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    labelSmoothing: Double = 0, reduction: Reduction = .mean) -> Tensor {
        precondition(logits.dtype.isFloatingPoint, "crossEntropy: the logits must be float32 or float64, got \(logits.dtype)")
        precondition(logits.rank >= 1, "crossEntropy: the logits must be [C], [N, C] or [N, C, d1, …], got shape \(logits.shape)")
        precondition((0...1).contains(labelSmoothing), "crossEntropy: labelSmoothing must lie in 0...1, got \(labelSmoothing)")
        let classAxis = logits.rank == 1 ? 0 : 1
        let logProbabilities = logits.logSoftmax(axis: classAxis)
        if targets.dtype.isFloatingPoint {
            return probabilityCrossEntropy(logProbabilities, targets, classAxis: classAxis, weight: weight,
                                           ignoreIndex: ignoreIndex, labelSmoothing: labelSmoothing, reduction: reduction)
        }
        return classIndexLoss(logProbabilities, targets, classAxis: classAxis, weight: weight, ignoreIndex: ignoreIndex,
                              labelSmoothing: labelSmoothing, reduction: reduction, loss: "crossEntropy")
    }

    /// Negative log-likelihood of class indices given log-probabilities, as `F.nll_loss`.
    ///
    /// `logProbabilities` is `[N, C]`, `[N, C, d1, …]` or `[C]`; `targets` are class indices of its
    /// shape without the class axis. `weight` and `ignoreIndex` work as in ``crossEntropy(_:_:weight:ignoreIndex:labelSmoothing:reduction:)``.
    ///
    /// ```swift
    /// Loss.negativeLogLikelihood(logits.logSoftmax(axis: 1), labels)
    /// ```
    public static func negativeLogLikelihood(_ logProbabilities: Tensor, _ targets: Tensor, weight: Tensor? = nil,
                                             ignoreIndex: Int = -100, reduction: Reduction = .mean) -> Tensor {
        precondition(logProbabilities.dtype.isFloatingPoint,
                     "negativeLogLikelihood: the input must be float32 or float64, got \(logProbabilities.dtype)")
        precondition(logProbabilities.rank >= 1,
                     "negativeLogLikelihood: the input must be [C], [N, C] or [N, C, d1, …], got shape \(logProbabilities.shape)")
        precondition(!targets.dtype.isFloatingPoint,
                     "negativeLogLikelihood: the targets must be class indices (int64), got \(targets.dtype)")
        return classIndexLoss(logProbabilities, targets, classAxis: logProbabilities.rank == 1 ? 0 : 1, weight: weight,
                              ignoreIndex: ignoreIndex, labelSmoothing: 0, reduction: reduction, loss: "negativeLogLikelihood")
    }

    /// The class-index form shared by cross-entropy and NLL: `-w[t] * logp[t]` per target, plus the
    /// label-smoothing term `-(ε / C) Σ_c w[c] logp[c]`, as PyTorch's `nll_loss_nd` and
    /// `cross_entropy_loss_label_smoothing`.
    static func classIndexLoss(_ logProbabilities: Tensor, _ targets: Tensor, classAxis: Int, weight: Tensor?, ignoreIndex: Int,
                               labelSmoothing: Double, reduction: Reduction, loss: String) -> Tensor {
        precondition(reduction != .batchMean, "\(loss): reduction .batchMean is only for klDivergence; use .mean, .sum or .none")
        precondition(targets.dtype == .int64 || targets.dtype == .int32,
                     "\(loss): class-index targets must be int64 (or int32), got \(targets.dtype)")
        var targetShape = logProbabilities.shape
        let classCount = targetShape.remove(at: classAxis)
        precondition(targets.shape == targetShape,
                     "\(loss): targets of shape \(targets.shape) do not match input shape \(logProbabilities.shape); "
                     + "class indices must have shape \(targetShape)")
        let dtype = logProbabilities.dtype
        let classWeights = weight.map { checkClassWeight($0, classCount: classCount, dtype: dtype, loss: loss) }
        let classWeightValues = classWeights?.scalars(as: Double.self)

        // Valid indices for the gather (ignored targets read class 0 and are weighted 0).
        let labels = targets.to(.int64).scalars(as: Int64.self)
        var indices = [Int64](repeating: 0, count: labels.count)
        var targetWeights = [Double](repeating: 1, count: labels.count)
        var ignoredCount = 0
        var weightTotal = 0.0
        for (position, label) in labels.enumerated() {
            if label == Int64(ignoreIndex) {
                targetWeights[position] = 0
                ignoredCount += 1
                continue
            }
            precondition(label >= 0 && label < Int64(classCount),
                         "\(loss): class index \(label) at position \(position) is outside 0..<\(classCount) "
                         + "(targets \(targets.shape), input \(logProbabilities.shape), ignoreIndex \(ignoreIndex))")
            indices[position] = label
            let classWeight = classWeightValues?[Int(label)] ?? 1
            targetWeights[position] = classWeight
            weightTotal += classWeight
        }
        let isUniform = classWeights == nil && ignoredCount == 0
        let index = Tensor(indices, shape: targetShape).unsqueezed(axis: classAxis)
        let picked = logProbabilities.gather(axis: classAxis, index: index).squeezed(axis: classAxis)
        let perTargetWeight = isUniform ? nil : Tensor(targetWeights, shape: targetShape, dtype: dtype)
        var losses = perTargetWeight.map { -(picked * $0) } ?? -picked

        if labelSmoothing > 0 {
            var smooth: Tensor
            if let classWeights {
                var weightShape = [Int](repeating: 1, count: logProbabilities.rank)
                weightShape[classAxis] = classCount
                smooth = -(logProbabilities * classWeights.reshaped(weightShape)).sum(axis: classAxis)
            } else {
                smooth = -logProbabilities.sum(axis: classAxis)
            }
            if ignoredCount > 0 {
                let kept = labels.map { $0 == Int64(ignoreIndex) ? 0.0 : 1.0 }
                smooth = smooth * Tensor(kept, shape: targetShape, dtype: dtype)
            }
            losses = (1 - labelSmoothing) * losses + (labelSmoothing / Double(classCount)) * smooth
        }

        switch reduction {
        case .none: return losses
        case .sum: return losses.sum()
        case .mean:
            if isUniform { return losses.mean() }
            // No weight at all (every target ignored): PyTorch's 0 / 0, NaN with a zero gradient.
            if weightTotal == 0 { return losses.sum() * 0 + Double.nan }
            return losses.sum() / weightTotal
        case .batchMean: preconditionFailure("\(loss): reduction .batchMean is only for klDivergence")
        }
    }

    /// Cross-entropy against class probabilities: `-Σ_c w[c] p[c] logp[c]` per sample, the mean over
    /// samples (not weighted), as PyTorch.
    static func probabilityCrossEntropy(_ logProbabilities: Tensor, _ targets: Tensor, classAxis: Int, weight: Tensor?,
                                        ignoreIndex: Int, labelSmoothing: Double, reduction: Reduction) -> Tensor {
        precondition(reduction != .batchMean, "crossEntropy: reduction .batchMean is only for klDivergence; use .mean, .sum or .none")
        checkSameShape(logProbabilities, targets, loss: "crossEntropy", targetName: "probability target")
        precondition(ignoreIndex < 0, "crossEntropy: ignoreIndex \(ignoreIndex) is not supported with probability targets")
        checkValues(targets, in: 0...Double.infinity, loss: "crossEntropy", what: "probability target")
        let classCount = logProbabilities.shape[classAxis]
        var probabilities = targets
        if labelSmoothing > 0 {
            probabilities = probabilities * (1 - labelSmoothing) + labelSmoothing / Double(classCount)
        }
        var products = logProbabilities * probabilities
        if let weight {
            var weightShape = [Int](repeating: 1, count: logProbabilities.rank)
            weightShape[classAxis] = classCount
            let classWeights = checkClassWeight(weight, classCount: classCount, dtype: logProbabilities.dtype, loss: "crossEntropy")
            products = products * classWeights.reshaped(weightShape)
        }
        let losses = -products.sum(axis: classAxis)
        return reduce(losses, reduction, loss: "crossEntropy")
    }
}
