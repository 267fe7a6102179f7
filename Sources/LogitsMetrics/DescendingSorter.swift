/// Sorts positions by score, descending, ties in ascending position order (a total order, so the
/// result equals a stable sort on `-score`). LSD radix sort on order-preserving 64-bit keys
/// (11-bit digits, passes whose digit is constant are skipped), insertion sort for short inputs.
/// O(N) per call; keeps its buffers between calls so that sorting many columns or rows allocates once.
struct DescendingSorter {
    /// The sorted keys of the last call (first `count` entries valid): equal keys <=> equal scores.
    private(set) var keys: [UInt64] = []
    private var keysTmp: [UInt64] = []
    private var idxTmp: [Int32] = []
    private var histogram = [Int](repeating: 0, count: 2048)
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

    private mutating func radixSort(_ n: Int) {
        var shift: UInt64 = 0
        while shift < 64 {
            let s = shift
            var skip = false
            histogram.withUnsafeMutableBufferPointer { h in
                for d in 0..<2048 { h[d] = 0 }
                keys.withUnsafeBufferPointer { k in
                    for i in 0..<n { h[Int((k[i] >> s) & 2047)] += 1 }
                }
                if h[Int((keys[0] >> s) & 2047)] == n { skip = true; return }
                var total = 0
                for d in 0..<2048 {
                    let c = h[d]
                    h[d] = total
                    total += c
                }
            }
            if !skip {
                histogram.withUnsafeMutableBufferPointer { h in
                    keys.withUnsafeBufferPointer { k in
                        order.withUnsafeBufferPointer { o in
                            keysTmp.withUnsafeMutableBufferPointer { kt in
                                idxTmp.withUnsafeMutableBufferPointer { ot in
                                    for i in 0..<n {
                                        let d = Int((k[i] >> s) & 2047)
                                        let p = h[d]
                                        h[d] = p + 1
                                        kt[p] = k[i]
                                        ot[p] = o[i]
                                    }
                                }
                            }
                        }
                    }
                }
                swap(&keys, &keysTmp)
                swap(&order, &idxTmp)
            }
            shift += 11
        }
    }
}
