/* cmos.exe: the client of the cmos driver (driver.c): KmdKit's DateTime, without giveio.
 *
 *   cmos [read]                       read the real-time clock through the driver and print it
 *                                     next to the system's local time
 *   cmos decode SS MM HH DD MO YY B   decode register values (hex, as the chip holds them: BCD
 *                                     or binary, 12- or 24-hour per status B) in the driver
 *   cmos check                        the documented refusals and a table of decodings; never
 *                                     touches the ports, so it is safe where port I/O is not (Wine)
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "cmos_ioctl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_time(const char *what, const CMOS_TIME *t)
{
    printf("%s: %04u-%02u-%02u %02u:%02u:%02u (registers %02x %02x %02x %02x %02x %02x, status B "
           "%02xh: %s, %s)\n",
           what, t->Year, t->Month, t->Day, t->Hour, t->Minute, t->Second, t->Raw.Seconds,
           t->Raw.Minutes, t->Raw.Hours, t->Raw.Day, t->Raw.Month, t->Raw.Year, t->Raw.StatusB,
           t->Raw.StatusB & CMOS_STATUS_B_BINARY ? "binary" : "BCD",
           t->Raw.StatusB & CMOS_STATUS_B_24_HOUR ? "24-hour" : "12-hour");
}

static int read_clock(HANDLE h)
{
    CMOS_TIME t;
    SYSTEMTIME now;
    DWORD err = kmd_ioctl_full(h, "read", IOCTL_CMOS_READ_CLOCK, NULL, 0, &t, sizeof t);

    if (err)
        return kmd_print_error("read", err);
    GetLocalTime(&now);
    print_time("read", &t);
    printf("system local time: %04u-%02u-%02u %02u:%02u:%02u (Windows keeps local time in the RTC "
           "unless RealTimeIsUniversal is set)\n",
           now.wYear, now.wMonth, now.wDay, now.wHour, now.wMinute, now.wSecond);
    return 0;
}

static DWORD decode(HANDLE h, const CMOS_RAW *raw, CMOS_TIME *t)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_CMOS_DECODE, raw, sizeof *raw, t, sizeof *t, &got);

    if (err == 0 && got != sizeof *t)
        err = ERROR_INVALID_DATA;
    return err;
}

#define BAD ERROR_INVALID_PARAMETER
#define SHORT ERROR_INSUFFICIENT_BUFFER
#define TIME_SIZE ((DWORD)sizeof(CMOS_TIME))
#define RAW_SIZE ((DWORD)sizeof(CMOS_RAW))
#define IOCTL_CMOS_UNKNOWN                                                                         \
    KMD_CTL_CODE(CMOS_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_READ_ACCESS)

static int check(HANDLE h)
{
    static const struct {
        const char *what;
        CMOS_RAW raw;
        DWORD expect;
        unsigned short want[6]; /* year, month, day, hour, minute, second */
    } decodings[] = {
        {"BCD 24h", {0x59, 0x30, 0x23, 0x31, 0x12, 0x24, 0x02, 0}, 0, {2024, 12, 31, 23, 30, 59}},
        {"BCD 12h 1 PM", {0x05, 0x04, 0x81, 0x01, 0x02, 0x03, 0x00, 0}, 0, {2003, 2, 1, 13, 4, 5}},
        {"BCD 12h 0:00", {0x00, 0x00, 0x12, 0x15, 0x06, 0x99, 0x00, 0}, 0, {2099, 6, 15, 0, 0, 0}},
        {"BCD 12h noon", {0x00, 0x00, 0x92, 0x15, 0x06, 0x00, 0x00, 0}, 0, {2000, 6, 15, 12, 0, 0}},
        {"binary 24h", {59, 30, 23, 31, 12, 24, 0x06, 0}, 0, {2024, 12, 31, 23, 30, 59}},
        {"binary 12h 11 PM", {1, 2, 0x8B, 28, 2, 25, 0x04, 0}, 0, {2025, 2, 28, 23, 2, 1}},
        {"not BCD (5Ah s)", {0x5A, 0x00, 0x10, 0x01, 0x01, 0x24, 0x02, 0}, BAD, {0}},
        {"month 13", {0x00, 0x00, 0x10, 0x01, 0x13, 0x24, 0x02, 0}, BAD, {0}},
        {"day 0", {0x00, 0x00, 0x10, 0x00, 0x01, 0x24, 0x02, 0}, BAD, {0}},
        {"12h hour 0", {0x00, 0x00, 0x00, 0x01, 0x01, 0x24, 0x00, 0}, BAD, {0}},
        {"24h hour 24", {0x00, 0x00, 0x24, 0x01, 0x01, 0x24, 0x02, 0}, BAD, {0}},
        {"Reserved set", {0x00, 0x00, 0x10, 0x01, 0x01, 0x24, 0x02, 1}, BAD, {0}},
    };
    static const CMOS_RAW good = {0x00, 0x00, 0x10, 0x01, 0x01, 0x24, 0x02, 0};
    static const struct {
        const char *what;
        DWORD code;
        DWORD in_size, out_size;
        DWORD expect;
    } refusals[] = {
        {"read with input", IOCTL_CMOS_READ_CLOCK, 1, TIME_SIZE, BAD},
        {"read, short output", IOCTL_CMOS_READ_CLOCK, 0, TIME_SIZE - 1, SHORT},
        {"decode, no input", IOCTL_CMOS_DECODE, 0, TIME_SIZE, BAD},
        {"decode, long input", IOCTL_CMOS_DECODE, RAW_SIZE + 1, TIME_SIZE, BAD},
        {"decode, short output", IOCTL_CMOS_DECODE, RAW_SIZE, TIME_SIZE - 1, SHORT},
        {"unknown code", IOCTL_CMOS_UNKNOWN, 0, TIME_SIZE, ERROR_INVALID_FUNCTION},
    };
    unsigned char in[sizeof good + 1], out[sizeof(CMOS_TIME)];
    unsigned n = 0;
    char msg[512];

    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++, n++) {
        DWORD err;

        memset(in, 0, sizeof in);
        memcpy(in, &good, sizeof good);
        err = kmd_ioctl(h, refusals[i].code, refusals[i].in_size ? in : NULL, refusals[i].in_size,
                        out, refusals[i].out_size, NULL);
        kmd_check(err == refusals[i].expect, "%-22s -> %s", refusals[i].what,
                  kmd_format_error(err, msg, sizeof msg));
    }
    for (size_t i = 0; i < sizeof decodings / sizeof decodings[0]; i++, n++) {
        CMOS_TIME t;
        DWORD err = decode(h, &decodings[i].raw, &t);
        int right = err == decodings[i].expect;

        if (right && err == 0)
            right = t.Year == decodings[i].want[0] && t.Month == decodings[i].want[1] &&
                    t.Day == decodings[i].want[2] && t.Hour == decodings[i].want[3] &&
                    t.Minute == decodings[i].want[4] && t.Second == decodings[i].want[5] &&
                    memcmp(&t.Raw, &decodings[i].raw, sizeof t.Raw) == 0;
        if (err == 0)
            kmd_check(right, "%-22s -> %04u-%02u-%02u %02u:%02u:%02u", decodings[i].what, t.Year,
                      t.Month, t.Day, t.Hour, t.Minute, t.Second);
        else
            kmd_check(right, "%-22s -> %s", decodings[i].what,
                      kmd_format_error(err, msg, sizeof msg));
    }
    if (kmd_check_failures())
        printf("check: FAILED: %d of %u answers wrong\n", kmd_check_failures(), n);
    else
        printf("check: passed (%u answers right)\n", n);
    if (kmd_running_on_wine())
        puts("not checked under Wine: reading the clock itself (port I/O on 70h/71h is not "
             "emulated in winedevice)");
    return kmd_check_failures() ? 1 : 0;
}

