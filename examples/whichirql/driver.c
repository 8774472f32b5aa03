/* whichirql: KmdKit's WhichIrqlAndContext. Every routine the system calls in the driver writes
 * down the IRQL it runs at and the process and thread it runs in; an IOCTL hands the records
 * back. It shows that DriverEntry runs in the System process, and that a top-level driver's
 * dispatch routines run at PASSIVE_LEVEL in the thread of the program that made the request.
 * Contract: whichirql_ioctl.h. */
#include <kmdkit/kernel.h>
#include "whichirql_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD WhichIrqlUnload;
static DRIVER_DISPATCH WhichIrqlCreate;
static DRIVER_DISPATCH WhichIrqlCleanupClose;
static DRIVER_DISPATCH WhichIrqlDeviceControl;

static PDEVICE_OBJECT WhichIrqlDevice;
static LONG WhichIrqlOpens; /* numbers each open: FileObject->FsContext */

/* The most recent records, in a ring; a spin lock makes recording safe at any IRQL. */
static KSPIN_LOCK WhichIrqlLock;
static WHICHIRQL_RECORD WhichIrqlEntry;
static WHICHIRQL_RECORD WhichIrqlRing[WHICHIRQL_MAX_RECORDS];
static ULONG WhichIrqlTotal;

/* The number WhichIrqlCreate gave the file object the IRP is for (0: none). */
static ULONG WhichIrqlOpenId(PIRP Irp)
{
    PFILE_OBJECT File = IoGetCurrentIrpStackLocation(Irp)->FileObject;

    return File != NULL ? (ULONG)(ULONG_PTR)File->FsContext : 0;
}

static VOID WhichIrqlFill(WHICHIRQL_RECORD *Record, UCHAR Routine, KIRQL Irql, ULONG OpenId)
{
    RtlZeroMemory(Record, sizeof(*Record));
    Record->Routine = Routine;
    Record->Irql = Irql;
    Record->OpenId = OpenId;
    Record->ProcessId = (ULONG_PTR)PsGetCurrentProcessId();
    Record->ThreadId = (ULONG_PTR)PsGetCurrentThreadId();
}

static VOID WhichIrqlRecord(PIRP Irp)
{
    KIRQL Irql = KeGetCurrentIrql(); /* before the lock raises it */
    WHICHIRQL_RECORD Record;
    KIRQL OldIrql;

    WhichIrqlFill(&Record, IoGetCurrentIrpStackLocation(Irp)->MajorFunction, Irql,
                  WhichIrqlOpenId(Irp));
    KeAcquireSpinLock(&WhichIrqlLock, &OldIrql);
    Record.Sequence = ++WhichIrqlTotal;
    WhichIrqlRing[Record.Sequence % WHICHIRQL_MAX_RECORDS] = Record;
    KeReleaseSpinLock(&WhichIrqlLock, OldIrql);
    KmdLogPrint("#%lu major %u: IRQL %u, process %Iu, thread %Iu, open %lu", Record.Sequence,
                Record.Routine, Record.Irql, (ULONG_PTR)Record.ProcessId,
                (ULONG_PTR)Record.ThreadId, Record.OpenId);
}

static NTSTATUS NTAPI WhichIrqlCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFILE_OBJECT File = IoGetCurrentIrpStackLocation(Irp)->FileObject;

    UNREFERENCED_PARAMETER(DeviceObject);
    /* A device driver may use FsContext of the file objects opened on its device. */
    File->FsContext = (PVOID)(ULONG_PTR)(ULONG)InterlockedIncrement(&WhichIrqlOpens);
    WhichIrqlRecord(Irp);
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* IRP_MJ_CLEANUP: the last handle to the file object was closed (in the closing thread).
 * IRP_MJ_CLOSE: the last reference went away (often the same moment, not always). */
static NTSTATUS NTAPI WhichIrqlCleanupClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    WhichIrqlRecord(Irp);
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* IOCTL_WHICHIRQL_GET_RECORDS: no input, a whole WHICHIRQL_RECORDS out (the table checks both). */
static NTSTATUS WhichIrqlGetRecords(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                    ULONG_PTR *Info)
{
    WHICHIRQL_RECORDS *Out = Io->Out;
    KIRQL OldIrql;
    ULONG First;

    UNREFERENCED_PARAMETER(Device);
    RtlZeroMemory(Out, sizeof(*Out));
    Out->OpenId = WhichIrqlOpenId(Irp);
    KeAcquireSpinLock(&WhichIrqlLock, &OldIrql);
    Out->Total = WhichIrqlTotal;
    Out->DriverEntry = WhichIrqlEntry;
    First = WhichIrqlTotal > WHICHIRQL_MAX_RECORDS ? WhichIrqlTotal - WHICHIRQL_MAX_RECORDS + 1 : 2;
    for (ULONG Sequence = First; Sequence <= WhichIrqlTotal; Sequence++)
        Out->Records[Out->Count++] = WhichIrqlRing[Sequence % WHICHIRQL_MAX_RECORDS];
    KeReleaseSpinLock(&WhichIrqlLock, OldIrql);
    *Info = sizeof(*Out);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL WhichIrqlIoctls[] = {
    /* Code                       MinIn MaxIn MinOut                     Handler */
    {IOCTL_WHICHIRQL_GET_RECORDS, 0, 0, sizeof(WHICHIRQL_RECORDS), WhichIrqlGetRecords},
};

static NTSTATUS NTAPI WhichIrqlDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    /* First, whatever the code: the answer includes this request's own record, and a refused
     * request is recorded like any other. */
    WhichIrqlRecord(Irp);
    return KmdDispatchIoctl(DeviceObject, Irp, WhichIrqlIoctls, RTL_NUMBER_OF(WhichIrqlIoctls));
}

static VOID NTAPI WhichIrqlUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdLogPrint("DriverUnload: IRQL %u, process %Iu, thread %Iu", KeGetCurrentIrql(),
                (ULONG_PTR)PsGetCurrentProcessId(), (ULONG_PTR)PsGetCurrentThreadId());
    KmdDeleteDevice(WhichIrqlDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "whichirql");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&WhichIrqlLock);
    WhichIrqlFill(&WhichIrqlEntry, WHICHIRQL_DRIVER_ENTRY, KeGetCurrentIrql(), 0);
    WhichIrqlEntry.Sequence = WhichIrqlTotal = 1;
    Status = KmdCreateDevice(DriverObject, WHICHIRQL_DEVICE_NAME, WHICHIRQL_LINK_NAME,
                             WHICHIRQL_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &WhichIrqlDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = WhichIrqlCreate;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = WhichIrqlCleanupClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = WhichIrqlCleanupClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = WhichIrqlDeviceControl;
    DriverObject->DriverUnload = WhichIrqlUnload;
    KmdLogPrint("DriverEntry: IRQL %u, process %Iu, thread %Iu; device %ws ready",
                WhichIrqlEntry.Irql, (ULONG_PTR)WhichIrqlEntry.ProcessId,
                (ULONG_PTR)WhichIrqlEntry.ThreadId, WHICHIRQL_DEVICE_NAME);
    return STATUS_SUCCESS;
}
