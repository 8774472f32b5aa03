/* klibtest: runs kmdkit_klib's tests inside the kernel, in the manner of ReactOS's kmtest. Each
 * IOCTL_KLIBTEST_RUN runs one case and hands back its checks (pass/fail/skip + a line of text);
 * the probe IOCTLs let the client try KmdGetIoctlBuffers with any buffer sizes, and
 * IOCTL_KLIBTEST_LEAK leaks on purpose for the unload report. Contract: klibtest_ioctl.h.
 */
#include <ntifs.h>

#include <stdarg.h>

#include <kmdkit/kernel.h>
#include "klibtest_ioctl.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD KlibtestUnload;

/* ntoskrnl's (MS semantics: no terminating NUL when the text is cut). */
int __cdecl _vsnprintf(char *Buffer, size_t Count, const char *Format, va_list Args);

#define TAG_A KMD_TAG('k', 'T', 's', 'A')
#define TAG_B KMD_TAG('k', 'T', 's', 'B')
#define TAG_LINK KMD_TAG('K', 'm', 'd', 'L')

static PDEVICE_OBJECT KlibtestDevice;

static VOID Check(KLIBTEST_RESULT *R, unsigned Outcome, const char *Format, ...)
{
    KLIBTEST_CHECK *C;
    va_list Args;

    if (R->Count == KLIBTEST_MAX_CHECKS) {
        R->Checks[R->Count - 1].Outcome = KLIBTEST_FAIL;
        R->Failed++;
        return;
    }
    C = &R->Checks[R->Count++];
    C->Outcome = Outcome;
    va_start(Args, Format);
    _vsnprintf(C->Text, sizeof(C->Text) - 1, Format, Args);
    va_end(Args);
    C->Text[sizeof(C->Text) - 1] = '\0';
    if (Outcome == KLIBTEST_PASS)
        R->Passed++;
    else if (Outcome == KLIBTEST_FAIL)
        R->Failed++;
    else if (Outcome == KLIBTEST_SKIP)
        R->Skipped++;
}

