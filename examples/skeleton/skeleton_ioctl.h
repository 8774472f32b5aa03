/* The contract between the skeleton driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_SKELETON_IOCTL_H
#define KMDKIT_SKELETON_IOCTL_H

#include <kmdkit/ioctl.h>

#define SKELETON_DEVICE_NAME L"\\Device\\KmdSkeleton"
#define SKELETON_LINK_NAME L"\\DosDevices\\KmdSkeleton"
#define SKELETON_USER_NAME L"KmdSkeleton" /* opened as \\.\KmdSkeleton */

#define SKELETON_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x100)

/* Out: SKELETON_VERSION. In: nothing.
 * Errors: output shorter than SKELETON_VERSION -> STATUS_BUFFER_TOO_SMALL (Win32 122);
 *         any input bytes -> STATUS_INVALID_PARAMETER (Win32 87). */
#define IOCTL_SKELETON_GET_VERSION                                                                 \
    KMD_CTL_CODE(SKELETON_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: 1..SKELETON_ECHO_MAX bytes. Out: the same bytes in reverse order.
 * Errors: empty or longer input -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than the input -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_SKELETON_ECHO                                                                        \
    KMD_CTL_CODE(SKELETON_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define SKELETON_ECHO_MAX 4096

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define SKELETON_VERSION_MAJOR 1
#define SKELETON_VERSION_MINOR 0
#define SKELETON_VERSION_PATCH 0
#define SKELETON_FLAG_CHECKED_BUILD 0x0001 /* built with DBG=1 */

typedef struct SKELETON_VERSION {
    unsigned int Size; /* sizeof(SKELETON_VERSION) */
    unsigned short Major;
    unsigned short Minor;
    unsigned short Patch;
    unsigned short Flags;
} SKELETON_VERSION;

#endif
