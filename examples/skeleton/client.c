/* skeleton.exe: the client of the skeleton driver (driver.c).
 *
 *   skeleton [smoke]      version and an echo round trip; exit 0 when both answer as the
 *                         contract (skeleton_ioctl.h) says
 *   skeleton version      print the driver's version
 *   skeleton echo TEXT    send TEXT, print what comes back (reversed)
 *   skeleton call version|echo|HEXCODE [--in TEXT | --in-size N] [--out-size N]
 *                         send any IOCTL with any buffer sizes (kmd_call_command): "call: ok:
 *                         N bytes" and a hex dump, or "call: error: <code (NAME): message>";
 *                         echo's output is as long as its input unless --out-size says
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "skeleton_ioctl.h"

#include <stdio.h>
#include <string.h>

static int get_version(HANDLE h, int verbose)
{
    SKELETON_VERSION v;
    DWORD got;
    DWORD err = kmd_ioctl(h, IOCTL_SKELETON_GET_VERSION, NULL, 0, &v, sizeof v, &got);

    if (err)
        return kmd_print_error("version", err);
    if (got != sizeof v || v.Size != sizeof v) {
        printf("version: wrong answer: %lu bytes, Size %u (expected %u)\n", (unsigned long)got,
               v.Size, (unsigned)sizeof v);
        return 1;
    }
    printf("version: %u.%u.%u%s\n", v.Major, v.Minor, v.Patch,
           (v.Flags & SKELETON_FLAG_CHECKED_BUILD) ? " (checked build)" : "");
    if (verbose)
        kmd_hexdump(stdout, &v, got);
    return 0;
}

static int echo(HANDLE h, const char *text)
{
    size_t n = strlen(text);
    char out[SKELETON_ECHO_MAX + 1];
    DWORD got;
    DWORD err;

    if (n == 0 || n > SKELETON_ECHO_MAX) {
        fprintf(stderr, "skeleton: echo takes 1 to %d bytes\n", SKELETON_ECHO_MAX);
        return 2;
    }
    err = kmd_ioctl(h, IOCTL_SKELETON_ECHO, text, (DWORD)n, out, (DWORD)n, &got);
    if (err)
        return kmd_print_error("echo", err);
    out[got] = '\0';
    printf("echo: \"%s\" -> \"%s\"\n", text, out);
    for (size_t i = 0; i < n; i++) {
        if (got != n || out[i] != text[n - 1 - i]) {
            printf("echo: wrong answer: expected the %zu input bytes reversed\n", n);
            return 1;
        }
    }
    return 0;
}

/* The words of "skeleton call"; echo's output is as long as its input unless --out-size says. */
static const struct kmd_call_name call_names[] = {
    {"version", IOCTL_SKELETON_GET_VERSION, 0, sizeof(SKELETON_VERSION)},
    {"echo", IOCTL_SKELETON_ECHO, 0, KMD_CALL_OUT_AS_IN},
    {NULL, 0, 0, 0},
};

/* The commands (kmd_client_main); "call" is kmd_call_command() with call_names. */
static int smoke_command(HANDLE h)
{
    int rc = get_version(h, 0);

    if (rc == 0)
        rc = echo(h, "kmdkit smoke test");
    puts(rc == 0 ? "smoke: passed" : "smoke: FAILED");
    return rc;
}

static int version_command(HANDLE h)
{
    return get_version(h, 1);
}

static int echo_command(int argc, char **argv)
{
    (void)argc;
    return echo(kmd_client_device(), argv[0]);
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("smoke", smoke_command),
    KMD_COMMAND("version", version_command),
    KMD_COMMAND_WORDS("echo", echo_command, 1, 1, "one TEXT"),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main(
        "skeleton", SKELETON_USER_NAME,
        "usage: skeleton [smoke | version | echo TEXT | call version|echo|HEXCODE "
        "[--in TEXT | --in-size N] [--out-size N]]",
        commands, call_names, argc, argv);
}
