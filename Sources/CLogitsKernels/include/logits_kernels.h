#ifndef LOGITS_KERNELS_H
#define LOGITS_KERNELS_H

/// Optional x86-64 kernels for the Swift GEMM driver (`SwiftGemm`) and the loss/activation math,
/// compiled for their instruction set with function attributes (no build flags) and used only when
/// the running CPU has it. On other architectures the functions exist but report "unsupported".
/// Also: a persistent worker pool (pthreads) for the parallel kernels.

// MARK: - CPU detection (cpu_features.c)

/// 1 when this CPU and OS support AVX2 and FMA (cpuid + xgetbv: XMM and YMM state saved), else 0.
int logits_cpu_has_avx2_fma(void);

/// 1 when this CPU has AVX-512F and the OS saves opmask and ZMM state (XCR0 bits 1, 2, 5, 6, 7),
/// and AVX2/FMA are usable too; else 0 (always 0 off x86-64).
int logits_cpu_has_avx512f(void);

/// The CPU brand string (cpuid 0x80000002-4), NUL-terminated, empty when unknown.
void logits_cpu_brand(char *out, long capacity);

// MARK: - GEMM micro-kernels and packing (sgemm_avx2.c, sgemm_avx512.c, sgemm_pack_avx2.c)

/// C[0..<rows, 0..<cols] = alpha * (Ap * Bp) + beta * C for one 6 x 16 tile (rows <= 6, cols <= 16),
/// where Ap is a packed 6 x kc micro-panel (6 consecutive floats per step) and Bp a packed
/// kc x 16 micro-panel (16 consecutive floats per step, 32-byte aligned). With beta == 0, C is
/// not read. Only call when logits_cpu_has_avx2_fma() returns 1.
void logits_sgemm_6x16_avx2_fma(long kc, const float *a, const float *b, float *c, long ldc,
                                long rows, long cols, float alpha, float beta);

/// As logits_sgemm_6x16_avx2_fma for a 6 x 32 tile (Bp: 32 consecutive floats per step), with
/// 512-bit registers; edge tiles use masked loads and stores. Only call when
/// logits_cpu_has_avx512f() returns 1.
void logits_sgemm_6x32_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                              long rows, long cols, float alpha, float beta);

/// Packs one 6-row micro-panel of op(A), where op(A)[i, p] = src[i * rs + p * cs]:
/// dst[6 * p + i] = op(A)[i, p] for i < 6, p < kc (the layout the 6 x 16 and 6 x 32 kernels read).
/// Rows of op(A) contiguous (cs == 1): 6 x 8 register transposes; columns contiguous (rs == 1):
/// 4 + 2 float copies; other strides: scalar. Writes dst[0 ..< 6 kc) only and reads op(A)[0..<6, 0..<kc]
/// only. Only call when logits_cpu_has_avx2_fma() returns 1.
void logits_pack_a_avx2(const float *src, long rs, long cs, long kc, float *dst);

/// Packs a kc x nr panel of op(B) where B is stored transposed: dst[p * nr + j] = src[j * ld + p]
/// for p < kc, j < nr (nr a multiple of 8), by 8 x 8 register transposes.
/// Only call when logits_cpu_has_avx2_fma() returns 1.
void logits_pack_b_transposed_avx2(const float *src, long ld, long kc, long nr, float *dst);

// MARK: - Vector math (vector_math_avx2.c); only call when logits_cpu_has_avx2_fma() returns 1

/// y[i] = exp(x[i]) for i < n (0 below -103.97, +inf above 88.72, NaN stays NaN); y may alias x.
void logits_exp_avx2(const float *x, float *y, long n);

/// Sigmoid binary cross-entropy with unit weights over n elements: grad[i] = scale * (sigmoid(x[i]) - y[i]),
/// values[i] (when values is not NULL) = max(x, 0) - y x + log1p(exp(-|x|)) computed stably; returns
/// the sum of the losses (float partial sums flushed to double every 1024 elements). exp(-|x|) is
/// held at 2^-126 or above (absolute error below 1.2e-38 for |x| > 87.3). *bad_target = 1 when
/// some y[i] is outside [0, 1] or NaN.
double logits_sigmoid_bce_avx2(const float *x, const float *y, long n, float scale,
                               float *grad, float *values, int *bad_target);

// MARK: - Worker pool (worker_pool.c)

/// One part of a parallel job: called once for each part in [0, parts).
typedef void (*logits_pool_task)(void *context, long part);

