/* The contract between the virttophys driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_VIRTTOPHYS_IOCTL_H
#define KMDKIT_VIRTTOPHYS_IOCTL_H

#include <kmdkit/ioctl.h>

#define VIRTTOPHYS_DEVICE_NAME L"\\Device\\KmdVirtToPhys"
#define VIRTTOPHYS_LINK_NAME L"\\DosDevices\\KmdVirtToPhys"
#define VIRTTOPHYS_USER_NAME L"KmdVirtToPhys" /* opened as \\.\KmdVirtToPhys */

#define VIRTTOPHYS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x202)

#define VIRTTOPHYS_MAX 64 /* addresses in one request */

/* In: VIRTTOPHYS_REQUEST with Count addresses of the CALLER's address space (user-mode
 * addresses), exactly VIRTTOPHYS_REQUEST_SIZE(Count) bytes.
 * Out: VIRTTOPHYS_RESULT with Count entries, VIRTTOPHYS_RESULT_SIZE(Count) bytes, in request order.
 * Errors, checked in this order (the first that applies is the answer):
 *   input shorter than the header or longer than VIRTTOPHYS_REQUEST_SIZE(VIRTTOPHYS_MAX)
 *     -> STATUS_INVALID_PARAMETER (87);
 *   output shorter than VIRTTOPHYS_RESULT_SIZE(1) -> STATUS_BUFFER_TOO_SMALL (122);
 *   Count 0 or above VIRTTOPHYS_MAX, input length not VIRTTOPHYS_REQUEST_SIZE(Count), or
 *     Reserved not 0 -> 87;
 *   output shorter than VIRTTOPHYS_RESULT_SIZE(Count) -> 122;
 *   an address above the highest user address (the driver never translates kernel addresses)
 *     -> 87. */
#define IOCTL_VIRTTOPHYS_TRANSLATE                                                                 \
    KMD_CTL_CODE(VIRTTOPHYS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct VIRTTOPHYS_REQUEST {
    unsigned int Count;
    unsigned int Reserved;          /* 0 */
    unsigned long long Addresses[]; /* Count virtual addresses */
} VIRTTOPHYS_REQUEST;

#define VIRTTOPHYS_PRESENT 0x0001 /* the page was resident: Physical is valid */

typedef struct VIRTTOPHYS_ENTRY {
    unsigned long long Virtual;  /* as requested */
    unsigned long long Physical; /* 0 unless Flags has VIRTTOPHYS_PRESENT */
    unsigned int Flags;
    unsigned int Reserved;
} VIRTTOPHYS_ENTRY;

typedef struct VIRTTOPHYS_RESULT {
    unsigned int Count;
    unsigned int Present; /* entries with VIRTTOPHYS_PRESENT */
    VIRTTOPHYS_ENTRY Entries[];
} VIRTTOPHYS_RESULT;

#define VIRTTOPHYS_REQUEST_SIZE(Count)                                                             \
    (sizeof(VIRTTOPHYS_REQUEST) + (Count) * sizeof(unsigned long long))
#define VIRTTOPHYS_RESULT_SIZE(Count)                                                              \
    (sizeof(VIRTTOPHYS_RESULT) + (Count) * sizeof(VIRTTOPHYS_ENTRY))

#endif
