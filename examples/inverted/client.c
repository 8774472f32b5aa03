/* inverted.exe: the client of the inverted driver (driver.c), the inverted-call model.
 *
 *   inverted fifo       4 WAIT requests pending at once, then 4 SIGNALs from a second handle:
 *                       each completes the oldest request, with its payload
 *   inverted cancel     CancelIoEx on one of 3 pending requests (-> 995), the others still get
 *                       their events in order; then CancelIo on a fourth
 *   inverted close      2 pending requests, then CloseHandle: the driver must see IRP_MJ_CLEANUP
 *                       and complete them (Wine never sends it: said, not failed)
 *   inverted exit       leaves 2 requests pending and exits (the system must cancel them)
 *   inverted stats [--pending N]   print the driver's counters (and check Pending)
 *   inverted call wait|signal|stats|HEXCODE [--in TEXT | --in-size N] [--out-size N]
 *                       one request with any buffer sizes (kmd_call_command, on an overlapped
 *                       handle: a WAIT that stays pending is cancelled after 1 s)
 * fifo, cancel, close and stats --pending check the answers themselves: one "ok:"/"FAIL:" line
 * per check, then "<command>: passed" or "<command>: FAILED".
 * Exit codes: 0 success, 1 a wrong answer or an error, 2 bad arguments, 3 no device. */
#include <kmdkit/user.h>
#include "inverted_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 5000 /* for a request that must complete */
#define QUIET_MS 200    /* for a request that must stay pending */

struct request {
    OVERLAPPED ov;
    INVERTED_EVENT event;
    DWORD got;
};

/* The device for overlapped I/O, where WAIT requests can stay pending (user/lib opens devices
 * for synchronous I/O only); its failure is reported as kmd_open_device_or_exit() does. */
static HANDLE open_overlapped(void)
{
    HANDLE h = CreateFileW(L"\\\\.\\" INVERTED_USER_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);

    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "inverted: cannot open \\\\.\\%ls: %s\n", INVERTED_USER_NAME,
                kmd_error_text(GetLastError()));
        exit(KMD_EXIT_NO_DEVICE);
    }
    return h;
}

static HANDLE open_sync(void)
{
    return kmd_open_device_or_exit("inverted", INVERTED_USER_NAME);
}

/* Sends one WAIT request on an overlapped handle; 0 when it is pending, as it must be. */
static int post_wait(HANDLE h, struct request *r, int n)
{
    memset(r, 0, sizeof *r);
    r->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (DeviceIoControl(h, IOCTL_INVERTED_WAIT, NULL, 0, &r->event, sizeof r->event, NULL,
                        &r->ov)) {
        kmd_check(0, "request %d: completed at once, expected pending", n);
        return 1;
    }
    if (GetLastError() != ERROR_IO_PENDING) {
        kmd_check(0, "request %d: %s, expected pending", n, kmd_error_text(GetLastError()));
        return 1;
    }
    return 0;
}

/* Sends `count` WAIT requests, checks they all stay pending; 0 when they do. */
static int post_waits(HANDLE h, struct request *r, int first, int count)
{
    int bad = 0;

    for (int i = 0; i < count && !bad; i++)
        bad = post_wait(h, &r[i], first + i);
    if (!bad && count == 1)
        kmd_check(1, "request %d pending", first);
    else if (!bad)
        kmd_check(1, "requests %d to %d pending", first, first + count - 1);
    return bad;
}

/* Waits up to ms for the request: WAIT_TIMEOUT while pending, else 0 or its Win32 error. */
static DWORD finish(HANDLE h, struct request *r, DWORD ms)
{
    if (WaitForSingleObject(r->ov.hEvent, ms) == WAIT_TIMEOUT)
        return WAIT_TIMEOUT;
    if (!GetOverlappedResult(h, &r->ov, &r->got, FALSE))
        return GetLastError();
    return 0;
}

static DWORD signal_event(HANDLE h, const char *payload)
{
    DWORD err = kmd_ioctl(h, IOCTL_INVERTED_SIGNAL, payload, (DWORD)strlen(payload), NULL, 0, NULL);

    if (err)
        kmd_check(0, "signal \"%s\": %s", payload, kmd_error_text(err));
    return err;
}

static DWORD get_stats(HANDLE h, INVERTED_STATS *s)
{
    DWORD got = 0, err = kmd_ioctl(h, IOCTL_INVERTED_GET_STATS, NULL, 0, s, sizeof *s, &got);

    if (!err && (got != sizeof *s || s->Size != sizeof *s))
        err = ERROR_INVALID_DATA;
    return err;
}

static void print_stats(const char *what, const INVERTED_STATS *s)
{
    printf("%s: pending %u, delivered %u, cancelled %u, cleaned up %u, dropped %u\n", what,
           s->Pending, s->Delivered, s->Cancelled, s->CleanedUp, s->Dropped);
}

