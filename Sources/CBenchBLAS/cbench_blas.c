#include "cbench_blas.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static float *random_matrix(size_t count, unsigned *state) {
    float *p = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64);
    if (!p) return NULL;
    for (size_t i = 0; i < count; i++) {
        *state = *state * 1664525u + 1013904223u;
        p[i] = (float)((*state >> 8) & 0xFFFF) / 65536.0f - 0.5f;
    }
    return p;
}

int cbench_sgemm_seconds(const char *path, int threads, int m, int n, int k,
                         int repeats, int iterations, double *seconds,
                         char *error, int errorLength) {
    void *handle = NULL;
    if (path && path[0]) {
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    } else {
        handle = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!handle) handle = dlopen("libopenblas.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) {
        snprintf(error, (size_t)errorLength, "dlopen: %s", dlerror());
        return 1;
    }
    sgemm_fn sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    if (!sgemm) {
        snprintf(error, (size_t)errorLength, "no cblas_sgemm");
        return 2;
    }
    set_threads_fn set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    get_threads_fn get_threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
    int previous = get_threads ? get_threads() : 0;
    if (set_threads) set_threads(threads);

    unsigned state = 12345u;
    float *a = random_matrix((size_t)m * (size_t)k, &state);
    float *b = random_matrix((size_t)k * (size_t)n, &state);
    float *c = random_matrix((size_t)m * (size_t)n, &state);
    if (!a || !b || !c) {
        free(a); free(b); free(c);
        snprintf(error, (size_t)errorLength, "out of memory");
        return 3;
    }
    /* 101 = CblasRowMajor, 111 = CblasNoTrans */
    sgemm(101, 111, 111, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
    for (int r = 0; r < repeats; r++) {
        double start = now_seconds();
        for (int i = 0; i < iterations; i++) {
            sgemm(101, 111, 111, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
        }
        seconds[r] = (now_seconds() - start) / (double)iterations;
    }
    free(a); free(b); free(c);
    if (set_threads && previous > 0) set_threads(previous);
    return 0;
}
