/* IoCreateDeviceSecure (WdmlibIoCreateDeviceSecure, MinGW's wdmsec.h): IoCreateDevice with
 * FILE_DEVICE_SECURE_OPEN, then the DACL of an SDDL string (sddl.c), unless the device class
 * has an override in the registry:
 *   HKLM\SYSTEM\CurrentControlSet\Control\Class\{DeviceClassGuid}\Properties
 *     Security               REG_BINARY  a self-relative security descriptor: its DACL is set
 *                                        instead of the SDDL string's
 *     DeviceType             REG_DWORD   replaces DeviceType
 *     DeviceCharacteristics  REG_DWORD   replaces DeviceCharacteristics (SECURE_OPEN is kept)
 *     Exclusive              REG_DWORD   replaces Exclusive (non-zero: TRUE)
 * (what an INF's class-install Security/DeviceType/... entries write). The DACL is set with
 * ObOpenObjectByPointer(WRITE_DAC) + ZwSetSecurityObject, which Wine implements too
 * (ObSetSecurityObjectByPointer is a stub there). If anything fails, no device is left. */
#include "wdk_private.h"

#include <wdmsec.h>

typedef struct _KMD_WDK_OVERRIDE {
    PKEY_VALUE_PARTIAL_INFORMATION Security; /* Data: the descriptor (KMD_WDK_TAG_REG) */
    BOOLEAN HasDeviceType, HasCharacteristics, HasExclusive;
    ULONG DeviceType, Characteristics, Exclusive;
} KMD_WDK_OVERRIDE;

#define KMD_WDK_CLASS_KEY L"\\Registry\\Machine\\SYSTEM\\CurrentControlSet\\Control\\Class\\"
#define KMD_WDK_MAX_SECURITY 0x10000

/* One value of the Properties key into a pool block (KMD_WDK_TAG_REG).
 * STATUS_OBJECT_NAME_NOT_FOUND: no such value. */
static NTSTATUS KmdWdkQueryValue(HANDLE Key, PCWSTR Name, ULONG Type,
                                 PKEY_VALUE_PARTIAL_INFORMATION *Value)
{
    UNICODE_STRING ValueName;
    KEY_VALUE_PARTIAL_INFORMATION Probe;
    ULONG Size = 0;
    NTSTATUS Status;

    *Value = NULL;
    RtlInitUnicodeString(&ValueName, Name);
    Status =
        ZwQueryValueKey(Key, &ValueName, KeyValuePartialInformation, &Probe, sizeof(Probe), &Size);
    if (Status != STATUS_BUFFER_OVERFLOW && Status != STATUS_BUFFER_TOO_SMALL &&
        !NT_SUCCESS(Status))
        return Status;
    if (Size < sizeof(Probe) || Size > KMD_WDK_MAX_SECURITY)
        return STATUS_INVALID_PARAMETER;
    *Value =
        KmdWdkExAllocatePool2(POOL_FLAG_PAGED | POOL_FLAG_UNINITIALIZED, Size, KMD_WDK_TAG_REG);
    if (*Value == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = ZwQueryValueKey(Key, &ValueName, KeyValuePartialInformation, *Value, Size, &Size);
    if (NT_SUCCESS(Status) && (*Value)->Type != Type)
        Status = STATUS_OBJECT_TYPE_MISMATCH;
    if (!NT_SUCCESS(Status)) {
        ExFreePoolWithTag(*Value, KMD_WDK_TAG_REG);
        *Value = NULL;
    }
    return Status;
}

static NTSTATUS KmdWdkQueryDword(HANDLE Key, PCWSTR Name, BOOLEAN *Has, ULONG *Dword)
{
    PKEY_VALUE_PARTIAL_INFORMATION Value;
    NTSTATUS Status = KmdWdkQueryValue(Key, Name, REG_DWORD, &Value);

    if (Status == STATUS_OBJECT_NAME_NOT_FOUND)
        return STATUS_SUCCESS;
    if (NT_SUCCESS(Status) && Value->DataLength != sizeof(ULONG))
        Status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(Status)) {
        *Has = TRUE;
        *Dword = *(const ULONG *)Value->Data;
    }
    if (Value != NULL)
        ExFreePoolWithTag(Value, KMD_WDK_TAG_REG);
    if (!NT_SUCCESS(Status))
        KmdWdkLog("IoCreateDeviceSecure: class override %ws: 0x%08lx\n", Name, (ULONG)Status);
    return Status;
}

