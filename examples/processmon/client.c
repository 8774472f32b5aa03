/* processmon.exe: the client of the processmon driver (driver.c).
 *
 *   processmon [check]        the smoke test: fetch, hand over a handle that is not one (refused)
 *                             and a real event, start a child process and find its record (the
 *                             event must be set), release the event. "ok: ..." / "FAIL: ..."
 *                             lines, then "check: passed" when all answer as the contract says
 *                             (under Wine: as Wine answers, and what it cannot show is named)
 *   processmon watch [SECONDS]  hand over an event and print each new process until SECONDS
 *                             (default 30, at most 3600) have passed
 *   processmon fetch          print the records waiting in the driver
 *   processmon call set-event|fetch|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "processmon_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static DWORD set_event(HANDLE h, HANDLE event)
{
    PROCESSMON_EVENT in = {(unsigned long long)(ULONG_PTR)event};
    return kmd_ioctl(h, IOCTL_PROCESSMON_SET_EVENT, &in, sizeof in, NULL, 0, NULL);
}

static DWORD fetch(HANDLE h, PROCESSMON_FETCH *f)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_PROCESSMON_FETCH, NULL, 0, f, sizeof *f, &got);

    if (!err && (got != sizeof *f || f->Count > PROCESSMON_MAX_FETCH)) {
        printf("fetch: wrong answer: %lu bytes, count %u\n", (unsigned long)got, f->Count);
        return ERROR_INVALID_DATA;
    }
    return err;
}

static void print_fetch(const PROCESSMON_FETCH *f)
{
    printf("fetch: %u records, %u pending, %u lost\n", f->Count, f->Pending, f->Lost);
    for (unsigned i = 0; i < f->Count; i++) {
        char name[PROCESSMON_NAME_CHARS * 3];
        kmd_utf8((const wchar_t *)f->Records[i].ImageName, name, sizeof name);
        printf("  process %llu (parent %llu): %s%s\n", f->Records[i].ProcessId,
               f->Records[i].ParentId, f->Records[i].Truncated ? "..." : "", name);
    }
}

/* One request's answer against the one the contract gives (`wine_want` under Wine). */
static void expect_answer(const char *what, DWORD err, DWORD want, DWORD wine_want)
{
    kmd_check_error(what, err, kmd_running_on_wine() ? wine_want : want);
}

/* Starts this program again (it prints its usage and ends), waits for the driver's event and
 * looks for the child's record. Returns 0, or 1 when the driver answered a FETCH with an error. */
