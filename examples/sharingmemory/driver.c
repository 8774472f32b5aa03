/* sharingmemory: KmdKit's SharingMemory. A page the driver keeps up to date on a periodic timer,
 * shown in the client's address space. Contract: sharingmemory_ioctl.h.
 *
 * The design, and why (README.md has the long version):
 * - The page is a pagefile-backed section (ZwCreateSection, SEC_COMMIT). IOCTL_SHARINGMEMORY_MAP
 *   maps a read-only view of it into the calling process with ZwMapViewOfSection: a top-level
 *   driver's DEVICE_CONTROL runs in the caller's context, so ZwCurrentProcess() is the caller.
 *   ZwMapViewOfSection returns a status; it never raises. The 2005 original built an MDL and
 *   mapped it with MmMapLockedPagesSpecifyCache(UserMode), which raises an exception when it
 *   fails and so must sit in __try/__except, which GCC does not have.
 * - Section pages are pageable, and a DPC runs at DISPATCH_LEVEL where touching pageable memory
 *   is a bug check. So the periodic timer (KeSetTimerEx) has no DPC: a system thread waits on
 *   the timer object and writes the page at PASSIVE_LEVEL through its own view, mapped in the
 *   System process (where the thread runs, and where no user code can unmap it).
 * - The client's view is per handle (FileObject->FsContext): unmapped by
 *   IOCTL_SHARINGMEMORY_UNMAP, at IRP_MJ_CLEANUP (in the closing process's context), or at
 *   IRP_MJ_CLOSE when that runs in the same process. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "sharingmemory_ioctl.h"

#define SHARINGMEMORY_TAG KMD_TAG('K', 's', 'h', 'm')

#ifndef KeMemoryBarrier /* the WDK's full fence; not in MinGW-w64's headers */
#define KeMemoryBarrier() __sync_synchronize()
#endif

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SharingMemoryUnload;
static DRIVER_DISPATCH SharingMemoryCleanupClose;
static KSTART_ROUTINE SharingMemoryThread;

/* One per handle that has mapped a view. */
typedef struct SHARINGMEMORY_HANDLE {
    PVOID Base;        /* the view in Process, or NULL */
    PEPROCESS Process; /* referenced while Base is set */
} SHARINGMEMORY_HANDLE;

static PDEVICE_OBJECT SharingMemoryDevice;
static HANDLE SharingMemorySection; /* kernel handle */
static PKTHREAD SharingMemoryThreadObject;
static KTIMER SharingMemoryTimer;
static KEVENT SharingMemoryStop, SharingMemoryReady;
static NTSTATUS SharingMemoryThreadStatus;
static SHARINGMEMORY_PAGE *SharingMemorySystemView; /* the thread's view, in the System process */
/* Guards every SHARINGMEMORY_HANDLE. A KMUTEX, not a FAST_MUTEX: holding a fast mutex raises
 * the IRQL to APC_LEVEL, and ZwMapViewOfSection/ZwUnmapViewOfSection need PASSIVE_LEVEL. */
static KMUTEX SharingMemoryLock;

/* Runs in the System process at PASSIVE_LEVEL: maps its own view, then writes the page on every
 * tick of the timer until the stop event. */
KMD_PAGED static VOID NTAPI SharingMemoryThread(PVOID Context)
{
    PVOID Objects[2] = {&SharingMemoryStop, &SharingMemoryTimer};
    SIZE_T ViewSize = 0;
    PVOID Base = NULL;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Context);
    Status = ZwMapViewOfSection(SharingMemorySection, ZwCurrentProcess(), &Base, 0, 0, NULL,
                                &ViewSize, ViewUnmap, 0, PAGE_READWRITE);
    SharingMemoryThreadStatus = Status;
    if (NT_SUCCESS(Status)) {
        SharingMemorySystemView = Base;
        SharingMemorySystemView->Magic = SHARINGMEMORY_MAGIC;
    }
    KeSetEvent(&SharingMemoryReady, IO_NO_INCREMENT, FALSE);
    if (!NT_SUCCESS(Status))
        PsTerminateSystemThread(Status);

    for (;;) {
        LARGE_INTEGER Now;

        Status =
            KeWaitForMultipleObjects(2, Objects, WaitAny, Executive, KernelMode, FALSE, NULL, NULL);
        if (Status != STATUS_WAIT_1)
            break; /* the stop event (or a failed wait) */
        KeQuerySystemTime(&Now);
        SharingMemorySystemView->SystemTime = Now.QuadPart;
        KeMemoryBarrier(); /* readers see the time before the counter that announces it */
        SharingMemorySystemView->Counter++;
    }
    KmdLogPrint("thread: stopped after %u ticks", SharingMemorySystemView->Counter);
    ZwUnmapViewOfSection(ZwCurrentProcess(), Base);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

