/* kbdspy: KmdKit's KbdSpy. A legacy (non-PnP) upper filter attached to the keyboard class device
 * \Device\KeyboardClass0. Every IRP_MJ_READ goes down with a completion routine that copies the
 * KEYBOARD_INPUT_DATA records into a ring buffer; every other IRP passes through untouched. A
 * control device, \Device\KmdKbdSpy, hands the records out (IOCTL_KBDSPY_GET_KEYS). Unload
 * detaches, then waits until no read that passed through the filter is still pending.
 * Contract: kbdspy_ioctl.h; the unload problem is explained in README.md. */
#include <ntddk.h>
#include <ntddkbd.h>

#include <kmdkit/kernel.h>
#include "kbdspy_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD KbdSpyUnload;
static DRIVER_DISPATCH KbdSpyDispatch;
static IO_COMPLETION_ROUTINE KbdSpyReadComplete;

static PDEVICE_OBJECT KbdSpyControl; /* \Device\KmdKbdSpy */
static PDEVICE_OBJECT KbdSpyFilter;  /* unnamed, attached on top of the keyboard class stack */
static PDEVICE_OBJECT KbdSpyLower;   /* what the filter is attached to; NULL once detached */

/* Reads sent down with our completion routine and not completed yet, plus 1 while loaded: the
 * count reaches 0 (and sets KbdSpyNoReads) only after DriverUnload dropped that 1. */
static volatile LONG KbdSpyInFlight = 1;
static KEVENT KbdSpyNoReads;

/* The ring buffer, under KbdSpyLock (the completion routine runs at up to DISPATCH_LEVEL). */
static KSPIN_LOCK KbdSpyLock;
static KBDSPY_KEY KbdSpyRing[KBDSPY_RING_SIZE];
static ULONG KbdSpyHead, KbdSpyCount, KbdSpySequence, KbdSpyLost;

/* --- the filter ------------------------------------------------------------------------------ */

static VOID KbdSpyRecord(const KEYBOARD_INPUT_DATA *Data, ULONG Count)
{
    KIRQL Irql;

    KeAcquireSpinLock(&KbdSpyLock, &Irql);
    for (ULONG i = 0; i < Count; i++) {
        KBDSPY_KEY *Key = &KbdSpyRing[(KbdSpyHead + KbdSpyCount) % KBDSPY_RING_SIZE];

        if (KbdSpyCount == KBDSPY_RING_SIZE) { /* full: overwrite the oldest */
            Key = &KbdSpyRing[KbdSpyHead];
            KbdSpyHead = (KbdSpyHead + 1) % KBDSPY_RING_SIZE;
            KbdSpyCount--;
            KbdSpyLost++;
        }
        Key->Sequence = ++KbdSpySequence;
        Key->UnitId = Data[i].UnitId;
        Key->MakeCode = Data[i].MakeCode;
        Key->Flags = Data[i].Flags;
        Key->Reserved = 0;
        Key->ExtraInformation = Data[i].ExtraInformation;
        KbdSpyCount++;
    }
    KeReleaseSpinLock(&KbdSpyLock, Irql);
}

static VOID KbdSpyReadDone(VOID)
{
    if (InterlockedDecrement(&KbdSpyInFlight) == 0)
        KeSetEvent(&KbdSpyNoReads, IO_NO_INCREMENT, FALSE);
}

/* Runs when the class driver completes a read, at up to DISPATCH_LEVEL, in any thread. The
 * records are in the system buffer (the keyboard class device does buffered I/O). */
