/* fuzz: random IOCTLs on a device, their outcomes code by code, and a watch on the host.
 * The requests are drawn by fuzz.c, sent by fuzz_io.c; this file runs them and reports. */
#include "commands.h"
#include "fuzz_io.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OUTCOMES 16 /* distinct outcomes kept per code; the rest are counted together */
#define SHOW_EACH 16    /* a run of at most this many requests prints each one */

struct outcome {
    DWORD err;
    DWORD bytes; /* success: the byte count */
    DWORD count;
    DWORD first;   /* its first request's number among the code's (for --first) */
    int cancelled; /* it came back after CancelIoEx */
    int bad;       /* a buffer was NULL with a size, or a bad pointer: the I/O manager answers */
};

struct code_stats {
    DWORD code;
    DWORD requests;
    struct outcome outcomes[MAX_OUTCOMES];
    size_t n;
    DWORD others;  /* requests whose outcome did not fit in the table */
    DWORD skipped; /* not sent (Wine: a NULL or bad input buffer) */
    /* Findings beside the errors: success with more bytes than the output buffer holds. */
    DWORD overflows, overflow_first, overflow_bytes, overflow_size;
};

/* The run, for the reports (the hang report comes from the watchdog thread too). */
static struct {
    const struct kmdctl_args *a;
    const struct kmdctl_fuzz_options *o;
    DWORD seed;
    DWORD *codes;
    size_t ncodes;
    struct code_stats *stats;
    unsigned long long total, sent; /* requests in the run, sent so far */
    /* Under Wine, requests with a NULL or bad input buffer are not sent: after the failed copy
     * its DeviceIoControl waits on a stale handle, sometimes forever. Counted here. */
    int wine;
    unsigned long long skipped;
    struct kmdctl_fuzz_request cur; /* the request in flight */
    unsigned long long cur_n;       /* its number in the run (1-based) */
    int reopening;                  /* the call in flight is the reopen after a request */
    HANDLE journal;
    struct fuzz_io io;
} run;

static const char *error_name(DWORD err)
{
    const char *name = kmd_win32_error_name(err);
    return name ? name : "?";
}

static const char *code_hex(DWORD code, char *buf, size_t size)
{
    snprintf(buf, size, "0x%08lX", (unsigned long)code);
    return buf;
}

/* "ok, 12 bytes" or "87 (ERROR_INVALID_PARAMETER)" */
static const char *result_text(DWORD err, DWORD bytes, char *buf, size_t size)
{
    if (err == ERROR_SUCCESS)
        snprintf(buf, size, "ok, %lu bytes", (unsigned long)bytes);
    else
        snprintf(buf, size, "%lu (%s)", (unsigned long)err, error_name(err));
    return buf;
}

/* --- command lines for a replay --------------------------------------------------------------- */

static void add(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 3, 4)));

static void add(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len + 1 >= size)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* "kmdctl fuzz DEVICE": the device as given, quoted when it has a blank. */
static void replay_head(char *buf, size_t size)
{
    const char *dev = u8(run.a->device);

    snprintf(buf, size, strchr(dev, ' ') ? "kmdctl fuzz \"%s\"" : "kmdctl fuzz %s", dev);
}

/* The options besides the codes that shape the requests or how they are judged. */
static void replay_tail(char *buf, size_t size)
{
    const struct kmdctl_fuzz_options *o = run.o;

    if (o->max_size != KMDCTL_FUZZ_MAX_SIZE_DEFAULT)
        add(buf, size, " --max-size %lu", (unsigned long)o->max_size);
    if (o->timeout_given)
        add(buf, size, " --timeout %lu", (unsigned long)o->timeout_ms);
    if (o->cancel_given)
        add(buf, size, " --cancel-after %lu", (unsigned long)o->cancel_ms);
    for (size_t i = 0; o->expect_given && i < o->expect_count; i++)
        add(buf, size, "%s%lu", i ? "," : " --expect-errors ", (unsigned long)o->expect[i]);
}

/* The command that sends request `number` of `code` alone. */
static const char *replay_one(DWORD code, DWORD number, char *buf, size_t size)
{
    replay_head(buf, size);
    add(buf, size, " --code 0x%08lX --seed %lu --first %lu --count 1", (unsigned long)code,
        (unsigned long)run.seed, (unsigned long)number);
    replay_tail(buf, size);
    return buf;
}

