import Foundation
import Testing
@testable import Logits

@Suite struct StableMathTests {
    /// Relative error of the vectorized exp against Double `exp`, over its whole range.
    @Test func vectorExpAccuracy() {
        var worst = 0.0
        var x: Float = -103.5
        while x < 88.7 {
            var v = SIMD8<Float>()
            for k in 0..<8 { v[k] = x + Float(k) * 0.0137 }
            let e = vexp(v)
            for k in 0..<8 {
                let want = Foundation.exp(Double(v[k]))
                if want > Double(Float.leastNormalMagnitude) && want < Double(Float.greatestFiniteMagnitude) {
                    worst = Swift.max(worst, Swift.abs(Double(e[k]) - want) / want)
                } else if want <= Double(Float.leastNormalMagnitude) {
                    #expect(Swift.abs(Double(e[k]) - want) <= Double(Float.leastNormalMagnitude))
                }
            }
            x += 0.1093
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")  // about 2 ulp
        let special = vexp(SIMD8<Float>(-.infinity, .infinity, .nan, -200, 200, 0, -0.0, 1))
        #expect(special[0] == 0 && special[1] == .infinity && special[2].isNaN)
        #expect(special[3] == 0 && special[4] == .infinity && special[5] == 1 && special[6] == 1)
        #expect(Swift.abs(special[7] - Float(M_E)) <= Float(M_E).ulp)
    }

    @Test func vectorLog1pAccuracy() {
        var worst = 0.0
        for i in 0...4000 {
            let e = Float(i) / 4000
            let got = vlog1pUnit(SIMD8<Float>(repeating: e))[0]
            let want = Foundation.log1p(Double(e))
            if want > 0 { worst = Swift.max(worst, Swift.abs(Double(got) - want) / want) } else { #expect(got == 0) }
        }
        for e: Float in [1e-30, 1e-10, 2e-8, .leastNonzeroMagnitude] {
            let got = vlog1pUnit(SIMD8<Float>(repeating: e))[0]
            #expect(Swift.abs(Double(got) - Double(e)) <= Double(e) * 1e-6)
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
        #expect(vlog1pUnit(SIMD8<Float>(repeating: .nan))[0].isNaN)
    }

    /// Swift's `max` drops a NaN depending on argument order; the row max must not.
    @Test func nanPropagates() throws {
        #expect(Swift.max(Float(1), Float.nan) == 1)  // the pitfall being guarded against
        for position in 0..<11 {
            var row = [Float](repeating: 2, count: 11)
            row[position] = .nan
            let m = row.withUnsafeBufferPointer { maxPropagatingNaN($0.baseAddress!, count: 11) }  // non-empty array
            #expect(m.isNaN)
            #expect(row.withUnsafeBufferPointer { logSumExp($0) }.isNaN)
            var out = Matrix(rows: 0, cols: 0)
            let x = try Matrix(rows: 1, cols: 11, storage: row)
            softmax(rowsOf: x, into: &out)
            #expect(out.storage.allSatisfy { $0.isNaN })
            logSoftmax(rowsOf: x, into: &out)
            #expect(out.storage.allSatisfy { $0.isNaN })
        }
        #expect(sigmoid(Float.nan).isNaN && softplus(.nan).isNaN && logSigmoid(.nan).isNaN)
        var g = Matrix(rows: 0, cols: 0)
        let l = try SigmoidBinaryCrossEntropy().lossAndGradient(
            logits: try Matrix([[.nan, 0]]), targets: .matrix(try Matrix([[1, 0]])), gradient: &g)
        #expect(l.isNaN && g[0, 0].isNaN && !g[0, 1].isNaN)
    }

    @Test func softmaxRowsSumToOneAndHandleExtremes() throws {
        var rng = LossTestRNG(seed: 21)
        for cols in [1, 2, 7, 8, 9, 33, 1000] {
            let x = rng.matrix(5, cols) { r in
                let pick = r.index(4)
                return pick == 0 ? 1e4 : pick == 1 ? -1e4 : 30 * r.normal()
            }
            var p = Matrix(rows: 0, cols: 0)
            softmax(rowsOf: x, into: &p)
            for i in 0..<5 {
                let s = (0..<cols).reduce(0.0) { $0 + Double(p[i, $1]) }
                #expect(Swift.abs(s - 1) <= 1e-6, "cols \(cols) row \(i) sums to \(s)")
            }
        }
        // A row mixing 1e4 and -1e4: exact log-softmax.
        let x = try Matrix([[1e4, -1e4, 1e4 - 1, -.infinity]])
        var ls = Matrix(rows: 0, cols: 0)
        logSoftmax(rowsOf: x, into: &ls)
        let l1p = Float(Foundation.log1p(Foundation.exp(-1.0)))
        #expect(Swift.abs(ls[0, 0] + l1p) <= 1e-6)
        #expect(ls[0, 1] == -2e4 - l1p && ls[0, 3] == -.infinity)
        var lse: [Float] = []
        logSumExp(rowsOf: x, into: &lse)
        #expect(lse == [1e4 + l1p])
    }

    @Test func sigmoidRowsAreIndependent() throws {
        let x = try Matrix([[3, 3, 3], [-40, 0, 40]])
        var s = Matrix(rows: 0, cols: 0)
        sigmoid(elementsOf: x, into: &s)
        #expect(Swift.abs(s.row(0).reduce(0, +) - 3 * sigmoid(3)) <= 1e-6)  // not 1
        #expect(s[1, 0] > 0 && s[1, 0] < 1e-17 && s[1, 1] == 0.5 && s[1, 2] == 1)
        #expect(logSigmoid(-200) == -200 && softplus(-80) > 0 && softplus(1e4) == 1e4)
    }
}
