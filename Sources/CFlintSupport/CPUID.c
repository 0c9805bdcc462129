#include "CFlintSupport.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

FlintCPUFeatures flint_cpu_features(void) {
    FlintCPUFeatures features;
    memset(&features, 0, sizeof(features));
#if defined(__x86_64__) || defined(__i386__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return features;
    unsigned int maxLeaf = eax;
    char vendor[13];
    memcpy(vendor, &ebx, 4); memcpy(vendor + 4, &edx, 4); memcpy(vendor + 8, &ecx, 4);
    vendor[12] = 0;
    features.isIntel = strcmp(vendor, "GenuineIntel") == 0;
    features.isAMD = strcmp(vendor, "AuthenticAMD") == 0;
    __get_cpuid(1, &eax, &ebx, &ecx, &edx);
    int baseFamily = (eax >> 8) & 0xf;
    int baseModel = (eax >> 4) & 0xf;
    features.family = baseFamily == 0xf ? baseFamily + ((eax >> 20) & 0xff) : baseFamily;
    features.model = (baseFamily == 0x6 || baseFamily == 0xf) ? (((eax >> 16) & 0xf) << 4) + baseModel : baseModel;
    features.hasFMA = (ecx >> 12) & 1;
    int osxsave = (ecx >> 27) & 1;
    int avxRegistersEnabled = 0, avx512RegistersEnabled = 0;
    if (osxsave) {
        unsigned int xcr0Low, xcr0High;
        __asm__ volatile("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
        avxRegistersEnabled = (xcr0Low & 0x6) == 0x6;
        avx512RegistersEnabled = (xcr0Low & 0xe6) == 0xe6;
    }
    if (maxLeaf >= 7) {
        __cpuid_count(7, 0, eax, ebx, ecx, edx);
        features.hasAVX2 = avxRegistersEnabled && ((ebx >> 5) & 1);
        features.hasAVX512F = avx512RegistersEnabled && ((ebx >> 16) & 1);
        features.hasAMX = (edx >> 24) & 1;
        __cpuid_count(7, 1, eax, ebx, ecx, edx);
        features.hasAVX512BF16 = features.hasAVX512F && ((eax >> 5) & 1);
    }
#endif
    return features;
}
