/* What driver sources written for the WDK and MSVC use and MinGW-w64 10's DDK headers lack.
 *
 * kmd_add_driver(<name> WDK ...) puts headers/kmdkit/wdk/kernel before MinGW's ddk folder; its
 * wdm.h, ntddk.h and ntifs.h include MinGW's header of the same name, then this file. It is
 * processed once, right after MinGW's wdm.h (ntddk.h and ntifs.h include wdm.h first), so it
 * needs nothing beyond wdm.h. docs/wdk.md lists what it gives and how it differs from the WDK.
 *
 * Macros are defined only where MinGW has none (#ifndef: a newer MinGW wins), except where
 * MinGW's definition is broken for GCC and clang, which says why. Routines behind the
 * declarations live in kmdkit_wdk (kernel/wdk), linked into every WDK driver. */
#ifndef KMDKIT_WDK_COMPAT_H
#define KMDKIT_WDK_COMPAT_H

/* Sources may test for kmdkit's WDK layer. */
#define KMDKIT_WDK 1

/* --- annotations: SAL 2, driver annotations, their older __drv_ and SAL 1 forms --------------
 * All of them are for static analysis (prefast, SDV); here they are empty. MinGW has sal.h and
 * driverspecs.h, but wdm.h does not bring concurrencysal.h (_Requires_lock_held_ & co.), and
 * the kernel-specific ones below are missing. */
#include <concurrencysal.h>

#ifndef _Dispatch_type_
#define _Dispatch_type_(type)
#endif
#ifndef _IRQL_always_function_max_
#define _IRQL_always_function_max_(irql)
#endif
#ifndef _IRQL_always_function_min_
#define _IRQL_always_function_min_(irql)
#endif
#ifndef _IRQL_is_cancel_
#define _IRQL_is_cancel_
#endif
#ifndef _IRQL_uses_cancel_
#define _IRQL_uses_cancel_
#endif
#ifndef _IRQL_saves_global_
#define _IRQL_saves_global_(kind, param)
#endif
#ifndef _IRQL_restores_global_
#define _IRQL_restores_global_(kind, param)
#endif
#ifndef _IRQL_lowers_
#define _IRQL_lowers_(irql)
#endif
#ifndef _Kernel_clear_do_init_
#define _Kernel_clear_do_init_(yes_no)
#endif
#ifndef _Kernel_float_saved_
#define _Kernel_float_saved_
#endif
#ifndef _Kernel_float_restored_
#define _Kernel_float_restored_
#endif
#ifndef _Kernel_float_used_
#define _Kernel_float_used_
#endif
#ifndef _Kernel_acquires_resource_
#define _Kernel_acquires_resource_(kind)
#endif
#ifndef _Kernel_releases_resource_
#define _Kernel_releases_resource_(kind)
#endif
#ifndef _Kernel_requires_resource_held_
#define _Kernel_requires_resource_held_(kind)
#endif
#ifndef _Kernel_requires_resource_not_held_
#define _Kernel_requires_resource_not_held_(kind)
#endif
#ifndef _Kernel_IoGetDmaAdapter_
#define _Kernel_IoGetDmaAdapter_
#endif
#ifndef _Kernel_ReleasesResource_
#define _Kernel_ReleasesResource_(kind)
#endif
#ifndef _Kernel_AcquiresResource_
#define _Kernel_AcquiresResource_(kind)
#endif
#ifndef _Frees_ptr_
#define _Frees_ptr_
#endif
#ifndef _Frees_ptr_opt_
#define _Frees_ptr_opt_
#endif
#ifndef _Post_invalid_
#define _Post_invalid_
#endif
#ifndef _Post_ptr_invalid_
#define _Post_ptr_invalid_
#endif
#ifndef _Post_valid_
#define _Post_valid_
#endif
#ifndef _Post_maybenull_
#define _Post_maybenull_
#endif
#ifndef _Post_notnull_
#define _Post_notnull_
#endif
#ifndef _Post_null_
#define _Post_null_
#endif
#ifndef _Pre_
#define _Pre_
#endif
#ifndef _Pre_valid_
#define _Pre_valid_
#endif
#ifndef _Pre_invalid_
#define _Pre_invalid_
#endif
#ifndef _Pre_maybenull_
#define _Pre_maybenull_
#endif
#ifndef _Pre_null_
#define _Pre_null_
#endif
#ifndef _Pre_opt_valid_
#define _Pre_opt_valid_
#endif
#ifndef _Pre_defensive_
#define _Pre_defensive_
#endif
#ifndef _Post_defensive_
#define _Post_defensive_
#endif
#ifndef _Notnull_
#define _Notnull_
#endif
#ifndef _Maybenull_
#define _Maybenull_
#endif
#ifndef _Null_
#define _Null_
#endif
#ifndef _Valid_
#define _Valid_
#endif
#ifndef _Notvalid_
#define _Notvalid_
#endif
#ifndef _Enum_is_bitflag_
#define _Enum_is_bitflag_
#endif
#ifndef _Must_inspect_impl_
#define _Must_inspect_impl_
#endif
#ifndef _Interlocked_operand_
#define _Interlocked_operand_
#endif
#ifndef _Analysis_noreturn_
#define _Analysis_noreturn_
#endif
#ifndef _In_NLS_string_
#define _In_NLS_string_(size)
#endif
#ifndef _Inexpressible_
#define _Inexpressible_(expr)
#endif
#ifndef _Satisfies_
#define _Satisfies_(expr)
#endif
#ifndef _Ret_maybenull_z_
#define _Ret_maybenull_z_
#endif

