/* whichirql.exe: the client of the whichirql driver (driver.c).
 *
 *   whichirql [run]   opens the device, asks for the records, closes, opens again and asks
 *                     again; prints DriverEntry's record and those of its two opens, and checks
 *                     them: IRQL, the routines of each open in order, and the process and thread
 *                     they ran in (this program's, on Windows): "ok: ..." / "FAIL: ..." lines,
 *                     then "run: passed" or "run: FAILED"
 *   whichirql check   the documented refusals (input given, short output, unknown code), each
 *                     with its Win32 error, then "check: passed" or "check: FAILED"
 * Exit codes: 0 success, 1 the driver answered with an error or not as expected,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "whichirql_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IRP_MJ_* numbers (wdm.h, which user mode does not have). */
enum { MJ_CREATE = 0, MJ_CLOSE = 2, MJ_DEVICE_CONTROL = 14, MJ_CLEANUP = 18 };

static const char *routine_name(unsigned r)
{
    switch (r) {
    case MJ_CREATE:
        return "CREATE";
    case MJ_CLOSE:
        return "CLOSE";
    case MJ_DEVICE_CONTROL:
        return "DEVICE_CONTROL";
    case MJ_CLEANUP:
        return "CLEANUP";
    case WHICHIRQL_DRIVER_ENTRY:
        return "DriverEntry";
    default:
        return "?";
    }
}

static const char *irql_name(unsigned irql)
{
    static const char *const names[] = {"PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL"};
    return irql < 3 ? names[irql] : "above DISPATCH_LEVEL";
}

static void print_record(const WHICHIRQL_RECORD *r)
{
    printf("  #%-3u %-14s IRQL %u (%s), process %llu, thread %llu, open %u\n", r->Sequence,
           routine_name(r->Routine), r->Irql, irql_name(r->Irql), r->ProcessId, r->ThreadId,
           r->OpenId);
}

static DWORD get_records(HANDLE h, WHICHIRQL_RECORDS *out)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_WHICHIRQL_GET_RECORDS, NULL, 0, out, sizeof *out, &got);

    if (err == 0 && (got != sizeof *out || out->Count > WHICHIRQL_MAX_RECORDS))
        err = ERROR_INVALID_DATA;
    return err;
}

/* The routines recorded for one open, in order, as a string: "CREATE DEVICE_CONTROL CLOSE". */
static void routines_of(const WHICHIRQL_RECORDS *rs, unsigned open, char *buf, size_t size)
{
    buf[0] = '\0';
    for (unsigned i = 0; i < rs->Count; i++) {
        if (rs->Records[i].OpenId != open)
            continue;
        if (buf[0])
            strncat(buf, " ", size - strlen(buf) - 1);
        strncat(buf, routine_name(rs->Records[i].Routine), size - strlen(buf) - 1);
    }
}

/* Opens the device itself, twice (own_device in commands[]): each open has its own records. */
static int run(HANDLE h)
{
    static WHICHIRQL_RECORDS first, rs;
    const int wine = kmd_running_on_wine();
    const unsigned long long pid = GetCurrentProcessId(), tid = GetCurrentThreadId();
    /* Wine never sends IRP_MJ_CLEANUP. */
    const char *want_a =
        wine ? "CREATE DEVICE_CONTROL CLOSE" : "CREATE DEVICE_CONTROL CLEANUP CLOSE";
    char got_a[256], got_b[512], want_b[512] = "CREATE";
    unsigned a, b, mine = 0, not_passive = 0, elsewhere = 0;
    DWORD err;

    h = kmd_open_device_or_exit("whichirql", WHICHIRQL_USER_NAME);
    err = get_records(h, &first);
    CloseHandle(h);
    if (err)
        return kmd_print_error("run", err);
    a = first.OpenId;
    h = kmd_open_device_or_exit("whichirql", WHICHIRQL_USER_NAME);
    /* IRP_MJ_CLOSE may arrive a little later (under Wine it always comes asynchronously). Each
     * request of the second open adds its own DEVICE_CONTROL record. */
    for (int tries = 0; tries < 20; tries++) {
        err = get_records(h, &rs);
        if (err)
            break;
        strcat(want_b, " DEVICE_CONTROL");
        routines_of(&rs, a, got_a, sizeof got_a);
        if (strstr(got_a, "CLOSE"))
            break;
        Sleep(100);
    }
    CloseHandle(h);
    if (err)
        return kmd_print_error("run", err);
    b = rs.OpenId;
    routines_of(&rs, a, got_a, sizeof got_a);
    routines_of(&rs, b, got_b, sizeof got_b);
    printf("this process %llu, thread %llu; opens %u and %u\n", pid, tid, a, b);
    print_record(&rs.DriverEntry);
    for (unsigned i = 0; i < rs.Count; i++) {
        const WHICHIRQL_RECORD *r = &rs.Records[i];

        if (r->OpenId != a && r->OpenId != b)
            continue; /* another program's */
        print_record(r);
        mine++;
        not_passive += r->Irql != 0;
        /* All but CLOSE run in the caller's thread: this one. Wine reports the requester's ids
         * too (while it runs every IRP on winedevice's one thread). */
        elsewhere += r->Routine != MJ_CLOSE && (r->ProcessId != pid || r->ThreadId != tid);
    }
    kmd_check(mine > 0 && not_passive == 0, "%u records of this program's opens, %u above IRQL 0",
              mine, not_passive);
    kmd_check(mine > 0 && elsewhere == 0, "all but CLOSE in this process and thread (%u not)",
              elsewhere);
    if (wine)
        kmd_check(rs.DriverEntry.Routine == WHICHIRQL_DRIVER_ENTRY && rs.DriverEntry.Irql == 0,
                  "DriverEntry ran at PASSIVE_LEVEL");
    else
        kmd_check(rs.DriverEntry.Routine == WHICHIRQL_DRIVER_ENTRY && rs.DriverEntry.Irql == 0 &&
                      rs.DriverEntry.ProcessId == 4,
                  "DriverEntry ran at PASSIVE_LEVEL in the System process (4)");
    kmd_check(strcmp(got_a, want_a) == 0, "open %u: %s (expected %s)", a, got_a, want_a);
    kmd_check(strcmp(got_b, want_b) == 0, "open %u: %s (expected %s)", b, got_b, want_b);
    if (kmd_check_failures()) {
        puts("run: FAILED");
        return 1;
    }
    puts("run: passed");
    if (wine)
        puts("not checked under Wine: that the routines really run in the caller's thread (Wine "
             "reports the requester's ids but runs every IRP on winedevice's one thread), "
             "DriverEntry in the System process, IRP_MJ_CLEANUP");
    return 0;
}

static int check(HANDLE h)
{
    const DWORD size = sizeof(WHICHIRQL_RECORDS);

    kmd_check_ioctl(h, "input given", IOCTL_WHICHIRQL_GET_RECORDS, 4, size,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "output 1 byte short", IOCTL_WHICHIRQL_GET_RECORDS, 0, size - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "unknown code",
                    KMD_CTL_CODE(WHICHIRQL_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED,
                                 FILE_READ_ACCESS),
                    0, size, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("check");
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_OWN_DEVICE("run", run),
    KMD_COMMAND("check", check),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("whichirql", WHICHIRQL_USER_NAME, "usage: whichirql [run | check]",
                           commands, NULL, argc, argv);
}
