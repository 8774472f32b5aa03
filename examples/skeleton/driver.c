/* skeleton: KmdKit's Skeleton. A named device with a symbolic link, CREATE/CLOSE/DEVICE_CONTROL,
 * and an unload routine that removes both, on kmdkit_klib (kmdkit/kernel.h): the device admits
 * only SYSTEM and Administrators. The IOCTL contract is skeleton_ioctl.h. */
#include <kmdkit/kernel.h>
#include "skeleton_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SkeletonUnload;

/* IOCTL_SKELETON_GET_VERSION: no input, a whole SKELETON_VERSION out (the table checks both). */
static NTSTATUS SkeletonGetVersion(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                   ULONG_PTR *Info)
{
    SKELETON_VERSION *Version = Io->Out;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    Version->Size = sizeof(*Version);
    Version->Major = SKELETON_VERSION_MAJOR;
    Version->Minor = SKELETON_VERSION_MINOR;
    Version->Patch = SKELETON_VERSION_PATCH;
    Version->Flags = DBG ? SKELETON_FLAG_CHECKED_BUILD : 0;
    *Info = sizeof(*Version);
    return STATUS_SUCCESS;
}

/* IOCTL_SKELETON_ECHO: 1..SKELETON_ECHO_MAX bytes in (the table checks). METHOD_BUFFERED: input
 * and output share one system buffer, so reverse it in place. */
static NTSTATUS SkeletonEcho(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                             ULONG_PTR *Info)
{
    UCHAR *Bytes = Io->In;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
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

static const KMD_IOCTL SkeletonIoctls[] = {
    /* {Code, MinIn, MaxIn, MinOut, Handler} */
    {IOCTL_SKELETON_GET_VERSION, 0, 0, sizeof(SKELETON_VERSION), SkeletonGetVersion},
    {IOCTL_SKELETON_ECHO, 1, SKELETON_ECHO_MAX, 0, SkeletonEcho},
};

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
    Status = KmdLibInitialize(DriverObject, "skeleton");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, SKELETON_DEVICE_NAME, SKELETON_LINK_NAME,
                             SKELETON_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(Device, SkeletonIoctls, RTL_NUMBER_OF(SkeletonIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = SkeletonUnload;
    KmdLogPrint("DriverEntry: device %ws ready (version %u.%u.%u%s)", SKELETON_DEVICE_NAME,
                SKELETON_VERSION_MAJOR, SKELETON_VERSION_MINOR, SKELETON_VERSION_PATCH,
                DBG ? ", checked build" : "");
    return STATUS_SUCCESS;
}
