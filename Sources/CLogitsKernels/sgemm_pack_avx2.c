/* Packing of A and B micro-panels for the C micro-kernels (see logits_kernels.h). */
#include "logits_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* Rows r0..r5 of op(A) at p .. p+7 (r6 = r7 = 0) transposed: column j holds op(A)[0..5, p + j]. */
__attribute__((target("avx2,fma")))
static inline void transpose6x8(const float *s, long rs, __m256 out[8]) {
    const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + rs);
    const __m256 r2 = _mm256_loadu_ps(s + 2 * rs), r3 = _mm256_loadu_ps(s + 3 * rs);
    const __m256 r4 = _mm256_loadu_ps(s + 4 * rs), r5 = _mm256_loadu_ps(s + 5 * rs);
    const __m256 z = _mm256_setzero_ps();
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, z, 0x44), u5 = _mm256_shuffle_ps(t4, z, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, z, 0x44), u7 = _mm256_shuffle_ps(t5, z, 0xEE);
    out[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    out[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    out[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    out[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    out[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    out[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    out[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    out[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

__attribute__((target("avx2,fma")))
void logits_pack_a_avx2(const float *src, long rs, long cs, long kc, float *dst) {
    if (cs == 1) {
        /* Rows of op(A) contiguous: 6 x 8 register transposes. Each column is stored as 8 floats
         * at dst + 6 (p + j); the 2 extra lanes are overwritten by the next column, and the last
         * column of a step is stored as 4 + 2 floats so nothing past dst[6 kc) is written. */
        long p = 0;
        for (; p + 8 <= kc; p += 8) {
            __m256 col[8];
            transpose6x8(src + p, rs, col);
            float *d = dst + 6 * p;
            for (int j = 0; j < 7; j++) _mm256_storeu_ps(d + 6 * j, col[j]);
            const __m128 lo = _mm256_castps256_ps128(col[7]);
            _mm_storeu_ps(d + 42, lo);
            _mm_storel_pi((__m64 *)(d + 46), _mm256_extractf128_ps(col[7], 1));
        }
        for (; p < kc; p++) {
            float *d = dst + 6 * p;
            for (long i = 0; i < 6; i++) d[i] = src[i * rs + p];
        }
    } else if (rs == 1) {
        /* Columns of op(A) contiguous (A stored transposed): 6 consecutive floats per step, read
         * and written as 4 + 2 (never past the 6). */
        for (long p = 0; p < kc; p++) {
            const float *s = src + p * cs;
            float *d = dst + 6 * p;
            _mm_storeu_ps(d, _mm_loadu_ps(s));
            _mm_storel_pi((__m64 *)(d + 4), _mm_castpd_ps(_mm_load_sd((const double *)(s + 4))));
        }
    } else {
        for (long p = 0; p < kc; p++) {
            for (long i = 0; i < 6; i++) dst[6 * p + i] = src[i * rs + p * cs];
        }
    }
}

#else

void logits_pack_a_avx2(const float *src, long rs, long cs, long kc, float *dst) {
    (void)src; (void)rs; (void)cs; (void)kc; (void)dst;
}

#endif

/* A transposed B panel. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

__attribute__((target("avx2,fma")))
void logits_pack_b_transposed_avx2(const float *src, long ld, long kc, long nr, float *dst) {
    for (long jb = 0; jb + 8 <= nr; jb += 8) {
        const float *s = src + jb * ld;
        long p = 0;
        for (; p + 8 <= kc; p += 8) {
            const __m256 r0 = _mm256_loadu_ps(s + p), r1 = _mm256_loadu_ps(s + ld + p);
            const __m256 r2 = _mm256_loadu_ps(s + 2 * ld + p), r3 = _mm256_loadu_ps(s + 3 * ld + p);
            const __m256 r4 = _mm256_loadu_ps(s + 4 * ld + p), r5 = _mm256_loadu_ps(s + 5 * ld + p);
            const __m256 r6 = _mm256_loadu_ps(s + 6 * ld + p), r7 = _mm256_loadu_ps(s + 7 * ld + p);
            const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
            const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
            const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
            const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
            float *d = dst + p * nr + jb;
            _mm256_storeu_ps(d + 0 * nr, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d + 1 * nr, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d + 2 * nr, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d + 3 * nr, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d + 4 * nr, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d + 5 * nr, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d + 6 * nr, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d + 7 * nr, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
        for (; p < kc; p++) {
            for (long j = 0; j < 8; j++) dst[p * nr + jb + j] = s[j * ld + p];
        }
    }
}

#else

void logits_pack_b_transposed_avx2(const float *src, long ld, long kc, long nr, float *dst) {
    (void)src; (void)ld; (void)kc; (void)nr; (void)dst;
}

#endif
