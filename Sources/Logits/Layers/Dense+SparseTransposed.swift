import CLogitsKernels

/// The sparse first-layer kernels for the transposed weight layout (`Dense.WeightLayout
/// .inputsByOutputs`, `Wt = Wᵀ`, `in x out`), the layout a trainer gives the first layer while it
/// trains on sparse input. Each stored value `X[b, c]` touches one contiguous row `Wt[c, :]`
/// (C kernels in `sparse_dense.c`, AVX2/FMA where available, over chunks of 64 output columns so
/// that a chunk of `Wt` or `dY` stays in cache; the threads split the output columns):
///
///     forward:  Y[b, :] = Σ_{c: X[b,c] ≠ 0} X[b, c] Wt[c, :]             (rows of the CSR batch)
///     backward: dWt[c, :] = Σ_{b: X[b,c] ≠ 0} X[b, c] dY[b, :]           (columns of the batch)
///     centred:  bias b − Wt ᵀs (summed in Double); dWt[c, :] = −s_c (δᵀ1) + Σ_b X[b, c] dY[b, :]
///
/// Work is `O(nnz · out)` per product (plus `O(in · out)` with a shift), as in the `out x in`
/// kernels, but with unit-stride loads instead of gathers across `out` weight rows.
extension Dense {
    /// `Y = X Wᵀ` (no bias) for `weightLayout == .inputsByOutputs`; `y` is already `B x out`.
    func sparseProductTransposed(_ x: SparseBatchColumns, into y: inout Matrix) {
        let rows = x.rows, out = outputCount
        let parts = Self.transposedParts(work: x.rowValues.count, outputs: out)
        let avx2: Int32 = VectorMath.usesAVX2 ? 1 : 0
        weight.value.withUnsafeBufferPointer { wp in
            y.withUnsafeMutableBufferPointer { yp in
                x.rowOffsets.withUnsafeBufferPointer { ro in
                    x.rowColumns.withUnsafeBufferPointer { rc in
                        x.rowValues.withUnsafeBufferPointer { rv in
                            guard let w = wp.baseAddress, let yo = yp.baseAddress, let offs = ro.baseAddress else { return }
                            let io = TransposedKernelPointers(
                                w: w, out: yo, offsets: offs, indices: rc.baseAddress, values: rv.baseAddress)
                            WorkerPool.run(parts: parts) { part in
                                let (lo, hi) = Self.outputRange(part: part, of: parts, outputs: out)
                                logits_csr_times_dense(0, rows, lo, hi, io.offsets, io.indices, io.values, io.w, out, io.out, avx2)
                            }
                        }
                    }
                }
            }
        }
    }

