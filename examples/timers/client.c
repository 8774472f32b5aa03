/* timers.exe: the client of the timers driver (driver.c).
 *
 *   timers [run [PERIOD_MS [WAIT_MS]]]  start the timer (default 50 ms, 10 to 1000), wait WAIT_MS
 *                             (default 1000), query, stop, query again later. "ok: ..." /
 *                             "FAIL: ..." lines, then "run: passed" when: at least half the
 *                             ticks expected in WAIT_MS came, the thread woke up for them,
 *                             the recorded intervals (wake-up to wake-up) add up to no more
 *                             than the time the client saw between START and STOP (a
 *                             plausibility check, not a timing measurement), no tick came after
 *                             the stop and (on Windows) the DPC ran at DISPATCH_LEVEL
 *   timers start PERIOD_MS | stop | query
 *   timers sequence           stop while stopped (refused), start, start again (refused: busy),
 *                             stop, stop again (refused); then "sequence: passed"
 *   timers call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "timers_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD start(HANDLE h, DWORD period_ms)
{
    TIMERS_START in = {period_ms};
    return kmd_ioctl(h, IOCTL_TIMERS_START, &in, sizeof in, NULL, 0, NULL);
}

static DWORD stop(HANDLE h)
{
    return kmd_ioctl(h, IOCTL_TIMERS_STOP, NULL, 0, NULL, 0, NULL);
}

static DWORD query(HANDLE h, TIMERS_STATE *s)
{
    return kmd_ioctl_full(h, "query", IOCTL_TIMERS_QUERY, NULL, 0, s, sizeof *s);
}

static void print_state(const char *what, const TIMERS_STATE *s)
{
    printf("%s: period %u ms, running %u, DPCs %u (IRQL %u), wake-ups %u, intervals recorded %u\n",
           what, s->PeriodMs, s->Running, s->Dpcs, s->DpcIrql, s->Wakeups, s->Recorded);
}

static int run(HANDLE h, DWORD period, DWORD wait_ms)
{
    TIMERS_STATE s1, s2, s3;
    DWORD err, min_ticks = wait_ms / period / 2;
    DWORD shortest = 0xFFFFFFFFu, longest = 0;
    ULONGLONG sum_us = 0, before, after;

    /* The driver measures from its START to each wake-up, all inside the client's START..STOP. */
    before = GetTickCount64();
    if ((err = start(h, period)) != 0)
        return kmd_print_error("start", err);
    Sleep(wait_ms);
    if ((err = query(h, &s1)) != 0)
        return kmd_print_error("query", err);
    print_state("running", &s1);
    if ((err = stop(h)) != 0)
        return kmd_print_error("stop", err);
    after = GetTickCount64();
    if ((err = query(h, &s2)) != 0)
        return kmd_print_error("query", err);
    print_state("stopped", &s2);
    Sleep(3 * period);
    if ((err = query(h, &s3)) != 0)
        return kmd_print_error("query", err);

    for (unsigned i = 0; i < s2.Recorded && i < TIMERS_MAX_INTERVALS; i++) {
        DWORD us = s2.IntervalsUs[i];
        shortest = us < shortest ? us : shortest;
        longest = us > longest ? us : longest;
        sum_us += us;
    }
    printf("intervals (us):");
    for (unsigned i = 0; i < s2.Recorded && i < TIMERS_MAX_INTERVALS; i++)
        printf(" %u", s2.IntervalsUs[i]);
    printf("\n");

    kmd_check(s1.Running == 1 && s2.Running == 0 && s2.PeriodMs == period,
              "running during the wait, stopped after STOP");
    kmd_check(s1.Dpcs >= min_ticks && min_ticks > 0,
              "%u DPCs in %lu ms (at least %lu: half the ticks expected)", s1.Dpcs,
              (unsigned long)wait_ms, (unsigned long)min_ticks);
    kmd_check(s2.Wakeups >= 1 && s2.Wakeups <= s2.Dpcs,
              "the thread woke up %u times for %u DPCs (at least once, at most once per DPC)",
              s2.Wakeups, s2.Dpcs);
    kmd_check(s2.Recorded ==
                  (s2.Wakeups < TIMERS_MAX_INTERVALS ? s2.Wakeups : TIMERS_MAX_INTERVALS),
              "%u intervals recorded (the first %u wake-ups)", s2.Recorded, TIMERS_MAX_INTERVALS);
    /* Not a bound per interval: a wake-up that comes late can be followed by one that comes
     * at once (and a delayed periodic timer may catch up), so only the sum is bounded. The
     * clocks differ in resolution (GetTickCount64: 10-16 ms), hence the 32 ms of slack. */
    kmd_check(s2.Recorded > 0 && sum_us <= (after - before + 32) * 1000,
              "%u intervals of %lu..%lu us, %llu us in all, within the %llu ms between START "
              "and STOP (plausibility, not a timing measurement)",
              s2.Recorded, (unsigned long)shortest, (unsigned long)longest, sum_us, after - before);
    kmd_check(s3.Dpcs == s2.Dpcs && s3.Wakeups == s2.Wakeups,
              "no DPC after STOP (%u, then %u after %lu ms)", s2.Dpcs, s3.Dpcs,
              (unsigned long)(3 * period));
    if (kmd_running_on_wine())
        printf("not checked under Wine: that the DPC runs at DISPATCH_LEVEL (Wine calls timer "
               "DPCs on a thread-pool thread and reports IRQL %u) and that KeFlushQueuedDpcs "
               "waits for queued DPCs (it does nothing in Wine; its KeCancelTimer waits instead)\n",
               s1.DpcIrql);
    else
        kmd_check(s1.DpcIrql == 2, "the DPC ran at IRQL %u (DISPATCH_LEVEL is 2)", s1.DpcIrql);
    return kmd_check_verdict("run");
}

