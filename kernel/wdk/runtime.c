/* The running system, learnt once; ExInitializeDriverRuntime and the NX opt-in variables;
 * RtlIsNtDdiVersionAvailable and RtlIsServicePackVersionInstalled, which MinGW's wdm.h maps to
 * the WDK's static library (WdmlibRtlIsNtDdiVersionAvailable ...). */
#include "wdk_private.h"

/* What NonPagedPool means in files built with POOL_NX_OPTIN (wdk_compat.h). */
POOL_TYPE ExDefaultNonPagedPoolType = NonPagedPoolExecute;
ULONG ExDefaultMdlProtection;

static KMD_WDK_SYSTEM KmdWdkFacts;
static volatile LONG KmdWdkFactsState; /* 0 unknown, 1 being learnt, 2 known */

static const PCWSTR KmdWdkRoutineNames[KmdWdkRoutineCount] = {
    [KmdWdkRoutineExAllocatePool2] = L"ExAllocatePool2",
    [KmdWdkRoutineExAllocatePool3] = L"ExAllocatePool3",
    [KmdWdkRoutineExFreePool2] = L"ExFreePool2",
};

/* RtlGetVersion and MmGetSystemRoutineAddress want PASSIVE_LEVEL: the facts are learnt by the
 * first call made there (DriverEntry's, in practice) and read lock-free afterwards. */
const KMD_WDK_SYSTEM *KmdWdkSystem(VOID)
{
    RTL_OSVERSIONINFOEXW Version;
    UNICODE_STRING Name;

    if (InterlockedCompareExchange(&KmdWdkFactsState, 2, 2) == 2)
        return &KmdWdkFacts;
    if (KeGetCurrentIrql() != PASSIVE_LEVEL)
        return NULL;
    if (InterlockedCompareExchange(&KmdWdkFactsState, 1, 0) != 0) {
        /* Another thread is learning them: a few calls' time, at PASSIVE_LEVEL. */
        while (InterlockedCompareExchange(&KmdWdkFactsState, 2, 2) != 2)
            YieldProcessor();
        return &KmdWdkFacts;
    }
    RtlZeroMemory(&Version, sizeof(Version));
    Version.dwOSVersionInfoSize = sizeof(Version);
    if (NT_SUCCESS(RtlGetVersion((PRTL_OSVERSIONINFOW)&Version))) {
        KmdWdkFacts.Major = Version.dwMajorVersion;
        KmdWdkFacts.Minor = Version.dwMinorVersion;
        KmdWdkFacts.Build = Version.dwBuildNumber;
        KmdWdkFacts.ServicePack = Version.wServicePackMajor;
    }
    KmdWdkFacts.Windows8OrLater =
        KmdWdkFacts.Major > 6 || (KmdWdkFacts.Major == 6 && KmdWdkFacts.Minor >= 2);
    for (ULONG i = 0; i < KmdWdkRoutineCount; i++) {
        RtlInitUnicodeString(&Name, KmdWdkRoutineNames[i]);
        KmdWdkFacts.Routines[i] = MmGetSystemRoutineAddress(&Name);
    }
    InterlockedExchange(&KmdWdkFactsState, 2);
    return &KmdWdkFacts;
}

PVOID KmdWdkRoutine(KMD_WDK_ROUTINE Routine)
{
    const KMD_WDK_SYSTEM *System = KmdWdkSystem();

    return System != NULL && (ULONG)Routine < KmdWdkRoutineCount ? System->Routines[Routine] : NULL;
}

/* The WDK's is an inline function in wdm.h with the same effect: NX from Windows 8 on only,
 * where the pool has NonPagedPoolNx (Windows 7 would reject that pool type). */
VOID NTAPI KmdWdkInitializeDriverRuntime(ULONG RuntimeFlags)
{
    const KMD_WDK_SYSTEM *System = KmdWdkSystem();

    if ((RuntimeFlags & DrvRtPoolNxOptIn) && System != NULL && System->Windows8OrLater) {
        ExDefaultNonPagedPoolType = NonPagedPoolNx;
        ExDefaultMdlProtection = MdlMappingNoExecute;
    }
}

/* Windows 10 and later tell releases apart by build: the first build of each NTDDI_WIN10_*
 * sub-version. MN and CU were development branches that no stable release carries; their
 * routines are assumed from the next stable release on (FE 20348, GE 26100), and so are those
 * of later sub-versions not listed: FALSE rather than a routine that is not there. */
static ULONG KmdWdkWin10Build(ULONG SubVersion)
{
    static const ULONG Builds[] = {
        10240, /* NTDDI_WIN10 */
        10586, /* TH2 */
        14393, /* RS1 */
        15063, /* RS2 */
        16299, /* RS3 */
        17134, /* RS4 */
        17763, /* RS5 */
        18362, /* 19H1 */
        19041, /* VB (2004) */
        20348, /* MN (development branch) */
        20348, /* FE */
        22000, /* CO (Windows 11) */
        22621, /* NI */
        26100, /* CU (development branch) */
    };

    return SubVersion < RTL_NUMBER_OF(Builds) ? Builds[SubVersion] : 26100;
}

BOOLEAN WdmlibRtlIsNtDdiVersionAvailable(ULONG Version)
{
    const KMD_WDK_SYSTEM *System = KmdWdkSystem();
    ULONG Major = Version >> 24, Minor = (Version >> 16) & 0xFF;
    ULONG ServicePack = (Version >> 8) & 0xFF, Sub = Version & 0xFF;

    if (System == NULL)
        return FALSE;
    if (System->Major != Major)
        return System->Major > Major;
    if (System->Minor != Minor)
        return System->Minor > Minor;
    if (Major >= 10)
        return System->Build >= KmdWdkWin10Build(Sub);
    return System->ServicePack >= ServicePack;
}

/* TRUE when the system is the release Version names, with that service pack or a later one. */
BOOLEAN WdmlibRtlIsServicePackVersionInstalled(ULONG Version)
{
    const KMD_WDK_SYSTEM *System = KmdWdkSystem();

    return System != NULL && System->Major == Version >> 24 &&
           System->Minor == ((Version >> 16) & 0xFF) &&
           System->ServicePack >= ((Version >> 8) & 0xFF);
}
