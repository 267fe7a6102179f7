/* Training-step profiling counters: a process-wide on/off flag and nanosecond accumulators, read
 * and written with relaxed atomics. When the flag is off the instrumented code reads one int. */
#define _POSIX_C_SOURCE 200809L
#include "logits_kernels.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int logits_prof_flag_storage;
static _Atomic unsigned long long slots[LOGITS_PROF_SLOTS];

int logits_prof_flag(void) { return atomic_load_explicit(&logits_prof_flag_storage, memory_order_relaxed); }

void logits_prof_set_enabled(int on) {
    atomic_store_explicit(&logits_prof_flag_storage, on != 0, memory_order_relaxed);
}

unsigned long long logits_prof_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

void logits_prof_add(long slot, unsigned long long ns) {
    if (slot >= 0 && slot < LOGITS_PROF_SLOTS) atomic_fetch_add_explicit(&slots[slot], ns, memory_order_relaxed);
}

unsigned long long logits_prof_read(long slot) {
    if (slot < 0 || slot >= LOGITS_PROF_SLOTS) return 0;
    return atomic_load_explicit(&slots[slot], memory_order_relaxed);
}

void logits_prof_reset(void) {
    for (long i = 0; i < LOGITS_PROF_SLOTS; i++) atomic_store_explicit(&slots[i], 0, memory_order_relaxed);
}
