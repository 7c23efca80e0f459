// The project's seeded random number generators, one copy each, so a seed reproduces a run on
// every platform (SystemRandomNumberGenerator cannot be seeded): SplitMix64 (Steele, Lea &
// Flood 2014) for small jobs — HNSW level draws, moefy's shuffles, tests — and xoshiro256**
// seeded through SplitMix64 for sampling, as its authors recommend (Blackman & Vigna,
// "Scrambled linear pseudorandom number generators", 2021). Neither is for cryptography.

/// SplitMix64: one 64-bit word of state; every seed gives a full-period stream.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [0, 1) from the top 24 bits.
    public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A value in 0..<bound (plain modulo: the streams tests were written against).
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// xoshiro256**: fast, 256 bits of state, good statistical quality; not for cryptography.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    /// A uniform float in [0, 1) from the top 24 bits.
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
