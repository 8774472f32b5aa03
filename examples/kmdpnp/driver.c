/* kmdpnp: the function driver of a root-enumerated software device (Root\KmdPnpSample). It has
 * no device of its own until the PnP manager calls AddDevice for a device whose INF names it;
 * then it lives by the PnP IRPs (pnp.c): started, stopped, removed. It unloads when its last
 * device is gone. Contract: kmdpnp_ioctl.h; installation: kmdpnp.inx and README.md.
 *
 * This file: DriverEntry, AddDevice, DriverUnload, and the state helpers the others share. */
#include <ntddk.h>
#include <initguid.h> /* defines GUID_DEVINTERFACE_KMDPNP here (kmdpnp_ioctl.h) */

#include "kmdpnp.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_ADD_DEVICE KmdPnpAddDevice;
static DRIVER_UNLOAD KmdPnpUnload;

PCSTR KmdPnpStateName(LONG State)
{
    static const PCSTR Names[] = {"not started",    "started",          "stop pending", "stopped",
                                  "remove pending", "surprise-removed", "removed"};

    return (ULONG)State < RTL_NUMBER_OF(Names) ? Names[State] : "?";
}

NTSTATUS KmdPnpNotStartedStatus(LONG State)
{
    switch (State) {
    case KMDPNP_STATE_STARTED:
        return STATUS_SUCCESS;
    case KMDPNP_STATE_REMOVE_PENDING:
        return STATUS_DELETE_PENDING;
    case KMDPNP_STATE_SURPRISE_REMOVED:
    case KMDPNP_STATE_REMOVED:
        return STATUS_NO_SUCH_DEVICE;
    }
    return STATUS_DEVICE_NOT_READY; /* not started yet, stop pending, stopped */
}

VOID KmdPnpSetInterface(KMDPNP_EXTENSION *Ext, BOOLEAN Enable)
{
    NTSTATUS Status;

    if (Ext->InterfaceEnabled == Enable || Ext->Interface.Buffer == NULL)
        return;
    Status = IoSetDeviceInterfaceState(&Ext->Interface, Enable);
    if (NT_SUCCESS(Status))
        Ext->InterfaceEnabled = Enable;
    KmdLogPrint("interface %s: %.*ws: 0x%08lx", Enable ? "enabled" : "disabled",
                KMD_USTR_ARG(&Ext->Interface), (ULONG)Status);
}

/* One call per device the PnP manager finds for this driver: make the FDO, attach it above the
 * PDO, register (not yet enable) the interface. Nothing may reach the device before START, and
 * nothing does: the interface is what clients find it by. */
static KMD_PAGED NTSTATUS NTAPI KmdPnpAddDevice(PDRIVER_OBJECT DriverObject, PDEVICE_OBJECT Pdo)
{
    PDEVICE_OBJECT Fdo;
    KMDPNP_EXTENSION *Ext;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    /* Unnamed: a PnP function device is opened through its interface (the PDO's name), never
     * by a name of its own; FILE_DEVICE_SECURE_OPEN applies the stack's security to any name
     * below it too. */
    Status = IoCreateDevice(DriverObject, sizeof(KMDPNP_EXTENSION), NULL, KMDPNP_DEVICE_TYPE,
                            FILE_DEVICE_SECURE_OPEN, FALSE, &Fdo);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("AddDevice: IoCreateDevice failed: 0x%08lx", (ULONG)Status);
        return Status;
    }
    Ext = Fdo->DeviceExtension;
    RtlZeroMemory(Ext, sizeof(*Ext));
    Ext->Self = Fdo;
    Ext->Pdo = Pdo;
    Ext->State = KMDPNP_STATE_NOT_STARTED;
    /* No time limit or lock count in the checked build's tracking: 0, 0. */
    IoInitializeRemoveLock(&Ext->RemoveLock, KMDPNP_TAG, 0, 0);

    Ext->Lower = IoAttachDeviceToDeviceStack(Fdo, Pdo);
    if (Ext->Lower == NULL) {
        KmdLogError("AddDevice: IoAttachDeviceToDeviceStack failed");
        IoDeleteDevice(Fdo);
        return STATUS_NO_SUCH_DEVICE;
    }
    Status = IoRegisterDeviceInterface(Pdo, &GUID_DEVINTERFACE_KMDPNP, NULL, &Ext->Interface);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("AddDevice: IoRegisterDeviceInterface failed: 0x%08lx", (ULONG)Status);
        IoDetachDevice(Ext->Lower);
        IoDeleteDevice(Fdo);
        return Status;
    }
    /* DO_POWER_PAGABLE: power IRPs must come at PASSIVE_LEVEL (this driver is not on the paging
     * path and may be paged). The I/O method follows the device below. */
    Fdo->Flags |= DO_POWER_PAGABLE | (Ext->Lower->Flags & (DO_BUFFERED_IO | DO_DIRECT_IO));
    Fdo->Flags &= ~DO_DEVICE_INITIALIZING;
    KmdLogPrint("AddDevice: FDO %p attached above PDO %p; interface registered: %.*ws", Fdo, Pdo,
                KMD_USTR_ARG(&Ext->Interface));
    return STATUS_SUCCESS;
}

/* Runs after the last device was removed (or, under Wine, when the service is stopped). */
static KMD_PAGED VOID NTAPI KmdPnpUnload(PDRIVER_OBJECT DriverObject)
{
    ULONG Leaks;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    Leaks = KmdLibUninitialize();
    KmdLogPrint("DriverUnload: leaks: %lu", Leaks);
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "kmdpnp");
    if (!NT_SUCCESS(Status))
        return Status;
    DriverObject->DriverExtension->AddDevice = KmdPnpAddDevice;
    DriverObject->DriverUnload = KmdPnpUnload;
    DriverObject->MajorFunction[IRP_MJ_PNP] = KmdPnpDispatchPnp;
    DriverObject->MajorFunction[IRP_MJ_POWER] = KmdPnpDispatchPower;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdPnpCreate;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdPnpClose;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = KmdPnpCleanup;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdPnpDeviceControl;
    KmdLogPrint("DriverEntry: waiting for AddDevice");
    return STATUS_SUCCESS;
}
