import Flint

/// A change applied to a tensor in the data pipeline (a sample's input or target, or a batch's inputs).
///
/// Random transforms draw from the `generator` they are given; a ``DataLoader`` passes one seeded from
/// (seed, epoch), so a run is reproducible. Values compose with ``Compose``.
///
/// ```swift
/// let augment = Compose(RandomCrop(size: 28, padding: 2), Normalize(mean: [0.1307], standardDeviation: [0.3081]))
/// let image = augment(Tensor.rand([1, 28, 28]), generator: RandomGenerator(seed: 1))
/// ```
public protocol Transform: Sendable {
    /// The transformed tensor; random choices come from `generator`.
    ///
    /// ```swift
    /// struct AddNoise: Transform {
    ///     var standardDeviation = 0.1
    ///     func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
    ///         input + Tensor.randn(input.shape, dtype: input.dtype, generator: generator) * standardDeviation
    ///     }
    /// }
    /// ```
    func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor
}

extension Transform {
    /// Applies the transform (random choices from `generator`, the shared one by default).
    ///
    /// ```swift
    /// let scaled = Normalize(mean: [0.5], standardDeviation: [0.5])(image)
    /// ```
    public func callAsFunction(_ input: Tensor, generator: RandomGenerator = .shared) -> Tensor {
        apply(input, generator: generator)
    }
}

/// Several transforms applied in order (torchvision's `Compose`).
///
/// ```swift
/// let pipeline = Compose(RandomHorizontalFlip(), Normalize(mean: [0.5, 0.5, 0.5], standardDeviation: [0.2, 0.2, 0.2]))
/// ```
public struct Compose: Transform {
    /// The transforms, first applied first.
    public let transforms: [any Transform]

    /// The transforms in order.
    ///
    /// ```swift
    /// let both = Compose([Standardize(mean: [1], scale: [2]), OneHot(classCount: 3)])
    /// ```
    public init(_ transforms: [any Transform]) { self.transforms = transforms }

    /// The transforms in order.
    ///
    /// ```swift
    /// let both = Compose(RandomCrop(size: 32, padding: 4), RandomHorizontalFlip())
    /// ```
    public init(_ transforms: any Transform...) { self.transforms = transforms }

    /// Each transform in turn, all drawing from `generator`.
    ///
    /// ```swift
    /// pipeline.apply(image, generator: generator)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        transforms.reduce(input) { $1.apply($0, generator: generator) }
    }
}

/// A transform from a closure (torchvision's `Lambda`).
///
/// ```swift
/// let scale = TransformClosure { input, _ in input / 255 }
/// ```
public struct TransformClosure: Transform {
    private let body: @Sendable (Tensor, RandomGenerator) -> Tensor

    /// A transform calling `body` with the input and the generator to draw from.
    ///
    /// ```swift
    /// let flatten = TransformClosure { input, _ in input.reshaped([-1]) }
    /// ```
    public init(_ body: @escaping @Sendable (Tensor, RandomGenerator) -> Tensor) { self.body = body }

    /// `body(input, generator)`.
    ///
    /// ```swift
    /// flatten.apply(image, generator: .shared)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor { body(input, generator) }
}

/// `(x - mean[c]) / standardDeviation[c]` per channel c (torchvision's `Normalize`). The channel axis is
/// the third from the end for images (`[C, H, W]` or a batch `[N, C, H, W]`) and the last for feature
/// vectors or matrices (`[F]`, `[N, F]`).
///
/// ```swift
/// let normalize = Normalize(mean: [0.1307], standardDeviation: [0.3081])  // MNIST
/// ```
public struct Normalize: Transform {
    /// The mean subtracted from each channel.
    public let mean: [Double]
    /// The standard deviation each channel is divided by (all positive).
    public let standardDeviation: [Double]

    /// A normalization with one mean and standard deviation per channel.
    ///
    /// ```swift
    /// Normalize(mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])
    /// ```
    public init(mean: [Double], standardDeviation: [Double]) {
        precondition(mean.count == standardDeviation.count,
                     "Normalize: \(mean.count) means but \(standardDeviation.count) standard deviations")
        precondition(standardDeviation.allSatisfy { $0 > 0 }, "Normalize: standard deviations must be positive, got \(standardDeviation)")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The normalized tensor (same shape and float dtype).
    ///
    /// ```swift
    /// normalize.apply(image, generator: .shared)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        precondition(input.dtype.isFloatingPoint, "Normalize: needs a float tensor, got \(input.dtype)")
        precondition(input.rank >= 1, "Normalize: needs a tensor with a channel axis, got a scalar")
        let channelAxis = input.rank >= 3 ? input.rank - 3 : input.rank - 1
        let channels = input.shape[channelAxis]
        precondition(channels == mean.count || mean.count == 1,
                     "Normalize: input shape \(input.shape) has \(channels) channels on axis \(channelAxis) but \(mean.count) means were given")
        let shape = [channels] + [Int](repeating: 1, count: input.rank - 1 - channelAxis)
        let means = mean.count == 1 ? [Double](repeating: mean[0], count: channels) : mean
        let deviations = standardDeviation.count == 1 ? [Double](repeating: standardDeviation[0], count: channels) : standardDeviation
        return (input - Tensor(means, shape: shape, dtype: input.dtype)) / Tensor(deviations, shape: shape, dtype: input.dtype)
    }
}

