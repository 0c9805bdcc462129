import Flint

/// PyTorch's default initialisation of a convolution: kaiming-uniform with `a = √5` for the weight,
/// which is uniform in ±1/√fanIn, and the bias uniform in ±1/√fanIn, where fanIn is the weight's
/// `shape[1]` times its kernel size (for transposed convolutions too, as PyTorch computes it).
private func convolutionParameters(weightShape: [Int], bias: Bool, biasCount: Int, dtype: DType)
    -> (weight: Parameter, bias: Parameter?) {
    let fanIn = weightShape.dropFirst().reduce(1, *)
    let bound = 1 / Double(fanIn).squareRoot()
    let weight = Parameter(Tensor.uniform(weightShape, low: -bound, high: bound, dtype: dtype))
    return (weight, bias ? Parameter(Tensor.uniform([biasCount], low: -bound, high: bound, dtype: dtype)) : nil)
}

/// `, stride: 2x2` when a setting differs from its default, for layer descriptions.
private func setting(_ name: String, _ value: (Int, Int), default defaultValue: (Int, Int)) -> String {
    value == defaultValue ? "" : ", \(name): \(value.0)x\(value.1)"
}

/// A 1-D convolution over sequences `[N, C, L]` (or `[C, L]`), as `torch.nn.Conv1d`: weight
/// `[outputChannels, inputChannels / groups, kernelSize]`, bias `[outputChannels]`.
///
/// ```swift
/// let conv = Conv1d(4, 16, kernelSize: 5, padding: 2)
/// conv(Tensor.randn([8, 4, 100])).shape  // [8, 16, 100]
/// ```
public final class Conv1d: Module {
    /// `[outputChannels, inputChannels / groups, kernelSize]`.
    public let weight: Parameter
    /// `[outputChannels]`, or nil without a bias.
    public let bias: Parameter?
    /// Channels of each input position.
    public let inputChannels: Int
    /// Channels of each output position.
    public let outputChannels: Int
    /// The kernel width.
    public let kernelSize: Int
    /// The step between windows.
    public let stride: Int
    /// Zeros added at both ends.
    public let padding: Int
    /// The spacing between kernel taps.
    public let dilation: Int
    /// Independent channel groups.
    public let groups: Int

    /// A convolution from `inputChannels` to `outputChannels` with PyTorch's defaults and initialisation.
    ///
    /// ```swift
    /// let depthwise = Conv1d(32, 32, kernelSize: 3, padding: 1, groups: 32)
    /// ```
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize > 0,
                     "Conv1d: channels and kernel size must be positive, got \(inputChannels) => \(outputChannels), kernel \(kernelSize)")
        precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
                     "Conv1d: groups \(groups) must divide both \(inputChannels) input and \(outputChannels) output channels")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = convolutionParameters(weightShape: [outputChannels, inputChannels / groups, kernelSize],
                                                    bias: bias, biasCount: outputChannels, dtype: dtype)
    }

    /// The convolution of `input` (`[N, C, L]` or `[C, L]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.conv1d(weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// `Conv1d(4 => 16, kernel: 5)` plus the settings that differ from the defaults.
    public override var layerDescription: String {
        "Conv1d(\(inputChannels) => \(outputChannels), kernel: \(kernelSize)"
            + (stride == 1 ? "" : ", stride: \(stride)") + (padding == 0 ? "" : ", padding: \(padding)")
            + (dilation == 1 ? "" : ", dilation: \(dilation)") + (groups == 1 ? "" : ", groups: \(groups)")
            + (bias == nil ? ", bias: false" : "") + ")"
    }
}

/// A 2-D convolution over images `[N, C, H, W]` (or `[C, H, W]`), as `torch.nn.Conv2d`: weight
/// `[outputChannels, inputChannels / groups, kH, kW]`, bias `[outputChannels]`.
///
/// ```swift
/// let conv = Conv2d(1, 32, kernelSize: 3, padding: 1)
/// conv(Tensor.randn([64, 1, 28, 28])).shape  // [64, 32, 28, 28]
/// print(conv)                                // Conv2d(1 => 32, kernel: 3x3, padding: 1x1)  # 320 parameters
/// ```
public final class Conv2d: Module {
    /// `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`.
    public let weight: Parameter
    /// `[outputChannels]`, or nil without a bias.
    public let bias: Parameter?
    /// Channels of each input pixel.
    public let inputChannels: Int
    /// Channels of each output pixel.
    public let outputChannels: Int
    /// The kernel's height and width.
    public let kernelSize: (Int, Int)
    /// The step between windows (rows, columns).
    public let stride: (Int, Int)
    /// Zeros added on each side (rows, columns).
    public let padding: (Int, Int)
    /// The spacing between kernel taps (rows, columns).
    public let dilation: (Int, Int)
    /// Independent channel groups.
    public let groups: Int

