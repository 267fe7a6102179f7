/* AVX2 version of the Adam / AdamW element update (Optimizers/Adam.swift): the same IEEE operations
 * in the same order as the Swift kernel, no fused multiply-adds, so both give identical results. */
#include "logits_kernels.h"

#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

AVX2 void logits_adam_avx2(long lo, long hi, const float *g, float *w, float *m, float *v,
                           const struct logits_adam_constants *k) {
    const __m256 c1 = _mm256_set1_ps(k->one_minus_b1), cb2 = _mm256_set1_ps(k->b2);
    const __m256 c2 = _mm256_set1_ps(k->one_minus_b2), ce = _mm256_set1_ps(k->eps);
    const __m256 cs = _mm256_set1_ps(k->bc2_sqrt), cstep = _mm256_set1_ps(k->step_size);
    const __m256 cd = _mm256_set1_ps(k->decay), cl2 = _mm256_set1_ps(k->l2);
    const int decay = k->apply_decay != 0, l2 = k->l2 != 0.0f;
    long i = lo;
    for (; i + 8 <= hi; i += 8) {
        __m256 wv = _mm256_loadu_ps(w + i);
        if (decay) wv = _mm256_mul_ps(wv, cd);
        __m256 gv = _mm256_loadu_ps(g + i);
        if (l2) gv = _mm256_add_ps(gv, _mm256_mul_ps(cl2, wv));
        const __m256 m0 = _mm256_loadu_ps(m + i);
        const __m256 mi = _mm256_add_ps(m0, _mm256_mul_ps(c1, _mm256_sub_ps(gv, m0)));
        const __m256 vi = _mm256_add_ps(_mm256_mul_ps(cb2, _mm256_loadu_ps(v + i)), _mm256_mul_ps(c2, _mm256_mul_ps(gv, gv)));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        const __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(vi), cs), ce);
        _mm256_storeu_ps(w + i, _mm256_sub_ps(wv, _mm256_mul_ps(cstep, _mm256_div_ps(mi, denom))));
    }
    for (; i < hi; i++) {
        float wi = w[i];
        if (decay) wi *= k->decay;
        const float gi = l2 ? g[i] + k->l2 * wi : g[i];
        const float mi = m[i] + k->one_minus_b1 * (gi - m[i]);
        const float vi = k->b2 * v[i] + k->one_minus_b2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        const float denom = _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(vi))) / k->bc2_sqrt + k->eps;
        w[i] = wi - k->step_size * (mi / denom);
    }
}

#else

void logits_adam_avx2(long lo, long hi, const float *g, float *w, float *m, float *v,
                      const struct logits_adam_constants *k) {
    (void)lo; (void)hi; (void)g; (void)w; (void)m; (void)v; (void)k;
}

#endif
