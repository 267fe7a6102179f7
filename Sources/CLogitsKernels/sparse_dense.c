/* Sparse-dense products of the first Dense layer on a CSR batch, with the weight stored
 * transposed (`Wt`, D x n row-major, n = outputs): every stored value of X reads or writes one
 * contiguous row of n floats (Layers/Dense+SparseTransposed.swift). An AVX2/FMA version and a
 * portable one (plain loops, whatever the compiler vectorizes); the two may differ in rounding
 * (FMA) only. */
#include "logits_kernels.h"

/* ---- portable ---- */

static void csr_rows_portable(long r0, long r1, long o0, long o1, const long *row_offsets, const int *cols,
                              const float *vals, const float *wt, long n, float *y) {
    for (long r = r0; r < r1; r++) {
        float *yr = y + r * n;
        for (long o = o0; o < o1; o++) yr[o] = 0;
        for (long k = row_offsets[r]; k < row_offsets[r + 1]; k++) {
            const float v = vals[k];
            const float *w = wt + (long)cols[k] * n;
            for (long o = o0; o < o1; o++) yr[o] += v * w[o];
        }
    }
}

static void grad_row_portable(const long *offsets, long j, const int *row_index, const float *vals,
                              const float *dy, long n, long o0, long o1, float init_scale, const float *init, float *g) {
    if (init) { for (long o = o0; o < o1; o++) g[o] = init_scale * init[o]; }
    else { for (long o = o0; o < o1; o++) g[o] = 0; }
    if (j < 0) return;
    for (long k = offsets[j]; k < offsets[j + 1]; k++) {
        const float v = vals[k];
        const float *d = dy + (long)row_index[k] * n;
        for (long o = o0; o < o1; o++) g[o] += v * d[o];
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define AVX2 __attribute__((target("avx2,fma")))

/* y[r, o0 .. o0 + 8 * width) for one row: `width` (1..8) accumulators of 8 lanes. */
#define ROW_BLOCK(WIDTH)                                                                      \
    do {                                                                                      \
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0; \
        for (long k = k0; k < k1; k++) {                                                      \
            const __m256 v = _mm256_broadcast_ss(vals + k);                                   \
            const float *w = wt + (long)cols[k] * n + o0;                                      \
            a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w), a0);                                  \
            if (WIDTH > 1) a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 8), a1);               \
            if (WIDTH > 2) a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 16), a2);              \
            if (WIDTH > 3) a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 24), a3);              \
            if (WIDTH > 4) a4 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 32), a4);              \
            if (WIDTH > 5) a5 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 40), a5);              \
            if (WIDTH > 6) a6 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 48), a6);              \
            if (WIDTH > 7) a7 = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + 56), a7);              \
        }                                                                                     \
        float *yo = yr + o0;                                                                  \
        _mm256_storeu_ps(yo, a0);                                                             \
        if (WIDTH > 1) _mm256_storeu_ps(yo + 8, a1);                                          \
        if (WIDTH > 2) _mm256_storeu_ps(yo + 16, a2);                                         \
        if (WIDTH > 3) _mm256_storeu_ps(yo + 24, a3);                                         \
        if (WIDTH > 4) _mm256_storeu_ps(yo + 32, a4);                                         \
        if (WIDTH > 5) _mm256_storeu_ps(yo + 40, a5);                                         \
        if (WIDTH > 6) _mm256_storeu_ps(yo + 48, a6);                                         \
        if (WIDTH > 7) _mm256_storeu_ps(yo + 56, a7);                                         \
    } while (0)

/* Columns [lo, hi) of the rows [r0, r1) (hi - lo <= 64 except at the tail). */
AVX2 static void csr_rows_avx2(long r0, long r1, long lo, long hi, const long *row_offsets, const int *cols,
                               const float *vals, const float *wt, long n, float *y) {
    for (long r = r0; r < r1; r++) {
        float *yr = y + r * n;
        const long k0 = row_offsets[r], k1 = row_offsets[r + 1];
        long o0 = lo;
        for (; o0 + 64 <= hi; o0 += 64) ROW_BLOCK(8);
        for (; o0 + 8 <= hi; o0 += 8) ROW_BLOCK(1);
        for (long o = o0; o < hi; o++) {
            float s = 0;
            for (long k = k0; k < k1; k++) s += vals[k] * wt[(long)cols[k] * n + o];
            yr[o] = s;
        }
    }
}

