/* The contract between lookaside's driver (driver.c) and its client (client.c).
 * KmdKit's LookasideList: fixed-size entries from a nonpaged lookaside list, chained with the
 * LIST_ENTRY macros, checked and given back. */
#ifndef KMDKIT_LOOKASIDE_IOCTL_H
#define KMDKIT_LOOKASIDE_IOCTL_H

#include <kmdkit/ioctl.h>

#define LOOKASIDE_DEVICE_NAME L"\\Device\\KmdLookaside"
#define LOOKASIDE_LINK_NAME L"\\DosDevices\\KmdLookaside"
#define LOOKASIDE_USER_NAME L"KmdLookaside" /* opened as \\.\KmdLookaside */

#define LOOKASIDE_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x213)

/* In: LOOKASIDE_REQUEST. Out: LOOKASIDE_REPORT.
 * Allocates Count entries from the lookaside list, stamps entry i with LOOKASIDE_VALUE(Seed, i)
 * (and its payload with that value's low byte), appends each to a list (InsertTailList), then
 * takes them off the head (RemoveHeadList) until IsListEmpty, checking each payload and summing
 * LOOKASIDE_CHECKSUM, and frees every entry back to the lookaside list.
 * Errors: input not exactly LOOKASIDE_REQUEST, or Count not 1..LOOKASIDE_MAX ->
 * STATUS_INVALID_PARAMETER (Win32 87); output shorter than LOOKASIDE_REPORT ->
 * STATUS_BUFFER_TOO_SMALL (122); no memory -> STATUS_INSUFFICIENT_RESOURCES (1450). */
#define IOCTL_LOOKASIDE_RUN                                                                        \
    KMD_CTL_CODE(LOOKASIDE_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define LOOKASIDE_MAX 1024
#define LOOKASIDE_PAYLOAD 48
#define LOOKASIDE_VALUE(seed, i) ((unsigned int)(seed) ^ ((unsigned int)(i)*2654435761u))
/* Taken off in order k = 0, 1, ...: checksum = sum of (k + 1) * value, modulo 2^32. FIFO order
 * gives sum of (i + 1) * LOOKASIDE_VALUE(seed, i). */

typedef struct LOOKASIDE_REQUEST {
    unsigned int Count; /* 1..LOOKASIDE_MAX entries */
    unsigned int Seed;
} LOOKASIDE_REQUEST;

typedef struct LOOKASIDE_REPORT {
    unsigned int Size;      /* sizeof(LOOKASIDE_REPORT) */
    unsigned int Allocated; /* entries allocated this run */
    unsigned int Linked;    /* entries taken off the list */
    unsigned int Freed;     /* entries given back this run */
    unsigned int Checksum;
    unsigned int PayloadErrors; /* entries whose payload did not match their value */
    unsigned int ListEmpty;     /* IsListEmpty at the end: 1 */
    unsigned int EntrySize;     /* bytes per entry */
    /* The lookaside list's own counters since the driver loaded (for information: the system
     * may trim and re-tune the list at any time, and concurrent callers add to them). */
    unsigned int TotalAllocates, AllocateMisses, TotalFrees, FreeMisses, Depth;
    /* Entries held in pool right now (the driver's pool accounting): after a run, the ones the
     * lookaside list keeps for reuse; ExDeleteNPagedLookasideList frees them at unload. */
    unsigned int Outstanding;
} LOOKASIDE_REPORT;

#endif
