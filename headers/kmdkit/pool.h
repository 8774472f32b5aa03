/* Pool allocation with ExAllocatePool2 semantics on every system, and per-tag accounting.
 *
 *   Buffer = KmdAllocatePool(POOL_FLAG_NON_PAGED, 256, KMD_TAG('M','y','d','1'));
 *   KmdFreePool(Buffer, KMD_TAG('M','y','d','1'));
 *
 * KmdAllocatePool calls ExAllocatePool2 where the system exports it (Windows 10 2004+) and
 * ExAllocatePoolWithTag + RtlZeroMemory where not (Windows 7/8/10 before 2004, Wine 8.0);
 * KmdPoolPath() says which. Flags: exactly one of POOL_FLAG_NON_PAGED, POOL_FLAG_NON_PAGED_EXECUTE,
 * POOL_FLAG_PAGED, optionally POOL_FLAG_UNINITIALIZED and POOL_FLAG_CACHE_ALIGNED. Other flags
 * (USE_QUOTA, SESSION, RAISE_ON_FAILURE) and a zero tag make it return NULL (and log an error).
 * The memory is zeroed unless POOL_FLAG_UNINITIALIZED is given.
 *
 * Each block carries a header right before the returned pointer that records its size and tag,
 * so the accounting knows what KmdFreePool releases. A block takes 16 bytes more from the pool
 * than asked (x64 and x86); with POOL_FLAG_CACHE_ALIGNED 64 more on x64 and 72 more on x86: the
 * header plus the slack that aligns the pointer to SYSTEM_CACHE_ALIGNMENT_SIZE (64) whatever
 * the pool returns (16-aligned on x64, 8-aligned on x86). So: free it with KmdFreePool only
 * (never ExFreePool/ExFreePoolWithTag), and do not expect page alignment for page-sized blocks.
 *
 * Accounting: outstanding allocations and bytes per tag, in a fixed table of KMD_POOL_MAX_TAGS
 * tags updated with interlocked operations (any IRQL a pool type allows). Allocations with
 * further tags still work; they are counted together under the tag '????'.
 * KmdLibUninitialize() prints one line per tag still outstanding:
 *   "<prefix>: pool leak: tag 'Tag1' 2 allocation(s), 96 bytes"
 * or "<prefix>: pool: no leaks".
 *
 * Tags print as the pool shows them (poolmon, WinDbg !poolused): the bytes in memory order, so
 * the multi-character constant '1gaT' prints as Tag1. KMD_TAG('T','a','g','1') spells it in
 * reading order. */
#ifndef KMDKIT_POOL_H
#define KMDKIT_POOL_H

#include <ntddk.h>

#include <kmdkit/ntos_ext.h>

#define KMD_TAG(a, b, c, d)                                                                        \
    ((ULONG)(UCHAR)(a) | ((ULONG)(UCHAR)(b) << 8) | ((ULONG)(UCHAR)(c) << 16) |                    \
     ((ULONG)(UCHAR)(d) << 24))

#define KMD_POOL_MAX_TAGS 32
#define KMD_POOL_OTHER_TAG KMD_TAG('?', '?', '?', '?')

typedef enum _KMD_POOL_PATH {
    KmdPoolPathNone,                 /* KmdLibInitialize has not run */
    KmdPoolPathExAllocatePool2,      /* the system has ExAllocatePool2 */
    KmdPoolPathExAllocatePoolWithTag /* fallback: ExAllocatePoolWithTag + RtlZeroMemory */
} KMD_POOL_PATH;

PVOID NTAPI KmdAllocatePool(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
VOID NTAPI KmdFreePool(PVOID Buffer, ULONG Tag);

KMD_POOL_PATH NTAPI KmdPoolPath(VOID);
/* "ExAllocatePool2", "ExAllocatePoolWithTag" or "none". */
PCSTR NTAPI KmdPoolPathName(KMD_POOL_PATH Path);

/* Outstanding allocations and bytes (as requested) of one tag. */
LONG NTAPI KmdPoolOutstanding(ULONG Tag);
SIZE_T NTAPI KmdPoolOutstandingBytes(ULONG Tag);

/* Logs the leak report (as KmdLibUninitialize does) and returns the outstanding allocations. */
ULONG NTAPI KmdPoolReport(VOID);

#endif
