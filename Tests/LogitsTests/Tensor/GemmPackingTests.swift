import Testing
@testable import Logits

/// Packing of `op(A)` (the AVX2 packer and the once-per-call shared packing of a column split)
/// and the bitwise agreement of serial and parallel products.
@Suite struct GemmPackingTests {
    /// A problem whose `op(A)` is `rows x depth`, stored row-major (`transposed == false`, with `pad`
    /// extra columns) or transposed; values are distinct, so a misplaced value shows.
    static func problem(rows: Int, depth: Int, transposed: Bool, pad: Int, storage: UnsafeMutablePointer<Float>) -> GemmProblem {
        let ld = (transposed ? rows : depth) + pad
        return GemmProblem(
            a: UnsafePointer(storage), aRowStride: transposed ? 1 : ld, aColStride: transposed ? ld : 1,
            b: UnsafePointer(storage), bRowStride: 1, bColStride: 1, c: storage, ldc: 1,
            m: rows, n: 1, k: depth, alpha: 1, beta: 0, epilogue: nil)
    }

    static func withOperand<R>(rows: Int, depth: Int, pad: Int, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
        let count = (max(rows, depth) + pad) * max(rows, depth)
        let storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { storage.deallocate() }
        for i in 0..<count { storage[i] = Float(i) + 0.25 }
        return body(storage)
    }

    @Test("AVX2 packing of A: the scalar packing and the definition bit for bit, nothing past the panels written")
    func avx2PackA() {
        guard SwiftGemm.supportedKernels.contains(.avx2fma) else {
            let note = "AVX2 A packing NOT TESTED on this machine: \(CPULevel.modelName) has no AVX2/FMA"
            print(note)
            Issue.record(Comment(rawValue: note), severity: .warning)
            return
        }
        let mr = SwiftGemm.mr
        // Depths around the 8-wide steps; rows with a partial last panel; both layouts.
        for (rows, depth) in [(6, 1), (6, 7), (6, 8), (6, 9), (12, 16), (13, 23), (17, 196), (6, 257)] {
            for transposed in [false, true] {
                for pad in [0, 3] {
                    Self.withOperand(rows: rows, depth: depth, pad: pad) { storage in
                        let prob = Self.problem(rows: rows, depth: depth, transposed: transposed, pad: pad, storage: storage)
                        let padded = SwiftGemm.roundUp(rows, mr) * depth
                        var scalar = [Float](repeating: -1, count: padded + 8)
                        var vector = [Float](repeating: -1, count: padded + 8)
                        scalar.withUnsafeMutableBufferPointer {
                            SwiftGemm.packA(prob, i0: 0, mc: rows, k0: 0, kc: depth, into: $0.baseAddress!, avx2: false)
                        }
                        vector.withUnsafeMutableBufferPointer {
                            SwiftGemm.packA(prob, i0: 0, mc: rows, k0: 0, kc: depth, into: $0.baseAddress!, avx2: true)
                        }
                        #expect(vector.map(\.bitPattern) == scalar.map(\.bitPattern), "\(rows)x\(depth) transposed \(transposed) pad \(pad)")
                        var wrong = 0
                        for q in 0..<(padded / (mr * depth)) {
                            for p in 0..<depth {
                                for i in 0..<mr {
                                    let row = q * mr + i
                                    let want: Float = row < rows ? prob.a[row * prob.aRowStride + p * prob.aColStride] : 0
                                    if vector[q * mr * depth + p * mr + i] != want { wrong += 1 }
                                }
                            }
                        }
                        #expect(wrong == 0, "\(rows)x\(depth) transposed \(transposed): \(wrong) values misplaced")
                        #expect(vector[padded...].allSatisfy { $0 == -1 }, "\(rows)x\(depth): written past the panels")
                    }
                }
            }
        }
    }

