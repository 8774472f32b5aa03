/* seh: structured exception handling where a driver needs it - user addresses. METHOD_NEITHER
 * hands the driver the caller's own pointers, unchecked: whatever the driver reads or writes
 * there may fault, and only __try/__except turns that fault into an error status instead of a
 * bug check. Shown here: ProbeForRead/ProbeForWrite and MmProbeAndLockPages inside __try, the
 * exception code read in the filter, a filter function with the exception record, __finally
 * freeing pool and the MDL on both paths, __leave. Needs kmdkit's x64 clang toolchain (real SEH,
 * -Xclang -fasync-exceptions: a fault in the __try body itself reaches the handler).
 * Contract: seh_ioctl.h. */
#include <kmdkit/kernel.h>
#include "seh_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SehUnload;
static DRIVER_DISPATCH SehDeviceControl;

#define SEH_TAG KMD_TAG('S', 'e', 'h', 'B')

/* What the handlers did, since load: counters (interlocked) and the last exception (SehLock). */
static volatile LONG SehTries, SehExceptions, SehFinallyNormal, SehFinallyAbnormal, SehLeaves;
static KSPIN_LOCK SehLock;
static struct {
    ULONG Code, BodyCode, Stage, Access;
    ULONG64 Address;
} SehLast;

/* Records an exception: called from a filter, before anything is unwound. Record (NULL when the
 * filter has only the code) gives the address an access violation could not reach. */
static VOID SehNoteException(NTSTATUS Code, ULONG Stage, const EXCEPTION_RECORD *Record)
{
    KIRQL Irql;

    KeAcquireSpinLock(&SehLock, &Irql);
    SehLast.Code = (ULONG)Code;
    SehLast.BodyCode = 0;
    SehLast.Stage = Stage;
    SehLast.Access = SEH_ACCESS_NONE;
    SehLast.Address = 0;
    if (Record != NULL && Code == STATUS_ACCESS_VIOLATION && Record->NumberParameters >= 2) {
        SehLast.Access = (ULONG)Record->ExceptionInformation[0];
        SehLast.Address = Record->ExceptionInformation[1];
    }
    KeReleaseSpinLock(&SehLock, Irql);
}

/* The filter function of SehReadTransfer. GetExceptionInformation() is valid only in the filter
 * expression, so it is passed here: the record and the faulting context exist only during the
 * search, before any unwinding. It takes what a bad user address raises, and anything
 * MmProbeAndLockPages raises (documented: any status); any other exception is a bug in the
 * driver, and hiding it would only move the crash. */
static LONG SehFilter(const EXCEPTION_POINTERS *Info, ULONG Stage, NTSTATUS *Code)
{
    *Code = Info->ExceptionRecord->ExceptionCode;
    SehNoteException(*Code, Stage, Info->ExceptionRecord);
    if (*Code == STATUS_ACCESS_VIOLATION || *Code == STATUS_DATATYPE_MISALIGNMENT ||
        *Code == STATUS_IN_PAGE_ERROR || Stage == SEH_STAGE_LOCK)
        return EXCEPTION_EXECUTE_HANDLER;
    return EXCEPTION_CONTINUE_SEARCH;
}

/* --- IOCTL_SEH_COPY: the caller's buffers themselves -------------------------------------------
 */

/* Type3InputBuffer and UserBuffer are the caller's pointers. ProbeForRead/ProbeForWrite raise for
 * a range outside user space (or misaligned); the access itself faults for a page that is not
 * there. Both may happen, so both are inside __try. A kernel-mode requestor's buffers are kernel
 * memory: probing them would raise, so only a user-mode request is probed. */
static NTSTATUS SehCopy(PIRP Irp, PIO_STACK_LOCATION Stack, ULONG_PTR *Info)
{
    const volatile UCHAR *In = Stack->Parameters.DeviceIoControl.Type3InputBuffer;
    volatile UCHAR *Out = Irp->UserBuffer;
    ULONG Length = Stack->Parameters.DeviceIoControl.InputBufferLength;
    volatile ULONG Stage = SEH_STAGE_PROBE;
    NTSTATUS Code;

    if (Length == 0 || Length > SEH_COPY_MAX)
        return STATUS_INVALID_PARAMETER;
    if (Stack->Parameters.DeviceIoControl.OutputBufferLength < Length)
        return STATUS_BUFFER_TOO_SMALL;
    InterlockedIncrement(&SehTries);
    __try {
        if (Irp->RequestorMode != KernelMode) {
            ProbeForRead((PVOID)In, Length, 1);
            ProbeForWrite((PVOID)Out, Length, 1);
        }
        /* Reversed by swapping pairs: right even when In and Out are the same buffer. */
        for (ULONG i = 0; i < (Length + 1) / 2; i++) {
            ULONG j = Length - 1 - i;
            UCHAR First, Last;

            Stage = SEH_STAGE_READ;
            First = In[i];
            Last = In[j];
            Stage = SEH_STAGE_WRITE;
            Out[i] = Last;
            Out[j] = First;
        }
    } __except (Code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        /* The code is read in the filter: in the body, GetExceptionCode() is what the unwind
         * hands back, which Windows sets and Wine 8 leaves 0. */
        SehNoteException(Code, Stage, NULL);
        InterlockedIncrement(&SehExceptions);
        return Code;
    }
    *Info = Length;
    return STATUS_SUCCESS;
}

