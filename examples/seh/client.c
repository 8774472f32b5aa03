/* seh.exe: the client of the seh driver (driver.c).
 *
 *   seh [report]            the whole scenario: good buffers and a good address, then bad
 *                           addresses (each must come back as 998 with the driver still
 *                           answering), the counters, and what this system could not show;
 *                           one "ok:"/"FAIL:" line per check, then "report: passed"
 *   seh copy TEXT           IOCTL_SEH_COPY: TEXT comes back reversed
 *   seh read ADDRESS LENGTH [lock]
 *                           IOCTL_SEH_READ: LENGTH bytes at ADDRESS (in this process) as a hex
 *                           dump; on an error, what the driver caught (from its counters)
 *   seh stats               the driver's counters
 *   seh call copy|read|stats|HEXCODE [--in TEXT | --in-size N [--value V] [--value2 V]]
 *                           [--out-size N]
 *                           one IOCTL with any buffer sizes (kmd_call_command); for read,
 *                           --value is the length and --value2 the flags (address 0)
 * Exit codes: 0 success, 1 the driver answered with an error or a wrong answer, 2 bad
 * arguments, 3 no device. */
#include <kmdkit/user.h>
#include "seh_ioctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *stage_name(unsigned stage)
{
    static const char *const names[] = {"none", "probe", "lock", "read", "write"};

    return stage < sizeof names / sizeof names[0] ? names[stage] : "?";
}

static DWORD get_stats(HANDLE h, SEH_STATS *s)
{
    DWORD err = kmd_ioctl_full(h, "stats", IOCTL_SEH_STATS, NULL, 0, s, sizeof *s);

    if (err == 0 && s->Size != sizeof *s) {
        printf("stats: wrong answer: Size %u (expected %u)\n", s->Size, (unsigned)sizeof *s);
        err = ERROR_INVALID_DATA;
    }
    return err;
}

static void print_stats(const SEH_STATS *s)
{
    printf("stats: %u tries, %u exceptions caught, __finally %u normal + %u abnormal, %u __leave\n",
           s->Tries, s->Exceptions, s->FinallyNormal, s->FinallyAbnormal, s->Leaves);
    if (s->Exceptions == 0)
        return;
    printf("stats: last exception 0x%08x at %s (in the __except body: 0x%08x)", s->LastCode,
           stage_name(s->LastStage), s->LastBodyCode);
    if (s->LastAccess != SEH_ACCESS_NONE)
        printf(", %s 0x%llx",
               s->LastAccess == 1   ? "writing"
               : s->LastAccess == 8 ? "executing"
                                    : "reading",
               s->LastAddress);
    putchar('\n');
}

static DWORD seh_read(HANDLE h, unsigned long long address, DWORD length, DWORD flags, void *out,
                      DWORD *got)
{
    SEH_READ_REQUEST r = {length, flags, address};

    return kmd_ioctl(h, IOCTL_SEH_READ, &r, sizeof r, out, length, got);
}

/* --- the report ------------------------------------------------------------------------------- */

/* A page reserved, never committed, so reading it faults: at a fixed address when the system
 * allows (16 TiB: above Windows 7's 8 TiB user space, so it falls back there), else where the
 * system puts it. The fixed address matters under Wine, where the driver runs in winedevice and
 * reads the address there: nothing is ever mapped at 16 TiB in a Wine process. */
static void *reserve_unmapped(void)
{
    void *p = VirtualAlloc((void *)0x100000000000ull, 65536, MEM_RESERVE, PAGE_NOACCESS);

    return p ? p : VirtualAlloc(NULL, 65536, MEM_RESERVE, PAGE_NOACCESS);
}

