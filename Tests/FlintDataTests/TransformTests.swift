import Flint
import FlintData
import Testing

/// Whether two arrays agree within `tolerance`.
func close(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-6) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance }
}

@Suite struct TransformTests {
    /// [[1, 2, 3], [4, 5, 6], [7, 8, 9]] as a one-channel float32 image.
    let image = Tensor((1...9).map { Float($0) }, shape: [1, 3, 3])

    @Test func normalizeIsPerChannel() {
        let input = Tensor([1, 3, 5, 7, 2, 6, 10, 14] as [Float], shape: [2, 2, 2])
        let output = Normalize(mean: [1, 2], standardDeviation: [2, 4])(input)
        #expect(output.dtype == .float32 && output.shape == [2, 2, 2])
        #expect(close(output.scalars(as: Double.self), [0, 1, 2, 3, 0, 1, 2, 3]))
        // A batch [N, C, H, W] uses the same channel axis; feature vectors use the last axis.
        let batch = Tensor.stack([input, input])
        #expect(close(Normalize(mean: [1, 2], standardDeviation: [2, 4])(batch).scalars(as: Double.self),
                      [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]))
        #expect(close(Normalize(mean: [1, 2, 3], standardDeviation: [1, 2, 4])(Tensor([2.0, 2.0, 11.0])).scalars(as: Double.self), [1, 0, 2]))
    }

    @Test func standardizeMatchesScikitLearn() {
        // StandardScaler().fit(X): mean [3, 30, 5], scale [1.63299316, 21.60246899, 1] (constant column: 1).
        let train = Tensor([[1.0, 10.0, 5.0], [3.0, 20.0, 5.0], [5.0, 60.0, 5.0]])
        let standardize = Standardize.fit(train)
        #expect(close(standardize.mean.scalars(as: Double.self), [3, 30, 5]))
        #expect(close(standardize.scale.scalars(as: Double.self), [1.63299316, 21.60246899, 1], tolerance: 1e-8))
        #expect(close(standardize(Tensor([[2.0, 30.0, 7.0]])).scalars(as: Double.self), [-0.61237244, 0, 2], tolerance: 1e-8))
        // One sample at a time (float32) gives the same numbers.
        let single = standardize(Tensor([2, 30, 7] as [Float]))
        #expect(single.dtype == .float32 && close(single.scalars(as: Double.self), [-0.61237244, 0, 2], tolerance: 1e-6))
        #expect(close(Standardize(mean: [1, 2], scale: [2, 4])(Tensor([3.0, 10.0])).scalars(as: Double.self), [1, 2]))
    }

    @Test func minMaxScaleMatchesScikitLearn() {
        // MinMaxScaler((-1, 1)).fit(X).transform([[2, 30, 7]]) == [[-0.5, -0.2, 3]].
        let train = Tensor([[1.0, 10.0, 5.0], [3.0, 20.0, 5.0], [5.0, 60.0, 5.0]])
        let scaler = MinMaxScale.fit(train, range: -1...1)
        #expect(close(scaler(Tensor([[2.0, 30.0, 7.0]])).scalars(as: Double.self), [-0.5, -0.2, 3]))
        #expect(close(MinMaxScale.fit(train)(train).scalars(as: Double.self), [0, 0, 0, 0.5, 0.2, 0, 1, 1, 0]))
    }

    @Test func oneHotEncodesLabels() {
        let encoded = OneHot(classCount: 3)(Tensor([2, 0]))
        #expect(encoded.dtype == .float32 && encoded.shape == [2, 3])
        #expect(encoded.scalars(as: Float.self) == [0, 0, 1, 1, 0, 0])
        #expect(OneHot(classCount: 4, dtype: .int64)(Tensor(1.0)).scalars(as: Int.self) == [0, 1, 0, 0])
    }

    @Test func composeAppliesInOrder() {
        let pipeline = Compose(TransformClosure { input, _ in input + 1 }, TransformClosure { input, _ in input * 10 })
        #expect(pipeline(Tensor([1.0, 2.0])).scalars(as: Double.self) == [20, 30])
        #expect(Compose([]).apply(Tensor([4.0]), generator: .shared).scalars(as: Double.self) == [4])
    }

    @Test func randomCropPadsWithZerosAndPicksEveryWindow() {
        #expect(RandomCrop(size: 3)(image).scalars(as: Float.self) == image.scalars(as: Float.self))
        let padded: [[Float]] = [[0, 0, 0, 0, 0], [0, 1, 2, 3, 0], [0, 4, 5, 6, 0], [0, 7, 8, 9, 0], [0, 0, 0, 0, 0]]
        let windows = Set((0...2).flatMap { top in (0...2).map { left in
            (top..<(top + 3)).flatMap { padded[$0][left..<(left + 3)] }
        } })
        var seen = Set<[Float]>()
        let generator = RandomGenerator(seed: 1)
        for _ in 0..<200 {
            let crop = RandomCrop(size: 3, padding: 1).apply(image, generator: generator)
            #expect(crop.shape == [1, 3, 3])
            seen.insert(crop.scalars(as: Float.self))
        }
        #expect(seen == windows)
        #expect(RandomCrop(height: 2, width: 1).apply(image, generator: generator).shape == [1, 2, 1])
    }

    @Test func horizontalFlipMirrorsTheLastAxis() {
        #expect(RandomHorizontalFlip(probability: 1)(image).scalars(as: Float.self) == [3, 2, 1, 6, 5, 4, 9, 8, 7])
        #expect(RandomHorizontalFlip(probability: 0)(image).scalars(as: Float.self) == image.scalars(as: Float.self))
        let generator = RandomGenerator(seed: 5)
        let flips = (0..<400).filter { _ in RandomHorizontalFlip().apply(image, generator: generator).scalars(as: Float.self)[0] == 3 }.count
        #expect(flips > 160 && flips < 240)
    }

    @Test func rotationAndTranslationByHand() {
        let rotated = RandomAffine.transform(image, angle: 90, translation: (0, 0), interpolation: .nearest)
        #expect(rotated.scalars(as: Float.self) == [3, 6, 9, 2, 5, 8, 1, 4, 7])  // numpy.rot90: counter-clockwise
        let shifted = RandomAffine.transform(image, angle: 0, translation: (1, 0), interpolation: .nearest)
        #expect(shifted.scalars(as: Float.self) == [0, 1, 2, 0, 4, 5, 0, 7, 8])
        let down = RandomAffine.transform(image, angle: 0, translation: (0, 1), interpolation: .bilinear)
        #expect(close(down.scalars(as: Double.self), [0, 0, 0, 1, 2, 3, 4, 5, 6]))
        let half = RandomAffine.transform(image, angle: 0, translation: (0.5, 0), interpolation: .bilinear)
        #expect(close(half.scalars(as: Double.self), [0.5, 1.5, 2.5, 2, 4.5, 5.5, 3.5, 7.5, 8.5]))
        // 45 degrees bilinear: the centre stays; the top-middle output reads the source at x = 1 + sin 45,
        // y = 1 - cos 45 (up and to the right): a bilinear mix of 2, 3 (row 0) and 5, 6 (row 1).
        let turned = RandomAffine.transform(image, angle: 45, translation: (0, 0), interpolation: .bilinear).scalars(as: Double.self)
        let (fractionX, fractionY) = (0.5.squareRoot(), 1 - 0.5.squareRoot())
        let topMiddle = (2 + fractionX) * (1 - fractionY) + (5 + fractionX) * fractionY  // 3.5858
        #expect(abs(turned[4] - 5) < 1e-6 && abs(turned[1] - topMiddle) < 1e-5)
    }

    @Test func randomAffineIsSeededAndBounded() {
        let picture = Tensor.rand([2, 8, 8], generator: RandomGenerator(seed: 3))
        let jitter = RandomAffine(degrees: 10, translate: (x: 0.25, y: 0.25))
        let first = jitter.apply(picture, generator: RandomGenerator(seed: 4)).scalars(as: Float.self)
        #expect(first == jitter.apply(picture, generator: RandomGenerator(seed: 4)).scalars(as: Float.self))
        #expect(first != jitter.apply(picture, generator: RandomGenerator(seed: 6)).scalars(as: Float.self))
        #expect(first != picture.scalars(as: Float.self))
        let still = RandomAffine(degrees: 0).apply(picture, generator: RandomGenerator(seed: 4))
        #expect(still.scalars(as: Float.self) == picture.scalars(as: Float.self))
    }
}
