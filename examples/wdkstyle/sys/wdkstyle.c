/*++

Module Name:

    wdkstyle.c

Abstract:

    A legacy (non-PnP) WDM driver written for the WDK: one control device,
    opened by administrators only, that answers one IOCTL per buffer
    transfer method (see wdkioctl.h) and reports where its own code lies.

    DriverEntry is discardable (INIT), the dispatch routines and the unload
    routine pageable (PAGE): a top-level driver's CREATE, CLOSE and
    DEVICE_CONTROL run at PASSIVE_LEVEL.

Environment:

    Kernel mode only.

--*/

//
// Non-executable non-paged pool where the system has it (Windows 8 and
// later): NonPagedPool becomes ExDefaultNonPagedPoolType, which
// ExInitializeDriverRuntime sets. The ExAllocatePoolZero family falls back
// to ExAllocatePoolWithTag where ExAllocatePool2 is missing (before 2004).
//
#define POOL_NX_OPTIN 1
#define POOL_ZERO_DOWN_LEVEL_SUPPORT

#include <ntddk.h>
#include <wdmsec.h>
#include <ntimage.h>
#include <ntstrsafe.h>
#include <initguid.h>

#include "wdkioctl.h"

#include <dontuse.h>

//
// The class an administrator can give the device another DACL for
// (HKLM\SYSTEM\CurrentControlSet\Control\Class\{guid}\Properties).
// {9D755ED5-F507-43EF-B9A8-7014D4DF0255}
//
DEFINE_GUID(GUID_DEVCLASS_WDKSTYLE, 0x9d755ed5, 0xf507, 0x43ef, 0xb9, 0xa8, 0x70, 0x14, 0xd4, 0xdf,
            0x02, 0x55);

#define WDKSTYLE_POOL_TAG 'ySdW'

typedef struct _DEVICE_EXTENSION {
    WDKSTYLE_INFO Info; // filled by DriverEntry; Requests counted since
} DEVICE_EXTENSION, *PDEVICE_EXTENSION;

//
// SAL annotations on lines of their own, as the WDK writes them (clang-format
// would join them to the declarations).
//
// clang-format off
DRIVER_INITIALIZE DriverEntry;

DRIVER_UNLOAD WdkStyleUnload;

_Dispatch_type_(IRP_MJ_CREATE)
_Dispatch_type_(IRP_MJ_CLOSE)
DRIVER_DISPATCH WdkStyleCreateClose;

_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
DRIVER_DISPATCH WdkStyleDeviceControl;

_IRQL_requires_max_(PASSIVE_LEVEL)
VOID WdkStyleLocate(_In_ PVOID ImageBase, _In_ PVOID Address, _Out_ PWDKSTYLE_CODE_PLACE Place);

_IRQL_requires_max_(PASSIVE_LEVEL)
VOID WdkStyleServiceName(_In_ PCUNICODE_STRING RegistryPath,
                         _Out_writes_bytes_(NameSize) PWCHAR Name, _In_ size_t NameSize);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS WdkStyleMethodBuffered(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION IrpSp);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS WdkStyleMethodInDirect(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION IrpSp);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS WdkStyleMethodOutDirect(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION IrpSp);

_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS WdkStyleMethodNeither(_In_ PIRP Irp, _In_ PIO_STACK_LOCATION IrpSp);
// clang-format on

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(INIT, WdkStyleLocate)
#pragma alloc_text(INIT, WdkStyleServiceName)
#pragma alloc_text(PAGE, WdkStyleUnload)
#pragma alloc_text(PAGE, WdkStyleCreateClose)
#pragma alloc_text(PAGE, WdkStyleDeviceControl)
#pragma alloc_text(PAGE, WdkStyleMethodBuffered)
#pragma alloc_text(PAGE, WdkStyleMethodInDirect)
#pragma alloc_text(PAGE, WdkStyleMethodOutDirect)
#pragma alloc_text(PAGE, WdkStyleMethodNeither)
#endif

static PCSTR WdkStylePoolTypeName(_In_ ULONG PoolType)
{
    switch (PoolType) {
    case 0:
        return "NonPagedPool";
    case 512:
        return "NonPagedPoolNx";
    default:
        return "unexpected";
    }
}

_Use_decl_annotations_ NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject,
                                            PUNICODE_STRING RegistryPath)
