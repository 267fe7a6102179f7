import Foundation

/// A small deterministic random number generator (xoshiro256**, seeded through SplitMix64):
/// the same seed gives the same stream on every platform and Swift version, which the
/// standard library's `SystemRandomNumberGenerator` (and its `shuffle` algorithm) do not promise.
///
/// The one generator of the library: weight initialisation, dropout masks, mini-batch shuffling
/// and data splits all draw from it, so a seed fixes a whole training run.
/// Use `shuffle(_:)` and `int(below:)` for reproducible splits and batch orders.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Seeds the four state words from `seed` with SplitMix64 (never all zero).
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
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform integer in `0..<bound` (`bound >= 1`), unbiased (Lemire's multiply-and-reject).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")  // trap-ok: programmer error, bounds come from code
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Uniform `Float` in `[0, 1)` with 24 random bits.
    public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform `Double` in `[0, 1)` with 53 random bits.
    public mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Fisher-Yates shuffle in place (a fixed algorithm, so results are reproducible).
    public mutating func shuffle<T>(_ elements: inout [T]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            let j = int(below: i + 1)
            if i != j { elements.swapAt(i, j) }
        }
    }

    /// `0..<count` in a random order.
    public mutating func permutation(_ count: Int) -> [Int] {
        var p = Array(0..<count)
        shuffle(&p)
        return p
    }

    /// Uniform `Double` in `[low, high)`.
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unitDouble()
    }

    /// A standard normal sample (Box-Muller, computed in `Double`).
    public mutating func normal() -> Double {
        var u1 = unitDouble()
        while u1 <= 0 { u1 = unitDouble() }
        let u2 = unitDouble()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}
