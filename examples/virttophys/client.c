/* virttophys.exe: the client of the virttophys driver (driver.c).
 *
 *   virttophys [show]   sends the base addresses of this program, kernel32.dll and ntdll.dll
 *                       (each touched first, so its page is resident) and prints the physical
 *                       address the driver found behind each; checks the answer's shape
 *   virttophys check    the documented refusals, in the contract's order (bad counts and
 *                       lengths, a kernel address, short output buffers, an unknown code)
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "virttophys_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_OFFSET(a) ((a)&0xFFFull)

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
    unsigned identical = 0;
    DWORD got = 0, err;

    memset(&in, 0, sizeof in);
    memset(&out, 0xCC, sizeof out);
    in.r.Count = N;
    for (int i = 0; i < N; i++) {
        const volatile unsigned char *base = (const void *)GetModuleHandleW(names[i]);
        (void)*base; /* touch it: the header page is now resident */
        in.r.Addresses[i] = (unsigned long long)(ULONG_PTR)base;
    }
    err = kmd_ioctl(h, IOCTL_VIRTTOPHYS_TRANSLATE, &in, sizeof in, &out, sizeof out, &got);
    if (err)
        return kmd_print_error("show", err);
    kmd_check(got == sizeof out && out.r.Count == N, "answer of %lu bytes, Count %u",
              (unsigned long)got, out.r.Count);
    if (kmd_check_failures()) {
        puts("show: FAILED");
        return 1;
    }
    for (int i = 0; i < N; i++) {
        const VIRTTOPHYS_ENTRY *e = &out.r.Entries[i];
        int present = (e->Flags & VIRTTOPHYS_PRESENT) != 0;
        char physical[32];

        if (present)
            snprintf(physical, sizeof physical, "0x%016llx", e->Physical);
        else
            snprintf(physical, sizeof physical, "(not resident)");
        /* Same page offset: a translation moves pages, not bytes within them. */
        kmd_check(
            e->Virtual == in.r.Addresses[i] && (e->Flags & ~VIRTTOPHYS_PRESENT) == 0 &&
                (present ? PAGE_OFFSET(e->Physical) == PAGE_OFFSET(e->Virtual) : e->Physical == 0),
            "%-15s virtual 0x%016llx -> physical %s", labels[i], e->Virtual, physical);
        identical += present && e->Physical == e->Virtual;
    }
    if (kmd_running_on_wine())
        /* Wine's MmGetPhysicalAddress returns the virtual address: the round trip is all that
         * can be checked there. */
        kmd_check(out.r.Present == N && identical == N,
                  "round trip as Wine gives it: physical == virtual for every entry");
    else
        kmd_check(out.r.Present != 0, "%u of %u pages resident (each was touched)", out.r.Present,
                  N);
    if (kmd_check_failures()) {
        puts("show: FAILED");
        return 1;
    }
    printf("show: passed (%u addresses sent, %u answered, %u resident)\n", N, out.r.Count,
           out.r.Present);
    if (kmd_running_on_wine())
        puts("not checked under Wine: real physical addresses (Wine's MmGetPhysicalAddress "
             "returns the virtual address)");
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
        /* The output's room for one entry is checked before Count. */
        {"count 0, output 31", 0, 0, 0, 0, 1, 0, 1, 1, ERROR_INSUFFICIENT_BUFFER},
        {"unknown code", 1, 1, 0, 1, 0, 0, 1, 0, ERROR_INVALID_FUNCTION},
    };
    static union {
        VIRTTOPHYS_REQUEST r;
        unsigned char bytes[VIRTTOPHYS_REQUEST_SIZE(VIRTTOPHYS_MAX + 1)];
    } in;
    static unsigned char out[VIRTTOPHYS_RESULT_SIZE(VIRTTOPHYS_MAX + 1)];
    unsigned n = sizeof cases / sizeof cases[0], skipped = 0;
    char msg[512];

    for (unsigned i = 0; i < n; i++) {
        DWORD in_size, out_size, err, code = IOCTL_VIRTTOPHYS_TRANSLATE;

        if (cases[i].kernel_address && kmd_running_on_wine()) {
            /* The driver compares with MmHighestUserAddress, which Wine 8.0 exports as an
             * unimplemented stub: what it reads there is code, not an address. */
            printf("not sent: %s\n", cases[i].what);
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
        kmd_check(err == cases[i].expect, "%-20s -> %s", cases[i].what,
                  kmd_format_error(err, msg, sizeof msg));
    }
    if (kmd_check_failures()) {
        printf("check: FAILED: %d of %u answers not as documented\n", kmd_check_failures(),
               n - skipped);
        return 1;
    }
    printf("check: passed (%u answers as documented)\n", n - skipped);
    if (skipped)
        puts("not checked under Wine: the refusal of a kernel address (the driver compares with "
             "MmHighestUserAddress, an unimplemented stub in Wine 8.0)");
    return 0;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("show", show),
    KMD_COMMAND("check", check),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("virttophys", VIRTTOPHYS_USER_NAME, "usage: virttophys [show | check]",
                           commands, NULL, argc, argv);
}