/*++

Routine Description:

    Creates the device, secured by SDDL, and its link.

Return Value:

    STATUS_SUCCESS, or why the device or its link could not be made.

--*/
{
    NTSTATUS status;
    UNICODE_STRING ntName;
    UNICODE_STRING dosName;
    PDEVICE_OBJECT deviceObject = NULL;
    PDEVICE_EXTENSION extension;
    PWDKSTYLE_INFO info;

    ExInitializeDriverRuntime(DrvRtPoolNxOptIn);

    // snippet: create-device
    RtlInitUnicodeString(&ntName, NT_DEVICE_NAME);
    RtlInitUnicodeString(&dosName, DOS_DEVICE_NAME);

    //
    // SYSTEM and Administrators only. FILE_DEVICE_SECURE_OPEN: the same
    // check for names below the device (\Device\WdkStyle\x).
    //
    status =
        IoCreateDeviceSecure(DriverObject, sizeof(DEVICE_EXTENSION), &ntName, FILE_DEVICE_WDKSTYLE,
                             FILE_DEVICE_SECURE_OPEN, FALSE, &SDDL_DEVOBJ_SYS_ALL_ADM_ALL,
                             &GUID_DEVCLASS_WDKSTYLE, &deviceObject);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "wdkstyle: IoCreateDeviceSecure failed: 0x%08lx\n", status);
        return status;
    }
    // end snippet

    extension = deviceObject->DeviceExtension;
    info = &extension->Info;
    info->Size = sizeof(WDKSTYLE_INFO);
    info->NonPagedPoolType = (ULONG)NonPagedPool;
    WdkStyleLocate(DriverObject->DriverStart, (PVOID)DriverEntry, &info->DriverEntry);
    WdkStyleLocate(DriverObject->DriverStart, (PVOID)WdkStyleDeviceControl, &info->DeviceControl);
    WdkStyleServiceName(RegistryPath, info->ServiceName, sizeof(info->ServiceName));
    status =
        RtlStringCbPrintfA(info->Banner, sizeof(info->Banner), "%s for NTDDI 0x%08lx, %s build",
                           DRIVER_NAME, (ULONG)NTDDI_VERSION, DBG ? "checked" : "free");
    NT_ASSERT(NT_SUCCESS(status));

    // snippet: link-and-dispatch
    status = IoCreateSymbolicLink(&dosName, &ntName);
    if (!NT_SUCCESS(status)) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "wdkstyle: IoCreateSymbolicLink failed: 0x%08lx\n", status);
        IoDeleteDevice(deviceObject);
        return status;
    }

    DriverObject->MajorFunction[IRP_MJ_CREATE] = WdkStyleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = WdkStyleCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = WdkStyleDeviceControl;
    DriverObject->DriverUnload = WdkStyleUnload;
    // end snippet

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: DriverEntry: service %ws, %ws secured with SDDL_DEVOBJ_SYS_ALL_ADM_ALL, "
               "link %ws\n",
               info->ServiceName, NT_DEVICE_NAME, DOS_DEVICE_NAME);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: DriverEntry: NonPagedPool is pool type %lu (%s)\n",
               info->NonPagedPoolType, WdkStylePoolTypeName(info->NonPagedPoolType));
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: DriverEntry: DriverEntry at RVA 0x%lx in %.8s, "
               "WdkStyleDeviceControl at RVA 0x%lx in %.8s\n",
               info->DriverEntry.Rva, info->DriverEntry.Section, info->DeviceControl.Rva,
               info->DeviceControl.Section);

    return STATUS_SUCCESS;
}

_Use_decl_annotations_ VOID WdkStyleLocate(PVOID ImageBase, PVOID Address,
                                           PWDKSTYLE_CODE_PLACE Place)
