/* fileworks: KmdKit's FileWorks. Files and folders through the Zw* routines: create a folder and
 * a file, write, append, read back, truncate, set and clear the read-only attribute, list the
 * folder, delete. One IOCTL runs the whole story and reports each result (contract:
 * fileworks_ioctl.h). Every Zw* file routine runs at PASSIVE_LEVEL only, so all of this is
 * pageable code. */
#include <ntifs.h>

#include <kmdkit/kernel.h>
#include "fileworks_ioctl.h"

#ifndef OBJ_FORCE_ACCESS_CHECK
#define OBJ_FORCE_ACCESS_CHECK 0x00000400L
#endif

#define FILEWORKS_TAG KMD_TAG('K', 'f', 'w', 'k')
#define FILEWORKS_PATH_CHARS (FILEWORKS_BASE_MAX + 64)
#define FILEWORKS_LIST_BYTES 1024

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD FileWorksUnload;

static PDEVICE_OBJECT FileWorksDevice;

/* The three paths of one run, built from the caller's base folder. */
typedef struct FILEWORKS_PATHS {
    UNICODE_STRING Dir, File, Empty;
    WCHAR DirText[FILEWORKS_PATH_CHARS], FileText[FILEWORKS_PATH_CHARS],
        EmptyText[FILEWORKS_PATH_CHARS];
} FILEWORKS_PATHS;

/* ZwCreateFile for synchronous I/O. OBJ_KERNEL_HANDLE: the handle is not in the caller's handle
 * table; OBJ_FORCE_ACCESS_CHECK: the path comes from the caller, so the caller's rights are
 * checked, not the kernel's (a driver must not open for a user what the user could not open). */