/* The command that runs this run's codes up to round `number`. */
static const char *replay_upto(DWORD number, char *buf, size_t size)
{
    const struct kmdctl_fuzz_options *o = run.o;
    static const char *const methods[] = {"buffered", "in-direct", "out-direct", "neither"};

    replay_head(buf, size);
    for (size_t i = 0; i < o->code_count; i++)
        add(buf, size, " --code 0x%08lX", (unsigned long)o->codes[i]);
    if (o->type_given) {
        add(buf, size, " --type 0x%lX --functions 0x%lX-0x%lX", (unsigned long)o->type,
            (unsigned long)o->function_first, (unsigned long)o->function_last);
        if (o->methods) {
            const char *sep = " --methods ";
            for (int m = 0; m < 4; m++)
                if (o->methods & (1u << m)) {
                    add(buf, size, "%s%s", sep, methods[m]);
                    sep = ",";
                }
        }
    }
    for (size_t i = 0; i < o->exclude_count; i++)
        add(buf, size, " --exclude 0x%08lX", (unsigned long)o->excludes[i]);
    add(buf, size, " --seed %lu", (unsigned long)run.seed);
    if (o->first != 1)
        add(buf, size, " --first %lu", (unsigned long)o->first);
    add(buf, size, " --count %lu", (unsigned long)(number - o->first + 1));
    replay_tail(buf, size);
    return buf;
}

/* "0x83022004, its request 39: in 13 bytes (random bytes), out 4 bytes at a page end" */
static const char *describe(const struct kmdctl_fuzz_request *r, char *buf, size_t size)
{
    char in[64], out[64];

    kmdctl_fuzz_describe(&r->in, in, sizeof in);
    kmdctl_fuzz_describe(&r->out, out, sizeof out);
    snprintf(buf, size, "0x%08lX, its request %lu: in %s%s%s%s, out %s", (unsigned long)r->code,
             (unsigned long)r->number, in, r->in.size ? " (" : "",
             r->in.size ? kmdctl_fuzz_fill_name(r->fill) : "", r->in.size ? ")" : "", out);
    return buf;
}

/* --- outcomes --------------------------------------------------------------------------------- */

static int outcome_order(const void *x, const void *y)
{
    const struct outcome *a = x, *b = y;

    if (a->err != b->err)
        return a->err < b->err ? -1 : 1;
    if (a->bytes != b->bytes)
        return a->bytes < b->bytes ? -1 : 1;
    if (a->bad != b->bad)
        return a->bad - b->bad;
    return a->cancelled - b->cancelled;
}

/* A buffer the I/O manager must refuse (or, for METHOD_NEITHER, the driver must probe). */
static int bad_buffers(const struct kmdctl_fuzz_request *r)
{
    return r->in.place >= KMDCTL_FUZZ_NULL || r->out.place >= KMDCTL_FUZZ_NULL;
}

static void record(struct code_stats *s, const struct kmdctl_fuzz_request *r,
                   const struct fuzz_result *res)
{
    int bad = bad_buffers(r);
    size_t i;

    s->requests++;
    if (res->err == ERROR_SUCCESS && res->bytes > r->out.size) {
        if (s->overflows++ == 0) {
            s->overflow_first = r->number;
            s->overflow_bytes = res->bytes;
            s->overflow_size = r->out.size;
        }
    }
    for (i = 0; i < s->n; i++) {
        struct outcome *o = &s->outcomes[i];
        if (o->err == res->err && o->bytes == res->bytes && o->cancelled == res->cancelled &&
            o->bad == bad) {
            o->count++;
            return;
        }
    }
    /* A new outcome: errors always get a row (each may be a finding); successes while room. */
    if (s->n == MAX_OUTCOMES && res->err != ERROR_SUCCESS) {
        for (i = 0; i < s->n && s->outcomes[i].err != ERROR_SUCCESS; i++)
            ;
        if (i < s->n) { /* give up a success row: its requests join the others */
            s->others += s->outcomes[i].count;
            s->outcomes[i] = s->outcomes[--s->n];
        }
    }
    if (s->n == MAX_OUTCOMES) {
        s->others++;
        return;
    }
    s->outcomes[s->n++] = (struct outcome){res->err, res->bytes, 1, r->number, res->cancelled, bad};
}

/* An error outside the expected ones, on good buffers (with a bad one the I/O manager answers,
 * and Wine answers a NULL input with 998, 5 or 6). */
static int is_finding(const struct outcome *o)
{
    return o->err != ERROR_SUCCESS && !o->bad && !kmdctl_fuzz_expected(run.o, o->err);
}

