/* virttophys: KmdKit's VirtToPhys. The client sends virtual addresses of its own address space,
 * the driver answers with the physical addresses behind them. The original walked the x86 page
 * tables itself (PTE base C0000000h); the portable way is MmGetPhysicalAddress, which knows
 * PAE, 4-level paging and large pages. Contract: virttophys_ioctl.h. */
#include <ntddk.h>

#include <kmdkit/kernel.h>
#include "virttophys_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD VirtToPhysUnload;

/* ntoskrnl exports it (MM_HIGHEST_USER_ADDRESS in the WDK); MinGW's headers do not declare it. */
extern __declspec(dllimport) PVOID MmHighestUserAddress;

static PDEVICE_OBJECT VirtToPhysDevice;

/* IOCTL_VIRTTOPHYS_TRANSLATE. The table has checked the input for a header and at most
 * VIRTTOPHYS_MAX addresses, and the output for one entry; the lengths that depend on Count are
 * checked here. METHOD_BUFFERED, IRP_MJ_DEVICE_CONTROL of a top-level driver: we run in the
 * caller's thread, so its user addresses mean what they meant to it. */
static NTSTATUS VirtToPhysTranslate(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                    ULONG_PTR *Info)
{
    ULONGLONG Addresses[VIRTTOPHYS_MAX];
    const VIRTTOPHYS_REQUEST *Request = Io->In;
    VIRTTOPHYS_RESULT *Result = Io->Out;
    ULONG Count = Request->Count;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
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
    *Info = VIRTTOPHYS_RESULT_SIZE(Count);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL VirtToPhysIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_VIRTTOPHYS_TRANSLATE, sizeof(VIRTTOPHYS_REQUEST),
     VIRTTOPHYS_REQUEST_SIZE(VIRTTOPHYS_MAX), VIRTTOPHYS_RESULT_SIZE(1), VirtToPhysTranslate},
};

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
    Status = KmdLibInitialize(DriverObject, "virttophys");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, VIRTTOPHYS_DEVICE_NAME, VIRTTOPHYS_LINK_NAME,
                             VIRTTOPHYS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &VirtToPhysDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(VirtToPhysDevice, VirtToPhysIoctls, RTL_NUMBER_OF(VirtToPhysIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = VirtToPhysUnload;
    KmdLogPrint("DriverEntry: device %ws ready (user addresses end at %p)", VIRTTOPHYS_DEVICE_NAME,
                MmHighestUserAddress);
    return STATUS_SUCCESS;
}
