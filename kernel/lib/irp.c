/* IRP completion and DEVICE_CONTROL buffers. */
#include <ntddk.h>

#include <kmdkit/kernel.h>

NTSTATUS NTAPI KmdCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information)
{
    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = Information;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

NTSTATUS NTAPI KmdDispatchSuccess(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

NTSTATUS NTAPI KmdGetIoctlBuffers(PIRP Irp, ULONG MinIn, ULONG MinOut, PKMD_IOCTL_BUFFERS Io)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Priority = NormalPagePriority;

    RtlZeroMemory(Io, sizeof(*Io));
    Io->Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    Io->Method = METHOD_FROM_CTL_CODE(Io->Code);
    Io->InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    Io->OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    if (Io->Method == METHOD_NEITHER)
        return STATUS_NOT_SUPPORTED;
    if (Io->InLength < MinIn)
        return STATUS_INVALID_PARAMETER;
    if (Io->OutLength < MinOut)
        return STATUS_BUFFER_TOO_SMALL;
    if (Io->InLength != 0)
        Io->In = Irp->AssociatedIrp.SystemBuffer;
    if (Io->Method == METHOD_BUFFERED) {
        if (Io->OutLength != 0)
            Io->Out = Irp->AssociatedIrp.SystemBuffer;
    } else if (Io->OutLength != 0) {
        if (Irp->MdlAddress == NULL)
            return STATUS_INVALID_PARAMETER;
        if (KmdLibWindows8OrLater())
            Priority |= MdlMappingNoExecute;
        Io->Out = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, (MM_PAGE_PRIORITY)Priority);
        if (Io->Out == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    if ((Io->InLength != 0 && Io->In == NULL))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}
