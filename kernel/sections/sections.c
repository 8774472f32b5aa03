/* sections: KmdKit's Sections. Code and data placed in the sections the Windows loader treats
 * specially (kmdkit/sections.h, the GCC spelling of #pragma alloc_text/data_seg):
 *   INIT       code needed only while DriverEntry runs: freed right after it returns
 *   PAGE       code that runs at IRQL <= APC_LEVEL only: may be paged out
 *   PAGEDATA   data touched only at IRQL <= APC_LEVEL: may be paged out
 *   PAGECONST  the same, read-only
 *   .text .data .rdata .bss   resident (NOT_PAGED), usable at any IRQL
 * The driver finds where each sample lies in its own section table, logs it from DriverEntry
 * and returns it through an IOCTL. Contract: headers/sections_ioctl.h. */
#include <ntddk.h>
#include <ntimage.h>

#include <kmdkit/kernel.h>
#include <sections_ioctl.h>

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

/* Pageable: IRP_MJ_DEVICE_CONTROL of a top-level driver runs at PASSIVE_LEVEL. It uses PAGEDATA,
 * which is fine here and would not be at DISPATCH_LEVEL. */
static KMD_PAGED NTSTATUS NTAPI SectionsDeviceControl(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    KMD_IOCTL_BUFFERS Io;
    SECTIONS_REPORT *Report;
    NTSTATUS Status;

    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DeviceObject);
    Status = KmdGetIoctlBuffers(Irp, 0, 0, &Io);
    if (!NT_SUCCESS(Status))
        return KmdCompleteIrp(Irp, Status, 0);
    if (Io.Code != IOCTL_SECTIONS_REPORT)
        return KmdCompleteIrp(Irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    if (Io.InLength != 0)
        return KmdCompleteIrp(Irp, STATUS_INVALID_PARAMETER, 0);
    if (Io.OutLength < sizeof(*Report))
        return KmdCompleteIrp(Irp, STATUS_BUFFER_TOO_SMALL, 0);
    Report = Io.Out;
    RtlZeroMemory(Report, sizeof(*Report));
    SectionsReport(Report);
    Report->Reports = ++SectionsReports;
    return KmdCompleteIrp(Irp, STATUS_SUCCESS, sizeof(*Report));
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
    KmdLibInitialize(DriverObject, "sections");
    SectionsInit();
    Status = KmdCreateDevice(DriverObject, SECTIONS_DEVICE_NAME, SECTIONS_LINK_NAME,
                             SECTIONS_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &SectionsDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = SectionsDeviceControl;
    DriverObject->DriverUnload = SectionsUnload;
    KmdLogPrint("DriverEntry: device %ws ready", SECTIONS_DEVICE_NAME);
    return STATUS_SUCCESS;
}