/* A SID at Offset, whole within Length bytes. */
static BOOLEAN KmdWdkSidFits(const UCHAR *Data, ULONG Length, ULONG Offset)
{
    const SID *Sid = (const SID *)(Data + Offset);

    return (Offset & 3) == 0 && Length >= 8 && Offset <= Length - 8 &&
           Sid->Revision == SID_REVISION && Sid->SubAuthorityCount <= SID_MAX_SUB_AUTHORITIES &&
           Length - Offset - 8 >= Sid->SubAuthorityCount * sizeof(ULONG);
}

/* An ACL at Offset, its ACEs whole within it and it within Length bytes. */
static BOOLEAN KmdWdkAclFits(const UCHAR *Data, ULONG Length, ULONG Offset)
{
    const ACL *Acl = (const ACL *)(Data + Offset);
    ULONG At = sizeof(ACL);

    if ((Offset & 3) != 0 || Length < sizeof(ACL) || Offset > Length - sizeof(ACL) ||
        (Acl->AclRevision != ACL_REVISION && Acl->AclRevision != ACL_REVISION_DS) ||
        Acl->AclSize < sizeof(ACL) || Acl->AclSize > Length - Offset)
        return FALSE;
    for (ULONG i = 0; i < Acl->AceCount; i++) {
        const ACE_HEADER *Ace = (const ACE_HEADER *)((const UCHAR *)Acl + At);

        if (At + sizeof(ACE_HEADER) > Acl->AclSize || Ace->AceSize < sizeof(ACE_HEADER) ||
            Ace->AceSize > Acl->AclSize - At)
            return FALSE;
        At += Ace->AceSize;
    }
    return TRUE;
}

/* A self-relative security descriptor whose parts all lie within Length bytes, as
 * RtlValidRelativeSecurityDescriptor also checks on Windows (Wine 8's accepts any bytes). */
static BOOLEAN KmdWdkValidSecurity(const UCHAR *Data, ULONG Length)
{
    const SECURITY_DESCRIPTOR_RELATIVE *Sd = (const SECURITY_DESCRIPTOR_RELATIVE *)Data;

    if (Length < sizeof(*Sd) || Sd->Revision != SECURITY_DESCRIPTOR_REVISION ||
        !(Sd->Control & SE_SELF_RELATIVE))
        return FALSE;
    if ((Sd->Owner && !KmdWdkSidFits(Data, Length, Sd->Owner)) ||
        (Sd->Group && !KmdWdkSidFits(Data, Length, Sd->Group)) ||
        ((Sd->Control & SE_DACL_PRESENT) && Sd->Dacl && !KmdWdkAclFits(Data, Length, Sd->Dacl)) ||
        ((Sd->Control & SE_SACL_PRESENT) && Sd->Sacl && !KmdWdkAclFits(Data, Length, Sd->Sacl)))
        return FALSE;
    return RtlValidRelativeSecurityDescriptor((PVOID)Data, Length, 0);
}

/* The class's override, if its Properties key exists. A value that is there but unusable (wrong
 * type, not a valid security descriptor) fails the call rather than being skipped. */
static NTSTATUS KmdWdkReadOverride(LPCGUID ClassGuid, KMD_WDK_OVERRIDE *Override)
{
    WCHAR Path[sizeof(KMD_WDK_CLASS_KEY) / sizeof(WCHAR) + 40 + 12];
    UNICODE_STRING KeyName = {0, sizeof(Path), Path}, Guid;
    OBJECT_ATTRIBUTES Attributes;
    PKEY_VALUE_PARTIAL_INFORMATION Value;
    HANDLE Key;
    NTSTATUS Status;

    RtlZeroMemory(Override, sizeof(*Override));
    Status = RtlStringFromGUID(ClassGuid, &Guid);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlAppendUnicodeToString(&KeyName, KMD_WDK_CLASS_KEY);
    RtlAppendUnicodeStringToString(&KeyName, &Guid);
    Status = RtlAppendUnicodeToString(&KeyName, L"\\Properties");
    RtlFreeUnicodeString(&Guid);
    if (!NT_SUCCESS(Status))
        return Status;
    InitializeObjectAttributes(&Attributes, &KeyName, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE,
                               NULL, NULL);
    Status = ZwOpenKey(&Key, KEY_READ, &Attributes);
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND || Status == STATUS_OBJECT_PATH_NOT_FOUND)
        return STATUS_SUCCESS; /* no override for this class */
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdWdkQueryValue(Key, L"Security", REG_BINARY, &Value);
    if (Status == STATUS_OBJECT_NAME_NOT_FOUND) {
        Status = STATUS_SUCCESS;
    } else if (NT_SUCCESS(Status)) {
        if (KmdWdkValidSecurity(Value->Data, Value->DataLength))
            Override->Security = Value;
        else
            Status = STATUS_INVALID_SECURITY_DESCR;
        if (!NT_SUCCESS(Status))
            ExFreePoolWithTag(Value, KMD_WDK_TAG_REG);
    }
    if (!NT_SUCCESS(Status))
        KmdWdkLog("IoCreateDeviceSecure: class override Security: 0x%08lx\n", (ULONG)Status);
    if (NT_SUCCESS(Status))
        Status =
            KmdWdkQueryDword(Key, L"DeviceType", &Override->HasDeviceType, &Override->DeviceType);
    if (NT_SUCCESS(Status))
        Status = KmdWdkQueryDword(Key, L"DeviceCharacteristics", &Override->HasCharacteristics,
                                  &Override->Characteristics);
    if (NT_SUCCESS(Status))
        Status = KmdWdkQueryDword(Key, L"Exclusive", &Override->HasExclusive, &Override->Exclusive);
    ZwClose(Key);
    if (!NT_SUCCESS(Status) && Override->Security != NULL) {
        ExFreePoolWithTag(Override->Security, KMD_WDK_TAG_REG);
        Override->Security = NULL;
    }
    return Status;
}

