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

NTSTATUS NTAPI KmdGetIoctlBuffers(PIRP Irp, ULONG MinIn, ULONG MaxIn, ULONG MinOut,
                                  PKMD_IOCTL_BUFFERS Io)
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
    if (Io->InLength < MinIn || Io->InLength > MaxIn)
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

NTSTATUS NTAPI KmdDispatchIoctl(PDEVICE_OBJECT Device, PIRP Irp, const KMD_IOCTL *Table,
                                ULONG Count)
{
    PIO_STACK_LOCATION Stack = IoGetCurrentIrpStackLocation(Irp);
    ULONG Code = Stack->Parameters.DeviceIoControl.IoControlCode;
    /* Read now: a handler that returns STATUS_PENDING may see the IRP completed at once. */
    ULONG InLength = Stack->Parameters.DeviceIoControl.InputBufferLength;
    ULONG OutLength = Stack->Parameters.DeviceIoControl.OutputBufferLength;
    NTSTATUS Status = STATUS_INVALID_DEVICE_REQUEST;
    KMD_IOCTL_BUFFERS Io;
    ULONG_PTR Info = 0;

    for (ULONG i = 0; i < Count; i++) {
        if (Table[i].Code != Code)
            continue;
        Status = KmdGetIoctlBuffers(Irp, Table[i].MinIn, Table[i].MaxIn, Table[i].MinOut, &Io);
        if (NT_SUCCESS(Status))
            Status = Table[i].Handler(Device, Irp, &Io, &Info);
        break;
    }
    KmdLogInfo("IOCTL 0x%08lx in %lu out %lu -> 0x%08lx", Code, InLength, OutLength, (ULONG)Status);
    UNREFERENCED_PARAMETER(InLength); /* only the debug build logs */
    UNREFERENCED_PARAMETER(OutLength);
    if (Status == STATUS_PENDING)
        return Status; /* the handler owns the IRP now */
    return KmdCompleteIrp(Irp, Status, Info);
}
