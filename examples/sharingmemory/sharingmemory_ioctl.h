/* The contract between the sharingmemory driver (driver.c) and its client (client.c).
 * KmdKit's SharingMemory: a page the driver updates on a timer, shown in the client's address
 * space. The page is a pagefile-backed section; IOCTL_SHARINGMEMORY_MAP maps a read-only view of
 * it into the calling process, a system thread woken by a periodic kernel timer writes it. */
#ifndef KMDKIT_SHARINGMEMORY_IOCTL_H
#define KMDKIT_SHARINGMEMORY_IOCTL_H

#include <kmdkit/ioctl.h>

#define SHARINGMEMORY_DEVICE_NAME L"\\Device\\KmdSharingMemory"
#define SHARINGMEMORY_LINK_NAME L"\\DosDevices\\KmdSharingMemory"
#define SHARINGMEMORY_USER_NAME L"KmdSharingMemory" /* opened as \\.\KmdSharingMemory */

#define SHARINGMEMORY_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x215)

/* In: nothing. Out: SHARINGMEMORY_MAPPING. Maps a read-only view of the page into the calling
 * process (one per handle); it goes with IOCTL_SHARINGMEMORY_UNMAP, or when the handle is closed.
 * Errors: any input -> STATUS_INVALID_PARAMETER (Win32 87); output shorter than
 * SHARINGMEMORY_MAPPING -> STATUS_BUFFER_TOO_SMALL (122); this handle has a view already ->
 * STATUS_INVALID_DEVICE_STATE (Win32 22, ERROR_BAD_COMMAND). */
#define IOCTL_SHARINGMEMORY_MAP                                                                    \
    KMD_CTL_CODE(SHARINGMEMORY_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: nothing. Unmaps this handle's view.
 * Errors: any input or output -> STATUS_INVALID_PARAMETER (87); no view ->
 * STATUS_INVALID_DEVICE_STATE (22); called from another process than the one that mapped it ->
 * STATUS_ACCESS_DENIED (5). */
#define IOCTL_SHARINGMEMORY_UNMAP                                                                  \
    KMD_CTL_CODE(SHARINGMEMORY_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: SHARINGMEMORY_PAGE, a copy of the page as the driver's own view shows it.
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); output shorter than SHARINGMEMORY_PAGE ->
 * STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_SHARINGMEMORY_READ                                                                   \
    KMD_CTL_CODE(SHARINGMEMORY_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define SHARINGMEMORY_MAGIC 0x4D484B53u /* "SKHM" in memory */
#define SHARINGMEMORY_PERIOD_MS 50

/* The start of the shared page. Counter and Time change together every
 * SHARINGMEMORY_PERIOD_MS; Counter is written last. */
typedef struct SHARINGMEMORY_PAGE {
    unsigned int Magic;   /* SHARINGMEMORY_MAGIC */
    unsigned int Counter; /* ticks since the driver loaded */
    long long SystemTime; /* KeQuerySystemTime at the last tick (100 ns since 1601) */
} SHARINGMEMORY_PAGE;

typedef struct SHARINGMEMORY_MAPPING {
    unsigned int Size;          /* sizeof(SHARINGMEMORY_MAPPING) */
    unsigned int ViewSize;      /* bytes */
    unsigned long long Address; /* the view in the calling process */
} SHARINGMEMORY_MAPPING;

#endif
