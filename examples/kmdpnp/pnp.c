/* kmdpnp's IRP_MJ_PNP: the life of its device as the PnP manager drives it.
 *
 *   START_DEVICE          down first, synchronously; on the way back: started, interface on
 *   QUERY_STOP / STOP     stop pending / stopped: requests refused until the next START
 *   CANCEL_STOP           down first; back to the state before the query
 *   QUERY_REMOVE          refused while a handle is open, else remove pending
 *   CANCEL_REMOVE         down first; back to the state before the query
 *   SURPRISE_REMOVAL      the device is gone: interface off, new requests fail
 *   REMOVE_DEVICE         wait for the requests in flight, interface off, down, detach, delete
 *   anything else         passed down untouched
 * Every IRP is handled under the remove lock, so REMOVE_DEVICE cannot delete the FDO while a
 * request still runs on it. */
#include "kmdpnp.h"

static IO_COMPLETION_ROUTINE KmdPnpSignal;

/* Hands the IRP back to KmdPnpForwardAndWait: STATUS_MORE_PROCESSING_REQUIRED stops the I/O
 * manager's completion here, so the IRP is this driver's again, to finish and complete. */
static NTSTATUS NTAPI KmdPnpSignal(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    KeSetEvent((PKEVENT)Context, IO_NO_INCREMENT, FALSE);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* Sends the IRP to the drivers below and waits until they have completed it. PASSIVE_LEVEL. */
static NTSTATUS KmdPnpForwardAndWait(KMDPNP_EXTENSION *Ext, PIRP Irp)
{
    KEVENT Done;
    NTSTATUS Status;

    KeInitializeEvent(&Done, NotificationEvent, FALSE);
    IoCopyCurrentIrpStackLocationToNext(Irp);
    IoSetCompletionRoutine(Irp, KmdPnpSignal, &Done, TRUE, TRUE, TRUE);
    Status = IoCallDriver(Ext->Lower, Irp);
    if (Status == STATUS_PENDING) {
        KeWaitForSingleObject(&Done, Executive, KernelMode, FALSE, NULL);
        Status = Irp->IoStatus.Status;
    }
    return Status;
}

/* Passes the IRP down as it is; the caller no longer owns it. */
static NTSTATUS KmdPnpPassDown(KMDPNP_EXTENSION *Ext, PIRP Irp)
{
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Ext->Lower, Irp);
}

/* A state change the drivers below must also accept: success set on the way down (a driver
 * that does not handle the IRP leaves it as is), then down. */
static NTSTATUS KmdPnpSucceedAndPassDown(KMDPNP_EXTENSION *Ext, PIRP Irp)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    return KmdPnpPassDown(Ext, Irp);
}

static NTSTATUS KmdPnpStart(KMDPNP_EXTENSION *Ext, PIRP Irp)
{
    /* The bus driver (the root enumerator) starts the device first; the function driver finishes
     * on the way back up. A software device has no resources to map. */
    NTSTATUS Status = KmdPnpForwardAndWait(Ext, Irp);

    if (NT_SUCCESS(Status)) {
        InterlockedExchange(&Ext->State, KMDPNP_STATE_STARTED);
        InterlockedIncrement(&Ext->Starts);
        KmdLogPrint("START_DEVICE: started (start %ld)", Ext->Starts);
        KmdPnpSetInterface(Ext, TRUE); /* only now may clients find it */
    } else {
        KmdLogError("START_DEVICE: the drivers below failed it: 0x%08lx", (ULONG)Status);
    }
    return KmdCompleteIrp(Irp, Status, Irp->IoStatus.Information);
}

/* CANCEL_STOP and CANCEL_REMOVE: the drivers below first, then back to the state before the
 * query. Both must succeed. */
