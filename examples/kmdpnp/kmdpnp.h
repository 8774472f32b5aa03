/* kmdpnp's private header: the device extension of its FDO and the routines the files of the
 * driver share (driver.c: load, AddDevice, unload; pnp.c: IRP_MJ_PNP; power.c: IRP_MJ_POWER;
 * ioctl.c: create, close, device control). */
#ifndef KMDPNP_H
#define KMDPNP_H

#include <ntddk.h>

#include <kmdkit/kernel.h>
#include "kmdpnp_ioctl.h"

#define KMDPNP_TAG KMD_TAG('K', 'P', 'n', 'p')        /* the remove lock's tag */
#define KMDPNP_HANDLE_TAG KMD_TAG('K', 'P', 'n', 'H') /* per-handle state (pool) */

/* The FDO's extension. State changes under the PnP IRPs, which the PnP manager sends one at a
 * time; the I/O paths read it. The counters are updated with interlocked operations. */
typedef struct _KMDPNP_EXTENSION {
    PDEVICE_OBJECT Self;  /* the FDO */
    PDEVICE_OBJECT Pdo;   /* the root enumerator's PDO below it */
    PDEVICE_OBJECT Lower; /* the device IoAttachDeviceToDeviceStack attached it to */
    IO_REMOVE_LOCK RemoveLock;
    UNICODE_STRING Interface; /* the symbolic link of the device interface (system's buffer) */
    BOOLEAN InterfaceEnabled;
    volatile LONG State;   /* KMDPNP_STATE_* */
    LONG StateBeforeQuery; /* restored by CANCEL_STOP / CANCEL_REMOVE */
    volatile LONG Opens, TotalOpens, Requests, Starts;
} KMDPNP_EXTENSION;

/* A handle's state, in FileObject->FsContext (KMDPNP_HANDLE_TAG). */
typedef struct _KMDPNP_HANDLE {
    volatile LONG Requests;
} KMDPNP_HANDLE;

/* The name of a state, for the log. */
PCSTR KmdPnpStateName(LONG State);

/* The status a request gets in a state other than STARTED (kmdpnp_ioctl.h). */
NTSTATUS KmdPnpNotStartedStatus(LONG State);

/* Enables or disables the device interface once; logs it. */
VOID KmdPnpSetInterface(KMDPNP_EXTENSION *Ext, BOOLEAN Enable);

DRIVER_DISPATCH KmdPnpDispatchPnp;
DRIVER_DISPATCH KmdPnpDispatchPower;
DRIVER_DISPATCH KmdPnpCreate;
DRIVER_DISPATCH KmdPnpClose;
DRIVER_DISPATCH KmdPnpCleanup;
DRIVER_DISPATCH KmdPnpDeviceControl;

#endif