static NTSTATUS KmdWdkSetDacl(PDEVICE_OBJECT Device, PSECURITY_DESCRIPTOR Sd)
{
    HANDLE Handle;
    NTSTATUS Status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, NULL,
                                            KernelMode, &Handle);

    if (NT_SUCCESS(Status)) {
        Status = ZwSetSecurityObject(Handle, DACL_SECURITY_INFORMATION, Sd);
        ZwClose(Handle);
    }
    return Status;
}

NTSTATUS WdmlibIoCreateDeviceSecure(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
                                    PUNICODE_STRING DeviceName, DEVICE_TYPE DeviceType,
                                    ULONG DeviceCharacteristics, BOOLEAN Exclusive,
                                    PCUNICODE_STRING DefaultSDDLString, LPCGUID DeviceClassGuid,
                                    PDEVICE_OBJECT *DeviceObject)
{
    KMD_WDK_OVERRIDE Override = {0};
    PSECURITY_DESCRIPTOR Sd;
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    if (DeviceObject == NULL)
        return STATUS_INVALID_PARAMETER;
    *DeviceObject = NULL;
    if (DeviceName == NULL && !(DeviceCharacteristics & FILE_AUTOGENERATED_DEVICE_NAME)) {
        KmdWdkLog("IoCreateDeviceSecure: no DeviceName and no FILE_AUTOGENERATED_DEVICE_NAME\n");
        return STATUS_INVALID_PARAMETER;
    }
    /* The string is checked even when the class overrides it: it is the driver's own. */
    Status = KmdWdkSddlToSecurityDescriptor(DefaultSDDLString, "IoCreateDeviceSecure", &Sd);
    if (!NT_SUCCESS(Status))
        return Status;
    if (DeviceClassGuid != NULL)
        Status = KmdWdkReadOverride(DeviceClassGuid, &Override);
    if (NT_SUCCESS(Status)) {
        if (Override.HasDeviceType)
            DeviceType = Override.DeviceType;
        if (Override.HasCharacteristics)
            DeviceCharacteristics = Override.Characteristics;
        if (Override.HasExclusive)
            Exclusive = Override.Exclusive != 0;
        Status =
            IoCreateDevice(DriverObject, DeviceExtensionSize, DeviceName, DeviceType,
                           DeviceCharacteristics | FILE_DEVICE_SECURE_OPEN, Exclusive, &Device);
    }
    if (NT_SUCCESS(Status)) {
        PSECURITY_DESCRIPTOR Applied = Override.Security ? Override.Security->Data : Sd;

        Status = KmdWdkSetDacl(Device, Applied);
        if (NT_SUCCESS(Status)) {
            *DeviceObject = Device;
        } else {
            KmdWdkLog("IoCreateDeviceSecure: cannot set the DACL: 0x%08lx; device deleted\n",
                      (ULONG)Status);
            IoDeleteDevice(Device);
        }
    }
    if (Override.Security != NULL)
        ExFreePoolWithTag(Override.Security, KMD_WDK_TAG_REG);
    ExFreePoolWithTag(Sd, KMD_WDK_TAG_SD);
    return Status;
}
