import Flint

/// Seeded randomness for the data pipeline: every random choice (an epoch's order, a sampler's draws, a
/// random crop) comes from a ``Flint/RandomGenerator`` whose seed is derived from the user's seed, the
/// epoch and a stream number, so epoch k can be replayed on its own (a resumed run restarts it exactly).
enum SeededRandom {
    /// Streams keep the loader's independent uses of one seed apart.
    enum Stream: UInt64 {
        case order = 1
        case transforms = 2
        case folds = 3
        case split = 4
    }

    /// A generator for (`seed`, `epoch`, `stream`), mixed by SplitMix64 so nearby seeds give unrelated streams.
    static func generator(seed: UInt64, epoch: Int, stream: Stream) -> RandomGenerator {
        var mixed = splitMix(seed)
        mixed = splitMix(mixed ^ UInt64(bitPattern: Int64(epoch)))
        mixed = splitMix(mixed ^ stream.rawValue)
        return RandomGenerator(seed: mixed)
    }

    /// One SplitMix64 step.
    static func splitMix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` uniform doubles in [0, 1) from `generator`.
    static func uniform(_ count: Int, generator: RandomGenerator) -> [Double] {
        if count == 0 { return [] }
        return Tensor.uniform([count], low: 0, high: 1, dtype: .float64, generator: generator).scalars(as: Double.self)
    }

    /// A uniform integer in `0..<bound` from a uniform double.
    @inline(__always)
    static func integer(below bound: Int, from draw: Double) -> Int {
        Swift.min(Int(draw * Double(bound)), bound - 1)
    }

    /// `values` in a uniformly random order (Fisher-Yates).
    static func shuffled<T>(_ values: [T], generator: RandomGenerator) -> [T] {
        var result = values
        guard result.count > 1 else { return result }
        let draws = uniform(result.count - 1, generator: generator)
        for position in stride(from: result.count - 1, to: 0, by: -1) {
            let other = integer(below: position + 1, from: draws[result.count - 1 - position])
            result.swapAt(position, other)
        }
        return result
    }

    /// `0..<count` in a uniformly random order.
    static func permutation(_ count: Int, generator: RandomGenerator) -> [Int] {
        shuffled(Array(0..<count), generator: generator)
    }
}
