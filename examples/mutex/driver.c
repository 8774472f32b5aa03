/* mutex: KmdKit's MutualExclusion. IOCTL_MUTEX_START makes MUTEX_THREADS system threads
 * (PsCreateSystemThread) that each add 1 to a shared counter Iterations times. Every update
 * reads the counter, sleeps a random 100-499 us, and writes the value + 1: without the KMUTEX
 * around it, updates would be lost. IOCTL_MUTEX_WAIT (and DriverUnload) wait for every thread
 * through its object (ObReferenceObjectByHandle + KeWaitForMultipleObjects) and report the count,
 * which must be exactly threads x iterations. Contract: mutex_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "mutex_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD MutexUnload;
static KSTART_ROUTINE MutexThread;

#define MUTEX_TAG KMD_TAG('K', 'm', 'x', 'R')

typedef struct _MUTEX_RUN MUTEX_RUN;

typedef struct _MUTEX_WORKER {
    MUTEX_RUN *Run;
    ULONG Index;
    ULONG Seed; /* RtlRandomEx state: one per thread (RtlRandomEx is not thread-safe on a seed) */
    ULONG Updates;
} MUTEX_WORKER;

/* One run, in nonpaged pool: the threads touch it while they hold the KMUTEX. */
struct _MUTEX_RUN {
    KMUTEX Mutex;
    ULONG Iterations;
    volatile LONG Count; /* the shared state: read, delay, write under Mutex */
    volatile LONG Inside;
    ULONG Overlaps;
    ULONG HandOvers;
    volatile LONG WaitErrors;
    LONG LastHolder; /* Index + 1 of the last thread that held Mutex, 0 at first */
    ULONG Started;   /* threads made, and referenced in Thread[] */
    PKTHREAD Thread[MUTEX_THREADS];
    KWAIT_BLOCK WaitBlocks[MUTEX_THREADS]; /* more than THREAD_WAIT_OBJECTS (3) objects */
    MUTEX_WORKER Worker[MUTEX_THREADS];
};

static PDEVICE_OBJECT MutexDevice;
/* Who may start or wait: one request at a time moves the state forward (kmdkit/runstate.h). */
static KMD_RUN_STATE MutexState;
static MUTEX_RUN *MutexCurrent;

static VOID MutexSleepMicroseconds(ULONG Microseconds)
{
    LARGE_INTEGER Interval;

    Interval.QuadPart = -(LONGLONG)Microseconds * 10; /* relative, 100 ns units */
    KeDelayExecutionThread(KernelMode, FALSE, &Interval);
}

static VOID NTAPI MutexThread(PVOID Context)
{
    MUTEX_WORKER *Worker = Context;
    MUTEX_RUN *Run = Worker->Run;

    for (ULONG i = 0; i < Run->Iterations; i++) {
        NTSTATUS Status = KeWaitForSingleObject(&Run->Mutex, Executive, KernelMode, FALSE, NULL);
        LONG Value;

        if (!NT_SUCCESS(Status)) {
            InterlockedIncrement(&Run->WaitErrors);
            continue;
        }
        /* Inside the lock: nobody else may be here, and the counter is ours. */
        if (InterlockedIncrement(&Run->Inside) != 1)
            Run->Overlaps++;
        if (Run->LastHolder != (LONG)Worker->Index + 1) {
            if (Run->LastHolder != 0)
                Run->HandOvers++;
            Run->LastHolder = (LONG)Worker->Index + 1;
        }
        Value = Run->Count;
        MutexSleepMicroseconds(100 + RtlRandomEx(&Worker->Seed) % 400);
        Run->Count = Value + 1;
        Worker->Updates++;
        InterlockedDecrement(&Run->Inside);
        KeReleaseMutex(&Run->Mutex, FALSE);

        /* Outside the lock: let the others in. */
        MutexSleepMicroseconds(100 + RtlRandomEx(&Worker->Seed) % 400);
    }
    PsTerminateSystemThread(STATUS_SUCCESS);
}

/* Waits for every thread of Run, drops the references to them and frees Run. */
static VOID MutexFinishRun(MUTEX_RUN *Run, MUTEX_RESULT *Result)
{
    if (Run->Started != 0)
        KeWaitForMultipleObjects(Run->Started, (PVOID *)Run->Thread, WaitAll, Executive, KernelMode,
                                 FALSE, NULL, Run->WaitBlocks);
    for (ULONG i = 0; i < Run->Started; i++)
        ObDereferenceObject(Run->Thread[i]);
    if (Result != NULL) {
        RtlZeroMemory(Result, sizeof(*Result));
        Result->Threads = MUTEX_THREADS;
        Result->Iterations = Run->Iterations;
        Result->Expected = MUTEX_THREADS * Run->Iterations;
        Result->Count = (unsigned int)Run->Count;
        Result->Overlaps = Run->Overlaps;
        Result->HandOvers = Run->HandOvers;
        Result->WaitErrors = (unsigned int)Run->WaitErrors;
        for (ULONG i = 0; i < MUTEX_THREADS; i++)
            Result->PerThread[i] = Run->Worker[i].Updates;
    }
    KmdLogPrint("run ended: %u threads x %lu iterations, count %ld, %lu hand-overs", MUTEX_THREADS,
                Run->Iterations, Run->Count, Run->HandOvers);
    KmdFreePool(Run, MUTEX_TAG);
}