/* Checks that request r completed with payload and, when *seq is not 0, that sequence number. */
static int expect_event(HANDLE h, struct request *r, int n, const char *payload, unsigned *seq)
{
    DWORD err = finish(h, r, TIMEOUT_MS);
    size_t len = strlen(payload);
    int ok;

    if (err == WAIT_TIMEOUT) {
        kmd_check(0, "request %d: still pending after %d ms, expected event \"%s\"", n, TIMEOUT_MS,
                  payload);
        return 1;
    }
    if (err) {
        kmd_check(0, "request %d: %s, expected event \"%s\"", n, kmd_error_text(err), payload);
        return 1;
    }
    ok = r->got == sizeof r->event && r->event.Length == len &&
         memcmp(r->event.Data, payload, len) == 0 && (*seq == 0 || r->event.Sequence == *seq);
    kmd_check(ok, "request %d: event #%u, %u bytes \"%.*s\"", n, r->event.Sequence, r->event.Length,
              (int)(r->event.Length <= INVERTED_PAYLOAD_MAX ? r->event.Length : 0), r->event.Data);
    if (!ok)
        printf("request %d: expected event #%u \"%s\" in %u bytes\n", n,
               *seq ? *seq : r->event.Sequence, payload, (unsigned)sizeof r->event);
    *seq = r->event.Sequence + 1;
    return !ok;
}

/* Checks that requests first..first+count-1 (r[0..count-1]) are all still pending. */
static int expect_pending(HANDLE h, struct request *r, int first, int count)
{
    for (int i = 0; i < count; i++) {
        DWORD err = finish(h, &r[i], QUIET_MS);

        if (err != WAIT_TIMEOUT) {
            kmd_check(0, "request %d: completed (%s), expected still pending", first + i,
                      err ? kmd_error_text(err) : "success");
            return 1;
        }
    }
    if (count == 1)
        kmd_check(1, "request %d still pending", first);
    else if (count > 1)
        kmd_check(1, "requests %d to %d still pending", first, first + count - 1);
    return 0;
}

static int expect_aborted(HANDLE h, struct request *r, int n)
{
    DWORD err = finish(h, r, TIMEOUT_MS);

    kmd_check(err == ERROR_OPERATION_ABORTED, "request %d: %s (expected 995)", n,
              err == WAIT_TIMEOUT ? "still pending"
              : err               ? kmd_error_text(err)
                                  : "success");
    return err != ERROR_OPERATION_ABORTED;
}

static int verdict(const char *what, const char *passed)
{
    if (kmd_check_failures()) {
        printf("%s: FAILED\n", what);
        return 1;
    }
    printf("%s: passed (%s)\n", what, passed);
    return 0;
}

static int fifo(void)
{
    HANDLE waiter = open_overlapped(), signaller = open_sync();
    struct request r[4];
    char payload[4][16];
    unsigned seq = 0;
    int bad = post_waits(waiter, r, 1, 4) || expect_pending(waiter, r, 1, 4);

    for (int i = 0; i < 4 && !bad; i++) {
        snprintf(payload[i], sizeof payload[i], "event-%d", i + 1);
        bad = signal_event(signaller, payload[i]) != 0 ||
              expect_event(waiter, &r[i], i + 1, payload[i], &seq) ||
              expect_pending(waiter, &r[i + 1], i + 2, 3 - i);
    }
    if (bad)
        CancelIo(waiter);
    CloseHandle(waiter);
    CloseHandle(signaller);
    return verdict("fifo", "each event completed the oldest pending request");
}

static int cancel(void)
{
    HANDLE waiter = open_overlapped(), signaller = open_sync();
    struct request r[4];
    INVERTED_STATS s;
    unsigned seq = 0;
    DWORD err;
    int bad = post_waits(waiter, r, 1, 3);

    if (!bad) {
        printf("CancelIoEx on request 2\n");
        if (!CancelIoEx(waiter, &r[1].ov)) {
            kmd_check(0, "CancelIoEx: %s", kmd_error_text(GetLastError()));
            bad = 1;
        }
    }
    bad = bad || expect_aborted(waiter, &r[1], 2) || expect_pending(waiter, &r[0], 1, 1) ||
          expect_pending(waiter, &r[2], 3, 1);
    /* The cancelled request left the queue: the next two events go to requests 1 and 3. */
    bad = bad || signal_event(signaller, "first") || expect_event(waiter, &r[0], 1, "first", &seq);
    bad = bad || signal_event(signaller, "third") || expect_event(waiter, &r[2], 3, "third", &seq);
    bad = bad || post_waits(waiter, &r[3], 4, 1);
    if (!bad) {
        printf("CancelIo on request 4\n");
        CancelIo(waiter);
        bad = expect_aborted(waiter, &r[3], 4);
    }
    if (!bad) {
        err = get_stats(signaller, &s);
        if (!err)
            print_stats("stats", &s);
        kmd_check(!err && s.Pending == 0, "no request left in the driver (%s, pending %u)",
                  err ? kmd_error_text(err) : "stats ok", err ? 0 : s.Pending);
    }
    if (bad)
        CancelIo(waiter);
    CloseHandle(waiter);
    CloseHandle(signaller);
    return verdict("cancel", "cancelled requests complete with 995 and leave the queue");
}

