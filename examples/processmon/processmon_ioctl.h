/* The contract between the processmon driver (driver.c) and its client (client.c).
 * KmdKit's ProcessMon + SharedEvent: a process-creation callback records each new process in a
 * ring; the client hands the driver an event to be signalled and fetches the records. */
#ifndef KMDKIT_PROCESSMON_IOCTL_H
#define KMDKIT_PROCESSMON_IOCTL_H

#include <kmdkit/ioctl.h>

#define PROCESSMON_DEVICE_NAME L"\\Device\\KmdProcessMon"
#define PROCESSMON_LINK_NAME L"\\DosDevices\\KmdProcessMon"
#define PROCESSMON_USER_NAME L"KmdProcessMon" /* opened as \\.\KmdProcessMon */

#define PROCESSMON_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x223)

#define PROCESSMON_RING 32        /* records kept; older ones are dropped (and counted) */
#define PROCESSMON_MAX_FETCH 8    /* records per IOCTL_PROCESSMON_FETCH */
#define PROCESSMON_NAME_CHARS 128 /* of the image name, with the terminating NUL */

/* In: PROCESSMON_EVENT. Out: nothing. The driver references the event (a handle of the calling
 * process, EVENT_MODIFY_STATE) and sets it after each record; it replaces the event it had.
 * Handle 0 releases the event it had (if any).
 * Errors: input not exactly sizeof(PROCESSMON_EVENT) -> STATUS_INVALID_PARAMETER (Win32 87); not
 *         a handle of the caller -> STATUS_INVALID_HANDLE (Win32 6); not an event ->
 *         STATUS_OBJECT_TYPE_MISMATCH (Win32 6); no EVENT_MODIFY_STATE access ->
 *         STATUS_ACCESS_DENIED (Win32 5). */
#define IOCTL_PROCESSMON_SET_EVENT                                                                 \
    KMD_CTL_CODE(PROCESSMON_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: PROCESSMON_FETCH. Takes up to PROCESSMON_MAX_FETCH records, oldest first,
 * out of the ring (Count 0: none).
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); output shorter than PROCESSMON_FETCH ->
 *         STATUS_BUFFER_TOO_SMALL (Win32 122). */
#define IOCTL_PROCESSMON_FETCH                                                                     \
    KMD_CTL_CODE(PROCESSMON_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct PROCESSMON_EVENT {
    unsigned long long Handle; /* HANDLE of the caller, widened (same layout for x86 clients) */
} PROCESSMON_EVENT;

typedef struct PROCESSMON_RECORD {
    unsigned long long ProcessId;
    unsigned long long ParentId;
    unsigned int Truncated; /* 1: the image name was longer than PROCESSMON_NAME_CHARS - 1 */
    unsigned int Reserved;
    unsigned short ImageName[PROCESSMON_NAME_CHARS]; /* UTF-16, NUL-terminated; "" if unknown */
} PROCESSMON_RECORD;

typedef struct PROCESSMON_FETCH {
    unsigned int Count;   /* records in Records */
    unsigned int Pending; /* records still in the ring after this fetch */
    unsigned int Lost;    /* records dropped since the last fetch because the ring was full */
    unsigned int Reserved;
    PROCESSMON_RECORD Records[PROCESSMON_MAX_FETCH];
} PROCESSMON_FETCH;

#endif
