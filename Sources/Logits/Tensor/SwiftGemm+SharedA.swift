/// `op(A)` packed once per call for every worker, when a parallel call is split over columns of C
/// (each worker then needs all of `op(A)`; packing it in every worker repeated the work `threads` times).
extension SwiftGemm {
    /// Where each block of the whole packed `op(A)` lies: depth blocks one after the other (block
    /// `pc ..< pc + kcb` starts at `mPad * pc`), and in each the `mr`-row micro-panels of all rows
    /// (rows `ic ..< ic + mr` at `ic * kcb` in it), each value repeated `lanes` times. A block
    /// `ic ..< ic + mc` of rows (`ic` a multiple of `mr`) is thus exactly what `packA` /
    /// `packABroadcast` would have written for it, so the macro-kernels read it unchanged.
    struct PackedALayout {
        /// Rows and depth of `op(A)`.
        let m: Int, k: Int
        /// Depth of every block but the last (`depthBlocking`).
        let kcStep: Int
        /// Depth blocks.
        let kBlocks: Int
        /// Rows rounded up to whole micro-panels.
        let mPad: Int
        /// Copies of each value (`Kernel.lanes`).
        let lanes: Int

        init(m: Int, k: Int, lanes: Int) {
            self.m = m
            self.k = k
            (kBlocks, kcStep) = SwiftGemm.depthBlocking(k: k)
            mPad = SwiftGemm.roundUp(m, mr)
            self.lanes = lanes
        }

        /// Micro-panels per depth block.
        var panelsPerBlock: Int { mPad / mr }
        /// Micro-panels in all.
        var panels: Int { panelsPerBlock * kBlocks }
        /// Floats of the whole packed `op(A)`.
        var count: Int { mPad * k * lanes }

        /// Offset of the packed block of rows from `ic` (a multiple of `mr`), depth `pc ..< pc + kcb`.
        func offset(ic: Int, pc: Int, kcb: Int) -> Int { (mPad * pc + ic * kcb) * lanes }
    }

    /// Floats (16 MiB) up to which a column-split call packs `op(A)` once; beyond, each worker packs
    /// its own `mc x kc` blocks as in a serial call.
    static let sharedALimit = 1 << 22

    /// Depth blocks of equal size: `(blocks, depth of each but the last)` (k = 784 as 4 x 196, not
    /// 3 x 256 + 16: a thin last block would cost a full pass over C for little work).
    static func depthBlocking(k: Int) -> (blocks: Int, step: Int) {
        let blocks = (k + kc - 1) / kc
        return (blocks, (k + blocks - 1) / blocks)
    }

    /// Packs the micro-panels `panels` (numbered block by block, `panelsPerBlock` per depth block)
    /// of the whole `op(A)` into `dst` at their `layout` places, as `kernel` reads them.
    static func packShared(
        _ p: GemmProblem, kernel: Kernel, layout: PackedALayout, panels: Range<Int>, into dst: UnsafeMutablePointer<Float>
    ) {
        var t = panels.lowerBound
        while t < panels.upperBound {
            let block = t / layout.panelsPerBlock
            let q = t % layout.panelsPerBlock
            let qEnd = min(layout.panelsPerBlock, q + (panels.upperBound - t))
            let pc = block * layout.kcStep
            let kcb = min(layout.kcStep, p.k - pc)
            let i0 = q * mr
            let rows = min(qEnd * mr, p.m) - i0
            let out = dst + layout.offset(ic: i0, pc: pc, kcb: kcb)
            if kernel == .portable {
                packABroadcast(p, i0: i0, mc: rows, k0: pc, kc: kcb, into: out)
            } else {
                packA(p, i0: i0, mc: rows, k0: pc, kc: kcb, into: out, avx2: true)
            }
            t += qEnd - q
        }
    }
}