    /// `dWt = Xᵀ dY` (minus `s (δᵀ1)ᵀ` with a shift) into `weight.gradient` for the transposed
    /// layout; `dy` is `dY ⊙ f'(Y)` and `bias.gradient` already holds `δᵀ1`. Without a shift
    /// only the rows of the batch's columns are written, plus zeros over the rows the previous
    /// sparse backward wrote that this batch lacks.
    func sparseWeightGradientTransposed(_ x: SparseBatchColumns, inputShift: [Float]?, dy: Matrix) {
        let out = outputCount, inCount = inputCount
        let avx2: Int32 = VectorMath.usesAVX2 ? 1 : 0
        var stale = sparseState.stale
        sparseState.stale = []
        stale.removeAll(keepingCapacity: true)
        if inputShift == nil {
            if sparseState.wholeGradientWritten {
                weight.gradient.fill(0)
                sparseState.wholeGradientWritten = false
                sparseState.written.removeAll(keepingCapacity: true)
            }
            for c in sparseState.written where x.slot[Int(c)] < 0 { stale.append(c) }
        }
        let u = x.columns.count
        let work = inputShift == nil ? x.values.count : Swift.max(x.values.count, inCount)
        let parts = Self.transposedParts(work: work, outputs: out)
        let shifted = inputShift != nil
        weight.gradient.withUnsafeMutableBufferPointer { gp in
          dy.withUnsafeBufferPointer { dyp in
            x.withBuffers { cb in
                      bias.gradient.withUnsafeBufferPointer { db in
                        (inputShift ?? []).withUnsafeBufferPointer { sp in
                          guard let g = gp.baseAddress, let d = dyp.baseAddress, let o = cb.offsets.baseAddress else { return }
                          let io = TransposedGradientPointers(
                              g: g, dy: d, columns: cb.columns.baseAddress, offsets: o, rowIndex: cb.rowIndex.baseAddress,
                              values: cb.values.baseAddress, slot: cb.slot.baseAddress, shift: sp.baseAddress, biasGradient: db.baseAddress)
                          WorkerPool.run(parts: parts) { part in
                              let (lo, hi) = Self.outputRange(part: part, of: parts, outputs: out)
                              if shifted, let shift = io.shift {
                                  logits_csc_gradient_shifted(
                                      0, inCount, lo, hi, io.slot, io.offsets, io.rowIndex, io.values, io.dy, out, shift,
                                      io.biasGradient, io.g, avx2)
                              } else {
                                  logits_csc_gradient(
                                      0, u, lo, hi, io.columns, io.offsets, io.rowIndex, io.values, io.dy, out, io.g, avx2)
                              }
                          }
                          for c in stale { (g + Int(c) * out).update(repeating: 0, count: out) }
                        }
                      }
            }
          }
        }
        if inputShift != nil {
            sparseState.wholeGradientWritten = true  // the next unshifted sparse backward zeroes it once
            sparseState.written.removeAll(keepingCapacity: true)
            return
        }
        sparseState.stale = stale
        sparseState.written.removeAll(keepingCapacity: true)
        sparseState.written.append(contentsOf: x.columns)
    }

    /// Below this many multiply-adds (`work x out`) a transposed-layout kernel runs on the calling
    /// thread (the pool's hand-off costs more than a second thread gains).
    static let transposedParallelThreshold = 1 << 20

    /// Output columns are split among the parts in chunks of this many (the C kernels' chunk).
    static let outputChunk = 64

    /// Parts of a transposed-layout kernel with `work` stored values: one per thread, each a
    /// range of output columns (so each thread keeps its own slice of `Wt` or `dY` in cache).
    static func transposedParts(work: Int, outputs: Int) -> Int {
        let (product, overflow) = work.multipliedReportingOverflow(by: outputs)
        guard overflow || product >= transposedParallelThreshold, Threading.threadCount > 1 else { return 1 }
        let chunks = (outputs + outputChunk - 1) / outputChunk
        return Swift.max(1, Swift.min(chunks, Threading.threadCount))
    }

    /// The output columns `[lo, hi)` of `part` (whole chunks, the last one clipped to `outputs`).
    static func outputRange(part: Int, of parts: Int, outputs: Int) -> (Int, Int) {
        let chunks = (outputs + outputChunk - 1) / outputChunk
        let lo = part * chunks / parts * outputChunk, hi = (part + 1) * chunks / parts * outputChunk
        return (Swift.min(lo, outputs), Swift.min(hi, outputs))
    }
}

/// Base pointers of a transposed-layout forward job (each part writes its own rows of `Y`).
private struct TransposedKernelPointers: @unchecked Sendable {  // unchecked: parts write disjoint rows
    let w: UnsafePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let offsets: UnsafePointer<Int>
    let indices: UnsafePointer<Int32>?
    let values: UnsafePointer<Float>?
}

/// Base pointers of a transposed-layout weight-gradient job (each part writes its own rows of `dWt`).
private struct TransposedGradientPointers: @unchecked Sendable {  // unchecked: parts write disjoint rows
    let g: UnsafeMutablePointer<Float>
    let dy: UnsafePointer<Float>
    let columns: UnsafePointer<Int32>?
    let offsets: UnsafePointer<Int>
    let rowIndex: UnsafePointer<Int32>?
    let values: UnsafePointer<Float>?
    let slot: UnsafePointer<Int32>?
    let shift: UnsafePointer<Float>?
    let biasGradient: UnsafePointer<Float>?
}
