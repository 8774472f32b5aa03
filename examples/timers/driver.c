/* timers: KmdKit's TimerWorks. IOCTL_TIMERS_START sets a periodic kernel timer (KeSetTimerEx)
 * with a DPC. The DPC, at DISPATCH_LEVEL, only counts the tick and sets an event; a system
 * thread waiting on that event (and on a stop event) does the rest at PASSIVE_LEVEL: it records
 * the time since its last wake-up (KeQueryInterruptTime). IOCTL_TIMERS_QUERY reads the counters,
 * IOCTL_TIMERS_STOP (and DriverUnload) cancels the timer, flushes the DPC and waits for the
 * thread. Contract: timers_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "timers_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD TimersUnload;
static KDEFERRED_ROUTINE TimersDpc;
static KSTART_ROUTINE TimersThread;

static PDEVICE_OBJECT TimersDevice;
static KMD_RUN_STATE TimersRun; /* START and STOP, one request at a time (kmdkit/runstate.h) */

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

/* IOCTL_TIMERS_START: exactly one TIMERS_START in (the table checks); PeriodMs checked here. */
static NTSTATUS TimersStart(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                            ULONG_PTR *Information)
{
    const TIMERS_START *Start = Io->In;
    LARGE_INTEGER DueTime;
    KIRQL Irql;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Information);
    if (Start->PeriodMs < TIMERS_MIN_PERIOD_MS || Start->PeriodMs > TIMERS_MAX_PERIOD_MS)
        return STATUS_INVALID_PARAMETER;
    Status = KmdRunBeginStart(&TimersRun); /* STATUS_DEVICE_BUSY: started, or starting/stopping */
    if (!NT_SUCCESS(Status))
        return Status;
    KeAcquireSpinLock(&TimersLock, &Irql);
    RtlZeroMemory(&TimersData, sizeof(TimersData));
    TimersData.PeriodMs = Start->PeriodMs;
    TimersDpcs = 0;
    TimersDpcIrql = 0;
    KeReleaseSpinLock(&TimersLock, Irql);
    KeClearEvent(&TimersTickEvent);
    KeClearEvent(&TimersStopEvent);

    /* The thread, held by its object (KmdStartSystemThread logs why it could not start one). */
    TimersStartTime = KeQueryInterruptTime();
    Status = KmdStartSystemThread(TimersThread, NULL, &TimersStopEvent, &TimersThreadObject);
    if (!NT_SUCCESS(Status)) {
        KmdRunEnd(&TimersRun, FALSE);
        return Status;
    }

    /* Negative due time: relative, in 100 ns units. Then every PeriodMs milliseconds. */
    DueTime.QuadPart = -(LONGLONG)Start->PeriodMs * 10000;
    KeSetTimerEx(&TimersTimer, DueTime, (LONG)Start->PeriodMs, &TimersTimerDpc);
    KeAcquireSpinLock(&TimersLock, &Irql);
    TimersData.Running = 1;
    KeReleaseSpinLock(&TimersLock, Irql);
    KmdRunEnd(&TimersRun, TRUE);
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
    KmdStopSystemThread(&TimersThreadObject, &TimersStopEvent); /* set the event, wait */
    KeAcquireSpinLock(&TimersLock, &Irql);
    TimersData.Running = 0;
    KeReleaseSpinLock(&TimersLock, Irql);
    KmdLogPrint("stopped: %ld DPCs, %u wake-ups", TimersDpcs, TimersData.Wakeups);
}

/* IOCTL_TIMERS_STOP: no input (the table checks). */
static NTSTATUS TimersStop(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                           ULONG_PTR *Information)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Io);
    UNREFERENCED_PARAMETER(Information);
    Status = KmdRunBeginStop(&TimersRun); /* not started, or another START/STOP in progress */
    if (!NT_SUCCESS(Status))
        return Status;
    TimersShutDown();
    KmdRunEnd(&TimersRun, FALSE);
    return STATUS_SUCCESS;
}

/* IOCTL_TIMERS_QUERY: no input, a whole TIMERS_STATE out (the table checks). */
static NTSTATUS TimersQuery(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                            ULONG_PTR *Information)
{
    TIMERS_STATE *Out = Io->Out;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KeAcquireSpinLock(&TimersLock, &Irql);
    *Out = TimersData;
    Out->Dpcs = (unsigned int)TimersDpcs;
    Out->DpcIrql = (unsigned int)TimersDpcIrql;
    KeReleaseSpinLock(&TimersLock, Irql);
    *Information = sizeof(*Out);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL TimersIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_TIMERS_START, sizeof(TIMERS_START), sizeof(TIMERS_START), 0, TimersStart},
    {IOCTL_TIMERS_STOP, 0, 0, 0, TimersStop},
    {IOCTL_TIMERS_QUERY, 0, 0, sizeof(TIMERS_STATE), TimersQuery},
};

static VOID NTAPI TimersUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* No request runs now; a timer still set would call TimersDpc after the image is gone. */
    if (KmdRunIsRunning(&TimersRun)) {
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
    Status = KmdLibInitialize(DriverObject, "timers");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&TimersLock);
    KeInitializeTimerEx(&TimersTimer, SynchronizationTimer);
    KeInitializeDpc(&TimersTimerDpc, TimersDpc, NULL);
    KeInitializeEvent(&TimersTickEvent, SynchronizationEvent, FALSE);
    KeInitializeEvent(&TimersStopEvent, NotificationEvent, FALSE);
    Status = KmdCreateDevice(DriverObject, TIMERS_DEVICE_NAME, TIMERS_LINK_NAME, TIMERS_DEVICE_TYPE,
                             0, KmdDeviceAccessAdmins, &TimersDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. The timer
         * and the thread start only with IOCTL_TIMERS_START, so klib is all there is to undo. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(TimersDevice, TimersIoctls, RTL_NUMBER_OF(TimersIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = TimersUnload;
    KmdLogPrint("DriverEntry: device %ws ready (period %u..%u ms)", TIMERS_DEVICE_NAME,
                TIMERS_MIN_PERIOD_MS, TIMERS_MAX_PERIOD_MS);
    return STATUS_SUCCESS;
}
