import Testing
@testable import Logits

/// `LOGITS_BACKEND` / `LOGITS_BLAS_LIBRARY` handling, tested through `Gemm.select(environment:)`
/// (the process environment is never modified).
@Suite struct GemmSelectionTests {
    static let openBLASLoads = (try? Gemm.backend(.openblas, environment: [:])) != nil

    @Test("forcing the Swift backend")
    func forceSwift() throws {
        let selection = try Gemm.select(environment: ["LOGITS_BACKEND": "swift"]).get()
        #expect(selection.backend is SwiftGemm)
        #expect(selection.reason.contains("LOGITS_BACKEND=swift"))
        // And it computes: a forced Swift product matches the reference.
        let err = GemmReference.check(selection.backend, transA: .transpose, transB: .none, m: 33, n: 17, k: 65, alpha: 1, beta: 0)
        #expect(err != nil && err! <= 1e-4)
    }

    @Test("forcing naive, case and spaces ignored")
    func forceNaive() throws {
        let selection = try Gemm.select(environment: ["LOGITS_BACKEND": " Naive "]).get()
        #expect(selection.backend.name == "naive")
    }

    @Test("an unknown name is an invalid-value error listing the known ones")
    func unknownName() {
        let result = Gemm.select(environment: ["LOGITS_BACKEND": "cublas"])
        guard case .failure(.invalidValue(let message)) = result else {
            Issue.record("expected invalidValue, got \(result)")
            return
        }
        #expect(message.contains("cublas"))
        #expect(message.contains("openblas") && message.contains("swift") && message.contains("accelerate"))
    }

    @Test("Accelerate off Apple platforms is an unavailable error")
    func accelerateElsewhere() {
        let result = Gemm.select(environment: ["LOGITS_BACKEND": "accelerate"])
        #if canImport(Darwin)
        #expect((try? result.get())?.backend.name == "accelerate")
        #else
        guard case .failure(.unavailable(let message)) = result else {
            Issue.record("expected unavailable, got \(result)")
            return
        }
        #expect(message.contains("accelerate"))
        #endif
    }

    @Test("OpenBLAS from a missing LOGITS_BLAS_LIBRARY path is an error naming the path")
    func missingLibrary() {
        let env = ["LOGITS_BACKEND": "openblas", "LOGITS_BLAS_LIBRARY": "/nonexistent/libopenblas-missing.so"]
        guard case .failure(.unavailable(let message)) = Gemm.select(environment: env) else {
            Issue.record("expected unavailable")
            return
        }
        #expect(message.contains("/nonexistent/libopenblas-missing.so"))
        // Not forced: the same bad path makes OpenBLAS skipped, never an error.
        let fallback = Gemm.select(environment: ["LOGITS_BLAS_LIBRARY": "/nonexistent/libopenblas-missing.so"])
        let chosen = try? fallback.get()
        #expect(chosen != nil && chosen?.backend.name != "openblas")
        #expect(chosen?.skipped.contains { $0.contains("libopenblas-missing") } == true)
    }

    @Test("a library without cblas_sgemm is refused")
    func libraryWithoutSgemm() {
        #if os(Linux)
        let env = ["LOGITS_BACKEND": "openblas", "LOGITS_BLAS_LIBRARY": "libm.so.6"]
        guard case .failure(.unavailable(let message)) = Gemm.select(environment: env) else {
            Issue.record("expected unavailable")
            return
        }
        #expect(message.contains("cblas_sgemm"))
        #endif
    }

