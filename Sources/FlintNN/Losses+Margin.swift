import Flint

/// Margin losses, KL divergence and the cosine embedding loss.
extension Loss {
    /// The hinge embedding loss, as `F.hinge_embedding_loss`: `x` where the target is 1,
    /// `max(0, margin - x)` where it is -1 (a target that is neither adds both).
    ///
    /// `input` (typically distances) and `target` (±1, any numeric dtype) have the same shape.
    ///
    /// ```swift
    /// Loss.hingeEmbedding(distances, Tensor([1.0, -1.0, 1.0]), margin: 2)
    /// ```
    public static func hingeEmbedding(_ input: Tensor, _ target: Tensor, margin: Double = 1,
                                      reduction: Reduction = .mean) -> Tensor {
        precondition(input.dtype.isFloatingPoint, "hingeEmbedding: the input must be float32 or float64, got \(input.dtype)")
        precondition(input.shape == target.shape,
                     "hingeEmbedding: input shape \(input.shape) and target shape \(target.shape) differ; they must be the same")
        let labels = target.detach()
        let marginPart = Tensor.where(labels .!= 1, (margin - input).clamp(min: 0), 0)
        let inputPart = Tensor.where(labels .!= -1, input, 0)
        return reduce(marginPart + inputPart, reduction, loss: "hingeEmbedding")
    }

    /// The multi-class margin loss, as `F.multi_margin_loss`: for each sample,
    /// `Σ_{j ≠ y} w[y] max(0, margin - x[y] + x[j])^p / C`.
    ///
    /// `input` is `[N, C]` (or `[C]`), `target` the class indices `[N]` (or `[]`); `p` is 1 or 2;
    /// `weight` is a `[C]` rescaling by the target's class. `.mean` averages over samples.
    ///
    /// ```swift
    /// Loss.multiMargin(scores, labels, p: 2, margin: 0.5)
    /// ```
    public static func multiMargin(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1, weight: Tensor? = nil,
                                   reduction: Reduction = .mean) -> Tensor {
        let loss = "multiMargin"
        precondition(input.dtype.isFloatingPoint, "\(loss): the input must be float32 or float64, got \(input.dtype)")
        precondition(p == 1 || p == 2, "\(loss): p must be 1 or 2, got \(p)")
        precondition(input.rank == 1 || input.rank == 2, "\(loss): the input must be [C] or [N, C], got shape \(input.shape)")
        precondition(target.dtype == .int64 || target.dtype == .int32, "\(loss): the targets must be class indices (int64), got \(target.dtype)")
        let classAxis = input.rank - 1
        let classCount = input.shape[classAxis]
        let targetShape = Array(input.shape.dropLast())
        precondition(target.shape == targetShape,
                     "\(loss): targets of shape \(target.shape) do not match input shape \(input.shape); they must have shape \(targetShape)")
        let classWeights = weight.map { checkClassWeight($0, classCount: classCount, dtype: input.dtype, loss: loss).scalars(as: Double.self) }
        let labels = target.to(.int64).scalars(as: Int64.self)
        var others = [Double](repeating: 1, count: labels.count * classCount)
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < Int64(classCount),
                         "\(loss): class index \(label) at position \(row) is outside 0..<\(classCount) (input \(input.shape))")
            others[row * classCount + Int(label)] = 0
        }
        let picked = input.gather(axis: classAxis, index: Tensor(labels, shape: targetShape + [1]))
        var terms = (margin - picked + input).relu()
        if p == 2 { terms = terms * terms }
        terms = terms * Tensor(others, shape: input.shape, dtype: input.dtype)
        if let classWeights {
            let rowWeights = labels.map { classWeights[Int($0)] }
            terms = terms * Tensor(rowWeights, shape: targetShape + [1], dtype: input.dtype)
        }
        return reduce(terms.sum(axis: classAxis) / Double(classCount), reduction, loss: loss)
    }

    /// The Kullback–Leibler divergence `KL(target ‖ input)` pointwise, as `F.kl_div`: `input` holds
    /// log-probabilities; `target` probabilities (or log-probabilities with `logTarget`).
    ///
    /// Per element `t (log t - x)` (0 where `t` is 0), or `exp(t) (t - x)` with `logTarget`.
    /// Use `reduction: .batchMean` for the true KL divergence per sample; `.mean` averages over every
    /// element, as PyTorch's default does.
    ///
    /// ```swift
    /// Loss.klDivergence(student.logSoftmax(axis: 1), teacher.softmax(axis: 1), reduction: .batchMean)
    /// ```
    public static func klDivergence(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean,
                                    logTarget: Bool = false) -> Tensor {
        let loss = "klDivergence"
        checkSameShape(input, target, loss: loss)
        let losses: Tensor
        if logTarget {
            losses = target.exp() * (target - input)
        } else {
            checkValues(target, in: 0...Double.infinity, loss: loss, what: "target (probabilities; pass logTarget: true for log-probabilities)")
            let present = target .!= 0
            let safeTarget = Tensor.where(present, target, 1)
            losses = Tensor.where(present, target * safeTarget.log(), 0) - target * input
        }
        guard reduction == .batchMean else { return reduce(losses, reduction, loss: loss) }
        return input.rank == 0 ? losses.sum() : losses.sum() / Double(input.shape[0])
    }

    /// The cosine embedding loss, as `F.cosine_embedding_loss`: `1 - cos(a, b)` where the target is 1,
    /// `max(0, cos(a, b) - margin)` where it is -1.
    ///
    /// `input1` and `input2` are `[N, D]` (or `[D]`), `target` is `[N]` (or `[]`) of ±1. The cosine
    /// uses PyTorch's `1e-12` added to each squared norm.
    ///
    /// ```swift
    /// Loss.cosineEmbedding(anchors, others, Tensor([1.0, -1.0]), margin: 0.2)
    /// ```
    public static func cosineEmbedding(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                       reduction: Reduction = .mean) -> Tensor {
        let loss = "cosineEmbedding"
        checkSameShape(input1, input2, loss: loss, targetName: "input2")
        precondition(input1.rank == 1 || input1.rank == 2, "\(loss): the inputs must be [D] or [N, D], got shape \(input1.shape)")
        precondition(target.shape == Array(input1.shape.dropLast()),
                     "\(loss): target of shape \(target.shape) does not match inputs of shape \(input1.shape); "
                     + "it must have shape \(Array(input1.shape.dropLast()))")
        let featureAxis = input1.rank - 1
        let epsilon = 1e-12
        let products = (input1 * input2).sum(axis: featureAxis)
        let squaredNorm1 = (input1 * input1).sum(axis: featureAxis) + epsilon
        let squaredNorm2 = (input2 * input2).sum(axis: featureAxis) + epsilon
        let cosine = products / (squaredNorm1 * squaredNorm2).sqrt()
        let labels = target.detach()
        let similar = Tensor.where(labels .== 1, 1 - cosine, 0)
        let dissimilar = Tensor.where(labels .== -1, (cosine - margin).clamp(min: 0), 0)
        return reduce(similar + dissimilar, reduction, loss: loss)
    }
}
