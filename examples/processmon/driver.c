/* processmon: KmdKit's ProcessMon and SharedEvent. DriverEntry registers a process-creation
 * callback (PsSetCreateProcessNotifyRoutineEx: the image must carry the FORCE_INTEGRITY flag,
 * kmd_add_driver(... INTEGRITY_CHECK)); DriverUnload removes it. The callback records the new
 * process's id, its parent and its image name in a ring under a spin lock and sets the event
 * the client handed over (IOCTL_PROCESSMON_SET_EVENT: a handle of the caller, referenced with
 * ObReferenceObjectByHandle in the caller's mode). IOCTL_PROCESSMON_FETCH takes the records.
 * Contract: processmon_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "processmon_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD ProcessMonUnload;

static PDEVICE_OBJECT ProcessMonDevice;
static POBJECT_TYPE ProcessMonEventType;
static BOOLEAN ProcessMonRegistered;

/* Under ProcessMonLock: the ring, its counters and the event pointer. */
static KSPIN_LOCK ProcessMonLock;
static PROCESSMON_RECORD ProcessMonRing[PROCESSMON_RING];
static ULONG ProcessMonFirst; /* index of the oldest record */
static ULONG ProcessMonCount;
static ULONG ProcessMonLost;
static PKEVENT ProcessMonEvent; /* referenced; NULL when the client gave none */

static VOID NTAPI ProcessMonNotify(PEPROCESS Process, HANDLE ProcessId,
                                   PPS_CREATE_NOTIFY_INFO CreateInfo)
{
    PROCESSMON_RECORD Record;
    PKEVENT Event;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Process);
    if (CreateInfo == NULL)
        return; /* the process is exiting */

    /* Build the record at PASSIVE_LEVEL: the name may be in paged memory, and a spin lock
     * raises to DISPATCH_LEVEL, where touching paged memory is forbidden. */
    RtlZeroMemory(&Record, sizeof(Record));
    Record.ProcessId = (ULONG_PTR)ProcessId;
    Record.ParentId = (ULONG_PTR)CreateInfo->ParentProcessId;
    if (CreateInfo->ImageFileName != NULL && CreateInfo->ImageFileName->Buffer != NULL) {
        ULONG Chars = CreateInfo->ImageFileName->Length / sizeof(WCHAR);

        if (Chars > PROCESSMON_NAME_CHARS - 1) {
            /* Keep the end of the path: the file name is what matters. */
            Record.Truncated = 1;
            RtlCopyMemory(Record.ImageName,
                          CreateInfo->ImageFileName->Buffer + Chars - (PROCESSMON_NAME_CHARS - 1),
                          (PROCESSMON_NAME_CHARS - 1) * sizeof(WCHAR));
        } else {
            RtlCopyMemory(Record.ImageName, CreateInfo->ImageFileName->Buffer,
                          Chars * sizeof(WCHAR));
        }
    }

    KeAcquireSpinLock(&ProcessMonLock, &Irql);
    if (ProcessMonCount == PROCESSMON_RING) {
        ProcessMonFirst = (ProcessMonFirst + 1) % PROCESSMON_RING; /* drop the oldest */
        ProcessMonCount--;
        ProcessMonLost++;
    }
    ProcessMonRing[(ProcessMonFirst + ProcessMonCount) % PROCESSMON_RING] = Record;
    ProcessMonCount++;
    Event = ProcessMonEvent;
    if (Event != NULL)
        ObReferenceObject(Event); /* keep it alive past the lock: SET_EVENT may replace it */
    KeReleaseSpinLock(&ProcessMonLock, Irql);
    if (Event != NULL) {
        KeSetEvent(Event, IO_NO_INCREMENT, FALSE);
        ObDereferenceObject(Event);
    }
}

/* Takes the event the client had given (if any) out of the driver's hands. */
static VOID ProcessMonReleaseEvent(VOID)
{
    PKEVENT Old;
    KIRQL Irql;

    KeAcquireSpinLock(&ProcessMonLock, &Irql);
    Old = ProcessMonEvent;
    ProcessMonEvent = NULL;
    KeReleaseSpinLock(&ProcessMonLock, Irql);
    if (Old != NULL)
        ObDereferenceObject(Old);
}

