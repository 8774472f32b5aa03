/* registryworks: KmdKit's RegistryWorks. Keys and values through the Zw* registry routines:
 * create a key under the driver's own service key, set REG_SZ, REG_DWORD and REG_BINARY values,
 * query and enumerate them, enumerate subkeys, delete. Contract: registryworks_ioctl.h.
 * The registry routines run at PASSIVE_LEVEL only: all of this is pageable code. */
#include <kmdkit/kernel.h>
#include "registryworks_ioctl.h"

#define REGISTRYWORKS_TAG KMD_TAG('K', 'r', 'g', 'w')
/* Big enough for any one value or key name this driver reads back. */
#define REGISTRYWORKS_INFO_BYTES 256

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD RegistryWorksUnload;

static PDEVICE_OBJECT RegistryWorksDevice;
/* <RegistryPath>\RegistryWorks. DriverEntry's RegistryPath is only valid while DriverEntry runs,
 * so the driver copies what it needs. */
static UNICODE_STRING RegistryWorksKeyPath;

KMD_PAGED static NTSTATUS RegistryWorksOpen(PUNICODE_STRING Path, HANDLE Parent, BOOLEAN Create,
                                            HANDLE *Key)
{
    OBJECT_ATTRIBUTES Attributes;

    KMD_PAGED_CODE();
    InitializeObjectAttributes(&Attributes, Path, OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE, Parent,
                               NULL);
    if (Create)
        return ZwCreateKey(Key, KEY_ALL_ACCESS, &Attributes, 0, NULL, REG_OPTION_NON_VOLATILE,
                           NULL);
    return ZwOpenKey(Key, KEY_ALL_ACCESS, &Attributes);
}

KMD_PAGED static NTSTATUS RegistryWorksSet(HANDLE Key, PCWSTR Name, ULONG Type, const VOID *Data,
                                           ULONG Size)
{
    UNICODE_STRING ValueName;

    KMD_PAGED_CODE();
    RtlInitUnicodeString(&ValueName, Name);
    return ZwSetValueKey(Key, &ValueName, 0, Type, (PVOID)Data, Size);
}

/* Reads one value into Data (at most Capacity bytes): ZwQueryValueKey with
 * KeyValuePartialInformation, which carries the type, the length and the data. */
KMD_PAGED static NTSTATUS RegistryWorksQuery(HANDLE Key, PCWSTR Name,
                                             PKEY_VALUE_PARTIAL_INFORMATION Info,
                                             unsigned int *Type, unsigned int *Length, PVOID Data,
                                             ULONG Capacity)
{
    UNICODE_STRING ValueName;
    ULONG Needed;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    RtlInitUnicodeString(&ValueName, Name);
    Status = ZwQueryValueKey(Key, &ValueName, KeyValuePartialInformation, Info,
                             REGISTRYWORKS_INFO_BYTES, &Needed);
    if (!NT_SUCCESS(Status))
        return Status;
    *Type = Info->Type;
    if (Length != NULL)
        *Length = Info->DataLength;
    RtlCopyMemory(Data, Info->Data, min(Info->DataLength, Capacity));
    return STATUS_SUCCESS;
}

KMD_PAGED static VOID RegistryWorksCopyName(PWCH Out, const WCHAR *Name, ULONG Bytes)
{
    ULONG Chars = min(Bytes / sizeof(WCHAR), REGISTRYWORKS_NAME_MAX - 1);

    KMD_PAGED_CODE();
    RtlCopyMemory(Out, Name, Chars * sizeof(WCHAR));
    Out[Chars] = L'\0';
}

/* Enumerates values (ZwEnumerateValueKey, KeyValueBasicInformation: name and type) and subkeys
 * (ZwEnumerateKey, KeyBasicInformation) by index until STATUS_NO_MORE_ENTRIES. */
