/// Sorts positions by score, descending, ties in ascending position order (a total order, so the
/// result equals a stable sort on `-score`). LSD radix sort on order-preserving 64-bit keys
/// (11-bit digits, passes whose digit is constant are skipped), insertion sort for short inputs.
/// O(N) per call; keeps its buffers between calls so that sorting many columns or rows allocates once.
struct DescendingSorter {
    /// The sorted keys of the last call (first `count` entries valid): equal keys <=> equal scores.
    private(set) var keys: [UInt64] = []
    private var keysTmp: [UInt64] = []
    private var idxTmp: [Int32] = []
    private var histogram: [Int] = []
    /// The sorted positions of the last call (first `count` entries are valid).
    private(set) var order: [Int32] = []

    init() {}

    /// Key whose unsigned order is the descending order of `x` (-0 and +0 get the same key).
    @inline(__always) static func descendingKey(_ x: Double) -> UInt64 {
        let b = (x + 0.0).bitPattern
        let ascending = (b >> 63) != 0 ? ~b : (b | (1 << 63))
        return ~ascending
    }

    /// The score a key stands for (-0 comes back as +0).
    @inline(__always) static func value(ofKey key: UInt64) -> Double {
        let ascending = ~key
        let b = (ascending >> 63) != 0 ? (ascending & ~(1 << 63)) : ~ascending
        return Double(bitPattern: b)
    }

    /// Sorts `count` values read as `base[offset + i * stride]`, i = 0..<count; returns `order`.
    @discardableResult
    mutating func sort(base: UnsafePointer<Double>, offset: Int = 0, stride: Int = 1, count n: Int) -> ArraySlice<Int32> {
        load(base: base, offset: offset, stride: stride, count: n)
        return sortLoaded(n)
    }

    /// The same, and the sign bit of each order entry carries `mark(i)` (the position is `entry & Int32.max`),
    /// so that a consumer walking the sorted order needs no random access to the labels.
    @discardableResult
    mutating func sort(base: UnsafePointer<Double>, offset: Int = 0, stride: Int = 1, count n: Int,
                       mark: (Int) -> Bool) -> ArraySlice<Int32> {
        load(base: base, offset: offset, stride: stride, count: n)
        order.withUnsafeMutableBufferPointer { o in
            for i in 0..<n where mark(i) { o[i] |= Int32.min }
        }
        return sortLoaded(n)
    }

    private mutating func load(base: UnsafePointer<Double>, offset: Int, stride: Int, count n: Int) {
        if keys.count < n {
            keys = [UInt64](repeating: 0, count: n)
            keysTmp = keys
            order = [Int32](repeating: 0, count: n)
            idxTmp = order
        }
        keys.withUnsafeMutableBufferPointer { k in
            order.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    k[i] = Self.descendingKey(base[offset + i * stride])
                    o[i] = Int32(i)
                }
            }
        }
    }

    private mutating func sortLoaded(_ n: Int) -> ArraySlice<Int32> {
        if n <= 48 {
            insertionSort(n)
        } else {
            radixSort(n)
        }
        return order[0..<n]
    }

    private mutating func insertionSort(_ n: Int) {
        keys.withUnsafeMutableBufferPointer { k in
            order.withUnsafeMutableBufferPointer { o in
                var i = 1
                while i < n {
                    let key = k[i], idx = o[i]
                    var j = i - 1
                    while j >= 0 && k[j] > key {
                        k[j + 1] = k[j]
                        o[j + 1] = o[j]
                        j -= 1
                    }
                    k[j + 1] = key
                    o[j + 1] = idx
                    i += 1
                }
            }
        }
    }

    /// LSD radix sort of `keys` (carrying `order`): all digit histograms in one read pass, then one
    /// stable scatter per digit that is not constant. 8-bit digits below 8192 keys, 11-bit above.
    private mutating func radixSort(_ n: Int) {
        let bits: UInt64 = n < 8192 ? 8 : 11
        let buckets = 1 << Int(bits)
        let mask = UInt64(buckets - 1)
        let passes = (64 + Int(bits) - 1) / Int(bits)
        if histogram.count < passes * buckets { histogram = [Int](repeating: 0, count: passes * buckets) }
        histogram.withUnsafeMutableBufferPointer { h in
            for q in 0..<(passes * buckets) { h[q] = 0 }
            keys.withUnsafeBufferPointer { k in
                for i in 0..<n {
                    var key = k[i]
                    for p in 0..<passes {
                        h[p * buckets + Int(key & mask)] += 1
                        key >>= bits
                    }
                }
            }
        }
        for p in 0..<passes {
            let shift = UInt64(p) * bits
            let firstDigit = Int((keys[0] >> shift) & mask)
            if histogram[p * buckets + firstDigit] == n { continue }
            histogram.withUnsafeMutableBufferPointer { h in
                var total = 0
                for d in 0..<buckets {
                    let c = h[p * buckets + d]
                    h[p * buckets + d] = total
                    total += c
                }
                keys.withUnsafeBufferPointer { k in
                    order.withUnsafeBufferPointer { o in
                        keysTmp.withUnsafeMutableBufferPointer { kt in
                            idxTmp.withUnsafeMutableBufferPointer { ot in
                                for i in 0..<n {
                                    let d = p * buckets + Int((k[i] >> shift) & mask)
                                    let dst = h[d]
                                    h[d] = dst + 1
                                    kt[dst] = k[i]
                                    ot[dst] = o[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keysTmp)
            swap(&order, &idxTmp)
        }
    }
}
