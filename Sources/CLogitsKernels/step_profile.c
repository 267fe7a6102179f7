/* Training-step profiling counters: an on/off flag and nanosecond accumulators, one set per
 * thread. A profile covers the fits run on the thread that turned it on (their GEMM calls are
 * timed on that same thread, around the whole multithreaded product), so trainings running
 * concurrently on other threads never leak into it. When the flag is off the instrumented code
 * reads one thread-local int. */
#define _POSIX_C_SOURCE 200809L
#include "logits_kernels.h"

#include <time.h>

static _Thread_local int flag;
static _Thread_local unsigned long long slots[LOGITS_PROF_SLOTS];

int logits_prof_flag(void) { return flag; }

void logits_prof_set_enabled(int on) { flag = on != 0; }

unsigned long long logits_prof_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

void logits_prof_add(long slot, unsigned long long ns) {
    if (slot >= 0 && slot < LOGITS_PROF_SLOTS) slots[slot] += ns;
}

unsigned long long logits_prof_read(long slot) {
    if (slot < 0 || slot >= LOGITS_PROF_SLOTS) return 0;
    return slots[slot];
}

void logits_prof_reset(void) {
    for (long i = 0; i < LOGITS_PROF_SLOTS; i++) slots[i] = 0;
}
