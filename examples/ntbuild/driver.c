/* ntbuild: KmdKit's NtBuild. A ReadFile on the device returns the system's version and build
 * number. The original read the NtBuildNumber variable; RtlGetVersion is the documented way and
 * gives the major/minor version, service pack and product type as well.
 * Contract: ntbuild_ioctl.h. There is no IOCTL: the data comes back through IRP_MJ_READ. */
#include <kmdkit/kernel.h>
#include "ntbuild_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD NtBuildUnload;
static DRIVER_DISPATCH NtBuildRead;

static PDEVICE_OBJECT NtBuildDevice;

/* The device does buffered I/O (DO_BUFFERED_IO): the I/O manager hands us a system buffer of the
 * caller's length and copies Information bytes back to the caller when we succeed. */
static NTSTATUS NTAPI NtBuildRead(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    RTL_OSVERSIONINFOEXW Os;
    NTBUILD_VERSION *Out = Irp->AssociatedIrp.SystemBuffer;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    if (Stack->Parameters.Read.Length < sizeof(*Out))
        return KmdCompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    RtlZeroMemory(&Os, sizeof(Os));
    Os.dwOSVersionInfoSize = sizeof(Os);
    Status = RtlGetVersion((PRTL_OSVERSIONINFOW)&Os);
    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0);

    RtlZeroMemory(Out, sizeof(*Out));
    Out->Size = sizeof(*Out);
    Out->MajorVersion = Os.dwMajorVersion;
    Out->MinorVersion = Os.dwMinorVersion;
    Out->BuildNumber = Os.dwBuildNumber;
    Out->PlatformId = Os.dwPlatformId;
    Out->ServicePackMajor = Os.wServicePackMajor;
    Out->ServicePackMinor = Os.wServicePackMinor;
    Out->SuiteMask = Os.wSuiteMask;
    Out->ProductType = Os.wProductType;
    /* Both are 128 characters; keep the last one a NUL whatever RtlGetVersion left there. */
    RtlCopyMemory(Out->CsdVersion, Os.szCSDVersion,
                  (NTBUILD_CSD_CHARS - 1) * sizeof(Out->CsdVersion[0]));
    KmdLogPrint("read: Windows %lu.%lu build %lu", Os.dwMajorVersion, Os.dwMinorVersion,
                Os.dwBuildNumber);
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, sizeof(*Out));
}

static VOID NTAPI NtBuildUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(NtBuildDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "ntbuild");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, NTBUILD_DEVICE_NAME, NTBUILD_LINK_NAME,
                             NTBUILD_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &NtBuildDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    NtBuildDevice->Flags |= DO_BUFFERED_IO; /* reads get a system buffer */
    /* No IRP_MJ_WRITE or IRP_MJ_DEVICE_CONTROL: the I/O manager answers those with
     * STATUS_INVALID_DEVICE_REQUEST. */
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_READ] = NtBuildRead;
    DriverObject->DriverUnload = NtBuildUnload;
    KmdLogPrint("DriverEntry: device %ws ready", NTBUILD_DEVICE_NAME);
    return STATUS_SUCCESS;
}
