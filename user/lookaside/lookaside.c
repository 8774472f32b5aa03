/* lookaside.exe: the client of kernel/lookaside.
 *
 *   lookaside [run [COUNT [SEED]]]  the driver allocates COUNT entries (default: three runs of
 *                                   1, 16 and LOOKASIDE_MAX), links, checks and frees them; the
 *                                   client checks counts and checksum: "ok: ..." / "FAIL: ...",
 *                                   then "run: passed"
 *   lookaside bad                   every bad request the contract names, with its Win32 error
 * Exit codes: 0 success, 1 a check failed, 2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <lookaside_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void run_one(HANDLE h, unsigned count, unsigned seed)
{
    LOOKASIDE_REQUEST req = {count, seed};
    LOOKASIDE_REPORT r;
    unsigned want = 0;
    DWORD got = 0, err;

    for (unsigned i = 0; i < count; i++)
        want += (i + 1) * LOOKASIDE_VALUE(seed, i);
    memset(&r, 0, sizeof r);
    err = kmd_ioctl(h, IOCTL_LOOKASIDE_RUN, &req, sizeof req, &r, sizeof r, &got);
    if (err) {
        kmd_check(0, "%u entries: %s", count, kmd_error_text(err));
        return;
    }
    kmd_check(got == sizeof r && r.Size == sizeof r && r.Allocated == count && r.Linked == count &&
                  r.Freed == count && r.ListEmpty == 1,
              "%u entries of %u bytes: allocated %u, linked %u, freed %u, list empty %u", count,
              r.EntrySize, r.Allocated, r.Linked, r.Freed, r.ListEmpty);
    kmd_check(r.Checksum == want && r.PayloadErrors == 0,
              "%u entries: checksum 0x%08x (expected 0x%08x, first in first out), %u bad payloads",
              count, r.Checksum, want, r.PayloadErrors);
    kmd_check(
        r.TotalAllocates >= count && r.TotalFrees >= count && r.AllocateMisses <= r.TotalAllocates,
        "lookaside counters: %u allocations (%u from pool), %u frees (%u to pool), depth %u, "
        "%u entries kept",
        r.TotalAllocates, r.AllocateMisses, r.TotalFrees, r.FreeMisses, r.Depth, r.Outstanding);
}

static void expect_error(HANDLE h, const char *name, DWORD code, unsigned count, DWORD in_size,
                         DWORD out_size, DWORD want)
{
    LOOKASIDE_REQUEST req[2] = {{count, 1}, {0, 0}};
    LOOKASIDE_REPORT r;
    DWORD err =
        kmd_ioctl(h, code, in_size ? req : NULL, in_size, out_size ? &r : NULL, out_size, NULL);

    kmd_check(err == want, "%s: %s", name, kmd_error_text(err));
}

static int bad(HANDLE h)
{
    DWORD in = sizeof(LOOKASIDE_REQUEST), out = sizeof(LOOKASIDE_REPORT);

    expect_error(h, "count 0", IOCTL_LOOKASIDE_RUN, 0, in, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "count above the maximum", IOCTL_LOOKASIDE_RUN, LOOKASIDE_MAX + 1, in, out,
                 ERROR_INVALID_PARAMETER);
    expect_error(h, "input too short", IOCTL_LOOKASIDE_RUN, 1, in - 1, out,
                 ERROR_INVALID_PARAMETER);
    expect_error(h, "input too long", IOCTL_LOOKASIDE_RUN, 1, in + 4, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "output too short", IOCTL_LOOKASIDE_RUN, 1, in, out - 1,
                 ERROR_INSUFFICIENT_BUFFER);
    expect_error(h, "unknown code",
                 KMD_CTL_CODE(LOOKASIDE_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                              FILE_ANY_ACCESS),
                 1, 0, 0, ERROR_INVALID_FUNCTION);
    puts(kmd_check_failures() ? "bad: FAILED" : "bad: passed");
    return kmd_check_failures() ? 1 : 0;
}

static int parse(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*s == '\0' || *end != '\0' || v > max) {
        fprintf(stderr, "lookaside: '%s' is not a number from 0 to %lu\n", s, max);
        return 0;
    }
    *out = (unsigned)v;
    return 1;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "run";
    unsigned count = 0, seed = 0x4B4D44u;
    HANDLE h;
    DWORD err;
    int rc;

    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "bad") != 0) {
        fprintf(stderr, "usage: lookaside [run [COUNT [SEED]] | bad]\n");
        return 2;
    }
    /* COUNT is not limited here: the driver must refuse what the contract refuses. */
    if (argc > 2 && !parse(argv[2], 0xFFFFFFFFul, &count))
        return 2;
    if (argc > 3 && !parse(argv[3], 0xFFFFFFFFul, &seed))
        return 2;
    err = kmd_device_open(LOOKASIDE_USER_NAME, &h);
    if (err) {
        fprintf(stderr, "lookaside: cannot open \\\\.\\%ls: %s\n", LOOKASIDE_USER_NAME,
                kmd_error_text(err));
        return 3;
    }
    if (strcmp(cmd, "bad") == 0) {
        rc = bad(h);
    } else {
        if (argc > 2) {
            run_one(h, count, seed);
        } else {
            run_one(h, 1, seed);
            run_one(h, 16, seed + 1);
            run_one(h, LOOKASIDE_MAX, seed + 2);
        }
        puts(kmd_check_failures() ? "run: FAILED" : "run: passed");
        rc = kmd_check_failures() ? 1 : 0;
    }
    CloseHandle(h);
    return rc;
}
