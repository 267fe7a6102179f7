import Foundation

/// The seeded pseudo-random generator of the training code: weight initialisation, dropout masks,
/// mini-batch shuffling and validation splits.
///
/// xoshiro256** (Blackman & Vigna) seeded through SplitMix64, so any `UInt64` seed (0 included)
/// gives a well-mixed state. The stream depends only on the seed: the same seed gives the same
/// weights, masks and batch order on every platform.
public struct TrainingRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in `[0, 1)` with 24 random bits (every value exactly representable in `Float`).
    @inlinable public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    @inlinable public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in `[low, high)`.
    @inlinable public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUnitDouble()
    }

    /// Standard normal sample (Box-Muller, computed in `Double`).
    public mutating func normal() -> Double {
        var u1 = nextUnitDouble()
        while u1 <= 0 { u1 = nextUnitDouble() }
        let u2 = nextUnitDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<bound` (`bound > 0`), without modulo bias.
    @inlinable public mutating func nextIndex(below bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }

    /// Fisher-Yates shuffle of `values` in place (no allocation).
    public mutating func shuffle(_ values: inout [Int]) {
        var i = values.count - 1
        while i > 0 {
            let j = nextIndex(below: i + 1)
            values.swapAt(i, j)
            i -= 1
        }
    }
}
