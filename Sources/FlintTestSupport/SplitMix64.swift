/// SplitMix64: a small seeded generator for tests that must draw the same values on every run
/// (mutation and fuzz tests), usable wherever Swift takes a `RandomNumberGenerator`.
///
/// ```swift
/// var generator = SplitMix64(state: 2024)
/// let position = Int.random(in: 0..<10, using: &generator)
/// ```
public struct SplitMix64: RandomNumberGenerator {
    /// The generator's state; the same state gives the same sequence.
    public var state: UInt64

    /// A generator starting from `state`.
    ///
    /// ```swift
    /// var generator = SplitMix64(state: 7)
    /// ```
    public init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    ///
    /// ```swift
    /// let bits = generator.next()
    /// ```
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