/* The __drv_ forms (WDK 7 and earlier; driverspecs.h has part of them). */
#ifndef __drv_functionClass
#define __drv_functionClass(name)
#endif
#ifndef __drv_sameIRQL
#define __drv_sameIRQL
#endif
#ifndef __drv_minIRQL
#define __drv_minIRQL(irql)
#endif
#ifndef __drv_maxFunctionIRQL
#define __drv_maxFunctionIRQL(irql)
#endif
#ifndef __drv_minFunctionIRQL
#define __drv_minFunctionIRQL(irql)
#endif
#ifndef __drv_isCancelIRQL
#define __drv_isCancelIRQL
#endif
#ifndef __drv_clearDoInit
#define __drv_clearDoInit(yes_no)
#endif
#ifndef __drv_completionType
#define __drv_completionType(kind)
#endif
#ifndef __drv_inTry
#define __drv_inTry
#endif
#ifndef __drv_notInTry
#define __drv_notInTry
#endif
#ifndef __drv_reportError
#define __drv_reportError(why)
#endif
#ifndef __drv_preferredFunction
#define __drv_preferredFunction(func, why)
#endif
#ifndef __drv_strictType
#define __drv_strictType(type, mode)
#endif
#ifndef __drv_strictTypeMatch
#define __drv_strictTypeMatch(mode)
#endif
#ifndef __drv_isObjectPointer
#define __drv_isObjectPointer
#endif
#ifndef __drv_constant
#define __drv_constant
#endif
#ifndef __drv_ret
#define __drv_ret(annotes)
#endif
#ifndef __drv_fun
#define __drv_fun(annotes)
#endif
#ifndef __drv_acquiresResource
#define __drv_acquiresResource(kind)
#endif
#ifndef __drv_releasesResource
#define __drv_releasesResource(kind)
#endif
#ifndef __drv_acquiresExclusiveResource
#define __drv_acquiresExclusiveResource(kind)
#endif
#ifndef __drv_releasesExclusiveResource
#define __drv_releasesExclusiveResource(kind)
#endif
#ifndef __drv_acquiresResourceGlobal
#define __drv_acquiresResourceGlobal(kind, param)
#endif
#ifndef __drv_releasesResourceGlobal
#define __drv_releasesResourceGlobal(kind, param)
#endif
#ifndef __drv_mustHold
#define __drv_mustHold(kind)
#endif
#ifndef __drv_neverHold
#define __drv_neverHold(kind)
#endif
#ifndef __drv_mustHoldGlobal
#define __drv_mustHoldGlobal(kind, param)
#endif
#ifndef __drv_neverHoldGlobal
#define __drv_neverHoldGlobal(kind, param)
#endif
#ifndef __drv_acquiresCriticalRegion
#define __drv_acquiresCriticalRegion
#endif
#ifndef __drv_releasesCriticalRegion
#define __drv_releasesCriticalRegion
#endif
#ifndef __drv_mustHoldCriticalRegion
#define __drv_mustHoldCriticalRegion
#endif
#ifndef __drv_acquiresCancelSpinLock
#define __drv_acquiresCancelSpinLock
#endif
#ifndef __drv_releasesCancelSpinLock
#define __drv_releasesCancelSpinLock
#endif
#ifndef __drv_mustHoldCancelSpinLock
#define __drv_mustHoldCancelSpinLock
#endif
#ifndef __drv_neverHoldCancelSpinLock
#define __drv_neverHoldCancelSpinLock
#endif
#ifndef __drv_floatSaved
#define __drv_floatSaved
#endif
#ifndef __drv_floatRestored
#define __drv_floatRestored
#endif
#ifndef __drv_floatUsed
#define __drv_floatUsed
#endif
#ifndef __drv_interlocked
#define __drv_interlocked
#endif