static NTSTATUS KmdPnpCancelQuery(KMDPNP_EXTENSION *Ext, PIRP Irp, LONG Pending, PCSTR Name)
{
    Irp->IoStatus.Status = STATUS_SUCCESS;
    KmdPnpForwardAndWait(Ext, Irp);
    if (InterlockedCompareExchange(&Ext->State, Ext->StateBeforeQuery, Pending) == Pending)
        KmdLogPrint("%s: back to %s", Name, KmdPnpStateName(Ext->StateBeforeQuery));
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* The drivers below are told first, the FDO goes last; the remove lock was taken for this IRP
 * and is released here, waiting for every other holder. */
static NTSTATUS KmdPnpRemove(KMDPNP_EXTENSION *Ext, PIRP Irp)
{
    LONG Before = InterlockedExchange(&Ext->State, KMDPNP_STATE_REMOVED);
    NTSTATUS Status;

    /* From here IoAcquireRemoveLock fails (STATUS_DELETE_PENDING): no request starts any more. */
    IoReleaseRemoveLockAndWait(&Ext->RemoveLock, Irp);
    KmdPnpSetInterface(Ext, FALSE); /* already off after a surprise removal */
    RtlFreeUnicodeString(&Ext->Interface);
    Status = KmdPnpSucceedAndPassDown(Ext, Irp);
    KmdLogPrint("REMOVE_DEVICE: was %s; %ld handle(s) still open; FDO detached and deleted",
                KmdPnpStateName(Before), Ext->Opens);
    IoDetachDevice(Ext->Lower);
    IoDeleteDevice(Ext->Self);
    return Status;
}

NTSTATUS NTAPI KmdPnpDispatchPnp(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    UCHAR Minor = IoGetCurrentIrpStackLocation(Irp)->MinorFunction;
    NTSTATUS Status = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0); /* after REMOVE_DEVICE: nothing left below */

    switch (Minor) {
    case IRP_MN_START_DEVICE:
        Status = KmdPnpStart(Ext, Irp);
        break;
    case IRP_MN_QUERY_STOP_DEVICE:
        /* Requests run to completion inside their dispatch call, so none is in flight that a
         * stop would have to wait for; new ones are refused from now on. */
        Ext->StateBeforeQuery = Ext->State;
        InterlockedExchange(&Ext->State, KMDPNP_STATE_STOP_PENDING);
        KmdLogPrint("QUERY_STOP_DEVICE: stop pending");
        Status = KmdPnpSucceedAndPassDown(Ext, Irp);
        break;
    case IRP_MN_CANCEL_STOP_DEVICE:
        Status = KmdPnpCancelQuery(Ext, Irp, KMDPNP_STATE_STOP_PENDING, "CANCEL_STOP_DEVICE");
        break;
    case IRP_MN_STOP_DEVICE:
        /* Resources would be released here; the interface stays on (a stop is a rebalance). */
        InterlockedExchange(&Ext->State, KMDPNP_STATE_STOPPED);
        KmdLogPrint("STOP_DEVICE: stopped");
        Status = KmdPnpSucceedAndPassDown(Ext, Irp);
        break;
    case IRP_MN_QUERY_REMOVE_DEVICE:
        if (Ext->Opens > 0) {
            /* The veto: Windows finishes the removal at the next boot instead. */
            KmdLogPrint("QUERY_REMOVE_DEVICE: refused, %ld handle(s) open", Ext->Opens);
            Status = KmdCompleteIrp(Irp, STATUS_DEVICE_BUSY, 0);
            break;
        }
        Ext->StateBeforeQuery = Ext->State;
        InterlockedExchange(&Ext->State, KMDPNP_STATE_REMOVE_PENDING);
        KmdLogPrint("QUERY_REMOVE_DEVICE: remove pending");
        Status = KmdPnpSucceedAndPassDown(Ext, Irp);
        break;
    case IRP_MN_CANCEL_REMOVE_DEVICE:
        Status = KmdPnpCancelQuery(Ext, Irp, KMDPNP_STATE_REMOVE_PENDING, "CANCEL_REMOVE_DEVICE");
        break;
    case IRP_MN_SURPRISE_REMOVAL:
        InterlockedExchange(&Ext->State, KMDPNP_STATE_SURPRISE_REMOVED);
        KmdLogPrint("SURPRISE_REMOVAL: the device is gone; new requests fail");
        KmdPnpSetInterface(Ext, FALSE);
        Status = KmdPnpSucceedAndPassDown(Ext, Irp);
        break;
    case IRP_MN_REMOVE_DEVICE:
        return KmdPnpRemove(Ext, Irp); /* releases the remove lock itself */
    default:
        KmdLogInfo("PnP minor 0x%02x: passed down", Minor);
        Status = KmdPnpPassDown(Ext, Irp);
        break;
    }
    IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return Status;
}