static int see_child(HANDLE h, HANDLE event)
{
    wchar_t self[MAX_PATH], cmdline[MAX_PATH + 16];
    STARTUPINFOW si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    PROCESSMON_FETCH f;
    DWORD err;
    int found = 0, signalled;

    do { /* what came before */
        if ((err = fetch(h, &f)) != 0)
            return kmd_print_error("fetch", err);
    } while (f.Pending != 0);
    ResetEvent(event);
    GetModuleFileNameW(NULL, self, MAX_PATH);
    swprintf(cmdline, sizeof cmdline / sizeof cmdline[0], L"\"%ls\" --help", self);
    if (!CreateProcessW(self, cmdline, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) {
        kmd_check(0, "child: CreateProcess: %s", kmd_error_text(GetLastError()));
        return 0;
    }
    printf("child: process %lu started\n", (unsigned long)pi.dwProcessId);
    signalled = WaitForSingleObject(event, 5000) == WAIT_OBJECT_0;
    kmd_check(signalled, "child: the driver set the event within 5 s");
    for (int tries = 0; signalled && tries < 5 && !found; tries++) {
        if ((err = fetch(h, &f)) != 0)
            return kmd_print_error("fetch", err);
        print_fetch(&f);
        for (unsigned i = 0; i < f.Count; i++) {
            const wchar_t *name = (const wchar_t *)f.Records[i].ImageName;
            size_t n = wcslen(name);
            found |= f.Records[i].ProcessId == pi.dwProcessId &&
                     f.Records[i].ParentId == GetCurrentProcessId() && n >= 14 &&
                     _wcsicmp(name + n - 14, L"processmon.exe") == 0;
        }
        if (!found)
            Sleep(100);
    }
    if (signalled)
        kmd_check(found, "child: its record names it, this process as its parent and "
                         "processmon.exe");
    WaitForSingleObject(pi.hProcess, 5000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return 0;
}

static int check(HANDLE h)
{
    PROCESSMON_FETCH f;
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    DWORD err;
    int rc;

    if (event == NULL) /* a NULL handle would mean "release" to the driver */
        return kmd_print_error("CreateEvent", GetLastError());
    if ((err = fetch(h, &f)) != 0)
        return kmd_print_error("fetch", err);
    print_fetch(&f);
    /* Under Wine, ObReferenceObjectByHandle refuses every UserMode handle (not implemented). */
    expect_answer("set-event (not a handle)", set_event(h, (HANDLE)(ULONG_PTR)0x3FFFFFFC),
                  ERROR_INVALID_HANDLE, ERROR_INVALID_FUNCTION);
    err = set_event(h, event);
    expect_answer("set-event (an event)", err, 0, ERROR_INVALID_FUNCTION);
    if (err == 0 && see_child(h, event) != 0)
        return 1;
    expect_answer("set-event 0 (release)", set_event(h, NULL), 0, 0);
    CloseHandle(event);
    rc = kmd_check_verdict("check");
    if (kmd_running_on_wine())
        puts("not checked under Wine: the event handoff and the process records (Wine's "
             "ObReferenceObjectByHandle refuses UserMode handles, and its "
             "PsSetCreateProcessNotifyRoutineEx registers nothing, so no callback ever runs)");
    return rc;
}

static int watch(HANDLE h, DWORD seconds)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    DWORD start = GetTickCount(), err;
    PROCESSMON_FETCH f;

    if (event == NULL)
        return kmd_print_error("CreateEvent", GetLastError());
    if ((err = set_event(h, event)) != 0)
        return kmd_print_error("set-event", err);
    printf("watch: new processes for %lu s\n", (unsigned long)seconds);
    while (GetTickCount() - start < seconds * 1000) {
        if (WaitForSingleObject(event, 500) != WAIT_OBJECT_0)
            continue;
        do {
            if ((err = fetch(h, &f)) != 0)
                return kmd_print_error("fetch", err);
            if (f.Count)
                print_fetch(&f);
        } while (f.Pending != 0);
    }
    set_event(h, NULL);
    CloseHandle(event);
    return 0;
}

/* "call": any IOCTL with any buffer sizes (kmd_call_command, kmdkit/user.h). */
static const struct kmd_call_name call_names[] = {
    {"set-event", IOCTL_PROCESSMON_SET_EVENT, sizeof(PROCESSMON_EVENT), 0},
    {"fetch", IOCTL_PROCESSMON_FETCH, 0, sizeof(PROCESSMON_FETCH)},
    {NULL, 0, 0, 0},
};

#define USAGE                                                                                      \
    "usage: processmon [check | watch [SECONDS] | fetch | call set-event|fetch|HEXCODE "           \
    "[--in-size N] [--out-size N] [--value V]]"

/* "watch" checks SECONDS before it asks for the device, so a bad number is exit 2 even without
 * the driver. */
static int watch_command(int argc, char **argv)
{
    DWORD seconds = 30;

    if (argc > 0 && !kmd_parse_uint("processmon", argv[0], 3600, &seconds))
        return KMD_EXIT_USAGE; /* kmd_parse_uint said why */
    return watch(kmd_client_device(), seconds);
}

static int fetch_command(HANDLE h)
{
    PROCESSMON_FETCH f;
    DWORD err = fetch(h, &f);

    if (err)
        return kmd_print_error("fetch", err);
    print_fetch(&f);
    return KMD_EXIT_OK;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("check", check),
    KMD_COMMAND_WORDS("watch", watch_command, 0, 1, "one SECONDS at most"),
    KMD_COMMAND("fetch", fetch_command),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("processmon", PROCESSMON_USER_NAME, USAGE, commands, call_names, argc,
                           argv);
}
