/* The contract between the kmdpnp driver (driver.c, pnp.c, power.c, ioctl.c) and its client
 * (client.c). kmdpnp is the function driver of a root-enumerated software device, hardware id
 * Root\KmdPnpSample (kmdpnp.inx). Its device has no name and no link: a client finds it by its
 * device interface, KMDPNP_INTERFACE_GUID, which the driver enables once the device has started.
 * Written once, compiled into both sides. */
#ifndef KMDKIT_KMDPNP_IOCTL_H
#define KMDKIT_KMDPNP_IOCTL_H

#include <kmdkit/ioctl.h>

#define KMDPNP_HARDWARE_ID L"Root\\KmdPnpSample"

/* The device interface class {b88f99a1-754f-47ad-a4b0-1dd79a750e11}: declared here, defined in
 * the one file of each side that includes <initguid.h> before this header (the WDK's way). */
DEFINE_GUID(GUID_DEVINTERFACE_KMDPNP, 0xb88f99a1, 0x754f, 0x47ad, 0xa4, 0xb0, 0x1d, 0xd7, 0x9a,
            0x75, 0x0e, 0x11);

#define KMDPNP_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x250)

/* Out: KMDPNP_INFO. In: nothing.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (Win32 87);
 *         output shorter than KMDPNP_INFO -> STATUS_BUFFER_TOO_SMALL (Win32 122). */
#define IOCTL_KMDPNP_GET_INFO                                                                      \
    KMD_CTL_CODE(KMDPNP_DEVICE_TYPE, KMD_FUNCTION_BASE + 0x50, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: 1..KMDPNP_XOR_MAX bytes. Out: the same bytes, each XORed with KMDPNP_XOR_KEY.
 * Errors: empty or longer input -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than the input -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_KMDPNP_XOR                                                                           \
    KMD_CTL_CODE(KMDPNP_DEVICE_TYPE, KMD_FUNCTION_BASE + 0x51, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define KMDPNP_XOR_MAX 4096
#define KMDPNP_XOR_KEY 0x5A

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1).
 * Any request (open, IOCTL) while the device is not started: STATUS_DEVICE_NOT_READY (21) before
 * START_DEVICE and while stopped, STATUS_DELETE_PENDING (5: access denied) while a removal is
 * pending, STATUS_NO_SUCH_DEVICE (2) once it was surprise-removed or removed.
 * IRP_MN_QUERY_REMOVE_DEVICE is refused (STATUS_DEVICE_BUSY) while a handle is open: Windows then
 * finishes the removal at the next boot. */

/* The driver's view of its device (KMDPNP_INFO.PnpState). */
#define KMDPNP_STATE_NOT_STARTED 0
#define KMDPNP_STATE_STARTED 1
#define KMDPNP_STATE_STOP_PENDING 2
#define KMDPNP_STATE_STOPPED 3
#define KMDPNP_STATE_REMOVE_PENDING 4
#define KMDPNP_STATE_SURPRISE_REMOVED 5
#define KMDPNP_STATE_REMOVED 6

typedef struct KMDPNP_INFO {
    unsigned int Size;             /* sizeof(KMDPNP_INFO) */
    unsigned int PnpState;         /* KMDPNP_STATE_*: STARTED whenever a request gets here */
    unsigned int Opens;            /* handles open on the device now (this one included) */
    unsigned int TotalOpens;       /* handles opened since AddDevice */
    unsigned int Requests;         /* IOCTLs the device answered before this one */
    unsigned int HandleRequests;   /* of them, on this handle */
    unsigned int Starts;           /* IRP_MN_START_DEVICE seen (a stop and restart counts 2) */
    unsigned int InterfaceEnabled; /* 1: the device interface is enabled */
} KMDPNP_INFO;

#endif
