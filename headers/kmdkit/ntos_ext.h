/* Kernel routines and constants that MinGW-w64 10's DDK headers lack (values from the WDK).
 *
 * Constants and types are guarded one by one, so a later MinGW that defines them wins. Function
 * prototypes are not guarded: C allows a compatible redeclaration, and they carry the same
 * NTKERNELAPI/NTAPI attributes MinGW uses for its own.
 *
 * These routines are missing from older systems, so calling them directly makes the driver
 * unloadable there (an unresolved import fails the load): ExAllocatePool2 is Windows 10 2004+,
 * KeQuerySystemTimePrecise Windows 8+, MmMapIoSpaceEx Windows 10+, and Wine 8.0 has none of
 * them. kmdkit_klib binds them at run time (kmdkit/klib.h: KmdAllocatePool, KmdQuerySystemTime,
 * KmdMapIoSpace). A driver that targets only new Windows may import them directly: link the
 * import library target kmdkit_ntoskrnl_ext (kernel/lib/ntoskrnl-ext.def). */
#ifndef KMDKIT_NTOS_EXT_H
#define KMDKIT_NTOS_EXT_H

#include <ntddk.h>

/* --- ExAllocatePool2 (Windows 10 2004) -------------------------------------------------------- */
#ifndef POOL_FLAG_NON_PAGED
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL         /* charge quota to the current process */
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL     /* do not zero the memory */
#define POOL_FLAG_SESSION 0x0000000000000004ULL           /* session pool */
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL     /* cache-line aligned */
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL  /* raise instead of returning NULL */
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL         /* non-paged, non-executable */
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL /* non-paged, executable */
#define POOL_FLAG_PAGED 0x0000000000000100ULL             /* paged */
#endif

NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);

/* --- KeQuerySystemTimePrecise (Windows 8) ----------------------------------------------------- */
NTKERNELAPI VOID NTAPI KeQuerySystemTimePrecise(PLARGE_INTEGER CurrentTime);

/* --- MmMapIoSpaceEx (Windows 10) -------------------------------------------------------------- */
/* Protect: PAGE_READWRITE or PAGE_READONLY (PAGE_EXECUTE* are refused), combined with
 * PAGE_NOCACHE or PAGE_WRITECOMBINE (none of them: cached). */
#ifndef PAGE_READONLY
#define PAGE_READONLY 0x02
#endif
#ifndef PAGE_READWRITE
#define PAGE_READWRITE 0x04
#endif
#ifndef PAGE_NOCACHE
#define PAGE_NOCACHE 0x200
#endif
#ifndef PAGE_WRITECOMBINE
#define PAGE_WRITECOMBINE 0x400
#endif
NTKERNELAPI PVOID NTAPI MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
                                       ULONG Protect);

/* --- MmGetSystemAddressForMdlSafe priority flags (Windows 8) --------------------------------- */
#ifndef MdlMappingNoWrite
#define MdlMappingNoWrite 0x80000000
#endif
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute 0x40000000
#endif

#endif