static int sequence(HANDLE h)
{
    kmd_check_error("stop while stopped", stop(h), ERROR_BAD_COMMAND);
    kmd_check_error("start 100", start(h, 100), 0);
    kmd_check_error("start again", start(h, 100), ERROR_BUSY);
    kmd_check_error("stop", stop(h), 0);
    kmd_check_error("stop again", stop(h), ERROR_BAD_COMMAND);
    return kmd_check_verdict("sequence");
}

/* "call": any IOCTL with any buffer sizes (kmd_call_command, kmdkit/user.h). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_TIMERS_START, sizeof(TIMERS_START), 0},
    {"stop", IOCTL_TIMERS_STOP, 0, 0},
    {"query", IOCTL_TIMERS_QUERY, 0, sizeof(TIMERS_STATE)},
    {NULL, 0, 0, 0},
};

#define USAGE                                                                                      \
    "usage: timers [run [PERIOD_MS [WAIT_MS]] | start PERIOD_MS | stop | query | sequence | "      \
    "call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V]]"

/* PERIOD_MS from the command line; says why on stderr when it is not 10 to 1000. */
static int parse_period(const char *s, DWORD *period)
{
    if (!kmd_parse_uint("timers", s, TIMERS_MAX_PERIOD_MS, period) ||
        *period < TIMERS_MIN_PERIOD_MS) {
        fprintf(stderr, "timers: PERIOD_MS must be %u to %u\n", TIMERS_MIN_PERIOD_MS,
                TIMERS_MAX_PERIOD_MS);
        return 0;
    }
    return 1;
}

/* The commands (kmd_client_main). "run" and "start" check their numbers before they ask for the
 * device, so a bad number is exit 2 even without the driver. */
static int run_command(int argc, char **argv)
{
    DWORD period = 50, wait_ms = 1000;

    if (argc > 0 && !parse_period(argv[0], &period))
        return KMD_EXIT_USAGE;
    if (argc > 1 && !kmd_parse_uint("timers", argv[1], 60000, &wait_ms))
        return KMD_EXIT_USAGE; /* kmd_parse_uint said why */
    return run(kmd_client_device(), period, wait_ms);
}

static int start_command(int argc, char **argv)
{
    DWORD period, err;

    (void)argc;
    if (!parse_period(argv[0], &period))
        return KMD_EXIT_USAGE;
    if ((err = start(kmd_client_device(), period)) != 0)
        return kmd_print_error("start", err);
    printf("start: period %lu ms\n", (unsigned long)period);
    return KMD_EXIT_OK;
}

static int stop_command(HANDLE h)
{
    DWORD err = stop(h);

    return err ? kmd_print_error("stop", err) : KMD_EXIT_OK;
}

static int query_command(HANDLE h)
{
    TIMERS_STATE s;
    DWORD err = query(h, &s);

    if (err)
        return kmd_print_error("query", err);
    print_state("query", &s);
    return KMD_EXIT_OK;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_WORDS("run", run_command, 0, 2, "PERIOD_MS and WAIT_MS at most"),
    KMD_COMMAND_WORDS("start", start_command, 1, 1, "one PERIOD_MS"),
    KMD_COMMAND("stop", stop_command),
    KMD_COMMAND("query", query_command),
    KMD_COMMAND("sequence", sequence),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("timers", TIMERS_USER_NAME, USAGE, commands, call_names, argc, argv);
}
