/* IRP helpers: completion in one call, a DEVICE_CONTROL dispatch driven by a table, and the
 * buffers of a DEVICE_CONTROL request with their length checks.
 *
 * The one IOCTL idiom of kmdkit's drivers: a table row per control code with its buffer bounds,
 * given to the device, and the library's DEVICE_CONTROL routine (kmdkit/device.h):
 *
 *   static const KMD_IOCTL MyIoctls[] = {
 *       // {Code, MinIn, MaxIn, MinOut, Handler}
 *       {IOCTL_MY_GET, 0, 0, sizeof(MY_OUT), MyGet}, // no input at all
 *       {IOCTL_MY_SET, sizeof(MY_IN), sizeof(MY_IN), 0, MySet},
 *   };
 *   // in DriverEntry, after KmdCreateDevice:
 *   KmdSetDeviceIoctls(Device, MyIoctls, RTL_NUMBER_OF(MyIoctls));
 *   DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
 *
 *   static NTSTATUS MyGet(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
 *                         ULONG_PTR *Information)
 *   {
 *       ...fill Io->Out...
 *       *Information = sizeof(MY_OUT);
 *       return STATUS_SUCCESS;
 *   }
 *
 * A device not made by KmdCreateDevice (a filter's, say) calls KmdDispatchIoctl(Device, Irp,
 * Table, Count) from its own DEVICE_CONTROL routine instead.
 *
 * KmdDispatchIoctl: an unknown code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1); otherwise the
 * buffers are checked and mapped (KmdGetIoctlBuffers, below) and the handler runs. The IRP is
 * completed with the handler's status and *Information, unless the handler returns
 * STATUS_PENDING: then the IRP is the handler's (marked pending, queued, completed later).
 * In the debug build every request is logged with its lengths and status.
 *
 *   return KmdCompleteIrp(Irp, STATUS_SUCCESS, BytesWritten);
 *
 * KmdGetIoctlBuffers, by transfer method of the control code:
 *   METHOD_BUFFERED    In = Out = Irp->AssociatedIrp.SystemBuffer (one buffer: read the input
 *                      before writing the output)
 *   METHOD_IN_DIRECT   In = SystemBuffer; Out = the second ("output") buffer mapped from
 *   METHOD_OUT_DIRECT  Irp->MdlAddress with MmGetSystemAddressForMdlSafe (NormalPagePriority,
 *                      | MdlMappingNoExecute on Windows 8+). IN_DIRECT: the caller sends data
 *                      in it (read it); OUT_DIRECT: the driver writes it.
 *   METHOD_NEITHER     refused with STATUS_NOT_SUPPORTED (user addresses need __try, which GCC
 *                      lacks)
 * Errors: InLength < MinIn or > MaxIn -> STATUS_INVALID_PARAMETER (Win32 87);
 * OutLength < MinOut -> STATUS_BUFFER_TOO_SMALL (Win32 122);
 * the MDL cannot be mapped -> STATUS_INSUFFICIENT_RESOURCES.
 * MaxIn = 0: no input allowed; KMD_ANY_LENGTH: no upper bound.
 * A buffer of length 0 comes back as NULL. Any IRQL <= DISPATCH_LEVEL. */
#ifndef KMDKIT_IRP_H
#define KMDKIT_IRP_H

#include <ntddk.h>

typedef struct _KMD_IOCTL_BUFFERS {
    ULONG Code;   /* IoControlCode */
    ULONG Method; /* METHOD_BUFFERED, METHOD_IN_DIRECT or METHOD_OUT_DIRECT */
    PVOID In;     /* input buffer, InLength bytes */
    ULONG InLength;
    PVOID Out; /* output buffer, OutLength bytes */
    ULONG OutLength;
} KMD_IOCTL_BUFFERS, *PKMD_IOCTL_BUFFERS;

#define KMD_ANY_LENGTH 0xFFFFFFFFUL

NTSTATUS NTAPI KmdGetIoctlBuffers(PIRP Irp, ULONG MinIn, ULONG MaxIn, ULONG MinOut,
                                  PKMD_IOCTL_BUFFERS Io);

/* A handler of one control code: the buffers are checked; it returns the status and sets
 * *Information (bytes written to Io->Out), or returns STATUS_PENDING having taken the IRP. */
typedef NTSTATUS KMD_IOCTL_HANDLER(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                   ULONG_PTR *Information);

typedef struct _KMD_IOCTL {
    ULONG Code;
    ULONG MinIn; /* input bytes: at least MinIn, at most MaxIn */
    ULONG MaxIn;
    ULONG MinOut; /* output bytes: at least MinOut */
    KMD_IOCTL_HANDLER *Handler;
} KMD_IOCTL;

NTSTATUS NTAPI KmdDispatchIoctl(PDEVICE_OBJECT Device, PIRP Irp, const KMD_IOCTL *Table,
                                ULONG Count);

/* Sets IoStatus.Status/Information, completes the IRP (IO_NO_INCREMENT), returns Status. */
NTSTATUS NTAPI KmdCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information);

/* A dispatch routine that completes any IRP with STATUS_SUCCESS: for IRP_MJ_CREATE/CLOSE of a
 * device that keeps no per-handle state. */
NTSTATUS NTAPI KmdDispatchSuccess(PDEVICE_OBJECT DeviceObject, PIRP Irp);

#endif
