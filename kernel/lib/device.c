/* KmdCreateDevice/KmdDeleteDevice: a named device with a protected DACL, and its link. */
#include <ntifs.h>

#include <kmdkit/kernel.h>

#define KMD_TAG_LINK KMD_TAG('K', 'm', 'd', 'L')
#define KMD_TAG_SD KMD_TAG('K', 'm', 'd', 'S')
#define KMD_MAX_DEVICES 16

/* The links of the devices KmdCreateDevice made, found again by KmdDeleteDevice. Slots are
 * claimed and released with interlocked exchanges of Device. */
typedef struct _KMD_DEVICE_SLOT {
    PDEVICE_OBJECT volatile Device;
    UNICODE_STRING Link;
    const KMD_IOCTL *Ioctls; /* KmdSetDeviceIoctls: set before the device takes requests */
    ULONG IoctlCount;
} KMD_DEVICE_SLOT;

static KMD_DEVICE_SLOT KmdDevices[KMD_MAX_DEVICES];

/* A SID with up to two sub-authorities, built in place. */
typedef union _KMD_SID {
    SID Sid;
    UCHAR Bytes[8 + 2 * sizeof(ULONG)]; /* RtlLengthRequiredSid(2) */
} KMD_SID;

typedef struct _KMD_ACE_SPEC {
    UCHAR Authority; /* SECURITY_NT_AUTHORITY (5) or SECURITY_WORLD_SID_AUTHORITY (1) */
    UCHAR SubCount;
    ULONG Sub[2];
    ACCESS_MASK Mask;
} KMD_ACE_SPEC;

#define KMD_ACE_SY                                                                                 \
    {                                                                                              \
        5, 1, {SECURITY_LOCAL_SYSTEM_RID, 0}, GENERIC_ALL                                          \
    }
#define KMD_ACE_BA                                                                                 \
    {                                                                                              \
        5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS}, GENERIC_ALL                  \
    }

static const KMD_ACE_SPEC KmdAces[KmdDeviceAccessCount][3] = {
    [KmdDeviceAccessAdmins] = {KMD_ACE_SY, KMD_ACE_BA},
    [KmdDeviceAccessAdminsUsersRead] =
        {KMD_ACE_SY,
         KMD_ACE_BA,
         {5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS}, GENERIC_READ}},
    [KmdDeviceAccessEveryone] = {KMD_ACE_SY,
                                 KMD_ACE_BA,
                                 {1, 1, {SECURITY_WORLD_RID, 0}, GENERIC_READ | GENERIC_WRITE}},
};

static const PCSTR KmdSddl[KmdDeviceAccessCount] = {
    [KmdDeviceAccessAdmins] = "D:P(A;;GA;;;SY)(A;;GA;;;BA)",
    [KmdDeviceAccessAdminsUsersRead] = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)",
    [KmdDeviceAccessEveryone] = "D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;WD)",
};

PCSTR NTAPI KmdDeviceAccessSddl(KMD_DEVICE_ACCESS Access)
{
    return (ULONG)Access < KmdDeviceAccessCount ? KmdSddl[Access] : "?";
}

static VOID KmdBuildSid(const KMD_ACE_SPEC *Spec, KMD_SID *Sid)
{
    SID_IDENTIFIER_AUTHORITY Authority = {{0, 0, 0, 0, 0, Spec->Authority}};

    RtlInitializeSid(&Sid->Sid, &Authority, Spec->SubCount);
    for (UCHAR i = 0; i < Spec->SubCount; i++)
        *RtlSubAuthoritySid(&Sid->Sid, i) = Spec->Sub[i];
}

KMD_PAGED NTSTATUS NTAPI KmdBuildDeviceSecurity(KMD_DEVICE_ACCESS Access,
                                                PSECURITY_DESCRIPTOR *SecurityDescriptor)
{
    KMD_SID Sids[3];
    ULONG Count = 0, AclSize = sizeof(ACL), Size;
    SECURITY_DESCRIPTOR_RELATIVE *Sd;
    PACL Acl;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    *SecurityDescriptor = NULL;
    if ((ULONG)Access >= KmdDeviceAccessCount)
        return STATUS_INVALID_PARAMETER;
    for (; Count < 3 && KmdAces[Access][Count].SubCount != 0; Count++) {
        KmdBuildSid(&KmdAces[Access][Count], &Sids[Count]);
        AclSize += sizeof(ACCESS_ALLOWED_ACE) - sizeof(ULONG) + RtlLengthSid(&Sids[Count].Sid);
    }
    /* Self-relative: header, then the DACL; no owner, group or SACL (the object keeps its own). */
    Size = sizeof(SECURITY_DESCRIPTOR_RELATIVE) + AclSize;
    Sd = KmdAllocatePool(POOL_FLAG_PAGED, Size, KMD_TAG_SD);
    if (Sd == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Acl = (PACL)(Sd + 1);
    Status = RtlCreateAcl(Acl, AclSize, ACL_REVISION);
    for (ULONG i = 0; NT_SUCCESS(Status) && i < Count; i++)
        Status = RtlAddAccessAllowedAce(Acl, ACL_REVISION, KmdAces[Access][i].Mask, &Sids[i].Sid);
    if (!NT_SUCCESS(Status)) {
        KmdFreePool(Sd, KMD_TAG_SD);
        return Status;
    }
    Sd->Revision = SECURITY_DESCRIPTOR_REVISION;
    Sd->Control = SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_DACL_PROTECTED;
    Sd->Dacl = sizeof(SECURITY_DESCRIPTOR_RELATIVE);
    *SecurityDescriptor = Sd;
    return STATUS_SUCCESS;
}

static NTSTATUS KmdApplyDeviceSecurity(PDEVICE_OBJECT Device, KMD_DEVICE_ACCESS Access)
{
    PSECURITY_DESCRIPTOR Sd;
    HANDLE Handle;
    NTSTATUS Status = KmdBuildDeviceSecurity(Access, &Sd);

    if (!NT_SUCCESS(Status))
        return Status;
    Status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, NULL, KernelMode,
                                   &Handle);
    if (NT_SUCCESS(Status)) {
        Status = ZwSetSecurityObject(Handle, DACL_SECURITY_INFORMATION, Sd);
        ZwClose(Handle);
    }
    KmdFreePool(Sd, KMD_TAG_SD);
    return Status;
}

