/* kmdkit_klib: set-up and the routines it binds at run time.
 *
 *   KmdLibInitialize(DriverObject, "mydrv");   first statement of DriverEntry
 *   KmdLibUninitialize();                      last statement of DriverUnload (and on a failing
 *                                              DriverEntry): prints the pool leak report
 *
 * Routines that not every supported system exports (Windows 7 SP1 up, and Wine 8.0) are looked
 * up once with MmGetSystemRoutineAddress, never imported: an import the loader cannot resolve
 * fails the whole driver, and calling a routine Wine lacks kills its winedevice host. */
#ifndef KMDKIT_KLIB_H
#define KMDKIT_KLIB_H

#include <ntddk.h>

#include <kmdkit/ntos_ext.h>

/* Sets the log prefix (kept by pointer: pass a string literal), binds the optional routines and
 * resets the pool accounting. Call at PASSIVE_LEVEL from DriverEntry; lives in INIT. */
NTSTATUS NTAPI KmdLibInitialize(PDRIVER_OBJECT DriverObject, PCSTR LogPrefix);

/* Reports outstanding pool allocations (kmdkit/pool.h) through the log and returns how many
 * there were. PASSIVE_LEVEL. */
ULONG NTAPI KmdLibUninitialize(VOID);

/* The driver object and log prefix given to KmdLibInitialize (NULL and "kmdkit" before). */
PDRIVER_OBJECT NTAPI KmdLibDriverObject(VOID);
PCSTR NTAPI KmdLibPrefix(VOID);

/* The routines bound at run time. */
typedef enum _KMD_ROUTINE {
    KmdRoutineExAllocatePool2,          /* Windows 10 2004 */
    KmdRoutineKeQuerySystemTimePrecise, /* Windows 8 */
    KmdRoutineMmMapIoSpaceEx,           /* Windows 10 */
    KmdRoutineCount
} KMD_ROUTINE;

/* TRUE when the running system exports the routine (valid after KmdLibInitialize). */
BOOLEAN NTAPI KmdRoutineAvailable(KMD_ROUTINE Routine);
/* The routine's name, e.g. "ExAllocatePool2". */
PCSTR NTAPI KmdRoutineName(KMD_ROUTINE Routine);
/* TRUE on Windows 8 or later: NonPagedPoolNx and MdlMappingNoExecute exist there. */
BOOLEAN NTAPI KmdLibWindows8OrLater(VOID);

/* System time (100 ns units since 1601, UTC): KeQuerySystemTimePrecise where the system has it,
 * KeQuerySystemTime (about 1-15 ms resolution) where not. Any IRQL. */
VOID NTAPI KmdQuerySystemTime(PLARGE_INTEGER CurrentTime);

/* Maps device memory: MmMapIoSpaceEx(Protect) where the system has it; otherwise MmMapIoSpace
 * with the cache type that Protect names (PAGE_NOCACHE -> MmNonCached, PAGE_WRITECOMBINE ->
 * MmWriteCombined, else MmCached). Unmap with MmUnmapIoSpace. IRQL <= DISPATCH_LEVEL. */
PVOID NTAPI KmdMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, ULONG Protect);

/* An exported object type, e.g. KmdLookUpObjectType(L"PsThreadType") or L"ExEventObjectType",
 * for ObReferenceObjectByHandle. MinGW-w64 declares these exports as dllimport POBJECT_TYPE *,
 * one indirection too many: `*PsThreadType` reads the first field of the type object (the WDK
 * form works only through the WDK's import library). The exported variable holds the
 * POBJECT_TYPE itself, and its address is what MmGetSystemRoutineAddress returns. NULL when the
 * system does not export the name. PASSIVE_LEVEL. */
POBJECT_TYPE NTAPI KmdLookUpObjectType(PCWSTR ExportName);

#endif
