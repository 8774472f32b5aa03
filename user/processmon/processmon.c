/* processmon.exe: the client of kernel/processmon.
 *
 *   processmon [check]        the smoke test: fetch, hand over a handle that is not one (refused)
 *                             and a real event, start a child process and find its record (the
 *                             event must be set), release the event; exit 0 when all answer as
 *                             the contract says
 *   processmon watch [SECONDS]  hand over an event and print each new process until SECONDS
 *                             (default 30) have passed
 *   processmon fetch          print the records waiting in the driver
 *   processmon call set-event|fetch|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <processmon_ioctl.h>

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

static int expect(const char *what, DWORD err, DWORD want, DWORD wine_want)
{
    char msg[512];

    if (kmd_running_on_wine())
        want = wine_want;
    printf("%s: %s (expected %lu)\n", what, kmd_format_error(err, msg, sizeof msg),
           (unsigned long)want);
    return err == want ? 0 : 1;
}

/* Starts this program again (it prints its usage and ends), waits for the driver's event and
 * looks for the child's record. */
static int see_child(HANDLE h, HANDLE event)
{
    wchar_t self[MAX_PATH], cmdline[MAX_PATH + 16];
    STARTUPINFOW si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    PROCESSMON_FETCH f;
    DWORD err;
    int found = 0;

    do { /* what came before */
        if ((err = fetch(h, &f)) != 0)
            return kmd_print_error("fetch", err);
    } while (f.Pending != 0);
    ResetEvent(event);
    GetModuleFileNameW(NULL, self, MAX_PATH);
    swprintf(cmdline, sizeof cmdline / sizeof cmdline[0], L"\"%ls\" --help", self);
    if (!CreateProcessW(self, cmdline, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi))
        return kmd_print_error("CreateProcess", GetLastError());
    printf("child: process %lu started\n", (unsigned long)pi.dwProcessId);
    if (WaitForSingleObject(event, 5000) != WAIT_OBJECT_0) {
        printf("child: FAILED: the driver did not set the event within 5 s\n");
    } else {
        printf("child: the driver set the event\n");
        for (int tries = 0; tries < 5 && !found; tries++) {
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
        printf("child: %s\n", found ? "its record names it and this process as its parent"
                                    : "FAILED: no record of it");
    }
    WaitForSingleObject(pi.hProcess, 5000);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return found ? 0 : 1;
}

static int check(HANDLE h)
{
    PROCESSMON_FETCH f;
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    DWORD err;
    int failed = 0;

    if ((err = fetch(h, &f)) != 0)
        return kmd_print_error("fetch", err);
    print_fetch(&f);
    /* Under Wine, ObReferenceObjectByHandle refuses every UserMode handle (not implemented). */
    failed |= expect("set-event (not a handle)", set_event(h, (HANDLE)(ULONG_PTR)0x3FFFFFFC),
                     ERROR_INVALID_HANDLE, ERROR_INVALID_FUNCTION);
    err = set_event(h, event);
    failed |= expect("set-event (an event)", err, 0, ERROR_INVALID_FUNCTION);
    if (err == 0)
        failed |= see_child(h, event);
    failed |= expect("set-event 0 (release)", set_event(h, NULL), 0, 0);
    CloseHandle(event);
    puts(failed ? "check: FAILED" : "check: passed");
    if (kmd_running_on_wine())
        puts("not checked under Wine: the event handoff and the process records (Wine's "
             "ObReferenceObjectByHandle refuses UserMode handles, and its "
             "PsSetCreateProcessNotifyRoutineEx registers nothing, so no callback ever runs)");
    return failed;
}

static int watch(HANDLE h, DWORD seconds)
{
    HANDLE event = CreateEventW(NULL, FALSE, FALSE, NULL);
    DWORD start = GetTickCount(), err;
    PROCESSMON_FETCH f;

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

/* "call": any IOCTL with any buffer sizes (user/lib/client.c). */
static const struct kmd_call_name call_names[] = {
    {"set-event", IOCTL_PROCESSMON_SET_EVENT, sizeof(PROCESSMON_EVENT), 0},
    {"fetch", IOCTL_PROCESSMON_FETCH, 0, sizeof(PROCESSMON_FETCH)},
    {NULL, 0, 0, 0},
};

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "check";
    DWORD seconds = 30, err;
    PROCESSMON_FETCH f;
    HANDLE h;
    char msg[512];
    int rc;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        puts("usage: processmon [check | watch [SECONDS] | fetch | call set-event|fetch|HEXCODE "
             "[--in-size N] [--out-size N] [--value V]]");
        return 0;
    }
    if (strcmp(cmd, "check") && strcmp(cmd, "watch") && strcmp(cmd, "fetch") &&
        strcmp(cmd, "call")) {
        fprintf(stderr, "processmon: unknown command '%s' (try --help)\n", cmd);
        return 2;
    }
    if (strcmp(cmd, "watch") == 0 && argc > 2 &&
        (argc > 3 || !kmd_parse_uint("processmon", argv[2], 3600, &seconds))) {
        fprintf(stderr, "usage: processmon watch [SECONDS] (0 to 3600)\n");
        return 2;
    }
    err = kmd_device_open(PROCESSMON_USER_NAME, &h);
    if (err) {
        fprintf(stderr, "processmon: cannot open \\\\.\\%ls: %s\n", PROCESSMON_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        return 3;
    }
    if (strcmp(cmd, "check") == 0) {
        rc = check(h);
    } else if (strcmp(cmd, "watch") == 0) {
        rc = watch(h, seconds);
    } else if (strcmp(cmd, "fetch") == 0) {
        err = fetch(h, &f);
        rc = err ? kmd_print_error("fetch", err) : 0;
        if (!err)
            print_fetch(&f);
    } else {
        rc = kmd_call_command(h, "processmon", call_names, argc - 2, argv + 2);
    }
    CloseHandle(h);
    return rc;
}
