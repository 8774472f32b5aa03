/* inverted.exe: the client of kernel/inverted (the inverted-call model).
 *
 *   inverted fifo       4 WAIT requests pending at once, then 4 SIGNALs from a second handle:
 *                       each completes the oldest request, with its payload
 *   inverted cancel     CancelIoEx on one of 3 pending requests (-> 995), the others still get
 *                       their events in order; then CancelIo on the rest
 *   inverted close      2 pending requests, then CloseHandle: says whether the driver saw
 *                       IRP_MJ_CLEANUP and completed them
 *   inverted exit       leaves 2 requests pending and exits (the system must cancel them)
 *   inverted stats [--pending N]   print the driver's counters (and check Pending)
 *   inverted call wait|signal|stats|HEXCODE [--in TEXT | --in-size N] [--out-size N]
 *                       one request with any buffer sizes: "ok: N bytes", "error: ...", or
 *                       "pending" (then cancelled after 1 s)
 * Exit codes: 0 success, 1 a wrong answer or an error, 2 bad arguments, 3 no device. */
#include <kmdkit/user.h>
#include <inverted_ioctl.h>

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

/* The device, opened for overlapped I/O (overlapped = 1) or synchronous I/O. */
static HANDLE open_device(int overlapped)
{
    HANDLE h = CreateFileW(L"\\\\.\\" INVERTED_USER_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, overlapped ? FILE_FLAG_OVERLAPPED : 0, NULL);

    if (h == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "inverted: cannot open \\\\.\\%ls: %s\n", INVERTED_USER_NAME,
                kmd_error_text(GetLastError()));
        exit(3);
    }
    return h;
}

