import Foundation
import Testing
@testable import Logits

/// Every backend that loads here (OpenBLAS when installed, Accelerate on Apple, Swift, naive)
/// against a float64 reference: relative Frobenius error within 1e-4.
@Suite struct GemmBackendTests {
    static let backendNames = Gemm.availableBackends().map(\.name)
    static let openBLASLoads = (try? Gemm.backend(.openblas)) != nil
    static let tolerance = 1e-4

    static func load(_ name: String) throws -> any GemmBackend { try Gemm.backend(named: name) }

    @Test("backends load: swift and naive always, openblas when installed", arguments: [0])
    func availability(_: Int) {
        #expect(Self.backendNames.contains("swift"))
        #expect(Self.backendNames.contains("naive"))
        #if canImport(Darwin)
        #expect(Self.backendNames.contains("accelerate"))
        #else
        #expect(!Self.backendNames.contains("accelerate"))
        #endif
        if Self.openBLASLoads { #expect(Self.backendNames.first == "openblas" || Self.backendNames.first == "accelerate") }
    }

    @Test("all shapes x all four transpose combinations", arguments: backendNames)
    func shapesAndTransposes(_ name: String) throws {
        let backend = try Self.load(name)
        for shape in GemmReference.shapes {
            for (ta, tb) in GemmReference.transposes {
                let err = GemmReference.check(backend, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k, alpha: 1, beta: 0)
                #expect(err != nil && err! <= Self.tolerance, "\(name) \(shape) \(ta)/\(tb): error \(String(describing: err))")
            }
        }
    }

    @Test("alpha/beta variants with padded leading dimensions", arguments: backendNames)
    func alphaBeta(_ name: String) throws {
        let backend = try Self.load(name)
        for shape in [(m: 33, n: 65, k: 7), (m: 7, n: 129, k: 65), (m: 65, n: 3, k: 257)] {
            for (ta, tb) in GemmReference.transposes {
                for s in GemmReference.scalars {
                    let err = GemmReference.check(backend, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k,
                                                  alpha: s.alpha, beta: s.beta, pad: 3)
                    #expect(err != nil && err! <= Self.tolerance,
                            "\(name) \(shape) \(ta)/\(tb) alpha \(s.alpha) beta \(s.beta): error \(String(describing: err))")
                }
            }
        }
    }

    @Test("beta = 0 never reads C (NaN there does not propagate)", arguments: backendNames)
    func betaZeroIgnoresNaN(_ name: String) throws {
        let backend = try Self.load(name)
        for shape in [(m: 1, n: 1, k: 1), (m: 65, n: 33, k: 129), (m: 7, n: 257, k: 3)] {
            for (ta, tb) in GemmReference.transposes {
                for alpha: Float in [1, -2] {
                    let err = GemmReference.check(backend, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k,
                                                  alpha: alpha, beta: 0, pad: 2, nanInC: true)
                    #expect(err != nil && err! <= Self.tolerance, "\(name) \(shape) \(ta)/\(tb): \(String(describing: err))")
                }
            }
        }
    }

    @Test("Gemm.multiply on matrices agrees across backends and checks shapes", arguments: backendNames)
    func matrixMultiply(_ name: String) throws {
        let backend = try Self.load(name)
        var gen = GemmReference.Generator(state: 7)
        let a = try Matrix(rows: 37, cols: 19, storage: gen.values(37 * 19))
        let b = try Matrix(rows: 23, cols: 19, storage: gen.values(23 * 19))
        var c = Matrix(rows: 0, cols: 0)
        try Gemm.multiply(a, .none, b, .transpose, into: &c, backend: backend)  // 37x19 * (23x19)^T
        #expect(c.rows == 37 && c.cols == 23)
        var reference = Matrix(rows: 0, cols: 0)
        try Gemm.multiply(a, .none, b.transposed(), .none, into: &reference, backend: NaiveGemm())
        let want = reference.storage.map(Double.init)
        #expect(GemmReference.relativeError(c.storage, ldc: 23, want, m: 37, n: 23) <= Self.tolerance)

        // Inner dimensions differ: A is 37x19, B is 23x19 (not transposed).
        #expect(throws: LogitsError.self) { try Gemm.multiply(a, .none, b, .none, into: &c, backend: backend) }
        // beta != 0 needs C of the right shape.
        var wrong = Matrix(rows: 2, cols: 2)
        #expect(throws: LogitsError.self) { try Gemm.multiply(a, .none, b, .transpose, into: &wrong, beta: 1, backend: backend) }

        // k == 0: op(A) op(B) is zero, only beta * C remains.
        let empty = Matrix(rows: 3, cols: 0)
        let emptyB = Matrix(rows: 0, cols: 4)
        var scaled = Matrix(rows: 3, cols: 4, repeating: 2)
        try Gemm.multiply(empty, .none, emptyB, .none, into: &scaled, beta: 0.5, backend: backend)
        #expect(scaled.storage.allSatisfy { $0 == 1 })
    }
}

