import CLogitsKernels

/// The first layer of a network on sparse input (`X` a CSR batch, regrouped by column in a
/// `SparseBatchColumns`): the same products as `Dense.forward` / `backward`, touching only the
/// stored entries of `X`, with `W` kept in PyTorch's `out x in` layout.
///
///     forward:  Y[b, o] = f(b_o + Σ_{c in batch} W[o, c] X[b, c])        (sparse-dense product)
///     backward: dW[o, c] = Σ_b dY[b, o] X[b, c]  for the columns c present in the batch,
///               dW[o, c] = 0 for every other column; db = column sums of dY ⊙ f'(Y)
///
/// Both kernels run over blocks of 8 output units (8 lanes of a SIMD vector), the blocks split
/// across the worker pool; a block reads `W[o..o+7, c]` once per distinct batch column. Work is
/// `O(out * (nnz + U))` per batch instead of the dense `O(out * B * D)`. The weight gradient is
/// written only where it changes: the columns of the current batch, and zeros over the columns
/// the previous backward wrote that this batch lacks, so no `out x in` pass is made per batch.
/// No input gradient is computed (the first layer has no input to propagate to).
///
/// **Centred input without densifying.** With `inputShift = s` (`D` values, e.g. `mean / scale`
/// of a standardization that centres binary columns) the layer computes exactly what it computes
/// on the dense, centred input `X − 1sᵀ`, keeping `X` sparse:
///
///     forward:  Y = f(X Wᵀ + (b − W s))
///     backward: dW = δᵀ X − (δᵀ1) sᵀ   (a rank-1 term over the columns with s_c ≠ 0: the weight
///               gradient is then written in full each step), db = δᵀ1
extension Dense {
    /// `y = f(X Wᵀ + b)` for the sparse batch in `x` (`x.rows x inputCount`), or
    /// `f(X Wᵀ + b − W s)` with `inputShift = s` (see the extension); `y` is resized.
    /// - Throws: `LogitsError.shapeMismatch` when `x.cols != inputCount` or `s` is not `D` long.
    ///
    /// `foldedBias`, when given, is `b − W s` as computed once by `foldedBias(inputShift:)` for
    /// fixed weights (inference): it is used as the bias and `inputShift` is not read, which saves
    /// the `out x D` multiply-adds of every call.
    public func forward(sparse x: SparseBatchColumns, inputShift: [Float]? = nil, foldedBias: Matrix? = nil,
                        into y: inout Matrix) throws {
        guard x.cols == inputCount, inputShift.map({ $0.count == inputCount }) ?? true else {
            throw LogitsError.shapeMismatch("Dense expects \(inputCount) input features (and shifts), got \(x.cols) (\(inputShift?.count ?? x.cols))")
        }
        if let foldedBias, foldedBias.count != outputCount {
            throw LogitsError.shapeMismatch("folded bias has \(foldedBias.count) values, expected \(outputCount)")
        }
        let rows = x.rows, out = outputCount
        y.resize(rows: rows, cols: out)
        guard rows > 0, out > 0 else { return }
        if weightLayout == .inputsByOutputs {
            sparseProductTransposed(x, into: &y)
        } else {
            sparseProduct(x, into: &y)
        }
        var effectiveBias = bias.value
        if let foldedBias {
            effectiveBias = foldedBias
        } else if let inputShift {
            shiftedBias(inputShift, into: &x.shiftedBias, scratch: &x.shiftAccumulator)
            effectiveBias = x.shiftedBias
        }
        let act = fusedActivation
        effectiveBias.withUnsafeBufferPointer { bp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let b = bp.baseAddress, let yo = yp.baseAddress else { return }
                if let act {
                    act.forwardAddingBias(b, to: yo, rows: rows, cols: out)
                } else {
                    Elementwise.addRowVector(b, to: yo, rows: rows, cols: out)
                }
            }
        }
    }

    /// `Y = X Wᵀ` (no bias) for the `out x in` layout: blocks of 8 outputs gathered per column.
    private func sparseProduct(_ x: SparseBatchColumns, into y: inout Matrix) {
        let rows = x.rows, out = outputCount, inCount = inputCount
        let blocks = (out + 7) / 8
        let parts = Self.sparseParts(blocks: blocks, nonZeros: x.values.count, outputs: out)
        x.reserveLanes(parts: parts)
        let u = x.columns.count
        weight.value.withUnsafeBufferPointer { wp in
          y.withUnsafeMutableBufferPointer { yp in
            x.withBuffers { cb in
                    let (cols, offs, ri, vs) = (cb.columns, cb.offsets, cb.rowIndex, cb.values)
                    x.lanes.withUnsafeMutableBufferPointer { lanes in
                      guard let w = wp.baseAddress, let yo = yp.baseAddress, let lanesBase = lanes.baseAddress else { return }
                      let io = SparseKernelPointers(w: w, y: yo, lanes: lanesBase)
                      WorkerPool.run(parts: parts) { part in
                          let acc = io.lanes + part * rows
                          // A contiguous range of blocks per part: adjacent 8-output blocks share cache lines of Y.
                          for block in (part * blocks / parts)..<((part + 1) * blocks / parts) {
                              let o0 = block * 8, width = Swift.min(8, out - o0)
                              acc.update(repeating: .zero, count: rows)
                              for j in 0..<u {
                                  let c = Int(cols[j])
                                  var wv = SIMD8<Float>.zero
                                  if width == 8 {
                                      let p = io.w + o0 * inCount + c
                                      wv = SIMD8(p[0], p[inCount], p[2 * inCount], p[3 * inCount],
                                                 p[4 * inCount], p[5 * inCount], p[6 * inCount], p[7 * inCount])
                                  } else {
                                      for l in 0..<width { wv[l] = io.w[(o0 + l) * inCount + c] }
                                  }
                                  for k in offs[j]..<offs[j + 1] {
                                      acc[Int(ri[k])] += vs[k] * wv
                                  }
                              }
                              for b in 0..<rows {
                                  let dst = io.y + b * out + o0
                                  let a = acc[b]
                                  for l in 0..<width { dst[l] = a[l] }
                              }
                          }
                      }
                    }
            }
          }
        }
    }

    /// `b − W s` (`1 x out`, summed in Double: `out x D` multiply-adds) for `inputShift = s`,
    /// computed once for fixed weights; pass it as `foldedBias` to `forward(sparse:...)`.
    /// - Throws: `LogitsError.shapeMismatch` when `s` is not `D` long.
    public func foldedBias(inputShift: [Float]) throws -> Matrix {
        guard inputShift.count == inputCount else {
            throw LogitsError.shapeMismatch("input shift has \(inputShift.count) values, expected \(inputCount)")
        }
        var out = Matrix(rows: 1, cols: outputCount)
        var scratch: [Double] = []
        shiftedBias(inputShift, into: &out, scratch: &scratch)
        return out
    }

    /// `b − W s` into `out` (resized to `1 x out`) in either weight layout; `scratch` holds
    /// `out` doubles for the transposed one (grown once).
    func shiftedBias(_ inputShift: [Float], into out: inout Matrix, scratch: inout [Double]) {
        out.resize(rows: 1, cols: outputCount)
        if weightLayout == .inputsByOutputs {
            if scratch.count < outputCount { scratch = [Double](repeating: 0, count: outputCount) }
            weight.value.withUnsafeBufferPointer { wp in
                inputShift.withUnsafeBufferPointer { sp in
                    bias.value.withUnsafeBufferPointer { bp in
                        scratch.withUnsafeMutableBufferPointer { acc in
                            out.withUnsafeMutableBufferPointer { dst in
                                guard let w = wp.baseAddress, let s = sp.baseAddress, let b = bp.baseAddress,
                                      let a = acc.baseAddress, let d = dst.baseAddress else { return }
                                logits_shifted_bias_transposed(w, inputCount, outputCount, s, b, a, d)
                            }
                        }
                    }
                }
            }
            return
        }
        let out0 = outputCount, inCount = inputCount
        let biasValues = bias.value
        weight.value.withUnsafeBufferPointer { wp in
            inputShift.withUnsafeBufferPointer { sp in
                guard let w = wp.baseAddress, let sh = sp.baseAddress else { return }
                for o in 0..<out0 {
                    let row = w + o * inCount
                    var low = SIMD4<Double>.zero, high = SIMD4<Double>.zero
                    var c = 0
                    while c + 8 <= inCount {
                        let wv = Elementwise.load8(row + c), sv = Elementwise.load8(sh + c)
                        low += SIMD4<Double>(wv.lowHalf) * SIMD4<Double>(sv.lowHalf)
                        high += SIMD4<Double>(wv.highHalf) * SIMD4<Double>(sv.highHalf)
                        c += 8
                    }
                    var dot = (low + high).sum()
                    while c < inCount {
                        dot += Double(row[c]) * Double(sh[c])
                        c += 1
                    }
                    out[0, o] = Float(Double(biasValues[0, o]) - dot)
                }
            }
        }
    }

    /// Backward of `forward(sparse:inputShift:into:)` on the same `x` and shift: fills
    /// `weight.gradient` (see the extension's doc) and `bias.gradient`; `dy` (`B x out`) is
    /// overwritten with `dY ⊙ f'(Y)`.
    public func backward(sparse x: SparseBatchColumns, inputShift: [Float]? = nil, output y: Matrix, outputGradient dy: inout Matrix) throws {
        guard x.cols == inputCount, dy.rows == x.rows, dy.cols == outputCount, inputShift.map({ $0.count == inputCount }) ?? true else {
            throw LogitsError.shapeMismatch("Dense backward: batch \(x.rows) x \(x.cols), gradient \(dy.rows) x \(dy.cols); expected \(x.rows) x \(outputCount) for \(inputCount) inputs")
        }
        activationAndBiasBackward(output: y, outputGradient: &dy)
        if weightLayout == .inputsByOutputs {
            sparseWeightGradientTransposed(x, inputShift: inputShift, dy: dy)
            return
        }
        let accumulate = inputShift != nil
        if let inputShift {
            // dW = −(δᵀ1) sᵀ over every column (zeros where s_c = 0), then += δᵀX below.
            let (out, inCount) = (outputCount, inputCount)
            weight.gradient.withUnsafeMutableBufferPointer { gp in
                bias.gradient.withUnsafeBufferPointer { bp in
                    inputShift.withUnsafeBufferPointer { sp in
                        for o in 0..<out {
                            let g = -bp[o]
                            for c in 0..<inCount { gp[o * inCount + c] = g * sp[c] }
                        }
                    }
                }
            }
            sparseState.wholeGradientWritten = true  // the next unshifted sparse backward zeroes it once
            sparseState.stale = []
            sparseState.written.removeAll(keepingCapacity: true)
        } else if sparseState.wholeGradientWritten {
            weight.gradient.fill(0)
            sparseState.wholeGradientWritten = false
            sparseState.written.removeAll(keepingCapacity: true)
        }
        let rows = x.rows, out = outputCount, inCount = inputCount
        // Columns written by the previous backward that this batch lacks: zeroed below.
        var stale = sparseState.stale
        sparseState.stale = []
        stale.removeAll(keepingCapacity: true)
        if !accumulate { for c in sparseState.written where x.slot[Int(c)] < 0 { stale.append(c) } }
        let blocks = (out + 7) / 8
        let parts = Self.sparseParts(blocks: blocks, nonZeros: x.values.count, outputs: out)
        x.reserveLanes(parts: parts)
        let u = x.columns.count
        weight.gradient.withUnsafeMutableBufferPointer { gp in
          dy.withUnsafeBufferPointer { dyp in
            x.withBuffers { cb in
                    let (cols, offs, ri, vs) = (cb.columns, cb.offsets, cb.rowIndex, cb.values)
                    stale.withUnsafeBufferPointer { st in
                      x.lanes.withUnsafeMutableBufferPointer { lanes in
                        guard let g = gp.baseAddress, let d = dyp.baseAddress, let lanesBase = lanes.baseAddress else { return }
                        let io = SparseGradientPointers(g: g, dy: d, lanes: lanesBase)
                        WorkerPool.run(parts: parts) { part in
                            let dyRows = io.lanes + part * rows
                            var block = part
                            while block < blocks {
                                let o0 = block * 8, width = Swift.min(8, out - o0)
                                for b in 0..<rows {
                                    let src = io.dy + b * out + o0
                                    if width == 8 {
                                        dyRows[b] = Elementwise.load8(src)
                                    } else {
                                        var v = SIMD8<Float>.zero
                                        for l in 0..<width { v[l] = src[l] }
                                        dyRows[b] = v
                                    }
                                }
                                for j in 0..<u {
                                    var s = SIMD8<Float>.zero
                                    for k in offs[j]..<offs[j + 1] { s += vs[k] * dyRows[Int(ri[k])] }
                                    let p = io.g + o0 * inCount + Int(cols[j])
                                    if accumulate {
                                        for l in 0..<width { p[l * inCount] += s[l] }
                                    } else {
                                        for l in 0..<width { p[l * inCount] = s[l] }
                                    }
                                }
                                for c in st {
                                    let p = io.g + o0 * inCount + Int(c)
                                    for l in 0..<width { p[l * inCount] = 0 }
                                }
                                block += parts
                            }
                        }
                      }
                    }
            }
          }
        }
        guard !accumulate else { return }
        sparseState.stale = stale
        sparseState.written.removeAll(keepingCapacity: true)
        sparseState.written.append(contentsOf: x.columns)
    }
}

