import Flint

// Module forms of the losses in `Loss`, with PyTorch's names and defaults. Class and element
// weights are buffers (`weight`, `pos_weight`), so they appear in the state dictionary as in PyTorch.

/// ``Loss/meanSquaredError(_:_:reduction:)`` as a module, as `nn.MSELoss`.
///
/// ```swift
/// let criterion = MSELoss()
/// let loss = criterion(model(x), y)
/// ```
public final class MSELoss: Module {
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A mean squared error criterion.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The loss of `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.meanSquaredError(input, target, reduction: reduction)
    }
}

/// ``Loss/l1(_:_:reduction:)`` as a module, as `nn.L1Loss`.
///
/// ```swift
/// let loss = L1Loss()(prediction, target)
/// ```
public final class L1Loss: Module {
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A mean absolute error criterion.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The loss of `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { Loss.l1(input, target, reduction: reduction) }
}

/// ``Loss/huber(_:_:delta:reduction:)`` as a module, as `nn.HuberLoss`.
///
/// ```swift
/// let loss = HuberLoss(delta: 0.5)(prediction, target)
/// ```
public final class HuberLoss: Module {
    /// Where the loss changes from quadratic to linear.
    public let delta: Double
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A Huber criterion.
    public init(delta: Double = 1, reduction: Reduction = .mean) { (self.delta, self.reduction) = (delta, reduction) }
    /// The loss of `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.huber(input, target, delta: delta, reduction: reduction)
    }
    /// `HuberLoss(delta: 0.5)`.
    public override var layerDescription: String { "HuberLoss(delta: \(delta))" }
}

/// ``Loss/smoothL1(_:_:beta:reduction:)`` as a module, as `nn.SmoothL1Loss`.
///
/// ```swift
/// let loss = SmoothL1Loss(beta: 1.0 / 9)(boxes, targetBoxes)
/// ```
public final class SmoothL1Loss: Module {
    /// Where the loss changes from quadratic to linear.
    public let beta: Double
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A smooth L1 criterion.
    public init(beta: Double = 1, reduction: Reduction = .mean) { (self.beta, self.reduction) = (beta, reduction) }
    /// The loss of `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.smoothL1(input, target, beta: beta, reduction: reduction)
    }
    /// `SmoothL1Loss(beta: 1.0)`.
    public override var layerDescription: String { "SmoothL1Loss(beta: \(beta))" }
}

/// ``Loss/crossEntropy(_:_:weight:ignoreIndex:labelSmoothing:reduction:)`` as a module, as
/// `nn.CrossEntropyLoss`.
///
/// ```swift
/// let criterion = CrossEntropyLoss(labelSmoothing: 0.1)
/// let loss = criterion(model(images), labels)
/// ```
public final class CrossEntropyLoss: Module {
    /// The per-class weights (`[C]`), if any.
    public let weight: Buffer?
    /// The class index whose targets are skipped.
    public let ignoreIndex: Int
    /// How much of the uniform distribution is mixed into the targets.
    public let labelSmoothing: Double
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A cross-entropy criterion.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, labelSmoothing: Double = 0, reduction: Reduction = .mean) {
        self.weight = weight.map { Buffer($0) }
        (self.ignoreIndex, self.labelSmoothing, self.reduction) = (ignoreIndex, labelSmoothing, reduction)
    }
    /// The loss of `logits` against class indices or class probabilities.
    public func callAsFunction(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        Loss.crossEntropy(logits, targets, weight: weight?.value, ignoreIndex: ignoreIndex,
                          labelSmoothing: labelSmoothing, reduction: reduction)
    }
}

/// ``Loss/negativeLogLikelihood(_:_:weight:ignoreIndex:reduction:)`` as a module, as `nn.NLLLoss`.
///
/// ```swift
/// let loss = NLLLoss()(logits.logSoftmax(axis: 1), labels)
/// ```
public final class NLLLoss: Module {
    /// The per-class weights (`[C]`), if any.
    public let weight: Buffer?
    /// The class index whose targets are skipped.
    public let ignoreIndex: Int
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A negative log-likelihood criterion.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight.map { Buffer($0) }
        (self.ignoreIndex, self.reduction) = (ignoreIndex, reduction)
    }
    /// The loss of log-probabilities against class indices.
    public func callAsFunction(_ logProbabilities: Tensor, _ targets: Tensor) -> Tensor {
        Loss.negativeLogLikelihood(logProbabilities, targets, weight: weight?.value, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// ``Loss/binaryCrossEntropy(_:_:weight:reduction:)`` as a module, as `nn.BCELoss`.
///
/// ```swift
/// let loss = BCELoss()(scores.sigmoid(), labels)
/// ```
public final class BCELoss: Module {
    /// The element weights (broadcast to the input's shape), if any.
    public let weight: Buffer?
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A binary cross-entropy criterion on probabilities.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight.map { Buffer($0) }
        self.reduction = reduction
    }
    /// The loss of probabilities `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.binaryCrossEntropy(input, target, weight: weight?.value, reduction: reduction)
    }
}