/// The Swift driver's own paths, for each micro-kernel this CPU runs (the pure-Swift `portable`
/// one always, the C AVX2/FMA one on x86-64 CPUs that have it): threads, blocking edges, the
/// parallel split.
@Suite struct SwiftGemmTests {
    static let kernels = SwiftGemm.supportedKernels

    @Test("every kernel: all shapes, transposes and alpha/beta variants", arguments: kernels)
    func kernelShapes(_ kernel: SwiftGemm.Kernel) {
        let gemm = SwiftGemm(threads: 1, kernel: kernel)
        #expect(gemm.kernel == kernel)
        for shape in GemmReference.shapes {
            for (ta, tb) in GemmReference.transposes {
                let err = GemmReference.check(gemm, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k, alpha: 1, beta: 0)
                #expect(err != nil && err! <= 1e-4, "\(kernel) \(shape) \(ta)/\(tb): \(String(describing: err))")
            }
        }
        for s in GemmReference.scalars {
            for (ta, tb) in GemmReference.transposes {
                let err = GemmReference.check(gemm, transA: ta, transB: tb, m: 13, n: 37, k: 29, alpha: s.alpha, beta: s.beta, pad: 2)
                #expect(err != nil && err! <= 1e-4, "\(kernel) alpha \(s.alpha) beta \(s.beta): \(String(describing: err))")
            }
            let nan = GemmReference.check(gemm, transA: .none, transB: .none, m: 17, n: 33, k: 9, alpha: s.alpha, beta: 0, nanInC: true)
            #expect(nan != nil && nan! <= 1e-4, "\(kernel) NaN in C with beta 0")
        }
    }

    @Test("parallel split over rows and over columns, odd thread counts", arguments: kernels)
    func parallelSplits(_ kernel: SwiftGemm.Kernel) {
        for threads in [2, 3] {
            let gemm = SwiftGemm(threads: threads, parallelThreshold: 0, kernel: kernel)
            for shape in [(m: 257, n: 33, k: 33), (m: 33, n: 257, k: 33), (m: 7, n: 3, k: 129), (m: 1, n: 65, k: 7)] {
                for (ta, tb) in GemmReference.transposes {
                    let err = GemmReference.check(gemm, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k,
                                                  alpha: 1.5, beta: 0.5, pad: 1)
                    #expect(err != nil && err! <= 1e-4, "\(kernel) threads \(threads) \(shape) \(ta)/\(tb): \(String(describing: err))")
                }
            }
        }
    }

    @Test("blocks beyond kc, mc and nc", arguments: kernels)
    func blockEdges(_ kernel: SwiftGemm.Kernel) {
        let gemm = SwiftGemm(threads: 1, kernel: kernel)
        // k > kc (256) twice, m > mc (96), n > nc (2048).
        for shape in [(m: 5, n: 9, k: 2 * SwiftGemm.kc + 3), (m: SwiftGemm.mc + 7, n: 17, k: 11), (m: 2, n: SwiftGemm.nc + 9, k: 3)] {
            for (ta, tb) in GemmReference.transposes {
                let err = GemmReference.check(gemm, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k, alpha: 1, beta: -1)
                #expect(err != nil && err! <= 1e-4, "\(kernel) \(shape) \(ta)/\(tb): \(String(describing: err))")
            }
        }
    }

    @Test("the portable kernel is always supported; AVX2 and AVX-512 are reported only on x86-64")
    func kernelSupport() {
        #expect(SwiftGemm.supportedKernels.contains(.portable))
        #if !arch(x86_64)
        #expect(!SwiftGemm.supportedKernels.contains(.avx2fma))
        #expect(!SwiftGemm.supportedKernels.contains(.avx512))
        #endif
        if SwiftGemm.supportedKernels.contains(.avx512) { #expect(SwiftGemm.supportedKernels.contains(.avx2fma)) }
        #expect(SwiftGemm.supportedKernels.contains(SwiftGemm().kernel))
    }

    @Test("alpha = 0 only scales C; beta = 0 with alpha = 0 writes zeros over NaN")
    func alphaZero() {
        let gemm = SwiftGemm()
        let a: [Float] = [.nan, 1, 2, 3]
        let b: [Float] = [1, .infinity, 2, 3]
        var c: [Float] = [1, 2, .nan, 4]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm.sgemm(transA: .none, transB: .none, m: 2, n: 2, k: 2, alpha: 0,
                               a: pa.baseAddress!, lda: 2, b: pb.baseAddress!, ldb: 2, beta: 0, c: pc.baseAddress!, ldc: 2)
                }
            }
        }
        #expect(c == [0, 0, 0, 0])
    }

    @Test("the default threshold: yeast's first layer (64 x 256 x 103) goes parallel, its output layer (64 x 14 x 256) does not")
    func parallelThreshold() {
        // Measured (docs/gemm.md): at 2^20 the 1.7 M multiply-add products gain 10-60 % at 2 threads;
        // a fan-out for a 0.2 M product would cost more than it saves.
        #expect(64 * 256 * 103 >= SwiftGemm.defaultParallelThreshold)
        #expect(64 * 14 * 256 < SwiftGemm.defaultParallelThreshold)
        #expect(SwiftGemm.defaultParallelThreshold == 1 << 20)
    }
}