/* On Windows, closing the last handle sends IRP_MJ_CLEANUP, and the driver completes the
 * requests of that file object. Wine never sends it: the requests stay queued until this
 * process exits (then Wine cancels them, as Windows cancels a thread's IRPs when it exits). */
static int close_case(void)
{
    HANDLE waiter = open_overlapped(), other = open_sync();
    struct request r[2];
    INVERTED_STATS before, after;
    int done = 0, wine = kmd_running_on_wine();
    DWORD err = get_stats(other, &before);

    if (err)
        return kmd_print_error("stats", err);
    if (post_waits(waiter, r, 1, 2))
        return verdict("close", "");
    CloseHandle(waiter);
    printf("close: 2 requests pending, handle closed\n");
    for (int i = 0; i < 2; i++)
        if (WaitForSingleObject(r[i].ov.hEvent, 2000) == WAIT_OBJECT_0)
            done++;
    err = get_stats(other, &after);
    CloseHandle(other);
    if (err)
        return kmd_print_error("stats", err);
    print_stats("stats", &after);
    if (wine) {
        kmd_check(done == 0 && after.CleanedUp == before.CleanedUp &&
                      after.Pending == before.Pending + 2,
                  "%d of 2 requests completed, %u cleaned up: both still queued, as Wine leaves "
                  "them",
                  done, after.CleanedUp - before.CleanedUp);
        puts("not checked under Wine: IRP_MJ_CLEANUP on CloseHandle (never sent: the requests of "
             "the closed handle stay queued in the driver until this process exits)");
    } else {
        kmd_check(done == 2 && after.CleanedUp == before.CleanedUp + 2 &&
                      after.Pending == before.Pending,
                  "%d of 2 requests completed, %u cleaned up by IRP_MJ_CLEANUP", done,
                  after.CleanedUp - before.CleanedUp);
    }
    return verdict("close", wine ? "the requests of the closed handle stay queued under Wine"
                                 : "IRP_MJ_CLEANUP completed the requests of the closed handle");
}

/* Exits with 2 requests pending: Windows cancels a thread's IRPs when it exits. */
static int exit_case(void)
{
    HANDLE waiter = open_overlapped();
    struct request r[2];

    if (post_waits(waiter, r, 1, 2))
        return 1;
    printf("exit: leaving with 2 requests pending\n");
    fflush(stdout);
    ExitProcess(0);
}

static int stats(int argc, char **argv)
{
    HANDLE h;
    INVERTED_STATS s;
    DWORD want = 0, err;

    if (argc == 2 && strcmp(argv[0], "--pending") == 0) {
        if (!kmd_parse_uint("inverted", argv[1], 0xFFFFFFFFu, &want))
            return KMD_EXIT_USAGE;
    } else if (argc != 0) {
        fprintf(stderr, "inverted: stats takes only --pending N\n");
        return KMD_EXIT_USAGE;
    }
    h = open_sync();
    err = get_stats(h, &s);
    CloseHandle(h);
    if (err)
        return kmd_print_error("stats", err);
    print_stats("stats", &s);
    if (argc == 0)
        return 0;
    kmd_check(s.Pending == want, "%u request(s) pending, %lu expected", s.Pending,
              (unsigned long)want);
    return kmd_check_failures() ? 1 : 0;
}

/* The words of "inverted call": a WAIT asks for a whole event, a SIGNAL for a payload given
 * with --in or --in-size. */
static const struct kmd_call_name call_names[] = {
    {"wait", IOCTL_INVERTED_WAIT, 0, sizeof(INVERTED_EVENT)},
    {"signal", IOCTL_INVERTED_SIGNAL, 0, 0},
    {"stats", IOCTL_INVERTED_GET_STATS, 0, sizeof(INVERTED_STATS)},
    {NULL, 0, 0, 0},
};

static int usage(FILE *f, int rc)
{
    fputs("usage: inverted fifo | cancel | close | exit | stats [--pending N] |\n"
          "       call wait|signal|stats|HEXCODE [--in TEXT | --in-size N] [--out-size N]\n",
          f);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(void);
    } cases[] = {{"fifo", fifo}, {"cancel", cancel}, {"close", close_case}, {"exit", exit_case}};
    const char *cmd = argc > 1 ? argv[1] : "";

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
        return usage(stdout, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (strcmp(cmd, cases[i].name) != 0)
            continue;
        if (argc > 2) {
            fprintf(stderr, "inverted: %s takes no argument\n", cmd);
            return usage(stderr, KMD_EXIT_USAGE);
        }
        return cases[i].run();
    }
    if (strcmp(cmd, "stats") == 0)
        return stats(argc - 2, argv + 2);
    if (strcmp(cmd, "call") == 0) {
        /* Overlapped, so a WAIT that stays pending can be cancelled. */
        HANDLE h = open_overlapped();
        int rc = kmd_call_command(h, "inverted", call_names, argc - 2, argv + 2);

        CloseHandle(h);
        return rc;
    }
    if (argc < 2)
        fprintf(stderr, "inverted: a command is needed\n");
    else
        fprintf(stderr, "inverted: unknown command '%s'\n", cmd);
    return usage(stderr, KMD_EXIT_USAGE);
}