extension Dense {
    /// Below this many multiply-adds (`nnz x out`) a sparse kernel runs on the calling thread:
    /// measured on bibtex batches (128 rows, 8.7 k stored values, 512 outputs, 4.5 M), 2 threads
    /// took 1.4x the time of 1 (AMD Zen 3, 2 vCPUs): the strided weight gathers are bound by memory
    /// latency, and the pool's hand-off costs more than a second thread gains.
    static let sparseParallelThreshold = 1 << 24

    /// Parts of a sparse kernel over `blocks` blocks of 8 outputs.
    static func sparseParts(blocks: Int, nonZeros: Int, outputs: Int) -> Int {
        guard nonZeros.multipliedReportingOverflow(by: outputs).partialValue >= sparseParallelThreshold
                || nonZeros.multipliedReportingOverflow(by: outputs).overflow else { return 1 }
        return Swift.min(blocks, Threading.threadCount * 2)
    }
}

/// Bookkeeping of the sparse weight gradient of a `Dense` layer: which columns of `dW` the last
/// sparse backward wrote (the rest are zero).
final class DenseSparseState {
    var written: [Int32] = []
    var stale: [Int32] = []
    /// Whether a dense backward wrote all of `dW` since the last sparse one (the next sparse
    /// backward then zeroes it once).
    var wholeGradientWritten = false
}

/// Base pointers shared by the parts of a forward job (each part writes its own output columns
/// and its own accumulators).
private struct SparseKernelPointers: @unchecked Sendable {  // unchecked: parts write disjoint ranges
    let w: UnsafePointer<Float>
    let y: UnsafeMutablePointer<Float>
    let lanes: UnsafeMutablePointer<SIMD8<Float>>
}

/// Base pointers of a weight-gradient job (each part writes its own rows of `dW`).
private struct SparseGradientPointers: @unchecked Sendable {  // unchecked: parts write disjoint ranges
    let g: UnsafeMutablePointer<Float>
    let dy: UnsafePointer<Float>
    let lanes: UnsafeMutablePointer<SIMD8<Float>>
}
