/* virttophys: KmdKit's VirtToPhys. The client sends virtual addresses of its own address space,
 * the driver answers with the physical addresses behind them. The original walked the x86 page
 * tables itself (PTE base C0000000h); the portable way is MmGetPhysicalAddress, which knows
 * PAE, 4-level paging and large pages. Contract: headers/virttophys_ioctl.h. */
#include <ntddk.h>

#include <kmdkit/kernel.h>
#include <virttophys_ioctl.h>

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD VirtToPhysUnload;
static DRIVER_DISPATCH VirtToPhysDeviceControl;

/* ntoskrnl exports it (MM_HIGHEST_USER_ADDRESS in the WDK); MinGW's headers do not declare it. */
extern __declspec(dllimport) PVOID MmHighestUserAddress;

static PDEVICE_OBJECT VirtToPhysDevice;

/* METHOD_BUFFERED, IRP_MJ_DEVICE_CONTROL of a top-level driver: we run in the caller's thread,
 * so its user addresses mean what they meant to it. */
static NTSTATUS VirtToPhysTranslate(const KMD_IOCTL_BUFFERS *Io, ULONG_PTR *Information)
{
    ULONGLONG Addresses[VIRTTOPHYS_MAX];
    const VIRTTOPHYS_REQUEST *Request = Io->In;
    VIRTTOPHYS_RESULT *Result = Io->Out;
    ULONG Count;

    if (Io->InLength < sizeof(*Request))
        return STATUS_INVALID_PARAMETER;
    Count = Request->Count;
    if (Count == 0 || Count > VIRTTOPHYS_MAX || Request->Reserved != 0 ||
        Io->InLength != VIRTTOPHYS_REQUEST_SIZE(Count))
        return STATUS_INVALID_PARAMETER;
    if (Io->OutLength < VIRTTOPHYS_RESULT_SIZE(Count))
        return STATUS_BUFFER_TOO_SMALL;
    /* Input and output share one buffer: take the addresses out before writing the answer. */
    RtlCopyMemory(Addresses, Request->Addresses, Count * sizeof(Addresses[0]));
    for (ULONG i = 0; i < Count; i++)
        if (Addresses[i] > (ULONG_PTR)MmHighestUserAddress)
            return STATUS_INVALID_PARAMETER; /* kernel addresses are not the caller's business */

    RtlZeroMemory(Result, VIRTTOPHYS_RESULT_SIZE(Count));
    Result->Count = Count;
    for (ULONG i = 0; i < Count; i++) {
        /* 0 when nothing is mapped there now (a page not touched yet, or paged out). */
        PHYSICAL_ADDRESS Physical = MmGetPhysicalAddress((PVOID)(ULONG_PTR)Addresses[i]);

        Result->Entries[i].Virtual = Addresses[i];
        if (Physical.QuadPart != 0) {
            Result->Entries[i].Physical = (ULONGLONG)Physical.QuadPart;
            Result->Entries[i].Flags = VIRTTOPHYS_PRESENT;
            Result->Present++;
        }
        KmdLogInfo("%p -> %I64x", (PVOID)(ULONG_PTR)Addresses[i], Physical.QuadPart);
    }
    *Information = VIRTTOPHYS_RESULT_SIZE(Count);
    return STATUS_SUCCESS;
}

static NTSTATUS NTAPI VirtToPhysDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_IOCTL_BUFFERS Io;
    ULONG_PTR Information = 0;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(DeviceObject);
    Status = KmdGetIoctlBuffers(Irp, 0, 0, &Io);
    if (NT_SUCCESS(Status)) {
        if (Io.Code == IOCTL_VIRTTOPHYS_TRANSLATE)
            Status = VirtToPhysTranslate(&Io, &Information);
        else
            Status = STATUS_INVALID_DEVICE_REQUEST;
    }
    return KmdCompleteIrp(Irp, Status, NT_SUCCESS(Status) ? Information : 0);
}

static VOID NTAPI VirtToPhysUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(VirtToPhysDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    KmdLibInitialize(DriverObject, "virttophys");
    Status = KmdCreateDevice(DriverObject, VIRTTOPHYS_DEVICE_NAME, VIRTTOPHYS_LINK_NAME,
                             VIRTTOPHYS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &VirtToPhysDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = VirtToPhysDeviceControl;
    DriverObject->DriverUnload = VirtToPhysUnload;
    KmdLogPrint("DriverEntry: device %ws ready (user addresses end at %p)", VIRTTOPHYS_DEVICE_NAME,
                MmHighestUserAddress);
    return STATUS_SUCCESS;
}
