#ifndef LOGITS_KERNELS_H
#define LOGITS_KERNELS_H

/// Optional x86-64 micro-kernels for the Swift GEMM driver (`SwiftGemm`), compiled for their
/// instruction set with function attributes (no build flags) and used only when the running CPU
/// has it. On other architectures the functions exist but report "unsupported".

/// 1 when this CPU and OS support AVX2 and FMA (cpuid + xgetbv), else 0 (always 0 off x86-64).
int logits_cpu_has_avx2_fma(void);

/// C[0..<rows, 0..<cols] = alpha * (Ap * Bp) + beta * C for one 6 x 16 tile (rows <= 6, cols <= 16),
/// where Ap is a packed 6 x kc micro-panel (6 consecutive floats per step) and Bp a packed
/// kc x 16 micro-panel (16 consecutive floats per step, 32-byte aligned). With beta == 0, C is
/// not read. Only call when logits_cpu_has_avx2_fma() returns 1.
void logits_sgemm_6x16_avx2_fma(long kc, const float *a, const float *b, float *c, long ldc,
                                long rows, long cols, float alpha, float beta);

#endif
