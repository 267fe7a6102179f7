#include "logits_kernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

/* XCR0: the register state the OS saves on context switch (read with xgetbv, needs OSXSAVE). */
static unsigned long long read_xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

/* 1 when CPUID.1 reports AVX, FMA and OSXSAVE and the OS saves XMM|YMM state. */
static int avx_fma_enabled(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!(fma && osxsave && avx)) return 0;
    return (read_xcr0() & 0x6) == 0x6;
}

int logits_cpu_has_avx2_fma(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!avx_fma_enabled()) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 5) & 1; /* AVX2 */
}

int logits_cpu_has_avx512f(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!logits_cpu_has_avx2_fma()) return 0;
    /* XCR0 bits 1, 2 (XMM, YMM), 5 (opmask k0-k7), 6 (ZMM0-15 upper halves), 7 (ZMM16-31). */
    if ((read_xcr0() & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx >> 16) & 1; /* AVX512F */
}

void logits_cpu_brand(char *out, long capacity) {
    unsigned int regs[12];
    if (capacity <= 0) return;
    out[0] = 0;
    unsigned int top = __get_cpuid_max(0x80000000u, 0);
    if (top < 0x80000004u) return;
    for (unsigned int i = 0; i < 3; i++) {
        __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    }
    const char *text = (const char *)regs;
    long n = 0;
    for (; n < 48 && n < capacity - 1 && text[n]; n++) out[n] = text[n];
    out[n] = 0;
}

#else

int logits_cpu_has_avx2_fma(void) { return 0; }
int logits_cpu_has_avx512f(void) { return 0; }
void logits_cpu_brand(char *out, long capacity) { if (capacity > 0) out[0] = 0; }

#endif