static NTSTATUS NTAPI KbdSpyReadComplete(PDEVICE_OBJECT DeviceObject, PIRP Irp, PVOID Context)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Context);
    if (NT_SUCCESS(Irp->IoStatus.Status) && Irp->AssociatedIrp.SystemBuffer != NULL)
        KbdSpyRecord(Irp->AssociatedIrp.SystemBuffer,
                     (ULONG)(Irp->IoStatus.Information / sizeof(KEYBOARD_INPUT_DATA)));
    if (Irp->PendingReturned)
        IoMarkIrpPending(Irp);
    KbdSpyReadDone(); /* last: after this, DriverUnload may return and the image go away */
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS KbdSpyFilterDispatch(PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_OBJECT Lower;

    if (Stack->MajorFunction == IRP_MJ_READ) {
        /* Counted before KbdSpyLower is read, so DriverUnload cannot miss this read. */
        InterlockedIncrement(&KbdSpyInFlight);
        Lower = KbdSpyLower;
        if (Lower == NULL) {
            KbdSpyReadDone();
            return KmdCompleteIrp(Irp, STATUS_NO_SUCH_DEVICE, 0);
        }
        IoCopyCurrentIrpStackLocationToNext(Irp);
        IoSetCompletionRoutine(Irp, KbdSpyReadComplete, NULL, TRUE, TRUE, TRUE);
        return IoCallDriver(Lower, Irp);
    }
    Lower = KbdSpyLower;
    if (Lower == NULL) /* detached (the keyboard went away): nobody below to pass it to */
        return KmdCompleteIrp(Irp, STATUS_NO_SUCH_DEVICE, 0);
    if (Stack->MajorFunction == IRP_MJ_PNP && Stack->MinorFunction == IRP_MN_REMOVE_DEVICE) {
        /* The keyboard is being removed: the class device goes, so let go of it. */
        NTSTATUS Status;

        IoSkipCurrentIrpStackLocation(Irp);
        Status = IoCallDriver(Lower, Irp);
        KbdSpyLower = NULL;
        IoDetachDevice(Lower);
        KmdLogPrint("keyboard removed: detached");
        return Status;
    }
    /* Everything else, power included (Vista and later need no PoCallDriver), untouched. */
    IoSkipCurrentIrpStackLocation(Irp);
    return IoCallDriver(Lower, Irp);
}

/* --- the control device ---------------------------------------------------------------------- */

/* IOCTL_KBDSPY_GET_KEYS: no input, room for at least one record (the table checks both). */
static NTSTATUS KbdSpyGetKeys(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                              ULONG_PTR *Info)
{
    KBDSPY_KEYS *Out = Io->Out;
    ULONG Room = (ULONG)((Io->OutLength - FIELD_OFFSET(KBDSPY_KEYS, Keys)) / sizeof(KBDSPY_KEY));
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KeAcquireSpinLock(&KbdSpyLock, &Irql);
    Out->Count = 0;
    Out->Lost = KbdSpyLost;
    KbdSpyLost = 0;
    while (KbdSpyCount != 0 && Out->Count < Room) {
        Out->Keys[Out->Count++] = KbdSpyRing[KbdSpyHead];
        KbdSpyHead = (KbdSpyHead + 1) % KBDSPY_RING_SIZE;
        KbdSpyCount--;
    }
    KeReleaseSpinLock(&KbdSpyLock, Irql);
    *Info = FIELD_OFFSET(KBDSPY_KEYS, Keys) + Out->Count * sizeof(KBDSPY_KEY);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL KbdSpyIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_KBDSPY_GET_KEYS, 0, 0, KBDSPY_KEYS_SIZE(1), KbdSpyGetKeys},
};

/* The control device keeps no per-handle state: CREATE, CLEANUP and CLOSE just succeed. */
static NTSTATUS KbdSpyControlDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    switch (IoGetCurrentIrpStackLocation(Irp)->MajorFunction) {
    case IRP_MJ_CREATE:
    case IRP_MJ_CLOSE:
    case IRP_MJ_CLEANUP:
        return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
    case IRP_MJ_DEVICE_CONTROL:
        return KmdDispatchDeviceControl(DeviceObject, Irp); /* its KbdSpyIoctls */
    default:
        return KmdCompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    }
}

/* One dispatch routine for every major function: a filter must pass on what it does not know. */
static NTSTATUS NTAPI KbdSpyDispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    if (DeviceObject == KbdSpyControl)
        return KbdSpyControlDispatch(DeviceObject, Irp);
    return KbdSpyFilterDispatch(Irp);
}

/* --- load and unload -------------------------------------------------------------------------- */

/* Opens the class device by name and references its file object: the steps of
 * IoGetDeviceObjectPointer, written out (Wine 8.0's IoGetDeviceObjectPointer is a stub that
 * "succeeds" with a fake device for any name; these calls fail there as on Windows when the
 * device does not exist). The file object reference keeps the device alive until we attach. */
