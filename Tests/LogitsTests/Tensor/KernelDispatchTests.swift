import Foundation
import Testing
@testable import Logits

/// CPU-level dispatch (`CPULevel`, `LOGITS_CPU`) and the AVX-512 micro-kernel.
@Suite struct KernelDispatchTests {
    @Test("the AVX-512 kernel against the reference, or a recorded warning that this CPU cannot run it")
    func avx512Kernel() {
        guard SwiftGemm.supportedKernels.contains(.avx512) else {
            let note = "AVX-512 kernel NOT TESTED on this machine: \(CPULevel.modelName) supports up to "
                + "\(CPULevel.hardware.rawValue) (needs AVX-512F in cpuid and opmask/ZMM state in XCR0); "
                + "it is tested on AVX-512 machines"
            print(note)
            Issue.record(Comment(rawValue: note), severity: .warning)
            #expect(CPULevel.hardware < .avx512)
            #expect(!SwiftGemm.enabledKernels.contains(.avx512))
            return
        }
        #expect(CPULevel.hardware == .avx512)
        for threads in [1, 2] {
            let gemm = SwiftGemm(threads: threads, parallelThreshold: threads == 1 ? Int.max : 0, kernel: .avx512)
            #expect(gemm.kernel == .avx512)
            // Edges of the 6 x 32 tile (masked stores): n = 1, 17, 31, 33, 65; m not a multiple of 6.
            for shape in GemmReference.shapes + [(m: 7, n: 31, k: 5), (m: 13, n: 33, k: 300), (m: 100, n: 65, k: 9)] {
                for (ta, tb) in GemmReference.transposes {
                    for s in GemmReference.scalars {
                        let err = GemmReference.check(gemm, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k,
                                                      alpha: s.alpha, beta: s.beta, pad: 3)
                        #expect(err != nil && err! <= 1e-4, "avx512 \(threads)t \(shape) \(ta)/\(tb) \(s): \(String(describing: err))")
                    }
                }
            }
            let nan = GemmReference.check(gemm, transA: .none, transB: .none, m: 17, n: 47, k: 9, alpha: 1, beta: 0, nanInC: true)
            #expect(nan != nil && nan! <= 1e-4, "avx512: NaN in C with beta 0")
        }
    }

    @Test("LOGITS_CPU caps the level and never raises it; bad values are reported")
    func levelResolution() {
        #expect(CPULevel.resolve(environment: [:]).level == CPULevel.hardware)
        #expect(CPULevel.resolve(environment: [:]).note == nil)
        let base = CPULevel.resolve(environment: ["LOGITS_CPU": " Baseline "])
        #expect(base.level == .baseline && base.note == nil)
        let avx2 = CPULevel.resolve(environment: ["LOGITS_CPU": "avx2"])
        #expect(avx2.level == min(.avx2, CPULevel.hardware))
        #expect((avx2.note != nil) == (CPULevel.hardware < .avx2))
        let high = CPULevel.resolve(environment: ["LOGITS_CPU": "avx512"])
        #expect(high.level == CPULevel.hardware)
        #expect((high.note != nil) == (CPULevel.hardware < .avx512))
        let bad = CPULevel.resolve(environment: ["LOGITS_CPU": "sse9"])
        #expect(bad.level == CPULevel.hardware)
        #expect(bad.note?.contains("sse9") == true)
        #expect(CPULevel.baseline < .avx2 && CPULevel.avx2 < .avx512)
        #expect(!CPULevel.modelName.isEmpty)
    }

    @Test("LOGITS_CPU=baseline: the portable Swift kernel, forced or measured")
    func baselineForcesPortable() throws {
        let env = ["LOGITS_CPU": "baseline"]
        #expect(Gemm.swiftKernel(environment: env) == .portable)
        let forced = try Gemm.select(environment: env.merging(["LOGITS_BACKEND": "swift"]) { $1 }).get()
        #expect((forced.backend as? SwiftGemm)?.kernel == .portable)
        let measured = try Gemm.select(environment: env).get()
        let swiftLabels = measured.measurements.map(\.label).filter { $0.hasPrefix("swift/") }
        #expect(swiftLabels == ["swift/portable"])
        #expect(measured.cpu.contains("baseline"))
        // And the portable path computes.
        let err = GemmReference.check(forced.backend, transA: .transpose, transB: .transpose, m: 70, n: 45, k: 300, alpha: 1, beta: 0.5)
        #expect(err != nil && err! <= 1e-4)
    }

    @Test("kernels enabled by default are those the hardware runs; each knows its level")
    func enabledKernels() {
        #expect(SwiftGemm.enabledKernels == SwiftGemm.Kernel.allCases.filter { $0.level <= CPULevel.active })
        #expect(SwiftGemm.supportedKernels.allSatisfy { $0.level <= CPULevel.hardware })
        #expect(SwiftGemm.Kernel.avx512.nr == 32 && SwiftGemm.Kernel.avx2fma.nr == 16 && SwiftGemm.Kernel.portable.nr == 8)
    }
}
