/* timers: KmdKit's TimerWorks. IOCTL_TIMERS_START sets a periodic kernel timer (KeSetTimerEx)
 * with a DPC. The DPC, at DISPATCH_LEVEL, only counts the tick and sets an event; a system
 * thread waiting on that event (and on a stop event) does the rest at PASSIVE_LEVEL: it records
 * the time since its last wake-up (KeQueryInterruptTime). IOCTL_TIMERS_QUERY reads the counters,
 * IOCTL_TIMERS_STOP (and DriverUnload) cancels the timer, flushes the DPC and waits for the
 * thread. Contract: headers/timers_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include <timers_ioctl.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD TimersUnload;
static DRIVER_DISPATCH TimersDeviceControl;
static KDEFERRED_ROUTINE TimersDpc;
static KSTART_ROUTINE TimersThread;

enum { TimersIdle, TimersChanging, TimersRunning };

static PDEVICE_OBJECT TimersDevice;
static POBJECT_TYPE TimersThreadType;
static volatile LONG TimersStateValue = TimersIdle;

/* Nonpaged (the DPC touches them): the timer, its DPC, the events, the thread object. */
static KTIMER TimersTimer;
static KDPC TimersTimerDpc;
static KEVENT TimersTickEvent; /* SynchronizationEvent: set by the DPC, one wake-up per set */
static KEVENT TimersStopEvent; /* NotificationEvent: set once to end the thread */
static PKTHREAD TimersThreadObject;

/* The counters: Dpcs with interlocked operations (DPC), the rest under TimersLock. */
static KSPIN_LOCK TimersLock;
static volatile LONG TimersDpcs;
static volatile LONG TimersDpcIrql;
static TIMERS_STATE TimersData;
static ULONGLONG TimersStartTime;

static VOID NTAPI TimersDpc(PKDPC Dpc, PVOID Context, PVOID Argument1, PVOID Argument2)
{
    UNREFERENCED_PARAMETER(Dpc);
    UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(Argument1);
    UNREFERENCED_PARAMETER(Argument2);
    /* DISPATCH_LEVEL: no waiting, no paged memory. Count and hand over to the thread. */
    TimersDpcIrql = KeGetCurrentIrql();
    InterlockedIncrement(&TimersDpcs);
    KeSetEvent(&TimersTickEvent, IO_NO_INCREMENT, FALSE);
}

static VOID NTAPI TimersThread(PVOID Context)
{
    PVOID Objects[2] = {&TimersStopEvent, &TimersTickEvent};
    ULONGLONG Last = TimersStartTime;

    UNREFERENCED_PARAMETER(Context);
    for (;;) {
        /* Two objects: within THREAD_WAIT_OBJECTS, the thread's own wait blocks serve. */
        NTSTATUS Status =
            KeWaitForMultipleObjects(2, Objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
        ULONGLONG Now;
        KIRQL Irql;

        if (Status != STATUS_WAIT_1)
            break;                    /* the stop event (or a failed wait) */
        Now = KeQueryInterruptTime(); /* 100 ns units since boot, never goes back */
        KeAcquireSpinLock(&TimersLock, &Irql);
        TimersData.Wakeups++;
        if (TimersData.Recorded < TIMERS_MAX_INTERVALS)
            TimersData.IntervalsUs[TimersData.Recorded++] = (unsigned int)((Now - Last) / 10);
        KeReleaseSpinLock(&TimersLock, Irql);
        Last = Now;
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static NTSTATUS TimersStart(const KMD_IOCTL_BUFFERS *Io)
{
    const TIMERS_START *Start = Io->In;
    OBJECT_ATTRIBUTES Attributes;
    LARGE_INTEGER DueTime;
    HANDLE Handle;
    KIRQL Irql;
    NTSTATUS Status;

    if (Io->InLength != sizeof(*Start) || Start->PeriodMs < TIMERS_MIN_PERIOD_MS ||
        Start->PeriodMs > TIMERS_MAX_PERIOD_MS)
        return STATUS_INVALID_PARAMETER;
    if (InterlockedCompareExchange(&TimersStateValue, TimersChanging, TimersIdle) != TimersIdle)
        return STATUS_DEVICE_BUSY;
    KeAcquireSpinLock(&TimersLock, &Irql);
    RtlZeroMemory(&TimersData, sizeof(TimersData));
    TimersData.PeriodMs = Start->PeriodMs;
    TimersDpcs = 0;
    TimersDpcIrql = 0;
    KeReleaseSpinLock(&TimersLock, Irql);
    KeClearEvent(&TimersTickEvent);
    KeClearEvent(&TimersStopEvent);

    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    TimersStartTime = KeQueryInterruptTime();
    Status = PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, &Attributes, NULL, NULL, TimersThread,
                                  NULL);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("PsCreateSystemThread failed: 0x%08lx", (ULONG)Status);
        InterlockedExchange(&TimersStateValue, TimersIdle);
        return Status;
    }
    Status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, TimersThreadType, KernelMode,
                                       (PVOID *)&TimersThreadObject, NULL);
    if (!NT_SUCCESS(Status)) {
        /* Not expected for a handle just made: stop the thread through the handle. */
        KmdLogError("ObReferenceObjectByHandle failed: 0x%08lx", (ULONG)Status);
        KeSetEvent(&TimersStopEvent, IO_NO_INCREMENT, FALSE);
        ZwWaitForSingleObject(Handle, FALSE, NULL);
        ZwClose(Handle);
        InterlockedExchange(&TimersStateValue, TimersIdle);
        return Status;
    }
    ZwClose(Handle);

    /* Negative due time: relative, in 100 ns units. Then every PeriodMs milliseconds. */
    DueTime.QuadPart = -(LONGLONG)Start->PeriodMs * 10000;
    KeSetTimerEx(&TimersTimer, DueTime, (LONG)Start->PeriodMs, &TimersTimerDpc);
    KeAcquireSpinLock(&TimersLock, &Irql);
    TimersData.Running = 1;
    KeReleaseSpinLock(&TimersLock, Irql);
    InterlockedExchange(&TimersStateValue, TimersRunning);
    KmdLogPrint("started: period %lu ms", Start->PeriodMs);
    return STATUS_SUCCESS;
}