static KMD_PAGED NTSTATUS KbdSpyOpenTarget(PFILE_OBJECT *File, PDEVICE_OBJECT *Device)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(KBDSPY_TARGET_NAME);
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    NTSTATUS Status;

    InitializeObjectAttributes(&Attributes, &Name, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL,
                               NULL);
    Status =
        ZwOpenFile(&Handle, FILE_READ_ATTRIBUTES, &Attributes, &Iosb, 0, FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(Status))
        return Status;
    Status =
        ObReferenceObjectByHandle(Handle, 0, *IoFileObjectType, KernelMode, (PVOID *)File, NULL);
    ZwClose(Handle);
    if (NT_SUCCESS(Status))
        *Device = IoGetRelatedDeviceObject(*File);
    return Status;
}

/* Creates the filter device and attaches it on top of the keyboard class stack. */
static KMD_PAGED NTSTATUS KbdSpyAttach(PDRIVER_OBJECT DriverObject)
{
    PFILE_OBJECT File;
    PDEVICE_OBJECT TargetDevice;
    NTSTATUS Status = KbdSpyOpenTarget(&File, &TargetDevice);

    if (!NT_SUCCESS(Status))
        return Status;
    Status = IoCreateDevice(DriverObject, 0, NULL, TargetDevice->DeviceType,
                            TargetDevice->Characteristics, FALSE, &KbdSpyFilter);
    if (NT_SUCCESS(Status)) {
        /* Look like the device below: same buffering (the records come in SystemBuffer). */
        KbdSpyFilter->Flags |=
            TargetDevice->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO | DO_POWER_PAGABLE);
        /* Attaches to the top of the stack TargetDevice is in; NULL-safe against a race with
         * another filter detaching (unlike IoAttachDeviceToDeviceStack). */
        Status = IoAttachDeviceToDeviceStackSafe(KbdSpyFilter, TargetDevice, &KbdSpyLower);
        if (NT_SUCCESS(Status)) {
            KbdSpyFilter->Flags &= ~DO_DEVICE_INITIALIZING;
        } else {
            IoDeleteDevice(KbdSpyFilter);
            KbdSpyFilter = NULL;
        }
    }
    ObDereferenceObject(File);
    return Status;
}

static KMD_PAGED VOID NTAPI KbdSpyUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT Lower = KbdSpyLower;

    UNREFERENCED_PARAMETER(DriverObject);
    /* 1. No new IRP reaches the filter once it is detached... */
    KbdSpyLower = NULL;
    if (Lower != NULL)
        IoDetachDevice(Lower);
    /* 2. ...but the class driver holds a read that went down through it (there is nearly always
     * one: the system keeps a read pending for the next key) and will call KbdSpyReadComplete
     * when it completes. The code must still be there then: wait for it (the next key press). */
    if (InterlockedDecrement(&KbdSpyInFlight) != 0) {
        KmdLogPrint("DriverUnload: waiting for %ld pending read(s): press a key", KbdSpyInFlight);
        KeWaitForSingleObject(&KbdSpyNoReads, Executive, KernelMode, FALSE, NULL);
    }
    IoDeleteDevice(KbdSpyFilter);
    KmdDeleteDevice(KbdSpyControl);
    KmdLogPrint("DriverUnload: detached, %lu record(s) seen", KbdSpySequence);
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "kbdspy");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&KbdSpyLock);
    KeInitializeEvent(&KbdSpyNoReads, NotificationEvent, FALSE);
    for (ULONG i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        DriverObject->MajorFunction[i] = KbdSpyDispatch;
    /* The control device first, so the filter never records into a driver that cannot hand the
     * records out. DriverUnload never runs after a failed DriverEntry: each failure below undoes
     * what succeeded before it. */
    Status = KmdCreateDevice(DriverObject, KBDSPY_DEVICE_NAME, KBDSPY_LINK_NAME, KBDSPY_DEVICE_TYPE,
                             0, KmdDeviceAccessAdmins, &KbdSpyControl);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    KmdSetDeviceIoctls(KbdSpyControl, KbdSpyIoctls, RTL_NUMBER_OF(KbdSpyIoctls));
    Status = KbdSpyAttach(DriverObject);
    if (!NT_SUCCESS(Status)) {
        KmdDeleteDevice(KbdSpyControl);
        KbdSpyControl = NULL;
        KmdLogError("DriverEntry: cannot attach to %ws: 0x%08lx; nothing left behind",
                    KBDSPY_TARGET_NAME, (ULONG)Status);
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->DriverUnload = KbdSpyUnload;
    KmdLogPrint("DriverEntry: attached to %ws, control device %ws ready", KBDSPY_TARGET_NAME,
                KBDSPY_DEVICE_NAME);
    return STATUS_SUCCESS;
}
