#ifndef CBENCH_BLAS_H
#define CBENCH_BLAS_H

/// Benchmark-only baseline: times cblas_sgemm called directly from C (no Swift in the loop),
/// on a library opened with dlopen. Used by `logits-bench gemm` as "openblas-c-direct"; the
/// Logits library never links this.
///
/// Opens `path` (or libopenblas.so.0 / libopenblas.so when NULL or empty), sets `threads` with
/// openblas_set_num_threads when exported (restoring the previous count afterwards), multiplies
/// random row-major m x k by k x n matrices (C = A*B, beta = 0) once to warm up, then `repeats`
/// samples of `iterations` calls each, writing each sample's seconds per call to `seconds`.
/// Returns 0 on success; otherwise a non-zero code and a message in `error` (of `errorLength` bytes).
int cbench_sgemm_seconds(const char *path, int threads, int m, int n, int k,
                         int repeats, int iterations, double *seconds,
                         char *error, int errorLength);

#endif
