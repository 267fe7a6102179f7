import CLogitsKernels
import Testing
@testable import Logits

/// The AVX2 Adam update (C, `logits_adam_avx2`) against the Swift kernel: the same IEEE operations
/// in the same order, so the results must be bitwise identical (including the scalar tail).
@Suite struct AdamKernelTests {
    static func values(_ n: Int, seed: UInt64, scale: Float) -> [Float] {
        var state = seed
        return (0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return scale * (Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000)
        }
    }

    @Test("AVX2 and Swift Adam kernels agree bitwise (Adam, AdamW, L2; lengths with tails)")
    func bitwise() {
        guard CPULevel.hardware >= .avx2 else {
            print("AVX2 Adam kernel NOT TESTED: \(CPULevel.modelName) has no AVX2/FMA")
            Issue.record("AVX2 Adam kernel not tested: this CPU has no AVX2/FMA", severity: .warning)
            return
        }
        for (decay, l2, applyDecay) in [(Float(1), Float(0), false), (1 - 1e-3 * 0.01, 0, true), (1, 0.05, false)] {
            for n in [1, 7, 8, 9, 31, 1000] {
                let kernel = Adam.Kernel(oneMinusB1: 0.1, b2: 0.999, oneMinusB2: 0.001, eps: 1e-8, bc2Sqrt: 0.0447,
                                         stepSize: 1e-3 / 0.19, decay: decay, l2: l2, applyDecay: applyDecay)
                let g = Self.values(n, seed: 1, scale: 3)
                var w1 = Self.values(n, seed: 2, scale: 1), m1 = Self.values(n, seed: 3, scale: 0.1)
                var v1 = Self.values(n, seed: 4, scale: 0.01).map { $0 * $0 }
                var w2 = w1, m2 = m1, v2 = v1
                for _ in 0..<3 {  // a few steps, so the moments feed back
                    g.withUnsafeBufferPointer { gp in
                        w1.withUnsafeMutableBufferPointer { w in
                            m1.withUnsafeMutableBufferPointer { m in
                                v1.withUnsafeMutableBufferPointer { v in
                                    kernel.run(Adam.Pointers(g: gp.baseAddress!, w: w.baseAddress!, m: m.baseAddress!, v: v.baseAddress!), 0, n)
                                }
                            }
                        }
                        w2.withUnsafeMutableBufferPointer { w in
                            m2.withUnsafeMutableBufferPointer { m in
                                v2.withUnsafeMutableBufferPointer { v in
                                    kernel.runAVX2(Adam.Pointers(g: gp.baseAddress!, w: w.baseAddress!, m: m.baseAddress!, v: v.baseAddress!), 0, n)
                                }
                            }
                        }
                    }
                }
                #expect(w1.map(\.bitPattern) == w2.map(\.bitPattern), "weights, n \(n), decay \(decay), l2 \(l2)")
                #expect(m1.map(\.bitPattern) == m2.map(\.bitPattern), "m, n \(n)")
                #expect(v1.map(\.bitPattern) == v2.map(\.bitPattern), "v, n \(n)")
            }
        }
    }

    @Test("a large tensor updated by the worker pool equals the single-threaded update")
    func pooledEqualsSerial() throws {
        let n = Adam.parallelThreshold + 123
        let start = Self.values(n, seed: 7, scale: 1)
        let grad = Self.values(n, seed: 8, scale: 2)
        var results: [[Float]] = []
        let saved = Threading.threadCount
        defer { Threading.threadCount = saved }
        for threads in [1, 2] {
            Threading.threadCount = threads
            let p = Parameter(name: "w", value: try Matrix(rows: 1, cols: n, storage: start), isVector: true)
            p.gradient = try Matrix(rows: 1, cols: n, storage: grad)
            let adam = Adam(weightDecay: 0.01, decoupled: true)
            adam.step([p], learningRate: 1e-3)
            adam.step([p], learningRate: 1e-3)
            results.append(p.value.storage)
        }
        #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern))
    }
}
