/* workitem: KmdKit's WorkItem. A periodic timer's DPC runs at DISPATCH_LEVEL, where it may not
 * wait, touch paged memory or call most Zw/Io routines; it hands the work to a system worker
 * thread with IoQueueWorkItem (not ExQueueWorkItem: an IO_WORKITEM holds a reference to the
 * device object, so the driver cannot be unloaded while its work routine runs). The work
 * routine, at PASSIVE_LEVEL, records its IRQL, its thread and its sequence number.
 * IOCTL_WORKITEM_STOP (and DriverUnload) cancel the timer, flush the DPC and wait until no work
 * item is queued or running (a counter that starts at 1, plus an event). Contract:
 * workitem_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "workitem_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD WorkItemUnload;
static KDEFERRED_ROUTINE WorkItemDpc;
static IO_WORKITEM_ROUTINE WorkItemRoutine;

static PDEVICE_OBJECT WorkItemDevice;
static KMD_RUN_STATE WorkItemRun; /* START and STOP, one request at a time (kmdkit/runstate.h) */

static KTIMER WorkItemTimer;
static KDPC WorkItemTimerDpc;
static PIO_WORKITEM WorkItemItem; /* one work item, queued again only once its routine ended */
static volatile LONG WorkItemPending;

/* Rundown: 1 while started, + 1 per queued work item; the one that brings it to 0 sets the
 * event. STOP drops the 1 after the timer and its DPC are gone, then waits for the event. */
static volatile LONG WorkItemOutstanding;
static KEVENT WorkItemIdleEvent;

/* The records, under WorkItemLock. WorkItemDpcIrql goes with the one pending work item. */
static KSPIN_LOCK WorkItemLock;
static WORKITEM_STATE WorkItemData;
static ULONG WorkItemDpcIrql;

static VOID NTAPI WorkItemRoutine(PDEVICE_OBJECT DeviceObject, PVOID Context)
{
    WORKITEM_RECORD Record;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(DeviceObject);
    Record.Sequence = (unsigned int)(ULONG_PTR)Context;
    Record.Irql = KeGetCurrentIrql(); /* PASSIVE_LEVEL: waiting and paged memory are fine here */
    Record.ThreadId = (unsigned int)(ULONG_PTR)PsGetCurrentThreadId();
    KeAcquireSpinLock(&WorkItemLock, &Irql);
    Record.DpcIrql = WorkItemDpcIrql;
    if (WorkItemData.Ran < WORKITEM_MAX_ITEMS)
        WorkItemData.Records[WorkItemData.Ran++] = Record;
    KeReleaseSpinLock(&WorkItemLock, Irql);
    InterlockedExchange(&WorkItemPending, 0);
    if (InterlockedDecrement(&WorkItemOutstanding) == 0)
        KeSetEvent(&WorkItemIdleEvent, IO_NO_INCREMENT, FALSE);
}

static VOID NTAPI WorkItemDpc(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    ULONG Sequence = 0;

    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    KeAcquireSpinLockAtDpcLevel(&WorkItemLock);
    if (WorkItemData.Queued < WorkItemData.Count) {
        if (InterlockedCompareExchange(&WorkItemPending, 1, 0) == 0) {
            Sequence = ++WorkItemData.Queued;
            WorkItemDpcIrql = KeGetCurrentIrql();
        } else {
            WorkItemData.Busy++;
        }
    }
    KeReleaseSpinLockFromDpcLevel(&WorkItemLock);
    if (Sequence != 0) {
        InterlockedIncrement(&WorkItemOutstanding);
        IoQueueWorkItem(WorkItemItem, WorkItemRoutine, DelayedWorkQueue,
                        (PVOID)(ULONG_PTR)Sequence);
    }
}

/* IOCTL_WORKITEM_START: exactly one WORKITEM_START in (the table checks); its fields checked
 * here. */
