/*++

Module Name:

    runtime.c

Abstract:

    wdktest's runtime case: what ExInitializeDriverRuntime(DrvRtPoolNxOptIn), called first in
    DriverEntry, made of NonPagedPool in a POOL_NX_OPTIN file (this one) and in a POOL_NX_OPTOUT
    file (optout.c), compared with the version the system reports; RtlIsNtDdiVersionAvailable
    and RtlIsServicePackVersionInstalled against the same version.

--*/

#include "wdktest.h"

_Use_decl_annotations_ VOID WdkTestRuntime(WDKTEST_RESULT *Result)
{
    RTL_OSVERSIONINFOEXW version;
    NPAGED_LOOKASIDE_LIST lookaside;
    BOOLEAN win8, vb;
    ULONG current;
    PVOID p;

    PAGED_CODE();

    RtlZeroMemory(&version, sizeof(version));
    version.dwOSVersionInfoSize = sizeof(version);
    if (!NT_SUCCESS(RtlGetVersion((PRTL_OSVERSIONINFOW)&version))) {
        WdkTestCheck(Result, FALSE, "RtlGetVersion failed");
        return;
    }
    win8 =
        version.dwMajorVersion > 6 || (version.dwMajorVersion == 6 && version.dwMinorVersion >= 2);
    WdkTestReport(Result, WDKTEST_NOTE, "the system reports Windows %lu.%lu build %lu SP %u",
                  version.dwMajorVersion, version.dwMinorVersion, version.dwBuildNumber,
                  (unsigned)version.wServicePackMajor);

    //
    // POOL_NX_OPTIN: NX from Windows 8 on, executable (and no MDL flag) on Windows 7.
    //
    WdkTestCheck(Result, (ULONG)NonPagedPool == (win8 ? NonPagedPoolNx : NonPagedPoolExecute),
                 "POOL_NX_OPTIN file: NonPagedPool is pool type %lu (%s expected on Windows %s)",
                 (ULONG)NonPagedPool, win8 ? "NonPagedPoolNx, 512," : "NonPagedPoolExecute, 0,",
                 win8 ? "8 and later" : "7");
    WdkTestCheck(Result,
                 (ULONG)NonPagedPoolCacheAligned ==
                     (win8 ? NonPagedPoolNxCacheAligned : NonPagedPoolBaseCacheAligned),
                 "POOL_NX_OPTIN file: NonPagedPoolCacheAligned is pool type %lu",
                 (ULONG)NonPagedPoolCacheAligned);
    WdkTestCheck(Result, ExDefaultMdlProtection == (win8 ? MdlMappingNoExecute : 0),
                 "ExDefaultMdlProtection is 0x%08lx", ExDefaultMdlProtection);
    WdkTestCheck(Result, WdkTestOptOutNonPagedPool() == NonPagedPoolExecute,
                 "POOL_NX_OPTOUT file: NonPagedPool is pool type %lu (0, executable)",
                 WdkTestOptOutNonPagedPool());

    WdkTestCheck(Result, WdkTestWdmOnly() == (ULONG)NonPagedPool,
                 "file with wdm.h alone: NonPagedPool is pool type %lu, ExAllocatePoolZero and "
                 "ntstrsafe work",
                 WdkTestWdmOnly());

    //
    // A second call changes nothing.
    //
    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);
    WdkTestCheck(Result, (ULONG)NonPagedPool == (win8 ? NonPagedPoolNx : NonPagedPoolExecute),
                 "ExInitializeDriverRuntime again: NonPagedPool still %lu", (ULONG)NonPagedPool);

    p = ExAllocatePoolWithTag(NonPagedPool, 64, WDKTEST_TAG);
    WdkTestCheck(Result, p != NULL, "ExAllocatePoolWithTag(NonPagedPool): %s",
                 p != NULL ? "a block" : "NULL");
    if (p != NULL) {
        ExFreePoolWithTag(p, WDKTEST_TAG);
    }

    //
    // NPaged lookaside lists get POOL_NX_ALLOCATION the same way.
    //
    ExInitializeNPagedLookasideList(&lookaside, NULL, NULL, 0, 64, WDKTEST_TAG, 0);
    p = ExAllocateFromNPagedLookasideList(&lookaside);
    WdkTestCheck(Result, p != NULL, "NPaged lookaside list (POOL_NX_ALLOCATION added: %s): %s",
                 (ULONG)NonPagedPool & POOL_NX_ALLOCATION ? "yes" : "no",
                 p != NULL ? "an entry" : "NULL");
    if (p != NULL) {
        ExFreeToNPagedLookasideList(&lookaside, p);
    }
    ExDeleteNPagedLookasideList(&lookaside);

    //
    // RtlIsNtDdiVersionAvailable (MinGW maps it to the Wdmlib form, kmdkit_wdk's).
    //
    WdkTestCheck(Result, RtlIsNtDdiVersionAvailable(NTDDI_WIN7),
                 "RtlIsNtDdiVersionAvailable(NTDDI_WIN7) is TRUE");
    WdkTestCheck(Result, RtlIsNtDdiVersionAvailable(NTDDI_WIN8) == win8,
                 "RtlIsNtDdiVersionAvailable(NTDDI_WIN8) is %s",
                 RtlIsNtDdiVersionAvailable(NTDDI_WIN8) ? "TRUE" : "FALSE");
    vb = version.dwMajorVersion > 10 ||
         (version.dwMajorVersion == 10 && version.dwBuildNumber >= 19041);
    WdkTestCheck(Result, RtlIsNtDdiVersionAvailable(NTDDI_WIN10_VB) == vb,
                 "RtlIsNtDdiVersionAvailable(NTDDI_WIN10_VB, build 19041) is %s",
                 RtlIsNtDdiVersionAvailable(NTDDI_WIN10_VB) ? "TRUE" : "FALSE");
    WdkTestCheck(Result, !RtlIsNtDdiVersionAvailable(0x63000000),
                 "RtlIsNtDdiVersionAvailable(Windows 99.0) is FALSE");
    current = (version.dwMajorVersion << 24) | (version.dwMinorVersion << 16) |
              ((ULONG)version.wServicePackMajor << 8);
    WdkTestCheck(Result,
                 RtlIsServicePackVersionInstalled(current) &&
                     !RtlIsServicePackVersionInstalled(current + 0x100),
                 "RtlIsServicePackVersionInstalled: SP %u yes, SP %u no",
                 (unsigned)version.wServicePackMajor, (unsigned)version.wServicePackMajor + 1);
}
