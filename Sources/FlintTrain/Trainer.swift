import Flint
import FlintData
import FlintNN
import FlintOptim
import Foundation

/// Trains a model: the loop of forward pass, loss, backward pass, gradient clipping, optimizer step
/// and learning-rate schedule, with validation, metrics, callbacks, exact resume and Ctrl-C
/// handling (PyTorch Lightning's `Trainer`, Keras' `fit`/`evaluate`/`predict`, kept small).
///
/// Randomness during ``fit(training:validation:epochs:resumeFrom:)`` (dropout masks and any other
/// draw from the shared generator on the calling thread) comes from ``randomGenerator``, seeded
/// with `seed`: a run is reproducible whatever else the process draws, and a checkpoint stores its
/// position so that a resumed run continues the same stream.
///
/// ```swift
/// let trainer = try Trainer(model: model, optimizer: Adam(model.namedParameters(), learningRate: 1e-3),
///                           loss: { Loss.crossEntropy($0, $1) }, metrics: ["accuracy"],
///                           callbacks: [ProgressBar(), EarlyStopping(monitor: "val_loss", patience: 5)],
///                           seed: 42)
/// let history = try trainer.fit(training: trainLoader, validation: validationLoader, epochs: 20)
/// print(try trainer.evaluate(testLoader)["accuracy"]!)
/// ```
public final class Trainer {
    /// The model trained.
    public let model: Module
    /// The optimizer that updates the model's parameters.
    public let optimizer: any Optimizer
    /// The training objective: `(model output, batch targets) -> scalar loss`.
    public let loss: (Tensor, Tensor) -> Tensor
    /// The learning-rate schedule, if any.
    public let scheduler: LearningRateScheduler?
    /// Gradient clipping applied before every optimizer step, if any.
    public let gradientClipping: GradientClipping?
    /// The metrics ``evaluate(_:)`` computes (and validation logs as `val_<name>`); nil for none.
    public let metrics: MetricCollection?
    /// Applied to model outputs before the metrics see them (e.g. softmax for `roc_auc`, `log_loss`).
    public let metricTransform: ((Tensor) -> Tensor)?
    /// The callbacks, called in order.
    public var callbacks: [any Callback]
    /// The seed ``randomGenerator`` started from.
    public let seed: UInt64
    /// The generator dropout and other shared-generator draws use during `fit`.
    public let randomGenerator: RandomGenerator

    /// Optimizer steps taken so far (over every `fit`, and restored by a resume).
    public internal(set) var step = 0
    /// Epochs completed so far (the next epoch is `epoch + 1`).
    public internal(set) var epoch = 0
    /// Every epoch's logs so far.
    public internal(set) var history = TrainingHistory()
    /// Set by ``requestStop(_:)``; cleared when a `fit` begins.
    public internal(set) var stopReason: String?

    /// A batch-level position inside an unfinished epoch (from a checkpoint written by Ctrl-C).
    struct PartialEpoch: Equatable {
        var batches = 0
        var lossSum = 0.0
        var samples = 0
        var seconds = 0.0
    }
    var partialEpoch: PartialEpoch?

    /// A trainer for `model`.
    ///
    /// - Parameters:
    ///   - loss: `(output, target) -> scalar`, e.g. `{ Loss.crossEntropy($0, $1) }` or
    ///     `CrossEntropyLoss().callAsFunction`.
    ///   - scheduler: a schedule over `optimizer`, stepped per epoch or per batch (see ``LearningRateScheduler``).
    ///   - gradientClipping: by global norm or by value, before each step.
    ///   - metrics: metric names (``Metrics/metricNames``: `accuracy`, `f1_macro`, `rmse`, …); throws for an unknown one.
    ///   - classCount: the number of classes, needed by precision/recall/F1.
    ///   - metricTransform: applied to outputs before the metrics (e.g. `{ $0.softmax(axis: -1) }`).
    ///   - callbacks: progress, early stopping, checkpoints, … (called in order).
    ///   - seed: seeds ``randomGenerator`` (dropout masks during training).
    ///
    /// ```swift
    /// let trainer = try Trainer(model: model, optimizer: SGD(model.namedParameters(), learningRate: 0.1),
    ///                           loss: { Loss.meanSquaredError($0, $1) }, metrics: ["rmse", "r2"])
    /// ```
    public init(model: Module, optimizer: any Optimizer, loss: @escaping (Tensor, Tensor) -> Tensor,
                scheduler: LearningRateScheduler? = nil, gradientClipping: GradientClipping? = nil,
                metrics: [String] = [], classCount: Int? = nil, metricTransform: ((Tensor) -> Tensor)? = nil,
                callbacks: [any Callback] = [], seed: UInt64 = 0) throws {
        if let scheduler {
            precondition(scheduler.optimizer === optimizer, "Trainer: the learning-rate schedule was made for another optimizer; build it on the trainer's optimizer")
        }
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.scheduler = scheduler
        self.gradientClipping = gradientClipping
        self.metrics = metrics.isEmpty ? nil : try MetricCollection(names: metrics, classCount: classCount)
        self.metricTransform = metricTransform
        self.callbacks = callbacks
        self.seed = seed
        self.randomGenerator = RandomGenerator(seed: seed)
    }

    /// Asks training to stop at the end of the current epoch (what ``EarlyStopping`` calls; Keras'
    /// `model.stop_training = True`). The reason becomes ``TrainingHistory/stopReason``.
    ///
    /// ```swift
    /// trainer.requestStop("val_loss did not improve for 5 epochs")
    /// ```
    public func requestStop(_ reason: String) {
        if stopReason == nil { stopReason = reason }
    }

    /// The learning rate of the optimizer's first parameter group now.
    ///
    /// ```swift
    /// print(trainer.learningRate)
    /// ```
    public var learningRate: Double { optimizer.learningRate }

    /// The ``ModelCheckpoint`` among the callbacks, if any (where Ctrl-C writes its checkpoint).
    var modelCheckpoint: ModelCheckpoint? { callbacks.lazy.compactMap { $0 as? ModelCheckpoint }.first }
}

/// How gradients are clipped before each optimizer step (FlintOptim's ``clipGradientNorm(_:maxNorm:normType:)``
/// and ``clipGradientValue(_:limit:)``).
///
/// ```swift
/// try Trainer(model: model, optimizer: optimizer, loss: lossFunction, gradientClipping: .norm(1.0))
/// ```
public enum GradientClipping: Sendable, Equatable {
    /// Scales all gradients together so that their global norm is at most `maxNorm` (PyTorch's `clip_grad_norm_`).
    case norm(Double, normType: Double = 2)
    /// Clamps each gradient element to `[-limit, limit]` (PyTorch's `clip_grad_value_`).
    case value(Double)

    func apply(to parameters: [Parameter]) {
        switch self {
        case let .norm(maxNorm, normType): clipGradientNorm(parameters, maxNorm: maxNorm, normType: normType)
        case let .value(limit): clipGradientValue(parameters, limit: limit)
        }
    }
}
