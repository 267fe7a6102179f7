import CLogitsKernels
import Foundation

/// The package's own GEMM, a Swift driver with a pure-Swift SIMD micro-kernel: `C = alpha * op(A) * op(B) + beta * C` (row-major).
///
/// GotoBLAS/BLIS structure:
/// - `op(B)` is cut into `kc x nc` blocks packed into contiguous `kc x nr` micro-panels, and
///   `op(A)` into `mc x kc` blocks packed into `mr x kc` micro-panels (the packing absorbs the
///   transposes, so all four combinations run the same inner loop; edges are zero-padded);
/// - a register-tiled `mr x nr` (6 x 8) micro-kernel accumulates in twelve `SIMD4<Float>` values
///   (12 of the 16 SSE registers on baseline x86-64) from pre-broadcast packed A, written as
///   `a * b + c` (packed `mulps`/`addps`; `addingProduct` would be one `fmaf` call per lane there)
///   and as fused `addingProduct` on arm64, where it is a native `fmla`;
/// - work above `parallelThreshold` multiply-adds is split over `Threading.threadCount` threads
///   on the persistent `WorkerPool`: by column blocks when C has enough columns for a few chunks
///   per thread and the packed `op(A)` fits `sharedALimit`, else by blocks of the longer side.
///   Each worker packs into its own reused scratch buffers, except that a split over columns packs
///   all of `op(A)` once, shared out among the workers, before computing (`PackedALayout`), and
///   hands out its columns in a few chunks per thread, claimed one at a time;
/// - an optional epilogue (`GemmEpilogue`: bias row, then activation) is applied to each finished
///   `mc x nc` block of C while it is still in cache, by the thread that computed it.
///
/// On x86-64 the same driver can run micro-kernels written in C with their instructions enabled
/// per function (target `CLogitsKernels`, no build flags), chosen at run time by `cpuid` + `xgetbv`:
/// 6 x 16 with AVX2 + FMA (`Kernel.avx2fma`), 6 x 32 with AVX-512F (`Kernel.avx512`).
/// `LOGITS_CPU` caps the level (`baseline` keeps the pure-Swift kernel); `LOGITS_SWIFT_KERNEL=NAME`
/// (or `kernel:`) picks one kernel by name.
///
/// With `beta == 0`, `C` is never read. With `alpha == 0` or `k == 0`, `A` and `B` are not read.
public struct SwiftGemm: GemmBackend {
    /// The innermost `mr x nr` loop.
    public enum Kernel: String, Sendable, CaseIterable {
        /// Pure Swift SIMD (6 x 8, `SIMD4<Float>` accumulators), any CPU.
        case portable
        /// C with AVX2 + FMA intrinsics (6 x 16, 256-bit accumulators), x86-64 CPUs that have them.
        case avx2fma
        /// C with AVX-512F intrinsics (6 x 32, 512-bit accumulators, masked edge stores), x86-64
        /// CPUs and OSes that enable opmask and ZMM state.
        case avx512

        /// Micro-tile columns.
        var nr: Int {
            switch self {
            case .portable: return 8
            case .avx2fma: return 16
            case .avx512: return 32
            }
        }

        /// The `CPULevel` this kernel needs.
        public var level: CPULevel {
            switch self {
            case .portable: return .baseline
            case .avx2fma: return .avx2
            case .avx512: return .avx512
            }
        }
        /// Copies of each packed A value (the portable kernel reads pre-broadcast `SIMD4`s).
        var lanes: Int { self == .portable ? 4 : 1 }
    }

    /// Worker threads; `nil` reads `Threading.threadCount` at each call.
    public let threads: Int?
    /// Multiply-adds (`m * n * k`) from which a call is split over threads.
    public let parallelThreshold: Int
    /// The micro-kernel in use.
    public let kernel: Kernel

