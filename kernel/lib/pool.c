/* KmdAllocatePool/KmdFreePool: ExAllocatePool2 or its down-level equivalent, and per-tag
 * accounting in a fixed table updated with interlocked operations only. */
#include <ntddk.h>

#include <kmdkit/kernel.h>

#include "klib_private.h"

typedef PVOID(NTAPI *KMD_EX_ALLOCATE_POOL2)(POOL_FLAGS, SIZE_T, ULONG);

/* Right before every block handed out. Offset: from the start of the pool block to the caller's
 * pointer, so KmdFreePool finds the block whatever alignment was asked for. */
typedef struct _KMD_POOL_HEADER {
    ULONG Tag;
    USHORT Offset;
    USHORT Magic;
    SIZE_T Size;
} KMD_POOL_HEADER;

#define KMD_POOL_MAGIC 0x4B6D /* "mK" */
#define KMD_POOL_HEADER_ROOM                                                                       \
    ((sizeof(KMD_POOL_HEADER) + MEMORY_ALLOCATION_ALIGNMENT - 1) &                                 \
     ~(SIZE_T)(MEMORY_ALLOCATION_ALIGNMENT - 1))

typedef struct _KMD_POOL_SLOT {
    volatile LONG Tag; /* 0: free slot; claimed once, never released */
    volatile LONG Count;
    volatile SIZE_T Bytes;
} KMD_POOL_SLOT;

/* Slot KMD_POOL_MAX_TAGS counts the tags that found no slot ('????'). */
static KMD_POOL_SLOT KmdPoolSlots[KMD_POOL_MAX_TAGS + 1];
static KMD_POOL_PATH KmdPath = KmdPoolPathNone;

#define KMD_POOL_TYPE_FLAGS (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define KMD_POOL_KNOWN_FLAGS                                                                       \
    (KMD_POOL_TYPE_FLAGS | POOL_FLAG_UNINITIALIZED | POOL_FLAG_CACHE_ALIGNED)

VOID KmdPoolInitialize(VOID)
{
    RtlZeroMemory((PVOID)KmdPoolSlots, sizeof(KmdPoolSlots));
    KmdPoolSlots[KMD_POOL_MAX_TAGS].Tag = (LONG)KMD_POOL_OTHER_TAG;
    KmdPath = KmdRoutines[KmdRoutineExAllocatePool2] ? KmdPoolPathExAllocatePool2
                                                     : KmdPoolPathExAllocatePoolWithTag;
}

/* The slot of Tag; Claim: take a free slot for it when it has none. */
static KMD_POOL_SLOT *KmdPoolSlot(ULONG Tag, BOOLEAN Claim)
{
    for (ULONG i = 0; i < KMD_POOL_MAX_TAGS; i++) {
        LONG Seen = KmdPoolSlots[i].Tag;

        if (Seen == (LONG)Tag)
            return &KmdPoolSlots[i];
        if (Seen == 0) {
            if (!Claim)
                return NULL;
            Seen = InterlockedCompareExchange(&KmdPoolSlots[i].Tag, (LONG)Tag, 0);
            if (Seen == 0 || Seen == (LONG)Tag)
                return &KmdPoolSlots[i];
        }
    }
    return Claim ? &KmdPoolSlots[KMD_POOL_MAX_TAGS] : NULL;
}

static PCSTR KmdPoolFlagsError(POOL_FLAGS Flags, ULONG Tag)
{
    POOL_FLAGS Type = Flags & KMD_POOL_TYPE_FLAGS;

    if (Tag == 0)
        return "tag 0";
    if (Type == 0 || (Type & (Type - 1)) != 0)
        return "not exactly one of NON_PAGED, NON_PAGED_EXECUTE, PAGED";
    if (Flags & ~KMD_POOL_KNOWN_FLAGS)
        return "unsupported POOL_FLAG (USE_QUOTA, SESSION, RAISE_ON_FAILURE, ...)";
    return NULL;
}

static POOL_TYPE KmdPoolType(POOL_FLAGS Flags)
{
    BOOLEAN Aligned = (Flags & POOL_FLAG_CACHE_ALIGNED) != 0;

    if (Flags & POOL_FLAG_PAGED)
        return Aligned ? PagedPoolCacheAligned : PagedPool;
    if ((Flags & POOL_FLAG_NON_PAGED) && KmdLibWindows8OrLater())
        return Aligned ? NonPagedPoolNxCacheAligned : NonPagedPoolNx;
    /* NON_PAGED_EXECUTE, or NON_PAGED on Windows 7 (which has no NonPagedPoolNx). */
    return Aligned ? NonPagedPoolCacheAligned : NonPagedPool;
}

