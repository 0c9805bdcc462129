import Foundation
import Synchronization

/// A counter-based random generator (Philox 4x32-10, the generator PyTorch and JAX use on GPUs).
///
/// Each call reserves a range of counters and derives every value from (key, counter) alone, so
/// results are identical on every run and whatever the thread count. ``Flint/seed(_:)`` reseeds
/// the shared generator; make your own for an independent stream (a data loader's shuffling).
///
/// ```swift
/// let generator = RandomGenerator(seed: 7)
/// let noise = Tensor.randn([3], generator: generator)
/// ```
public final class RandomGenerator: Sendable {
    private struct State {
        var key: UInt64
        var counter: UInt64
    }
    private let storage: Mutex<State>

    /// A generator starting from `seed`.
    ///
    /// ```swift
    /// let generator = RandomGenerator(seed: 42)
    /// ```
    public init(seed: UInt64) {
        storage = Mutex(State(key: seed, counter: 0))
    }

    /// The generator every random function uses unless given another; seeded with 0 at start.
    ///
    /// ```swift
    /// RandomGenerator.shared.reseed(1)
    /// ```
    public static let shared = RandomGenerator(seed: 0)

    /// Restarts the stream from `seed`.
    ///
    /// ```swift
    /// generator.reseed(42)
    /// ```
    public func reseed(_ seed: UInt64) {
        effective.storage.withLock { $0 = State(key: seed, counter: 0) }
    }

    /// The generator's position: its key (from the seed) and the next counter. Reading it and
    /// setting it back later replays exactly the same values from that point (what a training
    /// checkpoint stores so that a resumed run draws the same dropout masks).
    ///
    /// ```swift
    /// let saved = RandomGenerator.shared.state
    /// let a = Tensor.rand([3])
    /// RandomGenerator.shared.state = saved
    /// let b = Tensor.rand([3])   // equal to a
    /// ```
    public var state: RandomState {
        get {
            let target = effective
            return target.storage.withLock { RandomState(key: $0.key, counter: $0.counter) }
        }
        set {
            let target = effective
            target.storage.withLock { $0 = State(key: newValue.key, counter: newValue.counter) }
        }
    }

    /// Runs `body` with `generator` standing in for ``shared`` in this task (or on this thread
    /// outside tasks): every draw from the shared generator, ``Flint/seed(_:)`` and
    /// ``Flint/randomState`` inside `body` use `generator` instead, so that a run is reproducible
    /// whatever other threads or tests draw from the shared generator meanwhile (like
    /// `torch.random.fork_rng`, but without touching the shared stream).
    ///
    /// ```swift
    /// let model = RandomGenerator.withShared(RandomGenerator(seed: 7)) { Linear(4, 3) }
    /// ```
    public static func withShared<Result>(_ generator: RandomGenerator, _ body: () throws -> Result) rethrows -> Result {
        try $scopedShared.withValue(generator, operation: body)
    }

    @TaskLocal private static var scopedShared: RandomGenerator?

    /// The generator that draws happen on: the scoped stand-in when this is the shared generator.
    private var effective: RandomGenerator {
        guard self === RandomGenerator.shared, let scoped = RandomGenerator.scopedShared else { return self }
        return scoped
    }

    /// Fills `count` 32-bit random words.
    func words(_ count: Int) -> [UInt32] {
        let blocks = (count + 3) / 4
        let (key, start) = effective.storage.withLock { current -> (UInt64, UInt64) in
            defer { current.counter &+= UInt64(blocks) }
            return (current.key, current.counter)
        }
        var result = [UInt32](repeating: 0, count: blocks * 4)
        result.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelChunks(blocks, costPerItem: 16) { range in
                for block in range {
                    let output = philox(counter: start &+ UInt64(block), key: key)
                    base[block * 4] = output.0
                    base[block * 4 + 1] = output.1
                    base[block * 4 + 2] = output.2
                    base[block * 4 + 3] = output.3
                }
            }
        }
        result.removeLast(blocks * 4 - count)
        return result
    }

    /// Uniform doubles in [0, 1) with 53 random bits each.
    func uniformDoubles(_ count: Int) -> [Double] {
        let raw = words(count * 2)
        return (0..<count).map { index in
            let bits = (UInt64(raw[2 * index]) << 21) ^ (UInt64(raw[2 * index + 1]) >> 11)
            return Double(bits & ((1 << 53) - 1)) * 0x1p-53
        }
    }

    /// Uniform floats in [0, 1) with 24 random bits each.
    func uniformFloats(_ count: Int) -> [Float] {
        words(count).map { Float($0 >> 8) * 0x1p-24 }
    }
}

/// A random generator's position (its key and next counter), to save and restore with
/// ``RandomGenerator/state`` or ``Flint/randomState``.
///
/// ```swift
/// let saved = Flint.randomState
/// print(saved.key, saved.counter)
/// ```
public struct RandomState: Sendable, Equatable, Codable {
    /// The key the seed set.
    public var key: UInt64
    /// The counter the next draw starts from.
    public var counter: UInt64

    /// A position from its parts.
    ///
    /// ```swift
    /// RandomGenerator.shared.state = RandomState(key: 42, counter: 0)   // as Flint.seed(42)
    /// ```
    public init(key: UInt64, counter: UInt64) {
        self.key = key
        self.counter = counter
    }
}

