/* kmdkit_klib: set-up, the log prefix, and the routines bound at run time. */
#include <ntddk.h>

#include <kmdkit/kernel.h>

#include "klib_private.h"

static PCSTR KmdPrefix; /* NULL: "kmdkit" (no initialized data: no .data section) */
static PDRIVER_OBJECT KmdDriver;
static BOOLEAN KmdWindows8;

typedef VOID(NTAPI *KMD_KE_QUERY_SYSTEM_TIME_PRECISE)(PLARGE_INTEGER);
typedef PVOID(NTAPI *KMD_MM_MAP_IO_SPACE_EX)(PHYSICAL_ADDRESS, SIZE_T, ULONG);

/* Written once in KmdLibInitialize, read afterwards: no locking needed. */
PVOID KmdRoutines[KmdRoutineCount];

static const PCWSTR KmdRoutineNamesW[KmdRoutineCount] = {
    [KmdRoutineExAllocatePool2] = L"ExAllocatePool2",
    [KmdRoutineKeQuerySystemTimePrecise] = L"KeQuerySystemTimePrecise",
    [KmdRoutineMmMapIoSpaceEx] = L"MmMapIoSpaceEx",
};
static const PCSTR KmdRoutineNamesA[KmdRoutineCount] = {
    [KmdRoutineExAllocatePool2] = "ExAllocatePool2",
    [KmdRoutineKeQuerySystemTimePrecise] = "KeQuerySystemTimePrecise",
    [KmdRoutineMmMapIoSpaceEx] = "MmMapIoSpaceEx",
};

KMD_INIT NTSTATUS NTAPI KmdLibInitialize(PDRIVER_OBJECT DriverObject, PCSTR LogPrefix)
{
    RTL_OSVERSIONINFOW Version = {.dwOSVersionInfoSize = sizeof(Version)};
    UNICODE_STRING Name;

    KMD_PAGED_CODE();
    KmdDriver = DriverObject;
    if (LogPrefix != NULL && LogPrefix[0] != '\0')
        KmdPrefix = LogPrefix;
    KmdWindows8 = NT_SUCCESS(RtlGetVersion(&Version)) &&
                  (Version.dwMajorVersion > 6 ||
                   (Version.dwMajorVersion == 6 && Version.dwMinorVersion >= 2));
    for (ULONG i = 0; i < KmdRoutineCount; i++) {
        RtlInitUnicodeString(&Name, KmdRoutineNamesW[i]);
        KmdRoutines[i] = MmGetSystemRoutineAddress(&Name);
    }
    KmdPoolInitialize();
    KmdLogVerbose("klib: Windows %lu.%lu.%lu, pool path %s, precise time %s",
                  Version.dwMajorVersion, Version.dwMinorVersion, Version.dwBuildNumber,
                  KmdPoolPathName(KmdPoolPath()),
                  KmdRoutines[KmdRoutineKeQuerySystemTimePrecise] ? "yes" : "no");
    return STATUS_SUCCESS;
}

KMD_PAGED ULONG NTAPI KmdLibUninitialize(VOID)
{
    KMD_PAGED_CODE();
    return KmdPoolReport();
}

PDRIVER_OBJECT NTAPI KmdLibDriverObject(VOID)
{
    return KmdDriver;
}

PCSTR NTAPI KmdLibPrefix(VOID)
{
    return KmdPrefix ? KmdPrefix : "kmdkit";
}

BOOLEAN NTAPI KmdRoutineAvailable(KMD_ROUTINE Routine)
{
    return (ULONG)Routine < KmdRoutineCount && KmdRoutines[Routine] != NULL;
}

PCSTR NTAPI KmdRoutineName(KMD_ROUTINE Routine)
{
    return (ULONG)Routine < KmdRoutineCount ? KmdRoutineNamesA[Routine] : "?";
}

BOOLEAN NTAPI KmdLibWindows8OrLater(VOID)
{
    return KmdWindows8;
}

VOID NTAPI KmdQuerySystemTime(PLARGE_INTEGER CurrentTime)
{
    KMD_KE_QUERY_SYSTEM_TIME_PRECISE Precise =
        (KMD_KE_QUERY_SYSTEM_TIME_PRECISE)KmdRoutines[KmdRoutineKeQuerySystemTimePrecise];

    if (Precise != NULL)
        Precise(CurrentTime);
    else
        KeQuerySystemTime(CurrentTime);
}

PVOID NTAPI KmdMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, ULONG Protect)
{
    KMD_MM_MAP_IO_SPACE_EX MapEx = (KMD_MM_MAP_IO_SPACE_EX)KmdRoutines[KmdRoutineMmMapIoSpaceEx];
    MEMORY_CACHING_TYPE Cache = MmCached;

    if (MapEx != NULL)
        return MapEx(PhysicalAddress, NumberOfBytes, Protect);
    if (Protect & PAGE_NOCACHE)
        Cache = MmNonCached;
    else if (Protect & PAGE_WRITECOMBINE)
        Cache = MmWriteCombined;
    return MmMapIoSpace(PhysicalAddress, NumberOfBytes, Cache);
}

POBJECT_TYPE NTAPI KmdLookUpObjectType(PCWSTR ExportName)
{
    UNICODE_STRING Name;
    POBJECT_TYPE *Variable;

    RtlInitUnicodeString(&Name, ExportName);
    Variable = MmGetSystemRoutineAddress(&Name);
    return Variable != NULL ? *Variable : NULL;
}
