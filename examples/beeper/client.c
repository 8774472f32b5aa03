/* beeper.exe: the client of the beeper driver (driver.c).
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
#include "beeper_ioctl.h"

#include <stdio.h>
#include <string.h>

static int beep(HANDLE h, const char *how, DWORD code, DWORD hz, DWORD ms)
{
    BEEPER_REQUEST r = {hz, ms};
    DWORD err = kmd_ioctl(h, code, &r, sizeof r, NULL, 0, NULL);

    if (err)
        return kmd_print_error(how, err);
    printf("%s: %lu Hz for %lu ms: done\n", how, (unsigned long)hz, (unsigned long)ms);
    return 0;
}

/* Requests the driver must refuse, each with the error beeper_ioctl.h documents. */
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
    unsigned n = sizeof cases / sizeof cases[0];
    char msg[512];

    for (unsigned i = 0; i < n; i++) {
        DWORD err;

        memset(in, 0, sizeof in);
        memcpy(in, &cases[i].req, sizeof cases[i].req);
        err = kmd_ioctl(h, cases[i].code, cases[i].in_size ? in : NULL, cases[i].in_size, NULL, 0,
                        NULL);
        kmd_check(err == cases[i].expect, "%-22s -> %s", cases[i].what,
                  kmd_format_error(err, msg, sizeof msg));
    }
    if (kmd_check_failures())
        printf("check: FAILED: %d of %u answers not as documented\n", kmd_check_failures(), n);
    else
        printf("check: passed (%u answers as documented)\n", n);
    if (kmd_running_on_wine())
        puts("not checked under Wine: the beeps themselves (port I/O on 42h/43h/61h is not "
             "emulated and HalMakeBeep is a stub that would end winedevice)");
    return kmd_check_failures() ? 1 : 0;
}

/* "ports" and "hal" check their numbers before they ask for the device. Any number goes to the
 * driver: refusing bad ranges is its job, not the client's. */
static int beep_command(const char *how, DWORD code, char **argv)
{
    DWORD hz, ms;

    if (!kmd_parse_uint("beeper", argv[0], 0xFFFFFFFFu, &hz) ||
        !kmd_parse_uint("beeper", argv[1], 0xFFFFFFFFu, &ms))
        return KMD_EXIT_USAGE;
    return beep(kmd_client_device(), how, code, hz, ms);
}

static int ports_command(int argc, char **argv)
{
    (void)argc;
    return beep_command("ports", IOCTL_BEEPER_PORTS, argv);
}

static int hal_command(int argc, char **argv)
{
    (void)argc;
    return beep_command("hal", IOCTL_BEEPER_HAL, argv);
}

/* No argument: "check", the smoke test (ci/deploy-vm runs every client with no argument). */
static const struct kmd_command commands[] = {
    KMD_COMMAND("check", check),
    KMD_COMMAND_WORDS("ports", ports_command, 2, 2, "HZ and MS"),
    KMD_COMMAND_WORDS("hal", hal_command, 2, 2, "HZ and MS"),
    {0},
};

int main(int argc, char **argv)
{
    char usage[200];

    snprintf(usage, sizeof usage,
             "usage: beeper ports|hal HZ MS   (%u..%u Hz, %u..%u ms)\n"
             "       beeper [check]   (the driver's refusals; the default)",
             BEEPER_MIN_FREQUENCY, BEEPER_MAX_FREQUENCY, BEEPER_MIN_DURATION, BEEPER_MAX_DURATION);
    return kmd_client_main("beeper", BEEPER_USER_NAME, usage, commands, NULL, argc, argv);
}
