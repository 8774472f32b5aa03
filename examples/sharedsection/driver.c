/* sharedsection: KmdKit's SharedSection. User mode and the driver share memory through a named
 * section object: the client creates it and writes a string, the driver opens it by name
 * (ZwOpenSection), maps a view (ZwMapViewOfSection), edits the string, unmaps the view.
 * Contract: sharedsection_ioctl.h.
 *
 * Where the view goes: a view in the caller's address space could be unmapped by another of the
 * caller's threads while the driver reads it, and touching it then raises an exception that
 * only __try (which GCC lacks) could catch. So the driver maps the view in the System process
 * (KeStackAttachProcess to PsInitialSystemProcess), where no user code runs, and unmaps it
 * before it detaches. The section handle is a kernel handle, valid in every process. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "sharedsection_ioctl.h"

#ifndef OBJ_FORCE_ACCESS_CHECK
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L
#endif

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SharedSectionUnload;

static PDEVICE_OBJECT SharedSectionDevice;

/* Name: 1..SHAREDSECTION_NAME_MAX characters of A-Z a-z 0-9 _ - . and a NUL; no path. */
KMD_PAGED static BOOLEAN SharedSectionValidName(const WCHAR *Name)
{
    ULONG i;

    KMD_PAGED_CODE();
    for (i = 0; i <= SHAREDSECTION_NAME_MAX && Name[i] != L'\0'; i++) {
        WCHAR c = Name[i];
        if (!((c >= L'A' && c <= L'Z') || (c >= L'a' && c <= L'z') || (c >= L'0' && c <= L'9') ||
              c == L'_' || c == L'-' || c == L'.'))
            return FALSE;
    }
    return i > 0 && i <= SHAREDSECTION_NAME_MAX;
}

/* Reverses the NUL-terminated string at Text (at most Size bytes) and upper-cases it. */
KMD_PAGED static NTSTATUS SharedSectionEditText(PCHAR Text, SIZE_T Size, ULONG *Length)
{
    SIZE_T n = 0;

    KMD_PAGED_CODE();
    while (n < Size && Text[n] != '\0')
        n++;
    if (n == Size)
        return STATUS_INVALID_PARAMETER; /* no NUL: not ours to edit */
    for (SIZE_T i = 0, j = n; i < j; i++) {
        CHAR t;
        j--;
        t = Text[i];
        Text[i] = Text[j];
        Text[j] = t;
    }
    for (SIZE_T i = 0; i < n; i++)
        if (Text[i] >= 'a' && Text[i] <= 'z')
            Text[i] = (CHAR)(Text[i] - 'a' + 'A');
    *Length = (ULONG)n;
    return STATUS_SUCCESS;
}

KMD_PAGED static NTSTATUS SharedSectionEdit(const SHAREDSECTION_REQUEST *Request,
                                            SHAREDSECTION_REPORT *Report)
{
    WCHAR NameText[SHAREDSECTION_NAME_MAX + 24];
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;
    KAPC_STATE Apc;
    HANDLE Section;
    PVOID Base = NULL;
    SIZE_T ViewSize = 0; /* 0: the whole section */
    ULONG Length = 0;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    RtlInitEmptyUnicodeString(&Name, NameText, sizeof(NameText));
    RtlAppendUnicodeToString(&Name, L"\\BaseNamedObjects\\");
    Status = RtlAppendUnicodeToString(&Name, Request->Name);
    if (!NT_SUCCESS(Status))
        return STATUS_INVALID_PARAMETER;
    /* The name comes from the caller: check the caller's access, not the kernel's. Still in the
     * caller's context here. */
    InitializeObjectAttributes(&Attributes, &Name,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE | OBJ_FORCE_ACCESS_CHECK,
                               NULL, NULL);
    Status = ZwOpenSection(&Section, SECTION_MAP_READ | SECTION_MAP_WRITE, &Attributes);
    if (!NT_SUCCESS(Status))
        return Status;

    KeStackAttachProcess((PKPROCESS)PsInitialSystemProcess, &Apc);
    Status = ZwMapViewOfSection(Section, ZwCurrentProcess(), &Base, 0, 0, NULL, &ViewSize,
                                ViewUnmap, 0, PAGE_READWRITE);
    if (NT_SUCCESS(Status)) {
        Status = SharedSectionEditText(Base, ViewSize, &Length);
        ZwUnmapViewOfSection(ZwCurrentProcess(), Base);
    }
    KeUnstackDetachProcess(&Apc);
    ZwClose(Section);
    if (!NT_SUCCESS(Status))
        return Status;

    /* METHOD_BUFFERED: the report overwrites the request, which is no longer needed. */
    RtlZeroMemory(Report, sizeof(*Report));
    Report->Size = sizeof(*Report);
    Report->Length = Length;
    Report->ViewSize = (ULONG)min(ViewSize, (SIZE_T)MAXULONG);
    KmdLogPrint("edited %lu characters of %ws (view of %Iu bytes)", Length, NameText, ViewSize);
    return STATUS_SUCCESS;
}

/* IOCTL_SHAREDSECTION_EDIT: exactly one request in and a whole report out (the table checks
 * both); what the table cannot check is the name inside the request. */
KMD_PAGED static NTSTATUS SharedSectionEditIoctl(PDEVICE_OBJECT Device, PIRP Irp,
                                                 PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    const SHAREDSECTION_REQUEST *Request = Io->In;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    if (!SharedSectionValidName(Request->Name))
        return STATUS_INVALID_PARAMETER;
    Status = SharedSectionEdit(Request, Io->Out);
    if (NT_SUCCESS(Status))
        *Info = sizeof(SHAREDSECTION_REPORT);
    return Status;
}

static const KMD_IOCTL SharedSectionIoctls[] = {
    /* Code, MinIn, MaxIn, MinOut, Handler */
    {IOCTL_SHAREDSECTION_EDIT, sizeof(SHAREDSECTION_REQUEST), sizeof(SHAREDSECTION_REQUEST),
     sizeof(SHAREDSECTION_REPORT), SharedSectionEditIoctl},
};

KMD_PAGED static VOID NTAPI SharedSectionUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(SharedSectionDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "sharedsection");
    if (!NT_SUCCESS(Status))
        return Status;
    Status =
        KmdCreateDevice(DriverObject, SHAREDSECTION_DEVICE_NAME, SHAREDSECTION_LINK_NAME,
                        SHAREDSECTION_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &SharedSectionDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(SharedSectionDevice, SharedSectionIoctls,
                       RTL_NUMBER_OF(SharedSectionIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = SharedSectionUnload;
    KmdLogPrint("DriverEntry: device %ws ready", SHAREDSECTION_DEVICE_NAME);
    return STATUS_SUCCESS;
}
