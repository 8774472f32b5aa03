/* kbdspy.exe: the client of the kbdspy driver (driver.c), a keyboard filter.
 *
 *   kbdspy [keys] [--seconds N]   prints the key records the filter saw, polling every 200 ms
 *                                 for N seconds (default 10): make code, press/release, E0/E1
 *   kbdspy call keys|HEXCODE [--in-size N] [--out-size N]
 *                                 one IOCTL with any buffer sizes (kmd_call_command): "call: ok:
 *                                 N bytes" and a hex dump, or "call: error: ..."
 * Exit codes: 0 success, 1 an error, 2 bad arguments, 3 the spy is not loaded. */
#include <kmdkit/user.h>
#include "kbdspy_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The spy's control device. Where it is missing, say first what cannot be checked: the driver
 * refuses to load where there is no keyboard class device (Wine). */
static HANDLE open_spy(void)
{
    HANDLE h;
    DWORD err = kmd_device_open(KBDSPY_USER_NAME, &h);

    if (err == 0)
        return h;
    if (err == ERROR_FILE_NOT_FOUND)
        puts("not checked here: key capture, pass-through and unload with a pending read "
             "(the spy is not loaded: no \\Device\\KeyboardClass0 to attach to)");
    return kmd_open_device_or_exit("kbdspy", KBDSPY_USER_NAME); /* says why, and exits */
}

static int keys(DWORD seconds)
{
    HANDLE h = open_spy();
    DWORD size = KBDSPY_KEYS_SIZE(64), got, err = 0;
    KBDSPY_KEYS *k = malloc(size);
    unsigned total = 0;

    if (k == NULL)
        return kmd_print_error("keys", ERROR_NOT_ENOUGH_MEMORY);
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
    if (err)
        return kmd_print_error("keys", err);
    printf("keys: %u record(s)\n", total);
    return 0;
}

/* The word of "kbdspy call": GET_KEYS with room for one record unless --out-size says. */
static const struct kmd_call_name call_names[] = {
    {"keys", IOCTL_KBDSPY_GET_KEYS, 0, KBDSPY_KEYS_SIZE(1)},
    {NULL, 0, 0, 0},
};

static int usage(FILE *f, int rc)
{
    fputs("usage: kbdspy [keys [--seconds N]] | call keys|HEXCODE [--in-size N] [--out-size N]\n",
          f);
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "keys";
    DWORD seconds = 10;

    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0)
        return usage(stdout, 0);
    if (strcmp(cmd, "keys") == 0) {
        if (argc == 4 && strcmp(argv[2], "--seconds") == 0) {
            if (!kmd_parse_uint("kbdspy", argv[3], 86400, &seconds))
                return 2;
        } else if (argc > 2) {
            fprintf(stderr, "kbdspy: keys takes only --seconds N\n");
            return usage(stderr, 2);
        }
        return keys(seconds);
    }
    if (strcmp(cmd, "call") == 0) {
        HANDLE h = open_spy();
        int rc = kmd_call_command(h, "kbdspy", call_names, argc - 2, argv + 2);

        CloseHandle(h);
        return rc;
    }
    fprintf(stderr, "kbdspy: unknown command '%s'\n", cmd);
    return usage(stderr, 2);
}
