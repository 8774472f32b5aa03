/* lookaside.exe: the client of the lookaside driver (driver.c).
 *
 *   lookaside [run [COUNT [SEED]]]  the driver allocates COUNT entries (default: three runs of
 *                                   1, 16 and LOOKASIDE_MAX), links, checks and frees them; the
 *                                   client checks counts and checksum: "ok: ..." / "FAIL: ...",
 *                                   then "run: passed"; a refused run: "run: error: ..."
 *   lookaside bad                   every bad request the contract names, with its Win32 error
 *                                   ("bad: passed")
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "lookaside_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One run, checked; 1 when the driver refused it. */
static int run_one(HANDLE h, unsigned count, unsigned seed)
{
    LOOKASIDE_REQUEST req = {count, seed};
    LOOKASIDE_REPORT r;
    unsigned want = 0;
    DWORD got = 0, err;

    memset(&r, 0, sizeof r);
    err = kmd_ioctl(h, IOCTL_LOOKASIDE_RUN, &req, sizeof req, &r, sizeof r, &got);
    if (err)
        return kmd_print_error("run", err);
    for (unsigned i = 0; i < count; i++) /* count <= LOOKASIDE_MAX: the driver took it */
        want += (i + 1) * LOOKASIDE_VALUE(seed, i);
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
    return 0;
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
    return kmd_check_verdict("bad");
}

/* "run" checks its numbers before it asks for the device, so a bad number is exit 2 even
 * without the driver. COUNT is not limited here: the driver must refuse what the contract
 * refuses. */
static int run_command(int argc, char **argv)
{
    DWORD count = 0, seed = 0x4B4D44u;
    HANDLE h;
    int rc;

    if (argc > 0 && !kmd_parse_uint("lookaside", argv[0], 0xFFFFFFFFu, &count))
        return KMD_EXIT_USAGE;
    if (argc > 1 && !kmd_parse_uint("lookaside", argv[1], 0xFFFFFFFFu, &seed))
        return KMD_EXIT_USAGE;
    h = kmd_client_device();
    if (argc > 0)
        rc = run_one(h, (unsigned)count, (unsigned)seed);
    else
        rc = run_one(h, 1, (unsigned)seed) || run_one(h, 16, (unsigned)seed + 1) ||
             run_one(h, LOOKASIDE_MAX, (unsigned)seed + 2);
    return rc == 0 ? kmd_check_verdict("run") : rc;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_WORDS("run", run_command, 0, 2, "COUNT and SEED at most"),
    KMD_COMMAND("bad", bad),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("lookaside", LOOKASIDE_USER_NAME,
                           "usage: lookaside [run [COUNT [SEED]] | bad]", commands, NULL, argc,
                           argv);
}
