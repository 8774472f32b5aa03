/* mutex.exe: the client of kernel/mutex.
 *
 *   mutex [run [ITERATIONS]]  start a run (default 25 iterations per thread), wait for it and
 *                             check the result: exit 0 when the count is exact, no two threads
 *                             were ever inside the lock together and no wait failed
 *   mutex start ITERATIONS    only start a run (DriverUnload waits for it if nobody does)
 *   mutex wait                wait for the run and print its result
 *   mutex sequence            start, start again (must be refused: busy), wait, wait again
 *                             (must be refused: no run)
 *   mutex call start|wait|HEXCODE [--in-size N] [--out-size N] [--value V]
 *                             send any buffer sizes (the input is zeros, its first 4 bytes V)
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <mutex_ioctl.h>

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
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_MUTEX_WAIT, NULL, 0, r, sizeof *r, &got);

    if (!err && got != sizeof *r) {
        printf("wait: wrong answer: %lu bytes\n", (unsigned long)got);
        return ERROR_INVALID_DATA;
    }
    return err;
}

static int print_result(const MUTEX_RESULT *r)
{
    int ok = r->Count == r->Expected && r->Expected == r->Threads * r->Iterations &&
             r->Overlaps == 0 && r->WaitErrors == 0;

    printf("result: %u threads x %u iterations: count %u (expected %u), overlaps %u, "
           "wait errors %u, hand-overs %u\n",
           r->Threads, r->Iterations, r->Count, r->Expected, r->Overlaps, r->WaitErrors,
           r->HandOvers);
    printf("result: updates per thread:");
    for (unsigned i = 0; i < MUTEX_THREADS; i++) {
        printf(" %u", r->PerThread[i]);
        ok = ok && r->PerThread[i] == r->Iterations;
    }
    printf("\n");
    /* Every thread holds the lock at least once, so the lock changes hands at least
     * threads - 1 times. */
    ok = ok && r->HandOvers >= r->Threads - 1;
    return ok ? 0 : 1;
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
    rc = print_result(&r);
    puts(rc == 0 ? "run: passed" : "run: FAILED");
    if (kmd_running_on_wine())
        printf("not checked under Wine: that the threads take turns (Wine's KeReleaseMutex "
               "wakes no waiting thread, so a waiter mostly gets the mutex when the holder's "
               "thread ends: it changed hands %u times in %u updates)\n",
               r.HandOvers, r.Count);
    return rc;
}

/* Expects `code` from a request; prints one line either way. */
static int expect(const char *what, DWORD err, DWORD want)
{
    char msg[512];

    printf("%s: %s (expected %lu)\n", what, kmd_format_error(err, msg, sizeof msg),
           (unsigned long)want);
    return err == want ? 0 : 1;
}

static int sequence(HANDLE h)
{
    MUTEX_RESULT r;
    int failed = 0;

    failed |= expect("start 5", start(h, 5), 0);
    failed |= expect("start again", start(h, 5), ERROR_BUSY);
    failed |= expect("wait", wait_result(h, &r), 0);
    if (!failed)
        failed |= print_result(&r);
    failed |= expect("wait again", wait_result(h, &r), ERROR_BAD_COMMAND);
    puts(failed ? "sequence: FAILED" : "sequence: passed");
    return failed;
}

/* "call": any IOCTL with any buffer sizes (user/lib/client.c). */
static const struct kmd_call_name call_names[] = {
    {"start", IOCTL_MUTEX_START, sizeof(MUTEX_START), 0},
    {"wait", IOCTL_MUTEX_WAIT, 0, sizeof(MUTEX_RESULT)},
    {NULL, 0, 0, 0},
};

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "run";
    DWORD iterations = 25;
    HANDLE h;
    char msg[512];
    DWORD err;
    int rc;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        puts("usage: mutex [run [ITERATIONS] | start ITERATIONS | wait | sequence | "
             "call start|wait|HEXCODE [--in-size N] [--out-size N] [--value V]]");
        return 0;
    }
    if (strcmp(cmd, "run") && strcmp(cmd, "start") && strcmp(cmd, "wait") &&
        strcmp(cmd, "sequence") && strcmp(cmd, "call")) {
        fprintf(stderr, "mutex: unknown command '%s' (try --help)\n", cmd);
        return 2;
    }
    if ((strcmp(cmd, "run") == 0 && argc > 2) || strcmp(cmd, "start") == 0) {
        if (argc != 3 || !kmd_parse_uint("mutex", argv[2], MUTEX_MAX_ITERATIONS, &iterations)) {
            fprintf(stderr, "usage: mutex %s ITERATIONS (1 to %u)\n", cmd, MUTEX_MAX_ITERATIONS);
            return 2;
        }
    }
    err = kmd_device_open(MUTEX_USER_NAME, &h);
    if (err) {
        fprintf(stderr, "mutex: cannot open \\\\.\\%ls: %s\n", MUTEX_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        return 3;
    }
    if (strcmp(cmd, "run") == 0) {
        rc = run(h, iterations);
    } else if (strcmp(cmd, "start") == 0) {
        err = start(h, iterations);
        rc = err ? kmd_print_error("start", err) : 0;
        if (!err)
            printf("start: %u threads x %lu iterations running\n", MUTEX_THREADS,
                   (unsigned long)iterations);
    } else if (strcmp(cmd, "wait") == 0) {
        MUTEX_RESULT r;
        err = wait_result(h, &r);
        rc = err ? kmd_print_error("wait", err) : print_result(&r);
    } else if (strcmp(cmd, "sequence") == 0) {
        rc = sequence(h);
    } else {
        rc = kmd_call_command(h, "mutex", call_names, argc - 2, argv + 2);
    }
    CloseHandle(h);
    return rc;
}
