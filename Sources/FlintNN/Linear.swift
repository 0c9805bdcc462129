import Flint

/// A fully connected layer: `y = x Wᵀ + b`, with `W` of shape `[outputFeatures, inputFeatures]`
/// (PyTorch's layout, so weights load unchanged) and PyTorch's default initialisation (uniform in
/// ±1/√inputFeatures).
///
/// ```swift
/// let layer = Linear(784, 128)
/// let hidden = layer(Tensor.randn([64, 784]))  // [64, 128]
/// print(layer)                                 // Linear(784 => 128)  # 100,480 parameters
/// ```
public final class Linear: Module {
    /// `[outputFeatures, inputFeatures]`.
    public let weight: Parameter
    /// `[outputFeatures]`, or nil without a bias.
    public let bias: Parameter?
    /// The size of each input row.
    public let inputFeatures: Int
    /// The size of each output row.
    public let outputFeatures: Int

    /// A layer from `inputFeatures` to `outputFeatures`, with a bias unless `bias` is false.
    ///
    /// ```swift
    /// let projection = Linear(512, 256, bias: false, dtype: .float64)
    /// ```
    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, dtype: DType = .float32) {
        precondition(inputFeatures > 0 && outputFeatures > 0,
                     "Linear: feature counts must be positive, got \(inputFeatures) => \(outputFeatures)")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        let bound = 1 / Double(inputFeatures).squareRoot()
        weight = Parameter(Tensor.uniform([outputFeatures, inputFeatures], low: -bound, high: bound, dtype: dtype))
        self.bias = bias ? Parameter(Tensor.uniform([outputFeatures], low: -bound, high: bound, dtype: dtype)) : nil
    }

    /// `input Wᵀ + b` over the last dimension of `input` (any leading dimensions).
    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank >= 1 && input.shape[input.rank - 1] == inputFeatures,
                     "Linear(\(inputFeatures) => \(outputFeatures)): the input's last dimension must be \(inputFeatures), got shape \(input.shape)")
        return input.linear(weight: weight.value, bias: bias?.value)
    }

    /// `Linear(in => out)`.
    public override var layerDescription: String {
        "Linear(\(inputFeatures) => \(outputFeatures)\(bias == nil ? ", bias: false" : ""))"
    }
}

/// Returns its input unchanged (a placeholder in architectures that switch layers off).
///
/// ```swift
/// let shortcut: Module = downsample ? Conv2d(64, 128, kernelSize: 1) : Identity()
/// ```
public final class Identity: Module {
    /// An identity layer.
    ///
    /// ```swift
    /// Identity()(x)  // x
    /// ```
    public override init() {}
    /// The input itself.
    public override func forward(_ input: Tensor) -> Tensor { input }
}

/// Merges dimensions `startAxis...endAxis` (by default all but the batch dimension).
///
/// ```swift
/// Flatten()(Tensor.zeros([64, 32, 5, 5])).shape  // [64, 800]
/// ```
public final class Flatten: Module {
    /// The first merged dimension.
    public let startAxis: Int
    /// The last merged dimension.
    public let endAxis: Int

    /// Flattens `startAxis...endAxis` (PyTorch's defaults: 1 and -1).
    ///
    /// ```swift
    /// Flatten(startAxis: 0)
    /// ```
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
    }

    /// The flattened input.
    public override func forward(_ input: Tensor) -> Tensor { input.flattened(startAxis: startAxis, endAxis: endAxis) }

    /// `Flatten(start => end)`.
    public override var layerDescription: String { "Flatten(\(startAxis) => \(endAxis))" }
}

/// Zeroes each element with probability `probability` during training and scales the rest by
/// `1 / (1 - probability)`; the identity in evaluation mode.
///
/// ```swift
/// let dropout = Dropout(probability: 0.1)
/// ```
public final class Dropout: Module {
    /// The probability of zeroing an element.
    public let probability: Double

    /// Dropout with the given probability (0 ≤ p < 1).
    ///
    /// ```swift
    /// Dropout(probability: 0.5)
    /// ```
    public init(probability: Double = 0.5) {
        precondition(probability >= 0 && probability < 1, "Dropout: the probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    /// The input with dropped elements in training mode; the input in evaluation mode.
    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        let keep = Tensor.bernoulli(input.shape, probability: 1 - probability, dtype: input.dtype)
        return input * (keep * (1 / (1 - probability)))
    }

    /// `Dropout(p)`.
    public override var layerDescription: String { "Dropout(\(probability))" }
}