PVOID NTAPI KmdAllocatePool(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    KMD_EX_ALLOCATE_POOL2 Pool2 = (KMD_EX_ALLOCATE_POOL2)KmdRoutines[KmdRoutineExAllocatePool2];
    SIZE_T Align = (Flags & POOL_FLAG_CACHE_ALIGNED) ? SYSTEM_CACHE_ALIGNMENT_SIZE
                                                     : MEMORY_ALLOCATION_ALIGNMENT;
    /* Room for the header, plus slack to align the caller's pointer whatever the pool gives. */
    SIZE_T Extra = KMD_POOL_HEADER_ROOM + Align - MEMORY_ALLOCATION_ALIGNMENT;
    PCSTR Error = KmdPoolFlagsError(Flags, Tag);
    KMD_POOL_HEADER *Header;
    KMD_POOL_SLOT *Slot;
    ULONG_PTR Base, User;

    if (Error != NULL) {
        KmdLogError("KmdAllocatePool: flags 0x%I64x, tag 0x%08lx refused: %s", (ULONG64)Flags, Tag,
                    Error);
        return NULL;
    }
    if (NumberOfBytes > ~(SIZE_T)0 - Extra)
        return NULL;
    if (Pool2 != NULL) {
        Base = (ULONG_PTR)Pool2(Flags, NumberOfBytes + Extra, Tag);
    } else {
        Base = (ULONG_PTR)ExAllocatePoolWithTag(KmdPoolType(Flags), NumberOfBytes + Extra, Tag);
        if (Base != 0 && !(Flags & POOL_FLAG_UNINITIALIZED))
            RtlZeroMemory((PVOID)Base, NumberOfBytes + Extra);
    }
    if (Base == 0)
        return NULL;
    User = (Base + KMD_POOL_HEADER_ROOM + Align - 1) & ~(ULONG_PTR)(Align - 1);
    Header = (KMD_POOL_HEADER *)(User - sizeof(KMD_POOL_HEADER));
    Header->Tag = Tag;
    Header->Offset = (USHORT)(User - Base);
    Header->Magic = KMD_POOL_MAGIC;
    Header->Size = NumberOfBytes;
    Slot = KmdPoolSlot(Tag, TRUE);
    InterlockedIncrement(&Slot->Count);
    InterlockedExchangeAddSizeT(&Slot->Bytes, NumberOfBytes);
    return (PVOID)User;
}

VOID NTAPI KmdFreePool(PVOID Buffer, ULONG Tag)
{
    KMD_POOL_HEADER *Header;
    KMD_POOL_SLOT *Slot;
    SIZE_T Size;

    if (Buffer == NULL)
        return;
    Header = (KMD_POOL_HEADER *)((ULONG_PTR)Buffer - sizeof(KMD_POOL_HEADER));
    if (Header->Magic != KMD_POOL_MAGIC || Header->Tag != Tag) {
        /* Not ours, freed twice, or another tag: a bug worth a bugcheck in the debug build. */
        KmdLogError("KmdFreePool: %p is not a live block of tag 0x%08lx (header tag 0x%08lx)",
                    Buffer, Tag, Header->Tag);
        ASSERT(FALSE);
        return;
    }
    Size = Header->Size;
    Header->Magic = 0;
    Slot = KmdPoolSlot(Tag, FALSE);
    if (Slot == NULL)
        Slot = &KmdPoolSlots[KMD_POOL_MAX_TAGS];
    InterlockedDecrement(&Slot->Count);
    InterlockedExchangeAddSizeT(&Slot->Bytes, -(LONG_PTR)Size);
    ExFreePoolWithTag((PVOID)((ULONG_PTR)Buffer - Header->Offset), Tag);
}

KMD_POOL_PATH NTAPI KmdPoolPath(VOID)
{
    return KmdPath;
}

PCSTR NTAPI KmdPoolPathName(KMD_POOL_PATH Path)
{
    switch (Path) {
    case KmdPoolPathExAllocatePool2:
        return "ExAllocatePool2";
    case KmdPoolPathExAllocatePoolWithTag:
        return "ExAllocatePoolWithTag";
    default:
        return "none";
    }
}

LONG NTAPI KmdPoolOutstanding(ULONG Tag)
{
    KMD_POOL_SLOT *Slot = KmdPoolSlot(Tag, FALSE);

    return Slot ? Slot->Count : 0;
}

SIZE_T NTAPI KmdPoolOutstandingBytes(ULONG Tag)
{
    KMD_POOL_SLOT *Slot = KmdPoolSlot(Tag, FALSE);

    return Slot ? Slot->Bytes : 0;
}

ULONG NTAPI KmdPoolReport(VOID)
{
    ULONG Leaks = 0;

    for (ULONG i = 0; i <= KMD_POOL_MAX_TAGS; i++) {
        KMD_POOL_SLOT *Slot = &KmdPoolSlots[i];
        ULONG Tag = (ULONG)Slot->Tag;
        CHAR Name[5];

        if (Slot->Count == 0)
            continue;
        for (ULONG b = 0; b < 4; b++) {
            CHAR c = (CHAR)(Tag >> (8 * b));
            Name[b] = (c >= 0x20 && c < 0x7f) ? c : '.';
        }
        Name[4] = '\0';
        KmdLogError("pool leak: tag '%s' %ld allocation(s), %Iu bytes", Name, Slot->Count,
                    Slot->Bytes);
        Leaks += (ULONG)Slot->Count;
    }
    if (Leaks == 0)
        KmdLogPrint("pool: no leaks");
    return Leaks;
}
