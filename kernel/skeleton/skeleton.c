/* skeleton: KmdKit's Skeleton. A named device with a symbolic link, CREATE/CLOSE/DEVICE_CONTROL,
 * and an unload routine that removes both. The IOCTL contract is headers/skeleton_ioctl.h. */
#include <ntddk.h>

#include <kmdkit/sections.h>
#include <skeleton_ioctl.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SkeletonUnload;
static DRIVER_DISPATCH SkeletonCreateClose;
static DRIVER_DISPATCH SkeletonDeviceControl;

static NTSTATUS SkeletonComplete(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

static NTSTATUS NTAPI SkeletonCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return SkeletonComplete(Irp, STATUS_SUCCESS, 0);
}

static NTSTATUS SkeletonGetVersion(PVOID Buffer, ULONG InLength, ULONG OutLength, ULONG_PTR *Info)
{
    SKELETON_VERSION *Version = Buffer;

    if (InLength != 0)
        return STATUS_INVALID_PARAMETER;
    if (OutLength < sizeof(*Version))
        return STATUS_BUFFER_TOO_SMALL;
    Version->Size = sizeof(*Version);
    Version->Major = SKELETON_VERSION_MAJOR;
    Version->Minor = SKELETON_VERSION_MINOR;
    Version->Patch = SKELETON_VERSION_PATCH;
    Version->Flags = DBG ? SKELETON_FLAG_CHECKED_BUILD : 0;
    *Info = sizeof(*Version);
    return STATUS_SUCCESS;
}

/* METHOD_BUFFERED: input and output share one system buffer, so reverse it in place. */
static NTSTATUS SkeletonEcho(PVOID Buffer, ULONG InLength, ULONG OutLength, ULONG_PTR *Info)
{
    UCHAR *Bytes = Buffer;

    if (InLength == 0 || InLength > SKELETON_ECHO_MAX)
        return STATUS_INVALID_PARAMETER;
    if (OutLength < InLength)
        return STATUS_BUFFER_TOO_SMALL;
    for (ULONG i = 0, j = InLength - 1; i < j; i++, j--) {
        UCHAR t = Bytes[i];
        Bytes[i] = Bytes[j];
        Bytes[j] = t;
    }
    *Info = InLength;
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI SkeletonDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    PVOID Buffer = Irp->AssociatedIrp.SystemBuffer;
    ULONG_PTR Info = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (Code) {
    case IOCTL_SKELETON_GET_VERSION:
        Status = SkeletonGetVersion(Buffer, InLength, OutLength, &Info);
        break;
    case IOCTL_SKELETON_ECHO:
        Status = SkeletonEcho(Buffer, InLength, OutLength, &Info);
        break;
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    KdPrint(("skeleton: IOCTL 0x%08lx in %lu out %lu -> 0x%08lx\n", Code, InLength, OutLength,
             (ULONG)Status));
    return SkeletonComplete(Irp, Status, Info);
}

static VOID NTAPI SkeletonUnload(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING Link = RTL_CONSTANT_STRING(SKELETON_LINK_NAME);

    IoDeleteSymbolicLink(&Link);
    IoDeleteDevice(DriverObject->DeviceObject);
    DbgPrint("skeleton: DriverUnload: device and link removed\n");
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNICODE_STRING Name = RTL_CONSTANT_STRING(SKELETON_DEVICE_NAME);
    UNICODE_STRING Link = RTL_CONSTANT_STRING(SKELETON_LINK_NAME);
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = IoCreateDevice(DriverObject, 0, &Name, SKELETON_DEVICE_TYPE, FILE_DEVICE_SECURE_OPEN,
                            FALSE, &Device);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("skeleton: IoCreateDevice failed: 0x%08lx\n", (ULONG)Status);
        return Status;
    }
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        DbgPrint("skeleton: IoCreateSymbolicLink failed: 0x%08lx\n", (ULONG)Status);
        IoDeleteDevice(Device);
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SkeletonCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = SkeletonCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SkeletonDeviceControl;
    DriverObject->DriverUnload = SkeletonUnload;
    DbgPrint("skeleton: DriverEntry: device %ws ready (version %u.%u.%u%s)\n", SKELETON_DEVICE_NAME,
             SKELETON_VERSION_MAJOR, SKELETON_VERSION_MINOR, SKELETON_VERSION_PATCH,
             DBG ? ", checked build" : "");
    return STATUS_SUCCESS;
}
