/* kbdspy.exe: the client of kernel/kbdspy (a keyboard filter).
 *
 *   kbdspy [keys] [--seconds N]   prints the key records the filter saw, polling every 200 ms
 *                                 for N seconds (default 10): make code, press/release, E0/E1
 *   kbdspy call keys|HEXCODE [--in-size N] [--out-size N]
 *                                 one IOCTL with any buffer sizes: "ok: N bytes" or "error: ..."
 * Exit codes: 0 success, 1 an error, 2 bad arguments, 3 the spy is not loaded. */
#include <kmdkit/user.h>
#include <kbdspy_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE open_spy(void)
{
    HANDLE h;
    DWORD err = kmd_device_open(KBDSPY_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "kbdspy: cannot open \\\\.\\%ls: %s\n", KBDSPY_USER_NAME,
                kmd_error_text(err));
        if (err == ERROR_FILE_NOT_FOUND)
            /* The driver refuses to load where there is no keyboard class device (Wine). */
            puts("not checked here: key capture, pass-through and unload with a pending read "
                 "(the spy is not loaded: no \\Device\\KeyboardClass0 to attach to)");
        exit(3);
    }
    return h;
}

static int keys(DWORD seconds)
{
    HANDLE h = open_spy();
    DWORD size = KBDSPY_KEYS_SIZE(64), got, err = 0;
    KBDSPY_KEYS *k = malloc(size);
    unsigned total = 0;

    if (k == NULL)
        return 1;
    printf("kbdspy: watching for %lu s; type something\n", (unsigned long)seconds);
    for (DWORD t = 0; t < seconds * 5 && !err; t++) {
        err = kmd_ioctl(h, IOCTL_KBDSPY_GET_KEYS, NULL, 0, k, size, &got);
        if (err)
            break;
        if (k->Lost)
            printf("  (%u record(s) lost)\n", k->Lost);
        for (unsigned i = 0; i < k->Count; i++)
            printf("  #%u unit %u make 0x%02x %s%s%s\n", k->Keys[i].Sequence, k->Keys[i].UnitId,
                   k->Keys[i].MakeCode, k->Keys[i].Flags & 1 ? "up" : "down",
                   k->Keys[i].Flags & 2 ? " E0" : "", k->Keys[i].Flags & 4 ? " E1" : "");
        total += k->Count;
        fflush(stdout);
        Sleep(200);
    }
    free(k);
    CloseHandle(h);
    if (err) {
        printf("keys: error: %s\n", kmd_error_text(err));
        return 1;
    }
    printf("keys: %u record(s)\n", total);
    return 0;
}

static int call(int argc, char **argv)
{
    DWORD code, in_size = 0, out_size = KBDSPY_KEYS_SIZE(1), got = 0, err;
    unsigned char *in, *out;
    HANDLE h;

    if (argc < 1) {
        fprintf(stderr, "kbdspy: call needs keys or a hex IOCTL code\n");
        return 2;
    }
    if (strcmp(argv[0], "keys") == 0) {
        code = IOCTL_KBDSPY_GET_KEYS;
    } else {
        char *end;
        code = strtoul(argv[0], &end, 16);
        if (*end != '\0') {
            fprintf(stderr, "kbdspy: '%s' is not keys or a hex IOCTL code\n", argv[0]);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        DWORD *target = strcmp(argv[i], "--in-size") == 0    ? &in_size
                        : strcmp(argv[i], "--out-size") == 0 ? &out_size
                                                             : NULL;
        if (target == NULL || i + 1 >= argc) {
            fprintf(stderr, "kbdspy: bad option '%s'\n", argv[i]);
            return 2;
        }
        if (!kmd_parse_uint("kbdspy", argv[++i], 65536, target))
            return 2;
    }
    in = calloc(in_size + 1, 1);
    out = calloc(out_size + 1, 1);
    if (!in || !out)
        return 1;
    h = open_spy();
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    err = kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, &got);
    CloseHandle(h);
    if (err)
        printf("call: error: %s\n", kmd_error_text(err));
    else
        printf("call: ok: %lu bytes\n", (unsigned long)got);
    free(in);
    free(out);
    return err ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "keys";
    DWORD seconds = 10;

    if (strcmp(cmd, "keys") == 0) {
        if (argc == 4 && strcmp(argv[2], "--seconds") == 0) {
            if (!kmd_parse_uint("kbdspy", argv[3], 65536, &seconds))
                return 2;
        } else if (argc > 2) {
            fprintf(stderr, "kbdspy: usage: kbdspy keys [--seconds N]\n");
            return 2;
        }
        return keys(seconds);
    }
    if (strcmp(cmd, "call") == 0)
        return call(argc - 2, argv + 2);
    puts("usage: kbdspy [keys [--seconds N]] | call keys|HEXCODE [--in-size N] [--out-size N]");
    return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
}