    /// - Parameters:
    ///   - threads: worker threads, `nil` (default) for `Threading.threadCount` at each call.
    ///   - parallelThreshold: `m * n * k` from which a call goes parallel (default `defaultParallelThreshold`).
    ///   - kernel: the micro-kernel; `nil` (default) for `defaultKernel`. A kernel this CPU
    ///     cannot run is replaced by `.portable`.
    public init(threads: Int? = nil, parallelThreshold: Int = SwiftGemm.defaultParallelThreshold, kernel: Kernel? = nil) {
        self.threads = threads.map { max(1, $0) }
        self.parallelThreshold = max(0, parallelThreshold)
        let wanted = kernel ?? Self.defaultKernel
        self.kernel = Self.supportedKernels.contains(wanted) ? wanted : .portable
    }

    public var name: String { "swift" }

    /// Kernels this CPU can run, whatever `LOGITS_CPU` says (`.portable` always); the tests run each.
    public static let supportedKernels: [Kernel] = Kernel.allCases.filter { $0.level <= CPULevel.hardware }

    /// Kernels allowed at the active level (`CPULevel.active`, capped by `LOGITS_CPU`), widest last.
    public static let enabledKernels: [Kernel] = Kernel.allCases.filter { $0.level <= CPULevel.active }

    /// The widest enabled kernel, unless `LOGITS_SWIFT_KERNEL` names another supported one.
    public static let defaultKernel: Kernel = {
        let env = ProcessInfo.processInfo.environment["LOGITS_SWIFT_KERNEL"]?.lowercased()
        if let env, let forced = Kernel(rawValue: env), supportedKernels.contains(forced) { return forced }
        return enabledKernels.last ?? .portable
    }()

    /// Micro-tile rows.
    static let mr = 6
    /// Micro-tile columns of the portable kernel (two `SIMD4<Float>`).
    static let nr = 8
    /// Copies of each packed A value for the portable kernel (one `SIMD4<Float>`).
    static let lanes = 4
    /// Depth of a packed block (`kc x nr` B micro-panel: 8-16 KiB, stays in L1).
    static let kc = 256
    /// Rows of a packed A block (`mc x kc`: 96 KiB, 384 KiB pre-broadcast, stays in L2).
    static let mc = 96
    /// Columns of a packed B block (`kc x nc`: 2 MiB, L2/L3).
    static let nc = 2048
    /// Column chunks per thread of a column split (claimed dynamically).
    static let chunksPerThread = 4
    /// Micro-tiles (`nr` columns each) of the narrowest column chunk.
    static let minChunkTiles = 2
    /// Multiply-adds (`m * n * k`) below which a call stays on the calling thread, where handing
    /// work to the pool costs more than it saves. At 2^20 (2^21 until 2026-12-03) the 1.7 M
    /// products of a 64-row batch on 103-256 features go parallel: 79-83 -> 85-135 GFLOP/s at 2
    /// threads on Zen 3 (docs/gemm.md).
    public static let defaultParallelThreshold = 1 << 20

