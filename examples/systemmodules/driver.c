/* systemmodules: KmdKit's SystemModules and GetKernelBase. ZwQuerySystemInformation
 * (SystemModuleInformation) lists the loaded kernel modules; the first one is the kernel, so its
 * base is the kernel base: no scanning of memory for an MZ header as the 2005 GetKernelBase did.
 * Contract: systemmodules_ioctl.h. */
#include <kmdkit/kernel.h>
#include "systemmodules_ioctl.h"

/* Not in MinGW-w64's DDK headers (values and layout from the WDK's aux_klib.h / ntddk
 * documentation of RTL_PROCESS_MODULES). */
#define SystemModuleInformation 11

typedef struct _RTL_PROCESS_MODULE_INFORMATION {
    HANDLE Section;
    PVOID MappedBase;
    PVOID ImageBase;
    ULONG ImageSize;
    ULONG Flags;
    USHORT LoadOrderIndex;
    USHORT InitOrderIndex;
    USHORT LoadCount;
    USHORT OffsetToFileName;
    UCHAR FullPathName[256];
} RTL_PROCESS_MODULE_INFORMATION, *PRTL_PROCESS_MODULE_INFORMATION;

typedef struct _RTL_PROCESS_MODULES {
    ULONG NumberOfModules;
    RTL_PROCESS_MODULE_INFORMATION Modules[1];
} RTL_PROCESS_MODULES, *PRTL_PROCESS_MODULES;

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass,
                                                 PVOID SystemInformation,
                                                 ULONG SystemInformationLength,
                                                 PULONG ReturnLength);

#define SYSTEMMODULES_TAG KMD_TAG('K', 's', 'm', 'l')

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SystemModulesUnload;

static PDEVICE_OBJECT SystemModulesDevice;

/* The list in pool (free with KmdFreePool, SYSTEMMODULES_TAG). Its size is not known in advance
 * and drivers may load between two calls: ask, allocate what was said, ask again. */