#define EXPECT(R, Cond, Format, ...)                                                               \
    Check((R), (Cond) ? KLIBTEST_PASS : KLIBTEST_FAIL, Format, ##__VA_ARGS__)
#define NOTE(R, Format, ...) Check((R), KLIBTEST_NOTE, Format, ##__VA_ARGS__)

static BOOLEAN AllBytes(const VOID *Buffer, SIZE_T Size, UCHAR Value)
{
    const UCHAR *p = Buffer;

    for (SIZE_T i = 0; i < Size; i++)
        if (p[i] != Value)
            return FALSE;
    return TRUE;
}

/* --- cases ------------------------------------------------------------------------------------ */

static VOID CaseInfo(KLIBTEST_RESULT *R)
{
    RTL_OSVERSIONINFOW Version = {.dwOSVersionInfoSize = sizeof(Version)};
    BOOLEAN Pool2 = KmdRoutineAvailable(KmdRoutineExAllocatePool2);

    RtlGetVersion(&Version);
    NOTE(R, "system: Windows %lu.%lu build %lu (Windows 8 or later: %s)", Version.dwMajorVersion,
         Version.dwMinorVersion, Version.dwBuildNumber, KmdLibWindows8OrLater() ? "yes" : "no");
    for (ULONG i = 0; i < KmdRoutineCount; i++)
        NOTE(R, "binding: %s %s", KmdRoutineName((KMD_ROUTINE)i),
             KmdRoutineAvailable((KMD_ROUTINE)i) ? "bound at run time"
                                                 : "not exported here (fallback in use)");
    EXPECT(
        R, KmdPoolPath() != KmdPoolPathNone, "pool path: %s (%s)", KmdPoolPathName(KmdPoolPath()),
        Pool2 ? "this system has ExAllocatePool2" : "fallback: this system has no ExAllocatePool2");
    EXPECT(R, Pool2 == (KmdPoolPath() == KmdPoolPathExAllocatePool2),
           "pool path matches the binding of ExAllocatePool2");
    EXPECT(R, strcmp(KmdLibPrefix(), "klibtest") == 0, "log prefix is \"%s\"", KmdLibPrefix());
    EXPECT(R, KmdLibDriverObject() != NULL, "KmdLibDriverObject() is set");
}

static VOID CasePool(KLIBTEST_RESULT *R)
{
    LONG BaseA = KmdPoolOutstanding(TAG_A), BaseB = KmdPoolOutstanding(TAG_B);
    UCHAR *P, *Q, *C;
    PVOID Bad;

    P = KmdAllocatePool(POOL_FLAG_NON_PAGED, 100, TAG_A);
    EXPECT(R, P != NULL, "KmdAllocatePool(NON_PAGED, 100) via %s", KmdPoolPathName(KmdPoolPath()));
    if (P == NULL)
        return;
    EXPECT(R, ((ULONG_PTR)P & (MEMORY_ALLOCATION_ALIGNMENT - 1)) == 0, "block is %u-byte aligned",
           (unsigned)MEMORY_ALLOCATION_ALIGNMENT);
    EXPECT(R, AllBytes(P, 100, 0), "block is zero-filled");
    EXPECT(R, KmdPoolOutstanding(TAG_A) == BaseA + 1 && KmdPoolOutstandingBytes(TAG_A) == 100,
           "tag kTsA: %ld outstanding, %Iu bytes after one allocation", KmdPoolOutstanding(TAG_A),
           KmdPoolOutstandingBytes(TAG_A));
    /* Dirty it, free it, ask again: a reused block must still come back zeroed. */
    RtlFillMemory(P, 100, 0xA5);
    KmdFreePool(P, TAG_A);
    P = KmdAllocatePool(POOL_FLAG_NON_PAGED, 100, TAG_A);
    EXPECT(R, P != NULL && AllBytes(P, 100, 0), "a reallocated block is zero-filled again");
    Q = KmdAllocatePool(POOL_FLAG_PAGED, 60, TAG_A);
    EXPECT(R, Q != NULL && AllBytes(Q, 60, 0), "KmdAllocatePool(PAGED, 60) zero-filled");
    EXPECT(R, KmdPoolOutstanding(TAG_A) == BaseA + 2 && KmdPoolOutstandingBytes(TAG_A) == 160,
           "tag kTsA: count goes up: %ld outstanding, %Iu bytes", KmdPoolOutstanding(TAG_A),
           KmdPoolOutstandingBytes(TAG_A));
    C = KmdAllocatePool(POOL_FLAG_NON_PAGED | POOL_FLAG_CACHE_ALIGNED, 32, TAG_B);
    EXPECT(R, C != NULL && ((ULONG_PTR)C & (SYSTEM_CACHE_ALIGNMENT_SIZE - 1)) == 0,
           "CACHE_ALIGNED block is %u-byte aligned", (unsigned)SYSTEM_CACHE_ALIGNMENT_SIZE);
    EXPECT(R, KmdPoolOutstanding(TAG_B) == BaseB + 1 && KmdPoolOutstanding(TAG_A) == BaseA + 2,
           "tags are counted apart: kTsB %ld, kTsA %ld", KmdPoolOutstanding(TAG_B),
           KmdPoolOutstanding(TAG_A));
    KmdFreePool(P, TAG_A);
    EXPECT(R, KmdPoolOutstanding(TAG_A) == BaseA + 1 && KmdPoolOutstandingBytes(TAG_A) == 60,
           "tag kTsA: count goes down: %ld outstanding, %Iu bytes", KmdPoolOutstanding(TAG_A),
           KmdPoolOutstandingBytes(TAG_A));
    KmdFreePool(Q, TAG_A);
    KmdFreePool(C, TAG_B);
    EXPECT(R,
           KmdPoolOutstanding(TAG_A) == BaseA && KmdPoolOutstanding(TAG_B) == BaseB &&
               KmdPoolOutstandingBytes(TAG_A) == 0,
           "all freed: kTsA %ld, kTsB %ld", KmdPoolOutstanding(TAG_A), KmdPoolOutstanding(TAG_B));
    P = KmdAllocatePool(POOL_FLAG_NON_PAGED | POOL_FLAG_UNINITIALIZED, 40, TAG_A);
    EXPECT(R, P != NULL, "KmdAllocatePool(NON_PAGED | UNINITIALIZED, 40)");
    KmdFreePool(P, TAG_A);
    /* Refusals (each also logs an error line). */
    Bad = KmdAllocatePool(0, 16, TAG_A);
    EXPECT(R, Bad == NULL, "no pool type flag -> NULL");
    Bad = KmdAllocatePool(POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED, 16, TAG_A);
    EXPECT(R, Bad == NULL, "two pool type flags -> NULL");
    Bad = KmdAllocatePool(POOL_FLAG_NON_PAGED, 16, 0);
    EXPECT(R, Bad == NULL, "tag 0 -> NULL");
    EXPECT(R, KmdPoolOutstanding(TAG_A) == BaseA, "refusals are not counted");
    EXPECT(R, KmdPoolOutstanding(KMD_TAG('n', 'o', 'n', 'e')) == 0, "an unused tag counts 0");
}

static VOID CaseTime(KLIBTEST_RESULT *R)
{
    LARGE_INTEGER T1, T2, Plain;
    const LONGLONG Year2020 = 132223104000000000LL; /* 2020-01-01 in 100 ns units since 1601 */

    KmdQuerySystemTime(&T1);
    KmdQuerySystemTime(&T2);
    KeQuerySystemTime(&Plain);
    NOTE(R, "KmdQuerySystemTime uses %s",
         KmdRoutineAvailable(KmdRoutineKeQuerySystemTimePrecise)
             ? "KeQuerySystemTimePrecise"
             : "KeQuerySystemTime (KeQuerySystemTimePrecise not exported here)");
    EXPECT(R, T1.QuadPart > Year2020, "time is after 2020: %I64d", T1.QuadPart);
    EXPECT(R, T2.QuadPart >= T1.QuadPart, "time does not go back: +%I64d",
           T2.QuadPart - T1.QuadPart);
    EXPECT(R,
           Plain.QuadPart - T1.QuadPart < 600000000LL && T1.QuadPart - Plain.QuadPart < 600000000LL,
           "agrees with KeQuerySystemTime within 60 s");
}

static VOID CaseStrings(KLIBTEST_RESULT *R)
{
    KMD_UNICODE_STRING(Name, L"\\Device\\KmdKlibTest");
    KMD_ANSI_STRING(Ansi, "kmdkit");
    UNICODE_STRING Local = KMD_CONST_UNICODE(L"abc");
    UNICODE_STRING Runtime;
    static const int Array[7];

    RtlInitUnicodeString(&Runtime, KLIBTEST_DEVICE_NAME);
    EXPECT(R, Name.Length == 19 * sizeof(WCHAR) && Name.MaximumLength == 20 * sizeof(WCHAR),
           "KMD_UNICODE_STRING: Length %u, MaximumLength %u", Name.Length, Name.MaximumLength);
    EXPECT(R, Name.Buffer[Name.Length / sizeof(WCHAR)] == L'\0', "KMD_UNICODE_STRING: terminated");
    EXPECT(R, RtlEqualUnicodeString(KMD_PUSTR(Name), &Runtime, FALSE),
           "KMD_UNICODE_STRING equals RtlInitUnicodeString's: %.*ws", KMD_USTR_ARG(&Name));
    EXPECT(R, Local.Length == 6 && Local.MaximumLength == 8,
           "KMD_CONST_UNICODE(L\"abc\"): Length %u, MaximumLength %u", Local.Length,
           Local.MaximumLength);
    EXPECT(R, Ansi.Length == 6 && Ansi.MaximumLength == 7 && Ansi.Buffer[6] == '\0',
           "KMD_ANSI_STRING(\"kmdkit\"): Length %u, MaximumLength %u", Ansi.Length,
           Ansi.MaximumLength);
    EXPECT(R, KMD_COUNTOF(Array) == 7, "KMD_COUNTOF: %u", (unsigned)KMD_COUNTOF(Array));
}

static VOID CaseLog(KLIBTEST_RESULT *R)
{
    KMD_UNICODE_STRING(Counted, L"counted-string");

    KmdLogVerbose("log check: verbose line (debug build only)");
    KmdLogInfo("log check: info line (debug build only)");
    KmdLogPrint("log check: print line");
    KmdLogError("log check: error line %d %ws %.*ws end", 42, L"wide", KMD_USTR_ARG(&Counted));
    NOTE(R, "logged: error + print lines; verbose + info lines %s",
         DBG ? "too (debug build)" : "compiled out (release build)");
    EXPECT(R, TRUE, "log macros ran (the test reads the driver log)");
}

/* The DACL of Device, read back; Skip text when the system cannot say. */
static NTSTATUS QueryDacl(PDEVICE_OBJECT Device, PVOID Buffer, ULONG Size, PACL *Dacl,
                          USHORT *Control)
{
    HANDLE Handle;
    ULONG Needed = 0;
    BOOLEAN Present = FALSE, Defaulted = FALSE;
    NTSTATUS Status;

    *Dacl = NULL;
    Status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, READ_CONTROL, NULL, KernelMode,
                                   &Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    Status = ZwQuerySecurityObject(Handle, DACL_SECURITY_INFORMATION, Buffer, Size, &Needed);
    ZwClose(Handle);
    if (!NT_SUCCESS(Status))
        return Status;
    *Control = ((SECURITY_DESCRIPTOR_RELATIVE *)Buffer)->Control;
    Status = RtlGetDaclSecurityDescriptor(Buffer, &Present, Dacl, &Defaulted);
    if (NT_SUCCESS(Status) && !Present)
        *Dacl = NULL;
    return Status;
}

static VOID CheckSecureOpen(KLIBTEST_RESULT *R, PDEVICE_OBJECT Device, PCWSTR Name, BOOLEAN Records)
{
    if (Records)
        EXPECT(R, Device->Characteristics & FILE_DEVICE_SECURE_OPEN,
               "%ws has FILE_DEVICE_SECURE_OPEN (Characteristics 0x%lx)", Name,
               Device->Characteristics);
}

static VOID CaseDevice(KLIBTEST_RESULT *R)
{
    static const PCWSTR Names[KmdDeviceAccessCount] = {
        L"\\Device\\KmdKlibTestSec0", L"\\Device\\KmdKlibTestSec1", L"\\Device\\KmdKlibTestSec2"};
    static const PCWSTR Links[KmdDeviceAccessCount] = {L"\\DosDevices\\KmdKlibTestSec0",
                                                       L"\\DosDevices\\KmdKlibTestSec1",
                                                       L"\\DosDevices\\KmdKlibTestSec2"};
    static const ULONG Aces[KmdDeviceAccessCount] = {2, 3, 3};
    /* The SIDs the ACEs must name, in order: S-1-5-18, S-1-5-32-544, then BU or WD. */
    static const ULONG Rids[KmdDeviceAccessCount][3] = {{18, 544, 0}, {18, 544, 545}, {18, 544, 0}};
    LONG Links0 = KmdPoolOutstanding(TAG_LINK);
    ULONG Sd[128];

    PDEVICE_OBJECT Control;
    BOOLEAN Records = FALSE;

    /* Control: does this system record Characteristics at all? (Wine 8.0 leaves them 0.) */
    if (NT_SUCCESS(IoCreateDevice(KmdLibDriverObject(), 0, NULL, FILE_DEVICE_UNKNOWN,
                                  FILE_DEVICE_SECURE_OPEN, FALSE, &Control))) {
        Records = (Control->Characteristics & FILE_DEVICE_SECURE_OPEN) != 0;
        IoDeleteDevice(Control);
    }
    if (!Records)
        Check(R, KLIBTEST_SKIP,
              "device: Characteristics are not recorded here (a plain IoCreateDevice "
              "with SECURE_OPEN reads 0): SECURE_OPEN not checked");
    CheckSecureOpen(R, KlibtestDevice, KLIBTEST_DEVICE_NAME, Records);
    for (ULONG a = 0; a < KmdDeviceAccessCount; a++) {
        PDEVICE_OBJECT Device = NULL;
        PACL Dacl;
        USHORT Control = 0;
        NTSTATUS Status = KmdCreateDevice(KmdLibDriverObject(), Names[a], Links[a],
                                          KLIBTEST_DEVICE_TYPE, 16, (KMD_DEVICE_ACCESS)a, &Device);

        EXPECT(R, NT_SUCCESS(Status) && Device != NULL, "KmdCreateDevice %ws %s: 0x%08lx", Names[a],
               KmdDeviceAccessSddl((KMD_DEVICE_ACCESS)a), (ULONG)Status);
        if (!NT_SUCCESS(Status))
            continue;
        CheckSecureOpen(R, Device, Names[a], Records);
        EXPECT(R, Device->DeviceExtension != NULL && AllBytes(Device->DeviceExtension, 16, 0),
               "%ws: 16-byte extension, zeroed", Names[a]);
        EXPECT(R, KmdPoolOutstanding(TAG_LINK) == Links0 + 1, "link name kept (tag KmdL: %ld)",
               KmdPoolOutstanding(TAG_LINK));
        Status = QueryDacl(Device, Sd, sizeof(Sd), &Dacl, &Control);
        if (!NT_SUCCESS(Status)) {
            Check(R, KLIBTEST_SKIP,
                  "device: cannot read the DACL back on this system (ZwQuerySecurityObject: "
                  "0x%08lx); it was set without error",
                  (ULONG)Status);
        } else if (Dacl == NULL) {
            Check(R, KLIBTEST_SKIP,
                  "device: this system returns no DACL for %ws (it was set without error)",
                  Names[a]);
        } else {
            BOOLEAN SidsOk = Dacl->AceCount == Aces[a];

            for (ULONG i = 0; SidsOk && i < Dacl->AceCount; i++) {
                ACCESS_ALLOWED_ACE *Ace;
                PSID Sid;

                if (!NT_SUCCESS(RtlGetAce(Dacl, i, (PVOID *)&Ace)) ||
                    Ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) {
                    SidsOk = FALSE;
                    break;
                }
                Sid = &Ace->SidStart;
                if (a == KmdDeviceAccessEveryone && i == 2)
                    SidsOk = *RtlSubAuthoritySid(Sid, 0) == SECURITY_WORLD_RID;
                else
                    SidsOk =
                        *RtlSubAuthoritySid(Sid, *RtlSubAuthorityCountSid(Sid) - 1) == Rids[a][i];
            }
            EXPECT(R, SidsOk, "%ws: DACL read back has %u ACE(s) for the SIDs of %s", Names[a],
                   Dacl->AceCount, KmdDeviceAccessSddl((KMD_DEVICE_ACCESS)a));
            if (Control & SE_DACL_PROTECTED)
                EXPECT(R, TRUE, "%ws: DACL is protected (control 0x%04x)", Names[a], Control);
            else
                Check(R, KLIBTEST_SKIP,
                      "device: this system does not report SE_DACL_PROTECTED (control 0x%04x)",
                      Control);
        }
        KmdDeleteDevice(Device);
        EXPECT(R, KmdPoolOutstanding(TAG_LINK) == Links0,
               "KmdDeleteDevice removed device and link (tag KmdL: %ld)",
               KmdPoolOutstanding(TAG_LINK));
    }
}

/* --- dispatch --------------------------------------------------------------------------------- */

/* The thread of CaseThread: records its context, waits for the stop event if it has one, and
 * says it ended just before it does. */
typedef struct _THREAD_PROBE {
    PKEVENT Stop; /* NULL: end at once */
    volatile LONG Ran;
    volatile LONG Ended;
} THREAD_PROBE;

static VOID NTAPI ThreadProbe(PVOID Context)
{
    THREAD_PROBE *Probe = Context;

    InterlockedIncrement(&Probe->Ran);
    if (Probe->Stop != NULL)
        KeWaitForSingleObject(Probe->Stop, Executive, KernelMode, FALSE, NULL);
    InterlockedIncrement(&Probe->Ended);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static VOID CaseThread(KLIBTEST_RESULT *R)
{
    THREAD_PROBE Probe = {0};
    PKTHREAD Thread = (PKTHREAD)(ULONG_PTR)1;
    KEVENT Stop;
    NTSTATUS Status;

    KeInitializeEvent(&Stop, NotificationEvent, FALSE);
    Probe.Stop = &Stop;
    Status = KmdStartSystemThread(ThreadProbe, &Probe, &Stop, &Thread);
    EXPECT(R, NT_SUCCESS(Status) && Thread != NULL, "KmdStartSystemThread: 0x%08lx, object %p",
           (ULONG)Status, (PVOID)Thread);
    if (!NT_SUCCESS(Status))
        return;
    EXPECT(R, Probe.Ended == 0, "the thread waits for its stop event");
    KmdStopSystemThread(&Thread, &Stop);
    EXPECT(R, Thread == NULL, "KmdStopSystemThread drops the object (NULL after)");
    EXPECT(R, Probe.Ran == 1 && Probe.Ended == 1,
           "KmdStopSystemThread set the event and returned after the thread ended (%ld, %ld)",
           Probe.Ran, Probe.Ended);

    /* No stop event: a thread that ends on its own, waited for all the same. */
    RtlZeroMemory(&Probe, sizeof(Probe));
    Status = KmdStartSystemThread(ThreadProbe, &Probe, NULL, &Thread);
    EXPECT(R, NT_SUCCESS(Status) && Thread != NULL, "KmdStartSystemThread (no stop event): 0x%08lx",
           (ULONG)Status);
    if (!NT_SUCCESS(Status))
        return;
    KmdStopSystemThread(&Thread, NULL);
    EXPECT(R, Thread == NULL && Probe.Ran == 1 && Probe.Ended == 1,
           "KmdStopSystemThread(NULL event) waited for the thread's own end");
    KmdStopSystemThread(&Thread, &Stop); /* NULL object: nothing to do */
    EXPECT(R, Thread == NULL, "KmdStopSystemThread ignores a NULL thread");
}

/* The answers of a START/STOP pair, in the order requests would meet them. */
static VOID CaseRunState(KLIBTEST_RESULT *R)
{
    KMD_RUN_STATE Run = {0};
    NTSTATUS Status;

    EXPECT(R, !KmdRunIsRunning(&Run), "a zeroed KMD_RUN_STATE is idle");
    Status = KmdRunBeginStop(&Run);
    EXPECT(R, Status == STATUS_INVALID_DEVICE_STATE, "stop when idle: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStart(&Run);
    EXPECT(R, Status == STATUS_SUCCESS, "start when idle: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStart(&Run);
    EXPECT(R, Status == STATUS_DEVICE_BUSY, "start while starting: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStop(&Run);
    EXPECT(R, Status == STATUS_DEVICE_BUSY, "stop while starting: 0x%08lx", (ULONG)Status);
    EXPECT(R, !KmdRunIsRunning(&Run), "not running while starting");
    KmdRunEnd(&Run, FALSE);
    EXPECT(R, !KmdRunIsRunning(&Run) && KmdRunBeginStop(&Run) == STATUS_INVALID_DEVICE_STATE,
           "a failed start (End FALSE) is idle again");
    Status = KmdRunBeginStart(&Run);
    KmdRunEnd(&Run, TRUE);
    EXPECT(R, Status == STATUS_SUCCESS && KmdRunIsRunning(&Run), "started: running");
    Status = KmdRunBeginStart(&Run);
    EXPECT(R, Status == STATUS_DEVICE_BUSY, "start while running: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStop(&Run);
    EXPECT(R, Status == STATUS_SUCCESS, "stop while running: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStop(&Run);
    EXPECT(R, Status == STATUS_DEVICE_BUSY, "stop while stopping: 0x%08lx", (ULONG)Status);
    Status = KmdRunBeginStart(&Run);
    EXPECT(R, Status == STATUS_DEVICE_BUSY, "start while stopping: 0x%08lx", (ULONG)Status);
    KmdRunEnd(&Run, FALSE);
    EXPECT(R, !KmdRunIsRunning(&Run) && KmdRunBeginStart(&Run) == STATUS_SUCCESS,
           "stopped: idle, may start again");
}

static NTSTATUS Run(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KLIBTEST_CASE Case;
    KLIBTEST_RESULT *R;

    if (Io->InLength != sizeof(KLIBTEST_RUN))
        return STATUS_INVALID_PARAMETER;
    Case = ((KLIBTEST_RUN *)Io->In)->Case;
    if ((ULONG)Case >= KlibtestCaseCount)
        return STATUS_INVALID_PARAMETER;
    /* One buffer for both directions: the case number has been read, now the result. */
    R = KmdAllocatePool(POOL_FLAG_NON_PAGED, sizeof(*R), KMD_TAG('k', 'T', 's', 'R'));
    if (R == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    R->Size = sizeof(*R);
    R->Case = Case;
    switch (Case) {
    case KlibtestCaseInfo:
        CaseInfo(R);
        break;
    case KlibtestCasePool:
        CasePool(R);
        break;
    case KlibtestCaseTime:
        CaseTime(R);
        break;
    case KlibtestCaseStrings:
        CaseStrings(R);
        break;
    case KlibtestCaseLog:
        CaseLog(R);
        break;
    case KlibtestCaseDevice:
        CaseDevice(R);
        break;
    case KlibtestCaseThread:
        CaseThread(R);
        break;
    default:
        CaseRunState(R);
        break;
    }
    RtlCopyMemory(Io->Out, R, sizeof(*R));
    KmdFreePool(R, KMD_TAG('k', 'T', 's', 'R'));
    *Info = sizeof(KLIBTEST_RESULT);
    return STATUS_SUCCESS;
}

static NTSTATUS Probe(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    KLIBTEST_PROBE_REPLY Reply = {Io->InLength, Io->OutLength, Io->Method, 0};
    UCHAR *Out = Io->Out;

    for (ULONG i = 0; i < Io->InLength; i++)
        Reply.InSum += ((UCHAR *)Io->In)[i];
    if (Io->Method == METHOD_IN_DIRECT) {
        for (ULONG i = 0; i < Io->OutLength; i++)
            if (Out[i] != (UCHAR)i)
                return STATUS_DATA_ERROR;
        *Info = Io->OutLength;
        return STATUS_SUCCESS;
    }
    for (ULONG i = sizeof(Reply); i < Io->OutLength; i++)
        Out[i] = (UCHAR)i;
    RtlCopyMemory(Out, &Reply, sizeof(Reply));
    *Info = Io->Method == METHOD_BUFFERED ? sizeof(Reply) : Io->OutLength;
    return STATUS_SUCCESS;
}

static NTSTATUS Leak(PDEVICE_OBJECT Device, PIRP Irp, PKMD_IOCTL_BUFFERS Io, ULONG_PTR *Info)
{
    UNREFERENCED_PARAMETER(Device);
    UNREFERENCED_PARAMETER(Irp);
    static const SIZE_T Sizes[KLIBTEST_LEAK_COUNT] = {16, 32, 48};

    for (ULONG i = 0; i < KLIBTEST_LEAK_COUNT; i++)
        if (KmdAllocatePool(POOL_FLAG_NON_PAGED, Sizes[i], KLIBTEST_LEAK_TAG) == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    *(ULONG *)Io->Out = (ULONG)KmdPoolOutstanding(KLIBTEST_LEAK_TAG);
    *Info = sizeof(ULONG);
    return STATUS_SUCCESS;
}

/* The probes go through KmdDispatchIoctl as every driver's IOCTLs do: the table's bounds are
 * what the klib.ioctl.* tests check. */
static const KMD_IOCTL KlibtestIoctls[] = {
    {IOCTL_KLIBTEST_RUN, sizeof(KLIBTEST_RUN), sizeof(KLIBTEST_RUN), sizeof(KLIBTEST_RESULT), Run},
    {IOCTL_KLIBTEST_PROBE_BUFFERED, KLIBTEST_PROBE_MIN_IN, KLIBTEST_PROBE_MAX_IN,
     KLIBTEST_PROBE_MIN_OUT, Probe},
    {IOCTL_KLIBTEST_PROBE_IN_DIRECT, KLIBTEST_PROBE_MIN_IN, KLIBTEST_PROBE_MAX_IN,
     KLIBTEST_PROBE_MIN_OUT, Probe},
    {IOCTL_KLIBTEST_PROBE_OUT_DIRECT, KLIBTEST_PROBE_MIN_IN, KLIBTEST_PROBE_MAX_IN,
     KLIBTEST_PROBE_MIN_OUT, Probe},
    {IOCTL_KLIBTEST_LEAK, 0, 0, sizeof(ULONG), Leak},
};

static VOID NTAPI KlibtestUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KmdDeleteDevice(KlibtestDevice);
    KmdLogPrint("DriverUnload: device and link removed");
    KmdLibUninitialize();
}

KMD_INIT NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    NTSTATUS Status;

    UNREFERENCED_PARAMETER(RegistryPath);
    Status = KmdLibInitialize(DriverObject, "klibtest");
    if (!NT_SUCCESS(Status))
        return Status;
    Status = KmdCreateDevice(DriverObject, KLIBTEST_DEVICE_NAME, KLIBTEST_LINK_NAME,
                             KLIBTEST_DEVICE_TYPE, 0, KmdDeviceAccessAdmins, &KlibtestDevice);
    if (!NT_SUCCESS(Status)) {
        KmdLibUninitialize();
        return Status;
    }
    DriverObject->MajorFunction[IRP_MJ_CREATE] = KmdDispatchSuccess;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = KmdDispatchSuccess;
    KmdSetDeviceIoctls(KlibtestDevice, KlibtestIoctls, RTL_NUMBER_OF(KlibtestIoctls));
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = KmdDispatchDeviceControl;
    DriverObject->DriverUnload = KlibtestUnload;
    KmdLogPrint("DriverEntry: device %ws ready (pool path %s)", KLIBTEST_DEVICE_NAME,
                KmdPoolPathName(KmdPoolPath()));
    return STATUS_SUCCESS;
}
