/* IRP helpers: completion in one call, and the buffers of a DEVICE_CONTROL request with their
 * length checks.
 *
 *   return KmdCompleteIrp(Irp, STATUS_SUCCESS, BytesWritten);
 *
 *   KMD_IOCTL_BUFFERS Io;
 *   Status = KmdGetIoctlBuffers(Irp, sizeof(MY_IN), sizeof(MY_OUT), &Io);
 *   if (!NT_SUCCESS(Status))
 *       return KmdCompleteIrp(Irp, Status, 0);
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
 * Errors: InLength < MinIn -> STATUS_INVALID_PARAMETER (Win32 87); OutLength < MinOut ->
 * STATUS_BUFFER_TOO_SMALL (Win32 122); the MDL cannot be mapped -> STATUS_INSUFFICIENT_RESOURCES.
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

NTSTATUS NTAPI KmdGetIoctlBuffers(PIRP Irp, ULONG MinIn, ULONG MinOut, PKMD_IOCTL_BUFFERS Io);

/* Sets IoStatus.Status/Information, completes the IRP (IO_NO_INCREMENT), returns Status. */
NTSTATUS NTAPI KmdCompleteIrp(PIRP Irp, NTSTATUS Status, ULONG_PTR Information);

/* A dispatch routine that completes any IRP with STATUS_SUCCESS: for IRP_MJ_CREATE/CLOSE of a
 * device that keeps no per-handle state. */
NTSTATUS NTAPI KmdDispatchSuccess(PDEVICE_OBJECT DeviceObject, PIRP Irp);

#endif
