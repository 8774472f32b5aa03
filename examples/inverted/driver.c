/* inverted: the "inverted call" model. The client sends IOCTL_INVERTED_WAIT requests that the
 * driver does not complete at once: it queues them (IoMarkIrpPending, STATUS_PENDING) and
 * completes the oldest one when an event happens (here: IOCTL_INVERTED_SIGNAL carrying a payload).
 * A queued IRP must stay cancellable: a cancel routine takes it out of the queue when the I/O
 * manager cancels it (CancelIoEx, thread exit), and IRP_MJ_CLEANUP completes the requests of a
 * file object whose last handle is closed. Contract: inverted_ioctl.h.
 *
 * The queue is a small cancel-safe queue written out (a spin lock, a list, IoSetCancelRoutine):
 * the same protocol IoCsqInsertIrp/IoCsqRemoveNextIrp implement, shown in full. See README.md
 * for why it is not IoCsq* here. */
#include <ntddk.h>

#include <kmdkit/kernel.h>
#include "inverted_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD InvertedUnload;
static DRIVER_DISPATCH InvertedCleanup;
static DRIVER_CANCEL InvertedCancel;

/* The device extension: the queue of pending WAIT requests and the counters, all under Lock. */
typedef struct _INVERTED_EXTENSION {
    KSPIN_LOCK Lock;
    LIST_ENTRY Irps; /* linked through Irp->Tail.Overlay.ListEntry, oldest first */
    ULONG Sequence;
    INVERTED_STATS Stats;
} INVERTED_EXTENSION;

static PDEVICE_OBJECT InvertedDevice;

/* --- the cancel-safe queue -------------------------------------------------------------------- */

/* The rule that makes it safe: whoever clears the cancel routine (IoSetCancelRoutine(Irp, NULL)
 * returns non-NULL) owns the IRP and completes it. The I/O manager clears it before it calls the
 * cancel routine, so a remover that gets NULL back must leave the IRP to the cancel routine. */

static VOID NTAPI InvertedCancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    INVERTED_EXTENSION *Ext = DeviceObject->DeviceExtension;
    KIRQL Irql;

    /* Called with the global cancel spin lock held: drop it first, then take our own lock. */
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    KeAcquireSpinLock(&Ext->Lock, &Irql);
    /* A remover that lost the race already unlinked it and left the entry pointing to itself. */
    if (!IsListEmpty(&Irp->Tail.Overlay.ListEntry)) {
        RemoveEntryList(&Irp->Tail.Overlay.ListEntry);
        Ext->Stats.Pending--;
    }
    Ext->Stats.Cancelled++;
    KeReleaseSpinLock(&Ext->Lock, Irql);
    KmdCompleteIrp(Irp, STATUS_CANCELLED, 0);
}

/* Queues Irp and returns STATUS_PENDING (the IRP is the queue's then), or returns
 * STATUS_CANCELLED without queueing it when it was cancelled before it could be queued (the
 * caller completes it). */
static NTSTATUS InvertedQueueIrp(INVERTED_EXTENSION *Ext, PIRP Irp)
{
    KIRQL Irql;

    KeAcquireSpinLock(&Ext->Lock, &Irql);
    IoSetCancelRoutine(Irp, InvertedCancel);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL) != NULL) {
        /* Cancelled already, and our routine will never be called: not queued. */
        Ext->Stats.Cancelled++;
        KeReleaseSpinLock(&Ext->Lock, Irql);
        return STATUS_CANCELLED;
    }
    /* Not cancelled, or cancelled with InvertedCancel already called and waiting for our lock:
     * either way it goes in the list (the cancel routine then takes it out). */
    IoMarkIrpPending(Irp);
    InsertTailList(&Ext->Irps, &Irp->Tail.Overlay.ListEntry);
    Ext->Stats.Pending++;
    KeReleaseSpinLock(&Ext->Lock, Irql);
    return STATUS_PENDING;
}

/* Takes the oldest queued IRP (of FileObject only, when not NULL) that is not being cancelled.
 * The caller holds Ext->Lock and completes the IRP it gets after releasing the lock. */
static PIRP InvertedRemoveNext(INVERTED_EXTENSION *Ext, PFILE_OBJECT FileObject)
{
    PLIST_ENTRY Entry, Next;

    for (Entry = Ext->Irps.Flink; Entry != &Ext->Irps; Entry = Next) {
        PIRP Irp = CONTAINING_RECORD(Entry, IRP, Tail.Overlay.ListEntry);

        Next = Entry->Flink;
        if (FileObject != NULL && IoGetCurrentIrpStackLocation(Irp)->FileObject != FileObject)
            continue;
        RemoveEntryList(Entry);
        InitializeListHead(Entry); /* tells a running cancel routine it is out of the list */
        Ext->Stats.Pending--;
        if (IoSetCancelRoutine(Irp, NULL) != NULL)
            return Irp;
        /* NULL: its cancel routine is running and waits for the lock; it completes the IRP. */
    }
    return NULL;
}

/* --- dispatch --------------------------------------------------------------------------------- */

/* IOCTL_INVERTED_WAIT: no input, room for an INVERTED_EVENT (the table checks both). The IRP
 * goes into the queue: KmdDispatchIoctl leaves a STATUS_PENDING IRP alone. */
