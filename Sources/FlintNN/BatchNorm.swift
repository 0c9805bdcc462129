import Flint

/// The parameters, buffers and settings BatchNorm1d and BatchNorm2d share, and their computation.
private struct BatchNormCore {
    let weight: Parameter?
    let bias: Parameter?
    let runningMean: Buffer?
    let runningVar: Buffer?
    let numBatchesTracked: Buffer?

    init(featureCount: Int, affine: Bool, trackRunningStats: Bool, dtype: DType, layer: String) {
        precondition(featureCount > 0, "\(layer): the feature count must be positive, got \(featureCount)")
        precondition(dtype.isFloatingPoint, "\(layer): needs a float32 or float64 dtype, got \(dtype)")
        weight = affine ? Parameter(Tensor.ones([featureCount], dtype: dtype)) : nil
        bias = affine ? Parameter(Tensor.zeros([featureCount], dtype: dtype)) : nil
        runningMean = trackRunningStats ? Buffer(Tensor.zeros([featureCount], dtype: dtype)) : nil
        runningVar = trackRunningStats ? Buffer(Tensor.ones([featureCount], dtype: dtype)) : nil
        numBatchesTracked = trackRunningStats ? Buffer(Tensor(Int64(0))) : nil
    }

    /// `torch.nn.functional.batch_norm` over every axis but 1, with the module's bookkeeping: in
    /// training, normalise with the batch mean and biased variance and move the running statistics
    /// towards the batch mean and the unbiased variance; in evaluation, normalise with the running
    /// statistics (or the batch's when none are tracked).
    func normalize(_ input: Tensor, featureCount: Int, training: Bool, momentum: Double?, epsilon: Double,
                   layer: String) -> Tensor {
        precondition(input.shape[1] == featureCount,
                     "\(layer): expected \(featureCount) features on axis 1, got input shape \(input.shape)")
        if let weight { precondition(input.dtype == weight.value.dtype, "\(layer): the input is \(input.dtype) but the layer is \(weight.value.dtype); convert one first") }
        let axes = [0] + Array(2..<input.rank)
        let broadcastShape = [1, featureCount] + [Int](repeating: 1, count: input.rank - 2)
        var averagingFactor = 0.0
        if training, let numBatchesTracked {
            let batches = numBatchesTracked.value.item(as: Int64.self) + 1
            numBatchesTracked.value = Tensor(batches)
            averagingFactor = momentum ?? 1 / Double(batches)
        }
        let normalized: Tensor
        if training || runningMean == nil {
            let valuesPerFeature = input.count / featureCount
            precondition(!training || valuesPerFeature > 1,
                         "\(layer): expected more than 1 value per feature when training, got input shape \(input.shape)")
            let mean = input.mean(axes: axes, keepDims: true)
            let centered = input - mean
            let variance = (centered * centered).mean(axes: axes, keepDims: true)
            if training, let runningMean, let runningVar {
                withoutGradients {
                    let unbiased = variance.detach().reshaped([featureCount])
                        * (Double(valuesPerFeature) / Double(valuesPerFeature - 1))
                    runningMean.value = runningMean.value * (1 - averagingFactor)
                        + mean.detach().reshaped([featureCount]) * averagingFactor
                    runningVar.value = runningVar.value * (1 - averagingFactor) + unbiased * averagingFactor
                }
            }
            normalized = centered * (variance + epsilon).rsqrt()
        } else {
            let mean = runningMean!.value.reshaped(broadcastShape), variance = runningVar!.value.reshaped(broadcastShape)
            normalized = (input - mean) * (variance + epsilon).rsqrt()
        }
        guard let weight, let bias else { return normalized }
        return normalized * weight.value.reshaped(broadcastShape) + bias.value.reshaped(broadcastShape)
    }

    func describe(_ layer: String, featureCount: Int, epsilon: Double, momentum: Double?) -> String {
        "\(layer)(\(featureCount)" + (epsilon == 1e-5 ? "" : ", epsilon: \(epsilon)")
            + (momentum == 0.1 ? "" : ", momentum: \(momentum.map { "\($0)" } ?? "nil")")
            + (weight == nil ? ", affine: false" : "") + (runningMean == nil ? ", trackRunningStats: false" : "") + ")"
    }
}

