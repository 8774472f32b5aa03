/* The contract between ntbuild's driver (driver.c) and its client (client.c).
 * Written once, compiled into both. ntbuild answers IRP_MJ_READ (ReadFile), not an IOCTL. */
#ifndef KMDKIT_NTBUILD_IOCTL_H
#define KMDKIT_NTBUILD_IOCTL_H

#include <kmdkit/ioctl.h>

#define NTBUILD_DEVICE_NAME L"\\Device\\KmdNtBuild"
#define NTBUILD_LINK_NAME L"\\DosDevices\\KmdNtBuild"
#define NTBUILD_USER_NAME L"KmdNtBuild" /* opened as \\.\KmdNtBuild */

#define NTBUILD_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x203)

/* ReadFile of at least sizeof(NTBUILD_VERSION) bytes returns one NTBUILD_VERSION (the file
 * position is ignored: every read returns the whole record).
 * Errors: a buffer shorter than NTBUILD_VERSION -> STATUS_BUFFER_TOO_SMALL (Win32 122), nothing
 *         copied. WriteFile and DeviceIoControl -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define NTBUILD_CSD_CHARS 128

/* RtlGetVersion's RTL_OSVERSIONINFOEXW, with fixed-size fields. */
typedef struct NTBUILD_VERSION {
    unsigned int Size; /* sizeof(NTBUILD_VERSION) */
    unsigned int MajorVersion;
    unsigned int MinorVersion;
    unsigned int BuildNumber;
    unsigned int PlatformId; /* 2: VER_PLATFORM_WIN32_NT */
    unsigned short ServicePackMajor;
    unsigned short ServicePackMinor;
    unsigned short SuiteMask;
    unsigned char ProductType; /* 1 workstation, 2 domain controller, 3 server */
    unsigned char Reserved;
    unsigned short CsdVersion[NTBUILD_CSD_CHARS]; /* UTF-16, NUL-terminated: "Service Pack 1" */
} NTBUILD_VERSION;

#endif
