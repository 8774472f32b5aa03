/*++

Module Name:

    macros.c

Abstract:

    wdktest's macros case: what WDK sources write that MinGW lacks or gets wrong compiles and
    does what the WDK's does - annotations of every vintage, KdPrint/KdPrintEx, NT_ASSERT and
    friends (a checked build runs them), PAGED_CODE, ALLOC_PRAGMA (clang only), the try/except
    spellings (defined; wdktest uses no SEH, so that GCC builds it too), MDL flags, ntstrsafe in
    several files of one driver, and wdmsec.h's RtlInitUnicodeStringEx and
    IoValidateDeviceIoControlAccess.

--*/

#include <ntifs.h> // ZwCreateEvent

#include "wdktest.h"

#ifdef __clang__
#define IS_CLANG TRUE
#else
#define IS_CLANG FALSE
#endif

//
// Declarations in the styles WDK headers and samples use; none of them may warn. Laid out as
// WDK sources lay them out: one annotation a line.
//
/* clang-format off */
_IRQL_requires_max_(DISPATCH_LEVEL)
_IRQL_requires_same_
_Must_inspect_result_
_Success_(return != FALSE)
static BOOLEAN WdkTestAnnotated(_In_reads_bytes_(Size) const VOID *Buffer, _In_ SIZE_T Size,
                                _Out_writes_bytes_all_(sizeof(ULONG)) PULONG Sum,
                                _Outptr_opt_result_maybenull_ PVOID *Unused,
                                _Inout_updates_bytes_(Size) PVOID Scratch);

__drv_maxIRQL(DISPATCH_LEVEL)
__drv_sameIRQL
static VOID WdkTestOldStyle(__in ULONG Value, __out PULONG Twice, __inout_opt PULONG Count);

_Requires_lock_not_held_(*Lock)
_Acquires_lock_(*Lock)
_IRQL_raises_(DISPATCH_LEVEL)
_IRQL_saves_global_(OldIrql, *Irql)
_Kernel_acquires_resource_(SpinLock)
static VOID WdkTestLock(_Inout_ PKSPIN_LOCK Lock, _Out_ PKIRQL Irql);

_Requires_lock_held_(*Lock)
_Releases_lock_(*Lock)
_IRQL_restores_global_(OldIrql, Irql)
_Kernel_releases_resource_(SpinLock)
static VOID WdkTestUnlock(_Inout_ PKSPIN_LOCK Lock, _In_ _IRQL_restores_ KIRQL Irql);

_Function_class_(DRIVER_DISPATCH)
_Dispatch_type_(IRP_MJ_READ)
DRIVER_DISPATCH_PAGED WdkTestNeverCalled;
/* clang-format on */

_Use_decl_annotations_ static BOOLEAN WdkTestAnnotated(const VOID *Buffer, SIZE_T Size, PULONG Sum,
                                                       PVOID *Unused, PVOID Scratch)
{
    const UCHAR *bytes = Buffer;

    *Sum = 0;
    for (SIZE_T i = 0; i < Size; i++) {
        *Sum += bytes[i];
    }
    if (Unused != NULL) {
        *Unused = NULL;
    }
    RtlCopyMemory(Scratch, Buffer, Size);
    return TRUE;
}

static VOID WdkTestOldStyle(ULONG Value, PULONG Twice, PULONG Count)
{
    *Twice = Value * 2;
    if (Count != NULL) {
        (*Count)++;
    }
}

_Use_decl_annotations_ static VOID WdkTestLock(PKSPIN_LOCK Lock, PKIRQL Irql)
{
    KeAcquireSpinLock(Lock, Irql);
}

_Use_decl_annotations_ static VOID WdkTestUnlock(PKSPIN_LOCK Lock, KIRQL Irql)
{
    KeReleaseSpinLock(Lock, Irql);
}

_Use_decl_annotations_ NTSTATUS NTAPI WdkTestNeverCalled(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    UNREFERENCED_PARAMETER(Irp);
    PAGED_CODE();
    return STATUS_NOT_SUPPORTED;
}