KMD_PAGED static VOID SharingMemoryAcquire(VOID)
{
    KMD_PAGED_CODE();
    KeWaitForSingleObject(&SharingMemoryLock, Executive, KernelMode, FALSE, NULL);
}

/* Unmaps a handle's view; only possible from the process that has it. Lock held. */
KMD_PAGED static NTSTATUS SharingMemoryUnmapLocked(SHARINGMEMORY_HANDLE *Handle)
{
    NTSTATUS Status;

    KMD_PAGED_CODE();
    if (Handle == NULL || Handle->Base == NULL)
        return STATUS_INVALID_DEVICE_STATE;
    if (PsGetCurrentProcess() != Handle->Process)
        return STATUS_ACCESS_DENIED;
    Status = ZwUnmapViewOfSection(ZwCurrentProcess(), Handle->Base);
    Handle->Base = NULL;
    ObDereferenceObject(Handle->Process);
    Handle->Process = NULL;
    return Status;
}

KMD_PAGED static NTSTATUS SharingMemoryMap(PFILE_OBJECT File, SHARINGMEMORY_MAPPING *Mapping)
{
    SHARINGMEMORY_HANDLE *Handle;
    SIZE_T ViewSize = 0;
    PVOID Base = NULL;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    SharingMemoryAcquire();
    Handle = File->FsContext;
    if (Handle != NULL && Handle->Base != NULL) {
        Status = STATUS_INVALID_DEVICE_STATE;
        goto out;
    }
    if (Handle == NULL) {
        Handle = KmdAllocatePool(POOL_FLAG_NON_PAGED, sizeof(*Handle), SHARINGMEMORY_TAG);
        if (Handle == NULL) {
            Status = STATUS_INSUFFICIENT_RESOURCES;
            goto out;
        }
        File->FsContext = Handle;
    }
    /* Read-only for the client, in the caller's address space (ZwCurrentProcess()). */
    Status = ZwMapViewOfSection(SharingMemorySection, ZwCurrentProcess(), &Base, 0, 0, NULL,
                                &ViewSize, ViewUnmap, 0, PAGE_READONLY);
    if (!NT_SUCCESS(Status))
        goto out;
    Handle->Base = Base;
    Handle->Process = PsGetCurrentProcess();
    ObReferenceObject(Handle->Process);
    RtlZeroMemory(Mapping, sizeof(*Mapping));
    Mapping->Size = sizeof(*Mapping);
    Mapping->ViewSize = (ULONG)ViewSize;
    Mapping->Address = (ULONG_PTR)Base;
    KmdLogPrint("mapped %Iu bytes at %p in process %p", ViewSize, Base, PsGetCurrentProcessId());
out:
    KeReleaseMutex(&SharingMemoryLock, FALSE);
    return Status;
}

/* A copy of the page through the thread's view, which lives in the System process. */
KMD_PAGED static VOID SharingMemoryRead(SHARINGMEMORY_PAGE *Copy)
{
    KAPC_STATE Apc;

    KMD_PAGED_CODE();
    KeStackAttachProcess((PKPROCESS)PsInitialSystemProcess, &Apc);
    Copy->Magic = SharingMemorySystemView->Magic;
    Copy->Counter = SharingMemorySystemView->Counter;
    KeMemoryBarrier();
    Copy->SystemTime = SharingMemorySystemView->SystemTime;
    KeUnstackDetachProcess(&Apc);
}

/* IOCTL_SHARINGMEMORY_MAP: no input, a whole SHARINGMEMORY_MAPPING out (the table checks). */
KMD_PAGED static NTSTATUS SharingMemoryMapIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    Status = SharingMemoryMap(IoGetCurrentIrpStackLocation(Irp)->FileObject, Io->Out);
    if (NT_SUCCESS(Status))
        *Info = sizeof(SHARINGMEMORY_MAPPING);
    return Status;
}

/* IOCTL_SHARINGMEMORY_UNMAP: no input (the table checks) and no output, which a table row
 * cannot demand: checked here. */
KMD_PAGED static NTSTATUS SharingMemoryUnmapIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                  PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Info);
    if (Io->OutLength != 0)
        return STATUS_INVALID_PARAMETER;
    SharingMemoryAcquire();
    Status = SharingMemoryUnmapLocked(IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext);
    KeReleaseMutex(&SharingMemoryLock, FALSE);
    return Status;
}

/* IOCTL_SHARINGMEMORY_READ: no input, a whole SHARINGMEMORY_PAGE out (the table checks). */
KMD_PAGED static NTSTATUS SharingMemoryReadIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                 PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    SharingMemoryRead(Io->Out);
    *Info = sizeof(SHARINGMEMORY_PAGE);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL SharingMemoryIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_SHARINGMEMORY_MAP, 0, 0, sizeof(SHARINGMEMORY_MAPPING), SharingMemoryMapIoctl},
    {IOCTL_SHARINGMEMORY_UNMAP, 0, 0, 0, SharingMemoryUnmapIoctl},
    {IOCTL_SHARINGMEMORY_READ, 0, 0, sizeof(SHARINGMEMORY_PAGE), SharingMemoryReadIoctl},
};