/* COPY with a fixed text: the answer must be it reversed. `after` names what came before. */
static int copy_answers(HANDLE h, const char *after)
{
    static const char text[] = "kmdkit: SEH";
    char out[sizeof text];
    DWORD got = 0, n = (DWORD)strlen(text);
    DWORD err = kmd_ioctl(h, IOCTL_SEH_COPY, text, n, out, n, &got);
    int ok = err == 0 && got == n;

    for (DWORD i = 0; ok && i < n; i++)
        ok = out[i] == text[n - 1 - i];
    kmd_check(ok, "%s: the driver still answers (copy \"%s\" reversed: %s)", after, text,
              err  ? kmd_error_text(err)
              : ok ? "right"
                   : "wrong bytes");
    return ok;
}

/* One bad address: 998 from the driver, one exception caught, the __finally run on the abnormal
 * path, and the driver answering afterwards. Returns the stage the driver caught it at. */
static unsigned bad_address(HANDLE h, const char *what, unsigned long long address, DWORD length,
                            DWORD flags, SEH_STATS *s)
{
    SEH_STATS before = *s;
    unsigned char out[64];
    DWORD got = 0, err = seh_read(h, address, length, flags, out, &got);

    printf("read 0x%llx, %lu bytes%s (%s):\n", address, (unsigned long)length,
           flags & SEH_READ_LOCK ? ", locked" : "", what);
    if (get_stats(h, s))
        return SEH_STAGE_NONE;
    print_stats(s);
    kmd_check_error(what, err, ERROR_NOACCESS);
    kmd_check(s->Exceptions == before.Exceptions + 1 && s->LastCode == 0xC0000005u,
              "%s: one exception caught, STATUS_ACCESS_VIOLATION (0x%08x)", what, s->LastCode);
    kmd_check(s->FinallyAbnormal == before.FinallyAbnormal + 1 &&
                  s->FinallyNormal == before.FinallyNormal,
              "%s: the __finally ran once, on the abnormal path (the pool block freed)", what);
    copy_answers(h, what);
    return s->LastStage;
}

/* COPY with a bad buffer pointer given to DeviceIoControl (4 bytes each way). On Windows the
 * pointer reaches the driver, whose probe lets 0x10 pass (user range) and whose access faults:
 * 998, caught at `stage` or `stage2`. A system that refuses the pointer before the driver sees it
 * must still fail the request, and the driver must not have counted an exception. */
static void bad_buffer(HANDLE h, const char *what, const void *in, void *out, unsigned stage,
                       unsigned stage2, SEH_STATS *s)
{
    SEH_STATS before = *s;
    DWORD got = 0, err = kmd_ioctl(h, IOCTL_SEH_COPY, in, 4, out, 4, &got);

    if (get_stats(h, s))
        return;
    printf("%s: %s\n", what, kmd_error_text(err));
    if (s->Exceptions == before.Exceptions) {
        kmd_check(err != 0, "%s: refused before the driver saw it", what);
        printf("not checked under Wine: ProbeForRead/ProbeForWrite catching a bad "
               "DeviceIoControl buffer (this system refused the %s in the caller with %lu; Wine "
               "hands METHOD_NEITHER drivers copies)\n",
               what, (unsigned long)err);
    } else {
        kmd_check(
            err == ERROR_NOACCESS && s->Exceptions == before.Exceptions + 1 &&
                s->LastCode == 0xC0000005u && (s->LastStage == stage || s->LastStage == stage2),
            "%s: 998, the driver caught 0x%08x at %s", what, s->LastCode, stage_name(s->LastStage));
    }
    copy_answers(h, what);
}

/* For an address outside user space: Windows' ProbeForRead raises before anything is read;
 * where it does not, the read itself faults and is caught all the same. */
static void outside_user_space(HANDLE h, const char *what, unsigned long long address, SEH_STATS *s)
{
    unsigned stage = bad_address(h, what, address, 16, 0, s);

    kmd_check(stage == SEH_STAGE_PROBE || stage == SEH_STAGE_READ,
              "%s: caught at the probe or at the read (%s)", what, stage_name(stage));
    if (stage == SEH_STAGE_READ)
        printf("not checked under Wine: ProbeForRead raising for %s (this system's ProbeForRead "
               "did not raise: Wine's is a stub); the fault was caught on the read instead\n",
               what);
}