_Use_decl_annotations_ VOID WdkTestMacros(WDKTEST_RESULT *Result, PIRP Irp, ULONG Flags)
{
    UCHAR data[8] = {1, 2, 3, 4, 5, 6, 7, 8}, scratch[8];
    WCHAR text[32];
    UNICODE_STRING string;
    OBJECT_ATTRIBUTES attributes;
    HANDLE handle;
    PKEVENT event;
    KSPIN_LOCK lock;
    KIRQL irql;
    ULONG sum = 0, twice = 0, count = 0;
    PVOID unused;
    NTSTATUS status;

    PAGED_CODE();

    //
    // Annotated routines run as plain C.
    //
    if (WdkTestAnnotated(data, sizeof(data), &sum, &unused, scratch)) {
        WdkTestOldStyle(sum, &twice, &count);
    }
    KeInitializeSpinLock(&lock);
    WdkTestLock(&lock, &irql);
    count++;
    WdkTestUnlock(&lock, irql);
    WdkTestCheck(Result, sum == 36 && twice == 72 && count == 2 && scratch[7] == 8,
                 "annotated routines (SAL 2, __drv_, concurrency, _Kernel_): sum %lu", sum);

    //
    // Debug output and assertions: code in the checked build (DBG=1), none in the free build.
    //
    KdPrint(("wdktest: KdPrint from the checked build\n"));
    KdPrintEx(
        (DPFLTR_IHVDRIVER_ID, DPFLTR_INFO_LEVEL, "wdktest: KdPrintEx from the checked build\n"));
    NT_ASSERT(sum == 36);
    NT_ASSERTMSG("the sum of 1 to 8", sum == 36);
    NT_ASSERTMSGW(L"the sum of 1 to 8", sum == 36);
    ASSERT(twice == 72);
    WdkTestCheck(Result, NT_VERIFY(sum == 36) && NT_VERIFYMSG("sum", sum == 36),
                 "NT_ASSERT, NT_ASSERTMSG(W), ASSERT hold; NT_VERIFY(MSG) is TRUE (%s build)",
                 DBG ? "checked" : "free");
    WdkTestCheck(Result,
                 DPFLTR_ERROR_LEVEL == 0 && DPFLTR_WARNING_LEVEL == 1 && DPFLTR_TRACE_LEVEL == 2 &&
                     DPFLTR_INFO_LEVEL == 3,
                 "DbgPrintEx levels: ERROR 0, WARNING 1, TRACE 2, INFO 3");

    //
    // Only clang honours the alloc_text pragma: ALLOC_PRAGMA says so.
    //
#ifdef ALLOC_PRAGMA
    WdkTestCheck(Result, IS_CLANG, "ALLOC_PRAGMA defined (clang honours alloc_text)");
#else
    WdkTestCheck(Result, !IS_CLANG, "ALLOC_PRAGMA not defined (GCC ignores alloc_text)");
#endif

    //
    // The WDK's SEH spellings for C.
    //
#if defined(try) && defined(except) && defined(finally) && defined(leave)
    WdkTestCheck(Result, TRUE, "try/except/finally/leave spell __try/__except/__finally/__leave");
#else
    WdkTestCheck(Result, FALSE, "try/except/finally/leave are not defined");
#endif

    //
    // The WDK's *ExEventObjectType names the event type (MinGW's declaration alone would read
    // the type object's first field): a kernel event handle is referenced with it and refused
    // with *PsThreadType.
    //
    InitializeObjectAttributes(&attributes, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    status = ZwCreateEvent(&handle, EVENT_ALL_ACCESS, &attributes, NotificationEvent, FALSE);
    if (NT_SUCCESS(status)) {
        status = ObReferenceObjectByHandle(handle, EVENT_ALL_ACCESS, *ExEventObjectType, KernelMode,
                                           (PVOID *)&event, NULL);
        WdkTestCheck(Result, NT_SUCCESS(status),
                     "ObReferenceObjectByHandle(event, *ExEventObjectType): 0x%08lx", status);
        if (NT_SUCCESS(status)) {
            KeSetEvent(event, IO_NO_INCREMENT, FALSE);
            WdkTestCheck(Result, KeReadStateEvent(event) != 0,
                         "the referenced event is the one signalled");
            ObDereferenceObject(event);
        }
        status = ObReferenceObjectByHandle(handle, EVENT_ALL_ACCESS, *PsThreadType, KernelMode,
                                           (PVOID *)&event, NULL);
        WdkTestCheck(Result, status == STATUS_OBJECT_TYPE_MISMATCH,
                     "ObReferenceObjectByHandle(event, *PsThreadType): 0x%08lx "
                     "(STATUS_OBJECT_TYPE_MISMATCH)",
                     status);
        if (NT_SUCCESS(status)) {
            ObDereferenceObject(event);
        }
        ZwClose(handle);
    } else {
        WdkTestCheck(Result, FALSE, "ZwCreateEvent failed: 0x%08lx", status);
    }

    WdkTestCheck(Result, MdlMappingNoExecute == 0x40000000 && MdlMappingNoWrite == 0x80000000,
                 "MdlMappingNoExecute 0x%08lx, MdlMappingNoWrite 0x%08lx",
                 (ULONG)MdlMappingNoExecute, (ULONG)MdlMappingNoWrite);

    //
    // ntstrsafe.h, included by every file of this driver.
    //
    status = RtlStringCbPrintfW(text, sizeof(text), L"%ls-%lu", L"wdk", 42UL);
    WdkTestCheck(Result, NT_SUCCESS(status) && text[0] == L'w' && text[4] == L'4',
                 "RtlStringCbPrintfW in a driver of several ntstrsafe.h files: %ws", text);
    status = RtlStringCbCopyW(text, 8, L"too long for 8 bytes");
    WdkTestCheck(Result, status == STATUS_BUFFER_OVERFLOW,
                 "RtlStringCbCopyW truncates: 0x%08lx (STATUS_BUFFER_OVERFLOW)", status);

    //
    // The rest of wdmsec.h.
    //
    status = RtlInitUnicodeStringEx(&string, L"wdktest");
    WdkTestCheck(Result, NT_SUCCESS(status) && string.Length == 14 && string.MaximumLength == 16,
                 "RtlInitUnicodeStringEx (wdmsec.h): 0x%08lx, length %u", status,
                 (unsigned)string.Length);
    if (Flags & WDKTEST_RUN_NATIVE) {
        status = IoValidateDeviceIoControlAccess(Irp, FILE_READ_ACCESS);
        WdkTestCheck(Result, NT_SUCCESS(status),
                     "IoValidateDeviceIoControlAccess(FILE_READ_ACCESS) on a read/write handle: "
                     "0x%08lx",
                     status);
    } else {
        WdkTestReport(Result, WDKTEST_SKIP,
                      "not checked under Wine: IoValidateDeviceIoControlAccess (a stub there)");
    }
}