static NTSTATUS WorkItemStart(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                              ULONG_PTR *Information)
{
    const WORKITEM_START *Start = Io->In;
    LARGE_INTEGER DueTime;
    KIRQL Irql;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Information);
    if (Start->PeriodMs < WORKITEM_MIN_PERIOD_MS || Start->PeriodMs > WORKITEM_MAX_PERIOD_MS ||
        Start->Count == 0 || Start->Count > WORKITEM_MAX_ITEMS)
        return STATUS_INVALID_PARAMETER;
    Status = KmdRunBeginStart(&WorkItemRun); /* STATUS_DEVICE_BUSY: started, or starting/stopping */
    if (!NT_SUCCESS(Status))
        return Status;
    KeAcquireSpinLock(&WorkItemLock, &Irql);
    RtlZeroMemory(&WorkItemData, sizeof(WorkItemData));
    WorkItemData.PeriodMs = Start->PeriodMs;
    WorkItemData.Count = Start->Count;
    WorkItemData.Running = 1;
    WorkItemData.StartThreadId = (unsigned int)(ULONG_PTR)PsGetCurrentThreadId();
    KeReleaseSpinLock(&WorkItemLock, Irql);
    WorkItemOutstanding = 1;
    KeClearEvent(&WorkItemIdleEvent);
    DueTime.QuadPart = -(LONGLONG)Start->PeriodMs * 10000; /* relative, 100 ns units */
    KeSetTimerEx(&WorkItemTimer, DueTime, (LONG)Start->PeriodMs, &WorkItemTimerDpc);
    KmdRunEnd(&WorkItemRun, TRUE);
    KmdLogPrint("started: period %lu ms, %lu work items", Start->PeriodMs, Start->Count);
    return STATUS_SUCCESS;
}

/* Timer, DPC, then the work items: after KeCancelTimer no DPC is queued, after
 * KeFlushQueuedDpcs none runs, so nothing queues work any more; then wait for what is queued. */
static VOID WorkItemShutDown(VOID)
{
    KIRQL Irql;

    KeCancelTimer(&WorkItemTimer);
    KeFlushQueuedDpcs();
    if (InterlockedDecrement(&WorkItemOutstanding) != 0)
        KeWaitForSingleObject(&WorkItemIdleEvent, Executive, KernelMode, FALSE, NULL);
    KeAcquireSpinLock(&WorkItemLock, &Irql);
    WorkItemData.Running = 0;
    KeReleaseSpinLock(&WorkItemLock, Irql);
    KmdLogPrint("stopped: %u queued, %u ran", WorkItemData.Queued, WorkItemData.Ran);
}

/* IOCTL_WORKITEM_STOP: no input (the table checks). */
static NTSTATUS WorkItemStop(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                             ULONG_PTR *Information)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Io);
    UNREFERENCED_PARAMETER(Information);
    Status = KmdRunBeginStop(&WorkItemRun); /* not started, or another START/STOP in progress */
    if (!NT_SUCCESS(Status))
        return Status;
    WorkItemShutDown();
    KmdRunEnd(&WorkItemRun, FALSE);
    return STATUS_SUCCESS;
}

/* IOCTL_WORKITEM_QUERY: no input, a whole WORKITEM_STATE out (the table checks). */
static NTSTATUS WorkItemQuery(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                              ULONG_PTR *Information)
{
    WORKITEM_STATE *Out = Io->Out;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KeAcquireSpinLock(&WorkItemLock, &Irql);
    *Out = WorkItemData;
    KeReleaseSpinLock(&WorkItemLock, Irql);
    *Information = sizeof(*Out);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL WorkItemIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_WORKITEM_START, sizeof(WORKITEM_START), sizeof(WORKITEM_START), 0, WorkItemStart},
    {IOCTL_WORKITEM_STOP, 0, 0, 0, WorkItemStop},
    {IOCTL_WORKITEM_QUERY, 0, 0, sizeof(WORKITEM_STATE), WorkItemQuery},
};

static VOID NTAPI WorkItemUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    if (KmdRunIsRunning(&WorkItemRun)) {
        KmdLogPrint("DriverUnload: stopping the timer and waiting for the work items");
        WorkItemShutDown();
    }
    IoFreeWorkItem(WorkItemItem); /* nothing queued or running now */
    KmdDeleteDevice(WorkItemDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "workitem");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&WorkItemLock);
    KeInitializeTimerEx(&WorkItemTimer, SynchronizationTimer);
    KeInitializeDpc(&WorkItemTimerDpc, WorkItemDpc, NULL);
    KeInitializeEvent(&WorkItemIdleEvent, NotificationEvent, TRUE);
    Status = KmdCreateDevice(DriverObject, WORKITEM_DEVICE_NAME, WORKITEM_LINK_NAME,
                             WORKITEM_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &WorkItemDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    WorkItemItem = IoAllocateWorkItem(WorkItemDevice);
    if (WorkItemItem == NULL) {
        KmdLogError("IoAllocateWorkItem failed");
        KmdDeleteDevice(WorkItemDevice);
        KmdLibUninitialize();
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(WorkItemDevice, WorkItemIoctls, RTL_NUMBER_OF(WorkItemIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = WorkItemUnload;
    KmdLogPrint("DriverEntry: device %ws ready", WORKITEM_DEVICE_NAME);
    return STATUS_SUCCESS;
}