    public func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, epilogue: nil)
    }

    /// `sgemm` followed by `epilogue` on every element of C, applied block by block as each
    /// `mc x nc` block of C is finished (while it is in cache, on the thread that computed it).
    public func sgemm(
        transA: Transpose, transB: Transpose,
        m: Int, n: Int, k: Int,
        alpha: Float,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        epilogue: GemmEpilogue?
    ) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 {
            Self.scale(c: c, ldc: ldc, rows: 0..<m, cols: 0..<n, beta: beta)
            epilogue?.apply(c: c, ldc: ldc, rows: 0..<m, cols: 0..<n)
            return
        }
        let problem = GemmProblem(
            a: a, aRowStride: transA == .none ? lda : 1, aColStride: transA == .none ? 1 : lda,
            b: b, bRowStride: transB == .none ? ldb : 1, bColStride: transB == .none ? 1 : ldb,
            c: c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta, epilogue: epilogue)

        let threads = self.threads ?? Threading.threadCount
        let mn = m.multipliedReportingOverflow(by: n)
        let work = mn.partialValue.multipliedReportingOverflow(by: k)
        let big = mn.overflow || work.overflow || work.partialValue >= parallelThreshold
        let kernel = self.kernel
        let layout = PackedALayout(m: m, k: k, lanes: kernel.lanes)
        // Split the columns (op(A) packed once, shared; chunks claimed dynamically) whenever C has
        // enough column tiles for a few chunks per thread and op(A) fits `sharedALimit`; else split
        // the longer side. Rows split in halves make each thread pack all of op(B) and wait for the
        // slower half: 256³ ran at 107-162 GFLOP/s on 2 Zen 3 vCPUs, 165-172 split by columns
        // (512³ and 1024³: 172-179 either way).
        let columnTiles = (n + kernel.nr - 1) / kernel.nr
        let splitRows = m >= n && !(columnTiles >= threads * Self.chunksPerThread * Self.minChunkTiles
                                    && layout.count <= Self.sharedALimit)
        let unit = splitRows ? Self.mr : kernel.nr
        let extent = splitRows ? m : n
        let parts = big ? min(threads, (extent + unit - 1) / unit) : 1
        if parts <= 1 {
            Self.withScratch { Self.run(problem, kernel: kernel, rows: 0..<m, cols: 0..<n, scratch: $0) }
            return
        }
        // Equal shares in whole micro-tiles.
        let units = (extent + unit - 1) / unit
        if !splitRows && layout.count <= Self.sharedALimit {
            // Every worker needs all of op(A): pack it once, the micro-panels shared out among the
            // parts (one job), then compute (a second job; parts never wait on each other within a job).
            Self.withScratch { shared in
                shared.reserve(aCount: layout.count, bCount: 0)
                let packed = shared.a
                // Parts are claimed one at a time, a few per thread (column chunks at least
                // `minChunkTiles` micro-tiles wide): a thread the scheduler holds back delays the
                // call by one part, not by its whole share.
                let panels = layout.panels
                let packParts = min(panels, parts * Self.chunksPerThread)
                WorkerPool.run(parts: packParts, threads: parts) { part in
                    Self.packShared(problem, kernel: kernel, layout: layout,
                                    panels: (panels * part / packParts)..<(panels * (part + 1) / packParts), into: packed)
                }
                let chunks = max(parts, min(parts * Self.chunksPerThread, units / Self.minChunkTiles))
                WorkerPool.run(parts: chunks, threads: parts) { part in
                    let lo = min(extent, (units * part / chunks) * unit)
                    let hi = min(extent, (units * (part + 1) / chunks) * unit)
                    guard lo < hi else { return }
                    Self.withScratch { scratch in
                        Self.run(problem, kernel: kernel, rows: 0..<m, cols: lo..<hi, scratch: scratch,
                                 sharedA: (packed, layout))
                    }
                }
            }
            return
        }
        WorkerPool.run(parts: parts, threads: parts) { part in  // `parts` ≤ this backend's `threads`
            let lo = min(extent, (units * part / parts) * unit)
            let hi = min(extent, (units * (part + 1) / parts) * unit)
            guard lo < hi else { return }
            Self.withScratch { scratch in
                if splitRows {
                    Self.run(problem, kernel: kernel, rows: lo..<hi, cols: 0..<n, scratch: scratch)
                } else {
                    Self.run(problem, kernel: kernel, rows: 0..<m, cols: lo..<hi, scratch: scratch)
                }
            }
        }
    }

    // MARK: - Blocking

    /// The block loops for the `rows x cols` part of C (one worker's share). With `sharedA` (all of
    /// `op(A)` already packed, `rows` being all rows), A blocks are read from there instead of packed.
    static func run(
        _ p: GemmProblem, kernel: Kernel, rows: Range<Int>, cols: Range<Int>, scratch: GemmScratch,
        sharedA: (packed: UnsafeMutablePointer<Float>, layout: PackedALayout)? = nil
    ) {
        let nr = kernel.nr
        let kcStep = depthBlocking(k: p.k).step
        let kcMax = min(kcStep, p.k)
        let ncMax = min(nc, roundUp(cols.count, nr))
        let mcMax = min(mc, roundUp(rows.count, mr))
        scratch.reserve(aCount: sharedA == nil ? mcMax * kcMax * kernel.lanes : 0, bCount: kcMax * ncMax)
        let ownA = scratch.a
        let packedB = scratch.b

        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let ncb = min(nc, cols.upperBound - jc)
            var pc = 0
            while pc < p.k {
                let kcb = min(kcStep, p.k - pc)
                let betaHere: Float = pc == 0 ? p.beta : 1
                packB(p, nr: nr, k0: pc, kc: kcb, j0: jc, nc: ncb, into: packedB, avx2: kernel != .portable)
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mcb = min(mc, rows.upperBound - ic)
                    var packedA = ownA
                    if let sharedA {
                        packedA = sharedA.packed + sharedA.layout.offset(ic: ic, pc: pc, kcb: kcb)
                    }
                    switch kernel {
                    case .portable:
                        if sharedA == nil { packABroadcast(p, i0: ic, mc: mcb, k0: pc, kc: kcb, into: packedA) }
                        macroPortable(p, packedA: packedA, packedB: packedB, ic: ic, mc: mcb, jc: jc, nc: ncb, kc: kcb, beta: betaHere)
                    case .avx2fma, .avx512:
                        if sharedA == nil { packA(p, i0: ic, mc: mcb, k0: pc, kc: kcb, into: packedA, avx2: true) }
                        macroC(p, kernel: kernel, packedA: packedA, packedB: packedB, ic: ic, mc: mcb, jc: jc, nc: ncb, kc: kcb, beta: betaHere)
                    }
                    if pc + kcb == p.k, let epilogue = p.epilogue {
                        epilogue.apply(c: p.c, ldc: p.ldc, rows: ic..<(ic + mcb), cols: jc..<(jc + ncb))
                    }
                    ic += mc
                }
                pc += kcb
            }
            jc += ncb
        }
    }

    /// All `mr x nr` tiles of one packed `mc x kc` A block times one packed `kc x nc` B block.
    static func macroPortable(
        _ p: GemmProblem, packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>,
        ic: Int, mc: Int, jc: Int, nc: Int, kc: Int, beta: Float
    ) {
        let quads = UnsafeRawPointer(packedA).assumingMemoryBound(to: SIMD4<Float>.self)
        var jr = 0
        while jr < nc {
            let nrb = min(nr, nc - jr)
            let bPanel = UnsafePointer(packedB + jr * kc)
            var ir = 0
            while ir < mc {
                microKernel(
                    kc: kc, a: quads + ir * kc, b: bPanel,
                    c: p.c + (ic + ir) * p.ldc + jc + jr, ldc: p.ldc,
                    rows: min(mr, mc - ir), cols: nrb, alpha: p.alpha, beta: beta)
                ir += mr
            }
            jr += nr
        }
    }

    /// As `macroPortable`, with a C micro-kernel (AVX2/FMA 6 x 16 or AVX-512 6 x 32).
    static func macroC(
        _ p: GemmProblem, kernel: Kernel, packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>,
        ic: Int, mc: Int, jc: Int, nc: Int, kc: Int, beta: Float
    ) {
        let nr = kernel.nr
        let wide = kernel == .avx512
        var jr = 0
        while jr < nc {
            let nrb = min(nr, nc - jr)
            let bPanel = UnsafePointer(packedB + jr * kc)
            var ir = 0
            while ir < mc {
                let cTile = p.c + (ic + ir) * p.ldc + jc + jr
                if wide {
                    logits_sgemm_6x32_avx512(kc, packedA + ir * kc, bPanel, cTile, p.ldc, min(mr, mc - ir), nrb, p.alpha, beta)
                } else {
                    logits_sgemm_6x16_avx2_fma(kc, packedA + ir * kc, bPanel, cTile, p.ldc, min(mr, mc - ir), nrb, p.alpha, beta)
                }
                ir += mr
            }
            jr += nr
        }
    }

    @inline(__always)
    static func roundUp(_ x: Int, _ unit: Int) -> Int { (x + unit - 1) / unit * unit }

    // MARK: - Micro-kernel

    /// `C[0..<rows, 0..<cols] = alpha * (Ap * Bp) + beta * C` for one `mr x nr` tile, where `Ap` is a
    /// packed (pre-broadcast) `mr x kc` micro-panel and `Bp` a packed `kc x nr` one.
    /// Twelve `SIMD4<Float>` accumulators: exactly the 16 SSE registers minus B's two and A's one.
    @inline(__always)
    static func microKernel(
        kc: Int, a: UnsafePointer<SIMD4<Float>>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        rows: Int, cols: Int, alpha: Float, beta: Float
    ) {
        var c00 = SIMD4<Float>(), c01 = SIMD4<Float>(), c10 = SIMD4<Float>(), c11 = SIMD4<Float>()
        var c20 = SIMD4<Float>(), c21 = SIMD4<Float>(), c30 = SIMD4<Float>(), c31 = SIMD4<Float>()
        var c40 = SIMD4<Float>(), c41 = SIMD4<Float>(), c50 = SIMD4<Float>(), c51 = SIMD4<Float>()
        var pa = a
        var pb = UnsafeRawPointer(b)
        for _ in 0..<kc {
            let b0 = pb.load(as: SIMD4<Float>.self)
            let b1 = pb.load(fromByteOffset: 16, as: SIMD4<Float>.self)
            var av = pa[0]
            c00 = madd(av, b0, c00); c01 = madd(av, b1, c01)
            av = pa[1]
            c10 = madd(av, b0, c10); c11 = madd(av, b1, c11)
            av = pa[2]
            c20 = madd(av, b0, c20); c21 = madd(av, b1, c21)
            av = pa[3]
            c30 = madd(av, b0, c30); c31 = madd(av, b1, c31)
            av = pa[4]
            c40 = madd(av, b0, c40); c41 = madd(av, b1, c41)
            av = pa[5]
            c50 = madd(av, b0, c50); c51 = madd(av, b1, c51)
            pa += mr
            pb += nr * MemoryLayout<Float>.stride
        }
        if rows == mr && cols == nr {
            store(c00, c01, to: c, alpha: alpha, beta: beta)
            store(c10, c11, to: c + ldc, alpha: alpha, beta: beta)
            store(c20, c21, to: c + 2 * ldc, alpha: alpha, beta: beta)
            store(c30, c31, to: c + 3 * ldc, alpha: alpha, beta: beta)
            store(c40, c41, to: c + 4 * ldc, alpha: alpha, beta: beta)
            store(c50, c51, to: c + 5 * ldc, alpha: alpha, beta: beta)
            return
        }
        // Edge tile: spill the accumulators and write the valid part only.
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: mr) { tile in
            tile[0] = SIMD8(lowHalf: c00, highHalf: c01); tile[1] = SIMD8(lowHalf: c10, highHalf: c11)
            tile[2] = SIMD8(lowHalf: c20, highHalf: c21); tile[3] = SIMD8(lowHalf: c30, highHalf: c31)
            tile[4] = SIMD8(lowHalf: c40, highHalf: c41); tile[5] = SIMD8(lowHalf: c50, highHalf: c51)
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
    static func store(_ lo: SIMD4<Float>, _ hi: SIMD4<Float>, to c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let raw = UnsafeMutableRawPointer(c)
        var out = SIMD8(lowHalf: lo, highHalf: hi) * alpha
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
    static func madd(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>) -> SIMD4<Float> {
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

    private static let pool = TensorLockedValue<[GemmScratch]>([])

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
    let epilogue: GemmEpilogue?
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
