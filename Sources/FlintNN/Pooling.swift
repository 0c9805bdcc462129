import Flint

/// The largest value in each window, as `torch.nn.MaxPool2d` (stride defaults to the kernel size).
///
/// ```swift
/// let pool = MaxPool2d(kernelSize: 2)
/// pool(Tensor.randn([64, 32, 26, 26])).shape  // [64, 32, 13, 13]
/// ```
public final class MaxPool2d: Module {
    /// The window's height and width.
    public let kernelSize: (Int, Int)
    /// The step between windows.
    public let stride: (Int, Int)
    /// −∞ padding on each side.
    public let padding: (Int, Int)
    /// The spacing between window taps.
    public let dilation: (Int, Int)

    /// Max pooling with a rectangular window.
    ///
    /// ```swift
    /// MaxPool2d(kernelSize: (3, 3), stride: (2, 2), padding: (1, 1))
    /// ```
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)) {
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0, "MaxPool2d: the kernel size must be positive, got \(kernelSize)")
        (self.kernelSize, self.stride, self.padding, self.dilation) = (kernelSize, stride ?? kernelSize, padding, dilation)
    }

    /// Max pooling with a square window and the same settings on both axes.
    ///
    /// ```swift
    /// MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
    /// ```
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
                  dilation: (dilation, dilation))
    }

    /// The pooled `input` (`[N, C, H, W]` or `[C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }

    /// `MaxPool2d(kernel: 2x2, stride: 2x2)`.
    public override var layerDescription: String {
        "MaxPool2d(kernel: \(kernelSize.0)x\(kernelSize.1), stride: \(stride.0)x\(stride.1)"
            + (padding == (0, 0) ? "" : ", padding: \(padding.0)x\(padding.1)")
            + (dilation == (1, 1) ? "" : ", dilation: \(dilation.0)x\(dilation.1)") + ")"
    }
}

/// The mean of each window, as `torch.nn.AvgPool2d` (stride defaults to the kernel size; the zero
/// padding counts in the mean unless `countIncludePad` is false).
///
/// ```swift
/// let pool = AvgPool2d(kernelSize: 2)
/// pool(Tensor.randn([8, 16, 10, 10])).shape  // [8, 16, 5, 5]
/// ```
public final class AvgPool2d: Module {
    /// The window's height and width.
    public let kernelSize: (Int, Int)
    /// The step between windows.
    public let stride: (Int, Int)
    /// Zero padding on each side.
    public let padding: (Int, Int)
    /// Whether padded positions count in each window's divisor.
    public let countIncludePad: Bool

    /// Average pooling with a rectangular window.
    ///
    /// ```swift
    /// AvgPool2d(kernelSize: (3, 3), stride: (1, 1), padding: (1, 1), countIncludePad: false)
    /// ```
    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), countIncludePad: Bool = true) {
        precondition(kernelSize.0 > 0 && kernelSize.1 > 0, "AvgPool2d: the kernel size must be positive, got \(kernelSize)")
        (self.kernelSize, self.stride, self.padding, self.countIncludePad) = (kernelSize, stride ?? kernelSize, padding, countIncludePad)
    }

    /// Average pooling with a square window and the same settings on both axes.
    ///
    /// ```swift
    /// AvgPool2d(kernelSize: 2)
    /// ```
    public convenience init(kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.init(kernelSize: (kernelSize, kernelSize), stride: stride.map { ($0, $0) }, padding: (padding, padding),
                  countIncludePad: countIncludePad)
    }

    /// The pooled `input` (`[N, C, H, W]` or `[C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor {
        input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }

    /// `AvgPool2d(kernel: 2x2, stride: 2x2)`.
    public override var layerDescription: String {
        "AvgPool2d(kernel: \(kernelSize.0)x\(kernelSize.1), stride: \(stride.0)x\(stride.1)"
            + (padding == (0, 0) ? "" : ", padding: \(padding.0)x\(padding.1)")
            + (countIncludePad ? "" : ", countIncludePad: false") + ")"
    }
}

/// Average pooling to a fixed output size whatever the input's size, as `torch.nn.AdaptiveAvgPool2d`
/// (`(1, 1)` is global average pooling).
///
/// ```swift
/// let pool = AdaptiveAvgPool2d(outputSize: 1)
/// pool(Tensor.randn([8, 512, 7, 7])).shape  // [8, 512, 1, 1]
/// ```
public final class AdaptiveAvgPool2d: Module {
    /// The output's height and width.
    public let outputSize: (Int, Int)

