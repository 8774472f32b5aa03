/* The contract between the inverted driver (driver.c) and its client (client.c): the
 * "inverted call" model. The client keeps IOCTL_INVERTED_WAIT requests pending (overlapped I/O,
 * several at once); the driver queues them and completes the oldest one, with a payload, each time
 * an event happens. Here an event is an IOCTL_INVERTED_SIGNAL sent on any handle.
 * Written once, compiled into both sides. */
#ifndef KMDKIT_INVERTED_IOCTL_H
#define KMDKIT_INVERTED_IOCTL_H

#include <kmdkit/ioctl.h>

#define INVERTED_DEVICE_NAME L"\\Device\\KmdInverted"
#define INVERTED_LINK_NAME L"\\DosDevices\\KmdInverted"
#define INVERTED_USER_NAME L"KmdInverted" /* opened as \\.\KmdInverted */

#define INVERTED_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x230)

#define INVERTED_PAYLOAD_MAX 64

/* In: nothing. Out: INVERTED_EVENT. Stays pending until an event arrives (FIFO: the oldest waiting
 * request gets the next event), or until it is cancelled.
 * Completion: STATUS_SUCCESS with the event; STATUS_CANCELLED (Win32 995,
 *   ERROR_OPERATION_ABORTED) when cancelled: CancelIo/CancelIoEx, the issuing thread exits, the
 *   last handle of its file object is closed (IRP_MJ_CLEANUP), or the driver unloads.
 * Errors (at once, never queued): any input bytes -> STATUS_INVALID_PARAMETER (87);
 *   output shorter than INVERTED_EVENT -> STATUS_BUFFER_TOO_SMALL (122). Needs read access. */
#define IOCTL_INVERTED_WAIT                                                                        \
    KMD_CTL_CODE(INVERTED_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* In: the payload, 1..INVERTED_PAYLOAD_MAX bytes. Out: nothing.
 * Completes the oldest pending IOCTL_INVERTED_WAIT with the payload and the next sequence number.
 * Errors: empty or longer payload -> STATUS_INVALID_PARAMETER (87); no request is waiting ->
 *   STATUS_NO_MORE_ENTRIES (Win32 259, ERROR_NO_MORE_ITEMS): the event is dropped.
 * Needs write access. */
#define IOCTL_INVERTED_SIGNAL                                                                      \
    KMD_CTL_CODE(INVERTED_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_WRITE_ACCESS)

/* In: nothing. Out: INVERTED_STATS.
 * Errors: any input bytes -> 87; output shorter than INVERTED_STATS -> 122. */
#define IOCTL_INVERTED_GET_STATS                                                                   \
    KMD_CTL_CODE(INVERTED_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct INVERTED_EVENT {
    unsigned int Sequence; /* 1, 2, 3, ...: the events delivered since the driver loaded */
    unsigned int Length;   /* payload bytes in Data */
    unsigned char Data[INVERTED_PAYLOAD_MAX];
} INVERTED_EVENT;

typedef struct INVERTED_STATS {
    unsigned int Size;      /* sizeof(INVERTED_STATS) */
    unsigned int Pending;   /* WAIT requests queued now */
    unsigned int Delivered; /* WAIT requests completed with an event */
    unsigned int Cancelled; /* WAIT requests completed by their cancel routine */
    unsigned int CleanedUp; /* WAIT requests completed by IRP_MJ_CLEANUP (handle closed) */
    unsigned int Dropped;   /* SIGNALs that found no waiting request */
} INVERTED_STATS;

#endif