/* CLEANUP (the last handle closed, in the closing process's context) unmaps the view; CLOSE
 * unmaps it too when it runs in that process, and frees the handle's state. */
KMD_PAGED static NTSTATUS NTAPI SharingMemoryCleanupClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    SHARINGMEMORY_HANDLE *Handle = Stack->FileObject->FsContext;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);
    if (Handle != NULL) {
        SharingMemoryAcquire();
        if (NT_SUCCESS(SharingMemoryUnmapLocked(Handle)))
            KmdLogPrint("%s: view unmapped",
                        Stack->MajorFunction == IRP_MJ_CLEANUP ? "cleanup" : "close");
        if (Stack->MajorFunction == IRP_MJ_CLOSE) {
            /* Another process's view cannot be unmapped from here; it goes with that process. */
            if (Handle->Base != NULL)
                ObDereferenceObject(Handle->Process);
            Stack->FileObject->FsContext = NULL;
            KmdFreePool(Handle, SHARINGMEMORY_TAG);
        }
        KeReleaseMutex(&SharingMemoryLock, FALSE);
    }
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* Stops the timer and the thread, and closes the section (views still mapped in a process keep
 * it alive until they go). */
KMD_PAGED static VOID SharingMemoryStopThread(VOID)
{
    KMD_PAGED_CODE();
    KeCancelTimer(&SharingMemoryTimer);
    KmdStopSystemThread(&SharingMemoryThreadObject, &SharingMemoryStop); /* NULL: none started */
    ZwClose(SharingMemorySection);
}

KMD_PAGED static VOID NTAPI SharingMemoryUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(SharingMemoryDevice);
    SharingMemoryStopThread();
    KmdLogPrint("DriverUnload: timer and thread stopped, device and link removed");
    KmdLibUninitialize();
}

KMD_INIT static NTSTATUS SharingMemoryStart(VOID)
{
    LARGE_INTEGER Size = {.QuadPart = PAGE_SIZE};
    LARGE_INTEGER Due = {.QuadPart = -10000LL * SHARINGMEMORY_PERIOD_MS};
    OBJECT_ATTRIBUTES Attributes;
    NTSTATUS Status;

    InitializeObjectAttributes(&Attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    Status = ZwCreateSection(&SharingMemorySection, SECTION_ALL_ACCESS, &Attributes, &Size,
                             PAGE_READWRITE, SEC_COMMIT, NULL);
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeEvent(&SharingMemoryStop, NotificationEvent, FALSE);
    KeInitializeEvent(&SharingMemoryReady, NotificationEvent, FALSE);
    KeInitializeTimerEx(&SharingMemoryTimer, SynchronizationTimer);
    Status = KmdStartSystemThread(SharingMemoryThread, NULL, &SharingMemoryStop,
                                  &SharingMemoryThreadObject);
    if (!NT_SUCCESS(Status)) {
        SharingMemoryStopThread();
        return Status;
    }
    KeWaitForSingleObject(&SharingMemoryReady, Executive, KernelMode, FALSE, NULL);
    if (!NT_SUCCESS(SharingMemoryThreadStatus)) {
        SharingMemoryStopThread(); /* the thread has ended already */
        return SharingMemoryThreadStatus;
    }
    KeSetTimerEx(&SharingMemoryTimer, Due, SHARINGMEMORY_PERIOD_MS, NULL);
    return STATUS_SUCCESS;
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "sharingmemory");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeMutex(&SharingMemoryLock, 0);
    /* DriverUnload never runs after a failed DriverEntry: each failure below undoes here what
     * succeeded before it. */
    Status = SharingMemoryStart();
    if (!NT_SUCCESS(Status)) {
        KmdLogError("section, thread or timer failed: 0x%08lx", (ULONG)Status);
        KmdLibUninitialize();
        return Status;
    }
    Status =
        KmdCreateDevice(DriverObject, SHARINGMEMORY_DEVICE_NAME, SHARINGMEMORY_LINK_NAME,
                        SHARINGMEMORY_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &SharingMemoryDevice);
    if (!NT_SUCCESS(Status)) {
        SharingMemoryStopThread(); /* KmdCreateDevice logged why */
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = SharingMemoryCleanupClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SharingMemoryCleanupClose;
    KmdSetDeviceIoctls(SharingMemoryDevice, SharingMemoryIoctls,
                       RTL_NUMBER_OF(SharingMemoryIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = SharingMemoryUnload;
    KmdLogPrint("DriverEntry: device %ws ready, page updated every %u ms",
                SHARINGMEMORY_DEVICE_NAME, SHARINGMEMORY_PERIOD_MS);
    return STATUS_SUCCESS;
}
