import Dispatch

/// The portable GEMM kernel, pure Swift: `C = alpha * op(A) * op(B) + beta * C` (row-major).
///
/// GotoBLAS/BLIS structure:
/// - `op(B)` is cut into `kc x nc` blocks packed into contiguous `kc x nr` micro-panels, and
///   `op(A)` into `mc x kc` blocks packed into `mr x kc` micro-panels (the packing absorbs the
///   transposes, so all four combinations run the same inner loop; edges are zero-padded);
/// - a register-tiled `mr x nr` (6 x 8) micro-kernel accumulates in `SIMD8<Float>` registers:
///   12 SSE registers of accumulators on baseline x86-64, written as `a * b + c` (packed
///   `mulps`/`addps`; `addingProduct` would be one `fmaf` call per lane there) and as fused
///   `addingProduct` on arm64, where it is a native `fmla`;
/// - work above `parallelThreshold` multiply-adds is split over `Threading.threadCount` threads
///   by row blocks (or column blocks when `op(A)` has fewer rows than `op(B)` has columns) with
///   `DispatchQueue.concurrentPerform`; each worker packs into its own reused scratch buffers.
///
/// With `beta == 0`, `C` is never read. With `alpha == 0` or `k == 0`, `A` and `B` are not read.
public struct SwiftGemm: GemmBackend {
    /// Worker threads; `nil` reads `Threading.threadCount` at each call.
    public let threads: Int?
    /// Multiply-adds (`m * n * k`) from which a call is split over threads.
    public let parallelThreshold: Int

    /// - Parameters:
    ///   - threads: worker threads, `nil` (default) for `Threading.threadCount` at each call.
    ///   - parallelThreshold: `m * n * k` from which a call goes parallel (default `defaultParallelThreshold`).
    public init(threads: Int? = nil, parallelThreshold: Int = SwiftGemm.defaultParallelThreshold) {
        self.threads = threads.map { max(1, $0) }
        self.parallelThreshold = max(0, parallelThreshold)
    }

    public var name: String { "swift" }

    /// Micro-tile rows.
    static let mr = 6
    /// Micro-tile columns (one `SIMD8<Float>`).
    static let nr = 8
    /// Depth of a packed block (`kc x nr` B micro-panel: 8 KiB, stays in L1).
    static let kc = 256
    /// Rows of a packed A block (`mc x kc`: 96 KiB, stays in L2).
    static let mc = 96
    /// Columns of a packed B block (`kc x nc`: 2 MiB, L2/L3).
    static let nc = 2048
    /// Multiply-adds (`m * n * k`) below which a call stays on the calling thread:
    /// thread fan-out costs tens of microseconds, more than it saves on small products.
    public static let defaultParallelThreshold = 1 << 21

    public func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 {
            Self.scale(c: c, ldc: ldc, rows: 0..<m, cols: 0..<n, beta: beta)
            return
        }
        let problem = GemmProblem(
            a: a, aRowStride: transA == .none ? lda : 1, aColStride: transA == .none ? 1 : lda,
            b: b, bRowStride: transB == .none ? ldb : 1, bColStride: transB == .none ? 1 : ldb,
            c: c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)