/* The outcomes of every code so far (JSON: the "codes" array); returns the findings. */
static unsigned long long report_codes(void)
{
    unsigned long long findings = 0;
    char text[128], cmd[1024];

    out_open("codes", '[');
    for (size_t c = 0; c < run.ncodes; c++) {
        struct code_stats *s = &run.stats[c];
        qsort(s->outcomes, s->n, sizeof *s->outcomes, outcome_order);
        out_open(NULL, '{');
        out_str("code", code_hex(s->code, text, sizeof text));
        out_num("requests", s->requests);
        out_line("%s: %lu requests", kmd_format_ioctl_code(s->code, text, sizeof text),
                 (unsigned long)s->requests);
        out_open("outcomes", '[');
        for (size_t i = 0; i < s->n; i++) {
            const struct outcome *o = &s->outcomes[i];
            int finding = is_finding(o);
            char what[160];

            result_text(o->err, o->bytes, what, sizeof what);
            out_line("  %8lu  %s%s%s%s", (unsigned long)o->count, what,
                     o->bad ? " (NULL or bad buffer)" : "", o->cancelled ? " after the cancel" : "",
                     finding ? ": FINDING, not an expected error" : "");
            out_open(NULL, '{');
            out_num("error", o->err);
            if (o->err)
                out_str("name", kmd_win32_error_name(o->err));
            else
                out_num("bytes", o->bytes);
            out_num("count", o->count);
            out_num("first", o->first);
            out_bool("cancelled", o->cancelled);
            out_bool("bad_buffer", o->bad);
            out_bool("finding", finding);
            if (finding) {
                replay_one(s->code, o->first, cmd, sizeof cmd);
                out_str("replay", cmd);
                out_line("            first: its request %lu; replay: %s", (unsigned long)o->first,
                         cmd);
                findings++;
            }
            out_close('}');
        }
        out_close(']');
        if (s->skipped) {
            out_num("skipped", s->skipped);
            out_line("  %8lu  not sent under Wine (a NULL or bad input buffer)",
                     (unsigned long)s->skipped);
        }
        if (s->others) {
            out_num("other_outcomes", s->others);
            out_line("  %8lu  other successes (byte counts not kept)", (unsigned long)s->others);
        }
        if (s->overflows) {
            replay_one(s->code, s->overflow_first, cmd, sizeof cmd);
            out_open("overflow", '{');
            out_num("count", s->overflows);
            out_num("first", s->overflow_first);
            out_num("bytes", s->overflow_bytes);
            out_num("out_size", s->overflow_size);
            out_str("replay", cmd);
            out_close('}');
            out_line("  %8lu  FINDING: success with more bytes than the output buffer holds "
                     "(first: its request %lu, %lu bytes for %lu); replay: %s",
                     (unsigned long)s->overflows, (unsigned long)s->overflow_first,
                     (unsigned long)s->overflow_bytes, (unsigned long)s->overflow_size, cmd);
            findings++;
        }
        out_close('}');
    }
    out_close(']');
    return findings;
}

/* --- the end of a run ------------------------------------------------------------------------- */

/* The host died (`why` says how) or hung: the outcomes so far, the request, its replays. */
static int report_death(const char *state, const char *why)
{
    char text[256], hex[16], one[1024], upto[1024], journal[2048];
    const struct kmdctl_fuzz_request *r = &run.cur;
    unsigned long long findings = report_codes();

    replay_one(r->code, r->number, one, sizeof one);
    replay_upto(r->number, upto, sizeof upto);
    out_num("requests", run.sent);
    out_num("findings", findings);
    out_num("skipped", run.skipped);
    out_str("host", state);
    out_open("death", '{');
    out_num("request", run.cur_n);
    out_str("code", code_hex(r->code, hex, sizeof hex));
    out_num("code_request", r->number);
    out_num("in_size", r->in.size);
    out_num("out_size", r->out.size);
    out_str("reason", why);
    out_str("replay", one);
    out_str("replay_run", upto);
    out_close('}');
    describe(r, text, sizeof text);
    out_line("fuzz: THE HOST %s at request %llu of this run (%s)",
             state[0] == 'd' ? "DIED" : "HUNG", run.cur_n, text);
    out_line("fuzz: %s", why);
    out_line("fuzz: seed %lu, request %llu; replay that request alone:", (unsigned long)run.seed,
             run.cur_n);
    out_line("  %s", one);
    out_line("fuzz: or the run up to it:");
    out_line("  %s", upto);
    snprintf(journal, sizeof journal, "kmdctl fuzz: the host %s at request %llu: %s\nreplay: %s\n",
             state, run.cur_n, why, one);
    fuzz_journal_write(run.journal, journal);
    return out_fail(KMDCTL_EXIT_HOST_DIED, 0, "the host of %s %s at request %llu (seed %lu)",
                    u8(run.io.path), state, run.cur_n, (unsigned long)run.seed);
}

