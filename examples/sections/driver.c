/* sections: KmdKit's Sections. Code and data placed in the sections the Windows loader treats
 * specially (kmdkit/sections.h, the GCC spelling of #pragma alloc_text/data_seg):
 *   INIT       code needed only while DriverEntry runs: freed right after it returns
 *   PAGE       code that runs at IRQL <= APC_LEVEL only: may be paged out
 *   PAGEDATA   data touched only at IRQL <= APC_LEVEL: may be paged out
 *   PAGECONST  the same, read-only
 *   .text .data .rdata .bss   resident (NOT_PAGED), usable at any IRQL
 * The driver finds where each sample lies in its own section table, logs it from DriverEntry
 * and returns it through an IOCTL. Contract: sections_ioctl.h. */
#include <ntddk.h>
#include <ntimage.h>

#include <kmdkit/kernel.h>
#include "sections_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD SectionsUnload;
static DRIVER_DISPATCH SectionsDeviceControl;

/* The linker's symbol for the start of this image, where its DOS header is. */
extern const UCHAR __ImageBase[];

/* One sample of each placement. */
static ULONG SectionsReports KMD_PAGED_DATA = 0;                 /* PAGEDATA */
static const CHAR SectionsPagedText[] KMD_PAGED_CONST = "paged"; /* PAGECONST */
static ULONG SectionsResident = 0x4B6D644B;                      /* .data ('KdmK') */
static const CHAR SectionsResidentText[] = "resident";           /* .rdata */
static PDEVICE_OBJECT SectionsDevice;                            /* .bss */

static const CHAR *const SectionsNames[SectionsItemCount] = {
    "SectionsInit (code)",    "SectionsDeviceControl", "SectionsLocate (code)",
    "SectionsReports (data)", "SectionsPagedText",     "SectionsResident (data)",
    "SectionsResidentText",   "SectionsDevice (data)",
};

/* Resident: it reads only the image headers, which stay mapped. */
static VOID SectionsLocate(const VOID *Address, const CHAR *What, SECTIONS_ITEM *Item)
{
    const UCHAR *Base = __ImageBase;
    const IMAGE_DOS_HEADER *Dos = (const IMAGE_DOS_HEADER *)Base;
    const IMAGE_NT_HEADERS *Nt = (const IMAGE_NT_HEADERS *)(Base + Dos->e_lfanew);
    const IMAGE_SECTION_HEADER *Section = IMAGE_FIRST_SECTION(Nt);
    ULONG Rva = (ULONG)((const UCHAR *)Address - Base);

    RtlZeroMemory(Item, sizeof(*Item));
    for (ULONG i = 0; What[i] != '\0' && i < sizeof(Item->What) - 1; i++)
        Item->What[i] = What[i];
    Item->Rva = Rva;
    for (USHORT i = 0; i < Nt->FileHeader.NumberOfSections; i++, Section++) {
        ULONG Size = max(Section->Misc.VirtualSize, Section->SizeOfRawData);

        if (Rva >= Section->VirtualAddress && Rva - Section->VirtualAddress < Size) {
            RtlCopyMemory(Item->Section, Section->Name, sizeof(Item->Section));
            Item->Characteristics = Section->Characteristics;
            return;
        }
    }
}

static KMD_INIT VOID SectionsInit(VOID);

/* Taking the address of INIT code after DriverEntry is fine; calling it would not be. */
static VOID SectionsReport(SECTIONS_REPORT *Report)
{
    const VOID *const Samples[SectionsItemCount] = {
        (const VOID *)(ULONG_PTR)SectionsInit,
        (const VOID *)(ULONG_PTR)SectionsDeviceControl,
        (const VOID *)(ULONG_PTR)SectionsLocate,
        &SectionsReports,
        SectionsPagedText,
        &SectionsResident,
        SectionsResidentText,
        &SectionsDevice,
    };

    Report->Count = SectionsItemCount;
    for (ULONG i = 0; i < SectionsItemCount; i++)
        SectionsLocate(Samples[i], SectionsNames[i], &Report->Items[i]);
}

/* Called only from DriverEntry: INIT too. */
static KMD_INIT VOID SectionsLog(const SECTIONS_REPORT *Report)
{
    for (ULONG i = 0; i < Report->Count; i++) {
        const SECTIONS_ITEM *Item = &Report->Items[i];
        ULONG Flags = Item->Characteristics;

        KmdLogPrint("%-24s RVA 0x%05lx in %.8s (%s)", Item->What, Item->Rva, Item->Section,
                    (Flags & IMAGE_SCN_MEM_DISCARDABLE) ? "discardable"
                    : (Flags & IMAGE_SCN_MEM_NOT_PAGED) ? "not paged"
                                                        : "pageable");
    }
}

/* IOCTL_SECTIONS_REPORT: no input, a whole SECTIONS_REPORT out (the table checks both). Pageable
 * like its caller; it bumps a PAGEDATA counter, fine here and not at DISPATCH_LEVEL. */
static KMD_PAGED NTSTATUS SectionsGetReport(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                            ULONG_PTR *Info)
{
    SECTIONS_REPORT *Report = Io->Out;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    RtlZeroMemory(Report, sizeof(*Report));
    SectionsReport(Report);
    Report->Reports = ++SectionsReports;
    *Info = sizeof(*Report);
    return STATUS_SUCCESS;
}

static const KMD_IOCTL SectionsIoctls[] = {
    /* Code                 MinIn MaxIn MinOut                   Handler */
    {IOCTL_SECTIONS_REPORT, 0, 0, sizeof(SECTIONS_REPORT), SectionsGetReport},
};

/* Pageable: IRP_MJ_DEVICE_CONTROL of a top-level driver runs at PASSIVE_LEVEL. */
static KMD_PAGED NTSTATUS NTAPI SectionsDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_PAGED_CODE();
    return KmdDispatchIoctl(DeviceObject, Irp, SectionsIoctls, RTL_NUMBER_OF(SectionsIoctls));
}

static KMD_PAGED VOID NTAPI SectionsUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(SectionsDevice);
    KmdLogPrint("DriverUnload: device and link removed (%s, %s, 0x%08lx)", SectionsPagedText,
                SectionsResidentText, SectionsResident);
    KmdLibUninitialize();
}

/* INIT: runs once from DriverEntry, then its memory is given back to the system. */
static KMD_INIT VOID SectionsInit(VOID)
{
    SECTIONS_REPORT Report;

    RtlZeroMemory(&Report, sizeof(Report));
    SectionsReport(&Report);
    SectionsLog(&Report);
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "sections");
    if (!NT_SUCCESS(Status))
        return Status;
    SectionsInit();
    Status = KmdCreateDevice(DriverObject, SECTIONS_DEVICE_NAME, SECTIONS_LINK_NAME,
                             SECTIONS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &SectionsDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SectionsDeviceControl;
    DriverObject->DriverUnload = SectionsUnload;
    KmdLogPrint("DriverEntry: device %ws ready", SECTIONS_DEVICE_NAME);
    return STATUS_SUCCESS;
}
