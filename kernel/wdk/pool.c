/* ExAllocatePool2, ExAllocatePool3 and ExFreePool2 on every system, and the WDK's
 * ExAllocatePoolZero family (wdk_compat.h). Where the system exports the 2004 routines they do
 * the work; elsewhere (Windows 7 to 10 1909, Wine 8) ExAllocatePoolWithTag and
 * ExAllocatePoolWithQuotaTag do, with the same flags checked the same way. */
#include "wdk_private.h"

typedef PVOID(NTAPI *KMD_WDK_EX_ALLOCATE_POOL2)(POOL_FLAGS, SIZE_T, ULONG);
typedef PVOID(NTAPI *KMD_WDK_EX_ALLOCATE_POOL3)(POOL_FLAGS, SIZE_T, ULONG,
                                                PCPOOL_EXTENDED_PARAMETER, ULONG);
typedef VOID(NTAPI *KMD_WDK_EX_FREE_POOL2)(PVOID, ULONG, PCPOOL_EXTENDED_PARAMETER, ULONG);

#define KMD_WDK_POOL_KINDS (POOL_FLAG_NON_PAGED | POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)
#define KMD_WDK_POOL_KNOWN                                                                         \
    (KMD_WDK_POOL_KINDS | POOL_FLAG_USE_QUOTA | POOL_FLAG_UNINITIALIZED | POOL_FLAG_SESSION |      \
     POOL_FLAG_CACHE_ALIGNED | POOL_FLAG_RAISE_ON_FAILURE)
/* Required flags: the low 32 bits. An unknown one fails the allocation, as on Windows; an
 * unknown optional flag (high 32 bits, e.g. POOL_FLAG_SPECIAL_POOL) is ignored. */
#define KMD_WDK_POOL_REQUIRED 0x00000000FFFFFFFFULL

/* POOL_TYPE bits. */
#define KMD_WDK_TYPE_PAGED 1
#define KMD_WDK_TYPE_CACHE_ALIGNED 4
#define KMD_WDK_TYPE_SESSION 32

/* The POOL_TYPE that ExAllocatePool2's flags stand for on a system without it. NULL when the
 * flags are refused, else a word for the log. */
static PCSTR KmdWdkFlagsToPoolType(POOL_FLAGS Flags, POOL_TYPE *Type)
{
    const KMD_WDK_SYSTEM *System = KmdWdkSystem();
    POOL_FLAGS Kind = Flags & KMD_WDK_POOL_KINDS;
    ULONG Value;

    if (Kind == 0 || (Kind & (Kind - 1)) != 0)
        return "not exactly one of POOL_FLAG_NON_PAGED, _NON_PAGED_EXECUTE, _PAGED";
    if (Flags & KMD_WDK_POOL_REQUIRED & ~KMD_WDK_POOL_KNOWN)
        return "an unknown required flag";
    if (Kind == POOL_FLAG_PAGED)
        Value = PagedPool;
    else if (Kind == POOL_FLAG_NON_PAGED && System != NULL && System->Windows8OrLater)
        Value = NonPagedPoolNx;
    else /* NON_PAGED_EXECUTE; NON_PAGED on Windows 7, which has no NX pool */
        Value = NonPagedPoolExecute;
    if (Flags & POOL_FLAG_CACHE_ALIGNED)
        Value += KMD_WDK_TYPE_CACHE_ALIGNED;
    if (Flags & POOL_FLAG_SESSION)
        Value += KMD_WDK_TYPE_SESSION;
    if (Flags & POOL_FLAG_USE_QUOTA) {
        /* ExAllocatePoolWithQuotaTag raises unless told not to; ExAllocatePool2 the reverse. */
        if (!(Flags & POOL_FLAG_RAISE_ON_FAILURE))
            Value |= POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
    } else if (Flags & POOL_FLAG_RAISE_ON_FAILURE) {
        Value |= POOL_RAISE_IF_ALLOCATION_FAILURE;
    }
    *Type = (POOL_TYPE)Value;
    return NULL;
}

static PVOID KmdWdkAllocateDownLevel(PCSTR Routine, POOL_FLAGS Flags, SIZE_T NumberOfBytes,
                                     ULONG Tag)
{
    POOL_TYPE Type;
    PCSTR Refused = KmdWdkFlagsToPoolType(Flags, &Type);
    PVOID P;

    if (Refused != NULL) {
        KmdWdkLog("%s: flags 0x%I64x refused: %s\n", Routine, (ULONG64)Flags, Refused);
        return NULL;
    }
    if (Flags & POOL_FLAG_USE_QUOTA)
        P = ExAllocatePoolWithQuotaTag(Type, NumberOfBytes, Tag);
    else
        P = ExAllocatePoolWithTag(Type, NumberOfBytes, Tag);
    if (P != NULL && !(Flags & POOL_FLAG_UNINITIALIZED))
        RtlZeroMemory(P, NumberOfBytes);
    return P;
}

PVOID NTAPI KmdWdkExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    KMD_WDK_EX_ALLOCATE_POOL2 Pool2 =
        (KMD_WDK_EX_ALLOCATE_POOL2)KmdWdkRoutine(KmdWdkRoutineExAllocatePool2);

    if (Pool2 != NULL)
        return Pool2(Flags, NumberOfBytes, Tag);
    return KmdWdkAllocateDownLevel("ExAllocatePool2", Flags, NumberOfBytes, Tag);
}

/* Down-level, Priority and NumaNode parameters are accepted and not passed on (the pool is asked
 * as by ExAllocatePool2: under memory pressure a LowPoolPriority request may then succeed where
 * ExAllocatePool3 would refuse it; ExAllocatePoolWithTagPriority is not used, it is a stub that
 * ends the process under Wine 8). SecurePool, which needs the 2004 pool, and unknown types are
 * refused unless marked Optional. */