/* A register value as the chip holds it: hex, without 0x. */
static int parse_byte(const char *s, unsigned char *out)
{
    char *end = (char *)s;
    unsigned long v = 0;

    if (isxdigit((unsigned char)s[0]))
        v = strtoul(s, &end, 16);
    if (end == s || *end != '\0' || v > 0xFF) {
        fprintf(stderr, "cmos: '%s' is not a hex byte (00 to ff)\n", s);
        return 0;
    }
    *out = (unsigned char)v;
    return 1;
}

/* "decode" checks its values before it asks for the device: they never reach the driver when
 * they are not hex bytes. */
static int decode_command(int argc, char **argv)
{
    CMOS_RAW raw = {0};
    unsigned char *f[] = {&raw.Seconds, &raw.Minutes, &raw.Hours,  &raw.Day,
                          &raw.Month,   &raw.Year,    &raw.StatusB};
    CMOS_TIME t;
    DWORD err;

    (void)argc;
    for (int i = 0; i < 7; i++)
        if (!parse_byte(argv[i], f[i]))
            return KMD_EXIT_USAGE;
    if ((err = decode(kmd_client_device(), &raw, &t)) != 0)
        return kmd_print_error("decode", err);
    print_time("decode", &t);
    return KMD_EXIT_OK;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("read", read_clock),
    KMD_COMMAND_WORDS("decode", decode_command, 7, 7, "7 register values"),
    KMD_COMMAND("check", check),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("cmos", CMOS_USER_NAME,
                           "usage: cmos [read]\n"
                           "       cmos decode SS MM HH DD MO YY B   (hex register values)\n"
                           "       cmos check",
                           commands, NULL, argc, argv);
}
