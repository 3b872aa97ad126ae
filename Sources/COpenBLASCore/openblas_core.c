#include "openblas_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* From OpenBLAS (cblas.h); the two dynamic-core entry points exist only in DYNAMIC_ARCH
   builds, hence weak: null when the linked OpenBLAS is built for one core. */
char *openblas_get_corename(void);
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

void openblas_set_num_threads(int num_threads);

static char core_note[160] = "";

/* Neuromorph runs OpenBLAS single-threaded and cuts large products into blocks on its own
   threads (ProductSplit.swift): OpenBLAS's spinning workers and Dispatch's workers would
   otherwise compete for the same cores. Set before any Swift code runs. */
__attribute__((constructor))
static void neuromorph_single_threaded_openblas(void) { openblas_set_num_threads(1); }

#if defined(__GLIBC__)
#include <malloc.h>
/* A training step allocates and frees the same activation-sized buffers every step. With
   glibc's defaults, buffers above the mmap threshold come from fresh mmap'd pages and the
   heap top is trimmed back to the kernel, so every step page-faults its buffers in again
   (about 4 % of the demo CNN step). Keep freed memory in the heap instead: only blocks of
   64 MiB and more are mmap'd, and the heap is trimmed only above 64 MiB free at the top. */
__attribute__((constructor))
static void neuromorph_reuse_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}

void neuromorph_release_free_memory(void) { malloc_trim(0); }
#else
void neuromorph_release_free_memory(void) {}
#endif

const char *neuromorph_openblas_core_note(void) { return core_note; }

#if defined(__x86_64__)
/* The kernel family the CPU and the OS support: "SkylakeX" (AVX-512 F/DQ/BW/VL and the OS
   saves the ZMM state), "Haswell" (AVX2 + FMA, YMM state saved) or NULL. */
static const char *supported_core(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return NULL;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx) return NULL;
    unsigned int xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 0x6) != 0x6) return NULL;              /* XMM and YMM state */
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return NULL;
    const int avx2 = (ebx >> 5) & 1;
    const int avx512 = ((ebx >> 16) & 1) && ((ebx >> 17) & 1) && ((ebx >> 30) & 1) && ((ebx >> 31) & 1);
    if (avx512 && (xcr0_lo & 0xe0) == 0xe0) return "SkylakeX";   /* opmask and ZMM state */
    if (avx2 && fma) return "Haswell";
    return NULL;
}

__attribute__((constructor))
static void neuromorph_select_openblas_core(void) {
    if (getenv("OPENBLAS_CORETYPE") != NULL) return;
    if (gotoblas_dynamic_init == NULL || gotoblas_dynamic_quit == NULL) return;
    const char *chosen = openblas_get_corename();
    if (chosen == NULL || strcasecmp(chosen, "Prescott") != 0) return;
    const char *wanted = supported_core();
    if (wanted == NULL) return;
    if (setenv("OPENBLAS_CORETYPE", wanted, 1) != 0) return;
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    snprintf(core_note, sizeof core_note, "OpenBLAS chose Prescott for this CPU; switched to %s", openblas_get_corename());
}
#endif