/* IOCTL_MUTEX_START: exactly one MUTEX_START in (the table checks); Iterations checked here. */
static NTSTATUS MutexStart(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                           ULONG_PTR *Information)
{
    const MUTEX_START *Start = Io->In;
    LARGE_INTEGER Now;
    MUTEX_RUN *Run;
    NTSTATUS Status = STATUS_SUCCESS;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Information);
    if (Start->Iterations == 0 || Start->Iterations > MUTEX_MAX_ITERATIONS)
        return STATUS_INVALID_PARAMETER;
    Status = KmdRunBeginStart(&MutexState); /* STATUS_DEVICE_BUSY: a run is going */
    if (!NT_SUCCESS(Status))
        return Status;
    Run = KmdAllocatePool(POOL_FLAG_NON_PAGED, sizeof(*Run), MUTEX_TAG);
    if (Run == NULL) {
        KmdRunEnd(&MutexState, FALSE);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeMutex(&Run->Mutex, 0);
    Run->Iterations = Start->Iterations;
    KeQuerySystemTime(&Now);
    for (ULONG i = 0; i < MUTEX_THREADS && NT_SUCCESS(Status); i++) {
        Run->Worker[i].Run = Run;
        Run->Worker[i].Index = i;
        Run->Worker[i].Seed = Now.LowPart ^ (0x9E3779B9u * (i + 1));
        /* Keep the thread object, not the handle: KeWaitFor... takes objects. No stop event:
         * the thread ends after its loop, and a failed start has waited for it already. */
        Status = KmdStartSystemThread(MutexThread, &Run->Worker[i], NULL, &Run->Thread[i]);
        if (NT_SUCCESS(Status))
            Run->Started++;
    }
    if (!NT_SUCCESS(Status)) {
        /* The threads made so far finish their loops; wait for them. */
        MutexFinishRun(Run, NULL);
        KmdRunEnd(&MutexState, FALSE);
        return Status;
    }
    MutexCurrent = Run;
    KmdRunEnd(&MutexState, TRUE);
    KmdLogPrint("run started: %u threads x %lu iterations", MUTEX_THREADS, Run->Iterations);
    return STATUS_SUCCESS;
}

/* IOCTL_MUTEX_WAIT: no input, a whole MUTEX_RESULT out (the table checks). */
static NTSTATUS MutexWait(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                          ULONG_PTR *Information)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    Status = KmdRunBeginStop(&MutexState); /* no run started, or another START/WAIT in progress */
    if (!NT_SUCCESS(Status))
        return Status;
    MutexFinishRun(MutexCurrent, Io->Out);
    MutexCurrent = NULL;
    KmdRunEnd(&MutexState, FALSE);
    *Information = sizeof(MUTEX_RESULT);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL MutexIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_MUTEX_START, sizeof(MUTEX_START), sizeof(MUTEX_START), 0, MutexStart},
    {IOCTL_MUTEX_WAIT, 0, 0, sizeof(MUTEX_RESULT), MutexWait},
};

static VOID NTAPI MutexUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    /* No request is running now (the device has no open handle), so a run still going was
     * started and never waited for: its threads run the driver's code, wait for them. */
    if (MutexCurrent != NULL) {
        KmdLogPrint("DriverUnload: waiting for the threads of the last run");
        MutexFinishRun(MutexCurrent, NULL);
        MutexCurrent = NULL;
    }
    KmdDeleteDevice(MutexDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "mutex");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, MUTEX_DEVICE_NAME, MUTEX_LINK_NAME, MUTEX_DEVICE_TYPE, 0,
                             KmdDeviceAccessAdmins, &MutexDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. No
         * thread runs before the first IOCTL_MUTEX_START, so klib is all there is to undo. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(MutexDevice, MutexIoctls, RTL_NUMBER_OF(MutexIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = MutexUnload;
    KmdLogPrint("DriverEntry: device %ws ready (%u threads, up to %u iterations each)",
                MUTEX_DEVICE_NAME, MUTEX_THREADS, MUTEX_MAX_ITERATIONS);
    return STATUS_SUCCESS;
}
