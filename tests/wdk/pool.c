/*++

Module Name:

    pool.c

Abstract:

    wdktest's pool case: ExAllocatePool2 and ExAllocatePool3 (the system's where it has them,
    kmdkit_wdk's down-level path where not: Wine 8 and Windows before 10 2004), ExFreePool2,
    and the ExAllocatePoolZero family. Zeroed memory is checked byte by byte, after the same
    size was handed out filled with 0xA5 and freed (so a reused block shows stale bytes).

--*/

#include "wdktest.h"

#define POOL_BYTES 600

static BOOLEAN AllBytes(_In_reads_bytes_(Size) const VOID *Buffer, _In_ SIZE_T Size,
                        _In_ UCHAR Value)
{
    const UCHAR *bytes = Buffer;

    for (SIZE_T i = 0; i < Size; i++) {
        if (bytes[i] != Value) {
            return FALSE;
        }
    }
    return TRUE;
}

//
// Leaves a POOL_BYTES block of 0xA5 behind, so that the next allocation of that size may be it.
//
static PVOID Dirty(VOID)
{
    PVOID p = ExAllocatePoolUninitialized(PagedPool, POOL_BYTES, WDKTEST_TAG);

    if (p != NULL) {
        RtlFillMemory(p, POOL_BYTES, 0xA5);
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }
    return p;
}

static VOID CheckZeroed(_Inout_ WDKTEST_RESULT *Result, _In_z_ PCSTR What, _In_opt_ PVOID P,
                        _In_opt_ PVOID Stale)
{
    WdkTestCheck(Result, P != NULL && AllBytes(P, POOL_BYTES, 0), "%s: %s%s", What,
                 P == NULL                    ? "NULL"
                 : AllBytes(P, POOL_BYTES, 0) ? "600 bytes, all zero"
                                              : "600 bytes, NOT all zero",
                 P != NULL && P == Stale ? " (the block just filled with 0xA5)" : "");
}

static VOID CheckRefused(_Inout_ WDKTEST_RESULT *Result, _In_z_ PCSTR What, _In_ POOL_FLAGS Flags)
{
    PVOID p = ExAllocatePool2(Flags, 64, WDKTEST_TAG);

    WdkTestCheck(Result, p == NULL, "ExAllocatePool2(%s) refused: %s", What,
                 p == NULL ? "NULL" : "NOT NULL");
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }
}