/* --- IOCTL_SEH_READ: an address inside the request ----------------------------------------------
 */

/* Copies the request out of the caller's input buffer: the request is user memory too. */
static NTSTATUS SehCaptureRequest(PIRP Irp, PIO_STACK_LOCATION Stack, SEH_READ_REQUEST *Request)
{
    const volatile UCHAR *In = Stack->Parameters.DeviceIoControl.Type3InputBuffer;
    NTSTATUS Code;

    if (Stack->Parameters.DeviceIoControl.InputBufferLength != sizeof(*Request))
        return STATUS_INVALID_PARAMETER;
    InterlockedIncrement(&SehTries);
    __try {
        if (Irp->RequestorMode != KernelMode)
            ProbeForRead((PVOID)In, sizeof(*Request), TYPE_ALIGNMENT(SEH_READ_REQUEST));
        for (ULONG i = 0; i < sizeof(*Request); i++)
            ((UCHAR *)Request)[i] = In[i];
    } __except (Code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        SehNoteException(Code, SEH_STAGE_READ, NULL);
        InterlockedIncrement(&SehExceptions);
        return Code;
    }
    return STATUS_SUCCESS;
}

/* Reads Request->Length bytes at Request->Address into pool (captured: the caller can change its
 * memory at any time), then writes them to the caller's output buffer. The pool block and the
 * MDL are released in the __finally, which runs whether the block ends, is left with __leave, or
 * is unwound by an exception; the pool report at unload shows that nothing stayed behind.
 * Locals that the __try body changes and the __finally or the filter reads are volatile: the
 * fault can come between any two instructions. */
static NTSTATUS SehReadTransfer(const SEH_READ_REQUEST *Request, volatile UCHAR *Out,
                                KPROCESSOR_MODE Mode)
{
    const volatile UCHAR *volatile Source = (const UCHAR *)(ULONG_PTR)Request->Address;
    UCHAR *volatile Buffer = NULL;
    PMDL volatile Mdl = NULL;
    volatile BOOLEAN Locked = FALSE;
    volatile ULONG Stage = SEH_STAGE_NONE;
    volatile NTSTATUS Status = STATUS_SUCCESS;
    ULONG Length = Request->Length;
    NTSTATUS Code = STATUS_SUCCESS;

    InterlockedIncrement(&SehTries);
    __try {
        __try {
            Buffer = KmdAllocatePool(POOL_FLAG_NON_PAGED, Length, SEH_TAG);
            if (Buffer == NULL) {
                Status = STATUS_INSUFFICIENT_RESOURCES;
                InterlockedIncrement(&SehLeaves);
                __leave;
            }
            if (Request->Flags & SEH_READ_LOCK) {
                ULONG Priority = NormalPagePriority;

                Mdl = IoAllocateMdl((PVOID)Source, Length, FALSE, FALSE, NULL);
                if (Mdl == NULL) {
                    Status = STATUS_INSUFFICIENT_RESOURCES;
                    InterlockedIncrement(&SehLeaves);
                    __leave;
                }
                /* Raises for pages the requestor may not read, or that are not there. */
                Stage = SEH_STAGE_LOCK;
                MmProbeAndLockPages(Mdl, Mode, IoReadAccess);
                Locked = TRUE;
                if (KmdLibWindows8OrLater())
                    Priority |= MdlMappingNoExecute;
                Source = MmGetSystemAddressForMdlSafe(Mdl, (MM_PAGE_PRIORITY)Priority);
                if (Source == NULL) {
                    Status = STATUS_INSUFFICIENT_RESOURCES;
                    InterlockedIncrement(&SehLeaves);
                    __leave;
                }
            } else if (Mode != KernelMode) {
                Stage = SEH_STAGE_PROBE;
                ProbeForRead((PVOID)Source, Length, 1);
            }
            Stage = SEH_STAGE_READ;
            for (ULONG i = 0; i < Length; i++)
                Buffer[i] = Source[i];
            if (Mode != KernelMode) {
                Stage = SEH_STAGE_PROBE;
                ProbeForWrite((PVOID)Out, Length, 1);
            }
            Stage = SEH_STAGE_WRITE;
            for (ULONG i = 0; i < Length; i++)
                Out[i] = Buffer[i];
        } __finally {
            if (Locked)
                MmUnlockPages(Mdl); /* also releases the system mapping */
            if (Mdl != NULL)
                IoFreeMdl(Mdl);
            if (Buffer != NULL)
                KmdFreePool(Buffer, SEH_TAG);
            InterlockedIncrement(AbnormalTermination() ? &SehFinallyAbnormal : &SehFinallyNormal);
        }
    } __except (SehFilter(GetExceptionInformation(), Stage, &Code)) {
        /* Windows hands the body the code too; Wine 8 hands it 0 (the reason to read it in the
         * filter). Kept to show which one this system does. */
        ULONG BodyCode = GetExceptionCode();
        KIRQL Irql;

        KeAcquireSpinLock(&SehLock, &Irql);
        SehLast.BodyCode = BodyCode;
        KeReleaseSpinLock(&SehLock, Irql);
        InterlockedIncrement(&SehExceptions);
        Status = Code;
    }
    return Status;
}