static int report(HANDLE h)
{
    const volatile unsigned char *shared =
        (const volatile unsigned char *)(ULONG_PTR)SEH_USER_SHARED_VERSION;
    unsigned char mine[8], got_bytes[8];
    DWORD version[2];
    SEH_STATS s, start;
    DWORD got = 0, err;
    void *unmapped;
    unsigned stage, good_reads = 1;

    if (get_stats(h, &s))
        return 1;
    start = s;
    print_stats(&s);

    /* Good buffers: probed, read and written inside __try, no exception. */
    copy_answers(h, "copy");
    /* A good address: the shared user data page, the same in every process. */
    for (int i = 0; i < 8; i++)
        mine[i] = shared[i];
    memcpy(version, mine, sizeof version);
    err = seh_read(h, SEH_USER_SHARED_VERSION, 8, 0, got_bytes, &got);
    kmd_check(err == 0 && got == 8 && memcmp(mine, got_bytes, 8) == 0,
              "read 0x%llx, 8 bytes (the shared user data's NtMajorVersion, NtMinorVersion): "
              "%s, %lu.%lu as this process reads them",
              SEH_USER_SHARED_VERSION, err ? kmd_error_text(err) : "ok", (unsigned long)version[0],
              (unsigned long)version[1]);
    /* The caller's own memory: the driver runs in the caller's context on Windows only. */
    if (kmd_running_on_wine()) {
        puts("not checked under Wine: reading the caller's own memory (a driver under Wine runs "
             "in winedevice, where the caller's addresses mean nothing; the shared user data "
             "page, at the same address in every process, is read instead)");
    } else {
        static const char own[] = "this process's own bytes";
        char back[sizeof own];

        err = seh_read(h, (ULONG_PTR)own, sizeof own, 0, back, &got);
        kmd_check(err == 0 && got == sizeof own && memcmp(own, back, sizeof own) == 0,
                  "read of this process's own memory at %p: %s", (const void *)own,
                  err ? kmd_error_text(err) : "the same bytes");
        good_reads++;
    }
    if (get_stats(h, &s))
        return 1;
    kmd_check(s.Exceptions == start.Exceptions &&
                  s.FinallyNormal == start.FinallyNormal + good_reads &&
                  s.FinallyAbnormal == start.FinallyAbnormal,
              "good requests: no exception, each read's __finally ran on the normal path (%u)",
              good_reads);

    /* Bad addresses, each caught by the driver. */
    stage = bad_address(h, "a low address (the NULL page)", 0x10, 16, 0, &s);
    kmd_check(stage == SEH_STAGE_READ && s.LastAccess == 0 && s.LastAddress == 0x10,
              "low address: ProbeForRead lets it pass (user range), the read faults at 0x10");
    outside_user_space(h, "a non-canonical address", 0x8000000000000000ull, &s);
    outside_user_space(h, "a kernel-range address", 0xFFFF800000000000ull, &s);
    unmapped = reserve_unmapped();
    if (unmapped == NULL) {
        kmd_check(0, "unmapped page: VirtualAlloc(MEM_RESERVE): %s",
                  kmd_error_text(GetLastError()));
    } else {
        stage = bad_address(h, "a reserved, uncommitted page", (ULONG_PTR)unmapped, 16, 0, &s);
        kmd_check(
            stage == SEH_STAGE_READ && s.LastAccess == 0 && s.LastAddress == (ULONG_PTR)unmapped,
            "unmapped page: the read faults at 0x%llx", (unsigned long long)(ULONG_PTR)unmapped);
        VirtualFree(unmapped, 0, MEM_RELEASE);
    }
    kmd_check(s.LastBodyCode == s.LastCode || s.LastBodyCode == 0,
              "GetExceptionCode() in the __except body: 0x%08x", s.LastBodyCode);
    if (s.LastBodyCode == 0)
        puts("not checked under Wine: GetExceptionCode() read in the __except body (Wine's "
             "__C_specific_handler hands the body 0; the driver reads the code in the filter)");

    /* Through a locked MDL: MmProbeAndLockPages raises for a bad address. */
    {
        SEH_STATS before = s;

        err = seh_read(h, SEH_USER_SHARED_VERSION, 8, SEH_READ_LOCK, got_bytes, &got);
        if (get_stats(h, &s))
            return 1;
        if (err == ERROR_NO_SYSTEM_RESOURCES) {
            kmd_check(s.Leaves == before.Leaves + 1 &&
                          s.FinallyNormal == before.FinallyNormal + 1 &&
                          s.Exceptions == before.Exceptions,
                      "read through a locked MDL: the pages could not be mapped (1450): the "
                      "driver took __leave and its __finally ran on the normal path");
            puts("not checked under Wine: reading through a locked MDL (Wine's "
                 "MmProbeAndLockPages is a stub and MmMapLockedPagesSpecifyCache returns NULL)");
        } else {
            kmd_check(err == 0 && got == 8 && memcmp(mine, got_bytes, 8) == 0,
                      "read through a locked MDL: %s, the same 8 bytes", kmd_error_text(err));
        }
        before = s;
        err = seh_read(h, 0x10, 16, SEH_READ_LOCK, got_bytes, &got);
        if (get_stats(h, &s))
            return 1;
        printf("read 0x10, 16 bytes, locked: %s\n", kmd_error_text(err));
        if (err == ERROR_NO_SYSTEM_RESOURCES && s.Exceptions == before.Exceptions) {
            kmd_check(s.Leaves == before.Leaves + 1,
                      "locked read of 0x10: MmProbeAndLockPages did not raise; the mapping "
                      "failed and the driver took __leave");
            puts("not checked under Wine: MmProbeAndLockPages raising for a bad address (Wine's "
                 "is a stub)");
        } else {
            kmd_check(err == ERROR_NOACCESS && s.Exceptions == before.Exceptions + 1 &&
                          s.LastStage == SEH_STAGE_LOCK &&
                          s.FinallyAbnormal == before.FinallyAbnormal + 1,
                      "locked read of 0x10: MmProbeAndLockPages raised 0x%08x, caught (998), "
                      "__finally on the abnormal path",
                      s.LastCode);
        }
        copy_answers(h, "locked reads");
    }

    /* Bad DeviceIoControl buffers: METHOD_NEITHER passes the pointers to the driver as they are. */
    {
        static const char text[4] = "abcd";
        char out[4];

        /* ProbeForRead only checks the range: the read faults. ProbeForWrite touches each page
         * on Windows: the fault may come in the probe. */
        bad_buffer(h, "input buffer 0x10", (const void *)(ULONG_PTR)0x10, out, SEH_STAGE_READ,
                   SEH_STAGE_READ, &s);
        bad_buffer(h, "output buffer 0x10", text, (void *)(ULONG_PTR)0x10, SEH_STAGE_PROBE,
                   SEH_STAGE_WRITE, &s);
    }

    /* Totals: the __finally counted on both paths. */
    print_stats(&s);
    kmd_check(s.FinallyNormal > start.FinallyNormal && s.FinallyAbnormal > start.FinallyAbnormal,
              "__finally ran on both paths: %u normal, %u abnormal during this report",
              s.FinallyNormal - start.FinallyNormal, s.FinallyAbnormal - start.FinallyAbnormal);
    return kmd_check_verdict("report");
}

