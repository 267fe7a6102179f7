/* AVX2 + FMA versions of the vectorized exp (the same range reduction and polynomial as the Swift
 * SIMD8 code, Math/VectorExp.swift; FMA contraction changes only the last bit or so) and of the
 * flat sigmoid-BCE element kernel (Losses/SigmoidBCEKernel.swift gives the formulas; here in fewer
 * instructions: an exp for non-positive arguments only, a direct log1p polynomial on [0, 1]). */
#include "logits_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma")))

/* Range reduction and polynomial shared by the exp kernels: xc = n ln2 + r with |r| <= ln2/2;
 * returns e^r and stores n (the power of two still to apply). */
AVX2 static inline __m256 exp_reduced8(__m256 xc, __m256i *n_out) {
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
    *n_out = n;
    return p;
}

/* e^x per lane: 0 below -103.97208, +inf above 88.72283, NaN stays NaN. */
AVX2 static inline __m256 exp8(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.72283f), lo = _mm256_set1_ps(-103.97208f);
    __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi); /* NaN lanes become lo; restored below */
    __m256i n;
    const __m256 p = exp_reduced8(xc, &n);
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

/* e^a for a <= 0, for the loss kernel: a below -87.33654 (where e^a would leave the normal range)
 * is held there, so e^a >= 2^-126 * e^r, an absolute error below 1.2e-38; one exponent factor
 * instead of exp8's two, no overflow or special-value blends (a NaN lane stays NaN). */
AVX2 static inline __m256 exp_nonpositive8(__m256 a) {
    const __m256 xc = _mm256_max_ps(_mm256_set1_ps(-87.3365479f), a); /* max(lo, NaN) = NaN */
    __m256i n;
    const __m256 p = exp_reduced8(xc, &n);
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

/* log(1 + e) for e in [0, 1] as e * P(e), P of degree 8 fitted to log1p(e)/e on [0, 1] (relative
 * error below 2e-7, tiny e keep full relative precision; no range reduction). */
AVX2 static inline __m256 log1p_unit_direct8(__m256 e) {
    __m256 y = _mm256_set1_ps(5.232681520e-3f);
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(-2.950518765e-2f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(7.822586596e-2f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(-1.366323829e-1f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(1.910600364e-1f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(-2.484298199e-1f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(3.331909776e-1f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(-4.999949336e-1f));
    y = _mm256_fmadd_ps(y, e, _mm256_set1_ps(9.999999404e-1f));
    return _mm256_mul_ps(y, e);
}

/* Loss and gradient of 8 lanes with unit weights, e = exp(-|x|), L = log1p(e), s = sigma(-|x|):
 *   loss = max(x, 0) - x y + L             (x y exact inside the FMA)
 *   grad = (1 - y) - s  for x >= 0,   s - y  for x < 0   (the sign bit of x selects) */
AVX2 static inline void bce8(__m256 x, __m256 y, __m256 *loss, __m256 *grad) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 e = exp_nonpositive8(_mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
    const __m256 l = log1p_unit_direct8(e);
    const __m256 s = _mm256_div_ps(e, _mm256_add_ps(one, e));
    const __m256 relu = _mm256_max_ps(_mm256_setzero_ps(), x); /* max(0, NaN) = NaN */
    *loss = _mm256_add_ps(_mm256_fnmadd_ps(x, y, relu), l);
    *grad = _mm256_blendv_ps(_mm256_sub_ps(_mm256_sub_ps(one, y), s), _mm256_sub_ps(s, y), x);
}

/* Horizontal sum of 8 lanes in a fixed order. */
AVX2 static inline double lane_sum(__m256 v) {
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    return (double)(((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7])));
}

AVX2 double logits_sigmoid_bce_avx2(const float *x, const float *y, long n, float scale,
                                    float *grad, float *values, int *bad_target) {
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), vscale = _mm256_set1_ps(scale);
    /* Targets: running min and max (a NaN target makes the loss NaN, found by the check below). */
    __m256 acc0 = zero, acc1 = zero, ylo = one, yhi = zero;
    double total = 0;
    long i = 0;
    for (; i + 16 <= n; i += 16) { /* two independent blocks per step (instruction-level parallelism) */
        const __m256 x0 = _mm256_loadu_ps(x + i), y0 = _mm256_loadu_ps(y + i);
        const __m256 x1 = _mm256_loadu_ps(x + i + 8), y1 = _mm256_loadu_ps(y + i + 8);
        ylo = _mm256_min_ps(ylo, _mm256_min_ps(y0, y1));
        yhi = _mm256_max_ps(yhi, _mm256_max_ps(y0, y1));
        __m256 l0, g0, l1, g1;
        bce8(x0, y0, &l0, &g0);
        bce8(x1, y1, &l1, &g1);
        _mm256_storeu_ps(grad + i, _mm256_mul_ps(g0, vscale));
        _mm256_storeu_ps(grad + i + 8, _mm256_mul_ps(g1, vscale));
        if (values) {
            _mm256_storeu_ps(values + i, l0);
            _mm256_storeu_ps(values + i + 8, l1);
        }
        acc0 = _mm256_add_ps(acc0, l0);
        acc1 = _mm256_add_ps(acc1, l1);
        if (((i + 16) & 1023) == 0) { /* flush to double every 1024 elements */
            total += lane_sum(_mm256_add_ps(acc0, acc1));
            acc0 = acc1 = zero;
        }
    }
    for (; i < n; i += 8) { /* last 1 to 15 elements, 8 lanes at a time, padded lanes masked out */
        float xs[8] = {0}, ys[8] = {0}, ls[8], gs[8];
        int mask[8];
        const long count = n - i < 8 ? n - i : 8;
        for (long j = 0; j < 8; j++) mask[j] = j < count ? -1 : 0;
        for (long j = 0; j < count; j++) { xs[j] = x[i + j]; ys[j] = y[i + j]; }
        const __m256 valid = _mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)mask));
        const __m256 yv = _mm256_loadu_ps(ys);
        ylo = _mm256_min_ps(ylo, yv);
        yhi = _mm256_max_ps(yhi, yv);
        __m256 l, g;
        bce8(_mm256_loadu_ps(xs), yv, &l, &g);
        l = _mm256_and_ps(l, valid);
        _mm256_storeu_ps(ls, l);
        _mm256_storeu_ps(gs, _mm256_mul_ps(_mm256_and_ps(g, valid), vscale));
        for (long j = 0; j < count; j++) {
            grad[i + j] = gs[j];
            if (values) values[i + j] = ls[j];
        }
        acc0 = _mm256_add_ps(acc0, l);
    }
    total += lane_sum(_mm256_add_ps(acc0, acc1));
    int bad = _mm256_movemask_ps(_mm256_or_ps(_mm256_cmp_ps(ylo, zero, _CMP_LT_OQ), _mm256_cmp_ps(yhi, one, _CMP_GT_OQ))) != 0;
    if (!bad && total != total) { /* a NaN sum: a NaN logit, or a NaN target */
        for (long j = 0; j < n; j++) {
            if (y[j] != y[j]) { bad = 1; break; }
        }
    }
    *bad_target = bad;
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