    /// A convolution with a rectangular kernel, PyTorch's defaults and initialisation.
    ///
    /// ```swift
    /// let conv = Conv2d(3, 64, kernelSize: (7, 7), stride: (2, 2), padding: (3, 3), bias: false)
    /// ```
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                dtype: DType = .float32) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize.0 > 0 && kernelSize.1 > 0,
                     "Conv2d: channels and kernel size must be positive, got \(inputChannels) => \(outputChannels), kernel \(kernelSize)")
        precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
                     "Conv2d: groups \(groups) must divide both \(inputChannels) input and \(outputChannels) output channels")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = convolutionParameters(
            weightShape: [outputChannels, inputChannels / groups, kernelSize.0, kernelSize.1],
            bias: bias, biasCount: outputChannels, dtype: dtype)
    }

    /// A convolution with a square kernel and the same stride, padding and dilation on both axes.
    ///
    /// ```swift
    /// let conv = Conv2d(1, 32, kernelSize: 3, padding: 1)
    /// ```
    public convenience init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                            dtype: DType = .float32) {
        self.init(inputChannels, outputChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias, dtype: dtype)
    }

    /// The convolution of `input` (`[N, C, H, W]` or `[C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.conv2d(weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    /// `Conv2d(1 => 32, kernel: 3x3)` plus the settings that differ from the defaults.
    public override var layerDescription: String {
        "Conv2d(\(inputChannels) => \(outputChannels), kernel: \(kernelSize.0)x\(kernelSize.1)"
            + setting("stride", stride, default: (1, 1)) + setting("padding", padding, default: (0, 0))
            + setting("dilation", dilation, default: (1, 1)) + (groups == 1 ? "" : ", groups: \(groups)")
            + (bias == nil ? ", bias: false" : "") + ")"
    }
}

/// A transposed 2-D convolution (the gradient of a convolution with respect to its input, used to
/// upsample in decoders and GAN generators), as `torch.nn.ConvTranspose2d`: weight
/// `[inputChannels, outputChannels / groups, kH, kW]`, bias `[outputChannels]`.
///
/// ```swift
/// let up = ConvTranspose2d(64, 32, kernelSize: 4, stride: 2, padding: 1)
/// up(Tensor.randn([8, 64, 7, 7])).shape  // [8, 32, 14, 14]
/// ```
public final class ConvTranspose2d: Module {
    /// `[inputChannels, outputChannels / groups, kernelHeight, kernelWidth]`.
    public let weight: Parameter
    /// `[outputChannels]`, or nil without a bias.
    public let bias: Parameter?
    /// Channels of each input pixel.
    public let inputChannels: Int
    /// Channels of each output pixel.
    public let outputChannels: Int
    /// The kernel's height and width.
    public let kernelSize: (Int, Int)
    /// The stride of the convolution this one transposes (the upsampling factor).
    public let stride: (Int, Int)
    /// The padding of the convolution this one transposes (removed from the output's borders).
    public let padding: (Int, Int)
    /// Extra rows and columns added to one side of the output to pick among the possible sizes.
    public let outputPadding: (Int, Int)
    /// The spacing between kernel taps.
    public let dilation: (Int, Int)
    /// Independent channel groups.
    public let groups: Int

    /// A transposed convolution with a rectangular kernel, PyTorch's defaults and initialisation.
    ///
    /// ```swift
    /// let up = ConvTranspose2d(16, 8, kernelSize: (3, 3), stride: (2, 2), padding: (1, 1), outputPadding: (1, 1))
    /// ```
    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                groups: Int = 1, bias: Bool = true, dtype: DType = .float32) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize.0 > 0 && kernelSize.1 > 0,
                     "ConvTranspose2d: channels and kernel size must be positive, got \(inputChannels) => \(outputChannels), kernel \(kernelSize)")
        precondition(groups > 0 && inputChannels % groups == 0 && outputChannels % groups == 0,
                     "ConvTranspose2d: groups \(groups) must divide both \(inputChannels) input and \(outputChannels) output channels")
        precondition((outputPadding.0 < stride.0 || outputPadding.0 < dilation.0) && (outputPadding.1 < stride.1 || outputPadding.1 < dilation.1),
                     "ConvTranspose2d: outputPadding \(outputPadding) must be smaller than either the stride \(stride) or the dilation \(dilation)")
        (self.inputChannels, self.outputChannels, self.kernelSize) = (inputChannels, outputChannels, kernelSize)
        (self.stride, self.padding, self.outputPadding) = (stride, padding, outputPadding)
        (self.dilation, self.groups) = (dilation, groups)
        (weight, self.bias) = convolutionParameters(
            weightShape: [inputChannels, outputChannels / groups, kernelSize.0, kernelSize.1],
            bias: bias, biasCount: outputChannels, dtype: dtype)
    }

    /// A transposed convolution with a square kernel and the same settings on both axes.
    ///
    /// ```swift
    /// let up = ConvTranspose2d(64, 32, kernelSize: 2, stride: 2)
    /// ```
    public convenience init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
                            padding: Int = 0, outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1,
                            bias: Bool = true, dtype: DType = .float32) {
        self.init(inputChannels, outputChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), outputPadding: (outputPadding, outputPadding),
                  dilation: (dilation, dilation), groups: groups, bias: bias, dtype: dtype)
    }

    /// The transposed convolution of `input` (`[N, C, H, W]` or `[C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight.value, bias: bias?.value, stride: stride, padding: padding,
                              outputPadding: outputPadding, dilation: dilation, groups: groups)
    }

    /// `ConvTranspose2d(64 => 32, kernel: 4x4, stride: 2x2)` plus the settings that differ from the defaults.
    public override var layerDescription: String {
        "ConvTranspose2d(\(inputChannels) => \(outputChannels), kernel: \(kernelSize.0)x\(kernelSize.1)"
            + setting("stride", stride, default: (1, 1)) + setting("padding", padding, default: (0, 0))
            + setting("outputPadding", outputPadding, default: (0, 0)) + setting("dilation", dilation, default: (1, 1))
            + (groups == 1 ? "" : ", groups: \(groups)") + (bias == nil ? ", bias: false" : "") + ")"
    }
}
