/*++

Module Name:

    secure.c

Abstract:

    IOCTL_WDKTEST_SECURE: IoCreateDeviceSecure with one of wdmsec.h's SDDL_DEVOBJ_* strings or
    the client's own, optionally with the test's device class (whose registry override the
    client may have written); then what the device got, read back from the object itself
    (ObOpenObjectByPointer(READ_CONTROL) + ZwQuerySecurityObject), the device deleted, and
    whether anything was left behind.

--*/

#include <ntifs.h>

#include "wdktest.h"

#define SD_BYTES 1024

static const PCUNICODE_STRING SddlConstants[WDKTEST_SDDL_COUNT] = {
    [WDKTEST_SDDL_KERNEL_ONLY] = &SDDL_DEVOBJ_KERNEL_ONLY,
    [WDKTEST_SDDL_SYS_ALL] = &SDDL_DEVOBJ_SYS_ALL,
    [WDKTEST_SDDL_SYS_ALL_ADM_ALL] = &SDDL_DEVOBJ_SYS_ALL_ADM_ALL,
    [WDKTEST_SDDL_SYS_ALL_ADM_RX] = &SDDL_DEVOBJ_SYS_ALL_ADM_RX,
    [WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R] = &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R,
    [WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R_RES_R] = &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_R_RES_R,
    [WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RW_RES_R] = &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RW_RES_R,
    [WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX] =
        &SDDL_DEVOBJ_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX,
    [WDKTEST_SDDL_INF_SUPPLIED] = &SDDL_DEVOBJ_INF_SUPPLIED,
};

static ULONG CountDevices(_In_ PDRIVER_OBJECT DriverObject)
{
    ULONG count = 0;

    for (PDEVICE_OBJECT device = DriverObject->DeviceObject; device != NULL;
         device = device->NextDevice) {
        count++;
    }
    return count;
}

//
// "S-1-5-32-544": the authority in decimal when it fits 32 bits (as SDDL writes it).
//
static VOID SidText(_In_ const SID *Sid, _Out_writes_bytes_(Size) PCHAR Text, _In_ size_t Size)
{
    const SID_IDENTIFIER_AUTHORITY *authority = &Sid->IdentifierAuthority;
    //
    // SubAuthority is declared [ANYSIZE_ARRAY]: index the real count through a pointer.
    //
    const ULONG *sub = Sid->SubAuthority;
    size_t used;

    if (authority->Value[0] == 0 && authority->Value[1] == 0) {
        RtlStringCbPrintfA(Text, Size, "S-%u-%lu", (unsigned)Sid->Revision,
                           ((ULONG)authority->Value[2] << 24) | ((ULONG)authority->Value[3] << 16) |
                               ((ULONG)authority->Value[4] << 8) | authority->Value[5]);
    } else {
        RtlStringCbPrintfA(Text, Size, "S-%u-0x%02x%02x%02x%02x%02x%02x", (unsigned)Sid->Revision,
                           authority->Value[0], authority->Value[1], authority->Value[2],
                           authority->Value[3], authority->Value[4], authority->Value[5]);
    }
    for (UCHAR i = 0; i < Sid->SubAuthorityCount; i++) {
        used = strlen(Text);
        RtlStringCbPrintfA(Text + used, Size - used, "-%lu", sub[i]);
    }
}

