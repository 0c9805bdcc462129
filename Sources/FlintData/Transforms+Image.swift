import Flint
import Foundation

/// A random `height` x `width` window of an image (`[C, H, W]`, or any tensor whose last two axes are
/// height and width), after zero padding of `padding` on every side (torchvision's `RandomCrop`).
///
/// ```swift
/// let crop = RandomCrop(size: 28, padding: 2)  // MNIST: shifts of up to 2 pixels
/// ```
public struct RandomCrop: Transform {
    /// The output height.
    public let height: Int
    /// The output width.
    public let width: Int
    /// Zeros added on each side before cropping.
    public let padding: Int

    /// A square crop of `size`.
    ///
    /// ```swift
    /// RandomCrop(size: 32, padding: 4)  // CIFAR's usual augmentation
    /// ```
    public init(size: Int, padding: Int = 0) { self.init(height: size, width: size, padding: padding) }

    /// A `height` x `width` crop.
    ///
    /// ```swift
    /// RandomCrop(height: 24, width: 32)
    /// ```
    public init(height: Int, width: Int, padding: Int = 0) {
        precondition(height > 0 && width > 0, "RandomCrop: the size must be positive, got \(height)x\(width)")
        precondition(padding >= 0, "RandomCrop: padding must not be negative, got \(padding)")
        self.height = height
        self.width = width
        self.padding = padding
    }

    /// The cropped image; the window's corner is drawn uniformly from `generator`.
    ///
    /// ```swift
    /// crop.apply(image, generator: generator).shape  // [1, 28, 28]
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        precondition(input.rank >= 2, "RandomCrop: needs an image [C, H, W] or [H, W], got shape \(input.shape)")
        let padded = padding > 0 ? input.padded([(padding, padding), (padding, padding)]) : input
        let (paddedHeight, paddedWidth) = (padded.size(-2), padded.size(-1))
        precondition(height <= paddedHeight && width <= paddedWidth,
                     "RandomCrop: a \(height)x\(width) crop does not fit a \(input.size(-2))x\(input.size(-1)) image padded by \(padding)")
        let draws = SeededRandom.uniform(2, generator: generator)
        let top = SeededRandom.integer(below: paddedHeight - height + 1, from: draws[0])
        let left = SeededRandom.integer(below: paddedWidth - width + 1, from: draws[1])
        return padded.narrowed(axis: -2, start: top, length: height).narrowed(axis: -1, start: left, length: width).contiguous()
    }
}

/// The image mirrored left to right with probability `probability` (torchvision's `RandomHorizontalFlip`).
///
/// ```swift
/// let flip = RandomHorizontalFlip()  // half the time
/// ```
public struct RandomHorizontalFlip: Transform {
    /// The chance of flipping.
    public let probability: Double

    /// A flip with the given chance.
    ///
    /// ```swift
    /// RandomHorizontalFlip(probability: 1)  // always
    /// ```
    public init(probability: Double = 0.5) {
        precondition(probability >= 0 && probability <= 1, "RandomHorizontalFlip: probability must be in 0...1, got \(probability)")
        self.probability = probability
    }

    /// The image, mirrored along its last axis when the draw falls below ``probability``.
    ///
    /// ```swift
    /// flip.apply(image, generator: generator)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        precondition(input.rank >= 1, "RandomHorizontalFlip: needs an image, got a scalar")
        guard SeededRandom.uniform(1, generator: generator)[0] < probability else { return input }
        return input.indexSelect(axis: -1, index: Tensor(Array((0..<input.size(-1)).reversed())))
    }
}

/// How a resampled pixel is read between the input's pixels.
///
/// ```swift
/// RandomAffine(degrees: 10, interpolation: .nearest)
/// ```
public enum Interpolation: String, Sendable {
    /// The nearest pixel's value.
    case nearest
    /// The distance-weighted mean of the four surrounding pixels.
    case bilinear
}

/// A small random rotation and translation of an image `[C, H, W]` (torchvision's `RandomAffine` without
/// scale or shear): an angle uniform in `-degrees...degrees` (positive is counter-clockwise), shifts
/// uniform within `translate` times the width and height, rounded to whole pixels; pixels from outside
/// the image are zero.
///
/// ```swift
/// let jitter = RandomAffine(degrees: 10, translate: (x: 0.1, y: 0.1))
/// ```
public struct RandomAffine: Transform {
    /// The largest rotation, in degrees.
    public let degrees: Double
    /// The largest shift as a fraction of the width (`x`) and height (`y`).
    public let translate: (x: Double, y: Double)
    /// How pixels are resampled.
    public let interpolation: Interpolation

