/* securedevices: KmdKit's SecureDevices (IoCreateDeviceSecure with SDDL) the kmdkit way. Three
 * devices get a protected DACL from klib's presets (KmdCreateDevice: SYSTEM + Administrators,
 * + Users read, + Everyone read/write) and FILE_DEVICE_SECURE_OPEN; a fourth is made the plain
 * way (IoCreateDevice, no DACL of its own, no FILE_DEVICE_SECURE_OPEN) for comparison.
 * IOCTL_SECUREDEVICES_QUERY reports a device's characteristics and the DACL read back from the
 * object, as SDDL-like text the driver builds itself. Contract: securedevices_ioctl.h. */
#include <ntifs.h>
/* MinGW-w64's ntstrsafe.h leaves out its function bodies when the compiler does not optimise
 * (__NO_INLINE__: the Debug build) and expects a library it does not ship, so the Debug link
 * failed (RtlStringCbCopyA undefined): ask for the bodies, as plain functions of this file. */
#define __CRT_STRSAFE_IMPL
#include <ntstrsafe.h>

#include <kmdkit/kernel.h>
#include "securedevices_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SecureUnload;
static DRIVER_DISPATCH SecureCreate;
static DRIVER_DISPATCH SecureDeviceControl;

#define SECURE_TAG KMD_TAG('S', 'e', 'c', 'D')

typedef struct _SECURE_EXTENSION {
    ULONG Index;
    volatile LONG RefusedOpens;
} SECURE_EXTENSION;

static const PCWSTR SecureNames[SECUREDEVICES_COUNT] = {
    L"\\Device\\KmdSecureAdmins", L"\\Device\\KmdSecureUsersRead", L"\\Device\\KmdSecureEveryone",
    L"\\Device\\KmdSecureDefault"};
static const PCWSTR SecureLinks[SECUREDEVICES_COUNT] = {
    L"\\DosDevices\\KmdSecureAdmins", L"\\DosDevices\\KmdSecureUsersRead",
    L"\\DosDevices\\KmdSecureEveryone", L"\\DosDevices\\KmdSecureDefault"};
static const KMD_DEVICE_ACCESS SecureAccess[SECUREDEVICES_DEFAULT] = {
    KmdDeviceAccessAdmins, KmdDeviceAccessAdminsUsersRead, KmdDeviceAccessEveryone};

static PDEVICE_OBJECT SecureDevices[SECUREDEVICES_COUNT];

/* --- the DACL as text ----------------------------------------------------------------------------
 */

/* SDDL's names for the well-known SIDs the presets use; any other prints as S-1-... */
static VOID SecureSidText(const SID *Sid, PCHAR Text, size_t Size)
{
    static const struct {
        UCHAR Authority, Count;
        ULONG Sub[2];
        PCSTR Name;
    } Known[] = {
        {5, 1, {SECURITY_LOCAL_SYSTEM_RID, 0}, "SY"},
        {5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS}, "BA"},
        {5, 2, {SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_USERS}, "BU"},
        {1, 1, {SECURITY_WORLD_RID, 0}, "WD"},
        {5, 1, {SECURITY_AUTHENTICATED_USER_RID, 0}, "AU"},
        {5, 1, {SECURITY_RESTRICTED_CODE_RID, 0}, "RC"},
    };
    UCHAR Authority = Sid->IdentifierAuthority.Value[5];
    /* SubAuthority is declared [ANYSIZE_ARRAY] (1): index the real count through a pointer. */
    const ULONG *Sub = Sid->SubAuthority;

    for (ULONG i = 0; i < KMD_COUNTOF(Known); i++) {
        if (Known[i].Authority == Authority && Known[i].Count == Sid->SubAuthorityCount &&
            Sub[0] == Known[i].Sub[0] && (Known[i].Count == 1 || Sub[1] == Known[i].Sub[1])) {
            RtlStringCbCopyA(Text, Size, Known[i].Name);
            return;
        }
    }
    RtlStringCbPrintfA(Text, Size, "S-%u-%u", Sid->Revision, Authority);
    for (UCHAR i = 0; i < Sid->SubAuthorityCount; i++) {
        size_t Used = strlen(Text);
        RtlStringCbPrintfA(Text + Used, Size - Used, "-%lu", Sid->SubAuthority[i]);
    }
}

