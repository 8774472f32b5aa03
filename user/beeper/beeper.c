/* beeper.exe: the client of kernel/beeper.
 *
 *   beeper ports HZ MS   the driver programs the timer chip (ports 43h, 42h, 61h) and beeps
 *   beeper hal HZ MS     the driver calls HalMakeBeep
 *   beeper check         sends only requests the driver must refuse (bad sizes, frequencies,
 *                        durations, an unknown code) and checks each documented error; it never
 *                        beeps, so it is safe where port I/O is not (Wine)
 * The client does not check the ranges itself: the driver is the one that must refuse.
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <beeper_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE open_beeper(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(BEEPER_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "beeper: cannot open \\\\.\\%ls: %s\n", BEEPER_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

static int parse_number(const char *s, unsigned int *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (*s == '\0' || *s == '-' || *end != '\0' || v > 0xFFFFFFFFul) {
        fprintf(stderr, "beeper: '%s' is not a number\n", s);
        return 0;
    }
    *out = (unsigned int)v;
    return 1;
}

static int beep(HANDLE h, const char *how, DWORD code, unsigned int hz, unsigned int ms)
{
    BEEPER_REQUEST r = {hz, ms};
    char msg[512];
    DWORD err = kmd_ioctl(h, code, &r, sizeof r, NULL, 0, NULL);

    if (err) {
        printf("%s: error: %s\n", how, kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
    printf("%s: %u Hz for %u ms: done\n", how, hz, ms);
    return 0;
}

/* Requests the driver must refuse, each with the error headers/beeper_ioctl.h documents. */
static int check(HANDLE h)
{
    static const struct {
        const char *what;
        DWORD code;
        DWORD in_size; /* bytes of `req` sent */
        BEEPER_REQUEST req;
        DWORD expect;
    } cases[] = {
        {"no input", IOCTL_BEEPER_PORTS, 0, {440, 100}, ERROR_INVALID_PARAMETER},
        {"short input (4 bytes)", IOCTL_BEEPER_PORTS, 4, {440, 100}, ERROR_INVALID_PARAMETER},
        {"long input (12 bytes)", IOCTL_BEEPER_HAL, 12, {440, 100}, ERROR_INVALID_PARAMETER},
        {"36 Hz", IOCTL_BEEPER_PORTS, 8, {36, 100}, ERROR_INVALID_PARAMETER},
        {"32768 Hz", IOCTL_BEEPER_HAL, 8, {32768, 100}, ERROR_INVALID_PARAMETER},
        {"0 ms", IOCTL_BEEPER_PORTS, 8, {440, 0}, ERROR_INVALID_PARAMETER},
        {"5001 ms", IOCTL_BEEPER_HAL, 8, {440, 5001}, ERROR_INVALID_PARAMETER},
        {"unknown code",
         KMD_CTL_CODE(BEEPER_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED,
                      FILE_WRITE_ACCESS),
         8,
         {440, 100},
         ERROR_INVALID_FUNCTION},
    };
    unsigned char in[12];
    unsigned good = 0, n = sizeof cases / sizeof cases[0];
    char msg[512];

    for (unsigned i = 0; i < n; i++) {
        DWORD err;

        memset(in, 0, sizeof in);
        memcpy(in, &cases[i].req, sizeof cases[i].req);
        err = kmd_ioctl(h, cases[i].code, cases[i].in_size ? in : NULL, cases[i].in_size, NULL, 0,
                        NULL);
        printf("check: %-22s -> %s: %s\n", cases[i].what, kmd_format_error(err, msg, sizeof msg),
               err == cases[i].expect ? "as documented" : "WRONG");
        good += err == cases[i].expect;
    }
    if (good != n) {
        printf("check: FAILED: %u of %u answers as documented\n", good, n);
        return 1;
    }
    printf("check: all %u answers as documented\n", n);
    if (kmd_running_on_wine())
        puts("not checked under Wine: the beeps themselves (port I/O on 42h/43h/61h is not "
             "emulated and HalMakeBeep is a stub that would end winedevice)");
    return 0;
}

int main(int argc, char **argv)
{
    /* No argument: "check", the smoke test (ci/deploy-vm runs every client with no argument). */
    const char *cmd = argc > 1 ? argv[1] : "check";
    unsigned int hz, ms;
    HANDLE h;
    int rc;

    if (strcmp(cmd, "check") == 0 && argc <= 2) {
        h = open_beeper();
        rc = check(h);
    } else if ((strcmp(cmd, "ports") == 0 || strcmp(cmd, "hal") == 0) && argc == 4) {
        if (!parse_number(argv[2], &hz) || !parse_number(argv[3], &ms))
            return 2;
        h = open_beeper();
        rc = beep(h, cmd, strcmp(cmd, "hal") == 0 ? IOCTL_BEEPER_HAL : IOCTL_BEEPER_PORTS, hz, ms);
    } else {
        fprintf(stderr,
                "usage: beeper ports|hal HZ MS   (%u..%u Hz, %u..%u ms)\n"
                "       beeper [check]   (the driver's refusals; the default)\n",
                BEEPER_MIN_FREQUENCY, BEEPER_MAX_FREQUENCY, BEEPER_MIN_DURATION,
                BEEPER_MAX_DURATION);
        return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
    }
    CloseHandle(h);
    return rc;
}
