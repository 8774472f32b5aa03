/* fuzzbug: the driver kmdctl fuzz's tests fuzz (tests/fuzz). Beside one clean code it has two
 * planted bugs, each on one exact input size: a write through NULL (the host dies) and a request
 * that stays in the dispatch routine, deaf to cancellation (the host hangs for a while). A test
 * fixture for Wine only: on Windows the first is a bug check. Contract: fuzzbug_ioctl.h. */
#include <kmdkit/kernel.h>
#include "fuzzbug_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD FuzzBugUnload;

/* Where the planted bug writes: a pointer the compiler cannot prove NULL. */
static volatile ULONG *FuzzBugTarget;

static NTSTATUS FuzzBugEcho(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    UCHAR *Bytes = Io->In;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    if (Io->InLength == 0) {
        *Info = 0;
        return STATUS_SUCCESS;
    }
    if (Io->OutLength < Io->InLength)
        return STATUS_BUFFER_TOO_SMALL;
    for (ULONG i = 0, j = Io->InLength - 1; i < j; i++, j--) {
        UCHAR t = Bytes[i];
        Bytes[i] = Bytes[j];
        Bytes[j] = t;
    }
    *Info = Io->InLength;
    return STATUS_SUCCESS;
}

static NTSTATUS FuzzBugSum(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    const UCHAR *Bytes = Io->In;
    ULONG Sum = 0;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    for (ULONG i = 0; i < Io->InLength; i++)
        Sum += Bytes[i];
    if (Io->InLength == FUZZBUG_SUM_BAD_SIZE) {
        KmdLogPrint("SUM: %lu bytes in: the planted bug writes through NULL", Io->InLength);
        *FuzzBugTarget = Sum; /* the fault */
    }
    *(ULONG *)Io->Out = Sum;
    *Info = sizeof(ULONG);
    return STATUS_SUCCESS;
}

static NTSTATUS FuzzBugStall(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                             ULONG_PTR *Info)
{
    LARGE_INTEGER Delay;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    if (Io->InLength == FUZZBUG_STALL_BAD_SIZE) {
        KmdLogPrint("STALL: %lu bytes in: the planted hang, %u ms", Io->InLength, FUZZBUG_STALL_MS);
        Delay.QuadPart = -10000LL * FUZZBUG_STALL_MS;
        KeDelayExecutionThread(KernelMode, FALSE, &Delay);
        KmdLogPrint("STALL: done");
    }
    *Info = 0;
    return STATUS_SUCCESS;
}

static const KMD_IOCTL FuzzBugIoctls[] = {
    /* {Code, MinIn, MaxIn, MinOut, Handler} */
    {IOCTL_FUZZBUG_ECHO, 0, FUZZBUG_ECHO_MAX, 0, FuzzBugEcho},
    {IOCTL_FUZZBUG_SUM, 1, FUZZBUG_SUM_MAX, sizeof(ULONG), FuzzBugSum},
    {IOCTL_FUZZBUG_STALL, 0, KMD_ANY_LENGTH, 0, FuzzBugStall},
};

static VOID NTAPI FuzzBugUnload(PDRIVER_OBJECT DriverObject)
{
    KmdDeleteDevice(DriverObject->DeviceObject);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize(); /* the pool leak report */
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    UNICODE_STRING Link;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "fuzzbug");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, FUZZBUG_DEVICE_NAME, FUZZBUG_LINK_NAME,
                             FUZZBUG_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
    if (Status == STATUS_OBJECT_NAME_COLLISION || Status == STATUS_OBJECT_TYPE_MISMATCH) {
        /* Under Wine a host that died (the planted bug) leaves its link behind, and making it
         * again fails with one of these: replace it. */
        RtlInitUnicodeString(&Link, FUZZBUG_LINK_NAME);
        IoDeleteSymbolicLink(&Link);
        KmdLogPrint("DriverEntry: replaced the link a dead host left behind");
        Status = KmdCreateDevice(DriverObject, FUZZBUG_DEVICE_NAME, FUZZBUG_LINK_NAME,
                                 FUZZBUG_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
    }
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(Device, FuzzBugIoctls, RTL_NUMBER_OF(FuzzBugIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = FuzzBugUnload;
    KmdLogPrint("DriverEntry: device %ws ready", FUZZBUG_DEVICE_NAME);
    return STATUS_SUCCESS;
}
