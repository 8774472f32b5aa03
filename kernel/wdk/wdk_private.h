/* Shared between the files of kmdkit_wdk; not part of the API (that is kmdkit/wdk/wdk_compat.h
 * and MinGW's wdmsec.h). kmdkit_wdk stands on its own: it calls neither klib nor anything a WDK
 * driver would not have. */
#ifndef KMDKIT_WDK_PRIVATE_H
#define KMDKIT_WDK_PRIVATE_H

#include <ntifs.h> /* kmdkit's shim: MinGW's ntifs.h + wdk_compat.h */

/* Pool tags of kmdkit_wdk's own short-lived blocks, in reading order: "KWdS" ... */
#define KMD_WDK_TAG(a, b, c, d)                                                                    \
    ((ULONG)(UCHAR)(a) | ((ULONG)(UCHAR)(b) << 8) | ((ULONG)(UCHAR)(c) << 16) |                    \
     ((ULONG)(UCHAR)(d) << 24))
#define KMD_WDK_TAG_SD KMD_WDK_TAG('K', 'W', 'd', 'S')  /* security descriptors */
#define KMD_WDK_TAG_REG KMD_WDK_TAG('K', 'W', 'd', 'R') /* registry values */

#define KmdWdkLog(...) DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL, __VA_ARGS__)

/* The kernel routines that not every supported system exports, bound at run time. */
typedef enum _KMD_WDK_ROUTINE {
    KmdWdkRoutineExAllocatePool2, /* Windows 10 2004 */
    KmdWdkRoutineExAllocatePool3, /* Windows 10 2004 */
    KmdWdkRoutineExFreePool2,     /* Windows 10 2004 */
    KmdWdkRoutineCount
} KMD_WDK_ROUTINE;

/* What the running system is, learnt once at PASSIVE_LEVEL (RtlGetVersion,
 * MmGetSystemRoutineAddress). */
typedef struct _KMD_WDK_SYSTEM {
    ULONG Major, Minor, Build, ServicePack;
    BOOLEAN Windows8OrLater; /* NonPagedPoolNx and MdlMappingNoExecute exist */
    PVOID Routines[KmdWdkRoutineCount];
} KMD_WDK_SYSTEM;

/* The system's facts, learning them first when called at PASSIVE_LEVEL. NULL above
 * PASSIVE_LEVEL before any call at PASSIVE_LEVEL did: callers then take the down-level path,
 * which is correct everywhere. */
const KMD_WDK_SYSTEM *KmdWdkSystem(VOID);

/* The routine if the system exports it and it is known by now, else NULL. */
PVOID KmdWdkRoutine(KMD_WDK_ROUTINE Routine);

/* What the import slots of ExAllocatePool2, ExAllocatePool3 and ExFreePool2 point at (pool.c,
 * imports.c): the system's routine where it has one, the same semantics down-level where not. */
PVOID NTAPI KmdWdkExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
PVOID NTAPI KmdWdkExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                                  PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                  ULONG ExtendedParametersCount);
VOID NTAPI KmdWdkExFreePool2(PVOID P, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                             ULONG ExtendedParametersCount);

/* SDDL subset (sddl.c) -> self-relative security descriptor with only a DACL, in paged pool
 * of tag KMD_WDK_TAG_SD. STATUS_INVALID_PARAMETER, with a DbgPrint that names the unsupported
 * or malformed part, for anything outside the subset. Caller: IoCreateDeviceSecure for What. */
NTSTATUS KmdWdkSddlToSecurityDescriptor(PCUNICODE_STRING Sddl, PCSTR What,
                                        PSECURITY_DESCRIPTOR *SecurityDescriptor);

#endif
