/* skeleton.exe: the client of kernel/skeleton.
 *
 *   skeleton [smoke]      version and an echo round trip; exit 0 when both answer as the
 *                         contract (headers/skeleton_ioctl.h) says
 *   skeleton version      print the driver's version
 *   skeleton echo TEXT    send TEXT, print what comes back (reversed)
 *   skeleton call version|echo|HEXCODE [--in TEXT | --in-size N] [--out-size N]
 *                         send any IOCTL with any buffer sizes and print the outcome:
 *                         "ok: N bytes" and a hex dump, or "error: <code (NAME): message>"
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <skeleton_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE open_skeleton(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(SKELETON_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "skeleton: cannot open \\\\.\\%ls: %s\n", SKELETON_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

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

static int parse_size(const char *s, DWORD *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);
    if (*s == '\0' || *end != '\0' || v > 1024 * 1024) {
        fprintf(stderr, "skeleton: '%s' is not a size from 0 to 1048576\n", s);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

static int call(HANDLE h, int argc, char **argv)
{
    DWORD code, in_size = 0, out_size = 0, got = 0, err;
    int out_given = 0;
    const char *in_text = NULL;
    unsigned char *in, *out;

    if (argc < 1) {
        fprintf(stderr, "skeleton: call needs version, echo or a hex IOCTL code\n");
        return 2;
    }
    if (strcmp(argv[0], "version") == 0) {
        code = IOCTL_SKELETON_GET_VERSION;
        out_size = sizeof(SKELETON_VERSION);
    } else if (strcmp(argv[0], "echo") == 0) {
        code = IOCTL_SKELETON_ECHO;
    } else {
        char *end;
        code = strtoul(argv[0], &end, 16);
        if (*end != '\0') {
            fprintf(stderr, "skeleton: '%s' is not version, echo or a hex IOCTL code\n", argv[0]);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) {
            fprintf(stderr, "skeleton: %s needs a value\n", argv[i]);
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
            out_given = 1;
        } else {
            fprintf(stderr, "skeleton: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (code == IOCTL_SKELETON_ECHO && !out_given)
        out_size = in_size;
    in = calloc(in_size + 1, 1);
    out = calloc(out_size + 1, 1);
    if (!in || !out) {
        fprintf(stderr, "skeleton: out of memory\n");
        return 1;
    }
    if (in_text)
        memcpy(in, in_text, in_size);
    else
        memset(in, 'x', in_size);
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    err = kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, &got);
    if (err) {
        free(in);
        free(out);
        return kmd_print_error("call", err);
    }
    printf("call: ok: %lu bytes\n", (unsigned long)got);
    kmd_hexdump(stdout, out, got);
    free(in);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "smoke";
    HANDLE h;
    int rc;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        puts("usage: skeleton [smoke | version | echo TEXT | call version|echo|HEXCODE "
             "[--in TEXT | --in-size N] [--out-size N]]");
        return 0;
    }
    if (strcmp(cmd, "smoke") && strcmp(cmd, "version") && strcmp(cmd, "echo") &&
        strcmp(cmd, "call")) {
        fprintf(stderr, "skeleton: unknown command '%s' (try --help)\n", cmd);
        return 2;
    }
    if (strcmp(cmd, "echo") == 0 && argc != 3) {
        fprintf(stderr, "skeleton: usage: skeleton echo TEXT\n");
        return 2;
    }
    h = open_skeleton();
    if (strcmp(cmd, "version") == 0)
        rc = get_version(h, 1);
    else if (strcmp(cmd, "echo") == 0)
        rc = echo(h, argv[2]);
    else if (strcmp(cmd, "call") == 0)
        rc = call(h, argc - 2, argv + 2);
    else {
        rc = get_version(h, 0);
        if (rc == 0)
            rc = echo(h, "kmdkit smoke test");
        puts(rc == 0 ? "smoke: passed" : "smoke: FAILED");
    }
    CloseHandle(h);
    return rc;
}