/*++

Routine Description:

    Finds the section of this image that holds Address. Runs from
    DriverEntry only: the headers are read while INIT is still there.

--*/
{
    PIMAGE_DOS_HEADER dosHeader = ImageBase;
    PIMAGE_NT_HEADERS ntHeaders;
    PIMAGE_SECTION_HEADER section;
    ULONG rva;
    USHORT i;

    RtlZeroMemory(Place, sizeof(*Place));
    if (ImageBase == NULL || dosHeader->e_magic != IMAGE_DOS_SIGNATURE) {
        RtlCopyMemory(Place->Section, "?", sizeof("?"));
        return;
    }

    ntHeaders = (PIMAGE_NT_HEADERS)((PUCHAR)ImageBase + dosHeader->e_lfanew);
    rva = (ULONG)((PUCHAR)Address - (PUCHAR)ImageBase);
    Place->Rva = rva;

    section = IMAGE_FIRST_SECTION(ntHeaders);
    for (i = 0; i < ntHeaders->FileHeader.NumberOfSections; i++, section++) {
        if (rva >= section->VirtualAddress &&
            rva - section->VirtualAddress < section->Misc.VirtualSize) {
            RtlCopyMemory(Place->Section, section->Name, sizeof(Place->Section));
            Place->Characteristics = section->Characteristics;
            return;
        }
    }
    RtlCopyMemory(Place->Section, "?", sizeof("?"));
}

_Use_decl_annotations_ VOID WdkStyleServiceName(PCUNICODE_STRING RegistryPath, PWCHAR Name,
                                                size_t NameSize)
/*++

Routine Description:

    The last component of the service key: the name the driver was loaded
    under. RegistryPath is counted, not terminated, and gone after
    DriverEntry returns.

--*/
{
    USHORT count = RegistryPath->Length / sizeof(WCHAR);
    USHORT start = count;
    NTSTATUS status;

    while (start > 0 && RegistryPath->Buffer[start - 1] != L'\\') {
        start--;
    }
    status = RtlStringCbCopyNW(Name, NameSize, RegistryPath->Buffer + start,
                               (count - start) * sizeof(WCHAR));
    if (!NT_SUCCESS(status)) {
        Name[0] = L'\0'; // no name rather than a cut one
    }
}

_Use_decl_annotations_ VOID WdkStyleUnload(PDRIVER_OBJECT DriverObject)
{
    PDEVICE_OBJECT deviceObject = DriverObject->DeviceObject;
    PDEVICE_EXTENSION extension;
    UNICODE_STRING dosName;
    ULONG requests = 0;

    PAGED_CODE();

    RtlInitUnicodeString(&dosName, DOS_DEVICE_NAME);
    IoDeleteSymbolicLink(&dosName);

    if (deviceObject != NULL) {
        extension = deviceObject->DeviceExtension;
        requests = extension->Info.Requests;
        IoDeleteDevice(deviceObject);
    }

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: DriverUnload: link and device deleted after %lu requests\n", requests);
}

_Use_decl_annotations_ NTSTATUS WdkStyleCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);

    PAGED_CODE();

    KdPrint(("wdkstyle: %s\n", IoGetCurrentIrpStackLocation(Irp)->MajorFunction == IRP_MJ_CREATE
                                   ? "create"
                                   : "close"));

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ NTSTATUS WdkStyleDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION irpSp = IoGetCurrentIrpStackLocation(Irp);
    PDEVICE_EXTENSION extension = DeviceObject->DeviceExtension;
    NTSTATUS status;

    PAGED_CODE();

    NT_ASSERT(irpSp->MajorFunction == IRP_MJ_DEVICE_CONTROL);

    Irp->IoStatus.Information = 0;
    InterlockedIncrement((volatile LONG *)&extension->Info.Requests);

    switch (irpSp->Parameters.DeviceIoControl.IoControlCode) {
    case IOCTL_WDKSTYLE_METHOD_BUFFERED:
        status = WdkStyleMethodBuffered(Irp, irpSp);
        break;

    case IOCTL_WDKSTYLE_METHOD_IN_DIRECT:
        status = WdkStyleMethodInDirect(Irp, irpSp);
        break;

    case IOCTL_WDKSTYLE_METHOD_OUT_DIRECT:
        status = WdkStyleMethodOutDirect(Irp, irpSp);
        break;

    case IOCTL_WDKSTYLE_METHOD_NEITHER:
        status = WdkStyleMethodNeither(Irp, irpSp);
        break;

    case IOCTL_WDKSTYLE_GET_INFO:
        if (irpSp->Parameters.DeviceIoControl.OutputBufferLength < sizeof(WDKSTYLE_INFO)) {
            status = STATUS_BUFFER_TOO_SMALL;
            break;
        }
        RtlCopyMemory(Irp->AssociatedIrp.SystemBuffer, &extension->Info, sizeof(WDKSTYLE_INFO));
        Irp->IoStatus.Information = sizeof(WDKSTYLE_INFO);
        status = STATUS_SUCCESS;
        break;

    default:
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_WARNING_LEVEL,
                   "wdkstyle: unknown control code 0x%08lx\n",
                   irpSp->Parameters.DeviceIoControl.IoControlCode);
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }

    Irp->IoStatus.Status = status;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}

