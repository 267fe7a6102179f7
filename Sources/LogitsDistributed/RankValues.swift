import Logits

/// Gathers one value per rank onto every rank with a sum-allreduce of a zeroed `N`-slot buffer in
/// which each rank writes only its own slot (exact: each slot has one non-zero contribution).
public enum RankValues {
    /// `values[r]` is rank `r`'s `value`, on every rank.
    public static func gather(_ value: Double, context: any DistributedContext) throws -> [Double] {
        var slots = [Double](repeating: 0, count: context.size)
        slots[context.rank] = value
        try slots.withUnsafeMutableBufferPointer { try context.allReduceSum($0) }
        return slots
    }
}

/// An exact fingerprint of a model's weights for cross-rank comparison: FNV-1a (64-bit) over the
/// bit patterns of every parameter value in state-dict order.
public struct ParameterChecksum: Equatable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(_ parameters: [Parameter]) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for p in parameters {
            p.value.withUnsafeBufferPointer { b in
                for x in b {
                    var bits = x.bitPattern
                    for _ in 0..<4 {
                        h = (h ^ UInt64(bits & 0xFF)) &* 0x0000_0100_0000_01B3
                        bits >>= 8
                    }
                }
            }
        }
        value = h
    }

    public var description: String {
        let hex = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Every rank's checksum, on every rank (the two 32-bit halves travel as exact `Double`s).
    public func gather(context: any DistributedContext) throws -> [ParameterChecksum] {
        let high = try RankValues.gather(Double(value >> 32), context: context)
        let low = try RankValues.gather(Double(value & 0xFFFF_FFFF), context: context)
        return zip(high, low).map { ParameterChecksum(raw: UInt64($0) << 32 | UInt64($1)) }
    }

    private init(raw: UInt64) { value = raw }
}
