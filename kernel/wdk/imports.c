/* The import slots of ExAllocatePool2, ExAllocatePool3 and ExFreePool2.
 *
 * wdk_compat.h declares these routines as the kernel imports they are (NTKERNELAPI), so a WDK
 * driver calls them through __imp_ExAllocatePool2 & co. An import of its own would keep the
 * driver from loading where ntoskrnl lacks them (before Windows 10 2004, Wine 8). Defining the
 * slot here, as MinGW's runtime does for routines it implements itself, points the call at
 * kmdkit_wdk's routine (pool.c), which binds the system's at run time. A driver that links an
 * import library with the real ones first (kmdkit_ntoskrnl_ext) imports them instead. */
#include "wdk_private.h"

/* The slot's symbol: x86 names stdcall imports with the leading underscore and @<bytes>. */
#ifdef _WIN64
#define KMD_WDK_SLOT(name, x86_bytes) __asm__("__imp_" #name)
#else
#define KMD_WDK_SLOT(name, x86_bytes) __asm__("__imp__" #name "@" #x86_bytes)
#endif

typedef PVOID(NTAPI *KMD_WDK_POOL2)(POOL_FLAGS, SIZE_T, ULONG);
typedef PVOID(NTAPI *KMD_WDK_POOL3)(POOL_FLAGS, SIZE_T, ULONG, PCPOOL_EXTENDED_PARAMETER, ULONG);
typedef VOID(NTAPI *KMD_WDK_FREE2)(PVOID, ULONG, PCPOOL_EXTENDED_PARAMETER, ULONG);

const KMD_WDK_POOL2 KmdWdkSlotPool2 KMD_WDK_SLOT(ExAllocatePool2, 16) = KmdWdkExAllocatePool2;
const KMD_WDK_POOL3 KmdWdkSlotPool3 KMD_WDK_SLOT(ExAllocatePool3, 24) = KmdWdkExAllocatePool3;
const KMD_WDK_FREE2 KmdWdkSlotFree2 KMD_WDK_SLOT(ExFreePool2, 16) = KmdWdkExFreePool2;
