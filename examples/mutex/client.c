/* mutex.exe: the client of the mutex driver (driver.c).
 *
 *   mutex [run [ITERATIONS]]  start a run (default 25 iterations per thread, 1 to 200), wait for
 *                             it and check the result: the count exact, no two threads ever
 *                             inside the lock together, no failed wait, every thread made its
 *                             updates. "ok: ..." / "FAIL: ..." lines, then "run: passed"
 *   mutex start ITERATIONS    only start a run (DriverUnload waits for it if nobody does)
 *   mutex wait                wait for the run, print and check its result
 *   mutex sequence            start, start again (must be refused: busy), wait, wait again
 *                             (must be refused: no run); then "sequence: passed"
 *   mutex call start|wait|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "mutex_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD start(HANDLE h, DWORD iterations)
{
    MUTEX_START in = {iterations};
    return kmd_ioctl(h, IOCTL_MUTEX_START, &in, sizeof in, NULL, 0, NULL);
}

static DWORD wait_result(HANDLE h, MUTEX_RESULT *r)
{
    return kmd_ioctl_full(h, "wait", IOCTL_MUTEX_WAIT, NULL, 0, r, sizeof *r);
}

/* Prints the result and checks it: the count exact, no overlap, no failed wait, every thread
 * made all its updates, and (when `iterations` is not 0) the run is the one started. */
static void check_result(const MUTEX_RESULT *r, DWORD iterations)
{
    int each = 1;

    printf("result: %u threads x %u iterations: count %u (expected %u), overlaps %u, "
           "wait errors %u, hand-overs %u\n",
           r->Threads, r->Iterations, r->Count, r->Expected, r->Overlaps, r->WaitErrors,
           r->HandOvers);
    printf("result: updates per thread:");
    for (unsigned i = 0; i < MUTEX_THREADS; i++) {
        printf(" %u", r->PerThread[i]);
        each = each && r->PerThread[i] == r->Iterations;
    }
    printf("\n");
    kmd_check(r->Threads == MUTEX_THREADS && (iterations == 0 || r->Iterations == iterations),
              "the run started: %u threads x %u iterations", r->Threads, r->Iterations);
    kmd_check(r->Count == r->Expected && r->Expected == r->Threads * r->Iterations,
              "count %u (expected %u): no update lost", r->Count, r->Expected);
    kmd_check(r->Overlaps == 0, "no two threads inside the lock together (overlaps %u)",
              r->Overlaps);
    kmd_check(r->WaitErrors == 0, "no failed wait (wait errors %u)", r->WaitErrors);
    kmd_check(each, "every thread made its %u updates", r->Iterations);
    /* Every thread holds the lock at least once, so it changes hands at least threads - 1 times. */
    kmd_check(r->HandOvers + 1 >= r->Threads, "the lock changed hands %u times (at least %u)",
              r->HandOvers, r->Threads - 1);
}

static int run(HANDLE h, DWORD iterations)
{
    MUTEX_RESULT r;
    DWORD err = start(h, iterations);
    int rc;

    if (err)
        return kmd_print_error("start", err);
    err = wait_result(h, &r);
    if (err)
        return kmd_print_error("wait", err);
    check_result(&r, iterations);
    rc = kmd_check_verdict("run");
    if (kmd_running_on_wine())
        printf("not checked under Wine: that the threads take turns (Wine's KeReleaseMutex "
               "wakes no waiting thread, so a waiter mostly gets the mutex when the holder's "
               "thread ends: it changed hands %u times in %u updates)\n",
               r.HandOvers, r.Count);
    return rc;
}

static int sequence(HANDLE h)
{
    MUTEX_RESULT r;
    DWORD err;

    kmd_check_error("start 5", start(h, 5), 0);
    kmd_check_error("start again", start(h, 5), ERROR_BUSY);
    err = wait_result(h, &r);
    kmd_check_error("wait", err, 0);
    if (err == 0)
        check_result(&r, 5);
    kmd_check_error("wait again", wait_result(h, &r), ERROR_BAD_COMMAND);
    return kmd_check_verdict("sequence");
}

/* "call": any IOCTL with any buffer sizes (kmd_call_command, kmdkit/user.h). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_MUTEX_START, sizeof(MUTEX_START), 0},
    {"wait", IOCTL_MUTEX_WAIT, 0, sizeof(MUTEX_RESULT)},
    {NULL, 0, 0, 0},
};

#define USAGE                                                                                      \
    "usage: mutex [run [ITERATIONS] | start ITERATIONS | wait | sequence | "                       \
    "call start|wait|HEXCODE [--in-size N] [--out-size N] [--value V]]"

/* ITERATIONS from the command line; says why on stderr when it is not 1 to MUTEX_MAX_ITERATIONS. */
static int parse_iterations(const char *cmd, const char *s, DWORD *iterations)
{
    int parsed = kmd_parse_uint("mutex", s, MUTEX_MAX_ITERATIONS, iterations);

    if (!parsed || *iterations == 0) {
        if (parsed)
            fprintf(stderr, "mutex: ITERATIONS must be at least 1\n");
        fprintf(stderr, "usage: mutex %s ITERATIONS (1 to %u)\n", cmd, MUTEX_MAX_ITERATIONS);
        return 0;
    }
    return 1;
}

/* The commands (kmd_client_main). "run" and "start" check ITERATIONS before they ask for the
 * device, so a bad number is exit 2 even without the driver. */
static int run_command(int argc, char **argv)
{
    DWORD iterations = 25;

    if (argc > 0 && !parse_iterations("run", argv[0], &iterations))
        return KMD_EXIT_USAGE;
    return run(kmd_client_device(), iterations);
}

static int start_command(int argc, char **argv)
{
    DWORD iterations = 0, err;

    (void)argc;
    if (!parse_iterations("start", argv[0], &iterations))
        return KMD_EXIT_USAGE;
    if ((err = start(kmd_client_device(), iterations)) != 0)
        return kmd_print_error("start", err);
    printf("start: %u threads x %lu iterations running\n", MUTEX_THREADS,
           (unsigned long)iterations);
    return KMD_EXIT_OK;
}

static int wait_command(HANDLE h)
{
    MUTEX_RESULT r;
    DWORD err = wait_result(h, &r);

    if (err)
        return kmd_print_error("wait", err);
    check_result(&r, 0);
    return kmd_check_failures() ? KMD_EXIT_DRIVER_ERROR : KMD_EXIT_OK;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_WORDS("run", run_command, 0, 1, "one ITERATIONS at most"),
    KMD_COMMAND_WORDS("start", start_command, 1, 1, "one ITERATIONS"),
    KMD_COMMAND("wait", wait_command),
    KMD_COMMAND("sequence", sequence),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("mutex", MUTEX_USER_NAME, USAGE, commands, call_names, argc, argv);
}