/* IOCTL_PROCESSMON_SET_EVENT: exactly one PROCESSMON_EVENT in (the table checks). */
static NTSTATUS ProcessMonSetEvent(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                   ULONG_PTR *Information)
{
    const PROCESSMON_EVENT *In = Io->In;
    PKEVENT Event, Old;
    KIRQL Irql;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Information);
    if (In->Handle == 0) {
        ProcessMonReleaseEvent();
        KmdLogPrint("event released");
        return STATUS_SUCCESS;
    }
    /* The handle is the caller's: check it as the caller (Irp->RequestorMode is UserMode for an
     * application), with the access the driver needs and the type it expects. A METHOD_BUFFERED
     * request to a top-level driver runs in the caller's process, where the handle means
     * something. */
    Status =
        ObReferenceObjectByHandle((HANDLE)(ULONG_PTR)In->Handle, EVENT_MODIFY_STATE,
                                  ProcessMonEventType, Irp->RequestorMode, (PVOID *)&Event, NULL);
    if (!NT_SUCCESS(Status)) {
        KmdLogPrint("SET_EVENT: handle 0x%I64x refused: 0x%08lx", In->Handle, (ULONG)Status);
        return Status;
    }
    KeAcquireSpinLock(&ProcessMonLock, &Irql);
    Old = ProcessMonEvent;
    ProcessMonEvent = Event;
    KeReleaseSpinLock(&ProcessMonLock, Irql);
    if (Old != NULL)
        ObDereferenceObject(Old);
    KmdLogPrint("event set");
    return STATUS_SUCCESS;
}

/* IOCTL_PROCESSMON_FETCH: no input, a whole PROCESSMON_FETCH out (the table checks). */
static NTSTATUS ProcessMonFetch(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                ULONG_PTR *Information)
{
    PROCESSMON_FETCH *Out = Io->Out;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    RtlZeroMemory(Out, sizeof(*Out));
    KeAcquireSpinLock(&ProcessMonLock, &Irql);
    while (ProcessMonCount != 0 && Out->Count < PROCESSMON_MAX_FETCH) {
        Out->Records[Out->Count++] = ProcessMonRing[ProcessMonFirst];
        ProcessMonFirst = (ProcessMonFirst + 1) % PROCESSMON_RING;
        ProcessMonCount--;
    }
    Out->Pending = ProcessMonCount;
    Out->Lost = ProcessMonLost;
    ProcessMonLost = 0;
    KeReleaseSpinLock(&ProcessMonLock, Irql);
    *Information = sizeof(*Out);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL ProcessMonIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_PROCESSMON_SET_EVENT, sizeof(PROCESSMON_EVENT), sizeof(PROCESSMON_EVENT), 0,
     ProcessMonSetEvent},
    {IOCTL_PROCESSMON_FETCH, 0, 0, sizeof(PROCESSMON_FETCH), ProcessMonFetch},
};

static VOID NTAPI ProcessMonUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* Removal waits for callbacks that are running: after it, none can touch the driver. */
    if (ProcessMonRegistered) {
        NTSTATUS Status = PsSetCreateProcessNotifyRoutineEx(ProcessMonNotify, TRUE);
        KmdLogPrint("DriverUnload: callback removed: 0x%08lx", (ULONG)Status);
    }
    ProcessMonReleaseEvent();
    KmdDeleteDevice(ProcessMonDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "processmon");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&ProcessMonLock);
    /* DriverUnload never runs after a failed DriverEntry: each failure below undoes here what
     * succeeded before it. */
    ProcessMonEventType = KmdLookUpObjectType(L"ExEventObjectType");
    if (ProcessMonEventType == NULL) {
        KmdLogError("ExEventObjectType is not exported");
        KmdLibUninitialize();
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    Status = KmdCreateDevice(DriverObject, PROCESSMON_DEVICE_NAME, PROCESSMON_LINK_NAME,
                             PROCESSMON_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &ProcessMonDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    /* STATUS_ACCESS_DENIED here means the image lacks the FORCE_INTEGRITY flag. */
    Status = PsSetCreateProcessNotifyRoutineEx(ProcessMonNotify, FALSE);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("PsSetCreateProcessNotifyRoutineEx failed: 0x%08lx", (ULONG)Status);
        KmdDeleteDevice(ProcessMonDevice);
        KmdLibUninitialize();
        return Status;
    }
    ProcessMonRegistered = TRUE;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(ProcessMonDevice, ProcessMonIoctls, RTL_NUMBER_OF(ProcessMonIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = ProcessMonUnload;
    KmdLogPrint("DriverEntry: device %ws ready, process callback registered",
                PROCESSMON_DEVICE_NAME);
    return STATUS_SUCCESS;
}