KMD_PAGED static NTSTATUS RegistryWorksEnumerate(HANDLE Key, PVOID Info,
                                                 REGISTRYWORKS_REPORT *Report)
{
    PKEY_VALUE_BASIC_INFORMATION Value = Info;
    PKEY_BASIC_INFORMATION Subkey = Info;
    NTSTATUS Status;
    ULONG Needed;

    KMD_PAGED_CODE();
    for (ULONG i = 0;; i++) {
        Status = ZwEnumerateValueKey(Key, i, KeyValueBasicInformation, Info,
                                     REGISTRYWORKS_INFO_BYTES, &Needed);
        if (Status == STATUS_NO_MORE_ENTRIES)
            break;
        if (!NT_SUCCESS(Status))
            return Status;
        if (Report->ValueCount < REGISTRYWORKS_MAX_VALUES) {
            REGISTRYWORKS_VALUE *Out = &Report->Values[Report->ValueCount];

            Out->Type = Value->Type;
            RegistryWorksCopyName(Out->Name, Value->Name, Value->NameLength);
        }
        Report->ValueCount++;
    }
    for (ULONG i = 0;; i++) {
        Status =
            ZwEnumerateKey(Key, i, KeyBasicInformation, Info, REGISTRYWORKS_INFO_BYTES, &Needed);
        if (Status == STATUS_NO_MORE_ENTRIES)
            return STATUS_SUCCESS;
        if (!NT_SUCCESS(Status))
            return Status;
        if (Report->SubkeyCount == 0)
            RegistryWorksCopyName(Report->Subkey, Subkey->Name, Subkey->NameLength);
        Report->SubkeyCount++;
    }
}

KMD_PAGED static NTSTATUS RegistryWorksCreate(REGISTRYWORKS_REPORT *Report)
{
    static const UCHAR Bytes[] = REGISTRYWORKS_BYTES;
    const ULONG Number = REGISTRYWORKS_NUMBER;
    UNICODE_STRING ChildName = RTL_CONSTANT_STRING(REGISTRYWORKS_CHILD);
    HANDLE Key, Child;
    NTSTATUS Status;
    PVOID Info;

    KMD_PAGED_CODE();
    Status = RegistryWorksOpen(&RegistryWorksKeyPath, NULL, TRUE, &Key);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = RegistryWorksSet(Key, L"Text", REG_SZ, REGISTRYWORKS_TEXT, sizeof(REGISTRYWORKS_TEXT));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksSet(Key, L"Number", REG_DWORD, &Number, sizeof(Number));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksSet(Key, L"Bytes", REG_BINARY, Bytes, sizeof(Bytes));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksOpen(&ChildName, Key, TRUE, &Child); /* relative to Key */
    if (NT_SUCCESS(Status))
        ZwClose(Child);

    Info = KmdAllocatePool(POOL_FLAG_PAGED, REGISTRYWORKS_INFO_BYTES, REGISTRYWORKS_TAG);
    if (NT_SUCCESS(Status) && Info == NULL)
        Status = STATUS_INSUFFICIENT_RESOURCES;
    if (NT_SUCCESS(Status))
        Status = RegistryWorksQuery(Key, L"Text", Info, &Report->TextType, &Report->TextBytes,
                                    Report->Text, sizeof(Report->Text) - sizeof(WCHAR));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksQuery(Key, L"Number", Info, &Report->NumberType, NULL,
                                    &Report->Number, sizeof(Report->Number));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksQuery(Key, L"Bytes", Info, &Report->BytesType, &Report->BytesLength,
                                    Report->Bytes, sizeof(Report->Bytes));
    if (NT_SUCCESS(Status))
        Status = RegistryWorksEnumerate(Key, Info, Report);
    if (Info != NULL)
        KmdFreePool(Info, REGISTRYWORKS_TAG);
    ZwClose(Key);
    return Status;
}

/* A key with subkeys cannot be deleted: the child goes first. ZwDeleteKey marks the key; it
 * disappears when its last handle is closed. */
KMD_PAGED static NTSTATUS RegistryWorksDelete(VOID)
{
    UNICODE_STRING ChildName = RTL_CONSTANT_STRING(REGISTRYWORKS_CHILD);
    HANDLE Key, Child;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    Status = RegistryWorksOpen(&RegistryWorksKeyPath, NULL, FALSE, &Key);
    if (!NT_SUCCESS(Status))
        return Status;
    if (NT_SUCCESS(RegistryWorksOpen(&ChildName, Key, FALSE, &Child))) {
        ZwDeleteKey(Child);
        ZwClose(Child);
    }
    Status = ZwDeleteKey(Key);
    ZwClose(Key);
    return Status;
}