/* The watchdog's verdict (or the main thread's): report and end the process. */
static void hung(void *ctx, DWORD elapsed_ms, int cancelled)
{
    char why[256];

    (void)ctx;
    if (run.reopening)
        snprintf(why, sizeof why,
                 "after it, opening %s again was not done after %lu ms: the host is stuck",
                 u8(run.io.path), (unsigned long)elapsed_ms);
    else
        snprintf(why, sizeof why, "the request was not done after %lu ms%s",
                 (unsigned long)elapsed_ms, cancelled ? " (CancelIoEx did not end it)" : "");
    ExitProcess((UINT)out_finish(report_death("hung", why)));
}

/* After a suspicious error: does the device still open? 0 when the host looks alive. */
static int host_died(DWORD err, char *why, size_t size)
{
    DWORD open_err;

    run.reopening = 1;
    open_err = fuzz_io_reopen(&run.io);
    run.reopening = 0;
    if (!fuzz_io_gone(open_err))
        return 0;
    snprintf(why, size, "the request failed with %lu (%s), and %s no longer opens: %lu (%s)",
             (unsigned long)err, error_name(err), u8(run.io.path), (unsigned long)open_err,
             error_name(open_err));
    return 1;
}

/* --- the run ---------------------------------------------------------------------------------- */

static void announce(const struct kmdctl_fuzz_request *r)
{
    char text[2048], cmd[1024];

    if (run.journal == INVALID_HANDLE_VALUE)
        return;
    snprintf(text, sizeof text,
             "kmdctl fuzz: seed %lu, request %llu of %llu in flight (%s)\nreplay: %s\n",
             (unsigned long)run.seed, run.cur_n, run.total, describe(r, cmd, 512),
             replay_one(r->code, r->number, cmd + 512, sizeof cmd - 512));
    fuzz_journal_write(run.journal, text);
}

static int send_all(void)
{
    const struct kmdctl_fuzz_options *o = run.o;
    char text[256], result[160], why[512];

    for (DWORD round = 0; round < o->count; round++) {
        for (size_t c = 0; c < run.ncodes; c++) {
            struct kmdctl_fuzz_request *r = &run.cur;
            struct fuzz_result res;
            void *in, *out;

            kmdctl_fuzz_draw(run.seed, run.codes[c], o->first + round, o->max_size, r);
            run.cur_n = run.sent + run.skipped + 1;
            if (run.wine && r->in.place >= KMDCTL_FUZZ_NULL) {
                run.skipped++;
                run.stats[c].skipped++;
                if (run.total <= SHOW_EACH)
                    out_line("request %llu (%s): not sent under Wine (a NULL or bad input buffer)",
                             run.cur_n, describe(r, text, sizeof text));
                continue;
            }
            in = fuzz_io_place(&run.io, 0, &r->in);
            out = fuzz_io_place(&run.io, 1, &r->out);
            if (r->in.place == KMDCTL_FUZZ_START || r->in.place == KMDCTL_FUZZ_PAGE_END)
                kmdctl_fuzz_fill(r, in);
            announce(r);
            fuzz_io_send(&run.io, r->code, in, r->in.size, out, r->out.size, &res);
            run.sent++;
            record(&run.stats[c], r, &res);
            if (run.total <= SHOW_EACH)
                out_line("request %llu (%s): %s%s", run.cur_n, describe(r, text, sizeof text),
                         result_text(res.err, res.bytes, result, sizeof result),
                         res.cancelled ? " after the cancel" : "");
            if ((kmdctl_fuzz_suspicious(res.err) || !kmdctl_fuzz_expected(o, res.err)) &&
                res.err != ERROR_SUCCESS && host_died(res.err, why, sizeof why))
                return report_death("died", why);
        }
    }
    return 0;
}

