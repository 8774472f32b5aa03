/* skeleton: KmdKit's Skeleton. A named device with a symbolic link, CREATE/CLOSE/DEVICE_CONTROL,
 * and an unload routine that removes both, on kmdkit_klib (kmdkit/kernel.h): the device admits
 * only SYSTEM and Administrators. The IOCTL contract is headers/skeleton_ioctl.h. */
#include <kmdkit/kernel.h>
#include <skeleton_ioctl.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SkeletonUnload;
static DRIVER_DISPATCH SkeletonDeviceControl;

static NTSTATUS SkeletonGetVersion(KMD_IOCTL_BUFFERS *Io, ULONG_PTR *Info)
{
    SKELETON_VERSION *Version = Io->Out;

    Version->Size = sizeof(*Version);
    Version->Major = SKELETON_VERSION_MAJOR;
    Version->Minor = SKELETON_VERSION_MINOR;
    Version->Patch = SKELETON_VERSION_PATCH;
    Version->Flags = DBG ? SKELETON_FLAG_CHECKED_BUILD : 0;
    *Info = sizeof(*Version);
    return STATUS_SUCCESS;
}

/* METHOD_BUFFERED: input and output share one system buffer, so reverse it in place. */
static NTSTATUS SkeletonEcho(KMD_IOCTL_BUFFERS *Io, ULONG_PTR *Info)
{
    UCHAR *Bytes = Io->In;

    if (Io->InLength > SKELETON_ECHO_MAX)
        return STATUS_INVALID_PARAMETER;
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

static NTSTATUS NTAPI SkeletonDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    KMD_IOCTL_BUFFERS Io;
    ULONG_PTR Info = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    switch (Stack->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_SKELETON_GET_VERSION: /* no input at all, a whole SKELETON_VERSION out */
        Status = Stack->Parameters.DeviceIoControl.InputBufferLength != 0
                     ? STATUS_INVALID_PARAMETER
                     : KmdGetIoctlBuffers(Irp, 0, sizeof(SKELETON_VERSION), &Io);
        if (NT_SUCCESS(Status))
            Status = SkeletonGetVersion(&Io, &Info);
        break;
    case IOCTL_SKELETON_ECHO: /* 1..SKELETON_ECHO_MAX bytes in */
        Status = KmdGetIoctlBuffers(Irp, 1, 0, &Io);
        if (NT_SUCCESS(Status))
            Status = SkeletonEcho(&Io, &Info);
        break;
    default:
        Status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    KmdLogInfo("IOCTL 0x%08lx in %lu out %lu -> 0x%08lx",
               Stack->Parameters.DeviceIoControl.IoControlCode,
               Stack->Parameters.DeviceIoControl.InputBufferLength,
               Stack->Parameters.DeviceIoControl.OutputBufferLength, (ULONG)Status);
    return KmdCompleteIrp(Irp, Status, Info);
}

static VOID NTAPI SkeletonUnload(PDRIVER_OBJECT DriverObject)
{
    KmdDeleteDevice(DriverObject->DeviceObject);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize(); /* the pool leak report */
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KmdLibInitialize(DriverObject, "skeleton");
    Status = KmdCreateDevice(DriverObject, SKELETON_DEVICE_NAME, SKELETON_LINK_NAME,
                             SKELETON_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
    if (!NT_SUCCESS(Status))
        return Status; /* KmdCreateDevice logged why */
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SkeletonDeviceControl;
    DriverObject->DriverUnload = SkeletonUnload;
    KmdLogPrint("DriverEntry: device %ws ready (version %u.%u.%u%s)", SKELETON_DEVICE_NAME,
                SKELETON_VERSION_MAJOR, SKELETON_VERSION_MINOR, SKELETON_VERSION_PATCH,
                DBG ? ", checked build" : "");
    return STATUS_SUCCESS;
}
