/* virttophys.exe: the client of kernel/virttophys.
 *
 *   virttophys [show]   sends the base addresses of this program, kernel32.dll and ntdll.dll
 *                       (each touched first, so its page is resident) and prints the physical
 *                       address the driver found behind each; checks the answer's shape
 *   virttophys check    the documented refusals (bad counts and lengths, a kernel address, a
 *                       short output buffer, an unknown code)
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <virttophys_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_OFFSET(a) ((a)&0xFFFull)

static HANDLE open_virttophys(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(VIRTTOPHYS_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "virttophys: cannot open \\\\.\\%ls: %s\n", VIRTTOPHYS_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

static int show(HANDLE h)
{
    static const wchar_t *const names[] = {NULL, L"kernel32.dll", L"ntdll.dll"};
    static const char *const labels[] = {"virttophys.exe", "kernel32.dll", "ntdll.dll"};
    enum { N = 3 };
    union {
        VIRTTOPHYS_REQUEST r;
        unsigned char bytes[VIRTTOPHYS_REQUEST_SIZE(N)];
    } in;
    union {
        VIRTTOPHYS_RESULT r;
        unsigned char bytes[VIRTTOPHYS_RESULT_SIZE(N)];
    } out;
    unsigned identical = 0, bad = 0;
    DWORD got = 0, err;
    char msg[512];

    memset(&in, 0, sizeof in);
    memset(&out, 0xCC, sizeof out);
    in.r.Count = N;
    for (int i = 0; i < N; i++) {
        const volatile unsigned char *base = (const void *)GetModuleHandleW(names[i]);
        (void)*base; /* touch it: the header page is now resident */
        in.r.Addresses[i] = (unsigned long long)(ULONG_PTR)base;
    }
    err = kmd_ioctl(h, IOCTL_VIRTTOPHYS_TRANSLATE, &in, sizeof in, &out, sizeof out, &got);
    if (err) {
        printf("show: error: %s\n", kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
    if (got != sizeof out || out.r.Count != N) {
        printf("show: wrong answer: %lu bytes, Count %u (expected %u bytes, Count %u)\n",
               (unsigned long)got, out.r.Count, (unsigned)sizeof out, N);
        return 1;
    }
    for (int i = 0; i < N; i++) {
        const VIRTTOPHYS_ENTRY *e = &out.r.Entries[i];
        int present = (e->Flags & VIRTTOPHYS_PRESENT) != 0;

        printf("  %-15s virtual 0x%016llx -> physical ", labels[i], e->Virtual);
        if (present)
            printf("0x%016llx\n", e->Physical);
        else
            printf("(not resident)\n");
        /* Same page offset: a translation moves pages, not bytes within them. */
        if (e->Virtual != in.r.Addresses[i] || (e->Flags & ~VIRTTOPHYS_PRESENT) != 0 ||
            (present && PAGE_OFFSET(e->Physical) != PAGE_OFFSET(e->Virtual)) ||
            (!present && e->Physical != 0)) {
            printf("show: entry %d is wrong\n", i);
            bad++;
        }
        identical += present && e->Physical == e->Virtual;
    }
    if (bad)
        return 1;
    printf("show: %u addresses sent, %u answered, %u resident\n", N, out.r.Count, out.r.Present);
    if (kmd_running_on_wine()) {
        /* Wine's MmGetPhysicalAddress returns the virtual address: the round trip is all that
         * can be checked there. */
        if (out.r.Present != N || identical != N) {
            printf("show: under Wine every address should come back as itself\n");
            return 1;
        }
        puts("show: round trip as Wine gives it: physical == virtual for every entry");
        puts("not checked under Wine: real physical addresses (Wine's MmGetPhysicalAddress "
             "returns the virtual address)");
    } else if (out.r.Present == 0) {
        printf("show: no page was resident, though each was touched\n");
        return 1;
    }
    return 0;
}

static int check(HANDLE h)
{
    /* Above the highest user address on either architecture. */
    const unsigned long long kernel = sizeof(void *) == 8 ? 0xFFFF800000000000ull : 0xC0000000ull;
    const unsigned long long mine = (unsigned long long)(ULONG_PTR)GetModuleHandleW(NULL);
    static const struct {
        const char *what;
        DWORD code;
        unsigned count, reserved, addresses; /* header fields, addresses actually sent */
        int header_only, kernel_address;
        DWORD out_count; /* output room, in entries */
        int out_short;   /* one byte less */
        DWORD expect;
    } cases[] = {
        {"no input", 0, 0, 0, 0, -1, 0, 1, 0, ERROR_INVALID_PARAMETER},
        {"count 0", 0, 0, 0, 0, 1, 0, 1, 0, ERROR_INVALID_PARAMETER},
        {"count 65", 0, 65, 0, 65, 0, 0, 65, 0, ERROR_INVALID_PARAMETER},
        {"count 3, 2 sent", 0, 3, 0, 2, 0, 0, 3, 0, ERROR_INVALID_PARAMETER},
        {"count 1, 2 sent", 0, 1, 0, 2, 0, 0, 2, 0, ERROR_INVALID_PARAMETER},
        {"Reserved set", 0, 1, 1, 1, 0, 0, 1, 0, ERROR_INVALID_PARAMETER},
        {"kernel address", 0, 2, 0, 2, 0, 1, 2, 0, ERROR_INVALID_PARAMETER},
        {"output 1 byte short", 0, 2, 0, 2, 0, 0, 2, 1, ERROR_INSUFFICIENT_BUFFER},
        {"output for 1 of 2", 0, 2, 0, 2, 0, 0, 1, 0, ERROR_INSUFFICIENT_BUFFER},
        {"unknown code", 1, 1, 0, 1, 0, 0, 1, 0, ERROR_INVALID_FUNCTION},
    };
    static union {
        VIRTTOPHYS_REQUEST r;
        unsigned char bytes[VIRTTOPHYS_REQUEST_SIZE(VIRTTOPHYS_MAX + 1)];
    } in;
    static unsigned char out[VIRTTOPHYS_RESULT_SIZE(VIRTTOPHYS_MAX + 1)];
    unsigned n = sizeof cases / sizeof cases[0], ok = 0, skipped = 0;
    char msg[512];

    for (unsigned i = 0; i < n; i++) {
        DWORD in_size, out_size, err, code = IOCTL_VIRTTOPHYS_TRANSLATE;

        if (cases[i].kernel_address && kmd_running_on_wine()) {
            /* The driver compares with MmHighestUserAddress, which Wine 8.0 exports as an
             * unimplemented stub: what it reads there is code, not an address. */
            printf("check: %-20s -> not sent\n", cases[i].what);
            skipped++;
            continue;
        }

        memset(&in, 0, sizeof in);
        in.r.Count = cases[i].count;
        in.r.Reserved = cases[i].reserved;
        for (unsigned a = 0; a < cases[i].addresses; a++)
            in.r.Addresses[a] = mine;
        if (cases[i].kernel_address)
            in.r.Addresses[1] = kernel;
        in_size = cases[i].header_only < 0   ? 0
                  : cases[i].header_only > 0 ? (DWORD)sizeof(VIRTTOPHYS_REQUEST)
                                             : (DWORD)VIRTTOPHYS_REQUEST_SIZE(cases[i].addresses);
        out_size = (DWORD)VIRTTOPHYS_RESULT_SIZE(cases[i].out_count) - (cases[i].out_short ? 1 : 0);
        if (cases[i].code)
            code = KMD_CTL_CODE(VIRTTOPHYS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED,
                                FILE_READ_ACCESS);
        err = kmd_ioctl(h, code, in_size ? &in : NULL, in_size, out, out_size, NULL);
        ok += err == cases[i].expect;
        printf("check: %-20s -> %s: %s\n", cases[i].what, kmd_format_error(err, msg, sizeof msg),
               err == cases[i].expect ? "as documented" : "WRONG");
    }
    if (ok + skipped != n) {
        printf("check: FAILED: %u of %u answers as documented\n", ok, n - skipped);
        return 1;
    }
    printf("check: all %u answers as documented\n", ok);
    if (skipped)
        puts("not checked under Wine: the refusal of a kernel address (the driver compares with "
             "MmHighestUserAddress, an unimplemented stub in Wine 8.0)");
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "show";
    HANDLE h;
    int rc;

    if (argc > 2 || (strcmp(cmd, "show") && strcmp(cmd, "check"))) {
        fprintf(stderr, "usage: virttophys [show | check]\n");
        return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
    }
    h = open_virttophys();
    rc = strcmp(cmd, "show") == 0 ? show(h) : check(h);
    CloseHandle(h);
    return rc;
}