/// Philox 4x32 with 10 rounds: four pseudo-random words from a 128-bit counter and a 64-bit key.
@inline(__always)
private func philox(counter: UInt64, key: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
    var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
    var c2: UInt32 = 0, c3: UInt32 = 0
    var k0 = UInt32(truncatingIfNeeded: key), k1 = UInt32(truncatingIfNeeded: key >> 32)
    for _ in 0..<10 {
        let product0 = UInt64(0xD251_1F53) &* UInt64(c0)
        let product1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
        let next0 = UInt32(truncatingIfNeeded: product1 >> 32) ^ c1 ^ k0
        let next2 = UInt32(truncatingIfNeeded: product0 >> 32) ^ c3 ^ k1
        c1 = UInt32(truncatingIfNeeded: product1)
        c3 = UInt32(truncatingIfNeeded: product0)
        c0 = next0
        c2 = next2
        k0 &+= 0x9E37_79B9
        k1 &+= 0xBB67_AE85
    }
    return (c0, c1, c2, c3)
}

/// Random tensors. Every function draws from ``RandomGenerator/shared`` unless given a generator.
extension Tensor {
    /// Uniform values in [0, 1).
    ///
    /// ```swift
    /// Flint.seed(42)
    /// let x = Tensor.rand([2, 3])
    /// ```
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .shared) -> Tensor {
        uniform(shape, low: 0, high: 1, dtype: dtype, generator: generator)
    }

    /// Uniform values in [low, high).
    ///
    /// ```swift
    /// Tensor.uniform([4], low: -0.1, high: 0.1)
    /// ```
    public static func uniform(_ shape: [Int], low: Double, high: Double, dtype: DType = .float32,
                               generator: RandomGenerator = .shared) -> Tensor {
        precondition(low <= high, "uniform: low \(low) is greater than high \(high)")
        let count = shape.reduce(1, *)
        switch dtype {
        case .float32:
            let (lower, width) = (Float(low), Float(high - low))
            return Tensor(generator.uniformFloats(count).map { Swift.min(lower + $0 * width, Float(high).nextDown) }, shape: shape)
        case .float64:
            return Tensor(generator.uniformDoubles(count).map { low + $0 * (high - low) }, shape: shape)
        default:
            preconditionFailure("uniform: needs a float dtype, got \(dtype); use randint for integers")
        }
    }

    /// Standard normal values (mean 0, standard deviation 1), by the Box-Muller transform.
    ///
    /// ```swift
    /// let weights = Tensor.randn([784, 128]) * 0.01
    /// ```
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .shared) -> Tensor {
        normal(shape, mean: 0, standardDeviation: 1, dtype: dtype, generator: generator)
    }

    /// Normal values with the given mean and standard deviation.
    ///
    /// ```swift
    /// Tensor.normal([10], mean: 5, standardDeviation: 2)
    /// ```
    public static func normal(_ shape: [Int], mean: Double, standardDeviation: Double, dtype: DType = .float32,
                              generator: RandomGenerator = .shared) -> Tensor {
        precondition(standardDeviation >= 0, "normal: the standard deviation must not be negative, got \(standardDeviation)")
        precondition(dtype.isFloatingPoint, "normal: needs a float dtype, got \(dtype)")
        let count = shape.reduce(1, *)
        let pairs = (count + 1) / 2
        let uniforms = generator.uniformDoubles(pairs * 2)
        var values = [Double](repeating: 0, count: pairs * 2)
        for pair in 0..<pairs {
            let radius = (-2 * Foundation.log(1 - uniforms[2 * pair])).squareRoot()
            let angle = 2 * Double.pi * uniforms[2 * pair + 1]
            values[2 * pair] = mean + standardDeviation * radius * Foundation.cos(angle)
            values[2 * pair + 1] = mean + standardDeviation * radius * Foundation.sin(angle)
        }
        values.removeLast(pairs * 2 - count)
        return Tensor(values, shape: shape, dtype: dtype)
    }

    /// Uniform integers in `low..<high`.
    ///
    /// ```swift
    /// Tensor.randint(low: 0, high: 10, shape: [5])  // int64
    /// ```
    public static func randint(low: Int, high: Int, shape: [Int], dtype: DType = .int64,
                               generator: RandomGenerator = .shared) -> Tensor {
        precondition(low < high, "randint: low \(low) must be less than high \(high)")
        let span = Double(high - low)
        let values = generator.uniformDoubles(shape.reduce(1, *)).map { Int64(low) + Int64(($0 * span).rounded(.down)) }
        return Tensor(values, shape: shape, dtype: dtype)
    }

    /// 1 with probability `probability`, else 0.
    ///
    /// ```swift
    /// let keep = Tensor.bernoulli([128], probability: 0.9)  // a dropout mask
    /// ```
    public static func bernoulli(_ shape: [Int], probability: Double, dtype: DType = .float32,
                                 generator: RandomGenerator = .shared) -> Tensor {
        precondition(probability >= 0 && probability <= 1, "bernoulli: the probability must be in 0...1, got \(probability)")
        return Tensor(generator.uniformDoubles(shape.reduce(1, *)).map { $0 < probability ? 1.0 : 0.0 }, shape: shape, dtype: dtype)
    }

    /// 1 where a uniform draw falls below this tensor's probability, else 0 (same shape and dtype).
    ///
    /// ```swift
    /// Tensor([0.1, 0.9]).bernoulli()
    /// ```
    public func bernoulli(generator: RandomGenerator = .shared) -> Tensor {
        precondition(dtype.isFloatingPoint, "bernoulli: the probabilities must be a float tensor, got \(dtype)")
        let probabilities = scalars(as: Double.self)
        let draws = generator.uniformDoubles(count)
        return Tensor(zip(draws, probabilities).map { $0 < $1 ? 1.0 : 0.0 }, shape: shape, dtype: dtype)
    }
}