/* Sends one WAIT request on an overlapped handle; 0 when it is pending, as it must be. */
static int post_wait(HANDLE h, struct request *r, int n)
{
    memset(r, 0, sizeof *r);
    r->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (DeviceIoControl(h, IOCTL_INVERTED_WAIT, NULL, 0, &r->event, sizeof r->event, NULL,
                        &r->ov)) {
        printf("request %d: completed at once, expected pending\n", n);
        return 1;
    }
    if (GetLastError() != ERROR_IO_PENDING) {
        printf("request %d: error %s\n", n, kmd_error_text(GetLastError()));
        return 1;
    }
    return 0;
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
    return kmd_ioctl(h, IOCTL_INVERTED_SIGNAL, payload, (DWORD)strlen(payload), NULL, 0, NULL);
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

/* Checks that request r completed with payload and, when seq is not 0, that sequence number. */
static int expect_event(HANDLE h, struct request *r, int n, const char *payload, unsigned *seq)
{
    DWORD err = finish(h, r, TIMEOUT_MS);
    size_t len = strlen(payload);

    if (err == WAIT_TIMEOUT) {
        printf("request %d: still pending after %d ms, expected event \"%s\"\n", n, TIMEOUT_MS,
               payload);
        return 1;
    }
    if (err) {
        printf("request %d: error %s, expected event \"%s\"\n", n, kmd_error_text(err), payload);
        return 1;
    }
    printf("request %d: event #%u, %u bytes \"%.*s\"\n", n, r->event.Sequence, r->event.Length,
           (int)(r->event.Length <= INVERTED_PAYLOAD_MAX ? r->event.Length : 0), r->event.Data);
    if (r->got != sizeof r->event || r->event.Length != len ||
        memcmp(r->event.Data, payload, len) != 0 || (*seq != 0 && r->event.Sequence != *seq)) {
        printf("request %d: wrong event: expected #%u \"%s\" in %u bytes\n", n, *seq, payload,
               (unsigned)sizeof r->event);
        return 1;
    }
    *seq = r->event.Sequence + 1;
    return 0;
}

static int expect_pending(HANDLE h, struct request *r, int n)
{
    DWORD err = finish(h, r, QUIET_MS);

    if (err != WAIT_TIMEOUT) {
        printf("request %d: completed (%s), expected still pending\n", n,
               err ? kmd_error_text(err) : "success");
        return 1;
    }
    return 0;
}

static int expect_aborted(HANDLE h, struct request *r, int n)
{
    DWORD err = finish(h, r, TIMEOUT_MS);

    printf("request %d: %s\n", n,
           err == WAIT_TIMEOUT ? "still pending"
           : err               ? kmd_error_text(err)
                               : "success");
    if (err != ERROR_OPERATION_ABORTED) {
        printf("request %d: expected error 995 (ERROR_OPERATION_ABORTED)\n", n);
        return 1;
    }
    return 0;
}

static int fifo(void)
{
    HANDLE waiter = open_device(1), signaller = open_device(0);
    struct request r[4];
    char payload[4][16];
    unsigned seq = 0;
    int bad = 0;

    for (int i = 0; i < 4 && !bad; i++)
        bad = post_wait(waiter, &r[i], i + 1);
    for (int i = 0; i < 4 && !bad; i++)
        bad = expect_pending(waiter, &r[i], i + 1);
    if (!bad)
        printf("fifo: 4 requests pending\n");
    for (int i = 0; i < 4 && !bad; i++) {
        DWORD err;

        snprintf(payload[i], sizeof payload[i], "event-%d", i + 1);
        err = signal_event(signaller, payload[i]);
        if (err) {
            printf("signal \"%s\": error %s\n", payload[i], kmd_error_text(err));
            bad = 1;
            break;
        }
        bad = expect_event(waiter, &r[i], i + 1, payload[i], &seq);
        for (int j = i + 1; j < 4 && !bad; j++)
            bad = expect_pending(waiter, &r[j], j + 1);
    }
    if (bad)
        CancelIo(waiter);
    CloseHandle(waiter);
    CloseHandle(signaller);
    puts(bad ? "fifo: FAILED" : "fifo: passed (each event completed the oldest pending request)");
    return bad;
}

static int cancel(void)
{
    HANDLE waiter = open_device(1), signaller = open_device(0);
    struct request r[4];
    INVERTED_STATS s;
    unsigned seq = 0;
    DWORD err;
    int bad = 0;

    for (int i = 0; i < 3 && !bad; i++)
        bad = post_wait(waiter, &r[i], i + 1);
    if (!bad && !CancelIoEx(waiter, &r[1].ov)) {
        printf("CancelIoEx: %s\n", kmd_error_text(GetLastError()));
        bad = 1;
    }
    if (!bad) {
        printf("CancelIoEx on request 2\n");
        bad = expect_aborted(waiter, &r[1], 2) || expect_pending(waiter, &r[0], 1) ||
              expect_pending(waiter, &r[2], 3);
    }
    if (!bad && (err = signal_event(signaller, "first")) == 0)
        bad = expect_event(waiter, &r[0], 1, "first", &seq);
    if (!bad && (err = signal_event(signaller, "third")) == 0)
        bad = expect_event(waiter, &r[2], 3, "third", &seq);
    if (!bad && err) {
        printf("signal: error %s\n", kmd_error_text(err));
        bad = 1;
    }
    if (!bad)
        bad = post_wait(waiter, &r[3], 4);
    if (!bad) {
        printf("CancelIo on request 4\n");
        CancelIo(waiter);
        bad = expect_aborted(waiter, &r[3], 4);
    }
    if (!bad) {
        err = get_stats(signaller, &s);
        if (err || s.Pending != 0) {
            printf("stats: %s, pending %u: expected no request left\n",
                   err ? kmd_error_text(err) : "ok", s.Pending);
            bad = 1;
        } else {
            print_stats("stats", &s);
        }
    }
    if (bad)
        CancelIo(waiter);
    CloseHandle(waiter);
    CloseHandle(signaller);
    puts(bad ? "cancel: FAILED"
             : "cancel: passed (cancelled requests complete with 995 and "
               "leave the queue)");
    return bad;
}

/* On Windows, closing the last handle sends IRP_MJ_CLEANUP, and the driver completes the
 * requests of that file object. Reports what happened here. */
static int close_case(void)
{
    HANDLE waiter = open_device(1), other = open_device(0);
    struct request r[2];
    INVERTED_STATS before, after;
    int bad = 0, done = 0;
    DWORD err = get_stats(other, &before);

    for (int i = 0; i < 2 && !bad && !err; i++)
        bad = post_wait(waiter, &r[i], i + 1);
    if (err || bad) {
        printf("close: setup failed: %s\n", err ? kmd_error_text(err) : "WAIT not pending");
        return 1;
    }
    CloseHandle(waiter);
    printf("close: 2 requests pending, handle closed\n");
    for (int i = 0; i < 2; i++)
        if (WaitForSingleObject(r[i].ov.hEvent, 2000) == WAIT_OBJECT_0)
            done++;
    err = get_stats(other, &after);
    if (err) {
        printf("stats: error %s\n", kmd_error_text(err));
        return 1;
    }
    print_stats("stats", &after);
    printf("close: %d of 2 requests completed; the driver cleaned up %u and cancelled %u\n", done,
           after.CleanedUp - before.CleanedUp, after.Cancelled - before.Cancelled);
    if (after.CleanedUp - before.CleanedUp == 2 && after.Pending == before.Pending) {
        puts("close: passed (IRP_MJ_CLEANUP completed the requests of the closed handle)");
    } else if (after.CleanedUp == before.CleanedUp) {
        /* Wine never sends IRP_MJ_CLEANUP: the requests stay queued until this process exits
         * (then Wine cancels them, as Windows cancels a thread's IRPs when it exits). */
        printf("not checked under Wine: IRP_MJ_CLEANUP on CloseHandle (never sent: %u "
               "request(s) of the closed handle still queued in the driver)\n",
               after.Pending - before.Pending);
    } else {
        puts("close: FAILED");
        bad = 1;
    }
    CloseHandle(other);
    return bad;
}

/* Exits with 2 requests pending: Windows cancels a thread's IRPs when it exits. */
static int exit_case(void)
{
    HANDLE waiter = open_device(1);
    struct request r[2];

    for (int i = 0; i < 2; i++)
        if (post_wait(waiter, &r[i], i + 1))
            return 1;
    printf("exit: leaving with 2 requests pending\n");
    fflush(stdout);
    ExitProcess(0);
}

static int stats(int argc, char **argv)
{
    HANDLE h = open_device(0);
    INVERTED_STATS s;
    DWORD err = get_stats(h, &s);

    CloseHandle(h);
    if (err) {
        printf("stats: error %s\n", kmd_error_text(err));
        return 1;
    }
    print_stats("stats", &s);
    if (argc == 2 && strcmp(argv[0], "--pending") == 0) {
        unsigned want = (unsigned)strtoul(argv[1], NULL, 10);
        if (s.Pending != want) {
            printf("stats: %u pending, expected %u\n", s.Pending, want);
            return 1;
        }
        printf("stats: pending is %u, as expected\n", want);
    } else if (argc != 0) {
        fprintf(stderr, "inverted: usage: inverted stats [--pending N]\n");
        return 2;
    }
    return 0;
}

static int parse_size(const char *s, DWORD *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (*s == '\0' || *end != '\0' || v > 65536) {
        fprintf(stderr, "inverted: '%s' is not a size from 0 to 65536\n", s);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

static int call(int argc, char **argv)
{
    DWORD code, in_size = 0, out_size = 0, got = 0, err = 0;
    const char *in_text = NULL;
    unsigned char *in, *out;
    OVERLAPPED ov = {0};
    HANDLE h;

    if (argc < 1) {
        fprintf(stderr, "inverted: call needs wait, signal, stats or a hex IOCTL code\n");
        return 2;
    }
    if (strcmp(argv[0], "wait") == 0) {
        code = IOCTL_INVERTED_WAIT;
        out_size = sizeof(INVERTED_EVENT);
    } else if (strcmp(argv[0], "signal") == 0) {
        code = IOCTL_INVERTED_SIGNAL;
    } else if (strcmp(argv[0], "stats") == 0) {
        code = IOCTL_INVERTED_GET_STATS;
        out_size = sizeof(INVERTED_STATS);
    } else {
        char *end;
        code = strtoul(argv[0], &end, 16);
        if (*end != '\0') {
            fprintf(stderr, "inverted: '%s' is not wait, signal, stats or a hex code\n", argv[0]);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "inverted: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--in") == 0) {
            in_text = argv[++i];
            in_size = (DWORD)strlen(in_text);
        } else if (strcmp(argv[i], "--in-size") == 0) {
            if (!parse_size(argv[++i], &in_size))
                return 2;
        } else if (strcmp(argv[i], "--out-size") == 0) {
            if (!parse_size(argv[++i], &out_size))
                return 2;
        } else {
            fprintf(stderr, "inverted: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    in = calloc(in_size + 1, 1);
    out = calloc(out_size + 1, 1);
    if (!in || !out) {
        fprintf(stderr, "inverted: out of memory\n");
        return 1;
    }
    if (in_text)
        memcpy(in, in_text, in_size);
    else
        memset(in, 'x', in_size);
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    h = open_device(1);
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!DeviceIoControl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size,
                         NULL, &ov)) {
        err = GetLastError();
        if (err == ERROR_IO_PENDING && WaitForSingleObject(ov.hEvent, 1000) == WAIT_TIMEOUT) {
            printf("call: pending (cancelling it)\n");
            CancelIo(h);
        }
    }
    if (err == 0 || err == ERROR_IO_PENDING)
        err = GetOverlappedResult(h, &ov, &got, TRUE) ? 0 : GetLastError();
    CloseHandle(h);
    if (err)
        printf("call: error: %s\n", kmd_error_text(err));
    else {
        printf("call: ok: %lu bytes\n", (unsigned long)got);
        kmd_hexdump(stdout, out, got);
    }
    free(in);
    free(out);
    return err ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (strcmp(cmd, "fifo") == 0 && argc == 2)
        return fifo();
    if (strcmp(cmd, "cancel") == 0 && argc == 2)
        return cancel();
    if (strcmp(cmd, "close") == 0 && argc == 2)
        return close_case();
    if (strcmp(cmd, "exit") == 0 && argc == 2)
        return exit_case();
    if (strcmp(cmd, "stats") == 0)
        return stats(argc - 2, argv + 2);
    if (strcmp(cmd, "call") == 0)
        return call(argc - 2, argv + 2);
    puts("usage: inverted fifo | cancel | close | exit | stats [--pending N] |\n"
         "       call wait|signal|stats|HEXCODE [--in TEXT | --in-size N] [--out-size N]");
    return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
}