    /// A random rotation within ±`degrees` and shift within `translate`.
    ///
    /// ```swift
    /// RandomAffine(degrees: 15, interpolation: .nearest)  // rotation only
    /// ```
    public init(degrees: Double, translate: (x: Double, y: Double) = (0, 0), interpolation: Interpolation = .bilinear) {
        precondition(degrees >= 0, "RandomAffine: degrees must not be negative, got \(degrees)")
        precondition((0...1).contains(translate.x) && (0...1).contains(translate.y),
                     "RandomAffine: translate fractions must be in 0...1, got \(translate)")
        self.degrees = degrees
        self.translate = translate
        self.interpolation = interpolation
    }

    /// The image rotated and shifted by a random draw from `generator`.
    ///
    /// ```swift
    /// jitter.apply(image, generator: generator)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        precondition(input.rank == 3, "RandomAffine: needs an image [C, H, W], got shape \(input.shape)")
        let draws = SeededRandom.uniform(3, generator: generator)
        let angle = (2 * draws[0] - 1) * degrees
        let shiftX = ((2 * draws[1] - 1) * translate.x * Double(input.size(2))).rounded()
        let shiftY = ((2 * draws[2] - 1) * translate.y * Double(input.size(1))).rounded()
        return Self.transform(input, angle: angle, translation: (shiftX, shiftY), interpolation: interpolation)
    }

    /// `image` (`[C, H, W]`, float) rotated by `angle` degrees counter-clockwise about its centre, then
    /// shifted by `translation` pixels (x right, y down); pixels from outside are zero.
    ///
    /// ```swift
    /// RandomAffine.transform(image, angle: 90, translation: (0, 0), interpolation: .nearest)
    /// ```
    public static func transform(_ image: Tensor, angle: Double, translation: (x: Double, y: Double),
                                 interpolation: Interpolation) -> Tensor {
        precondition(image.rank == 3, "RandomAffine.transform: needs an image [C, H, W], got shape \(image.shape)")
        switch image.dtype {
        case .float32: return resample(image, as: Float.self, angle: angle, translation: translation, interpolation: interpolation)
        case .float64: return resample(image, as: Double.self, angle: angle, translation: translation, interpolation: interpolation)
        default: preconditionFailure("RandomAffine.transform: needs a float image, got \(image.dtype); convert it with .to(.float32)")
        }
    }

    private static func resample<T: TensorScalar & BinaryFloatingPoint>(
        _ image: Tensor, as type: T.Type, angle: Double, translation: (x: Double, y: Double), interpolation: Interpolation
    ) -> Tensor {
        let (channels, height, width) = (image.size(0), image.size(1), image.size(2))
        let radians = angle * Double.pi / 180
        let (cosine, sine) = (cos(radians), sin(radians))
        let centreX = Double(width - 1) / 2, centreY = Double(height - 1) / 2
        var output = Tensor.zeros(image.shape, dtype: image.dtype)
        image.withUnsafeBufferPointer(as: T.self) { source in
            output.withUnsafeMutableBufferPointer(as: T.self) { destination in
                func pixel(_ plane: Int, _ row: Int, _ column: Int) -> Double {
                    guard row >= 0, row < height, column >= 0, column < width else { return 0 }
                    return Double(source[(plane * height + row) * width + column])
                }
                for row in 0..<height {
                    for column in 0..<width {
                        // Where this output pixel comes from: undo the shift, then the rotation.
                        let dx = Double(column) - centreX - translation.x, dy = Double(row) - centreY - translation.y
                        let sourceX = centreX + dx * cosine - dy * sine
                        let sourceY = centreY + dx * sine + dy * cosine
                        for plane in 0..<channels {
                            let value: Double
                            switch interpolation {
                            case .nearest:
                                value = pixel(plane, Int(sourceY.rounded()), Int(sourceX.rounded()))
                            case .bilinear:
                                let (left, top) = (Int(sourceX.rounded(.down)), Int(sourceY.rounded(.down)))
                                let (fractionX, fractionY) = (sourceX - Double(left), sourceY - Double(top))
                                let upper = pixel(plane, top, left) * (1 - fractionX) + pixel(plane, top, left + 1) * fractionX
                                let lower = pixel(plane, top + 1, left) * (1 - fractionX) + pixel(plane, top + 1, left + 1) * fractionX
                                value = upper * (1 - fractionY) + lower * fractionY
                            }
                            destination[(plane * height + row) * width + column] = T(value)
                        }
                    }
                }
            }
        }
        return output
    }
}