static KMD_DEVICE_SLOT *KmdDeviceSlot(PDEVICE_OBJECT Device)
{
    for (ULONG i = 0; i < KMD_MAX_DEVICES; i++)
        if (KmdDevices[i].Device == Device)
            return &KmdDevices[i];
    return NULL;
}

KMD_PAGED NTSTATUS NTAPI KmdCreateDevice(PDRIVER_OBJECT DriverObject, PCWSTR DeviceName,
                                         PCWSTR LinkName, DEVICE_TYPE DeviceType,
                                         ULONG ExtensionSize, KMD_DEVICE_ACCESS Access,
                                         PDEVICE_OBJECT *DeviceObject)
{
    UNICODE_STRING Name, Link;
    PDEVICE_OBJECT Device;
    KMD_DEVICE_SLOT *Slot = NULL;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    *DeviceObject = NULL;
    if (DeviceName == NULL || (ULONG)Access >= KmdDeviceAccessCount)
        return STATUS_INVALID_PARAMETER;
    RtlInitUnicodeString(&Name, DeviceName);
    RtlInitUnicodeString(&Link, LinkName);
    Status = IoCreateDevice(DriverObject, ExtensionSize, &Name, DeviceType, FILE_DEVICE_SECURE_OPEN,
                            FALSE, &Device);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("IoCreateDevice %ws failed: 0x%08lx", DeviceName, (ULONG)Status);
        return Status;
    }
    Status = KmdApplyDeviceSecurity(Device, Access);
    if (!NT_SUCCESS(Status)) {
        KmdLogError("cannot set the DACL %s of %ws: 0x%08lx", KmdSddl[Access], DeviceName,
                    (ULONG)Status);
        IoDeleteDevice(Device);
        return Status;
    }
    /* Claim a slot (Device is the key), then copy and make the link. */
    for (ULONG i = 0; i < KMD_MAX_DEVICES && Slot == NULL; i++)
        if (InterlockedCompareExchangePointer((PVOID volatile *)&KmdDevices[i].Device, Device,
                                              NULL) == NULL)
            Slot = &KmdDevices[i];
    if (Slot == NULL) {
        KmdLogError("more than %u devices made with KmdCreateDevice", KMD_MAX_DEVICES);
        IoDeleteDevice(Device);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlZeroMemory(&Slot->Link, sizeof(Slot->Link));
    Slot->Ioctls = NULL;
    Slot->IoctlCount = 0;
    if (LinkName != NULL) {
        Slot->Link.Buffer = KmdAllocatePool(POOL_FLAG_PAGED, Link.MaximumLength, KMD_TAG_LINK);
        Status = Slot->Link.Buffer ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
        if (NT_SUCCESS(Status)) {
            Slot->Link.MaximumLength = Link.MaximumLength;
            RtlCopyUnicodeString(&Slot->Link, &Link);
            Status = IoCreateSymbolicLink(&Slot->Link, &Name);
            if (!NT_SUCCESS(Status)) {
                KmdLogError("IoCreateSymbolicLink %ws failed: 0x%08lx", LinkName, (ULONG)Status);
                KmdFreePool(Slot->Link.Buffer, KMD_TAG_LINK);
            }
        }
        if (!NT_SUCCESS(Status)) {
            InterlockedExchangePointer((PVOID volatile *)&Slot->Device, NULL);
            IoDeleteDevice(Device);
            return Status;
        }
    }
    *DeviceObject = Device;
    return STATUS_SUCCESS;
}

KMD_PAGED VOID NTAPI KmdDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
    KMD_DEVICE_SLOT *Slot;

    KMD_PAGED_CODE();
    if (DeviceObject == NULL)
        return;
    Slot = KmdDeviceSlot(DeviceObject);
    if (Slot != NULL) {
        if (Slot->Link.Buffer != NULL) {
            IoDeleteSymbolicLink(&Slot->Link);
            KmdFreePool(Slot->Link.Buffer, KMD_TAG_LINK);
            Slot->Link.Buffer = NULL;
        }
        InterlockedExchangePointer((PVOID volatile *)&Slot->Device, NULL);
    }
    IoDeleteDevice(DeviceObject);
}

NTSTATUS NTAPI KmdSetDeviceIoctls(PDEVICE_OBJECT DeviceObject, const KMD_IOCTL *Table, ULONG Count)
{
    KMD_DEVICE_SLOT *Slot = KmdDeviceSlot(DeviceObject);

    if (Slot == NULL)
        return STATUS_NOT_FOUND;
    Slot->Ioctls = Table;
    Slot->IoctlCount = Count;
    return STATUS_SUCCESS;
}

/* Not paged: a kernel caller may send DEVICE_CONTROL at DISPATCH_LEVEL. */
NTSTATUS NTAPI KmdDispatchDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_DEVICE_SLOT *Slot = KmdDeviceSlot(DeviceObject);

    return KmdDispatchIoctl(DeviceObject, Irp, Slot ? Slot->Ioctls : NULL,
                            Slot ? Slot->IoctlCount : 0);
}