/* IOCTL_REGISTRYWORKS_CREATE: no input, a whole report out (the table checks both). */
KMD_PAGED static NTSTATUS RegistryWorksCreateIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                   PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    REGISTRYWORKS_REPORT *Report = Io->Out;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    RtlZeroMemory(Report, sizeof(*Report));
    Report->Size = sizeof(*Report);
    RtlCopyMemory(Report->KeyPath, RegistryWorksKeyPath.Buffer,
                  min(RegistryWorksKeyPath.Length, sizeof(Report->KeyPath) - sizeof(WCHAR)));
    Status = RegistryWorksCreate(Report);
    if (NT_SUCCESS(Status))
        *Info = sizeof(*Report);
    KmdLogPrint("create: 0x%08lx", (ULONG)Status);
    return Status;
}

/* IOCTL_REGISTRYWORKS_DELETE: no buffers at all. The table refuses input; an output buffer, which
 * it cannot bound from above, is refused here. */
KMD_PAGED static NTSTATUS RegistryWorksDeleteIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                   PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    UNREFERENCED_PARAMETER(Info);
    if (Io->OutLength != 0)
        return STATUS_INVALID_PARAMETER;
    Status = RegistryWorksDelete();
    KmdLogPrint("delete: 0x%08lx", (ULONG)Status);
    return Status;
}

static const KMD_IOCTL RegistryWorksIoctls[] = {
    /* Code                      MinIn MaxIn MinOut                        Handler */
    {IOCTL_REGISTRYWORKS_CREATE, 0, 0, sizeof(REGISTRYWORKS_REPORT), RegistryWorksCreateIoctl},
    {IOCTL_REGISTRYWORKS_DELETE, 0, 0, 0, RegistryWorksDeleteIoctl},
};

KMD_PAGED static VOID NTAPI RegistryWorksUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(RegistryWorksDevice);
    /* Leave nothing behind: a key the client did not delete goes now. */
    if (NT_SUCCESS(RegistryWorksDelete()))
        KmdLogPrint("DriverUnload: deleted the key the client left");
    KmdFreePool(RegistryWorksKeyPath.Buffer, REGISTRYWORKS_TAG);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    static const WCHAR Suffix[] = L"\\" REGISTRYWORKS_KEY;
    USHORT Bytes;
    NTSTATUS Status;

    Status = KmdLibInitialize(DriverObject, "registryworks");
    if (!NT_SUCCESS(Status))
        return Status;
    /* DriverUnload never runs after a failed DriverEntry: each failure undoes what succeeded. */
    if (RegistryPath->Length > REGISTRYWORKS_PATH_MAX * sizeof(WCHAR) - sizeof(Suffix)) {
        KmdLogError("registry path too long");
        KmdLibUninitialize();
        return STATUS_NAME_TOO_LONG;
    }
    Bytes = (USHORT)(RegistryPath->Length + sizeof(Suffix));
    RegistryWorksKeyPath.Buffer = KmdAllocatePool(POOL_FLAG_PAGED, Bytes, REGISTRYWORKS_TAG);
    if (RegistryWorksKeyPath.Buffer == NULL) {
        KmdLibUninitialize();
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RegistryWorksKeyPath.MaximumLength = Bytes;
    RtlCopyUnicodeString(&RegistryWorksKeyPath, RegistryPath);
    RtlAppendUnicodeToString(&RegistryWorksKeyPath, Suffix);

    Status =
        KmdCreateDevice(DriverObject, REGISTRYWORKS_DEVICE_NAME, REGISTRYWORKS_LINK_NAME,
                        REGISTRYWORKS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &RegistryWorksDevice);
    if (!NT_SUCCESS(Status)) {
        KmdFreePool(RegistryWorksKeyPath.Buffer, REGISTRYWORKS_TAG);
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(RegistryWorksDevice, RegistryWorksIoctls,
                       RTL_NUMBER_OF(RegistryWorksIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = RegistryWorksUnload;
    KmdLogPrint("DriverEntry: device %ws ready, key %.*ws", REGISTRYWORKS_DEVICE_NAME,
                KMD_USTR_ARG(&RegistryWorksKeyPath));
    return STATUS_SUCCESS;
}
