/* The contract between the workitem driver (driver.c) and its client (client.c).
 * KmdKit's WorkItem: a timer's DPC (DISPATCH_LEVEL) hands work to a system worker thread
 * (PASSIVE_LEVEL) with IoQueueWorkItem; the work routine records where it ran. */
#ifndef KMDKIT_WORKITEM_IOCTL_H
#define KMDKIT_WORKITEM_IOCTL_H

#include <kmdkit/ioctl.h>

#define WORKITEM_DEVICE_NAME L"\\Device\\KmdWorkItem"
#define WORKITEM_LINK_NAME L"\\DosDevices\\KmdWorkItem"
#define WORKITEM_USER_NAME L"KmdWorkItem" /* opened as \\.\KmdWorkItem */

#define WORKITEM_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x222)

#define WORKITEM_MIN_PERIOD_MS 10
#define WORKITEM_MAX_PERIOD_MS 1000
#define WORKITEM_MAX_ITEMS 16

/* In: WORKITEM_START. Out: nothing. Sets a periodic timer; at each tick its DPC queues the work
 * item unless it is still queued or running, until Count items have been queued.
 * Errors: input not exactly sizeof(WORKITEM_START), PeriodMs not WORKITEM_MIN_PERIOD_MS..
 *         WORKITEM_MAX_PERIOD_MS or Count not 1..WORKITEM_MAX_ITEMS -> STATUS_INVALID_PARAMETER
 *         (Win32 87); already started, or another request is starting or stopping ->
 *         STATUS_DEVICE_BUSY (Win32 170). */
#define IOCTL_WORKITEM_START                                                                       \
    KMD_CTL_CODE(WORKITEM_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: nothing. Cancels the timer and waits until no work item is queued or
 * running. The records stay for IOCTL_WORKITEM_QUERY.
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); not started -> STATUS_INVALID_DEVICE_STATE
 *         (Win32 22, ERROR_BAD_COMMAND); another request is starting or stopping ->
 *         STATUS_DEVICE_BUSY (170). */
#define IOCTL_WORKITEM_STOP                                                                        \
    KMD_CTL_CODE(WORKITEM_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: WORKITEM_STATE, at any time.
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); output shorter than WORKITEM_STATE ->
 *         STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_WORKITEM_QUERY                                                                       \
    KMD_CTL_CODE(WORKITEM_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct WORKITEM_START {
    unsigned int PeriodMs; /* timer period */
    unsigned int Count;    /* work items to queue, 1..WORKITEM_MAX_ITEMS */
} WORKITEM_START;

typedef struct WORKITEM_RECORD {
    unsigned int Sequence; /* 1, 2, ... in the order the DPC queued them */
    unsigned int Irql;     /* KeGetCurrentIrql() in the work routine: PASSIVE_LEVEL (0) */
    unsigned int ThreadId; /* PsGetCurrentThreadId() in the work routine */
    unsigned int DpcIrql;  /* KeGetCurrentIrql() in the DPC that queued it (2 on Windows) */
} WORKITEM_RECORD;

typedef struct WORKITEM_STATE {
    unsigned int PeriodMs;      /* of the last start (0 before any) */
    unsigned int Count;         /* asked for */
    unsigned int Running;       /* 1 between START and STOP */
    unsigned int Queued;        /* work items the DPC queued */
    unsigned int Busy;          /* ticks that found the work item still queued or running */
    unsigned int Ran;           /* work routines that ended: entries of Records in use */
    unsigned int StartThreadId; /* PsGetCurrentThreadId() in the START request */
    unsigned int Reserved;
    WORKITEM_RECORD Records[WORKITEM_MAX_ITEMS];
} WORKITEM_STATE;

#endif
