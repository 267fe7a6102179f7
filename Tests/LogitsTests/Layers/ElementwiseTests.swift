import Testing
@testable import Logits

@Suite("Elementwise kernels")
struct ElementwiseTests {
    /// Odd sizes exercise the SIMD8 body and the scalar tail.
    @Test("bias row, scale, axpy, Hadamard, row max/sum, column sums, fused bias+ReLU", arguments: [1, 7, 8, 19])
    func kernels(cols: Int) {
        let rows = 3
        var rng = SeededGenerator(seed: UInt64(cols))
        let m = (0..<(rows * cols)).map { _ in Float(rng.normal()) }
        let v = (0..<cols).map { _ in Float(rng.normal()) }
        var a = m
        a.withUnsafeMutableBufferPointer { p in v.withUnsafeBufferPointer { Elementwise.addRowVector($0.baseAddress!, to: p.baseAddress!, rows: rows, cols: cols) } }
        for i in 0..<(rows * cols) { #expect(a[i] == m[i] + v[i % cols]) }

        var r = m
        r.withUnsafeMutableBufferPointer { p in v.withUnsafeBufferPointer { Elementwise.addRowVectorReLU($0.baseAddress!, to: p.baseAddress!, rows: rows, cols: cols) } }
        for i in 0..<(rows * cols) { #expect(r[i] == max(0, m[i] + v[i % cols])) }

        var s = m
        s.withUnsafeMutableBufferPointer { Elementwise.scale($0.baseAddress!, by: 2.5, count: rows * cols) }
        for i in 0..<(rows * cols) { #expect(s[i] == m[i] * 2.5) }

        var y = m
        y.withUnsafeMutableBufferPointer { p in a.withUnsafeBufferPointer { Elementwise.axpy(-0.5, $0.baseAddress!, p.baseAddress!, count: rows * cols) } }
        for i in 0..<(rows * cols) { #expect(abs(y[i] - (m[i] - 0.5 * a[i])) <= 1e-6) }

        var h = m
        h.withUnsafeMutableBufferPointer { p in a.withUnsafeBufferPointer { Elementwise.hadamard($0.baseAddress!, into: p.baseAddress!, count: rows * cols) } }
        for i in 0..<(rows * cols) { #expect(h[i] == m[i] * a[i]) }

        var out = [Float](repeating: 0, count: max(rows, cols))
        m.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { Elementwise.rowMax(p.baseAddress!, rows: rows, cols: cols, into: $0.baseAddress!) } }
        for r in 0..<rows { #expect(out[r] == m[(r * cols)..<((r + 1) * cols)].max()!) }
        m.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { Elementwise.rowSum(p.baseAddress!, rows: rows, cols: cols, into: $0.baseAddress!) } }
        for r in 0..<rows { #expect(abs(out[r] - m[(r * cols)..<((r + 1) * cols)].reduce(0, +)) <= 1e-5) }
        m.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { Elementwise.columnSums(p.baseAddress!, rows: rows, cols: cols, into: $0.baseAddress!) } }
        for c in 0..<cols { #expect(abs(out[c] - (m[c] + m[cols + c] + m[2 * cols + c])) <= 1e-6) }
    }

    @Test("NaN survives fused bias+ReLU and rowMax")
    func nanPropagates() {
        var x: [Float] = [.nan, -1, 2, 0, 0, 0, 0, 0, -3]
        let b = [Float](repeating: 0, count: 9)
        x.withUnsafeMutableBufferPointer { p in b.withUnsafeBufferPointer { Elementwise.addRowVectorReLU($0.baseAddress!, to: p.baseAddress!, rows: 1, cols: 9) } }
        #expect(x[0].isNaN && x[1] == 0 && x[2] == 2 && x[8] == 0)
        var out: [Float] = [0]
        x.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { Elementwise.rowMax(p.baseAddress!, rows: 1, cols: 9, into: $0.baseAddress!) } }
        #expect(out[0].isNaN)
    }
}
