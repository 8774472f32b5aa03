/* instdrv: the driver of the project that uses an installed (or fetched) kmdkit. One device,
 * one IOCTL that computes its answer in the kernel, on kmdkit_klib. */
#include <kmdkit/kernel.h>
#include "instdrv_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD InstdrvUnload;

static NTSTATUS InstdrvAnswer(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                              ULONG_PTR *Info)
{
    unsigned int Value = *(const unsigned int *)Io->In;
    INSTDRV_ANSWER *Answer = Io->Out;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    Answer->Value = Value;
    Answer->Twice = 2 * Value + 1;
    Answer->Magic = INSTDRV_MAGIC;
    *Info = sizeof(*Answer);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL InstdrvIoctls[] = {
    /* {Code, MinIn, MaxIn, MinOut, Handler} */
    {IOCTL_INSTDRV_ANSWER, sizeof(unsigned int), sizeof(unsigned int), sizeof(INSTDRV_ANSWER),
     InstdrvAnswer},
};

static VOID NTAPI InstdrvUnload(PDRIVER_OBJECT DriverObject)
{
    KmdDeleteDevice(DriverObject->DeviceObject);
    KmdLibUninitialize(); /* the pool leak report */
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "instdrv");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, INSTDRV_DEVICE_NAME, INSTDRV_LINK_NAME,
                             INSTDRV_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(Device, InstdrvIoctls, RTL_NUMBER_OF(InstdrvIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = InstdrvUnload;
    KmdLogPrint("DriverEntry: device %ws ready", INSTDRV_DEVICE_NAME);
    return STATUS_SUCCESS;
}
