#include "logits_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* Lanes [0, n) of a 16-lane mask (n clamped to [0, 16]). */
static inline __mmask16 lane_mask(long n) {
    if (n <= 0) return (__mmask16)0;
    if (n >= 16) return (__mmask16)0xFFFF;
    return (__mmask16)((1u << n) - 1u);
}

__attribute__((target("avx512f")))
void logits_sgemm_6x32_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                              long rows, long cols, float alpha, float beta) {
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    for (long p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b);
        const __m512 b1 = _mm512_loadu_ps(b + 16);
        __m512 av;
        av = _mm512_set1_ps(a[0]); c00 = _mm512_fmadd_ps(av, b0, c00); c01 = _mm512_fmadd_ps(av, b1, c01);
        av = _mm512_set1_ps(a[1]); c10 = _mm512_fmadd_ps(av, b0, c10); c11 = _mm512_fmadd_ps(av, b1, c11);
        av = _mm512_set1_ps(a[2]); c20 = _mm512_fmadd_ps(av, b0, c20); c21 = _mm512_fmadd_ps(av, b1, c21);
        av = _mm512_set1_ps(a[3]); c30 = _mm512_fmadd_ps(av, b0, c30); c31 = _mm512_fmadd_ps(av, b1, c31);
        av = _mm512_set1_ps(a[4]); c40 = _mm512_fmadd_ps(av, b0, c40); c41 = _mm512_fmadd_ps(av, b1, c41);
        av = _mm512_set1_ps(a[5]); c50 = _mm512_fmadd_ps(av, b0, c50); c51 = _mm512_fmadd_ps(av, b1, c51);
        a += 6;
        b += 32;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const __m512 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    /* Edge tiles use masked loads/stores: lanes past `cols` are neither read nor written. */
    const __mmask16 m0 = lane_mask(cols), m1 = lane_mask(cols - 16);
    for (long i = 0; i < rows && i < 6; i++) {
        float *row = c + i * ldc;
        __m512 lo = _mm512_mul_ps(acc[2 * i], va), hi = _mm512_mul_ps(acc[2 * i + 1], va);
        if (beta != 0.0f) {
            lo = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, row), vb, lo);
            hi = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, row + 16), vb, hi);
        }
        _mm512_mask_storeu_ps(row, m0, lo);
        _mm512_mask_storeu_ps(row + 16, m1, hi);
    }
}

#else

void logits_sgemm_6x32_avx512(long kc, const float *a, const float *b, float *c, long ldc,
                              long rows, long cols, float alpha, float beta) {
    (void)kc; (void)a; (void)b; (void)c; (void)ldc; (void)rows; (void)cols; (void)alpha; (void)beta;
}

#endif
