/* workitem.exe: the client of kernel/workitem.
 *
 *   workitem [run [PERIOD_MS [COUNT]]]  start (default 20 ms, 8 work items), wait until COUNT
 *                             work routines ran (5 s at most), stop; exit 0 when every one ran
 *                             once, in order, at PASSIVE_LEVEL, on a thread other than the one
 *                             that sent START
 *   workitem start PERIOD_MS COUNT | stop | query
 *   workitem sequence         stop while stopped (refused), start, start again (refused: busy),
 *                             stop, stop again (refused)
 *   workitem call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V] [--value2 W]
 *                             send any buffer sizes (the input is zeros, then V and W)
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <workitem_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD start(HANDLE h, DWORD period_ms, DWORD count)
{
    WORKITEM_START in = {period_ms, count};
    return kmd_ioctl(h, IOCTL_WORKITEM_START, &in, sizeof in, NULL, 0, NULL);
}

static DWORD stop(HANDLE h)
{
    return kmd_ioctl(h, IOCTL_WORKITEM_STOP, NULL, 0, NULL, 0, NULL);
}

static DWORD query(HANDLE h, WORKITEM_STATE *s)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_WORKITEM_QUERY, NULL, 0, s, sizeof *s, &got);

    if (!err && got != sizeof *s) {
        printf("query: wrong answer: %lu bytes\n", (unsigned long)got);
        return ERROR_INVALID_DATA;
    }
    return err;
}

static void print_state(const char *what, const WORKITEM_STATE *s)
{
    printf("%s: period %u ms, count %u, running %u, queued %u, busy ticks %u, ran %u, START "
           "thread %u\n",
           what, s->PeriodMs, s->Count, s->Running, s->Queued, s->Busy, s->Ran, s->StartThreadId);
    for (unsigned i = 0; i < s->Ran && i < WORKITEM_MAX_ITEMS; i++)
        printf("  work item %u: IRQL %u, thread %u (queued by a DPC at IRQL %u)\n",
               s->Records[i].Sequence, s->Records[i].Irql, s->Records[i].ThreadId,
               s->Records[i].DpcIrql);
}

static int check(int ok, const char *text)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", text);
    return ok ? 0 : 1;
}

static int run(HANDLE h, DWORD period, DWORD count)
{
    WORKITEM_STATE s;
    DWORD err, waited = 0;
    int failed = 0, in_order = 1, passive = 1, other_thread = 1, dispatch = 1;
    char line[256];

    if ((err = start(h, period, count)) != 0)
        return kmd_print_error("start", err);
    do {
        Sleep(20);
        waited += 20;
        if ((err = query(h, &s)) != 0)
            return kmd_print_error("query", err);
    } while (s.Ran < count && waited < 5000);
    if ((err = stop(h)) != 0)
        return kmd_print_error("stop", err);
    if ((err = query(h, &s)) != 0)
        return kmd_print_error("query", err);
    print_state("stopped", &s);
    for (unsigned i = 0; i < s.Ran && i < WORKITEM_MAX_ITEMS; i++) {
        in_order &= s.Records[i].Sequence == i + 1;
        passive &= s.Records[i].Irql == 0;
        other_thread &= s.Records[i].ThreadId != 0 && s.Records[i].ThreadId != s.StartThreadId;
        dispatch &= s.Records[i].DpcIrql == 2;
    }
    snprintf(line, sizeof line, "%u of %lu work items queued and ran, stopped after STOP", s.Ran,
             (unsigned long)count);
    failed |= check(s.Queued == count && s.Ran == count && s.Running == 0, line);
    failed |= check(in_order, "each ran once, in the order queued");
    failed |= check(passive, "every work routine ran at PASSIVE_LEVEL (0)");
    failed |= check(other_thread, "on a worker thread, not the thread that sent START");
    if (kmd_running_on_wine()) {
        puts(failed ? "run: FAILED" : "run: passed");
        puts("not checked under Wine: that the DPC which queued the work ran at DISPATCH_LEVEL "
             "(Wine calls timer DPCs on a thread-pool thread at PASSIVE_LEVEL, so the hand-over "
             "to PASSIVE_LEVEL cannot be seen there)");
    } else {
        failed |= check(dispatch, "every work item was queued by a DPC at DISPATCH_LEVEL (2)");
        puts(failed ? "run: FAILED" : "run: passed");
    }
    return failed;
}

static int expect(const char *what, DWORD err, DWORD want)
{
    char msg[512];

    printf("%s: %s (expected %lu)\n", what, kmd_format_error(err, msg, sizeof msg),
           (unsigned long)want);
    return err == want ? 0 : 1;
}

static int sequence(HANDLE h)
{
    int failed = 0;

    failed |= expect("stop while stopped", stop(h), ERROR_BAD_COMMAND);
    failed |= expect("start 100 ms x 4", start(h, 100, 4), 0);
    failed |= expect("start again", start(h, 100, 4), ERROR_BUSY);
    failed |= expect("stop", stop(h), 0);
    failed |= expect("stop again", stop(h), ERROR_BAD_COMMAND);
    puts(failed ? "sequence: FAILED" : "sequence: passed");
    return failed;
}

/* "call": any IOCTL with any buffer sizes (user/lib/client.c). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_WORKITEM_START, sizeof(WORKITEM_START), 0},
    {"stop", IOCTL_WORKITEM_STOP, 0, 0},
    {"query", IOCTL_WORKITEM_QUERY, 0, sizeof(WORKITEM_STATE)},
    {NULL, 0, 0, 0},
};

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "run";
    DWORD period = 20, count = 8, err;
    WORKITEM_STATE s;
    HANDLE h;
    char msg[512];
    int rc;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        puts("usage: workitem [run [PERIOD_MS [COUNT]] | start PERIOD_MS COUNT | stop | query | "
             "sequence | call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V] "
             "[--value2 W]]");
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "start") && strcmp(cmd, "stop") && strcmp(cmd, "query") &&
        strcmp(cmd, "sequence") && strcmp(cmd, "call")) {
        fprintf(stderr, "workitem: unknown command '%s' (try --help)\n", cmd);
        return 2;
    }
    if ((strcmp(cmd, "run") == 0 && argc > 2) || strcmp(cmd, "start") == 0) {
        int is_run = strcmp(cmd, "run") == 0;
        if (argc < (is_run ? 3 : 4) || argc > 4 ||
            !kmd_parse_uint("workitem", argv[2], WORKITEM_MAX_PERIOD_MS, &period) ||
            period < WORKITEM_MIN_PERIOD_MS ||
            (argc == 4 &&
             (!kmd_parse_uint("workitem", argv[3], WORKITEM_MAX_ITEMS, &count) || count == 0))) {
            fprintf(stderr, "usage: workitem %s PERIOD_MS (%u to %u) %sCOUNT (1 to %u)%s\n", cmd,
                    WORKITEM_MIN_PERIOD_MS, WORKITEM_MAX_PERIOD_MS, is_run ? "[" : "",
                    WORKITEM_MAX_ITEMS, is_run ? "]" : "");
            return 2;
        }
    }
    err = kmd_device_open(WORKITEM_USER_NAME, &h);
    if (err) {
        fprintf(stderr, "workitem: cannot open \\\\.\\%ls: %s\n", WORKITEM_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        return 3;
    }
    if (strcmp(cmd, "run") == 0) {
        rc = run(h, period, count);
    } else if (strcmp(cmd, "start") == 0) {
        err = start(h, period, count);
        rc = err ? kmd_print_error("start", err) : 0;
        if (!err)
            printf("start: period %lu ms, %lu work items\n", (unsigned long)period,
                   (unsigned long)count);
    } else if (strcmp(cmd, "stop") == 0) {
        err = stop(h);
        rc = err ? kmd_print_error("stop", err) : 0;
    } else if (strcmp(cmd, "query") == 0) {
        err = query(h, &s);
        rc = err ? kmd_print_error("query", err) : 0;
        if (!err)
            print_state("query", &s);
    } else if (strcmp(cmd, "sequence") == 0) {
        rc = sequence(h);
    } else {
        rc = kmd_call_command(h, "workitem", call_names, argc - 2, argv + 2);
    }
    CloseHandle(h);
    return rc;
}