/// `(x - mean) / scale` per feature, with the mean and scale fitted on training data
/// (scikit-learn's `StandardScaler`: population standard deviation; a constant feature gets scale 1).
///
/// The statistics have the shape of one sample; they broadcast over a leading batch axis.
///
/// ```swift
/// let standardize = Standardize.fit(trainFeatures)       // [N, F]
/// let scaledTest = standardize(testFeatures)             // same statistics
/// ```
public struct Standardize: Transform {
    /// The mean of each feature.
    public let mean: Tensor
    /// The value each centred feature is divided by.
    public let scale: Tensor

    /// A standardization with given statistics (the shape of one sample).
    ///
    /// ```swift
    /// let standardize = Standardize(mean: [5.8, 3.0], scale: [0.8, 0.4])
    /// ```
    public init(mean: [Double], scale: [Double]) {
        precondition(mean.count == scale.count, "Standardize: \(mean.count) means but \(scale.count) scales")
        precondition(scale.allSatisfy { $0 != 0 && $0.isFinite }, "Standardize: scales must be finite and non-zero, got \(scale)")
        self.mean = Tensor(mean)
        self.scale = Tensor(scale)
    }

    private init(mean: Tensor, scale: Tensor) {
        self.mean = mean
        self.scale = scale
    }

    /// Fits the mean and the population standard deviation of each feature over the first axis of `data`.
    ///
    /// ```swift
    /// Standardize.fit(Tensor([[1.0], [3.0]])).scale  // [1]
    /// ```
    public static func fit(_ data: Tensor) -> Standardize {
        precondition(data.rank >= 1 && data.shape[0] > 0, "Standardize.fit: needs at least one sample along the first axis, got shape \(data.shape)")
        let values = data.to(.float64)
        let mean = values.mean(axis: 0)
        let deviation = values.standardDeviation(axes: [0], unbiased: false)
        let scale = Tensor.where(deviation .== 0, Tensor.ones(like: deviation), deviation)
        return Standardize(mean: mean, scale: scale)
    }

    /// The standardized tensor, in the input's float dtype.
    ///
    /// ```swift
    /// standardize.apply(features, generator: .shared)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        let floating = input.dtype.isFloatingPoint ? input : input.to(.float32)
        return (floating - mean.to(floating.dtype)) / scale.to(floating.dtype)
    }
}

/// `x * scale + offset` mapping each feature's fitted minimum and maximum onto `range`
/// (scikit-learn's `MinMaxScaler`; a constant feature maps to the range's lower end).
///
/// ```swift
/// let scaler = MinMaxScale.fit(trainFeatures)          // to [0, 1]
/// let scaledTest = scaler(testFeatures)
/// ```
public struct MinMaxScale: Transform {
    /// What each feature is multiplied by.
    public let scale: Tensor
    /// What is then added.
    public let offset: Tensor

    /// Fits each feature's minimum and maximum over the first axis of `data`, mapping them to `range`.
    ///
    /// ```swift
    /// MinMaxScale.fit(Tensor([[0.0], [10.0]]), range: -1...1)(Tensor([5.0]))  // [0]
    /// ```
    public static func fit(_ data: Tensor, range: ClosedRange<Double> = 0...1) -> MinMaxScale {
        precondition(data.rank >= 1 && data.shape[0] > 0, "MinMaxScale.fit: needs at least one sample along the first axis, got shape \(data.shape)")
        let values = data.to(.float64)
        let minimum = values.min(axis: 0).values
        let span = values.max(axis: 0).values - minimum
        let safeSpan = Tensor.where(span .== 0, Tensor.ones(like: span), span)
        let scale = (range.upperBound - range.lowerBound) / safeSpan
        return MinMaxScale(scale: scale, offset: range.lowerBound - minimum * scale)
    }

    private init(scale: Tensor, offset: Tensor) {
        self.scale = scale
        self.offset = offset
    }

    /// The scaled tensor, in the input's float dtype.
    ///
    /// ```swift
    /// scaler.apply(features, generator: .shared)
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        let floating = input.dtype.isFloatingPoint ? input : input.to(.float32)
        return floating * scale.to(floating.dtype) + offset.to(floating.dtype)
    }
}

/// Integer class labels to one-hot rows: shape + `[classCount]` (float32 by default, for losses that
/// take probabilities). Float labels holding whole numbers are accepted.
///
/// ```swift
/// OneHot(classCount: 3)(Tensor([2, 0]))  // [[0, 0, 1], [1, 0, 0]]
/// ```
public struct OneHot: Transform {
    /// The number of classes (the length of each one-hot row).
    public let classCount: Int
    /// The dtype of the result.
    public let dtype: DType

    /// A one-hot encoding over `classCount` classes.
    ///
    /// ```swift
    /// let encode = OneHot(classCount: 10)
    /// ```
    public init(classCount: Int, dtype: DType = .float32) {
        precondition(classCount > 0, "OneHot: classCount must be positive, got \(classCount)")
        self.classCount = classCount
        self.dtype = dtype
    }

    /// The one-hot rows of `input`'s labels.
    ///
    /// ```swift
    /// encode.apply(Tensor(Int64(4)), generator: .shared).shape  // [10]
    /// ```
    public func apply(_ input: Tensor, generator: RandomGenerator) -> Tensor {
        let labels = input.dtype.isInteger ? input : input.to(.int64)
        if !input.dtype.isInteger {
            precondition(input.scalars(as: Double.self).allSatisfy { $0 == $0.rounded() },
                         "OneHot: the labels must be whole numbers, got a \(input.dtype) tensor with fractions")
        }
        return labels.to(.int64).oneHot(classCount: classCount).to(dtype)
    }
}