int cmd_fuzz(const struct kmdctl_args *a)
{
    const struct kmdctl_fuzz_options *o = &a->fuzz;
    wchar_t path[MAX_PATH + 8];
    char why[512], seed_text[32];
    unsigned long long findings;
    DWORD err;
    int rc;

    memset(&run, 0, sizeof run);
    run.a = a;
    run.o = o;
    run.journal = INVALID_HANDLE_VALUE;
    run.codes = calloc(KMDCTL_FUZZ_MAX_CODES, sizeof *run.codes);
    if (!run.codes)
        return out_fail(KMDCTL_EXIT_FAILED, ERROR_NOT_ENOUGH_MEMORY, "no memory for the codes");
    err = kmdctl_fuzz_codes(o, run.codes, KMDCTL_FUZZ_MAX_CODES, &run.ncodes, why, sizeof why);
    if (err)
        return out_usage(err, "%s", why);
    if ((unsigned long long)o->first + o->count - 1 > 0xFFFFFFFFULL)
        return out_usage(ERROR_INVALID_PARAMETER, "--first %lu with --count %lu goes past %lu",
                         (unsigned long)o->first, (unsigned long)o->count, 0xFFFFFFFFUL);
    run.seed = o->seed;
    if (o->seed_random) {
        LARGE_INTEGER t;
        QueryPerformanceCounter(&t);
        run.seed = (DWORD)(t.QuadPart ^ (t.QuadPart >> 32) ^ GetCurrentProcessId() * 2654435761u);
    }
    run.total = (unsigned long long)o->count * run.ncodes;
    run.wine = kmd_running_on_wine();
    run.stats = calloc(run.ncodes, sizeof *run.stats);
    if (!run.stats)
        return out_fail(KMDCTL_EXIT_FAILED, ERROR_NOT_ENOUGH_MEMORY, "no memory for the outcomes");
    for (size_t c = 0; c < run.ncodes; c++)
        run.stats[c].code = run.codes[c];

    device_path(a->device, path, sizeof path / sizeof *path);
    snprintf(seed_text, sizeof seed_text, "%lu", (unsigned long)run.seed);
    out_wstr("device", path);
    out_num("seed", run.seed);
    out_num("first", o->first);
    out_num("count", o->count);
    out_num("max_size", o->max_size);
    out_num("code_count", run.ncodes);
    if (o->journal) {
        err = fuzz_journal_open(o->journal, &run.journal);
        if (err)
            return out_fail(-1, err, "cannot create --journal '%s'", u8(o->journal));
    }
    err = fuzz_io_open(&run.io, path, o->max_size, o->cancel_ms, o->timeout_ms, hung, NULL);
    if (err)
        return out_fail(-1, err, "cannot open device '%s'", u8(path));
    out_line("fuzz %s: %zu code%s, requests %lu-%lu of each (%llu in all), seed %s%s, sizes up "
             "to %lu bytes",
             u8(path), run.ncodes, run.ncodes == 1 ? "" : "s", (unsigned long)o->first,
             (unsigned long)(o->first + o->count - 1), run.total, seed_text,
             o->seed_random ? " (random)" : "", (unsigned long)o->max_size);

    rc = send_all();
    if (rc)
        return rc;

    /* The end: the outcomes, and whether the host still answers an open. */
    findings = report_codes();
    out_num("requests", run.sent);
    out_num("findings", findings);
    out_num("skipped", run.skipped);
    if (run.skipped) {
        out_line("not checked under Wine: %llu request%s with a NULL or bad input buffer (Wine's "
                 "DeviceIoControl may wait forever on one)",
                 run.skipped, run.skipped == 1 ? "" : "s");
    }
    run.reopening = 1;
    err = fuzz_io_reopen(&run.io);
    run.reopening = 0;
    if (fuzz_io_gone(err)) {
        snprintf(why, sizeof why, "after the last request %s no longer opens: %lu (%s)", u8(path),
                 (unsigned long)err, error_name(err));
        return report_death("died", why);
    }
    out_str("host", "alive");
    if (err)
        snprintf(why, sizeof why, " (opening it again gives %lu (%s))", (unsigned long)err,
                 error_name(err));
    else
        snprintf(why, sizeof why, " (%s opens)", u8(path));
    out_line("fuzz: seed %s: %llu requests, %llu finding%s; host alive%s", seed_text, run.sent,
             findings, findings == 1 ? "" : "s", why);
    snprintf(why, sizeof why,
             "kmdctl fuzz: finished: seed %s, %llu requests, %llu findings, host "
             "alive\n",
             seed_text, run.sent, findings);
    fuzz_journal_write(run.journal, why);
    if (findings)
        return out_fail(KMDCTL_EXIT_FAILED, 0, "%llu finding%s on %s (seed %s)", findings,
                        findings == 1 ? "" : "s", u8(path), seed_text);
    return 0;
}
