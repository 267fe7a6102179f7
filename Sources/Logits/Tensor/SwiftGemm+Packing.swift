import CLogitsKernels

/// Packing of `op(A)` and `op(B)` blocks into the micro-panel layouts the micro-kernels read.
extension SwiftGemm {
    /// Packs `op(A)[i0 ..< i0+mc, k0 ..< k0+kc]` as `mr`-row micro-panels of pre-broadcast values:
    /// panel `q` holds, for each `p`, the `mr` values `op(A)[i0 + q*mr + i, k0 + p]`, each repeated
    /// `lanes` (4) times (zero past the last row). The micro-kernel then loads a ready-made
    /// `SIMD4` instead of broadcasting a scalar: SSE has no broadcast load, and the `shufps`
    /// it would need competes with the multiplies and adds for the same execution ports.
    static func packABroadcast(_ prob: GemmProblem, i0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        let rs = prob.aRowStride, cs = prob.aColStride
        let out = UnsafeMutableRawPointer(dst).assumingMemoryBound(to: SIMD4<Float>.self)
        var ir = 0
        while ir < mc {
            let rowsHere = min(mr, mc - ir)
            let panel = out + ir * kc
            let src = prob.a + (i0 + ir) * rs + k0 * cs
            if rowsHere == mr && cs == 1 {
                // op(A) rows are contiguous: read 6 rows side by side.
                let r0 = src, r1 = src + rs, r2 = src + 2 * rs, r3 = src + 3 * rs, r4 = src + 4 * rs, r5 = src + 5 * rs
                for p in 0..<kc {
                    let d = panel + p * mr
                    d[0] = SIMD4(repeating: r0[p]); d[1] = SIMD4(repeating: r1[p]); d[2] = SIMD4(repeating: r2[p])
                    d[3] = SIMD4(repeating: r3[p]); d[4] = SIMD4(repeating: r4[p]); d[5] = SIMD4(repeating: r5[p])
                }
            } else if rowsHere == mr && rs == 1 {
                // op(A) columns are contiguous (A stored transposed): 6 consecutive values per p.
                for p in 0..<kc {
                    let s = src + p * cs
                    let d = panel + p * mr
                    d[0] = SIMD4(repeating: s[0]); d[1] = SIMD4(repeating: s[1]); d[2] = SIMD4(repeating: s[2])
                    d[3] = SIMD4(repeating: s[3]); d[4] = SIMD4(repeating: s[4]); d[5] = SIMD4(repeating: s[5])
                }
            } else {
                for p in 0..<kc {
                    let d = panel + p * mr
                    for i in 0..<mr {
                        d[i] = SIMD4(repeating: i < rowsHere ? src[i * rs + p * cs] : 0)
                    }
                }
            }
            ir += mr
        }
    }

    /// Packs `op(A)[i0 ..< i0+mc, k0 ..< k0+kc]` as `mr`-row micro-panels of plain values: panel `q`
    /// holds, for each `p`, the `mr` values `op(A)[i0 + q*mr + i, k0 + p]` (zero past the last row).
    /// With `avx2` (a C kernel is in use, so the CPU has AVX2), full panels are packed by
    /// `logits_pack_a_avx2` (6 x 8 register transposes when rows of `op(A)` are contiguous).
    static func packA(
        _ prob: GemmProblem, i0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>, avx2: Bool = false
    ) {
        let rs = prob.aRowStride, cs = prob.aColStride
        var ir = 0
        while ir < mc {
            let rowsHere = min(mr, mc - ir)
            let panel = dst + ir * kc
            let src = prob.a + (i0 + ir) * rs + k0 * cs
            if rowsHere == mr && avx2 {
                logits_pack_a_avx2(src, rs, cs, kc, panel)
            } else if rowsHere == mr && cs == 1 {
                let r0 = src, r1 = src + rs, r2 = src + 2 * rs, r3 = src + 3 * rs, r4 = src + 4 * rs, r5 = src + 5 * rs
                for p in 0..<kc {
                    let d = panel + p * mr
                    d[0] = r0[p]; d[1] = r1[p]; d[2] = r2[p]; d[3] = r3[p]; d[4] = r4[p]; d[5] = r5[p]
                }
            } else if rowsHere == mr && rs == 1 {
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

    /// Packs `op(B)[k0 ..< k0+kc, j0 ..< j0+nc]` as `nr`-column micro-panels (`nr` a multiple of 8):
    /// panel `q` holds, for each `p`, the `nr` values `op(B)[k0 + p, j0 + q*nr + j]` contiguously
    /// (zero past the last column).
    /// With `avx2` (a C kernel is in use, so the CPU has AVX2), full panels of a transposed `B` are
    /// packed by 8 x 8 register transposes (`logits_pack_b_transposed_avx2`).
    static func packB(
        _ prob: GemmProblem, nr: Int, k0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>, avx2: Bool = false
    ) {
        let rs = prob.bRowStride, cs = prob.bColStride
        var jr = 0
        while jr < nc {
            let colsHere = min(nr, nc - jr)
            let panel = dst + jr * kc
            let src = prob.b + k0 * rs + (j0 + jr) * cs
            if colsHere == nr && cs == 1 {
                // op(B) rows are contiguous: 8-wide copies.
                for p in 0..<kc {
                    let from = UnsafeRawPointer(src + p * rs)
                    let to = UnsafeMutableRawPointer(panel + p * nr)
                    var j = 0
                    while j < nr {
                        to.storeBytes(of: from.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self),
                                      toByteOffset: 4 * j, as: SIMD8<Float>.self)
                        j += 8
                    }
                }
            } else if colsHere == nr && rs == 1 && avx2 {
                logits_pack_b_transposed_avx2(src, cs, kc, nr, panel)
            } else if colsHere == nr && rs == 1 {
                // B stored transposed: each column of op(B) is a contiguous row of B.
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
}