_Use_decl_annotations_ NTSTATUS WdkStyleMethodBuffered(PIRP Irp, PIO_STACK_LOCATION IrpSp)
/*++

Routine Description:

    The I/O manager copied the input into the system buffer and copies
    Information bytes of it back: input and output are the same memory.

--*/
{
    PCHAR buffer = Irp->AssociatedIrp.SystemBuffer;
    ULONG inLength = IrpSp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = IrpSp->Parameters.DeviceIoControl.OutputBufferLength;
    PCHAR text;
    size_t remaining = 0;
    NTSTATUS status;
    ULONG i;

    PAGED_CODE();

    if (inLength == 0 || inLength > WDKSTYLE_MAX_TEXT || outLength == 0) {
        return STATUS_INVALID_PARAMETER;
    }

    //
    // Take the text out before the answer overwrites it; zeroed, the copy
    // is terminated by the extra byte.
    //
    text = ExAllocatePoolZero(PagedPool, inLength + 1, WDKSTYLE_POOL_TAG);
    if (text == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (i = 0; i < inLength; i++) {
        text[i] = RtlUpperChar(buffer[i]);
    }

    status = RtlStringCbPrintfExA(buffer, outLength, NULL, &remaining, STRSAFE_NO_TRUNCATION,
                                  "%s (%lu bytes)", text, inLength);
    ExFreePoolWithTag(text, WDKSTYLE_POOL_TAG);
    if (status == STATUS_BUFFER_OVERFLOW) {
        return STATUS_BUFFER_TOO_SMALL; // no half answers
    }
    if (!NT_SUCCESS(status)) {
        return status;
    }

    Irp->IoStatus.Information = outLength - remaining + 1; // with the NUL
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: METHOD_BUFFERED: %lu bytes in, answer \"%s\" (%lu bytes)\n", inLength,
               buffer, (ULONG)Irp->IoStatus.Information);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ NTSTATUS WdkStyleMethodInDirect(PIRP Irp, PIO_STACK_LOCATION IrpSp)
/*++

Routine Description:

    The output buffer carries data to the driver: the I/O manager locked
    it for reading and described it with Irp->MdlAddress.

--*/
{
    PWDKSTYLE_CHECKSUM expected = Irp->AssociatedIrp.SystemBuffer;
    PUCHAR data;
    ULONG length;
    ULONG checksum;

    PAGED_CODE();

    if (IrpSp->Parameters.DeviceIoControl.InputBufferLength != sizeof(WDKSTYLE_CHECKSUM) ||
        Irp->MdlAddress == NULL) {
        return STATUS_INVALID_PARAMETER;
    }

    data = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority | MdlMappingNoExecute);
    if (data == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    length = MmGetMdlByteCount(Irp->MdlAddress);
    if (expected->Length != length) {
        return STATUS_INVALID_PARAMETER;
    }

    checksum = WdkStyleChecksum(data, length);
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: METHOD_IN_DIRECT: read %lu bytes through the MDL, checksum 0x%08lx, "
               "the app says 0x%08lx\n",
               length, checksum, expected->Checksum);

    return checksum == expected->Checksum ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

_Use_decl_annotations_ NTSTATUS WdkStyleMethodOutDirect(PIRP Irp, PIO_STACK_LOCATION IrpSp)
/*++

Routine Description:

    The output buffer is written in place: the I/O manager locked it for
    writing and described it with Irp->MdlAddress; nothing is copied.

--*/
{
    PWDKSTYLE_PATTERN pattern = Irp->AssociatedIrp.SystemBuffer;
    PUCHAR data;
    ULONG length;
    ULONG i;

    PAGED_CODE();

    if (IrpSp->Parameters.DeviceIoControl.InputBufferLength != sizeof(WDKSTYLE_PATTERN) ||
        Irp->MdlAddress == NULL) {
        return STATUS_INVALID_PARAMETER;
    }

    data = MmGetSystemAddressForMdlSafe(Irp->MdlAddress, NormalPagePriority | MdlMappingNoExecute);
    if (data == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    length = MmGetMdlByteCount(Irp->MdlAddress);
    for (i = 0; i < length; i++) {
        data[i] = WdkStylePatternByte(pattern->Seed, i);
    }

    Irp->IoStatus.Information = length;
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: METHOD_OUT_DIRECT: wrote %lu bytes of pattern 0x%08lx through the MDL, "
               "checksum 0x%08lx\n",
               length, pattern->Seed, WdkStyleChecksum(data, length));
    return STATUS_SUCCESS;
}

_Use_decl_annotations_ NTSTATUS WdkStyleMethodNeither(PIRP Irp, PIO_STACK_LOCATION IrpSp)
/*++

Routine Description:

    The buffers are the caller's own user-mode addresses, valid in its
    process only (a top-level driver runs there) and only while the caller
    lets them be: each is probed, and touched only inside try. The request
    is captured first, the data copied once; the caller may change either
    at any moment, and its input and output may overlap.

--*/
{
    PWDKSTYLE_NEITHER_IN userRequest = IrpSp->Parameters.DeviceIoControl.Type3InputBuffer;
    PUCHAR userOutput = Irp->UserBuffer;
    ULONG inLength = IrpSp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG outLength = IrpSp->Parameters.DeviceIoControl.OutputBufferLength;
    WDKSTYLE_NEITHER_IN request;
    PUCHAR source;
    PUCHAR copy = NULL;
    NTSTATUS status = STATUS_SUCCESS;
    ULONG i;

    PAGED_CODE();

    RtlZeroMemory(&request, sizeof(request));
    if (inLength < sizeof(WDKSTYLE_NEITHER_IN)) {
        return STATUS_INVALID_PARAMETER;
    }

    try {
        if (Irp->RequestorMode != KernelMode) {
            ProbeForRead(userRequest, inLength, TYPE_ALIGNMENT(WDKSTYLE_NEITHER_IN));
        }
        request = *userRequest;

        if (request.Size != sizeof(WDKSTYLE_NEITHER_IN) || request.DataLength == 0 ||
            request.DataLength > WDKSTYLE_MAX_NEITHER_DATA) {
            status = STATUS_INVALID_PARAMETER;
            leave;
        }
        if (outLength < request.DataLength) {
            status = STATUS_BUFFER_TOO_SMALL;
            leave;
        }

        if (request.Data == NULL) {
            if (inLength - sizeof(WDKSTYLE_NEITHER_IN) < request.DataLength) {
                status = STATUS_INVALID_PARAMETER;
                leave;
            }
            source = (PUCHAR)(userRequest + 1);
        } else {
            source = request.Data;
            if (Irp->RequestorMode != KernelMode) {
                ProbeForRead(source, request.DataLength, sizeof(UCHAR));
            }
        }

        //
        // Charged to the caller's quota: its request, its memory.
        //
        copy = ExAllocatePoolQuotaZero(PagedPool, request.DataLength, WDKSTYLE_POOL_TAG);
        if (copy == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            leave;
        }
        RtlCopyMemory(copy, source, request.DataLength);

        if (Irp->RequestorMode != KernelMode) {
            ProbeForWrite(userOutput, request.DataLength, sizeof(UCHAR));
        }
        for (i = 0; i < request.DataLength; i++) {
            userOutput[i] = copy[request.DataLength - 1 - i];
        }
        Irp->IoStatus.Information = request.DataLength;

        //
        // The code is read in the filter: some SEH runtimes (Wine's) do not
        // hand it to the handler body, where GetExceptionCode() would see 0.
        // (clang-format would take except for a function call.)
        //
        // clang-format off
    } except (status = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        // clang-format on
        Irp->IoStatus.Information = 0;
    }

    if (copy != NULL) {
        ExFreePoolWithTag(copy, WDKSTYLE_POOL_TAG);
    }

    DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL,
               "wdkstyle: METHOD_NEITHER: data %s, %lu bytes reversed, status 0x%08lx\n",
               request.Data == NULL ? "inline" : "at an embedded pointer",
               (ULONG)Irp->IoStatus.Information, status);
    return status;
}
