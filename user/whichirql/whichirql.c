/* whichirql.exe: the client of kernel/whichirql.
 *
 *   whichirql [run]   opens the device, asks for the records, closes, opens again and asks
 *                     again; prints DriverEntry's record and those of its two opens, and checks
 *                     them: IRQL, the order of the routines per open, and the process and thread
 *                     they ran in (this program's, on Windows)
 *   whichirql check   the documented refusals (input given, short output, unknown code)
 * Exit codes: 0 success, 1 the driver answered with an error or not as expected,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <whichirql_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IRP_MJ_* numbers (wdm.h, which user mode does not have). */
enum { MJ_CREATE = 0, MJ_CLOSE = 2, MJ_DEVICE_CONTROL = 14, MJ_CLEANUP = 18 };

static HANDLE open_whichirql(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(WHICHIRQL_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "whichirql: cannot open \\\\.\\%ls: %s\n", WHICHIRQL_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

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

static int run(void)
{
    static WHICHIRQL_RECORDS first, rs;
    const int wine = kmd_running_on_wine();
    const unsigned long long pid = GetCurrentProcessId(), tid = GetCurrentThreadId();
    /* Wine never sends IRP_MJ_CLEANUP. */
    const char *want_a =
        wine ? "CREATE DEVICE_CONTROL CLOSE" : "CREATE DEVICE_CONTROL CLEANUP CLOSE";
    char got_a[256], got_b[256], msg[512];
    unsigned a, b, bad = 0, mine = 0;
    DWORD err;
    HANDLE h = open_whichirql();

    err = get_records(h, &first);
    if (err) {
        printf("run: error: %s\n", kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
    a = first.OpenId;
    CloseHandle(h);
    h = open_whichirql();
    /* IRP_MJ_CLOSE may arrive a little later (under Wine it always comes asynchronously). */
    for (int tries = 0; tries < 40; tries++) {
        err = get_records(h, &rs);
        if (err)
            break;
        routines_of(&rs, a, got_a, sizeof got_a);
        if (strstr(got_a, "CLOSE"))
            break;
        Sleep(50);
    }
    CloseHandle(h);
    if (err) {
        printf("run: error: %s\n", kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
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
        if (r->Irql != 0) {
            printf("run: #%u ran at IRQL %u, expected PASSIVE_LEVEL\n", r->Sequence, r->Irql);
            bad++;
        }
        /* All but CLOSE run in the caller's thread: this one. Wine reports the requester's ids
         * too (while it runs every IRP on winedevice's one thread). */
        if (r->Routine != MJ_CLOSE && (r->ProcessId != pid || r->ThreadId != tid)) {
            printf("run: #%u ran outside this thread\n", r->Sequence);
            bad++;
        }
    }
    if (rs.DriverEntry.Routine != WHICHIRQL_DRIVER_ENTRY || rs.DriverEntry.Irql != 0 ||
        (!wine && rs.DriverEntry.ProcessId != 4)) {
        printf("run: DriverEntry should run at PASSIVE_LEVEL in the System process (4)\n");
        bad++;
    }
    printf("open %u: %s\nopen %u: %s\n", a, got_a, b, got_b);
    if (strcmp(got_a, want_a) != 0) {
        printf("run: open %u should be: %s\n", a, want_a);
        bad++;
    }
    if (strncmp(got_b, "CREATE DEVICE_CONTROL", 21) != 0 || strstr(got_b, "CLOSE") ||
        strstr(got_b, "CLEANUP")) {
        printf("run: open %u should be: CREATE DEVICE_CONTROL ...\n", b);
        bad++;
    }
    if (bad) {
        printf("run: FAILED: %u problem(s)\n", bad);
        return 1;
    }
    printf("run: %u records checked: all at PASSIVE_LEVEL, in the expected order\n", mine);
    printf("run: every routine but CLOSE ran in this process and thread\n");
    if (wine)
        puts("not checked under Wine: that the routines really run in the caller's thread (Wine "
             "reports the requester's ids but runs every IRP on winedevice's one thread), "
             "DriverEntry in the System process, IRP_MJ_CLEANUP");
    return 0;
}

static int check(void)
{
    static const struct {
        const char *what;
        DWORD code, in_size, out_size, expect;
    } cases[] = {
        {"input given", IOCTL_WHICHIRQL_GET_RECORDS, 4, sizeof(WHICHIRQL_RECORDS),
         ERROR_INVALID_PARAMETER},
        {"output 1 byte short", IOCTL_WHICHIRQL_GET_RECORDS, 0, sizeof(WHICHIRQL_RECORDS) - 1,
         ERROR_INSUFFICIENT_BUFFER},
        {"unknown code",
         KMD_CTL_CODE(WHICHIRQL_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED,
                      FILE_READ_ACCESS),
         0, sizeof(WHICHIRQL_RECORDS), ERROR_INVALID_FUNCTION},
    };
    static WHICHIRQL_RECORDS out;
    unsigned char in[4] = {0};
    unsigned n = sizeof cases / sizeof cases[0], ok = 0;
    char msg[512];
    HANDLE h = open_whichirql();

    for (unsigned i = 0; i < n; i++) {
        DWORD err = kmd_ioctl(h, cases[i].code, cases[i].in_size ? in : NULL, cases[i].in_size,
                              &out, cases[i].out_size, NULL);
        ok += err == cases[i].expect;
        printf("check: %-20s -> %s: %s\n", cases[i].what, kmd_format_error(err, msg, sizeof msg),
               err == cases[i].expect ? "as documented" : "WRONG");
    }
    CloseHandle(h);
    if (ok != n) {
        printf("check: FAILED: %u of %u answers as documented\n", ok, n);
        return 1;
    }
    printf("check: all %u answers as documented\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "run";

    if (argc <= 2 && strcmp(cmd, "run") == 0)
        return run();
    if (argc == 2 && strcmp(cmd, "check") == 0)
        return check();
    fprintf(stderr, "usage: whichirql [run | check]\n");
    return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
}
