#ifndef CFLINT_SUPPORT_H
#define CFLINT_SUPPORT_H

/// The widest SIMD register, in bits, that this build was compiled for
/// (512 with AVX-512, 256 with AVX/AVX2, 128 otherwise). Set by `-Xcc -march=native`.
static inline int flint_compiled_simd_bits(void) {
#if defined(__AVX512F__)
    return 512;
#elif defined(__AVX__)
    return 256;
#else
    return 128;
#endif
}

/// The name of the instruction set this build was compiled for.
static inline const char *flint_compiled_simd_name(void) {
#if defined(__AVX512F__)
    return "AVX-512";
#elif defined(__AVX2__)
    return "AVX2";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE2__)
    return "SSE2";
#elif defined(__ARM_NEON)
    return "NEON";
#else
    return "scalar";
#endif
}

/// 1 when this build may use fused multiply-add instructions (x86's FMA3, enabled by
/// `-Xcc -march=native` on a processor that has it; every ARM64), 0 otherwise. Without them,
/// Swift's `addingProduct` becomes one C library `fmaf` call per lane, far slower than a multiply
/// and an add, so Flint's vector kernels test this first.
#if defined(__FMA__) || defined(__aarch64__)
#define FLINT_HAS_FUSED_MULTIPLY_ADD 1
#else
#define FLINT_HAS_FUSED_MULTIPLY_ADD 0
#endif

/// Tells the processor this thread is spinning on a shared variable (x86 `pause`, ARM `yield`):
/// saves power and lets the other hyperthread run, without giving up the core.
static inline void flint_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// The bytes usable in a block from `malloc` (or `aligned_alloc`), at least the size asked for;
/// 0 where the C library cannot say (outside Linux).
#include <stddef.h>
#if defined(__linux__)
#include <malloc.h>
static inline size_t flint_usable_block_size(void *block) { return malloc_usable_size(block); }
#else
static inline size_t flint_usable_block_size(void *block) { (void)block; return 0; }
#endif

/// What CPUID says this processor supports (x86-64 only; zeros elsewhere).
typedef struct {
    int isIntel;
    int isAMD;
    int family;
    int model;
    int hasAVX2;
    int hasFMA;
    int hasAVX512F;
    int hasAVX512BF16;
    int hasAMX;
} FlintCPUFeatures;

/// Reads the processor's features with the CPUID instruction.
FlintCPUFeatures flint_cpu_features(void);

#endif