KMD_PAGED static NTSTATUS SystemModulesQuery(PRTL_PROCESS_MODULES *Modules)
{
    ULONG Size = sizeof(RTL_PROCESS_MODULES);
    NTSTATUS Status = STATUS_INFO_LENGTH_MISMATCH;

    KMD_PAGED_CODE();
    for (int Try = 0; Try < 4 && Status == STATUS_INFO_LENGTH_MISMATCH; Try++) {
        ULONG Needed = 0;
        PRTL_PROCESS_MODULES Buffer = KmdAllocatePool(POOL_FLAG_PAGED, Size, SYSTEMMODULES_TAG);

        if (Buffer == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        Status = ZwQuerySystemInformation(SystemModuleInformation, Buffer, Size, &Needed);
        if (NT_SUCCESS(Status)) {
            *Modules = Buffer;
            return Status;
        }
        KmdFreePool(Buffer, SYSTEMMODULES_TAG);
        /* Some room for modules that load meanwhile. */
        Size = max(Needed, Size) + 4 * sizeof(RTL_PROCESS_MODULE_INFORMATION);
    }
    return Status;
}

KMD_PAGED static BOOLEAN SystemModulesContains(PRTL_PROCESS_MODULE_INFORMATION Module,
                                               PVOID Address)
{
    KMD_PAGED_CODE();
    return (ULONG_PTR)Address >= (ULONG_PTR)Module->ImageBase &&
           (ULONG_PTR)Address - (ULONG_PTR)Module->ImageBase < Module->ImageSize;
}

/* IOCTL_SYSTEMMODULES_LIST: no input, at least the header out (the table checks both); the rest
 * of the two-call protocol is the handler's. */
KMD_PAGED static NTSTATUS SystemModulesList(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                            ULONG_PTR *Info)
{
    UNICODE_STRING ZwCloseName = RTL_CONSTANT_STRING(L"ZwClose");
    PDRIVER_OBJECT Driver = Device->DriverObject;
    SYSTEMMODULES_LIST *List = Io->Out;
    SYSTEMMODULES_ENTRY *Entries = (SYSTEMMODULES_ENTRY *)(List + 1);
    PRTL_PROCESS_MODULES Modules;
    ULONG64 Needed;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Irp);
    Status = SystemModulesQuery(&Modules);
    if (!NT_SUCCESS(Status))
        return Status;

    RtlZeroMemory(List, sizeof(*List));
    List->Size = sizeof(*List);
    List->Count = Modules->NumberOfModules;
    Needed = sizeof(*List) + (ULONG64)List->Count * sizeof(SYSTEMMODULES_ENTRY);
    List->Needed = Needed > MAXULONG ? MAXULONG : (ULONG)Needed;
    List->SelfIndex = SYSTEMMODULES_NOT_FOUND;
    List->SelfBase = (ULONG_PTR)Driver->DriverStart;
    if (List->Count > 0) {
        PRTL_PROCESS_MODULE_INFORMATION Kernel = &Modules->Modules[0];

        List->KernelBase = (ULONG_PTR)Kernel->ImageBase;
        List->KernelSize = Kernel->ImageSize;
        List->ExportInKernel =
            SystemModulesContains(Kernel, MmGetSystemRoutineAddress(&ZwCloseName));
    }
    for (ULONG i = 0; i < List->Count; i++)
        if (SystemModulesContains(&Modules->Modules[i], Driver->DriverStart))
            List->SelfIndex = i;

    if (Needed > Io->OutLength) {
        Status = STATUS_BUFFER_OVERFLOW; /* the header says how much is needed */
        *Info = sizeof(*List);
    } else {
        for (ULONG i = 0; i < List->Count; i++) {
            PRTL_PROCESS_MODULE_INFORMATION Module = &Modules->Modules[i];
            SYSTEMMODULES_ENTRY *Entry = &Entries[i];

            RtlZeroMemory(Entry, sizeof(*Entry));
            Entry->Base = (ULONG_PTR)Module->ImageBase;
            Entry->Size = Module->ImageSize;
            Entry->LoadOrder = Module->LoadOrderIndex;
            Entry->NameOffset =
                Module->OffsetToFileName < SYSTEMMODULES_NAME_MAX ? Module->OffsetToFileName : 0;
            /* The system's name is NUL-terminated within its 256 bytes; ours always is. */
            RtlCopyMemory(Entry->Name, Module->FullPathName, SYSTEMMODULES_NAME_MAX - 1);
        }
        List->Returned = List->Count;
        *Info = (ULONG_PTR)Needed;
    }
    KmdLogPrint("%lu modules, kernel at %p (%lu bytes), %s", List->Count,
                (PVOID)(ULONG_PTR)List->KernelBase, List->KernelSize,
                Status == STATUS_BUFFER_OVERFLOW ? "header only" : "all returned");
    KmdFreePool(Modules, SYSTEMMODULES_TAG);
    return Status;
}

/* STATUS_BUFFER_OVERFLOW is a warning: KmdDispatchIoctl completes the header with it and the
 * I/O manager copies it back. */
static const KMD_IOCTL SystemModulesIoctls[] = {
    /* Code                    MinIn MaxIn MinOut                      Handler */
    {IOCTL_SYSTEMMODULES_LIST, 0, 0, sizeof(SYSTEMMODULES_LIST), SystemModulesList},
};

KMD_PAGED static VOID NTAPI SystemModulesUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(SystemModulesDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "systemmodules");
    if (!NT_SUCCESS(Status))
        return Status;
    Status =
        KmdCreateDevice(DriverObject, SYSTEMMODULES_DEVICE_NAME, SYSTEMMODULES_LINK_NAME,
                        SYSTEMMODULES_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &SystemModulesDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(SystemModulesDevice, SystemModulesIoctls,
                       RTL_NUMBER_OF(SystemModulesIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = SystemModulesUnload;
    KmdLogPrint("DriverEntry: device %ws ready", SYSTEMMODULES_DEVICE_NAME);
    return STATUS_SUCCESS;
}
