/* lookaside: KmdKit's LookasideList. A nonpaged lookaside list hands out fixed-size entries fast
 * (it keeps freed entries for reuse); the entries are chained with the doubly linked list
 * macros (InitializeListHead, InsertTailList, RemoveHeadList, IsListEmpty). The list's
 * allocate and free routines are the driver's own, on top of klib's accounted pool, so the
 * unload report shows that ExDeleteNPagedLookasideList gave every cached entry back.
 * Contract: lookaside_ioctl.h. */
#include <kmdkit/kernel.h>
#include "lookaside_ioctl.h"

#define LOOKASIDE_TAG KMD_TAG('K', 'l', 'a', 's')

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD LookasideUnload;

typedef struct LOOKASIDE_ENTRY {
    LIST_ENTRY Link;
    ULONG Value;
    UCHAR Payload[LOOKASIDE_PAYLOAD];
} LOOKASIDE_ENTRY;

static PDEVICE_OBJECT LookasideDevice;
/* Lookaside lists must be in nonpaged memory and cache-aligned (the type says so). */
static NPAGED_LOOKASIDE_LIST LookasideList;

/* The list calls these when it has no cached entry to give, or too many to keep. Any IRQL up to
 * DISPATCH_LEVEL: nonpaged pool only. */
static PVOID NTAPI LookasideAllocate(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    UNREFERENCED_PARAMETER(PoolType);
    return KmdAllocatePool(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, NumberOfBytes, Tag);
}

static VOID NTAPI LookasideFree(PVOID Buffer)
{
    KmdFreePool(Buffer, LOOKASIDE_TAG);
}

static NTSTATUS LookasideRun(const LOOKASIDE_REQUEST *Request, LOOKASIDE_REPORT *Report)
{
    LIST_ENTRY Head;
    ULONG Count = Request->Count, Seed = Request->Seed;
    NTSTATUS Status = STATUS_SUCCESS;

    /* METHOD_BUFFERED: Request and Report share one buffer, read before writing. */
    RtlZeroMemory(Report, sizeof(*Report));
    Report->Size = sizeof(*Report);
    Report->EntrySize = sizeof(LOOKASIDE_ENTRY);

    InitializeListHead(&Head);
    for (ULONG i = 0; i < Count; i++) {
        LOOKASIDE_ENTRY *Entry = ExAllocateFromNPagedLookasideList(&LookasideList);

        if (Entry == NULL) {
            Status = STATUS_INSUFFICIENT_RESOURCES;
            break;
        }
        Report->Allocated++;
        Entry->Value = LOOKASIDE_VALUE(Seed, i);
        RtlFillMemory(Entry->Payload, sizeof(Entry->Payload), (UCHAR)Entry->Value);
        InsertTailList(&Head, &Entry->Link);
    }
    /* First in, first out: RemoveHeadList gives them back in the order they went in. Every entry
     * goes back to the lookaside list, also after a failed allocation. */
    while (!IsListEmpty(&Head)) {
        LOOKASIDE_ENTRY *Entry = CONTAINING_RECORD(RemoveHeadList(&Head), LOOKASIDE_ENTRY, Link);

        Report->Linked++;
        Report->Checksum += Report->Linked * Entry->Value;
        for (ULONG b = 0; b < sizeof(Entry->Payload); b++) {
            if (Entry->Payload[b] != (UCHAR)Entry->Value) {
                Report->PayloadErrors++;
                break;
            }
        }
        ExFreeToNPagedLookasideList(&LookasideList, Entry);
        Report->Freed++;
    }
    Report->ListEmpty = IsListEmpty(&Head);
    Report->TotalAllocates = LookasideList.L.TotalAllocates;
    Report->AllocateMisses = LookasideList.L.AllocateMisses;
    Report->TotalFrees = LookasideList.L.TotalFrees;
    Report->FreeMisses = LookasideList.L.FreeMisses;
    Report->Depth = LookasideList.L.Depth;
    Report->Outstanding = (unsigned int)KmdPoolOutstanding(LOOKASIDE_TAG);
    KmdLogPrint("run: %lu entries, checksum 0x%08x, %u kept by the lookaside list", Count,
                Report->Checksum, Report->Outstanding);
    return Status;
}

/* IOCTL_LOOKASIDE_RUN: exactly one LOOKASIDE_REQUEST in, a whole report out (the table checks
 * both); the count's range is the handler's. */
static NTSTATUS LookasideRunIoctl(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io,
                                  ULONG_PTR *Info)
{
    LOOKASIDE_REQUEST Request = *(const LOOKASIDE_REQUEST *)Io->In;
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    if (Request.Count == 0 || Request.Count > LOOKASIDE_MAX)
        return STATUS_INVALID_PARAMETER;
    Status = LookasideRun(&Request, Io->Out);
    if (NT_SUCCESS(Status))
        *Info = sizeof(LOOKASIDE_REPORT);
    return Status;
}

static const KMD_IOCTL LookasideIoctls[] = {
    /* Code, MinIn and MaxIn (exactly one request), MinOut, Handler */
    {IOCTL_LOOKASIDE_RUN, sizeof(LOOKASIDE_REQUEST), sizeof(LOOKASIDE_REQUEST),
     sizeof(LOOKASIDE_REPORT), LookasideRunIoctl},
};

KMD_PAGED static VOID NTAPI LookasideUnload(PDRIVER_OBJECT DriverObject)
{
    KMD_PAGED_CODE();
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(LookasideDevice);
    KmdLogPrint("DriverUnload: %ld entries cached; deleting the lookaside list",
                KmdPoolOutstanding(LOOKASIDE_TAG));
    ExDeleteNPagedLookasideList(&LookasideList); /* frees the cached entries (LookasideFree) */
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "lookaside");
    if (!NT_SUCCESS(Status))
        return Status;
    /* Depth 0: the system chooses (and tunes) how many free entries to keep. */
    ExInitializeNPagedLookasideList(&LookasideList, LookasideAllocate, LookasideFree, 0,
                                    sizeof(LOOKASIDE_ENTRY), LOOKASIDE_TAG, 0);
    Status = KmdCreateDevice(DriverObject, LOOKASIDE_DEVICE_NAME, LOOKASIDE_LINK_NAME,
                             LOOKASIDE_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &LookasideDevice);
    if (!NT_SUCCESS(Status)) {
        /* DriverUnload never runs after a failed DriverEntry: undo here what succeeded. */
        ExDeleteNPagedLookasideList(&LookasideList);
        KmdLibUninitialize();
        return Status; /* KmdCreateDevice logged why */
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(LookasideDevice, LookasideIoctls, RTL_NUMBER_OF(LookasideIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = LookasideUnload;
    KmdLogPrint("DriverEntry: device %ws ready, entries of %u bytes", LOOKASIDE_DEVICE_NAME,
                (unsigned)sizeof(LOOKASIDE_ENTRY));
    return STATUS_SUCCESS;
}