/// Runs task(context, p) exactly once for every p in [0, parts) and returns when all are done.
/// The calling thread and up to parts - 1 persistent worker threads (created on first need, never
/// exited) claim parts from a shared counter; when the caller has run out of parts, it withdraws the
/// posts that no worker has taken yet, so a worker the scheduler has not run (other processes on
/// its core) cannot hold up the call: the call then finishes at one-thread speed. Workers spin for
/// a short while after each job (see logits_pool_set_spin) and then park on a condition variable.
/// One job runs at a time: a call made while another is running (another thread, or a task that
/// calls back in) runs all its parts on the calling thread, in order.
/// Returns the number of threads that took part (1 when it ran on the caller alone).
long logits_pool_run(long parts, logits_pool_task task, void *context);

/// As logits_pool_run with at most `threads` threads (the caller and threads - 1 workers) taking
/// part, whatever the number of parts: with parts > threads, a thread that runs ahead claims more
/// parts, so one the scheduler holds back delays the call by at most the part it is running.
long logits_pool_run_threads(long parts, long threads, logits_pool_task task, void *context);

/// Microseconds a worker keeps polling for the next job before parking (default 100).
void logits_pool_set_spin(long microseconds);

/// Worker threads created so far (not counting callers).
long logits_pool_worker_count(void);

// MARK: - Optimizer (adam_avx2.c)

/// Per-step constants of the Adam / AdamW update (see Optimizers/Adam.swift).
struct logits_adam_constants {
    float one_minus_b1, b2, one_minus_b2, eps, bc2_sqrt, step_size, decay, l2;
    int apply_decay;
};

/// The Adam / AdamW element update on [lo, hi): w *= decay (when apply_decay), g += l2 w (when
/// l2 != 0), m += (1 - b1)(g - m), v = b2 v + (1 - b2) g^2, w -= step_size m / (sqrt(v) / bc2_sqrt + eps);
/// the same IEEE operations in the same order as the Swift kernel (no FMA contraction).
/// Only call when logits_cpu_has_avx2_fma() returns 1.
void logits_adam_avx2(long lo, long hi, const float *g, float *w, float *m, float *v,
                      const struct logits_adam_constants *k);

// MARK: - Sparse first layer, transposed weight (sparse_dense.c)

/// Y[r, o] = Σ_{k in row r} vals[k] Wt[cols[k], o] for the CSR rows r in [r0, r1) and the output
/// columns o in [o0, o1) (row_offsets has rows + 1 entries); Wt is D x n and Y B x n, row-major.
/// use_avx2 != 0 (only when logits_cpu_has_avx2_fma() returns 1) takes the AVX2/FMA loop.
void logits_csr_times_dense(long r0, long r1, long o0, long o1, const long *row_offsets, const int *cols,
                            const float *vals, const float *wt, long n, float *y, int use_avx2);

/// G[columns[j], o] = Σ_{k in [offsets[j], offsets[j+1])} vals[k] dY[row_index[k], o] for j in
/// [j0, j1) and o in [o0, o1): the weight gradient Xᵀ dY of a batch grouped by column (G is D x n,
/// dY B x n).
void logits_csc_gradient(long j0, long j1, long o0, long o1, const int *columns, const long *offsets,
                         const int *row_index, const float *vals, const float *dy, long n, float *g, int use_avx2);

/// As logits_csc_gradient over every column c in [c0, c1) of G, each row started at
/// -shift[c] * bias_gradient (the rank-1 term of centred input); slot[c] is the batch column j
/// of c, or -1 when c is absent (the row is then -shift[c] * bias_gradient alone).
void logits_csc_gradient_shifted(long c0, long c1, long o0, long o1, const int *slot, const long *offsets,
                                 const int *row_index, const float *vals, const float *dy, long n, const float *shift,
                                 const float *bias_gradient, float *g, int use_avx2);

/// out[o] = bias[o] - Σ_c shift[c] Wt[c, o], summed in double (acc: n doubles of scratch).
void logits_shifted_bias_transposed(const float *wt, long d, long n, const float *shift, const float *bias,
                                    double *acc, float *out);

// MARK: - Training-step profile (step_profile.c)

/// Accumulator slots of the step profile (the Swift side, `TrainingProfile`, names them).
#define LOGITS_PROF_SLOTS 16

/// 1 while profiling is on for the calling thread, else 0 (one thread-local load: the cost of the
/// instrumentation when off). Flag and slots are per thread.
int logits_prof_flag(void);

/// Turns the calling thread's profile on (non-zero) or off.
void logits_prof_set_enabled(int on);

/// CLOCK_MONOTONIC in nanoseconds.
unsigned long long logits_prof_now_ns(void);

/// Adds ns to slot (0 <= slot < LOGITS_PROF_SLOTS; others are ignored).
void logits_prof_add(long slot, unsigned long long ns);

/// The nanoseconds accumulated in slot (0 for a slot out of range).
unsigned long long logits_prof_read(long slot);

/// Zeroes every slot.
void logits_prof_reset(void);

#endif