/* Timer, then DPC, then thread: once the timer is cancelled no new DPC is queued; once queued
 * DPCs have run (KeFlushQueuedDpcs) nothing sets the tick event; then the thread may go. */
static VOID TimersShutDown(VOID)
{
    KIRQL Irql;

    KeCancelTimer(&TimersTimer);
    KeFlushQueuedDpcs();
    KeSetEvent(&TimersStopEvent, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(TimersThreadObject, Executive, KernelMode, FALSE, NULL);
    ObDereferenceObject(TimersThreadObject);
    TimersThreadObject = NULL;
    KeAcquireSpinLock(&TimersLock, &Irql);
    TimersData.Running = 0;
    KeReleaseSpinLock(&TimersLock, Irql);
    KmdLogPrint("stopped: %ld DPCs, %u wake-ups", TimersDpcs, TimersData.Wakeups);
}

static NTSTATUS TimersStop(const KMD_IOCTL_BUFFERS *Io)
{
    LONG Seen;

    if (Io->InLength != 0)
        return STATUS_INVALID_PARAMETER;
    Seen = InterlockedCompareExchange(&TimersStateValue, TimersChanging, TimersRunning);
    if (Seen == TimersIdle)
        return STATUS_INVALID_DEVICE_STATE;
    if (Seen != TimersRunning)
        return STATUS_DEVICE_BUSY;
    TimersShutDown();
    InterlockedExchange(&TimersStateValue, TimersIdle);
    return STATUS_SUCCESS;
}

static NTSTATUS TimersQuery(const KMD_IOCTL_BUFFERS *Io, ULONG_PTR *Information)
{
    TIMERS_STATE *Out = Io->Out;
    KIRQL Irql;

    if (Io->InLength != 0)
        return STATUS_INVALID_PARAMETER;
    if (Io->OutLength < sizeof(*Out))
        return STATUS_BUFFER_TOO_SMALL;
    KeAcquireSpinLock(&TimersLock, &Irql);
    *Out = TimersData;
    Out->Dpcs = (unsigned int)TimersDpcs;
    Out->DpcIrql = (unsigned int)TimersDpcIrql;
    KeReleaseSpinLock(&TimersLock, Irql);
    *Information = sizeof(*Out);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI TimersDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_IOCTL_BUFFERS Io;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    Status = KmdGetIoctlBuffers(Irp, 0, 0, &Io);
    if (NT_SUCCESS(Status)) {
        switch (Io.Code) {
        case IOCTL_TIMERS_START:
            Status = TimersStart(&Io);
            break;
        case IOCTL_TIMERS_STOP:
            Status = TimersStop(&Io);
            break;
        case IOCTL_TIMERS_QUERY:
            Status = TimersQuery(&Io, &Information);
            break;
        default:
            Status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
    }
    return KmdCompleteIrp(Irp, Status, Information);
}

static VOID NTAPI TimersUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* No request runs now; a timer still set would call TimersDpc after the image is gone. */
    if (TimersStateValue == TimersRunning) {
        KmdLogPrint("DriverUnload: stopping the timer");
        TimersShutDown();
    }
    KmdDeleteDevice(TimersDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KmdLibInitialize(DriverObject, "timers");
    TimersThreadType = KmdLookUpObjectType(L"PsThreadType");
    if (TimersThreadType == NULL) {
        KmdLogError("PsThreadType is not exported");
        KmdLibUninitialize();
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    KeInitializeSpinLock(&TimersLock);
    KeInitializeTimerEx(&TimersTimer, SynchronizationTimer);
    KeInitializeDpc(&TimersTimerDpc, TimersDpc, NULL);
    KeInitializeEvent(&TimersTickEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&TimersStopEvent, NotificationEvent, FALSE);
    Status = KmdCreateDevice(DriverObject, TIMERS_DEVICE_NAME, TIMERS_LINK_NAME, TIMERS_DEVICE_TYPE,
                             0, KmdDeviceAccessAdmins, &TimersDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = TimersDeviceControl;
    DriverObject->DriverUnload = TimersUnload;
    KmdLogPrint("DriverEntry: device %ws ready (period %u..%u ms)", TIMERS_DEVICE_NAME,
                TIMERS_MIN_PERIOD_MS, TIMERS_MAX_PERIOD_MS);
    return STATUS_SUCCESS;
}
