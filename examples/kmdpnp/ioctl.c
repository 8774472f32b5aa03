/* kmdpnp's requests: IRP_MJ_CREATE, CLEANUP, CLOSE and DEVICE_CONTROL. Each runs under the
 * remove lock and only while the device is started (kmdpnp_ioctl.h says what it gets otherwise);
 * every handle has a small state of its own (KMDPNP_HANDLE, counted pool). */
#include "kmdpnp.h"

static KMD_IOCTL_HANDLER KmdPnpGetInfo;
static KMD_IOCTL_HANDLER KmdPnpXor;

/* Counts a request the handlers ran: on the device and on its handle. Returns the device's count
 * before it. */
static LONG KmdPnpCountRequest(KMDPNP_EXTENSION *Ext, PIRP Irp, LONG *HandleBefore)
{
    KMDPNP_HANDLE *Handle = IoGetCurrentIrpStackLocation(Irp)->FileObject->FsContext;

    *HandleBefore = Handle != NULL ? InterlockedIncrement(&Handle->Requests) - 1 : 0;
    return InterlockedIncrement(&Ext->Requests) - 1;
}

/* IOCTL_KMDPNP_GET_INFO: no input, a whole KMDPNP_INFO out (the table checks both). */
static NTSTATUS KmdPnpGetInfo(PDEVICE_OBJECT DeviceObject, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                              ULONG_PTR *Information)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    KMDPNP_INFO *Out = Io->Out;
    LONG HandleBefore, Before = KmdPnpCountRequest(Ext, Irp, &HandleBefore);

    RtlZeroMemory(Out, sizeof(*Out));
    Out->Size = sizeof(*Out);
    Out->PnpState = (unsigned int)Ext->State;
    Out->Opens = (unsigned int)Ext->Opens;
    Out->TotalOpens = (unsigned int)Ext->TotalOpens;
    Out->Requests = (unsigned int)Before;
    Out->HandleRequests = (unsigned int)HandleBefore;
    Out->Starts = (unsigned int)Ext->Starts;
    Out->InterfaceEnabled = Ext->InterfaceEnabled;
    *Information = sizeof(*Out);
    return STATUS_SUCCESS;
}

/* IOCTL_KMDPNP_XOR: 1..KMDPNP_XOR_MAX bytes in (the table checks), at least as many out. In and
 * out are one buffer (METHOD_BUFFERED): byte i is read before byte i is written. */
static NTSTATUS KmdPnpXor(PDEVICE_OBJECT DeviceObject, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                          ULONG_PTR *Information)
{
    const UCHAR *In = Io->In;
    UCHAR *Out = Io->Out;
    LONG HandleBefore;

    if (Io->OutLength < Io->InLength)
        return STATUS_BUFFER_TOO_SMALL;
    KmdPnpCountRequest(DeviceObject->DeviceExtension, Irp, &HandleBefore);
    for (ULONG i = 0; i < Io->InLength; i++)
        Out[i] = In[i] ^ KMDPNP_XOR_KEY;
    *Information = Io->InLength;
    return STATUS_SUCCESS;
}

static const KMD_IOCTL KmdPnpIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_KMDPNP_GET_INFO, 0, 0, sizeof(KMDPNP_INFO), KmdPnpGetInfo},
    {IOCTL_KMDPNP_XOR, 1, KMDPNP_XOR_MAX, 1, KmdPnpXor},
};

NTSTATUS NTAPI KmdPnpDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    NTSTATUS Status = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0);
    Status = KmdPnpNotStartedStatus(Ext->State);
    if (NT_SUCCESS(Status))
        Status = KmdDispatchIoctl(DeviceObject, Irp, KmdPnpIoctls, RTL_NUMBER_OF(KmdPnpIoctls));
    else
        KmdCompleteIrp(Irp, Status, 0);
    IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return Status;
}

NTSTATUS NTAPI KmdPnpCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    PFILE_OBJECT File = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    KMDPNP_HANDLE *Handle;
    NTSTATUS Status = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0);
    Status = KmdPnpNotStartedStatus(Ext->State);
    /* The interface names the device itself; there is nothing below it to open. */
    if (NT_SUCCESS(Status) && File->FileName.Length != 0)
        Status = STATUS_OBJECT_NAME_NOT_FOUND;
    if (NT_SUCCESS(Status)) {
        Handle = KmdAllocatePool(POOL_FLAG_NON_PAGED, sizeof(*Handle), KMDPNP_HANDLE_TAG);
        if (Handle == NULL) {
            Status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            File->FsContext = Handle;
            InterlockedIncrement(&Ext->Opens);
            InterlockedIncrement(&Ext->TotalOpens);
        }
    }
    KmdCompleteIrp(Irp, Status, 0);
    IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return Status;
}

/* The last handle of a file object is closed; its pending requests would be cancelled here
 * (kmdpnp keeps none). */
NTSTATUS NTAPI KmdPnpCleanup(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    NTSTATUS Locked = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
    if (NT_SUCCESS(Locked))
        IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return STATUS_SUCCESS;
}

/* A close always succeeds and always frees the handle's state, even after REMOVE_DEVICE (a handle
 * that outlived a surprise removal): the remove lock cannot be taken then, and need not be, as
 * the handle's reference keeps the FDO and its extension. */
NTSTATUS NTAPI KmdPnpClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    PFILE_OBJECT File = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    NTSTATUS Locked = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    if (File->FsContext != NULL) {
        KmdFreePool(File->FsContext, KMDPNP_HANDLE_TAG);
        File->FsContext = NULL;
        InterlockedDecrement(&Ext->Opens);
    }
    KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
    if (NT_SUCCESS(Locked))
        IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return STATUS_SUCCESS;
}
