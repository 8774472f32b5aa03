/* timers.exe: the client of kernel/timers.
 *
 *   timers [run [PERIOD_MS [WAIT_MS]]]  start the timer (default 50 ms), wait WAIT_MS (default
 *                             1000), query, stop, query again later; exit 0 when: at least half
 *                             the ticks expected in WAIT_MS came, the thread woke up for them,
 *                             every recorded interval lies between 0.5x and 10x the period (a
 *                             plausibility check, not a timing measurement), and no tick came
 *                             after the stop
 *   timers start PERIOD_MS | stop | query
 *   timers sequence           stop while stopped (refused), start, start again (refused: busy),
 *                             stop, stop again (refused)
 *   timers call start|stop|query|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <timers_ioctl.h>

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
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_TIMERS_QUERY, NULL, 0, s, sizeof *s, &got);

    if (!err && got != sizeof *s) {
        printf("query: wrong answer: %lu bytes\n", (unsigned long)got);
        return ERROR_INVALID_DATA;
    }
    return err;
}

static void print_state(const char *what, const TIMERS_STATE *s)
{
    printf("%s: period %u ms, running %u, DPCs %u (IRQL %u), wake-ups %u, intervals recorded %u\n",
           what, s->PeriodMs, s->Running, s->Dpcs, s->DpcIrql, s->Wakeups, s->Recorded);
}

static int check(int ok, const char *text)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", text);
    return ok ? 0 : 1;
}

static int run(HANDLE h, DWORD period, DWORD wait_ms)
{
    TIMERS_STATE s1, s2, s3;
    DWORD err, min_ticks = wait_ms / period / 2, lo = period * 500, hi = period * 10000;
    DWORD shortest = 0xFFFFFFFFu, longest = 0, outside = 0, failed = 0;
    char line[256];

    if ((err = start(h, period)) != 0)
        return kmd_print_error("start", err);
    Sleep(wait_ms);
    if ((err = query(h, &s1)) != 0)
        return kmd_print_error("query", err);
    print_state("running", &s1);
    if ((err = stop(h)) != 0)
        return kmd_print_error("stop", err);
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
        outside += us < lo || us > hi;
    }
    printf("intervals (us):");
    for (unsigned i = 0; i < s2.Recorded && i < TIMERS_MAX_INTERVALS; i++)
        printf(" %u", s2.IntervalsUs[i]);
    printf("\n");

    snprintf(line, sizeof line, "running during the wait, stopped after STOP");
    failed |= check(s1.Running == 1 && s2.Running == 0 && s2.PeriodMs == period, line);
    snprintf(line, sizeof line, "%u DPCs in %lu ms (at least %lu: half the ticks expected)",
             s1.Dpcs, (unsigned long)wait_ms, (unsigned long)min_ticks);
    failed |= check(s1.Dpcs >= min_ticks && min_ticks > 0, line);
    snprintf(line, sizeof line,
             "the thread woke up %u times for %u DPCs (at least once, at most "
             "once per DPC)",
             s2.Wakeups, s2.Dpcs);
    failed |= check(s2.Wakeups >= 1 && s2.Wakeups <= s2.Dpcs, line);
    snprintf(line, sizeof line, "%u intervals recorded (the first %u wake-ups)", s2.Recorded,
             TIMERS_MAX_INTERVALS);
    failed |= check(s2.Recorded ==
                        (s2.Wakeups < TIMERS_MAX_INTERVALS ? s2.Wakeups : TIMERS_MAX_INTERVALS),
                    line);
    snprintf(line, sizeof line,
             "intervals %lu..%lu us, each within %lu..%lu us (0.5x..10x the "
             "period: plausibility, not a timing measurement)",
             (unsigned long)shortest, (unsigned long)longest, (unsigned long)lo, (unsigned long)hi);
    failed |= check(outside == 0 && s2.Recorded > 0, line);
    snprintf(line, sizeof line, "no DPC after STOP (%u, then %u after %lu ms)", s2.Dpcs, s3.Dpcs,
             (unsigned long)(3 * period));
    failed |= check(s3.Dpcs == s2.Dpcs && s3.Wakeups == s2.Wakeups, line);
    if (kmd_running_on_wine()) {
        puts(failed ? "run: FAILED" : "run: passed");
        printf("not checked under Wine: that the DPC runs at DISPATCH_LEVEL (Wine calls timer "
               "DPCs on a thread-pool thread and reports IRQL %u) and that KeFlushQueuedDpcs "
               "waits for queued DPCs (it does nothing in Wine; its KeCancelTimer waits instead)\n",
               s1.DpcIrql);
    } else {
        snprintf(line, sizeof line, "the DPC ran at IRQL %u (DISPATCH_LEVEL is 2)", s1.DpcIrql);
        failed |= check(s1.DpcIrql == 2, line);
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
    failed |= expect("start 100", start(h, 100), 0);
    failed |= expect("start again", start(h, 100), ERROR_BUSY);
    failed |= expect("stop", stop(h), 0);
    failed |= expect("stop again", stop(h), ERROR_BAD_COMMAND);
    puts(failed ? "sequence: FAILED" : "sequence: passed");
    return failed;
}

/* "call": any IOCTL with any buffer sizes (user/lib/client.c). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_TIMERS_START, sizeof(TIMERS_START), 0},
    {"stop", IOCTL_TIMERS_STOP, 0, 0},
    {"query", IOCTL_TIMERS_QUERY, 0, sizeof(TIMERS_STATE)},
    {NULL, 0, 0, 0},
};

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "run";
    DWORD period = 50, wait_ms = 1000, err;
    TIMERS_STATE s;
    HANDLE h;
    char msg[512];
    int rc;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        puts("usage: timers [run [PERIOD_MS [WAIT_MS]] | start PERIOD_MS | stop | query | "
             "sequence | call start|stop|query|HEXCODE [--in-size N] [--out-size N] "
             "[--value V]]");
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "start") && strcmp(cmd, "stop") && strcmp(cmd, "query") &&
        strcmp(cmd, "sequence") && strcmp(cmd, "call")) {
        fprintf(stderr, "timers: unknown command '%s' (try --help)\n", cmd);
        return 2;
    }
    if ((strcmp(cmd, "run") == 0 && argc > 2) || strcmp(cmd, "start") == 0) {
        if (argc < 3 || argc > (strcmp(cmd, "run") == 0 ? 4 : 3) ||
            !kmd_parse_uint("timers", argv[2], TIMERS_MAX_PERIOD_MS, &period) ||
            period < TIMERS_MIN_PERIOD_MS ||
            (argc == 4 && !kmd_parse_uint("timers", argv[3], 60000, &wait_ms))) {
            fprintf(stderr, "usage: timers %s PERIOD_MS (%u to %u)%s\n", cmd, TIMERS_MIN_PERIOD_MS,
                    TIMERS_MAX_PERIOD_MS, strcmp(cmd, "run") == 0 ? " [WAIT_MS]" : "");
            return 2;
        }
    }
    err = kmd_device_open(TIMERS_USER_NAME, &h);
    if (err) {
        fprintf(stderr, "timers: cannot open \\\\.\\%ls: %s\n", TIMERS_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        return 3;
    }
    if (strcmp(cmd, "run") == 0) {
        rc = run(h, period, wait_ms);
    } else if (strcmp(cmd, "start") == 0) {
        err = start(h, period);
        rc = err ? kmd_print_error("start", err) : 0;
        if (!err)
            printf("start: period %lu ms\n", (unsigned long)period);
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
        rc = kmd_call_command(h, "timers", call_names, argc - 2, argv + 2);
    }
    CloseHandle(h);
    return rc;
}