/* SAL 1 forms that sal.h leaves out. */
#ifndef __success
#define __success(expr)
#endif
#ifndef __in_z
#define __in_z
#endif
#ifndef __in_bcount_opt
#define __in_bcount_opt(size)
#endif
#ifndef __in_ecount_opt
#define __in_ecount_opt(size)
#endif
#ifndef __out_bcount_opt
#define __out_bcount_opt(size)
#endif
#ifndef __out_ecount_opt
#define __out_ecount_opt(size)
#endif
#ifndef __in_xcount
#define __in_xcount(size)
#endif
#ifndef __field_bcount
#define __field_bcount(size)
#endif
#ifndef __field_ecount
#define __field_ecount(size)
#endif
#ifndef __deref_opt_out_opt
#define __deref_opt_out_opt
#endif
#ifndef __nullterminated
#define __nullterminated
#endif
#ifndef __reserved
#define __reserved
#endif
#ifndef __callback
#define __callback
#endif
#ifndef __format_string
#define __format_string
#endif
#ifndef __notnull
#define __notnull
#endif
#ifndef __maybenull
#define __maybenull
#endif
#ifndef __typefix
#define __typefix(type)
#endif
#ifndef __override
#define __override
#endif

/* Role types of the WDK 8 and later (for code analysis: a dispatch routine that is pageable,
 * or one that runs raised). */
typedef DRIVER_DISPATCH DRIVER_DISPATCH_PAGED;
typedef DRIVER_DISPATCH DRIVER_DISPATCH_RAISED;

/* --- #pragma alloc_text / data_seg ------------------------------------------------------------
 * MinGW defines ALLOC_PRAGMA and ALLOC_DATA_PRAGMA only for MSVC. clang (with -fms-extensions)
 * honours #pragma alloc_text(INIT|PAGE, f), data_seg, const_seg and bss_seg; GCC ignores them,
 * so there they stay undefined and `#ifdef ALLOC_PRAGMA` blocks are skipped (the driver then
 * has no INIT or PAGE section: kmd_add_driver warns at configure time). */
#if defined(__clang__)
#ifndef ALLOC_PRAGMA
#define ALLOC_PRAGMA 1
#endif
#ifndef ALLOC_DATA_PRAGMA
#define ALLOC_DATA_PRAGMA 1
#endif
#endif

/* --- MSVC pragmas and intrinsics WDK sources use ------------------------------------------------
 * #pragma warning(...) and #pragma prefast(...) steer MSVC and its code analysis; GCC knows
 * neither (nor code_seg/data_seg), clang knows all but prefast. Both would warn at each of them
 * (-Wunknown-pragmas): here unknown pragmas are ignored quietly for the rest of the file.
 * __annotation tags code for the debugger (MSVC's NT_ASSERT); __noop discards its arguments. */
#ifdef __clang__
#pragma clang diagnostic ignored "-Wunknown-pragmas"
#else
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif
#if !defined(_MSC_VER) && !defined(__annotation)
#define __annotation(...) ((VOID)0)
#endif
#if !defined(_MSC_VER) && !defined(__clang__) && !defined(__noop)
#define __noop(...) ((VOID)0)
#endif

/* --- the WDK's SEH spellings (its excpt.h, for C only) ---------------------------------------
 * With clang for x64 they are real SEH. Elsewhere kmdkit/seh_unavailable.h (force-included)
 * turns __try, and so `try`, into one clear error. */
#ifndef __cplusplus
#ifndef try
#define try __try
#endif
#ifndef except
#define except __except
#endif
#ifndef finally
#define finally __finally
#endif
#ifndef leave
#define leave __leave
#endif
#endif

/* --- debug macros ------------------------------------------------------------------------------
 * MinGW's KdPrint/KdPrintEx, ASSERT and PAGED_CODE are the WDK's. Its checked-build (DBG=1)
 * NT_ASSERTMSG is `#define NT_ASSERTMSG NT_ASSERT`, which passes two arguments to a one-argument
 * macro (a compile error), and it has no NT_VERIFY for GCC or clang: replaced here. Off DBG,
 * MinGW's forms (no code, NT_VERIFY still evaluates) are kept. */