    /// Adaptive pooling to `outputSize`.
    ///
    /// ```swift
    /// AdaptiveAvgPool2d(outputSize: (6, 6))
    /// ```
    public init(outputSize: (Int, Int)) {
        precondition(outputSize.0 > 0 && outputSize.1 > 0, "AdaptiveAvgPool2d: the output size must be positive, got \(outputSize)")
        self.outputSize = outputSize
    }

    /// Adaptive pooling to a square output.
    ///
    /// ```swift
    /// AdaptiveAvgPool2d(outputSize: 1)
    /// ```
    public convenience init(outputSize: Int) { self.init(outputSize: (outputSize, outputSize)) }

    /// The pooled `input` (`[N, C, H, W]` or `[C, H, W]`).
    public override func forward(_ input: Tensor) -> Tensor { input.adaptiveAvgPool2d(outputSize: outputSize) }

    /// `AdaptiveAvgPool2d(1x1)`.
    public override var layerDescription: String { "AdaptiveAvgPool2d(\(outputSize.0)x\(outputSize.1))" }
}

/// How ``Upsample`` fills the new pixels.
///
/// ```swift
/// Upsample(scaleFactor: 2, mode: .bilinear)
/// ```
public enum UpsampleMode: String, Sendable {
    /// Copy the nearest input pixel (PyTorch's `"nearest"`).
    case nearest
    /// Blend the four nearest input pixels (PyTorch's `"bilinear"`).
    case bilinear
}

/// Resizes images `[N, C, H, W]` to a fixed size or by a scale factor, as `torch.nn.Upsample`.
///
/// ```swift
/// let upsample = Upsample(scaleFactor: 2, mode: .bilinear, alignCorners: false)
/// upsample(Tensor.randn([1, 8, 16, 16])).shape  // [1, 8, 32, 32]
/// ```
public final class Upsample: Module {
    /// The output's height and width, or nil when a scale factor is given.
    public let size: (Int, Int)?
    /// The height and width multipliers, or nil when a size is given.
    public let scaleFactor: (Double, Double)?
    /// Nearest or bilinear.
    public let mode: UpsampleMode
    /// Whether bilinear interpolation aligns the corner pixels (only for `.bilinear`; false by default).
    public let alignCorners: Bool

    /// Resizing to `size`.
    ///
    /// ```swift
    /// Upsample(size: (224, 224), mode: .bilinear)
    /// ```
    public init(size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool? = nil) {
        precondition(size.0 > 0 && size.1 > 0, "Upsample: the size must be positive, got \(size)")
        precondition(alignCorners == nil || mode == .bilinear, "Upsample: alignCorners applies to bilinear mode only, not \(mode)")
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (size, nil, mode, alignCorners ?? false)
    }

    /// Resizing by `scaleFactor` on each axis (the output is `⌊H · factor⌋`).
    ///
    /// ```swift
    /// Upsample(scaleFactor: (2, 3))
    /// ```
    public init(scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool? = nil) {
        precondition(scaleFactor.0 > 0 && scaleFactor.1 > 0, "Upsample: the scale factor must be positive, got \(scaleFactor)")
        precondition(alignCorners == nil || mode == .bilinear, "Upsample: alignCorners applies to bilinear mode only, not \(mode)")
        (self.size, self.scaleFactor, self.mode, self.alignCorners) = (nil, scaleFactor, mode, alignCorners ?? false)
    }

    /// Resizing by the same factor on both axes.
    ///
    /// ```swift
    /// Upsample(scaleFactor: 2)
    /// ```
    public convenience init(scaleFactor: Double, mode: UpsampleMode = .nearest, alignCorners: Bool? = nil) {
        self.init(scaleFactor: (scaleFactor, scaleFactor), mode: mode, alignCorners: alignCorners)
    }

    /// The resized `input`.
    public override func forward(_ input: Tensor) -> Tensor {
        switch mode {
        case .nearest: input.upsampleNearest2d(size: size, scaleFactor: scaleFactor)
        case .bilinear: input.upsampleBilinear2d(size: size, scaleFactor: scaleFactor, alignCorners: alignCorners)
        }
    }

    /// `Upsample(scale: 2.0x2.0, mode: nearest)`.
    public override var layerDescription: String {
        let target = size.map { "size: \($0.0)x\($0.1)" } ?? scaleFactor.map { "scale: \($0.0)x\($0.1)" } ?? ""
        return "Upsample(\(target), mode: \(mode.rawValue)\(alignCorners ? ", alignCorners: true" : ""))"
    }
}
