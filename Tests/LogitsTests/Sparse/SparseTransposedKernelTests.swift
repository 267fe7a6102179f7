import CLogitsKernels
import Testing
@testable import Logits

/// The transposed-layout sparse kernels (`sparse_dense.c`) against naive Double references, on
/// output widths that exercise the 64-wide blocks, the 8-wide blocks and the scalar tail; the
/// AVX2/FMA loop where this CPU has it (said so when it does not) and the portable loop always.
@Suite struct SparseTransposedKernelTests {
    /// A random CSR batch (`rows x d`, about `perRow` stored values per row, some rows empty).
    static func batch(rows: Int, d: Int, perRow: Int, rng: inout SeededGenerator) throws -> SparseMatrix {
        var dense = Matrix(rows: rows, cols: d)
        for r in 0..<rows where r % 5 != 3 {
            for _ in 0..<perRow { dense[r, Int.random(in: 0..<d, using: &rng)] = Float.random(in: -2...2, using: &rng) }
        }
        return try SparseMatrix(dense: dense)
    }

    static func random(_ rows: Int, _ cols: Int, rng: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<m.count { m.storage[i] = Float.random(in: -1...1, using: &rng) }
        return m
    }

    static var levels: [Int32] {
        if CPULevel.hardware >= .avx2 { return [0, 1] }
        print("SparseTransposedKernelTests: this CPU has no AVX2/FMA; only the portable loop is tested")
        return [0]
    }

    @Test(arguments: [1, 8, 13, 64, 70, 200])
    func productMatchesNaive(_ n: Int) throws {
        var rng = SeededGenerator(seed: UInt64(n))
        let (rows, d) = (9, 40)
        let x = try Self.batch(rows: rows, d: d, perRow: 6, rng: &rng)
        let wt = Self.random(d, n, rng: &rng)
        let xd = try x.toDense()
        for level in Self.levels {
            var y = Matrix(rows: rows, cols: n, repeating: .nan)
            x.withUnsafeBuffers { o, c, v in
                wt.withUnsafeBufferPointer { w in
                    y.withUnsafeMutableBufferPointer { yp in
                        // Two output ranges where there are two chunks, as two threads would split them.
                        for (lo, hi) in n > 64 ? [(0, 64), (64, n)] : [(0, n)] {
                            logits_csr_times_dense(0, rows, lo, hi, o.baseAddress, c.baseAddress, v.baseAddress, w.baseAddress, n, yp.baseAddress, level)
                        }
                    }
                }
            }
            for r in 0..<rows {
                for o in 0..<n {
                    var s = 0.0
                    for c in 0..<d { s += Double(xd[r, c]) * Double(wt[c, o]) }
                    #expect(abs(Double(y[r, o]) - s) <= 1e-5 * max(1, abs(s)), "n \(n) level \(level) [\(r), \(o)]")
                }
            }
        }
    }

    @Test(arguments: [1, 8, 13, 64, 70, 200])
    func gradientMatchesNaive(_ n: Int) throws {
        var rng = SeededGenerator(seed: 100 + UInt64(n))
        let (rows, d) = (11, 30)
        let x = try Self.batch(rows: rows, d: d, perRow: 5, rng: &rng)
        let xd = try x.toDense()
        let dy = Self.random(rows, n, rng: &rng)
        let shift = (0..<d).map { c in c % 3 == 0 ? Float(0) : Float.random(in: 0...1, using: &rng) }
        let db = (0..<n).map { o in (0..<rows).reduce(Float(0)) { $0 + dy[$1, o] } }
        let columns = SparseBatchColumns()
        columns.build(x)
        for level in Self.levels {
            for shifted in [false, true] {
                var g = Matrix(rows: d, cols: n, repeating: shifted ? .nan : 0)
                g.withUnsafeMutableBufferPointer { gp in
                    dy.withUnsafeBufferPointer { dp in
                        columns.withBuffers { cb in
                            if shifted {
                                logits_csc_gradient_shifted(
                                    0, d, 0, n, cb.slot.baseAddress, cb.offsets.baseAddress, cb.rowIndex.baseAddress,
                                    cb.values.baseAddress, dp.baseAddress, n, shift, db, gp.baseAddress, level)
                            } else {
                                logits_csc_gradient(
                                    0, cb.columns.count, 0, n, cb.columns.baseAddress, cb.offsets.baseAddress,
                                    cb.rowIndex.baseAddress, cb.values.baseAddress, dp.baseAddress, n, gp.baseAddress, level)
                            }
                        }
                    }
                }
                for c in 0..<d {
                    for o in 0..<n {
                        var s = shifted ? -Double(shift[c]) * Double(db[o]) : 0
                        for r in 0..<rows { s += Double(xd[r, c]) * Double(dy[r, o]) }
                        #expect(abs(Double(g[c, o]) - s) <= 1e-5 * max(1, abs(s)), "n \(n) level \(level) shifted \(shifted) [\(c), \(o)]")
                    }
                }
            }
        }
    }

    @Test func shiftedBiasSumsInDouble() throws {
        var rng = SeededGenerator(seed: 9)
        let (d, n) = (50, 13)
        let wt = Self.random(d, n, rng: &rng)
        let shift = (0..<d).map { c in c % 4 == 0 ? Float(0) : Float.random(in: 0...1, using: &rng) }
        let bias = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
        var acc = [Double](repeating: .nan, count: n)
        var out = [Float](repeating: .nan, count: n)
        wt.withUnsafeBufferPointer { w in
            logits_shifted_bias_transposed(w.baseAddress, d, n, shift, bias, &acc, &out)
        }
        for o in 0..<n {
            var s = Double(bias[o])
            for c in 0..<d { s -= Double(shift[c]) * Double(wt[c, o]) }
            #expect(out[o] == Float(s), "bias \(o): \(out[o]) vs \(s)")
        }
    }
}

/// `Dense.foldedBias(inputShift:)`: `b − W s` in either weight layout, and a forward with the
/// folded bias equals the forward that recomputes it from the shift.
@Suite struct FoldedBiasTests {
    @Test func foldedBiasMatchesTheShiftedForward() throws {
        var rng = SeededGenerator(seed: 4)
        let (d, n) = (37, 21)
        let layer = Dense(inputs: d, outputs: n, initializer: .pytorchDefault, rng: &rng, fusedActivation: .relu)
        let shift = (0..<d).map { c in c % 5 == 0 ? Float(0) : Float.random(in: 0...1, using: &rng) }
        let x = try SparseTransposedKernelTests.batch(rows: 6, d: d, perRow: 4, rng: &rng)
        let columns = SparseBatchColumns()
        columns.build(x)
        for layout in [Dense.WeightLayout.outputsByInputs, .inputsByOutputs] {
            layer.setWeightLayout(layout)
            let folded = try layer.foldedBias(inputShift: shift)
            let w = layer.weight.canonicalValue
            for o in 0..<n {
                var s = Double(layer.bias.value[0, o])
                for c in 0..<d { s -= Double(w[o, c]) * Double(shift[c]) }
                #expect(abs(Double(folded[0, o]) - s) <= 1e-6 * max(1, abs(s)), "\(layout) output \(o)")
            }
            var recomputed = Matrix(rows: 0, cols: 0), viaFolded = Matrix(rows: 0, cols: 0)
            try layer.forward(sparse: columns, inputShift: shift, into: &recomputed)
            try layer.forward(sparse: columns, inputShift: nil, foldedBias: folded, into: &viaFolded)
            #expect(viaFolded == recomputed, "\(layout)")
            #expect(throws: LogitsError.self) { try layer.foldedBias(inputShift: [1, 2]) }
        }
    }
}