_Use_decl_annotations_ VOID WdkTestPool(WDKTEST_RESULT *Result)
{
    UNICODE_STRING name;
    POOL_EXTENDED_PARAMETER params[2];
    BOOLEAN native2, native3;
    PVOID stale, p;

    PAGED_CODE();

    RtlInitUnicodeString(&name, L"ExAllocatePool2");
    native2 = MmGetSystemRoutineAddress(&name) != NULL;
    RtlInitUnicodeString(&name, L"ExAllocatePool3");
    native3 = MmGetSystemRoutineAddress(&name) != NULL;
    WdkTestReport(Result, WDKTEST_NOTE, "pool path: %s",
                  native2 ? "the system's ExAllocatePool2"
                          : "kmdkit_wdk's fallback (this system has no ExAllocatePool2)");

    //
    // The WDK's ExAllocatePoolZero family.
    //
    stale = Dirty();
    p = ExAllocatePoolZero(PagedPool, POOL_BYTES, WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePoolZero(PagedPool)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    stale = Dirty();
    p = ExAllocatePoolZero(NonPagedPoolNx, POOL_BYTES, WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePoolZero(NonPagedPoolNx)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    stale = Dirty();
    p = ExAllocatePoolQuotaZero(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_BYTES,
                                WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePoolQuotaZero(PagedPool, charged to the caller)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    p = ExAllocatePoolUninitialized(NonPagedPoolNx, POOL_BYTES, WDKTEST_TAG);
    WdkTestCheck(Result, p != NULL, "ExAllocatePoolUninitialized(NonPagedPoolNx): %s",
                 p != NULL ? "a block" : "NULL");
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    p = ExAllocatePoolQuotaUninitialized(PagedPool | POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, POOL_BYTES,
                                         WDKTEST_TAG);
    WdkTestCheck(Result, p != NULL, "ExAllocatePoolQuotaUninitialized(PagedPool): %s",
                 p != NULL ? "a block" : "NULL");
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    //
    // ExAllocatePool2: zeroed unless POOL_FLAG_UNINITIALIZED, each pool kind, quota.
    //
    stale = Dirty();
    p = ExAllocatePool2(POOL_FLAG_PAGED, POOL_BYTES, WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePool2(PAGED)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    stale = Dirty();
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED, POOL_BYTES, WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePool2(NON_PAGED)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    stale = Dirty();
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_CACHE_ALIGNED, POOL_BYTES,
                        WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePool2(NON_PAGED_EXECUTE | CACHE_ALIGNED)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    stale = Dirty();
    p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_USE_QUOTA, POOL_BYTES, WDKTEST_TAG);
    CheckZeroed(Result, "ExAllocatePool2(PAGED | USE_QUOTA)", p, stale);
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    p = ExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, POOL_BYTES, WDKTEST_TAG);
    WdkTestCheck(Result, p != NULL, "ExAllocatePool2(PAGED | UNINITIALIZED): %s",
                 p != NULL ? "a block" : "NULL");
    if (p != NULL) {
        ExFreePool2(p, WDKTEST_TAG, NULL, 0);
    }

    //
    // An unknown optional flag is ignored; unknown required flags and bad kinds are refused.
    //
    p = ExAllocatePool2(POOL_FLAG_NON_PAGED | POOL_FLAG_SPECIAL_POOL, 64, WDKTEST_TAG);
    WdkTestCheck(Result, p != NULL, "ExAllocatePool2(NON_PAGED | SPECIAL_POOL, optional): %s",
                 p != NULL ? "a block" : "NULL");
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }
    if (native2) {
        WdkTestReport(Result, WDKTEST_SKIP,
                      "refusal of bad flags: checked on kmdkit's fallback only (this system "
                      "has ExAllocatePool2)");
    } else {
        CheckRefused(Result, "no pool kind", POOL_FLAG_UNINITIALIZED);
        CheckRefused(Result, "NON_PAGED | PAGED", POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED);
        CheckRefused(Result, "NON_PAGED | 0x10, an unknown required flag",
                     POOL_FLAG_NON_PAGED | 0x10);
        CheckRefused(Result, "PAGED | 0x80000000, an unknown required flag",
                     POOL_FLAG_PAGED | 0x80000000ULL);
    }

    //
    // ExAllocatePool3: a priority is taken, an unknown optional parameter ignored, a secure
    // pool refused where the system has no ExAllocatePool3.
    //
    RtlZeroMemory(params, sizeof(params));
    params[0].Type = PoolExtendedParameterPriority;
    params[0].Priority = NormalPoolPriority;
    params[1].Type = 0x7F;
    params[1].Optional = 1;
    stale = Dirty();
    p = ExAllocatePool3(POOL_FLAG_PAGED, POOL_BYTES, WDKTEST_TAG, params, 2);
    CheckZeroed(Result, "ExAllocatePool3(PAGED, Priority + optional unknown)", p, stale);
    if (p != NULL) {
        ExFreePool2(p, WDKTEST_TAG, NULL, 0);
    }
    if (native3) {
        WdkTestReport(Result, WDKTEST_SKIP,
                      "ExAllocatePool3 with a required SecurePool parameter: not tried (this "
                      "system has ExAllocatePool3 and no secure pool here)");
    } else {
        RtlZeroMemory(params, sizeof(params));
        params[0].Type = PoolExtendedParameterSecurePool;
        p = ExAllocatePool3(POOL_FLAG_PAGED, 64, WDKTEST_TAG, params, 1);
        WdkTestCheck(Result, p == NULL, "ExAllocatePool3(SecurePool, required) refused: %s",
                     p == NULL ? "NULL" : "NOT NULL");
        if (p != NULL) {
            ExFreePoolWithTag(p, WDKTEST_TAG);
        }
    }
}