    @Test("the shared packing of all of op(A) holds, block by block, what a worker would have packed", arguments: SwiftGemm.supportedKernels)
    func sharedLayout(_ kernel: SwiftGemm.Kernel) {
        let mr = SwiftGemm.mr
        // m > mc (two row blocks, a partial panel); k > kc with a shorter last depth block.
        for (rows, depth) in [(SwiftGemm.mc + 7, 2 * SwiftGemm.kc + 5), (5, 3), (13, SwiftGemm.kc + 1)] {
            for transposed in [false, true] {
                Self.withOperand(rows: rows, depth: depth, pad: 1) { storage in
                    let prob = Self.problem(rows: rows, depth: depth, transposed: transposed, pad: 1, storage: storage)
                    let layout = SwiftGemm.PackedALayout(m: rows, k: depth, lanes: kernel.lanes)
                    #expect(layout.kBlocks * layout.kcStep >= depth && (layout.kBlocks - 1) * layout.kcStep < depth)
                    var shared = [Float](repeating: .nan, count: layout.count)
                    shared.withUnsafeMutableBufferPointer { out in
                        // Uneven panel ranges, as parts of a job would take them.
                        let cuts = [0, 1, layout.panels / 3, layout.panels / 2 + 1, layout.panels].map { min($0, layout.panels) }
                        for (lo, hi) in zip(cuts, cuts.dropFirst()) where lo < hi {
                            SwiftGemm.packShared(prob, kernel: kernel, layout: layout, panels: lo..<hi, into: out.baseAddress!)
                        }
                    }
                    #expect(!shared.contains { $0.isNaN }, "\(kernel) \(rows)x\(depth): some of the shared buffer not written")
                    var pc = 0
                    while pc < depth {
                        let kcb = min(layout.kcStep, depth - pc)
                        var ic = 0
                        while ic < rows {
                            let mcb = min(SwiftGemm.mc, rows - ic)
                            let size = SwiftGemm.roundUp(mcb, mr) * kcb * kernel.lanes
                            var own = [Float](repeating: .nan, count: size)
                            own.withUnsafeMutableBufferPointer { out in
                                if kernel == .portable {
                                    SwiftGemm.packABroadcast(prob, i0: ic, mc: mcb, k0: pc, kc: kcb, into: out.baseAddress!)
                                } else {
                                    SwiftGemm.packA(prob, i0: ic, mc: mcb, k0: pc, kc: kcb, into: out.baseAddress!)
                                }
                            }
                            let at = layout.offset(ic: ic, pc: pc, kcb: kcb)
                            #expect(Array(shared[at..<(at + size)]).map(\.bitPattern) == own.map(\.bitPattern),
                                    "\(kernel) \(rows)x\(depth) transposed \(transposed): block rows \(ic) depth \(pc)")
                            ic += SwiftGemm.mc
                        }
                        pc += kcb
                    }
                }
            }
        }
    }

    @Test("2 and 3 threads (shared A on column splits) equal 1 thread bit for bit and match the reference", arguments: SwiftGemm.supportedKernels)
    func parallelBitwise(_ kernel: SwiftGemm.Kernel) {
        let serial = SwiftGemm(threads: 1, parallelThreshold: Int.max, kernel: kernel)
        // Column splits (m < n) with m > mc and k > kc (several A blocks), a row split, the MLP's layouts.
        let shapes = [(m: 103, n: 150, k: 517), (m: 20, n: 300, k: 300), (m: 7, n: 64, k: 9), (m: 150, n: 40, k: 260),
                      (m: 300, n: 280, k: 70)]  // square-ish: split by columns at 2 threads, by rows at 3 (avx2)
        for threads in [2, 3] {
            let parallel = SwiftGemm(threads: threads, parallelThreshold: 0, kernel: kernel)
            for shape in shapes {
                for (ta, tb) in GemmReference.transposes {
                    let one = Self.product(serial, ta, tb, shape.m, shape.n, shape.k)
                    let many = Self.product(parallel, ta, tb, shape.m, shape.n, shape.k)
                    #expect(one.map(\.bitPattern) == many.map(\.bitPattern), "\(kernel) \(threads)t \(shape) \(ta)/\(tb)")
                    let err = GemmReference.check(parallel, transA: ta, transB: tb, m: shape.m, n: shape.n, k: shape.k,
                                                  alpha: 0.75, beta: -0.5, pad: 2)
                    #expect(err != nil && err! <= 1e-4, "\(kernel) \(threads)t \(shape) \(ta)/\(tb): \(String(describing: err))")
                }
            }
        }
    }

    /// `C = op(A) op(B) + 0.5 C` on fixed operands (lda/ldb padded by 1).
    static func product(_ gemm: SwiftGemm, _ ta: Transpose, _ tb: Transpose, _ m: Int, _ n: Int, _ k: Int) -> [Float] {
        var gen = GemmReference.Generator(state: 7)
        let lda = (ta == .none ? k : m) + 1, ldb = (tb == .none ? n : k) + 1
        let a = gen.values((ta == .none ? m : k) * lda), b = gen.values((tb == .none ? k : n) * ldb)
        var c = gen.values(m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    gemm.sgemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: pa.baseAddress!, lda: lda,
                               b: pb.baseAddress!, ldb: ldb, beta: 0.5, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }
}
