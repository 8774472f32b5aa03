/* wdktest: a driver written as for the WDK and MSVC (wdm/ntddk headers, role types, SAL,
 * POOL_NX_OPTIN, IoCreateDeviceSecure, ntstrsafe in every file, dontuse.h), built unchanged with
 * kmd_add_driver(... WDK) by GCC and clang, and the checks of kmdkit's WDK layer (docs/wdk.md)
 * that it runs in the kernel for its client. Shared by its files; the contract with the client
 * is wdktest_ioctl.h.
 *
 * Routine definitions carry NTAPI: the WDK builds x86 drivers with /Gz (stdcall by default),
 * which GCC has no equivalent for (docs/wdk.md). */
#ifndef WDKTEST_H
#define WDKTEST_H

#include <ntddk.h>
#include <wdmsec.h>
#include <ntstrsafe.h>

#include "wdktest_ioctl.h"

#include <dontuse.h>

#define WDKTEST_TAG 'tKdW' /* "WdKt" in pool dumps */

/* A check of a case: pass or fail, with its text (printf-style). */
VOID WdkTestCheck(_Inout_ WDKTEST_RESULT *Result, _In_ BOOLEAN Passed,
                  _In_z_ _Printf_format_string_ PCSTR Format, ...);
/* Anything else: WDKTEST_SKIP (what could not be checked here, and why) or WDKTEST_NOTE. */
VOID WdkTestReport(_Inout_ WDKTEST_RESULT *Result, _In_ ULONG Outcome,
                   _In_z_ _Printf_format_string_ PCSTR Format, ...);

/* The cases (pool.c, runtime.c, macros.c), and IOCTL_WDKTEST_SECURE (secure.c). */
_IRQL_requires_max_(PASSIVE_LEVEL) VOID WdkTestPool(_Inout_ WDKTEST_RESULT *Result);
_IRQL_requires_max_(PASSIVE_LEVEL) VOID WdkTestRuntime(_Inout_ WDKTEST_RESULT *Result);
_IRQL_requires_max_(PASSIVE_LEVEL) VOID
    WdkTestMacros(_Inout_ WDKTEST_RESULT *Result, _In_ PIRP Irp, _In_ ULONG Flags);
_IRQL_requires_max_(PASSIVE_LEVEL) VOID
    WdkTestSecure(_In_ PDRIVER_OBJECT DriverObject, _In_ const WDKTEST_SECURE_IN *In,
                  _Out_ WDKTEST_SECURE_OUT *Out);

/* What NonPagedPool is in optout.c, built with POOL_NX_OPTOUT, and in wdmonly.c, which includes
 * wdm.h alone (MAXULONG: its allocation failed). */
ULONG WdkTestOptOutNonPagedPool(VOID);
ULONG WdkTestWdmOnly(VOID);

#endif