        let threads = self.threads ?? Threading.threadCount
        let mn = m.multipliedReportingOverflow(by: n)
        let work = mn.partialValue.multipliedReportingOverflow(by: k)
        let big = mn.overflow || work.overflow || work.partialValue >= parallelThreshold
        let splitRows = m >= n
        let unit = splitRows ? Self.mr : Self.nr
        let extent = splitRows ? m : n
        let parts = big ? min(threads, (extent + unit - 1) / unit) : 1
        if parts <= 1 {
            Self.withScratch { Self.run(problem, rows: 0..<m, cols: 0..<n, scratch: $0) }
            return
        }
        // Equal shares in whole micro-tiles.
        let units = (extent + unit - 1) / unit
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = min(extent, (units * part / parts) * unit)
            let hi = min(extent, (units * (part + 1) / parts) * unit)
            guard lo < hi else { return }
            Self.withScratch { scratch in
                if splitRows {
                    Self.run(problem, rows: lo..<hi, cols: 0..<n, scratch: scratch)
                } else {
                    Self.run(problem, rows: 0..<m, cols: lo..<hi, scratch: scratch)
                }
            }
        }
    }

    // MARK: - Blocking

    /// The block loops for the `rows x cols` part of C (one worker's share).
    static func run(_ p: GemmProblem, rows: Range<Int>, cols: Range<Int>, scratch: GemmScratch) {
        let kcMax = min(kc, p.k)
        let ncMax = min(nc, roundUp(cols.count, nr))
        let mcMax = min(mc, roundUp(rows.count, mr))
        scratch.reserve(aCount: mcMax * kcMax, bCount: kcMax * ncMax)
        let packedA = scratch.a
        let packedB = scratch.b

        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let ncb = min(nc, cols.upperBound - jc)
            var pc = 0
            while pc < p.k {
                let kcb = min(kc, p.k - pc)
                let betaHere: Float = pc == 0 ? p.beta : 1
                packB(p, k0: pc, kc: kcb, j0: jc, nc: ncb, into: packedB)
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mcb = min(mc, rows.upperBound - ic)
                    packA(p, i0: ic, mc: mcb, k0: pc, kc: kcb, into: packedA)
                    var jr = 0
                    while jr < ncb {
                        let nrb = min(nr, ncb - jr)
                        let bPanel = UnsafePointer(packedB + jr * kcb)
                        var ir = 0
                        while ir < mcb {
                            let mrb = min(mr, mcb - ir)
                            microKernel(
                                kc: kcb, a: UnsafePointer(packedA + ir * kcb), b: bPanel,
                                c: p.c + (ic + ir) * p.ldc + jc + jr, ldc: p.ldc,
                                rows: mrb, cols: nrb, alpha: p.alpha, beta: betaHere)
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mc
                }
                pc += kcb
            }
            jc += ncb
        }
    }

    @inline(__always)
    static func roundUp(_ x: Int, _ unit: Int) -> Int { (x + unit - 1) / unit * unit }

    // MARK: - Packing

    /// Packs `op(A)[i0 ..< i0+mc, k0 ..< k0+kc]` as `mr`-row micro-panels: panel `q` holds, for each
    /// `p`, the `mr` values `op(A)[i0 + q*mr + i, k0 + p]` contiguously (zero past the last row).
    static func packA(_ prob: GemmProblem, i0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        let rs = prob.aRowStride, cs = prob.aColStride
        var ir = 0
        while ir < mc {
            let rowsHere = min(mr, mc - ir)
            let panel = dst + ir * kc
            let src = prob.a + (i0 + ir) * rs + k0 * cs
            if rowsHere == mr && cs == 1 {
                // op(A) rows are contiguous: read 6 rows side by side.
                let r0 = src, r1 = src + rs, r2 = src + 2 * rs, r3 = src + 3 * rs, r4 = src + 4 * rs, r5 = src + 5 * rs
                for p in 0..<kc {
                    let d = panel + p * mr
                    d[0] = r0[p]; d[1] = r1[p]; d[2] = r2[p]; d[3] = r3[p]; d[4] = r4[p]; d[5] = r5[p]
                }
            } else if rowsHere == mr && rs == 1 {
                // op(A) columns are contiguous (A stored transposed): copy 6 at a time.
                for p in 0..<kc {
                    let s = src + p * cs
                    let d = panel + p * mr
                    d[0] = s[0]; d[1] = s[1]; d[2] = s[2]; d[3] = s[3]; d[4] = s[4]; d[5] = s[5]
                }
            } else {
                for p in 0..<kc {
                    let d = panel + p * mr
                    for i in 0..<mr {
                        d[i] = i < rowsHere ? src[i * rs + p * cs] : 0
                    }
                }
            }
            ir += mr
        }
    }

    /// Packs `op(B)[k0 ..< k0+kc, j0 ..< j0+nc]` as `nr`-column micro-panels: panel `q` holds, for
    /// each `p`, the `nr` values `op(B)[k0 + p, j0 + q*nr + j]` contiguously (zero past the last column).
    static func packB(_ prob: GemmProblem, k0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        let rs = prob.bRowStride, cs = prob.bColStride
        var jr = 0
        while jr < nc {
            let colsHere = min(nr, nc - jr)
            let panel = dst + jr * kc
            let src = prob.b + k0 * rs + (j0 + jr) * cs
            if colsHere == nr && cs == 1 {
                // op(B) rows are contiguous: one 8-wide copy per p.
                for p in 0..<kc {
                    let v = UnsafeRawPointer(src + p * rs).loadUnaligned(as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(panel + p * nr).storeBytes(of: v, as: SIMD8<Float>.self)
                }
            } else if colsHere == nr && rs == 1 {
                // B stored transposed: read 8 rows of B (columns of op(B)) side by side.
                for j in 0..<nr {
                    let s = src + j * cs
                    for p in 0..<kc { panel[p * nr + j] = s[p] }
                }
            } else {
                for p in 0..<kc {
                    let d = panel + p * nr
                    for j in 0..<nr {
                        d[j] = j < colsHere ? src[p * rs + j * cs] : 0
                    }
                }
            }
            jr += nr
        }
    }

    // MARK: - Micro-kernel

    /// `C[0..<rows, 0..<cols] = alpha * (Ap * Bp) + beta * C` for one `mr x nr` tile, where `Ap` is a
    /// packed `mr x kc` micro-panel and `Bp` a packed `kc x nr` one.
    @inline(__always)
    static func microKernel(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        rows: Int, cols: Int, alpha: Float, beta: Float
    ) {
        var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>()
        var c3 = SIMD8<Float>(), c4 = SIMD8<Float>(), c5 = SIMD8<Float>()
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let bv = pb.loadUnaligned(as: SIMD8<Float>.self)
            c0 = madd(SIMD8(repeating: pa[0]), bv, c0)
            c1 = madd(SIMD8(repeating: pa[1]), bv, c1)
            c2 = madd(SIMD8(repeating: pa[2]), bv, c2)
            c3 = madd(SIMD8(repeating: pa[3]), bv, c3)
            c4 = madd(SIMD8(repeating: pa[4]), bv, c4)
            c5 = madd(SIMD8(repeating: pa[5]), bv, c5)
            pa += mr
            pb += nr * MemoryLayout<Float>.stride
        }
        if rows == mr && cols == nr {
            store(c0, to: c, alpha: alpha, beta: beta)
            store(c1, to: c + ldc, alpha: alpha, beta: beta)
            store(c2, to: c + 2 * ldc, alpha: alpha, beta: beta)
            store(c3, to: c + 3 * ldc, alpha: alpha, beta: beta)
            store(c4, to: c + 4 * ldc, alpha: alpha, beta: beta)
            store(c5, to: c + 5 * ldc, alpha: alpha, beta: beta)
            return
        }
        // Edge tile: spill the accumulators and write the valid part only.
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: mr) { tile in
            tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3; tile[4] = c4; tile[5] = c5
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<cols {
                    let v = alpha * tile[i][j]
                    row[j] = beta == 0 ? v : v + beta * row[j]
                }
            }
        }
    }

    /// `c[0..<8] = alpha * v + beta * c[0..<8]`, not reading `c` when `beta == 0`.
    @inline(__always)
    static func store(_ v: SIMD8<Float>, to c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let raw = UnsafeMutableRawPointer(c)
        var out = v * alpha
        if beta == 1 {
            out += raw.loadUnaligned(as: SIMD8<Float>.self)
        } else if beta != 0 {
            out += raw.loadUnaligned(as: SIMD8<Float>.self) * beta
        }
        raw.storeBytes(of: out, as: SIMD8<Float>.self)
    }

    /// `a * b + c`: fused (`fmla`) on arm64; separate packed multiply and add elsewhere, because
    /// baseline x86-64 has no FMA and `addingProduct` becomes a per-lane `fmaf` call there.
    @inline(__always)
    static func madd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(arm64)
        return c.addingProduct(a, b)
        #else
        return a * b + c
        #endif
    }

    /// `C = beta * C` over a block (`beta == 0` writes zeros without reading).
    static func scale(c: UnsafeMutablePointer<Float>, ldc: Int, rows: Range<Int>, cols: Range<Int>, beta: Float) {
        for i in rows {
            let row = c + i * ldc
            for j in cols { row[j] = beta == 0 ? 0 : beta * row[j] }
        }
    }

    // MARK: - Scratch

    private static let pool = LockedValue<[GemmScratch]>([])

    /// Runs `body` with a scratch buffer taken from a process-wide pool (one per concurrent
    /// worker; buffers are kept and reused, so steady-state calls do not allocate).
    static func withScratch(_ body: (GemmScratch) -> Void) {
        let scratch = pool.withLock { $0.popLast() } ?? GemmScratch()
        body(scratch)
        pool.withLock { $0.append(scratch) }
    }
}