    @Test("default: the fastest candidate by measurement (or an earlier one within the tie margin), each one reported", .enabled(if: !hasDarwin))
    func defaultSelection() throws {
        let selection = try Gemm.select(environment: [:]).get()
        let labels = selection.measurements.map(\.label)
        // Every Swift kernel the CPU level allows, plus OpenBLAS when it loads, was timed.
        for kernel in SwiftGemm.Kernel.allCases where kernel.level <= CPULevel.hardware {
            #expect(labels.contains("swift/\(kernel.rawValue)"), "\(labels)")
        }
        #expect(labels.contains("openblas") == Self.openBLASLoads)
        #expect(selection.measurements.allSatisfy { $0.gflops > 0 && $0.gflops.isFinite })
        // Fastest first; the chosen one is the fastest or, within `tieMargin` of it, an earlier
        // candidate (so that timing noise does not flip the choice between processes).
        let rates = selection.measurements.map(\.gflops)
        #expect(rates == rates.sorted(by: >))
        let fastest = try #require(selection.measurements.first)
        let chosenLabel = (selection.backend as? SwiftGemm).map { "swift/\($0.kernel.rawValue)" } ?? selection.backend.name
        let chosen = try #require(selection.measurements.first { $0.label == chosenLabel }, "\(chosenLabel) in \(labels)")
        #expect(chosen.gflops >= fastest.gflops * (1 - Gemm.tieMargin))
        if chosen.label == fastest.label {
            #expect(selection.reason.contains("fastest measured: \(fastest.label)"))
        } else {
            #expect(selection.reason.contains("of the fastest, preferred: \(chosen.label)"), "\(selection.reason)")
        }
        for m in selection.measurements { #expect(selection.reason.contains(m.label)) }
        let empty = try Gemm.select(environment: ["LOGITS_BACKEND": ""]).get()
        #expect(!empty.measurements.isEmpty)
    }

    @Test("OpenBLAS reports its core name and configuration where it exports them", .enabled(if: openBLASLoads, "libopenblas not installed"))
    func openBLASIdentity() throws {
        let blas = try #require(try Gemm.backend(.openblas, environment: [:]) as? CBLASGemm)
        // Debian's and upstream's OpenBLAS export both; the summary carries them.
        let core = try #require(blas.coreName)
        #expect(!core.isEmpty)
        #expect(blas.config?.contains("OpenBLAS") == true)
        #expect(blas.summary.contains("core \(core)"))
        let forced = try Gemm.select(environment: ["LOGITS_BACKEND": "openblas"]).get()
        #expect(forced.reason.contains("core \(core)"))
    }

    @Test("OpenBLAS forced and loaded reports its file and computes", .enabled(if: openBLASLoads, "libopenblas not installed"))
    func openBLASForced() throws {
        let selection = try Gemm.select(environment: ["LOGITS_BACKEND": "openblas"]).get()
        let blas = try #require(selection.backend as? CBLASGemm)
        #expect(blas.name == "openblas")
        #expect(blas.libraryPath.contains("openblas"))
        let err = GemmReference.check(blas, transA: .none, transB: .transpose, m: 129, n: 65, k: 33, alpha: 0.5, beta: 2)
        #expect(err != nil && err! <= 1e-4)
    }

    @Test("the process-wide selection succeeded or explains itself; shared is usable")
    func sharedSelection() {
        switch Gemm.selection {
        case .success(let s): #expect(s.backend.name == Gemm.shared.name)
        case .failure: #expect(Gemm.effectiveSelection.reason.contains("fallback"))
        }
    }
}

#if canImport(Darwin)
let hasDarwin = true
#else
let hasDarwin = false
#endif

@Suite struct ThreadingAndCPUTests {
    @Test("LOGITS_THREADS parsing")
    func threadsFromEnvironment() {
        #expect(Threading.defaultThreadCount(environment: ["LOGITS_THREADS": "3"]) == 3)
        #expect(Threading.defaultThreadCount(environment: ["LOGITS_THREADS": " 1 "]) == 1)
        #expect(Threading.defaultThreadCount(environment: ["LOGITS_THREADS": "0"]) == Threading.activeProcessorCount)
        #expect(Threading.defaultThreadCount(environment: ["LOGITS_THREADS": "many"]) == Threading.activeProcessorCount)
        #expect(Threading.defaultThreadCount(environment: [:]) == Threading.activeProcessorCount)
        #expect(Threading.environmentProblem(environment: ["LOGITS_THREADS": "many"])?.contains("many") == true)
        #expect(Threading.environmentProblem(environment: ["LOGITS_THREADS": "4"]) == nil)
    }

    @Test("threadCount is at least 1")
    func threadCountClamp() {
        #expect(Threading.threadCount >= 1)
        let saved = Threading.threadCount
        Threading.threadCount = saved  // setting the same value is a no-op for concurrent users
        #expect(Threading.threadCount == saved)
    }

    @Test("cpuinfo flags parsing keeps the interesting ones in order")
    func cpuinfo() {
        let text = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            flags\t\t: fpu sse2 avx2 fma avx avx512f sse4_2 lm
            bugs\t\t: sysret_ss_attrs

            processor\t: 1
            flags\t\t: fpu
            """
        #expect(CPUFeatures.parse(procCPUInfo: text) == ["sse2", "sse4_2", "avx", "fma", "avx2", "avx512f"])
        #expect(CPUFeatures.parse(procCPUInfo: "Features\t: fp asimd sve\n") == ["asimd", "sve"])
        #expect(CPUFeatures.parse(procCPUInfo: "") == [])
    }
}
