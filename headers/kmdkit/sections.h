/* Code and data placement, the GCC spelling of #pragma alloc_text / data_seg. kmdpe fix marks
 * INIT discardable and every section but INIT and PAGE* not-paged, as the Windows loader expects.
 *   KMD_INIT        code run only while DriverEntry runs (freed afterwards)
 *   KMD_PAGED       code that runs at PASSIVE_LEVEL/APC_LEVEL only and may be paged out
 *   KMD_PAGED_DATA  writable data touched only at IRQL <= APC_LEVEL (section PAGEDATA)
 *   KMD_PAGED_CONST read-only data touched only at IRQL <= APC_LEVEL (section PAGECONST)
 *   KMD_PAGED_CODE() first statement of a KMD_PAGED routine: in the debug build (DBG=1) it
 *                   logs and asserts when called above APC_LEVEL; in release it is empty
 *                   (as PAGED_CODE)
 *
 * There is no INIT data: GCC cannot put data and code in one section, and only INIT is
 * discarded. Keep data that DriverEntry alone uses on its stack, or in PAGEDATA. */
#ifndef KMDKIT_SECTIONS_H
#define KMDKIT_SECTIONS_H

#define KMD_INIT __attribute__((section("INIT")))
#define KMD_PAGED __attribute__((section("PAGE")))
#define KMD_PAGED_DATA __attribute__((section("PAGEDATA")))
#define KMD_PAGED_CONST __attribute__((section("PAGECONST")))

#if DBG
#define KMD_PAGED_CODE()                                                                           \
    do {                                                                                           \
        if (KeGetCurrentIrql() > APC_LEVEL) {                                                      \
            DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,                                    \
                       "kmdkit: pageable code %s called at IRQL %u\n", __func__,                   \
                       (unsigned)KeGetCurrentIrql());                                              \
            ASSERT(FALSE);                                                                         \
        }                                                                                          \
    } while (0)
#else
#define KMD_PAGED_CODE()                                                                           \
    do {                                                                                           \
    } while (0)
#endif

#endif
