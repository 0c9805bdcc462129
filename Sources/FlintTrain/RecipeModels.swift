import Flint
import FlintNN

/// A residual block with BatchNorm, as torchvision's ResNet `BasicBlock`:
/// `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, both convolutions 3x3 without bias, the
/// first with `stride`. When the stride or the channel count changes, the shortcut is a 1x1
/// convolution with BatchNorm (key `downsample`, as torchvision names it); otherwise it is the input.
///
/// ```swift
/// let block = ResidualBlock(16, 32, stride: 2)
/// block(Tensor.randn([4, 16, 8, 8])).shape  // [4, 32, 4, 4]
/// block.namedParameters().map(\.name).first  // "conv1.weight"
/// ```
public final class ResidualBlock: Module {
    /// The first 3x3 convolution (with the block's stride).
    public let conv1: Conv2d
    /// BatchNorm after the first convolution.
    public let bn1: BatchNorm2d
    /// The second 3x3 convolution.
    public let conv2: Conv2d
    /// BatchNorm after the second convolution.
    public let bn2: BatchNorm2d
    /// The projection shortcut (1x1 convolution and BatchNorm), or nil for the identity.
    public let downsample: Sequential?

    /// A block from `inputChannels` to `outputChannels`, halving height and width when `stride` is 2.
    ///
    /// ```swift
    /// let block = ResidualBlock(32, 32)
    /// ```
    public init(_ inputChannels: Int, _ outputChannels: Int, stride: Int = 1) {
        precondition(inputChannels > 0 && outputChannels > 0 && stride > 0,
                     "ResidualBlock: channels and stride must be positive, got \(inputChannels) => \(outputChannels), stride \(stride)")
        conv1 = Conv2d(inputChannels, outputChannels, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn1 = BatchNorm2d(outputChannels)
        conv2 = Conv2d(outputChannels, outputChannels, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(outputChannels)
        if stride != 1 || inputChannels != outputChannels {
            downsample = Sequential(Conv2d(inputChannels, outputChannels, kernelSize: 1, stride: stride, bias: false),
                                    BatchNorm2d(outputChannels))
        } else {
            downsample = nil
        }
    }

    /// The block's output for `input` `[N, C, H, W]`.
    ///
    /// ```swift
    /// let block = ResidualBlock(16, 32, stride: 2)
    /// block(Tensor.randn([8, 16, 28, 28])).shape  // [8, 32, 14, 14]
    /// ```
    public override func forward(_ input: Tensor) -> Tensor {
        let residual = bn2(conv2(bn1(conv1(input)).relu()))
        let shortcut = downsample.map { $0(input) } ?? input
        return (residual + shortcut).relu()
    }

    /// `ResidualBlock(16 => 32, stride: 2)`.
    ///
    /// ```swift
    /// ResidualBlock(16, 32, stride: 2).layerDescription  // "ResidualBlock(16 => 32, stride: 2)"
    /// ```
    public override var layerDescription: String {
        "ResidualBlock(\(conv1.inputChannels) => \(conv1.outputChannels)" + (conv1.stride.0 == 1 ? ")" : ", stride: \(conv1.stride.0))")
    }
}

/// The image recipes' networks.
enum RecipeModels {
    /// `cnn`: per block `Conv3x3-BN-ReLU-Conv3x3-BN-ReLU-MaxPool2`, then `Flatten(-Dropout)-Linear`.
    static func convolutionalNetwork(channels inputChannels: Int, height: Int, width: Int, outputCount: Int,
                                     options: RecipeOptions) throws -> Module {
        var layers: [Module] = []
        var (channels, currentHeight, currentWidth) = (inputChannels, height, width)
        for blockChannels in options.channels {
            guard currentHeight >= 2 && currentWidth >= 2 else {
                throw RecipeError("recipe 'cnn': \(options.channels.count) blocks halve \(height)x\(width) images below 1x1; "
                                  + "use fewer channel entries (each is one block)")
            }
            layers += [
                Conv2d(channels, blockChannels, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(blockChannels), ReLU(),
                Conv2d(blockChannels, blockChannels, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(blockChannels), ReLU(),
                MaxPool2d(kernelSize: 2),
            ]
            (channels, currentHeight, currentWidth) = (blockChannels, currentHeight / 2, currentWidth / 2)
        }
        layers.append(Flatten())
        if options.dropout > 0 { layers.append(Dropout(probability: options.dropout)) }
        layers.append(Linear(channels * currentHeight * currentWidth, outputCount))
        return Sequential(layers: layers)
    }

    /// `resnet-small`: `Conv3x3-BN-ReLU` stem, stages of ``ResidualBlock``s (every stage after the first
    /// starts with stride 2), global average pooling, `Flatten(-Dropout)-Linear`.
    static func residualNetwork(channels inputChannels: Int, height: Int, width: Int, outputCount: Int,
                                options: RecipeOptions) throws -> Module {
        let stemChannels = options.channels[0]
        var layers: [Module] = [
            Conv2d(inputChannels, stemChannels, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(stemChannels), ReLU(),
        ]
        var (channels, currentHeight, currentWidth) = (stemChannels, height, width)
        for (stage, stageChannels) in options.channels.enumerated() {
            let stride = stage == 0 ? 1 : 2
            if stride == 2 {
                guard currentHeight >= 2 && currentWidth >= 2 else {
                    throw RecipeError("recipe 'resnet-small': \(options.channels.count) stages shrink \(height)x\(width) images "
                                      + "below 1x1; use fewer channel entries (each is one stage)")
                }
                (currentHeight, currentWidth) = ((currentHeight + 1) / 2, (currentWidth + 1) / 2)
            }
            for block in 0..<options.blocksPerStage {
                layers.append(ResidualBlock(channels, stageChannels, stride: block == 0 ? stride : 1))
                channels = stageChannels
            }
        }
        layers += [AdaptiveAvgPool2d(outputSize: 1), Flatten()]
        if options.dropout > 0 { layers.append(Dropout(probability: options.dropout)) }
        layers.append(Linear(channels, outputCount))
        return Sequential(layers: layers)
    }
}
