/* The contract between whichirql's driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_WHICHIRQL_IOCTL_H
#define KMDKIT_WHICHIRQL_IOCTL_H

#include <kmdkit/ioctl.h>

#define WHICHIRQL_DEVICE_NAME L"\\Device\\KmdWhichIrql"
#define WHICHIRQL_LINK_NAME L"\\DosDevices\\KmdWhichIrql"
#define WHICHIRQL_USER_NAME L"KmdWhichIrql" /* opened as \\.\KmdWhichIrql */

#define WHICHIRQL_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x204)

#define WHICHIRQL_MAX_RECORDS 32 /* the driver keeps the most recent ones */

/* In: nothing. Out: WHICHIRQL_RECORDS: DriverEntry's record, then the most recent dispatch
 * records (this request's own IRP_MJ_DEVICE_CONTROL record is the last), oldest first.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (Win32 87);
 *         output shorter than WHICHIRQL_RECORDS -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_WHICHIRQL_GET_RECORDS                                                                \
    KMD_CTL_CODE(WHICHIRQL_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1), recorded like any request. */

/* Routine: an IRP_MJ_* number (0 CREATE, 2 CLOSE, 14 DEVICE_CONTROL, 18 CLEANUP) or this: */
#define WHICHIRQL_DRIVER_ENTRY 0xFF

typedef struct WHICHIRQL_RECORD {
    unsigned int Sequence; /* 1, 2, 3 ... in the order the routines ran */
    unsigned char Routine; /* IRP_MJ_* or WHICHIRQL_DRIVER_ENTRY */
    unsigned char Irql;    /* KeGetCurrentIrql() on entry */
    unsigned short Reserved;
    unsigned int OpenId; /* which open (handle) the IRP belongs to; 0 for DriverEntry */
    unsigned int Reserved2;
    unsigned long long ProcessId; /* PsGetCurrentProcessId() */
    unsigned long long ThreadId;  /* PsGetCurrentThreadId() */
} WHICHIRQL_RECORD;

typedef struct WHICHIRQL_RECORDS {
    unsigned int Total;  /* records made since load (DriverEntry's included) */
    unsigned int Count;  /* valid entries in Records */
    unsigned int OpenId; /* the OpenId of the handle this request came on */
    unsigned int Reserved;
    WHICHIRQL_RECORD DriverEntry;
    WHICHIRQL_RECORD Records[WHICHIRQL_MAX_RECORDS];
} WHICHIRQL_RECORDS;

#endif
