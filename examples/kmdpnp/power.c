/* kmdpnp's IRP_MJ_POWER. A software device has no power states of its own: the FDO is no power
 * policy owner and passes every power IRP to the bus driver below, under the remove lock. */
#include "kmdpnp.h"

NTSTATUS NTAPI KmdPnpDispatchPower(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMDPNP_EXTENSION *Ext = DeviceObject->DeviceExtension;
    NTSTATUS Status = IoAcquireRemoveLock(&Ext->RemoveLock, Irp);

    /* Windows 7 and earlier send this device's next power IRP only after this call; Windows 8
     * and later ignore it. It comes before the IRP leaves this driver. */
    PoStartNextPowerIrp(Irp);
    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0);
    KmdLogInfo("POWER minor 0x%02x: passed down", IoGetCurrentIrpStackLocation(Irp)->MinorFunction);
    IoSkipCurrentIrpStackLocation(Irp);
    Status = PoCallDriver(Ext->Lower, Irp);
    IoReleaseRemoveLock(&Ext->RemoveLock, Irp);
    return Status;
}