/* Access rights in SDDL's words: generic (GA, GR, GW, GX) as set, file rights (FA, FR, FW, FX)
 * as Windows stores them after mapping generic rights for the device object type. */
static VOID SecureMaskText(ACCESS_MASK Mask, PCHAR Text, size_t Size)
{
    static const struct {
        ACCESS_MASK Mask;
        PCSTR Name;
    } Rights[] = {{GENERIC_ALL, "GA"},        {GENERIC_READ, "GR"},
                  {GENERIC_WRITE, "GW"},      {GENERIC_EXECUTE, "GX"},
                  {FILE_ALL_ACCESS, "FA"},    {FILE_GENERIC_READ, "FR"},
                  {FILE_GENERIC_WRITE, "FW"}, {FILE_GENERIC_EXECUTE, "FX"}};
    ACCESS_MASK Covered = 0;

    Text[0] = '\0';
    for (ULONG i = 0; i < KMD_COUNTOF(Rights); i++) {
        if ((Mask & Rights[i].Mask) == Rights[i].Mask &&
            (Covered & Rights[i].Mask) != Rights[i].Mask) {
            RtlStringCbCatA(Text, Size, Rights[i].Name);
            Covered |= Rights[i].Mask;
        }
    }
    if ((Mask & ~Covered) != 0 || Text[0] == '\0') {
        /* Anything the words do not cover: the whole mask in hex, as SDDL does. */
        RtlStringCbPrintfA(Text, Size, "0x%lx", Mask);
    }
}

/* Reads the device's security descriptor back (what the object manager keeps, not what was
 * asked for) and fills the DACL part of Info. */
static VOID SecureDescribeDacl(PDEVICE_OBJECT Device, SECUREDEVICES_INFO *Info)
{
    const ULONG Size = 1024;
    PSECURITY_DESCRIPTOR Sd = KmdAllocatePool(POOL_FLAG_PAGED, Size, SECURE_TAG);
    SECURITY_DESCRIPTOR_CONTROL Control = 0;
    BOOLEAN Present = FALSE, Defaulted = FALSE;
    ULONG Needed = 0;
    HANDLE Handle;
    PACL Dacl = NULL;
    NTSTATUS Status;

    if (Sd == NULL) {
        Info->QueryStatus = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }
    Status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, READ_CONTROL, NULL, KernelMode,
                                   &Handle);
    if (NT_SUCCESS(Status)) {
        Status = ZwQuerySecurityObject(Handle, DACL_SECURITY_INFORMATION, Sd, Size, &Needed);
        ZwClose(Handle);
    }
    if (NT_SUCCESS(Status))
        Status = RtlGetDaclSecurityDescriptor(Sd, &Present, &Dacl, &Defaulted);
    if (NT_SUCCESS(Status)) /* ZwQuerySecurityObject returns the self-relative form */
        Control = ((SECURITY_DESCRIPTOR_RELATIVE *)Sd)->Control;
    Info->QueryStatus = Status;
    if (NT_SUCCESS(Status)) {
        Info->Flags |= SECUREDEVICES_DACL_READ;
        if (Control & SE_DACL_PROTECTED)
            Info->Flags |= SECUREDEVICES_DACL_PROTECTED;
        if (Present && Dacl != NULL) {
            Info->Flags |= SECUREDEVICES_DACL_PRESENT;
            Info->AceCount = Dacl->AceCount;
        }
        RtlStringCbCopyA(Info->Sddl, sizeof(Info->Sddl),
                         !(Info->Flags & SECUREDEVICES_DACL_PRESENT) ? "D:NO_ACCESS_CONTROL"
                         : (Control & SE_DACL_PROTECTED)             ? "D:P"
                                                                     : "D:");
    }
    for (ULONG i = 0; NT_SUCCESS(Status) && Dacl != NULL && i < Info->AceCount; i++) {
        ACCESS_ALLOWED_ACE *Ace; /* allowed and denied ACEs share this layout */
        CHAR Rights[40], Sid[sizeof(Info->Aces[0].Sid)];

        if (!NT_SUCCESS(RtlGetAce(Dacl, i, (PVOID *)&Ace)))
            break;
        SecureSidText((const SID *)&Ace->SidStart, Sid, sizeof(Sid));
        SecureMaskText(Ace->Mask, Rights, sizeof(Rights));
        if (i < SECUREDEVICES_MAX_ACES) {
            Info->Aces[i].Type = Ace->Header.AceType;
            Info->Aces[i].Flags = Ace->Header.AceFlags;
            Info->Aces[i].Mask = Ace->Mask;
            RtlStringCbCopyA(Info->Aces[i].Sid, sizeof(Info->Aces[i].Sid), Sid);
        }
        RtlStringCbPrintfA(Info->Sddl + strlen(Info->Sddl), sizeof(Info->Sddl) - strlen(Info->Sddl),
                           "(%s;%s;%s;;;%s)",
                           Ace->Header.AceType == ACCESS_ALLOWED_ACE_TYPE  ? "A"
                           : Ace->Header.AceType == ACCESS_DENIED_ACE_TYPE ? "D"
                                                                           : "?",
                           (Ace->Header.AceFlags & INHERITED_ACE) ? "ID" : "", Rights, Sid);
    }
    KmdFreePool(Sd, SECURE_TAG);
}