/// One GEMM call's operands as strides of `op(A)` and `op(B)`: `op(A)[i, p] = a[i*aRowStride + p*aColStride]`.
struct GemmProblem: @unchecked Sendable {  // unchecked: raw pointers shared read-only (A, B) or over disjoint blocks (C)
    let a: UnsafePointer<Float>
    let aRowStride: Int
    let aColStride: Int
    let b: UnsafePointer<Float>
    let bRowStride: Int
    let bColStride: Int
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    let m: Int
    let n: Int
    let k: Int
    let alpha: Float
    let beta: Float
}

/// Packing buffers of one GEMM worker, grown on demand and reused across calls.
final class GemmScratch: @unchecked Sendable {  // unchecked: used by one worker at a time (taken from / returned to a locked pool)
    private(set) var a: UnsafeMutablePointer<Float>
    private(set) var b: UnsafeMutablePointer<Float>
    private var aCapacity = 0
    private var bCapacity = 0

    init() {
        a = Self.allocate(16)
        b = Self.allocate(16)
        aCapacity = 16
        bCapacity = 16
    }

    deinit {
        a.deallocate()
        b.deallocate()
    }

    /// Ensures room for `aCount` and `bCount` floats.
    func reserve(aCount: Int, bCount: Int) {
        if aCount > aCapacity {
            a.deallocate()
            a = Self.allocate(aCount)
            aCapacity = aCount
        }
        if bCount > bCapacity {
            b.deallocate()
            b = Self.allocate(bCount)
            bCapacity = bCount
        }
    }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }
}