static NTSTATUS InvertedWait(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                             ULONG_PTR *Info)
{
    UNREFERENCED_PARAMETER(Io);
    UNREFERENCED_PARAMETER(Info);
    return InvertedQueueIrp(Device->DeviceExtension, Irp); /* do not touch Irp after this */
}

/* IOCTL_INVERTED_SIGNAL: 1..INVERTED_PAYLOAD_MAX payload bytes (the table checks). */
static NTSTATUS InvertedSignal(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                               ULONG_PTR *Info)
{
    INVERTED_EXTENSION *Ext = Device->DeviceExtension;
    INVERTED_EVENT *Event;
    KIRQL Irql;
    PIRP Waiter;
    ULONG Sequence = 0;

    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Info);
    KeAcquireSpinLock(&Ext->Lock, &Irql);
    Waiter = InvertedRemoveNext(Ext, NULL);
    if (Waiter != NULL) {
        Sequence = ++Ext->Sequence;
        Ext->Stats.Delivered++;
    } else {
        Ext->Stats.Dropped++;
    }
    KeReleaseSpinLock(&Ext->Lock, Irql);
    if (Waiter == NULL)
        return STATUS_NO_MORE_ENTRIES;
    /* The waiter is ours now (no cancel routine): fill its buffer and complete it. */
    Event = Waiter->AssociatedIrp.SystemBuffer;
    RtlZeroMemory(Event, sizeof(*Event));
    Event->Sequence = Sequence;
    Event->Length = Io->InLength;
    RtlCopyMemory(Event->Data, Io->In, Io->InLength);
    KmdCompleteIrp(Waiter, STATUS_SUCCESS, sizeof(*Event));
    return STATUS_SUCCESS;
}

/* IOCTL_INVERTED_GET_STATS: no input, room for INVERTED_STATS (the table checks both). */
static NTSTATUS InvertedGetStats(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                 ULONG_PTR *Info)
{
    INVERTED_EXTENSION *Ext = Device->DeviceExtension;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Irp);
    KeAcquireSpinLock(&Ext->Lock, &Irql);
    RtlCopyMemory(Io->Out, &Ext->Stats, sizeof(INVERTED_STATS));
    KeReleaseSpinLock(&Ext->Lock, Irql);
    *Info = sizeof(INVERTED_STATS);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL InvertedIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_INVERTED_WAIT, 0, 0, sizeof(INVERTED_EVENT), InvertedWait},
    {IOCTL_INVERTED_SIGNAL, 1, INVERTED_PAYLOAD_MAX, 0, InvertedSignal},
    {IOCTL_INVERTED_GET_STATS, 0, 0, sizeof(INVERTED_STATS), InvertedGetStats},
};

/* Completes, as cancelled, the queued requests of FileObject (all of them when NULL). */
static ULONG InvertedFlush(INVERTED_EXTENSION *Ext, PFILE_OBJECT FileObject)
{
    ULONG Count = 0;
    KIRQL Irql;
    PIRP Irp;

    for (;;) {
        KeAcquireSpinLock(&Ext->Lock, &Irql);
        Irp = InvertedRemoveNext(Ext, FileObject);
        if (Irp != NULL)
            Ext->Stats.CleanedUp++;
        KeReleaseSpinLock(&Ext->Lock, Irql);
        if (Irp == NULL)
            return Count;
        KmdCompleteIrp(Irp, STATUS_CANCELLED, 0);
        Count++;
    }
}

/* The last handle of a file object was closed: its pending requests can never be collected. */
static NTSTATUS NTAPI InvertedCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    ULONG Count =
        InvertedFlush(DeviceObject->DeviceExtension, IoGetCurrentIrpStackLocation(Irp)->FileObject);

    if (Count != 0)
        KmdLogPrint("IRP_MJ_CLEANUP: %lu pending request(s) cancelled", Count);
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

static VOID NTAPI InvertedUnload(PDRIVER_OBJECT DriverObject)
{
    /* Windows calls DriverUnload only when no handle to the device is open, so CLEANUP has
     * emptied the queue already; flushing again costs nothing and never leaves an IRP behind. */
    ULONG Left = InvertedFlush(InvertedDevice->DeviceExtension, NULL);

    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(InvertedDevice);
    KmdLogPrint("DriverUnload: %lu request(s) were still pending; device removed", Left);
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    INVERTED_EXTENSION *Ext;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "inverted");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, INVERTED_DEVICE_NAME, INVERTED_LINK_NAME,
                             INVERTED_DEVICE_TYPE, sizeof(INVERTED_EXTENSION),
                             KmdDeviceAccessAdmins, &InvertedDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    Ext = InvertedDevice->DeviceExtension;
    KeInitializeSpinLock(&Ext->Lock);
    InitializeListHead(&Ext->Irps);
    Ext->Stats.Size = sizeof(INVERTED_STATS);
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = InvertedCleanup;
    KmdSetDeviceIoctls(InvertedDevice, InvertedIoctls, RTL_NUMBER_OF(InvertedIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = InvertedUnload;
    KmdLogPrint("DriverEntry: device %ws ready", INVERTED_DEVICE_NAME);
    return STATUS_SUCCESS;
}
