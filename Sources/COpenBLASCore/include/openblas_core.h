#ifndef NEUROMORPH_OPENBLAS_CORE_H
#define NEUROMORPH_OPENBLAS_CORE_H

/* OpenBLAS kernel selection for CPUs that a DYNAMIC_ARCH OpenBLAS does not recognise.

   Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks its kernels from the CPU model number. For a
   model it does not know (Emerald Rapids, family 6 model 207, as reported by some virtual
   machines) it falls back to its oldest x86-64 kernels ("Prescott": SSE3, no FMA), which run
   sgemm several times slower than the machine allows. At load time, before main and before
   any BLAS call, this library asks OpenBLAS which core it chose; when that is Prescott, the
   user has not set OPENBLAS_CORETYPE, and the CPU and the OS support AVX-512 (F, DQ, BW, VL)
   or AVX2 + FMA, it re-runs OpenBLAS's own core selection with OPENBLAS_CORETYPE set to
   "SkylakeX" or "Haswell" (what OpenBLAS's documented environment variable would do), then
   removes the variable again. Nothing changes on CPUs that OpenBLAS recognises, on
   non-DYNAMIC_ARCH builds, or when OPENBLAS_CORETYPE is set. */

/* What the load-time selection did: "" when it changed nothing, otherwise a sentence such as
   "OpenBLAS chose Prescott for this CPU; switched to SkylakeX (AVX-512)". */
const char *neuromorph_openblas_core_note(void);

/* Returns freed heap memory to the kernel (glibc `malloc_trim(0)`; a no-op elsewhere).
   Neuromorph keeps freed buffers in the heap between training steps (see openblas_core.c). */
void neuromorph_release_free_memory(void);

/* A CPU hint inside spin-wait loops (x86 `pause`; a no-op elsewhere). */
static inline void neuromorph_cpu_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
