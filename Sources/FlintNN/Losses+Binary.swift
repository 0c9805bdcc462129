import Flint

/// Binary cross-entropy, on probabilities and on logits.
extension Loss {
    /// Binary cross-entropy of probabilities, as `F.binary_cross_entropy`:
    /// `-w (t log x + (1 - t) log(1 - x))`, each logarithm clamped at -100 as PyTorch does so that a
    /// probability of exactly 0 or 1 gives a finite loss.
    ///
    /// `input` and `target` have the same shape with values in `0...1`; `weight` (optional) broadcasts
    /// to that shape. The input gradient is PyTorch's `(x - t) / max(x (1 - x), ε)` with PyTorch's ε ≈ 1e-12, finite at
    /// 0 and 1; the target gradient is `w (log(1 - x) - log x)` (clamped as the loss). Both are
    /// first-order only: a second backward through this loss sees no gradient.
    ///
    /// ```swift
    /// Loss.binaryCrossEntropy(logits.sigmoid(), labels)
    /// ```
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) -> Tensor {
        let loss = "binaryCrossEntropy"
        checkSameShape(input, target, loss: loss)
        checkValues(input, in: 0...1, loss: loss, what: "input (probabilities)")
        checkValues(target, in: 0...1, loss: loss, what: "target")
        let elementWeight = weight.map { broadcastWeight($0, to: input.shape, dtype: input.dtype, loss: loss) }
        let (x, t) = (input.detach(), target.detach())
        let (logInput, logComplement) = withoutGradients { (x.log().clamp(min: -100), (-x).log1p().clamp(min: -100)) }
        let value = withoutGradients {
            let losses = (t - 1) * logComplement - t * logInput
            return elementWeight.map { losses * $0 } ?? losses
        }
        let losses = attachingGradients(value, [
            (input, {
                // PyTorch's floor is the float32 constant 1e-12 (9.9999998e-13), even in float64.
                let gradient = (x - t) / ((1 - x) * x).clamp(min: Double(Float(1e-12)))
                return elementWeight.map { gradient * $0 } ?? gradient
            }),
            (target, {
                let gradient = logComplement - logInput
                return elementWeight.map { gradient * $0 } ?? gradient
            }),
        ])
        return reduce(losses, reduction, loss: loss)
    }

    /// Binary cross-entropy of logits, as `F.binary_cross_entropy_with_logits`: a sigmoid and BCE in
    /// one numerically stable form, `(1 - t) x - (1 + (p - 1) t) logσ(x)`, times `weight`.
    ///
    /// - `weight`: broadcasts to the input's shape and rescales each element's loss.
    /// - `posWeight`: the weight of positive examples, broadcast along the input's last axes (one per
    ///   class for multi-label problems); above 1 it raises recall.
    ///
    /// The gradients are PyTorch's closed forms (`σ(x) - t` without `posWeight`), first-order only.
    ///
    /// ```swift
    /// Loss.binaryCrossEntropyWithLogits(scores, labels, posWeight: Tensor([3.0], dtype: .float32))
    /// ```
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
        let loss = "binaryCrossEntropyWithLogits"
        checkSameShape(input, target, loss: loss)
        let elementWeight = weight.map { broadcastWeight($0, to: input.shape, dtype: input.dtype, loss: loss) }
        let positiveWeight = posWeight.map {
            broadcastWeight($0, to: input.shape, dtype: input.dtype, loss: loss, name: "posWeight")
        }
        let (x, t) = (input.detach(), target.detach())
        // logσ(x) = min(x, 0) - log(1 + exp(-|x|)), exact for any x.
        let softTail = withoutGradients { (-x.abs()).exp().log1p() }
        let logSigmoid = withoutGradients { x.clamp(max: 0) - softTail }
        let value = withoutGradients {
            let weightedLogSigmoid = positiveWeight.map { logSigmoid * ((($0 - 1) * t) + 1) } ?? logSigmoid
            let losses = (1 - t) * x - weightedLogSigmoid
            return elementWeight.map { losses * $0 } ?? losses
        }
        let losses = attachingGradients(value, [
            (input, {
                let sigmoid = x.sigmoid()
                var gradient: Tensor
                if let positiveWeight {
                    let scaledTarget = positiveWeight * t
                    gradient = (scaledTarget + 1 - t) * sigmoid - scaledTarget
                } else {
                    gradient = sigmoid - t
                }
                return elementWeight.map { gradient * $0 } ?? gradient
            }),
            (target, {
                var gradient: Tensor
                if let positiveWeight {
                    let logSigmoidOfNegative = (-x).clamp(max: 0) - softTail
                    gradient = logSigmoidOfNegative - logSigmoid * positiveWeight
                } else {
                    gradient = -x
                }
                return elementWeight.map { gradient * $0 } ?? gradient
            }),
        ])
        return reduce(losses, reduction, loss: loss)
    }
}
