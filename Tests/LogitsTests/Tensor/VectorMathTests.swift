import CLogitsKernels
import Foundation
import Testing
@testable import Logits

/// The AVX2 vector math (C, target attributes) against Double references and against the portable
/// Swift SIMD path; on a CPU without AVX2 the test says so.
@Suite struct VectorMathTests {
    static let hasAVX2 = CPULevel.hardware >= .avx2

    static func inputs() -> [Float] {
        var values: [Float] = [0, -0.0, 1, -1, 88.7, 88.8, -87.3, -103.9, -104.5, 1e-8, -1e-8, .infinity, -.infinity, .nan, 20, -20]
        var state: UInt64 = 99
        for _ in 0..<1001 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(Float(Int64(bitPattern: state >> 11) % 200_001) / 1000)  // [-200, 200]
        }
        return values
    }

    @Test("exp: AVX2 and portable paths within 2e-7 relative of Double exp, same special values")
    func expPaths() {
        let x = Self.inputs()
        var levels: [CPULevel] = [.baseline]
        if Self.hasAVX2 {
            levels.append(.avx2)
        } else {
            print("AVX2 exp NOT TESTED: \(CPULevel.modelName) has no AVX2/FMA")
            Issue.record("AVX2 exp not tested: this CPU has no AVX2/FMA", severity: .warning)
        }
        for level in levels {
            var y = [Float](repeating: -1, count: x.count)
            x.withUnsafeBufferPointer { src in
                y.withUnsafeMutableBufferPointer { dst in VectorMath.exp(src.baseAddress!, dst.baseAddress!, count: x.count, level: level) }
            }
            for (xi, yi) in zip(x, y) {
                let want = Foundation.exp(Double(xi))
                if xi.isNaN { #expect(yi.isNaN); continue }
                if want > Double(Float.greatestFiniteMagnitude) { #expect(yi == .infinity, "\(level) exp(\(xi))"); continue }
                if want < Double(Float.leastNonzeroMagnitude) / 2 { #expect(yi == 0, "\(level) exp(\(xi))"); continue }
                let tolerance = want < Double(Float.leastNormalMagnitude) ? Double(Float.leastNonzeroMagnitude) : 2e-7 * want
                #expect(abs(Double(yi) - want) <= tolerance, "\(level) exp(\(xi)) = \(yi), want \(want)")
            }
        }
    }

    @Test("sigmoid BCE AVX2 kernel: loss, gradient and bad-target flag against Double")
    func bceKernel() {
        guard Self.hasAVX2 else {
            print("AVX2 sigmoid-BCE kernel NOT TESTED: \(CPULevel.modelName) has no AVX2/FMA")
            Issue.record("AVX2 sigmoid-BCE kernel not tested: this CPU has no AVX2/FMA", severity: .warning)
            return
        }
        // Saturated and wrong-side logits, including |x| > 87.3 where exp(-|x|) is held at 2^-126.
        let extremes: [Float] = [87, -87, 87.5, -87.5, 88, -88, 100, -100, 104, -104, 1e4, -1e4, 30, -30, 0, -0.0, 1e-8, -1e-8]
        for n in [1, 7, 8, 13, 15, 16, 17, 31, 33, 1030] {
            var state: UInt64 = UInt64(n)
            func next() -> Float {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 60_001) / 1000  // [-60, 60]
            }
            let x = (0..<n).map { i in i < extremes.count && n > extremes.count ? extremes[i] : next() }
            let y: [Float] = (0..<n).map { (i: Int) -> Float in i % 3 == 0 ? 1 : (i % 3 == 1 ? 0 : Float(i % 7) / 7) }
            var grad = [Float](repeating: .nan, count: n)
            var values = [Float](repeating: .nan, count: n)
            var bad: Int32 = -1
            let total = logits_sigmoid_bce_avx2(x, y, n, 0.5, &grad, &values, &bad)
            #expect(bad == 0)
            var want = 0.0
            for i in 0..<n {
                let xd = Double(x[i]), yd = Double(y[i])
                let softplus: Double = max(xd, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(xd)))
                let loss: Double = softplus - yd * xd
                let g: Double = 0.5 * (1 / (1 + Foundation.exp(-xd)) - yd)
                want += loss
                let lossError: Double = Swift.abs(Double(values[i]) - loss)
                let lossTolerance: Double = 1e-6 * max(1.0, Swift.abs(loss))
                let gradError: Double = Swift.abs(Double(grad[i]) - g)
                // A soft target cancels in (1 - y) - sigma(-|x|): both terms are rounded to Float
                // (half an ulp of 1 each), times the 0.5 scale.
                let soft = y[i] != 0 && y[i] != 1
                let gradTolerance: Double = 1e-6 * max(1e-3, Swift.abs(g)) + (soft ? 0.5 * 2 * 6e-8 : 1e-12)
                let label = "n \(n) element \(i): x \(x[i]) y \(y[i])"
                #expect(lossError <= lossTolerance, Comment(rawValue: label))
                #expect(gradError <= gradTolerance, Comment(rawValue: label))
            }
            #expect(abs(total - want) <= 1e-5 * max(1, abs(want)))
        }
        // A bad target in the two-block loop or in the tail, with finite and NaN logits.
        for n in [3, 20, 37] {
            for at in Set([1, n / 2, n - 1]) {
                for badY: Float in [-0.1, 1.5, .nan] {
                    for xAt: Float in [0.5, .nan] {
                        var x = [Float](repeating: 1, count: n), y = [Float](repeating: 0, count: n)
                        x[at] = xAt
                        y[at] = badY
                        var grad = [Float](repeating: 0, count: n)
                        var bad: Int32 = 0
                        _ = logits_sigmoid_bce_avx2(x, y, n, 1, &grad, nil, &bad)
                        #expect(bad == 1, "n \(n): target \(badY) at \(at), logit \(xAt)")
                    }
                }
            }
            // A NaN logit alone is not a bad target (the NaN loss is reported by the trainer).
            var x = [Float](repeating: 1, count: n)
            x[n - 1] = .nan
            var grad = [Float](repeating: 0, count: n)
            var bad: Int32 = 0
            let total = logits_sigmoid_bce_avx2(x, [Float](repeating: 1, count: n), n, 1, &grad, nil, &bad)
            #expect(bad == 0 && total.isNaN && grad[n - 1].isNaN)
        }
    }
}