PVOID NTAPI KmdWdkExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                                  PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                  ULONG ExtendedParametersCount)
{
    KMD_WDK_EX_ALLOCATE_POOL3 Pool3 =
        (KMD_WDK_EX_ALLOCATE_POOL3)KmdWdkRoutine(KmdWdkRoutineExAllocatePool3);

    if (Pool3 != NULL)
        return Pool3(Flags, NumberOfBytes, Tag, ExtendedParameters, ExtendedParametersCount);
    if (ExtendedParametersCount != 0 && ExtendedParameters == NULL)
        return NULL;
    for (ULONG i = 0; i < ExtendedParametersCount; i++) {
        const POOL_EXTENDED_PARAMETER *Parameter = &ExtendedParameters[i];

        if (Parameter->Type != PoolExtendedParameterPriority &&
            Parameter->Type != PoolExtendedParameterNumaNode && !Parameter->Optional) {
            KmdWdkLog("ExAllocatePool3: extended parameter type %u refused on this system\n",
                      (ULONG)Parameter->Type);
            return NULL;
        }
    }
    return KmdWdkAllocateDownLevel("ExAllocatePool3", Flags, NumberOfBytes, Tag);
}

/* A down-level block came from ExAllocatePoolWithTag or ExAllocatePoolWithQuotaTag, and no
 * secure-pool block can exist on a system without ExFreePool2. */
VOID NTAPI KmdWdkExFreePool2(PVOID P, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                             ULONG ExtendedParametersCount)
{
    KMD_WDK_EX_FREE_POOL2 Free2 = (KMD_WDK_EX_FREE_POOL2)KmdWdkRoutine(KmdWdkRoutineExFreePool2);

    if (Free2 != NULL)
        Free2(P, Tag, ExtendedParameters, ExtendedParametersCount);
    else
        ExFreePoolWithTag(P, Tag);
}

/* --- the ExAllocatePoolZero family ----------------------------------------------------------- */

/* ExAllocatePool2's flags for a POOL_TYPE (with its modifier bits); FALSE when it has none
 * (must-succeed types, unknown bits), and then ExAllocatePoolWithTag takes the type as it is. */
static BOOLEAN KmdWdkPoolTypeToFlags(POOL_TYPE PoolType, BOOLEAN Quota, POOL_FLAGS *Flags)
{
    ULONG Value = (ULONG)PoolType & ~(ULONG)(POOL_COLD_ALLOCATION | POOL_ZERO_ALLOCATION);
    POOL_FLAGS Result = 0;

    if (Value & POOL_RAISE_IF_ALLOCATION_FAILURE) {
        Result |= POOL_FLAG_RAISE_ON_FAILURE;
        Value &= ~(ULONG)POOL_RAISE_IF_ALLOCATION_FAILURE;
    }
    if (Quota) {
        Result |= POOL_FLAG_USE_QUOTA;
        if (Value & POOL_QUOTA_FAIL_INSTEAD_OF_RAISE)
            Value &= ~(ULONG)POOL_QUOTA_FAIL_INSTEAD_OF_RAISE;
        else
            Result |= POOL_FLAG_RAISE_ON_FAILURE;
    }
    if (Value & KMD_WDK_TYPE_SESSION) {
        Result |= POOL_FLAG_SESSION;
        Value &= ~(ULONG)KMD_WDK_TYPE_SESSION;
    }
    if (Value & KMD_WDK_TYPE_CACHE_ALIGNED) {
        Result |= POOL_FLAG_CACHE_ALIGNED;
        Value &= ~(ULONG)KMD_WDK_TYPE_CACHE_ALIGNED;
    }
    if (Value == NonPagedPoolExecute)
        Result |= POOL_FLAG_NON_PAGED_EXECUTE;
    else if (Value == NonPagedPoolNx)
        Result |= POOL_FLAG_NON_PAGED;
    else if (Value == KMD_WDK_TYPE_PAGED)
        Result |= POOL_FLAG_PAGED;
    else
        return FALSE;
    *Flags = Result;
    return TRUE;
}

static PVOID KmdWdkAllocatePoolType(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag,
                                    BOOLEAN Quota, BOOLEAN Zero)
{
    KMD_WDK_EX_ALLOCATE_POOL2 Pool2 =
        (KMD_WDK_EX_ALLOCATE_POOL2)KmdWdkRoutine(KmdWdkRoutineExAllocatePool2);
    POOL_FLAGS Flags;
    PVOID P;

    if (Pool2 != NULL && KmdWdkPoolTypeToFlags(PoolType, Quota, &Flags))
        return Pool2(Flags | (Zero ? 0 : POOL_FLAG_UNINITIALIZED), NumberOfBytes, Tag);
    if (Quota)
        P = ExAllocatePoolWithQuotaTag(PoolType, NumberOfBytes, Tag);
    else
        P = ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
    if (P != NULL && Zero)
        RtlZeroMemory(P, NumberOfBytes);
    return P;
}

PVOID NTAPI KmdWdkAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KmdWdkAllocatePoolType(PoolType, NumberOfBytes, Tag, FALSE, TRUE);
}

PVOID NTAPI KmdWdkAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KmdWdkAllocatePoolType(PoolType, NumberOfBytes, Tag, FALSE, FALSE);
}

PVOID NTAPI KmdWdkAllocatePoolQuotaZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return KmdWdkAllocatePoolType(PoolType, NumberOfBytes, Tag, TRUE, TRUE);
}

PVOID NTAPI KmdWdkAllocatePoolQuotaUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                                 ULONG Tag)
{
    return KmdWdkAllocatePoolType(PoolType, NumberOfBytes, Tag, TRUE, FALSE);
}