static NTSTATUS SehRead(PIRP Irp, PIO_STACK_LOCATION Stack, ULONG_PTR *Info)
{
    SEH_READ_REQUEST Request;
    NTSTATUS Status = SehCaptureRequest(Irp, Stack, &Request);

    if (!NT_SUCCESS(Status))
        return Status;
    if (Request.Length == 0 || Request.Length > SEH_READ_MAX || (Request.Flags & ~SEH_READ_LOCK))
        return STATUS_INVALID_PARAMETER;
    if (Stack->Parameters.DeviceIoControl.OutputBufferLength < Request.Length)
        return STATUS_BUFFER_TOO_SMALL;
    Status = SehReadTransfer(&Request, Irp->UserBuffer, Irp->RequestorMode);
    if (NT_SUCCESS(Status))
        *Info = Request.Length;
    return Status;
}

/* --- IOCTL_SEH_STATS, and the dispatch
 * ------------------------------------------------------------ */

/* No input, a whole SEH_STATS out (the table checks both). */
static NTSTATUS SehGetStats(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    SEH_STATS *Stats = Io->Out;
    KIRQL Irql;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    RtlZeroMemory(Stats, sizeof(*Stats));
    Stats->Size = sizeof(*Stats);
    Stats->Tries = (ULONG)SehTries;
    Stats->Exceptions = (ULONG)SehExceptions;
    Stats->FinallyNormal = (ULONG)SehFinallyNormal;
    Stats->FinallyAbnormal = (ULONG)SehFinallyAbnormal;
    Stats->Leaves = (ULONG)SehLeaves;
    KeAcquireSpinLock(&SehLock, &Irql);
    Stats->LastCode = SehLast.Code;
    Stats->LastBodyCode = SehLast.BodyCode;
    Stats->LastStage = SehLast.Stage;
    Stats->LastAccess = SehLast.Access;
    Stats->LastAddress = SehLast.Address;
    KeReleaseSpinLock(&SehLock, Irql);
    *Info = sizeof(*Stats);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL SehIoctls[] = {
    /* {Code, MinIn, MaxIn, MinOut, Handler} */
    {IOCTL_SEH_STATS, 0, 0, sizeof(SEH_STATS), SehGetStats},
};

/* klib's table dispatch refuses METHOD_NEITHER (it cannot know how a driver guards user
 * addresses), so the two METHOD_NEITHER codes are handled here and the rest go to the table. */
static NTSTATUS NTAPI SehDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG_PTR Info = 0;
    NTSTATUS Status;

    if (Code == IOCTL_SEH_COPY)
        Status = SehCopy(Irp, Stack, &Info);
    else if (Code == IOCTL_SEH_READ)
        Status = SehRead(Irp, Stack, &Info);
    else
        return KmdDispatchIoctl(DeviceObject, Irp, SehIoctls, RTL_NUMBER_OF(SehIoctls));
    KmdLogInfo("IOCTL 0x%08lx in %lu out %lu -> 0x%08lx", Code,
               Stack->Parameters.DeviceIoControl.InputBufferLength,
               Stack->Parameters.DeviceIoControl.OutputBufferLength, (ULONG)Status);
    return KmdCompleteIrp(Irp, Status, Info);
}

/* --- load and unload
 * ------------------------------------------------------------------------------ */

static VOID NTAPI SehUnload(PDRIVER_OBJECT DriverObject)
{
    KmdDeleteDevice(DriverObject->DeviceObject);
    KmdLogPrint("DriverUnload: %ld tries, %ld exceptions caught (last 0x%08lx), __finally %ld "
                "normal + %ld abnormal, %ld __leave",
                SehTries, SehExceptions, SehLast.Code, SehFinallyNormal, SehFinallyAbnormal,
                SehLeaves);
    KmdLibUninitialize(); /* the pool report: every bounce buffer freed by a __finally */
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "seh");
    if (!NT_SUCCESS(Status))
        return Status;
    KeInitializeSpinLock(&SehLock);
    Status = KmdCreateDevice(DriverObject, SEH_DEVICE_NAME, SEH_LINK_NAME, SEH_DEVICE_TYPE, 0,
                             KmdDeviceAccessAdmins, &Device);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SehDeviceControl;
    DriverObject->DriverUnload = SehUnload;
    KmdLogPrint("DriverEntry: device %ws ready (METHOD_NEITHER requests guarded by __try)",
                SEH_DEVICE_NAME);
    return STATUS_SUCCESS;
}
