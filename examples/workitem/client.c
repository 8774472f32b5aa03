/* workitem.exe: the client of the workitem driver (driver.c).
 *
 *   workitem [run [PERIOD_MS [COUNT]]]  start (default 20 ms, 10 to 1000; 8 work items, 1 to
 *                             16), wait until COUNT work routines ran (5 s at most), stop.
 *                             "ok: ..." / "FAIL: ..." lines, then "run: passed" when every one
 *                             ran once, in order, at PASSIVE_LEVEL, on a thread other than the
 *                             one that sent START (and, on Windows, was queued by a DPC at
 *                             DISPATCH_LEVEL)
 *   workitem start PERIOD_MS COUNT | stop | query
 *   workitem sequence         stop while stopped (refused), start, start again (refused: busy),
 *                             stop, stop again (refused); then "sequence: passed"
 *   workitem call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V] [--value2 W]
 *                             send any buffer sizes (the input is zeros, then V and W)
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "workitem_ioctl.h"

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
    return kmd_ioctl_full(h, "query", IOCTL_WORKITEM_QUERY, NULL, 0, s, sizeof *s);
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

static int run(HANDLE h, DWORD period, DWORD count)
{
    WORKITEM_STATE s;
    DWORD err, waited = 0;
    int in_order = 1, passive = 1, other_thread = 1, dispatch = 1;

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
    kmd_check(s.Queued == count && s.Ran == count && s.Running == 0,
              "%u of %lu work items queued and ran, stopped after STOP", s.Ran,
              (unsigned long)count);
    kmd_check(in_order, "each ran once, in the order queued");
    kmd_check(passive, "every work routine ran at PASSIVE_LEVEL (0)");
    kmd_check(other_thread, "on a worker thread, not the thread that sent START");
    if (kmd_running_on_wine())
        puts("not checked under Wine: that the DPC which queued the work ran at DISPATCH_LEVEL "
             "(Wine calls timer DPCs on a thread-pool thread at PASSIVE_LEVEL, so the hand-over "
             "to PASSIVE_LEVEL cannot be seen there)");
    else
        kmd_check(dispatch, "every work item was queued by a DPC at DISPATCH_LEVEL (2)");
    return kmd_check_verdict("run");
}

static int sequence(HANDLE h)
{
    kmd_check_error("stop while stopped", stop(h), ERROR_BAD_COMMAND);
    kmd_check_error("start 100 ms x 4", start(h, 100, 4), 0);
    kmd_check_error("start again", start(h, 100, 4), ERROR_BUSY);
    kmd_check_error("stop", stop(h), 0);
    kmd_check_error("stop again", stop(h), ERROR_BAD_COMMAND);
    return kmd_check_verdict("sequence");
}

/* "call": any IOCTL with any buffer sizes (kmd_call_command, kmdkit/user.h). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_WORKITEM_START, sizeof(WORKITEM_START), 0},
    {"stop", IOCTL_WORKITEM_STOP, 0, 0},
    {"query", IOCTL_WORKITEM_QUERY, 0, sizeof(WORKITEM_STATE)},
    {NULL, 0, 0, 0},
};

#define USAGE                                                                                      \
    "usage: workitem [run [PERIOD_MS [COUNT]] | start PERIOD_MS COUNT | stop | query | "           \
    "sequence | call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V] "           \
    "[--value2 W]]"

/* PERIOD_MS and COUNT from the command line; says why on stderr when one is out of range. */
static int parse_numbers(int argc, char **argv, DWORD *period, DWORD *count)
{
    if (argc > 0 && (!kmd_parse_uint("workitem", argv[0], WORKITEM_MAX_PERIOD_MS, period) ||
                     *period < WORKITEM_MIN_PERIOD_MS)) {
        fprintf(stderr, "workitem: PERIOD_MS must be %u to %u\n", WORKITEM_MIN_PERIOD_MS,
                WORKITEM_MAX_PERIOD_MS);
        return 0;
    }
    if (argc > 1 &&
        (!kmd_parse_uint("workitem", argv[1], WORKITEM_MAX_ITEMS, count) || *count == 0)) {
        fprintf(stderr, "workitem: COUNT must be 1 to %u\n", WORKITEM_MAX_ITEMS);
        return 0;
    }
    return 1;
}

/* The commands (kmd_client_main). "run" and "start" check their numbers before they ask for the
 * device, so a bad number is exit 2 even without the driver. */
static int run_command(int argc, char **argv)
{
    DWORD period = 20, count = 8;

    if (!parse_numbers(argc, argv, &period, &count))
        return KMD_EXIT_USAGE;
    return run(kmd_client_device(), period, count);
}

static int start_command(int argc, char **argv)
{
    DWORD period = 0, count = 0, err;

    if (!parse_numbers(argc, argv, &period, &count))
        return KMD_EXIT_USAGE;
    if ((err = start(kmd_client_device(), period, count)) != 0)
        return kmd_print_error("start", err);
    printf("start: period %lu ms, %lu work items\n", (unsigned long)period, (unsigned long)count);
    return KMD_EXIT_OK;
}

static int stop_command(HANDLE h)
{
    DWORD err = stop(h);

    return err ? kmd_print_error("stop", err) : KMD_EXIT_OK;
}

static int query_command(HANDLE h)
{
    WORKITEM_STATE s;
    DWORD err = query(h, &s);

    if (err)
        return kmd_print_error("query", err);
    print_state("query", &s);
    return KMD_EXIT_OK;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_WORDS("run", run_command, 0, 2, "PERIOD_MS and COUNT at most"),
    KMD_COMMAND_WORDS("start", start_command, 2, 2, "PERIOD_MS and COUNT"),
    KMD_COMMAND("stop", stop_command),
    KMD_COMMAND("query", query_command),
    KMD_COMMAND("sequence", sequence),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("workitem", WORKITEM_USER_NAME, USAGE, commands, call_names, argc, argv);
}
