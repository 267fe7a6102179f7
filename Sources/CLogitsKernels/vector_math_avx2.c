/* AVX2 + FMA versions of the vectorized exp and of the flat sigmoid-BCE element kernel, with the
 * same range reductions and polynomials as the Swift SIMD8 code (Math/VectorExp.swift,
 * Losses/SigmoidBCEKernel.swift); FMA contraction changes only the last bit or so. */
#include "logits_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/* e^x per lane: 0 below -103.97208, +inf above 88.72283, NaN stays NaN. */
AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.72283f), lo = _mm256_set1_ps(-103.97208f);
    __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi); /* NaN lanes become lo; restored below */
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    const __m256 t = _mm256_fmadd_ps(xc, _mm256_set1_ps(1.44269504f), magic);
    const __m256 fx = _mm256_sub_ps(t, magic);
    const __m256i n = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(0x4B400000));
    __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), xc);
    r = _mm256_fmadd_ps(fx, _mm256_set1_ps(2.1219444e-4f), r);
    __m256 p = _mm256_set1_ps(1.98756915e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.39819995e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.16657959e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.66666655e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.00000012e-1f));
    p = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    const __m256i n1 = _mm256_srai_epi32(n, 1);
    const __m256i n2 = _mm256_sub_epi32(n, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    result = _mm256_blendv_ps(result, _mm256_setzero_ps(), _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
    result = _mm256_blendv_ps(result, _mm256_set1_ps(__builtin_inff()), _mm256_cmp_ps(x, hi, _CMP_GT_OQ));
    return _mm256_blendv_ps(result, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

/* log(1 + e) per lane for e in [0, 1] (NaN stays NaN). */
AVX2 static inline __m256 log1p_unit8(__m256 e) {
    const __m256 big = _mm256_cmp_ps(e, _mm256_set1_ps(0.41421356f), _CMP_GT_OQ);
    const __m256 t = _mm256_blendv_ps(e, _mm256_mul_ps(_mm256_sub_ps(e, _mm256_set1_ps(1.0f)), _mm256_set1_ps(0.5f)), big);
    const __m256 k = _mm256_and_ps(big, _mm256_set1_ps(1.0f));
    const __m256 z = _mm256_mul_ps(t, t);
    __m256 y = _mm256_set1_ps(7.0376836292e-2f);
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-1.1514610310e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(1.1676998740e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-1.2420140846e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(1.4249322787e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-1.6668057665e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(2.0000714765e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(-2.4999993993e-1f));
    y = _mm256_fmadd_ps(y, t, _mm256_set1_ps(3.3333331174e-1f));
    y = _mm256_mul_ps(_mm256_mul_ps(y, t), z);
    y = _mm256_fmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), y);
    y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
    return _mm256_fmadd_ps(k, _mm256_set1_ps(0.693359375f), _mm256_add_ps(t, y));
}

AVX2 void logits_exp_avx2(const float *x, float *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
    if (i < n) {
        float in[8] = {0}, out[8];
        for (long j = i; j < n; j++) in[j - i] = x[j];
        _mm256_storeu_ps(out, exp8(_mm256_loadu_ps(in)));
        for (long j = i; j < n; j++) y[j] = out[j - i];
    }
}

/* Loss and gradient of 8 lanes with unit weights; `valid` zeroes padded lanes' loss and gradient. */
AVX2 static inline void bce8(__m256 x, __m256 y, __m256 valid, __m256 *loss, __m256 *grad) {
    const __m256 signbit = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    const __m256 e = exp8(_mm256_or_ps(x, signbit)); /* exp(-|x|) */
    const __m256 l = log1p_unit8(e);
    const __m256 s_small = _mm256_div_ps(e, _mm256_add_ps(one, e)); /* sigma(-|x|) */
    const __m256 neg = _mm256_cmp_ps(x, zero, _CMP_LT_OQ);
    const __m256 relu = _mm256_blendv_ps(x, zero, neg); /* max(x, 0), NaN stays */
    const __m256 relu_neg = _mm256_sub_ps(relu, x);      /* max(-x, 0) */
    const __m256 one_minus_y = _mm256_sub_ps(one, y);
    /* k = pw y + 1 - y = 1 with unit weights: loss = L + y max(-x, 0) + (1 - y) max(x, 0). */
    __m256 ls = _mm256_add_ps(l, _mm256_fmadd_ps(y, relu_neg, _mm256_mul_ps(one_minus_y, relu)));
    __m256 g = _mm256_blendv_ps(_mm256_sub_ps(one_minus_y, s_small), _mm256_sub_ps(s_small, y), neg);
    *loss = _mm256_and_ps(ls, valid);
    *grad = _mm256_and_ps(g, valid);
}

AVX2 double logits_sigmoid_bce_avx2(const float *x, const float *y, long n, float scale,
                                    float *grad, float *values, int *bad_target) {
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), vscale = _mm256_set1_ps(scale);
    const __m256 all = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
    __m256 acc = zero, bad = zero;
    double total = 0;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 xv = _mm256_loadu_ps(x + i), yv = _mm256_loadu_ps(y + i);
        bad = _mm256_or_ps(bad, _mm256_andnot_ps(_mm256_and_ps(_mm256_cmp_ps(yv, zero, _CMP_GE_OQ),
                                                               _mm256_cmp_ps(yv, one, _CMP_LE_OQ)), all));
        __m256 l, g;
        bce8(xv, yv, all, &l, &g);
        _mm256_storeu_ps(grad + i, _mm256_mul_ps(g, vscale));
        if (values) _mm256_storeu_ps(values + i, l);
        acc = _mm256_add_ps(acc, l);
        if (((i + 8) & 1023) == 0) { /* flush to double every 1024 elements */
            float lanes[8];
            _mm256_storeu_ps(lanes, acc);
            total += (double)(((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7])));
            acc = zero;
        }
    }
    if (i < n) {
        float xs[8] = {0}, ys[8] = {0}, ls[8], gs[8];
        int mask[8];
        for (long j = 0; j < 8; j++) mask[j] = (i + j < n) ? -1 : 0;
        for (long j = i; j < n; j++) { xs[j - i] = x[j]; ys[j - i] = y[j]; }
        const __m256 valid = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)mask));
        const __m256 yv = _mm256_loadu_ps(ys);
        bad = _mm256_or_ps(bad, _mm256_andnot_ps(_mm256_and_ps(_mm256_cmp_ps(yv, zero, _CMP_GE_OQ),
                                                               _mm256_cmp_ps(yv, one, _CMP_LE_OQ)), valid));
        __m256 l, g;
        bce8(_mm256_loadu_ps(xs), yv, valid, &l, &g);
        _mm256_storeu_ps(ls, l);
        _mm256_storeu_ps(gs, _mm256_mul_ps(g, vscale));
        for (long j = i; j < n; j++) {
            grad[j] = gs[j - i];
            if (values) values[j] = ls[j - i];
        }
        acc = _mm256_add_ps(acc, l);
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    total += (double)(((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7])));
    *bad_target = _mm256_movemask_ps(bad) != 0;
    return total;
}

#else

void logits_exp_avx2(const float *x, float *y, long n) { (void)x; (void)y; (void)n; }
double logits_sigmoid_bce_avx2(const float *x, const float *y, long n, float scale,
                               float *grad, float *values, int *bad_target) {
    (void)x; (void)y; (void)n; (void)scale; (void)grad; (void)values;
    *bad_target = 0;
    return 0;
}

#endif