#if DBG && !defined(_MSC_VER)
#undef NT_ASSERTMSG
#undef NT_ASSERTMSGW
#define NT_ASSERTMSG(msg, exp)                                                                     \
    ((VOID)((!(exp)) ? (DbgPrint("Assertion failed: %s: %s\n", (msg), #exp),                       \
                        DbgRaiseAssertionFailure(), FALSE)                                         \
                     : TRUE))
#define NT_ASSERTMSGW(msg, exp)                                                                    \
    ((VOID)((!(exp)) ? (DbgPrint("Assertion failed: %ws: %s\n", (msg), #exp),                      \
                        DbgRaiseAssertionFailure(), FALSE)                                         \
                     : TRUE))
#ifndef NT_VERIFY
#define NT_VERIFY(exp) ((!(exp)) ? (DbgRaiseAssertionFailure(), FALSE) : TRUE)
#endif
#ifndef NT_VERIFYMSG
#define NT_VERIFYMSG(msg, exp)                                                                     \
    ((!(exp)) ? (DbgPrint("Assertion failed: %s: %s\n", (msg), #exp), DbgRaiseAssertionFailure(),  \
                 FALSE)                                                                            \
              : TRUE)
#endif
#ifndef NT_VERIFYMSGW
#define NT_VERIFYMSGW(msg, exp)                                                                    \
    ((!(exp)) ? (DbgPrint("Assertion failed: %ws: %s\n", (msg), #exp), DbgRaiseAssertionFailure(), \
                 FALSE)                                                                            \
              : TRUE)
#endif
#endif

/* --- exported object types: the WDK's *PsThreadType ---------------------------------------------
 * The WDK declares these exports as `POBJECT_TYPE *PsThreadType` and its import library makes
 * the name stand for the import slot, so `*PsThreadType` is the object type. MinGW declares them
 * the same way but dllimport, which makes the name the exported variable itself: `*PsThreadType`
 * would read the first field of the object type (ObReferenceObjectByHandle then fails, or
 * worse). Here each name is the address of the exported variable, as with the WDK. */
#define KMDKIT_WDK_OBJECT_TYPE(name) ((POBJECT_TYPE *)(PVOID)(&name))
#define CmKeyObjectType KMDKIT_WDK_OBJECT_TYPE(CmKeyObjectType)
#define ExEventObjectType KMDKIT_WDK_OBJECT_TYPE(ExEventObjectType)
#define ExSemaphoreObjectType KMDKIT_WDK_OBJECT_TYPE(ExSemaphoreObjectType)
#define IoFileObjectType KMDKIT_WDK_OBJECT_TYPE(IoFileObjectType)
#define PsThreadType KMDKIT_WDK_OBJECT_TYPE(PsThreadType)
#define PsProcessType KMDKIT_WDK_OBJECT_TYPE(PsProcessType)
#define SeTokenObjectType KMDKIT_WDK_OBJECT_TYPE(SeTokenObjectType)
#define TmEnlistmentObjectType KMDKIT_WDK_OBJECT_TYPE(TmEnlistmentObjectType)
#define TmResourceManagerObjectType KMDKIT_WDK_OBJECT_TYPE(TmResourceManagerObjectType)
#define TmTransactionManagerObjectType KMDKIT_WDK_OBJECT_TYPE(TmTransactionManagerObjectType)
#define TmTransactionObjectType KMDKIT_WDK_OBJECT_TYPE(TmTransactionObjectType)

/* --- versions ------------------------------------------------------------------------------- */
#ifndef NTDDI_WIN10_NI
#define NTDDI_WIN10_NI 0x0A00000C
#endif
#ifndef NTDDI_WIN10_CU
#define NTDDI_WIN10_CU 0x0A00000D
#endif
/* RtlIsNtDdiVersionAvailable and RtlIsServicePackVersionInstalled: MinGW's wdm.h maps them to
 * WdmlibRtlIsNtDdiVersionAvailable & co. (the WDK's static library), which kmdkit_wdk provides. */

/* --- MDL mapping flags (Windows 8; OR them into MmGetSystemAddressForMdlSafe's priority) ---- */
#ifndef MdlMappingNoWrite
#define MdlMappingNoWrite 0x80000000
#endif
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute 0x40000000
#endif
#ifndef MdlMappingWithGuardPtes
#define MdlMappingWithGuardPtes 0x20000000
#endif

/* --- pool flags and types ------------------------------------------------------------------ */
/* Values from the WDK; the same guard as kmdkit/ntos_ext.h, which defines the same set. */
#ifndef POOL_FLAG_NON_PAGED
typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_SESSION 0x0000000000000004ULL
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL
#endif
/* Flags in the low 32 bits are required: a pool that does not know one fails the allocation.
 * Those in the high 32 bits are optional: ignored where unknown. */
#ifndef POOL_FLAG_REQUIRED_START
#define POOL_FLAG_REQUIRED_START 0x0000000000000001ULL
#endif
#ifndef POOL_FLAG_REQUIRED_END
#define POOL_FLAG_REQUIRED_END 0x0000000080000000ULL
#endif
#ifndef POOL_FLAG_OPTIONAL_START
#define POOL_FLAG_OPTIONAL_START 0x0000000100000000ULL
#endif
#ifndef POOL_FLAG_SPECIAL_POOL
#define POOL_FLAG_SPECIAL_POOL 0x0000000100000000ULL
#endif
#ifndef POOL_FLAG_OPTIONAL_END
#define POOL_FLAG_OPTIONAL_END 0x8000000000000000ULL
#endif
/* POOL_TYPE modifiers (ExAllocatePoolWithTag, lookaside list flags). */
#ifndef POOL_NX_ALLOCATION
#define POOL_NX_ALLOCATION 512
#endif
#ifndef POOL_ZERO_ALLOCATION
#define POOL_ZERO_ALLOCATION 1024
#endif

/* ExAllocatePool3's extended parameters (Windows 10 2004). */
#ifndef POOL_EXTENDED_PARAMETER_TYPE_BITS
#define POOL_EXTENDED_PARAMETER_TYPE_BITS 8
#define POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS 1
#define POOL_EXTENDED_PARAMETER_RESERVED_BITS (64 - 8 - 1)
#define SECURE_POOL_FLAGS_NONE 0x0
#define SECURE_POOL_FLAGS_FREEABLE 0x1
#define SECURE_POOL_FLAGS_MODIFIABLE 0x2

typedef enum POOL_EXTENDED_PARAMETER_TYPE {
    PoolExtendedParameterInvalidType = 0,
    PoolExtendedParameterPriority,
    PoolExtendedParameterSecurePool,
    PoolExtendedParameterNumaNode,
    PoolExtendedParameterMax
} POOL_EXTENDED_PARAMETER_TYPE,
    *PPOOL_EXTENDED_PARAMETER_TYPE;

typedef ULONG POOL_NODE_REQUIREMENT;

typedef struct _POOL_EXTENDED_PARAMS_SECURE_POOL {
    HANDLE SecurePoolHandle;
    PVOID Buffer;
    ULONG_PTR Cookie;
    ULONG SecurePoolFlags;
} POOL_EXTENDED_PARAMS_SECURE_POOL;

typedef struct _POOL_EXTENDED_PARAMETER {
    struct {
        ULONG64 Type : POOL_EXTENDED_PARAMETER_TYPE_BITS;
        ULONG64 Optional : POOL_EXTENDED_PARAMETER_REQUIRED_FIELD_BITS;
        ULONG64 Reserved : POOL_EXTENDED_PARAMETER_RESERVED_BITS;
    } DUMMYSTRUCTNAME;
    union {
        ULONG64 Reserved2;
        PVOID Reserved3;
        EX_POOL_PRIORITY Priority;
        POOL_EXTENDED_PARAMS_SECURE_POOL *SecurePoolParams;
        POOL_NODE_REQUIREMENT PreferredNode;
    } DUMMYUNIONNAME;
} POOL_EXTENDED_PARAMETER, *PPOOL_EXTENDED_PARAMETER;
typedef const POOL_EXTENDED_PARAMETER *PCPOOL_EXTENDED_PARAMETER;
#endif

/* --- ExAllocatePool2, ExAllocatePool3, ExFreePool2 (Windows 10 2004) ------------------------
 * Declared as the kernel exports they are, but a WDK driver never imports them: kmdkit_wdk
 * fills their import slots (__imp_ExAllocatePool2 ...) with routines that call the system's
 * own where it has one (looked up with MmGetSystemRoutineAddress) and otherwise do the same
 * with ExAllocatePoolWithTag / ExAllocatePoolWithQuotaTag (zeroed unless
 * POOL_FLAG_UNINITIALIZED, NonPagedPoolNx for POOL_FLAG_NON_PAGED from Windows 8 on). So the
 * driver loads on Windows 7 SP1 and Wine 8 too. Unknown required flags give NULL, as on
 * Windows. */
NTKERNELAPI PVOID NTAPI ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);
NTKERNELAPI PVOID NTAPI ExAllocatePool3(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag,
                                        PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                        ULONG ExtendedParametersCount);
NTKERNELAPI VOID NTAPI ExFreePool2(PVOID P, ULONG Tag, PCPOOL_EXTENDED_PARAMETER ExtendedParameters,
                                   ULONG ExtendedParametersCount);

/* The WDK's inline down-level helpers (Windows 10 2004 WDK), as routines of kmdkit_wdk that work
 * on every system: ExAllocatePoolWithTag (+ RtlZeroMemory for the Zero ones), and
 * ExAllocatePoolWithQuotaTag for the Quota ones, which raise on failure unless PoolType includes
 * POOL_QUOTA_FAIL_INSTEAD_OF_RAISE, as ExAllocatePoolWithQuotaTag does. */
PVOID NTAPI KmdWdkAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID NTAPI KmdWdkAllocatePoolUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID NTAPI KmdWdkAllocatePoolQuotaZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID NTAPI KmdWdkAllocatePoolQuotaUninitialized(POOL_TYPE PoolType, SIZE_T NumberOfBytes,
                                                 ULONG Tag);
#define ExAllocatePoolZero KmdWdkAllocatePoolZero
#define ExAllocatePoolUninitialized KmdWdkAllocatePoolUninitialized
#define ExAllocatePoolQuotaZero KmdWdkAllocatePoolQuotaZero
#define ExAllocatePoolQuotaUninitialized KmdWdkAllocatePoolQuotaUninitialized

/* --- NX pool opt-in (docs/wdk.md) ---------------------------------------------------------------
 * POOL_NX_OPTIN 1 (define it before the first #include) + ExInitializeDriverRuntime(
 * DrvRtPoolNxOptIn) at the start of DriverEntry: NonPagedPool and NonPagedPoolCacheAligned
 * become the variable ExDefaultNonPagedPoolType (+4), which is NonPagedPoolNx from Windows 8 on
 * and NonPagedPoolExecute before, and ExDefaultMdlProtection becomes MdlMappingNoExecute from
 * Windows 8 on (0 before); NPaged lookaside lists get POOL_NX_ALLOCATION likewise.
 * POOL_NX_OPTIN_AUTO 1: always NX (a driver for Windows 8 and later only). POOL_NX_OPTOUT 1 in
 * a source file (before its first #include) keeps NonPagedPool executable there. */
#ifndef DrvRtPoolNxOptIn
#define DrvRtPoolNxOptIn 0x00000001
#endif

/* Set by ExInitializeDriverRuntime (kmdkit_wdk); NonPagedPoolExecute and 0 until then. */
extern POOL_TYPE ExDefaultNonPagedPoolType;
extern ULONG ExDefaultMdlProtection;

VOID NTAPI KmdWdkInitializeDriverRuntime(ULONG RuntimeFlags);
#define ExInitializeDriverRuntime KmdWdkInitializeDriverRuntime

#if !defined(POOL_NX_OPTOUT) || !POOL_NX_OPTOUT
#if defined(POOL_NX_OPTIN_AUTO) && POOL_NX_OPTIN_AUTO
#define NonPagedPool NonPagedPoolNx
#define NonPagedPoolCacheAligned NonPagedPoolNxCacheAligned
#define KMDKIT_WDK_LOOKASIDE_NX POOL_NX_ALLOCATION
#elif defined(POOL_NX_OPTIN) && POOL_NX_OPTIN
#define NonPagedPool ExDefaultNonPagedPoolType
#define NonPagedPoolCacheAligned                                                                   \
    ((POOL_TYPE)(ExDefaultNonPagedPoolType + NonPagedPoolBaseCacheAligned))
/* NonPagedPoolNx is POOL_NX_ALLOCATION, NonPagedPoolExecute 0. */
#define KMDKIT_WDK_LOOKASIDE_NX ((ULONG)ExDefaultNonPagedPoolType & POOL_NX_ALLOCATION)
#endif
#ifdef KMDKIT_WDK_LOOKASIDE_NX
#define ExInitializeNPagedLookasideList(Lookaside, Allocate, Free, Flags, Size, Tag, Depth)        \
    (ExInitializeNPagedLookasideList)((Lookaside), (Allocate), (Free),                             \
                                      (Flags) | KMDKIT_WDK_LOOKASIDE_NX, (Size), (Tag), (Depth))
#endif
#endif

#endif
