/* mutex: KmdKit's MutualExclusion. IOCTL_MUTEX_START makes MUTEX_THREADS system threads
 * (PsCreateSystemThread) that each add 1 to a shared counter Iterations times. Every update
 * reads the counter, sleeps a random 100-499 us, and writes the value + 1: without the KMUTEX
 * around it, updates would be lost. IOCTL_MUTEX_WAIT (and DriverUnload) wait for every thread
 * through its object (ObReferenceObjectByHandle + KeWaitForMultipleObjects) and report the count,
 * which must be exactly threads x iterations. Contract: headers/mutex_ioctl.h. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include <mutex_ioctl.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD MutexUnload;
static DRIVER_DISPATCH MutexDeviceControl;
static KSTART_ROUTINE MutexThread;

#define MUTEX_TAG KMD_TAG('K', 'm', 'x', 'R')

/* Who may start or wait: one request at a time moves the state forward. */
enum { MutexIdle, MutexStarting, MutexRunning, MutexWaiting };

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
static POBJECT_TYPE MutexThreadType;
static volatile LONG MutexState = MutexIdle;
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

static NTSTATUS MutexStart(const KMD_IOCTL_BUFFERS *Io)
{
    const MUTEX_START *Start = Io->In;
    OBJECT_ATTRIBUTES Attributes;
    LARGE_INTEGER Now;
    MUTEX_RUN *Run;
    NTSTATUS Status = STATUS_SUCCESS;

    if (Io->InLength != sizeof(*Start) || Start->Iterations == 0 ||
        Start->Iterations > MUTEX_MAX_ITERATIONS)
        return STATUS_INVALID_PARAMETER;
    if (InterlockedCompareExchange(&MutexState, MutexStarting, MutexIdle) != MutexIdle)
        return STATUS_DEVICE_BUSY;
    Run = KmdAllocatePool(POOL_FLAG_NON_PAGED, sizeof(*Run), MUTEX_TAG);
    if (Run == NULL) {
        InterlockedExchange(&MutexState, MutexIdle);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    KeInitializeMutex(&Run->Mutex, 0);
    Run->Iterations = Start->Iterations;
    KeQuerySystemTime(&Now);
    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    for (ULONG i = 0; i < MUTEX_THREADS && NT_SUCCESS(Status); i++) {
        HANDLE Handle;

        Run->Worker[i].Run = Run;
        Run->Worker[i].Index = i;
        Run->Worker[i].Seed = Now.LowPart ^ (0x9E3779B9u * (i + 1));
        Status = PsCreateSystemThread(&Handle, THREAD_ALL_ACCESS, &Attributes, NULL, NULL,
                                      MutexThread, &Run->Worker[i]);
        if (!NT_SUCCESS(Status)) {
            KmdLogError("PsCreateSystemThread failed: 0x%08lx", (ULONG)Status);
            break;
        }
        /* Keep the thread object, not the handle: KeWaitFor... takes objects. */
        Status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, MutexThreadType, KernelMode,
                                           (PVOID *)&Run->Thread[i], NULL);
        if (!NT_SUCCESS(Status)) {
            /* Not expected for a handle just made. The thread uses Run: let it end first. */
            KmdLogError("ObReferenceObjectByHandle failed: 0x%08lx", (ULONG)Status);
            ZwWaitForSingleObject(Handle, FALSE, NULL);
        } else {
            Run->Started++;
        }
        ZwClose(Handle);
    }
    if (!NT_SUCCESS(Status)) {
        /* The threads made so far finish their loops; wait for them. */
        MutexFinishRun(Run, NULL);
        InterlockedExchange(&MutexState, MutexIdle);
        return Status;
    }
    MutexCurrent = Run;
    InterlockedExchange(&MutexState, MutexRunning);
    KmdLogPrint("run started: %u threads x %lu iterations", MUTEX_THREADS, Run->Iterations);
    return STATUS_SUCCESS;
}

static NTSTATUS MutexWait(const KMD_IOCTL_BUFFERS *Io, ULONG_PTR *Information)
{
    LONG Seen;

    if (Io->InLength != 0)
        return STATUS_INVALID_PARAMETER;
    if (Io->OutLength < sizeof(MUTEX_RESULT))
        return STATUS_BUFFER_TOO_SMALL;
    Seen = InterlockedCompareExchange(&MutexState, MutexWaiting, MutexRunning);
    if (Seen == MutexIdle)
        return STATUS_INVALID_DEVICE_STATE;
    if (Seen != MutexRunning)
        return STATUS_DEVICE_BUSY;
    MutexFinishRun(MutexCurrent, Io->Out);
    MutexCurrent = NULL;
    InterlockedExchange(&MutexState, MutexIdle);
    *Information = sizeof(MUTEX_RESULT);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI MutexDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_IOCTL_BUFFERS Io;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    Status = KmdGetIoctlBuffers(Irp, 0, 0, &Io);
    if (NT_SUCCESS(Status)) {
        switch (Io.Code) {
        case IOCTL_MUTEX_START:
            Status = MutexStart(&Io);
            break;
        case IOCTL_MUTEX_WAIT:
            Status = MutexWait(&Io, &Information);
            break;
        default:
            Status = STATUS_INVALID_DEVICE_REQUEST;
            break;
        }
    }
    return KmdCompleteIrp(Irp, Status, Information);
}

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
    KmdLibInitialize(DriverObject, "mutex");
    MutexThreadType = KmdLookUpObjectType(L"PsThreadType");
    if (MutexThreadType == NULL) {
        KmdLogError("PsThreadType is not exported");
        KmdLibUninitialize();
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    Status = KmdCreateDevice(DriverObject, MUTEX_DEVICE_NAME, MUTEX_LINK_NAME, MUTEX_DEVICE_TYPE, 0,
                             KmdDeviceAccessAdmins, &MutexDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = MutexDeviceControl;
    DriverObject->DriverUnload = MutexUnload;
    KmdLogPrint("DriverEntry: device %ws ready (%u threads, up to %u iterations each)",
                MUTEX_DEVICE_NAME, MUTEX_THREADS, MUTEX_MAX_ITERATIONS);
    return STATUS_SUCCESS;
}
