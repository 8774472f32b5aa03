/* CTL_CODE, METHOD_* and FILE_*_ACCESS on both sides of a driver/client contract.
 * A driver includes <ntddk.h> (or <wdm.h>) first; a client gets <windows.h> + <winioctl.h>. */
#ifndef KMDKIT_IOCTL_H
#define KMDKIT_IOCTL_H

#if !defined(_WDMDDK_) && !defined(_NTDDK_)
#include <windows.h>
#include <winioctl.h>
#endif

/* Vendor device types are 0x8000-0xFFFF and vendor function codes 0x800-0xFFF. */
#define KMD_DEVICE_TYPE_BASE 0x8000
#define KMD_FUNCTION_BASE 0x800

/* CTL_CODE as an unsigned value: it compares cleanly with a ULONG/DWORD on both sides. */
#define KMD_CTL_CODE(type, function, method, access)                                               \
    ((unsigned long)CTL_CODE(type, function, method, access))

#endif