static VOID DescribeDacl(_In_ PDEVICE_OBJECT Device, _Inout_ WDKTEST_SECURE_OUT *Out)
{
    PSECURITY_DESCRIPTOR sd = ExAllocatePool2(POOL_FLAG_PAGED, SD_BYTES, WDKTEST_TAG);
    BOOLEAN present = FALSE, defaulted = FALSE;
    ULONG needed = 0;
    HANDLE handle;
    PACL dacl = NULL;
    NTSTATUS status;

    if (sd == NULL) {
        Out->QueryStatus = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }
    status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, READ_CONTROL, NULL, KernelMode,
                                   &handle);
    if (NT_SUCCESS(status)) {
        status = ZwQuerySecurityObject(handle, DACL_SECURITY_INFORMATION, sd, SD_BYTES, &needed);
        ZwClose(handle);
    }
    if (NT_SUCCESS(status)) {
        status = RtlGetDaclSecurityDescriptor(sd, &present, &dacl, &defaulted);
    }
    Out->QueryStatus = status;
    if (NT_SUCCESS(status)) {
        Out->Dacl = WDKTEST_DACL_READ;
        //
        // ZwQuerySecurityObject returns the self-relative form.
        //
        if (((SECURITY_DESCRIPTOR_RELATIVE *)sd)->Control & SE_DACL_PROTECTED) {
            Out->Dacl |= WDKTEST_DACL_PROTECTED;
        }
        if (present && dacl != NULL) {
            Out->Dacl |= WDKTEST_DACL_PRESENT;
            Out->AceCount = dacl->AceCount;
        }
    }
    for (ULONG i = 0; i < Out->AceCount && i < WDKTEST_MAX_ACES; i++) {
        ACCESS_ALLOWED_ACE *ace; // allowed and denied ACEs share this layout

        if (!NT_SUCCESS(RtlGetAce(dacl, i, (PVOID *)&ace))) {
            break;
        }
        Out->Aces[i].Type = ace->Header.AceType;
        Out->Aces[i].Flags = ace->Header.AceFlags;
        Out->Aces[i].Mask = ace->Mask;
        SidText((const SID *)&ace->SidStart, Out->Aces[i].Sid, sizeof(Out->Aces[i].Sid));
    }
    ExFreePoolWithTag(sd, WDKTEST_TAG);
}

_Use_decl_annotations_ VOID WdkTestSecure(PDRIVER_OBJECT DriverObject, const WDKTEST_SECURE_IN *In,
                                          WDKTEST_SECURE_OUT *Out)
{
    static const GUID classGuid = WDKTEST_CLASS_GUID;
    UNICODE_STRING name, custom;
    PCUNICODE_STRING sddl;
    PDEVICE_OBJECT device = NULL;

    PAGED_CODE();

    RtlZeroMemory(Out, sizeof(*Out));
    Out->Size = sizeof(*Out);
    if (In->Constant == WDKTEST_SECURE_CUSTOM) {
        RtlInitUnicodeString(&custom, (PCWSTR)In->Sddl);
        sddl = &custom;
    } else {
        sddl = SddlConstants[In->Constant];
    }

    RtlInitUnicodeString(&name, WDKTEST_SECURE_NAME);
    Out->DevicesBefore = CountDevices(DriverObject);
    Out->Status =
        IoCreateDeviceSecure(DriverObject, 0, &name, WDKTEST_DEVICE_TYPE, 0, FALSE, sddl,
                             (In->Flags & WDKTEST_SECURE_CLASS) ? &classGuid : NULL, &device);
    if (NT_SUCCESS(Out->Status)) {
        Out->DevicesWith = CountDevices(DriverObject);
        Out->DeviceType = device->DeviceType;
        Out->Characteristics = device->Characteristics;
        Out->Exclusive = (device->Flags & DO_EXCLUSIVE) != 0;
        DescribeDacl(device, Out);
        IoDeleteDevice(device);
    } else if (device != NULL) {
        DbgPrintEx(DPFLTR_IHVDRIVER_ID, DPFLTR_ERROR_LEVEL,
                   "wdktest: IoCreateDeviceSecure failed but returned a device\n");
    }
    Out->DevicesAfter = CountDevices(DriverObject);

    //
    // The name must be free again, whatever happened.
    //
    device = NULL;
    if (NT_SUCCESS(
            IoCreateDevice(DriverObject, 0, &name, WDKTEST_DEVICE_TYPE, 0, FALSE, &device))) {
        Out->NameFreeAfter = 1;
        IoDeleteDevice(device);
    }
}
