/* A named device whose DACL admits only the callers you choose, and its symbolic link, made and
 * removed in one call each: what IoCreateDeviceSecure (wdmsec, not in MinGW) gives.
 *
 *   Status = KmdCreateDevice(DriverObject, L"\\Device\\MyDrv", L"\\DosDevices\\MyDrv",
 *                            MYDRV_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &Device);
 *   KmdDeleteDevice(Device);
 *
 * The device is made with FILE_DEVICE_SECURE_OPEN (the DACL also guards every name below it,
 * \Device\MyDrv\anything), exclusive FALSE. The DACL is protected (no inheritance) and set on the
 * device object with ObOpenObjectByPointer(WRITE_DAC) + ZwSetSecurityObject; the SIDs are built
 * in place (RtlInitializeSid), not taken from SeExports. When the DACL cannot be set the device
 * is deleted and the error returned: no device is ever left open to everyone.
 * The link name is copied (pool tag 'KmdL') and kept with the device; KmdDeleteDevice removes
 * the link, then the device. Both at PASSIVE_LEVEL (code in PAGE). */
#ifndef KMDKIT_DEVICE_H
#define KMDKIT_DEVICE_H

#include <ntddk.h>

typedef enum _KMD_DEVICE_ACCESS {
    /* D:P(A;;GA;;;SY)(A;;GA;;;BA)              SYSTEM and Administrators only (default) */
    KmdDeviceAccessAdmins,
    /* D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)  + Users may open for reading */
    KmdDeviceAccessAdminsUsersRead,
    /* D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;WD) + Everyone may read and write */
    KmdDeviceAccessEveryone,
    KmdDeviceAccessCount
} KMD_DEVICE_ACCESS;

/* LinkName may be NULL (no link). ExtensionSize bytes of zeroed DeviceExtension are the
 * caller's; the toolkit keeps its own data after them. */
NTSTATUS NTAPI KmdCreateDevice(PDRIVER_OBJECT DriverObject, PCWSTR DeviceName, PCWSTR LinkName,
                               DEVICE_TYPE DeviceType, ULONG ExtensionSize,
                               KMD_DEVICE_ACCESS Access, PDEVICE_OBJECT *DeviceObject);

/* The IOCTL table of a device made by KmdCreateDevice (kmdkit/irp.h), for
 * KmdDispatchDeviceControl. Set it before the device can receive requests (in DriverEntry,
 * before returning). STATUS_NOT_FOUND for a device KmdCreateDevice did not make. */
struct _KMD_IOCTL;
NTSTATUS NTAPI KmdSetDeviceIoctls(PDEVICE_OBJECT DeviceObject, const struct _KMD_IOCTL *Table,
                                  ULONG Count);

/* The DEVICE_CONTROL routine of drivers whose devices have tables (KmdSetDeviceIoctls): hands
 * the IRP to KmdDispatchIoctl with the table of the device it is for; a device without one
 * answers every code with STATUS_INVALID_DEVICE_REQUEST.
 *   DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl; */
NTSTATUS NTAPI KmdDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp);

/* Removes the link (if any) and the device. A NULL device is ignored. */
VOID NTAPI KmdDeleteDevice(PDEVICE_OBJECT DeviceObject);

/* The preset's SDDL string, for logs and docs. */
PCSTR NTAPI KmdDeviceAccessSddl(KMD_DEVICE_ACCESS Access);

/* Builds the preset's self-relative security descriptor in pool (tag 'KmdS'): for callers that
 * apply it themselves. Free it with KmdFreePool(*SecurityDescriptor, KMD_TAG('K','m','d','S')). */
NTSTATUS NTAPI KmdBuildDeviceSecurity(KMD_DEVICE_ACCESS Access,
                                      PSECURITY_DESCRIPTOR *SecurityDescriptor);

#endif