KMD_PAGED static NTSTATUS FileWorksOpen(PUNICODE_STRING Path, ACCESS_MASK Access, ULONG Disposition,
                                        ULONG Options, HANDLE *Handle)
{
    OBJECT_ATTRIBUTES Attributes;
    IO_STATUS_BLOCK Iosb;

    KMD_PAGED_CODE();
    InitializeObjectAttributes(&Attributes, Path,
                               OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE | OBJ_FORCE_ACCESS_CHECK,
                               NULL, NULL);
    return ZwCreateFile(Handle, Access | SYNCHRONIZE, &Attributes, &Iosb, NULL,
                        FILE_ATTRIBUTE_NORMAL,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, Disposition,
                        Options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

KMD_PAGED static NTSTATUS FileWorksQuerySize(HANDLE File, unsigned int *Size)
{
    FILE_STANDARD_INFORMATION Info;
    IO_STATUS_BLOCK Iosb;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    Status = ZwQueryInformationFile(File, &Iosb, &Info, sizeof(Info), FileStandardInformation);
    if (NT_SUCCESS(Status))
        *Size = (unsigned int)Info.EndOfFile.QuadPart;
    return Status;
}

/* Sets the attributes; zero times in FILE_BASIC_INFORMATION mean "leave unchanged". Then reads
 * them back. */
KMD_PAGED static NTSTATUS FileWorksSetAttributes(PUNICODE_STRING Path, ULONG Attributes,
                                                 unsigned int *Now)
{
    FILE_BASIC_INFORMATION Info;
    IO_STATUS_BLOCK Iosb;
    HANDLE File;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    Status = FileWorksOpen(Path, FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES, FILE_OPEN,
                           FILE_NON_DIRECTORY_FILE, &File);
    if (!NT_SUCCESS(Status))
        return Status;
    RtlZeroMemory(&Info, sizeof(Info));
    Info.FileAttributes = Attributes;
    Status = ZwSetInformationFile(File, &Iosb, &Info, sizeof(Info), FileBasicInformation);
    if (NT_SUCCESS(Status))
        Status = ZwQueryInformationFile(File, &Iosb, &Info, sizeof(Info), FileBasicInformation);
    if (NT_SUCCESS(Status))
        *Now = Info.FileAttributes;
    ZwClose(File);
    return Status;
}

/* Deletes a file or an (empty) folder: open it for DELETE and set its disposition; it goes when
 * the last handle closes. A read-only file refuses with STATUS_CANNOT_DELETE. */
KMD_PAGED static NTSTATUS FileWorksDelete(PUNICODE_STRING Path, ULONG Options)
{
    FILE_DISPOSITION_INFORMATION Disposition = {.DeleteFile = TRUE};
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    Status = FileWorksOpen(Path, DELETE, FILE_OPEN, Options, &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwSetInformationFile(Handle, &Iosb, &Disposition, sizeof(Disposition),
                                  FileDispositionInformation);
    ZwClose(Handle);
    return Status;
}

/* Lists the folder with ZwQueryDirectoryFile (FileDirectoryInformation), one buffer at a time,
 * "." and ".." left out. */
KMD_PAGED static NTSTATUS FileWorksList(PUNICODE_STRING Dir, FILEWORKS_REPORT *Report)
{
    IO_STATUS_BLOCK Iosb;
    BOOLEAN Restart = TRUE;
    HANDLE Handle;
    NTSTATUS Status;
    PUCHAR Buffer;

    KMD_PAGED_CODE();
    Buffer = KmdAllocatePool(POOL_FLAG_PAGED, FILEWORKS_LIST_BYTES, FILEWORKS_TAG);
    if (Buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    Status = FileWorksOpen(Dir, FILE_LIST_DIRECTORY, FILE_OPEN, FILE_DIRECTORY_FILE, &Handle);
    if (!NT_SUCCESS(Status)) {
        KmdFreePool(Buffer, FILEWORKS_TAG);
        return Status;
    }
    for (;;) {
        PFILE_DIRECTORY_INFORMATION Entry = (PFILE_DIRECTORY_INFORMATION)Buffer;

        Status = ZwQueryDirectoryFile(Handle, NULL, NULL, NULL, &Iosb, Buffer, FILEWORKS_LIST_BYTES,
                                      FileDirectoryInformation, FALSE, NULL, Restart);
        Restart = FALSE;
        if (Status == STATUS_NO_MORE_FILES) {
            Status = STATUS_SUCCESS;
            break;
        }
        if (!NT_SUCCESS(Status))
            break;
        for (;;) {
            ULONG Chars = Entry->FileNameLength / sizeof(WCHAR);
            BOOLEAN Dots = (Chars == 1 && Entry->FileName[0] == L'.') ||
                           (Chars == 2 && Entry->FileName[0] == L'.' && Entry->FileName[1] == L'.');

            if (!Dots && Report->EntryCount < FILEWORKS_MAX_ENTRIES) {
                FILEWORKS_ENTRY *Out = &Report->Entries[Report->EntryCount++];

                if (Chars > KMD_COUNTOF(Out->Name) - 1)
                    Chars = KMD_COUNTOF(Out->Name) - 1;
                RtlCopyMemory(Out->Name, Entry->FileName, Chars * sizeof(WCHAR));
                Out->Name[Chars] = L'\0';
                Out->Size = (unsigned int)Entry->EndOfFile.QuadPart;
                Out->Attributes = Entry->FileAttributes;
            }
            if (Entry->NextEntryOffset == 0)
                break;
            Entry = (PFILE_DIRECTORY_INFORMATION)((PUCHAR)Entry + Entry->NextEntryOffset);
        }
    }
    ZwClose(Handle);
    KmdFreePool(Buffer, FILEWORKS_TAG);
    return Status;
}

/* Creates the folder and both files, writes FILEWORKS_TEXT1. */
KMD_PAGED static NTSTATUS FileWorksCreate(FILEWORKS_PATHS *Paths, FILEWORKS_REPORT *Report,
                                          unsigned int *Step)
{
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    *Step = FILEWORKS_STEP_CREATE_DIR;
    Status =
        FileWorksOpen(&Paths->Dir, FILE_LIST_DIRECTORY, FILE_OPEN_IF, FILE_DIRECTORY_FILE, &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    ZwClose(Handle);

    *Step = FILEWORKS_STEP_CREATE_FILE;
    Status = FileWorksOpen(&Paths->Empty, GENERIC_WRITE, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE,
                           &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    ZwClose(Handle);
    Status = FileWorksOpen(&Paths->File, GENERIC_WRITE, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE,
                           &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwWriteFile(Handle, NULL, NULL, NULL, &Iosb, FILEWORKS_TEXT1,
                         sizeof(FILEWORKS_TEXT1) - 1, NULL, NULL);
    if (NT_SUCCESS(Status))
        Report->Written = (unsigned int)Iosb.Information;
    ZwClose(Handle);
    return Status;
}

/* Appends FILEWORKS_TEXT2 (FILE_APPEND_DATA access: every write goes to the end of the file),
 * reads the file back, truncates it. */
KMD_PAGED static NTSTATUS FileWorksAppendReadTruncate(FILEWORKS_PATHS *Paths,
                                                      FILEWORKS_REPORT *Report, unsigned int *Step)
{
    FILE_END_OF_FILE_INFORMATION End = {.EndOfFile.QuadPart = FILEWORKS_TRUNCATE_TO};
    LARGE_INTEGER ToEnd = {.HighPart = -1, .LowPart = FILE_WRITE_TO_END_OF_FILE};
    LARGE_INTEGER Start = {.QuadPart = 0};
    IO_STATUS_BLOCK Iosb;
    HANDLE Handle;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    *Step = FILEWORKS_STEP_APPEND;
    Status = FileWorksOpen(&Paths->File, FILE_APPEND_DATA | FILE_READ_ATTRIBUTES, FILE_OPEN,
                           FILE_NON_DIRECTORY_FILE, &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwWriteFile(Handle, NULL, NULL, NULL, &Iosb, FILEWORKS_TEXT2,
                         sizeof(FILEWORKS_TEXT2) - 1, &ToEnd, NULL);
    if (NT_SUCCESS(Status)) {
        Report->Appended = (unsigned int)Iosb.Information;
        Status = FileWorksQuerySize(Handle, &Report->SizeAfterAppend);
    }
    ZwClose(Handle);
    if (!NT_SUCCESS(Status))
        return Status;

    *Step = FILEWORKS_STEP_READ;
    Status = FileWorksOpen(&Paths->File, GENERIC_READ, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwReadFile(Handle, NULL, NULL, NULL, &Iosb, Report->ReadData, sizeof(Report->ReadData),
                        &Start, NULL);
    if (NT_SUCCESS(Status))
        Report->ReadBytes = (unsigned int)Iosb.Information;
    ZwClose(Handle);
    if (!NT_SUCCESS(Status))
        return Status;

    *Step = FILEWORKS_STEP_TRUNCATE;
    Status = FileWorksOpen(&Paths->File, GENERIC_WRITE | GENERIC_READ, FILE_OPEN,
                           FILE_NON_DIRECTORY_FILE, &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwSetInformationFile(Handle, &Iosb, &End, sizeof(End), FileEndOfFileInformation);
    if (NT_SUCCESS(Status))
        Status = FileWorksQuerySize(Handle, &Report->SizeAfterTruncate);
    ZwClose(Handle);
    return Status;
}

KMD_PAGED static NTSTATUS FileWorksStory(FILEWORKS_PATHS *Paths, FILEWORKS_REPORT *Report,
                                         unsigned int *Step)
{
    NTSTATUS Status;

    KMD_PAGED_CODE();
    Status = FileWorksCreate(Paths, Report, Step);
    if (NT_SUCCESS(Status))
        Status = FileWorksAppendReadTruncate(Paths, Report, Step);
    if (!NT_SUCCESS(Status))
        return Status;

    *Step = FILEWORKS_STEP_SET_READONLY;
    Status =
        FileWorksSetAttributes(&Paths->File, FILE_ATTRIBUTE_READONLY, &Report->AttributesReadOnly);
    if (!NT_SUCCESS(Status))
        return Status;
    Report->DeleteWhileReadOnly = FileWorksDelete(&Paths->File, FILE_NON_DIRECTORY_FILE);

    *Step = FILEWORKS_STEP_CLEAR_READONLY;
    Status =
        FileWorksSetAttributes(&Paths->File, FILE_ATTRIBUTE_NORMAL, &Report->AttributesCleared);
    if (!NT_SUCCESS(Status))
        return Status;

    *Step = FILEWORKS_STEP_LIST;
    Status = FileWorksList(&Paths->Dir, Report);
    if (!NT_SUCCESS(Status))
        return Status;

    *Step = FILEWORKS_STEP_DELETE;
    Status = FileWorksDelete(&Paths->File, FILE_NON_DIRECTORY_FILE);
    if (NT_SUCCESS(Status))
        Status = FileWorksDelete(&Paths->Empty, FILE_NON_DIRECTORY_FILE);
    if (NT_SUCCESS(Status))
        Status = FileWorksDelete(&Paths->Dir, FILE_DIRECTORY_FILE);
    if (!NT_SUCCESS(Status))
        return Status;
    *Step = FILEWORKS_STEP_NONE;
    return STATUS_SUCCESS;
}

/* Whatever a failed step left behind goes: read-only cleared, files, then the folder. */
KMD_PAGED static VOID FileWorksCleanUp(FILEWORKS_PATHS *Paths)
{
    unsigned int Ignored;

    KMD_PAGED_CODE();
    FileWorksSetAttributes(&Paths->File, FILE_ATTRIBUTE_NORMAL, &Ignored);
    FileWorksDelete(&Paths->File, FILE_NON_DIRECTORY_FILE);
    FileWorksDelete(&Paths->Empty, FILE_NON_DIRECTORY_FILE);
    FileWorksDelete(&Paths->Dir, FILE_DIRECTORY_FILE);
}

KMD_PAGED static NTSTATUS FileWorksMakePath(UNICODE_STRING *Path, PWCH Text, PCWSTR Base,
                                            PCWSTR Name)
{
    KMD_PAGED_CODE();
    RtlInitEmptyUnicodeString(Path, Text, FILEWORKS_PATH_CHARS * sizeof(WCHAR));
    RtlAppendUnicodeToString(Path, Base);
    if (Path->Length >= sizeof(WCHAR) && Path->Buffer[Path->Length / sizeof(WCHAR) - 1] != L'\\')
        RtlAppendUnicodeToString(Path, L"\\");
    RtlAppendUnicodeToString(Path, FILEWORKS_DIR_NAME);
    if (Name != NULL) {
        RtlAppendUnicodeToString(Path, L"\\");
        return RtlAppendUnicodeToString(Path, Name);
    }
    return STATUS_SUCCESS;
}

/* The base folder: NUL-terminated inside the field, \??\ first, no "..". */
KMD_PAGED static NTSTATUS FileWorksCheckBase(FILEWORKS_REQUEST *Request, PCWSTR *Base)
{
    ULONG Length = 0;

    KMD_PAGED_CODE();
    while (Length <= FILEWORKS_BASE_MAX && Request->Base[Length] != L'\0')
        Length++;
    if (Length > FILEWORKS_BASE_MAX)
        return STATUS_INVALID_PARAMETER;
    if (Length == 0) {
        *Base = L"\\??\\C:\\";
        return STATUS_SUCCESS;
    }
    if (Length < 5 || Request->Base[0] != L'\\' || Request->Base[1] != L'?' ||
        Request->Base[2] != L'?' || Request->Base[3] != L'\\')
        return STATUS_INVALID_PARAMETER;
    for (ULONG i = 0; i + 1 < Length; i++)
        if (Request->Base[i] == L'.' && Request->Base[i + 1] == L'.')
            return STATUS_INVALID_PARAMETER;
    *Base = Request->Base;
    return STATUS_SUCCESS;
}

/* IOCTL_FILEWORKS_RUN: exactly one FILEWORKS_REQUEST in, a whole FILEWORKS_REPORT out (the table
 * checks both); the handler checks the base path. */
KMD_PAGED static NTSTATUS FileWorksRun(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                       ULONG_PTR *Info)
{
    FILEWORKS_REPORT *Report;
    FILEWORKS_PATHS *Paths;
    unsigned int Step = FILEWORKS_STEP_NONE;
    NTSTATUS Status;
    PCWSTR Base;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    /* METHOD_BUFFERED: In and Out are one buffer; copy the request out before writing. */
    Paths =
        KmdAllocatePool(POOL_FLAG_PAGED, sizeof(*Paths) + sizeof(FILEWORKS_REQUEST), FILEWORKS_TAG);
    if (Paths == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlCopyMemory(Paths + 1, Io->In, sizeof(FILEWORKS_REQUEST));
    Status = FileWorksCheckBase((FILEWORKS_REQUEST *)(Paths + 1), &Base);
    if (NT_SUCCESS(Status))
        Status = FileWorksMakePath(&Paths->Dir, Paths->DirText, Base, NULL);
    if (NT_SUCCESS(Status))
        Status = FileWorksMakePath(&Paths->File, Paths->FileText, Base, FILEWORKS_FILE_NAME);
    if (NT_SUCCESS(Status))
        Status = FileWorksMakePath(&Paths->Empty, Paths->EmptyText, Base, FILEWORKS_EMPTY_NAME);
    if (!NT_SUCCESS(Status)) {
        KmdFreePool(Paths, FILEWORKS_TAG);
        return STATUS_INVALID_PARAMETER;
    }

    Report = Io->Out;
    RtlZeroMemory(Report, sizeof(*Report));
    Report->Size = sizeof(*Report);
    KmdLogPrint("run in %.*ws", KMD_USTR_ARG(&Paths->Dir));
    Status = FileWorksStory(Paths, Report, &Step);
    if (!NT_SUCCESS(Status)) {
        Report->FailedStep = Step;
        Report->FailedStatus = Status;
        KmdLogError("step %u failed: 0x%08lx", Step, (ULONG)Status);
        FileWorksCleanUp(Paths);
    }
    Report->OpenAfterDelete = FileWorksDelete(&Paths->File, FILE_NON_DIRECTORY_FILE);
    Report->OpenDirAfterDelete = FileWorksDelete(&Paths->Dir, FILE_DIRECTORY_FILE);
    KmdFreePool(Paths, FILEWORKS_TAG);
    *Info = sizeof(*Report);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL FileWorksIoctls[] = {
    /* Code, MinIn and MaxIn (exactly one request), MinOut, Handler */
    {IOCTL_FILEWORKS_RUN, sizeof(FILEWORKS_REQUEST), sizeof(FILEWORKS_REQUEST),
     sizeof(FILEWORKS_REPORT), FileWorksRun},
};

KMD_PAGED static VOID NTAPI FileWorksUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(FileWorksDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "fileworks");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, FILEWORKS_DEVICE_NAME, FILEWORKS_LINK_NAME,
                             FILEWORKS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &FileWorksDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(FileWorksDevice, FileWorksIoctls, RTL_NUMBER_OF(FileWorksIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = FileWorksUnload;
    KmdLogPrint("DriverEntry: device %ws ready", FILEWORKS_DEVICE_NAME);
    return STATUS_SUCCESS;
}