/* --- single requests ------------------------------------------------------------------------- */

static int copy_command(int argc, char **argv)
{
    const char *text = argv[0];
    size_t n = strlen(text);
    char out[SEH_COPY_MAX + 1];
    DWORD got = 0, err;

    (void)argc;
    if (n == 0 || n > SEH_COPY_MAX) {
        fprintf(stderr, "seh: copy takes 1 to %d bytes\n", SEH_COPY_MAX);
        return KMD_EXIT_USAGE;
    }
    err = kmd_ioctl(kmd_client_device(), IOCTL_SEH_COPY, text, (DWORD)n, out, (DWORD)n, &got);
    if (err)
        return kmd_print_error("copy", err);
    out[got] = '\0';
    printf("copy: \"%s\" -> \"%s\"\n", text, out);
    return 0;
}

/* A 64-bit number: decimal or 0x hex, digits only. */
static int parse_u64(const char *s, unsigned long long *out)
{
    char *end = (char *)s;

    errno = 0;
    if (isdigit((unsigned char)s[0]))
        *out = strtoull(s, &end, 0);
    if (end == s || *end != '\0' || errno == ERANGE) {
        fprintf(stderr, "seh: '%s' is not an address (decimal or 0x hex)\n", s);
        return 0;
    }
    return 1;
}