/* g[o0 .. o0 + 8 * WIDTH) = init + Σ_k v_k dy[r_k, ...]. */
#define GRAD_BLOCK(WIDTH)                                                                     \
    do {                                                                                      \
        __m256 a[8];                                                                          \
        for (int i = 0; i < WIDTH; i++)                                                       \
            a[i] = init ? _mm256_mul_ps(scale, _mm256_loadu_ps(init + o0 + 8 * i)) : _mm256_setzero_ps(); \
        for (long k = k0; k < k1; k++) {                                                      \
            const __m256 v = _mm256_broadcast_ss(vals + k);                                   \
            const float *d = dy + (long)row_index[k] * n + o0;                                 \
            for (int i = 0; i < WIDTH; i++) a[i] = _mm256_fmadd_ps(v, _mm256_loadu_ps(d + 8 * i), a[i]); \
        }                                                                                     \
        for (int i = 0; i < WIDTH; i++) _mm256_storeu_ps(g + o0 + 8 * i, a[i]);              \
    } while (0)

AVX2 static void grad_row_avx2(const long *offsets, long j, const int *row_index, const float *vals,
                               const float *dy, long n, long lo, long hi, float init_scale, const float *init, float *g) {
    const long k0 = j < 0 ? 0 : offsets[j], k1 = j < 0 ? 0 : offsets[j + 1];
    const __m256 scale = _mm256_set1_ps(init_scale);
    long o0 = lo;
    for (; o0 + 64 <= hi; o0 += 64) GRAD_BLOCK(8);
    for (; o0 + 8 <= hi; o0 += 8) GRAD_BLOCK(1);
    for (long o = o0; o < hi; o++) {
        float s = init ? init_scale * init[o] : 0;
        for (long k = k0; k < k1; k++) s += vals[k] * dy[(long)row_index[k] * n + o];
        g[o] = s;
    }
}
#define HAVE_AVX2_PATH 1
#endif

/* The output columns [o0, o1) are walked in chunks of CHUNK (a multiple of 64): a chunk of the
 * weight (D x CHUNK floats, the forward) or of dY (B x CHUNK, the gradient) stays in cache while
 * every row or column of the batch uses it. */
#define CHUNK 64

void logits_csr_times_dense(long r0, long r1, long o0, long o1, const long *row_offsets, const int *cols,
                            const float *vals, const float *wt, long n, float *y, int use_avx2) {
    for (long lo = o0; lo < o1; lo += CHUNK) {
        const long hi = lo + CHUNK < o1 ? lo + CHUNK : o1;
#ifdef HAVE_AVX2_PATH
        if (use_avx2) { csr_rows_avx2(r0, r1, lo, hi, row_offsets, cols, vals, wt, n, y); continue; }
#endif
        csr_rows_portable(r0, r1, lo, hi, row_offsets, cols, vals, wt, n, y);
    }
    (void)use_avx2;
}

void logits_csc_gradient(long j0, long j1, long o0, long o1, const int *columns, const long *offsets,
                         const int *row_index, const float *vals, const float *dy, long n, float *g, int use_avx2) {
    for (long lo = o0; lo < o1; lo += CHUNK) {
        const long hi = lo + CHUNK < o1 ? lo + CHUNK : o1;
        for (long j = j0; j < j1; j++) {
            float *gr = g + (long)columns[j] * n;
#ifdef HAVE_AVX2_PATH
            if (use_avx2) { grad_row_avx2(offsets, j, row_index, vals, dy, n, lo, hi, 0, 0, gr); continue; }
#endif
            grad_row_portable(offsets, j, row_index, vals, dy, n, lo, hi, 0, 0, gr);
        }
    }
    (void)use_avx2;
}

void logits_csc_gradient_shifted(long c0, long c1, long o0, long o1, const int *slot, const long *offsets,
                                 const int *row_index, const float *vals, const float *dy, long n, const float *shift,
                                 const float *bias_gradient, float *g, int use_avx2) {
    for (long lo = o0; lo < o1; lo += CHUNK) {
        const long hi = lo + CHUNK < o1 ? lo + CHUNK : o1;
        for (long c = c0; c < c1; c++) {
            float *gr = g + c * n;
            const float s = -shift[c];
            const long j = slot[c];
#ifdef HAVE_AVX2_PATH
            if (use_avx2) { grad_row_avx2(offsets, j, row_index, vals, dy, n, lo, hi, s, bias_gradient, gr); continue; }
#endif
            grad_row_portable(offsets, j, row_index, vals, dy, n, lo, hi, s, bias_gradient, gr);
        }
    }
    (void)use_avx2;
}

void logits_shifted_bias_transposed(const float *wt, long d, long n, const float *shift, const float *bias,
                                    double *acc, float *out) {
    for (long o = 0; o < n; o++) acc[o] = 0;
    for (long c = 0; c < d; c++) {
        const double s = shift[c];
        if (s == 0) continue;
        const float *w = wt + c * n;
        for (long o = 0; o < n; o++) acc[o] += s * (double)w[o];
    }
    for (long o = 0; o < n; o++) out[o] = (float)((double)bias[o] - acc[o]);
}