/* --- dispatch --------------------------------------------------------------------------------- */

/* IOCTL_SECUREDEVICES_QUERY: exactly a ULONG index in, a whole SECUREDEVICES_INFO out (the
 * table checks both); sent to any of the devices. */
static NTSTATUS SecureQuery(PDEVICE_OBJECT DeviceObject, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                            ULONG_PTR *Info)
{
    SECUREDEVICES_INFO *Out = Io->Out;
    ULONG Index = *(const ULONG *)Io->In;
    PDEVICE_OBJECT Device;

    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    if (Index >= SECUREDEVICES_COUNT)
        return STATUS_INVALID_PARAMETER;
    /* METHOD_BUFFERED: the index is read, the shared buffer can be overwritten now. */
    Device = SecureDevices[Index];
    RtlZeroMemory(Out, sizeof(*Out));
    Out->Size = sizeof(*Out);
    Out->Index = Index;
    Out->DeviceType = Device->DeviceType;
    Out->Characteristics = Device->Characteristics;
    Out->RefusedOpens = (ULONG)((SECURE_EXTENSION *)Device->DeviceExtension)->RefusedOpens;
    Out->Requested = Index == SECUREDEVICES_DEFAULT ? 0 : FILE_DEVICE_SECURE_OPEN;
    RtlStringCbCopyA(Out->Intended, sizeof(Out->Intended),
                     Index == SECUREDEVICES_DEFAULT ? "(system default)"
                                                    : KmdDeviceAccessSddl(SecureAccess[Index]));
    SecureDescribeDacl(Device, Out);
    *Info = sizeof(*Out);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL SecureIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_SECUREDEVICES_QUERY, sizeof(ULONG), sizeof(ULONG), sizeof(SECUREDEVICES_INFO),
     SecureQuery},
};

/* Not klib's KmdDispatchDeviceControl with KmdSetDeviceIoctls: KmdSecureDefault is made by
 * IoCreateDevice, so it can have no table there, and a query may be sent to any of the four. */
static NTSTATUS NTAPI SecureDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    return KmdDispatchIoctl(DeviceObject, Irp, SecureIoctls, RTL_NUMBER_OF(SecureIoctls));
}

/* The devices have no namespace: \Device\KmdSecureX\anything is refused. For the devices with
 * FILE_DEVICE_SECURE_OPEN the I/O manager has checked the DACL for such a name already; for
 * KmdSecureDefault it has not, and this check is all that stands in the way. */