/// What BatchNorm1d and BatchNorm2d share: parameters, buffers (with PyTorch's keys), settings and
/// the computation; the subclasses only check the input's rank.
///
/// ```swift
/// let norms: [BatchNorm] = [BatchNorm1d(64), BatchNorm2d(16)]
/// ```
public class BatchNorm: Module {
    /// `[featureCount]` scales (ones at first), or nil without `affine`.
    public let weight: Parameter?
    /// `[featureCount]` shifts (zeros at first), or nil without `affine`.
    public let bias: Parameter?
    /// `[featureCount]` running means, or nil without `trackRunningStats`.
    public let runningMean: Buffer?
    /// `[featureCount]` running variances, or nil without `trackRunningStats`.
    public let runningVar: Buffer?
    /// The number of training batches seen (an int64 scalar), or nil without `trackRunningStats`.
    public let numBatchesTracked: Buffer?
    /// The number of features (channels) `C`.
    public let featureCount: Int
    /// Added to the variance before its square root.
    public let epsilon: Double
    /// The weight of each new batch in the running statistics; nil for a cumulative average.
    public let momentum: Double?
    private let core: BatchNormCore

    init(_ featureCount: Int, epsilon: Double, momentum: Double?, affine: Bool, trackRunningStats: Bool,
         dtype: DType, layer: String) {
        core = BatchNormCore(featureCount: featureCount, affine: affine, trackRunningStats: trackRunningStats,
                             dtype: dtype, layer: layer)
        (weight, bias, runningMean, runningVar, numBatchesTracked) =
            (core.weight, core.bias, core.runningMean, core.runningVar, core.numBatchesTracked)
        (self.featureCount, self.epsilon, self.momentum) = (featureCount, epsilon, momentum)
    }

    /// The layer's name as its messages and description spell it.
    var layerName: String { String(describing: type(of: self)) }

    /// The normalised `input` (features on axis 1).
    public override func forward(_ input: Tensor) -> Tensor {
        core.normalize(input, featureCount: featureCount, training: isTraining, momentum: momentum,
                       epsilon: epsilon, layer: "\(layerName)(\(featureCount))")
    }

    /// `BatchNorm2d(64)` plus the settings that differ from the defaults.
    public override var layerDescription: String {
        core.describe(layerName, featureCount: featureCount, epsilon: epsilon, momentum: momentum)
    }
}

/// Batch normalisation of `[N, C]` or `[N, C, L]` inputs per feature `C`, as `torch.nn.BatchNorm1d`.
///
/// Training normalises with the batch's mean and biased variance and updates `running_mean` and
/// `running_var` (with the unbiased variance) by `momentum`; evaluation uses the running statistics.
/// Keys: `weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`.
///
/// ```swift
/// let norm = BatchNorm1d(128)
/// let hidden = norm(Tensor.randn([32, 128]))  // [32, 128]
/// norm.eval()
/// ```
public final class BatchNorm1d: BatchNorm {
    /// Batch normalisation over `featureCount` features with PyTorch's defaults.
    ///
    /// ```swift
    /// BatchNorm1d(64, momentum: 0.01, affine: false)
    /// ```
    public init(_ featureCount: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, dtype: DType = .float32) {
        super.init(featureCount, epsilon: epsilon, momentum: momentum, affine: affine,
                   trackRunningStats: trackRunningStats, dtype: dtype, layer: "BatchNorm1d")
    }

    /// The normalised `input` (`[N, C]` or `[N, C, L]`).
    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 2 || input.rank == 3,
                     "BatchNorm1d(\(featureCount)): expected an input [N, C] or [N, C, L], got shape \(input.shape)")
        return super.forward(input)
    }
}

/// Batch normalisation of images `[N, C, H, W]` per channel, as `torch.nn.BatchNorm2d` (see
/// ``BatchNorm1d`` for the training and evaluation behaviour and the keys).
///
/// ```swift
/// let model = Sequential(Conv2d(3, 16, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(16), ReLU())
/// model(Tensor.randn([8, 3, 32, 32])).shape  // [8, 16, 32, 32]
/// ```
public final class BatchNorm2d: BatchNorm {
    /// Batch normalisation over `featureCount` channels with PyTorch's defaults.
    ///
    /// ```swift
    /// BatchNorm2d(64)
    /// ```
    public init(_ featureCount: Int, epsilon: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, dtype: DType = .float32) {
        super.init(featureCount, epsilon: epsilon, momentum: momentum, affine: affine,
                   trackRunningStats: trackRunningStats, dtype: dtype, layer: "BatchNorm2d")
    }

    /// The normalised `input` (`[N, C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "BatchNorm2d(\(featureCount)): expected an input [N, C, H, W], got shape \(input.shape)")
        return super.forward(input)
    }
}
