/* A persistent worker pool: one job at a time, static parts, spin-then-park workers. */
#define _POSIX_C_SOURCE 200809L
#include "logits_kernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#define LOGITS_POOL_MAX_WORKERS 255

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield")
#else
#define cpu_relax() ((void)0)
#endif

/* Job states of one worker's mailbox. The caller posts (POSTED); the worker takes it (POSTED ->
 * RUNNING, then DONE) or, if the caller has run out of parts first, the caller withdraws it
 * (POSTED -> CANCELLED) and does not wait for a worker the scheduler has not run yet. */
enum { IDLE = 0, POSTED = 1, RUNNING = 2, DONE = 3, CANCELLED = 4 };

/* One worker's mailbox, on its own cache lines. `generation` is bumped (under `lock`) to wake the
 * worker; the job itself is taken by the CAS on `state`. */
struct worker {
    _Atomic unsigned long generation;
    _Atomic int state;
    int parked; /* under lock */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
} __attribute__((aligned(128)));

static struct worker workers[LOGITS_POOL_MAX_WORKERS];
static long worker_count;                      /* under run_lock */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
/* The current job (written under run_lock before any worker is posted, read by RUNNING workers). */
static logits_pool_task job_task;
static void *job_context;
static long job_parts;
static _Atomic long next_part;                 /* parts are claimed dynamically by every participant */
static _Atomic long spin_ns = 100000;

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Claims and runs parts of the current job until none is left. */
static void run_parts(void) {
    for (;;) {
        const long p = atomic_fetch_add_explicit(&next_part, 1, memory_order_relaxed);
        if (p >= job_parts) return;
        job_task(job_context, p);
    }
}

static void *worker_main(void *arg) {
    struct worker *w = arg;
    unsigned long seen = 0;
    for (;;) {
        unsigned long g = atomic_load_explicit(&w->generation, memory_order_acquire);
        if (g == seen) {
            /* Spin briefly: in a training step the next product follows within microseconds. */
            const long limit = atomic_load_explicit(&spin_ns, memory_order_relaxed);
            const long start = now_ns();
            unsigned spins = 0;
            while ((g = atomic_load_explicit(&w->generation, memory_order_acquire)) == seen) {
                cpu_relax();
                if ((++spins & 255u) == 0 && now_ns() - start > limit) break;
            }
        }
        if (g == seen) {
            pthread_mutex_lock(&w->lock);
            while ((g = atomic_load_explicit(&w->generation, memory_order_acquire)) == seen) {
                w->parked = 1;
                pthread_cond_wait(&w->wake, &w->lock);
                w->parked = 0;
            }
            pthread_mutex_unlock(&w->lock);
        }
        seen = g;
        int expected = POSTED;
        if (atomic_compare_exchange_strong_explicit(&w->state, &expected, RUNNING,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            run_parts();
            atomic_store_explicit(&w->state, DONE, memory_order_release);
        }
        /* Otherwise the caller withdrew the job (CANCELLED) or already finished it: nothing to do. */
    }
    return 0;
}

/* Grows the pool to `wanted` workers (under run_lock); returns how many exist. */
static long ensure_workers(long wanted) {
    if (wanted > LOGITS_POOL_MAX_WORKERS) wanted = LOGITS_POOL_MAX_WORKERS;
    while (worker_count < wanted) {
        struct worker *w = &workers[worker_count];
        atomic_init(&w->generation, 0);
        atomic_init(&w->state, IDLE);
        w->parked = 0;
        pthread_mutex_init(&w->lock, 0);
        pthread_cond_init(&w->wake, 0);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int failed = pthread_create(&w->thread, &attr, worker_main, w);
        pthread_attr_destroy(&attr);
        if (failed) break;
        worker_count++;
    }
    return worker_count;
}

long logits_pool_run(long parts, logits_pool_task task, void *context) {
    return logits_pool_run_threads(parts, parts, task, context);
}

long logits_pool_run_threads(long parts, long threads, logits_pool_task task, void *context) {
    if (threads > parts) threads = parts;
    if (threads <= 1 || pthread_mutex_trylock(&run_lock) != 0) {
        for (long p = 0; p < parts; p++) task(context, p);
        return 1;
    }
    const long helpers = ensure_workers(threads - 1);
    const long posted = helpers < threads - 1 ? helpers : threads - 1;
    job_task = task;
    job_context = context;
    job_parts = parts;
    atomic_store_explicit(&next_part, 0, memory_order_relaxed);
    for (long i = 0; i < posted; i++) {
        struct worker *w = &workers[i];
        atomic_store_explicit(&w->state, POSTED, memory_order_release);
        pthread_mutex_lock(&w->lock);
        atomic_fetch_add_explicit(&w->generation, 1, memory_order_release);
        if (w->parked) pthread_cond_signal(&w->wake);
        pthread_mutex_unlock(&w->lock);
    }
    run_parts();
    /* Every part is claimed. Withdraw the posts no worker has taken yet (a worker the scheduler has
     * not run must not hold up the call); wait for those that are running. */
    long joined = 1;
    for (long i = 0; i < posted; i++) {
        struct worker *w = &workers[i];
        int expected = POSTED;
        if (atomic_compare_exchange_strong_explicit(&w->state, &expected, CANCELLED,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            continue;
        }
        joined++;
        unsigned spins = 0;
        while (atomic_load_explicit(&w->state, memory_order_acquire) != DONE) {
            cpu_relax();
            /* A worker descheduled by other processes: stop burning the core it may need. */
            if (++spins > 4096u) sched_yield();
        }
    }
    pthread_mutex_unlock(&run_lock);
    return joined;
}

void logits_pool_set_spin(long microseconds) {
    if (microseconds < 0) microseconds = 0;
    atomic_store_explicit(&spin_ns, microseconds * 1000L, memory_order_relaxed);
}

long logits_pool_worker_count(void) {
    pthread_mutex_lock(&run_lock);
    const long n = worker_count;
    pthread_mutex_unlock(&run_lock);
    return n;
}