static NTSTATUS NTAPI SecureCreate(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PFILE_OBJECT File = IoGetCurrentIrpStackLocation(Irp)->FileObject;
    SECURE_EXTENSION *Ext = DeviceObject->DeviceExtension;

    if (File != NULL && File->FileName.Length != 0) {
        InterlockedIncrement(&Ext->RefusedOpens);
        KmdLogPrint("open of %ws%.*ws refused: no namespace below the device",
                    SecureNames[Ext->Index], KMD_USTR_ARG(&File->FileName));
        return KmdCompleteIrp(Irp, STATUS_OBJECT_NAME_NOT_FOUND, 0);
    }
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, 0);
}

/* --- load and unload -------------------------------------------------------------------------- */

/* KmdSecureDefault: what a driver gets from IoCreateDevice alone, with a link of its own. */
static KMD_PAGED NTSTATUS SecureCreateDefaultDevice(PDRIVER_OBJECT DriverObject)
{
    UNICODE_STRING Name, Link;
    PDEVICE_OBJECT Device;
    NTSTATUS Status;

    RtlInitUnicodeString(&Name, SecureNames[SECUREDEVICES_DEFAULT]);
    RtlInitUnicodeString(&Link, SecureLinks[SECUREDEVICES_DEFAULT]);
    Status = IoCreateDevice(DriverObject, sizeof(SECURE_EXTENSION), &Name,
                            SECUREDEVICES_DEVICE_TYPE, 0, FALSE, &Device);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = IoCreateSymbolicLink(&Link, &Name);
    if (!NT_SUCCESS(Status)) {
        IoDeleteDevice(Device);
        return Status;
    }
    SecureDevices[SECUREDEVICES_DEFAULT] = Device;
    return STATUS_SUCCESS;
}

static KMD_PAGED VOID SecureDeleteDevices(VOID)
{
    UNICODE_STRING Link;

    for (ULONG i = 0; i < SECUREDEVICES_DEFAULT; i++) {
        KmdDeleteDevice(SecureDevices[i]);
        SecureDevices[i] = NULL;
    }
    if (SecureDevices[SECUREDEVICES_DEFAULT] != NULL) {
        RtlInitUnicodeString(&Link, SecureLinks[SECUREDEVICES_DEFAULT]);
        IoDeleteSymbolicLink(&Link);
        IoDeleteDevice(SecureDevices[SECUREDEVICES_DEFAULT]);
        SecureDevices[SECUREDEVICES_DEFAULT] = NULL;
    }
}

static KMD_PAGED VOID NTAPI SecureUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    SecureDeleteDevices();
    KmdLogPrint("DriverUnload: %u devices and links removed", SECUREDEVICES_COUNT);
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "securedevices");
    if (!NT_SUCCESS(Status))
        return Status;
    DriverObject->MajorFunction[IRP_MJ_CREATE] = SecureCreate;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    for (ULONG i = 0; i < SECUREDEVICES_COUNT && NT_SUCCESS(Status); i++) {
        if (i == SECUREDEVICES_DEFAULT)
            Status = SecureCreateDefaultDevice(DriverObject);
        else
            Status = KmdCreateDevice(DriverObject, SecureNames[i], SecureLinks[i],
                                     SECUREDEVICES_DEVICE_TYPE, sizeof(SECURE_EXTENSION),
                                     SecureAccess[i], &SecureDevices[i]);
        if (NT_SUCCESS(Status)) {
            ((SECURE_EXTENSION *)SecureDevices[i]->DeviceExtension)->Index = i;
            KmdLogPrint("DriverEntry: %ws %s", SecureNames[i],
                        i == SECUREDEVICES_DEFAULT ? "(system default, no SECURE_OPEN)"
                                                   : KmdDeviceAccessSddl(SecureAccess[i]));
        }
    }
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLogError("DriverEntry: cannot create the devices: 0x%08lx", (ULONG)Status);
        SecureDeleteDevices();
        KmdLibUninitialize();
        return Status;
    }
    /* Only now: a query names any of the four devices, so all of them must exist. */
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SecureDeviceControl;
    DriverObject->DriverUnload = SecureUnload;
    return STATUS_SUCCESS;
}
