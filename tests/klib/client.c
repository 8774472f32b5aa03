/* klibtest.exe: the client of tests/klib/driver.c, which runs kmdkit_klib's tests in the kernel.
 *
 *   klibtest run CASE|all   run in-kernel cases (info pool time strings log device thread
 *                           runstate) and print every check: "pass: ...", "FAIL: ...", "skip:
 *                           ..." (could not be checked here, and why), "note: ..."; then "CASE:
 *                           N passed, N failed, N skipped"
 *   klibtest probe buffered|in_direct|out_direct [--in-size N] [--out-size N]
 *                           one KmdGetIoctlBuffers probe: "probe: ok ..." or "probe: error: <code>"
 *   klibtest leak           allocate 3 blocks of tag kLk1 in the driver and leave them
 * Exit codes: 0 success, 1 a check failed or the driver answered with an error, 2 bad
 * arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "klibtest_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const case_names[KlibtestCaseCount] = {"info", "pool",   "time",   "strings",
                                                          "log",  "device", "thread", "runstate"};

static HANDLE open_klibtest(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(KLIBTEST_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "klibtest: cannot open \\\\.\\%ls: %s\n", KLIBTEST_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

static int run_case(HANDLE h, unsigned c)
{
    static KLIBTEST_RESULT r;
    KLIBTEST_RUN in = {c};
    static const char *const outcome[] = {"FAIL", "pass", "skip", "note"};
    DWORD got = 0, err;

    memset(&r, 0, sizeof r);
    err = kmd_ioctl(h, IOCTL_KLIBTEST_RUN, &in, sizeof in, &r, sizeof r, &got);
    if (err)
        return kmd_print_error(case_names[c], err);
    if (got != sizeof r || r.Size != sizeof r || r.Case != c || r.Count > KLIBTEST_MAX_CHECKS) {
        printf("%s: wrong answer: %lu bytes, Size %u, Case %u, Count %u\n", case_names[c],
               (unsigned long)got, r.Size, r.Case, r.Count);
        return 1;
    }
    for (unsigned i = 0; i < r.Count; i++) {
        unsigned o = r.Checks[i].Outcome;
        r.Checks[i].Text[KLIBTEST_TEXT - 1] = '\0';
        printf("%s: %s: %s\n", case_names[c], o <= KLIBTEST_NOTE ? outcome[o] : "????",
               r.Checks[i].Text);
    }
    printf("%s: %u passed, %u failed, %u skipped\n", case_names[c], r.Passed, r.Failed, r.Skipped);
    return r.Failed == 0 && r.Passed > 0 ? 0 : 1;
}

static int parse_size(const char *s, DWORD *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*s == '\0' || *end != '\0' || v > 1024 * 1024) {
        fprintf(stderr, "klibtest: '%s' is not a size from 0 to 1048576\n", s);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

static int probe(HANDLE h, int argc, char **argv)
{
    DWORD code, in_size = KLIBTEST_PROBE_MIN_IN, out_size = KLIBTEST_PROBE_MIN_OUT, got = 0, err;
    unsigned char *in, *out;
    KLIBTEST_PROBE_REPLY reply;
    unsigned sum = 0;
    int rc = 0;

    if (argc < 1) {
        fprintf(stderr, "klibtest: probe needs buffered, in_direct or out_direct\n");
        return 2;
    }
    if (strcmp(argv[0], "buffered") == 0)
        code = IOCTL_KLIBTEST_PROBE_BUFFERED;
    else if (strcmp(argv[0], "in_direct") == 0)
        code = IOCTL_KLIBTEST_PROBE_IN_DIRECT;
    else if (strcmp(argv[0], "out_direct") == 0)
        code = IOCTL_KLIBTEST_PROBE_OUT_DIRECT;
    else {
        fprintf(stderr, "klibtest: unknown probe '%s'\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        DWORD *target = strcmp(argv[i], "--in-size") == 0    ? &in_size
                        : strcmp(argv[i], "--out-size") == 0 ? &out_size
                                                             : NULL;
        if (target == NULL || i + 1 >= argc) {
            fprintf(stderr, "klibtest: probe takes --in-size N and --out-size N\n");
            return 2;
        }
        if (!parse_size(argv[++i], target))
            return 2;
    }
    in = calloc(in_size + 1, 1);
    out = calloc(out_size + 1, 1);
    if (!in || !out) {
        fprintf(stderr, "klibtest: out of memory\n");
        return 1;
    }
    for (DWORD i = 0; i < in_size; i++)
        sum += in[i] = (unsigned char)(3 * i + 1);
    if (code == IOCTL_KLIBTEST_PROBE_IN_DIRECT)
        for (DWORD i = 0; i < out_size; i++)
            out[i] = (unsigned char)i;
    printf("probe %s: in %lu out %lu\n", argv[0], (unsigned long)in_size, (unsigned long)out_size);
    err = kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, &got);
    if (err) {
        rc = kmd_print_error("probe", err);
    } else if (code == IOCTL_KLIBTEST_PROBE_IN_DIRECT) {
        printf("probe: ok: the driver read %lu bytes of the second buffer\n", (unsigned long)got);
        rc = got == out_size ? 0 : 1;
    } else {
        memcpy(&reply, out, sizeof reply);
        printf("probe: ok: %lu bytes: in %u out %u method %u in-sum %u\n", (unsigned long)got,
               reply.InLength, reply.OutLength, reply.Method, reply.InSum);
        if (reply.InLength != in_size || reply.OutLength != out_size || reply.InSum != sum ||
            reply.Method != (code & 3)) {
            printf("probe: wrong answer (expected in %lu out %lu method %lu in-sum %u)\n",
                   (unsigned long)in_size, (unsigned long)out_size, (unsigned long)(code & 3), sum);
            rc = 1;
        }
        for (DWORD i = sizeof reply;
             rc == 0 && code == IOCTL_KLIBTEST_PROBE_OUT_DIRECT && i < out_size; i++)
            if (out[i] != (unsigned char)i) {
                printf("probe: wrong byte %u at offset %lu\n", out[i], (unsigned long)i);
                rc = 1;
            }
    }
    free(in);
    free(out);
    return rc;
}

static int leak(HANDLE h)
{
    ULONG count = 0;
    DWORD got = 0, err = kmd_ioctl(h, IOCTL_KLIBTEST_LEAK, NULL, 0, &count, sizeof count, &got);

    if (err)
        return kmd_print_error("leak", err);
    printf("leak: %u allocation(s) of tag kLk1 left outstanding on purpose\n", (unsigned)count);
    return got == sizeof count && count >= KLIBTEST_LEAK_COUNT ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    HANDLE h;
    int rc = 0;

    if (strcmp(cmd, "run") == 0 && argc == 3) {
        int found = strcmp(argv[2], "all") == 0;
        for (unsigned c = 0; c < KlibtestCaseCount && !found; c++)
            found = strcmp(argv[2], case_names[c]) == 0;
        if (!found) {
            fprintf(stderr, "klibtest: unknown case '%s'\n", argv[2]);
            return 2;
        }
        h = open_klibtest();
        for (unsigned c = 0; c < KlibtestCaseCount; c++)
            if (strcmp(argv[2], "all") == 0 || strcmp(argv[2], case_names[c]) == 0)
                rc |= run_case(h, c);
    } else if (strcmp(cmd, "probe") == 0) {
        h = open_klibtest();
        rc = probe(h, argc - 2, argv + 2);
    } else if (strcmp(cmd, "leak") == 0 && argc == 2) {
        h = open_klibtest();
        rc = leak(h);
    } else {
        fprintf(stderr, "usage: klibtest run info|pool|time|strings|log|device|all\n"
                        "       klibtest probe buffered|in_direct|out_direct [--in-size N] "
                        "[--out-size N]\n"
                        "       klibtest leak\n");
        return 2;
    }
    CloseHandle(h);
    return rc;
}