static int read_command(int argc, char **argv)
{
    unsigned char out[SEH_READ_MAX];
    unsigned long long address;
    DWORD length, got = 0, flags = 0, err;
    SEH_STATS s;
    HANDLE h;

    if (!parse_u64(argv[0], &address) || !kmd_parse_uint("seh", argv[1], SEH_READ_MAX, &length))
        return KMD_EXIT_USAGE;
    if (argc == 3 && strcmp(argv[2], "lock") != 0) {
        fprintf(stderr, "seh: read takes 'lock' as its third word, not '%s'\n", argv[2]);
        return KMD_EXIT_USAGE;
    }
    if (argc == 3)
        flags = SEH_READ_LOCK;
    h = kmd_client_device();
    printf("read 0x%llx, %lu bytes%s\n", address, (unsigned long)length, flags ? ", locked" : "");
    err = seh_read(h, address, length, flags, out, &got);
    if (err == 0) {
        printf("read: ok: %lu bytes\n", (unsigned long)got);
        kmd_hexdump(stdout, out, got);
        return 0;
    }
    kmd_print_error("read", err);
    /* The next request answers: the driver caught the fault and lives on. */
    if (get_stats(h, &s) == 0)
        print_stats(&s);
    return KMD_EXIT_DRIVER_ERROR;
}

static int stats_command(HANDLE h)
{
    SEH_STATS s;
    DWORD err = get_stats(h, &s);

    if (err)
        return kmd_print_error("stats", err);
    print_stats(&s);
    return 0;
}

/* The words of "seh call": copy echoes as many bytes as it is given; read's 16-byte request
 * carries --value as its length and --value2 as its flags, at address 0. */
static const struct kmd_call_name call_names[] = {
    {"copy", IOCTL_SEH_COPY, 0, KMD_CALL_OUT_AS_IN},
    {"read", IOCTL_SEH_READ, sizeof(SEH_READ_REQUEST), SEH_READ_MAX},
    {"stats", IOCTL_SEH_STATS, 0, sizeof(SEH_STATS)},
    {NULL, 0, 0, 0},
};

static const struct kmd_command commands[] = {
    KMD_COMMAND("report", report),
    KMD_COMMAND_WORDS("copy", copy_command, 1, 1, "one TEXT"),
    KMD_COMMAND_WORDS("read", read_command, 2, 3, "ADDRESS LENGTH [lock]"),
    KMD_COMMAND("stats", stats_command),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("seh", SEH_USER_NAME,
                           "usage: seh [report | copy TEXT | read ADDRESS LENGTH [lock] | stats | "
                           "call copy|read|stats|HEXCODE [--in TEXT | --in-size N [--value V] "
                           "[--value2 V]] [--out-size N]]",
                           commands, call_names, argc, argv);
}