/// ``Loss/binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)`` as a module, as
/// `nn.BCEWithLogitsLoss`.
///
/// ```swift
/// let criterion = BCEWithLogitsLoss(posWeight: Tensor([2.0, 1.0, 4.0], dtype: .float32))
/// let loss = criterion(scores, labels)
/// ```
public final class BCEWithLogitsLoss: Module {
    /// The element weights (broadcast to the input's shape), if any.
    public let weight: Buffer?
    /// The weights of positive examples (broadcast along the last axes), if any.
    public let posWeight: Buffer?
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A binary cross-entropy criterion on logits.
    public init(weight: Tensor? = nil, posWeight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight.map { Buffer($0) }
        self.posWeight = posWeight.map { Buffer($0) }
        self.reduction = reduction
    }
    /// The loss of logits `input` against `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.binaryCrossEntropyWithLogits(input, target, weight: weight?.value, posWeight: posWeight?.value, reduction: reduction)
    }
}

/// ``Loss/hingeEmbedding(_:_:margin:reduction:)`` as a module, as `nn.HingeEmbeddingLoss`.
///
/// ```swift
/// let loss = HingeEmbeddingLoss(margin: 2)(distances, labels)
/// ```
public final class HingeEmbeddingLoss: Module {
    /// The margin for dissimilar pairs.
    public let margin: Double
    /// How the per-element losses are combined.
    public let reduction: Reduction
    /// A hinge embedding criterion.
    public init(margin: Double = 1, reduction: Reduction = .mean) { (self.margin, self.reduction) = (margin, reduction) }
    /// The loss of `input` against ±1 `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.hingeEmbedding(input, target, margin: margin, reduction: reduction)
    }
}

/// ``Loss/multiMargin(_:_:p:margin:weight:reduction:)`` as a module, as `nn.MultiMarginLoss`.
///
/// ```swift
/// let loss = MultiMarginLoss(p: 2)(scores, labels)
/// ```
public final class MultiMarginLoss: Module {
    /// The exponent, 1 or 2.
    public let p: Int
    /// The margin.
    public let margin: Double
    /// The per-class weights (`[C]`), if any.
    public let weight: Buffer?
    /// How the per-sample losses are combined.
    public let reduction: Reduction
    /// A multi-class margin criterion.
    public init(p: Int = 1, margin: Double = 1, weight: Tensor? = nil, reduction: Reduction = .mean) {
        precondition(p == 1 || p == 2, "MultiMarginLoss: p must be 1 or 2, got \(p)")
        (self.p, self.margin, self.reduction) = (p, margin, reduction)
        self.weight = weight.map { Buffer($0) }
    }
    /// The loss of scores `input` against class indices.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.multiMargin(input, target, p: p, margin: margin, weight: weight?.value, reduction: reduction)
    }
}

/// ``Loss/klDivergence(_:_:reduction:logTarget:)`` as a module, as `nn.KLDivLoss`.
///
/// ```swift
/// let loss = KLDivLoss(reduction: .batchMean)(student.logSoftmax(axis: 1), teacherProbabilities)
/// ```
public final class KLDivLoss: Module {
    /// How the per-element losses are combined (`.batchMean` allowed).
    public let reduction: Reduction
    /// Whether the target holds log-probabilities.
    public let logTarget: Bool
    /// A KL divergence criterion.
    public init(reduction: Reduction = .mean, logTarget: Bool = false) { (self.reduction, self.logTarget) = (reduction, logTarget) }
    /// The divergence of log-probabilities `input` from `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        Loss.klDivergence(input, target, reduction: reduction, logTarget: logTarget)
    }
}

/// ``Loss/cosineEmbedding(_:_:_:margin:reduction:)`` as a module, as `nn.CosineEmbeddingLoss`.
///
/// ```swift
/// let loss = CosineEmbeddingLoss(margin: 0.2)(anchors, others, labels)
/// ```
public final class CosineEmbeddingLoss: Module {
    /// The margin for dissimilar pairs.
    public let margin: Double
    /// How the per-pair losses are combined.
    public let reduction: Reduction
    /// A cosine embedding criterion.
    public init(margin: Double = 0, reduction: Reduction = .mean) { (self.margin, self.reduction) = (margin, reduction) }
    /// The loss of the pairs (`input1[i]`, `input2[i]`) against ±1 `target`.
    public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        Loss.cosineEmbedding(input1, input2, target, margin: margin, reduction: reduction)
    }
}
