/* sections.exe: the client of the sections driver (driver.c).
 *
 *   sections [report]   asks twice where the driver's samples lie and checks each against the
 *                       placement it asked for: INIT discardable, PAGE/PAGEDATA/PAGECONST(S)
 *                       pageable, .text/.data/.rdata/.bss not paged, and that the PAGEDATA
 *                       counter counts: "ok: ..." / "FAIL: ..." lines, then "report: passed"
 *   sections check      the documented refusals (input given, short output, unknown code), each
 *                       with its Win32 error, then "check: passed"
 * Exit codes: 0 success, 1 the driver answered with an error or not as expected,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "sections_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD get_report(HANDLE h, SECTIONS_REPORT *r)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_SECTIONS_REPORT, NULL, 0, r, sizeof *r, &got);

    if (err == 0 && (got != sizeof *r || r->Count != SectionsItemCount))
        err = ERROR_INVALID_DATA;
    return err;
}

static int report(HANDLE h)
{
    enum { RESIDENT, PAGEABLE, DISCARDABLE };
    /* PE section names have 8 characters: PAGECONST is stored as PAGECONS. Zero-filled data is
     * .bss after GNU ld, and the zero-filled tail of .data after lld (KMDKIT_COMPILER=clang),
     * which merges .bss into .data as link.exe does. */
    static const struct {
        const char *section;
        int kind;
        const char *or_section;
    } want[SectionsItemCount] = {
        [SectionsItemInitCode] = {"INIT", DISCARDABLE, NULL},
        [SectionsItemPagedCode] = {"PAGE", PAGEABLE, NULL},
        [SectionsItemCode] = {".text", RESIDENT, NULL},
        [SectionsItemPagedData] = {"PAGEDATA", PAGEABLE, NULL},
        [SectionsItemPagedConst] = {"PAGECONS", PAGEABLE, NULL},
        [SectionsItemData] = {".data", RESIDENT, NULL},
        [SectionsItemConst] = {".rdata", RESIDENT, NULL},
        [SectionsItemZeroData] = {".bss", RESIDENT, ".data"},
    };
    static const char *const kinds[] = {"not paged", "pageable", "discardable"};
    SECTIONS_REPORT r, again;
    DWORD err = get_report(h, &r);

    if (err == 0)
        err = get_report(h, &again);
    if (err)
        return kmd_print_error("report", err);
    for (unsigned i = 0; i < SectionsItemCount; i++) {
        const SECTIONS_ITEM *it = &r.Items[i];
        char name[9] = {0};
        unsigned c = it->Characteristics;
        int kind = (c & IMAGE_SCN_MEM_DISCARDABLE) ? DISCARDABLE
                   : (c & IMAGE_SCN_MEM_NOT_PAGED) ? RESIDENT
                                                   : PAGEABLE;

        memcpy(name, it->Section, 8);
        int where = strcmp(name, want[i].section) == 0 ||
                    (want[i].or_section && strcmp(name, want[i].or_section) == 0);
        /* Resident means NOT_PAGED set; discardable INIT must not be NOT_PAGED either. */
        kmd_check(where && kind == want[i].kind &&
                      !((c & IMAGE_SCN_MEM_DISCARDABLE) && (c & IMAGE_SCN_MEM_NOT_PAGED)),
                  "%-24.24s RVA 0x%05x  %-8s 0x%08x %s (expected %s%s%s, %s)", it->What, it->Rva,
                  name, c, kinds[kind], want[i].section, want[i].or_section ? " or " : "",
                  want[i].or_section ? want[i].or_section : "", kinds[want[i].kind]);
    }
    kmd_check(again.Reports == r.Reports + 1, "the PAGEDATA counter went from %u to %u", r.Reports,
              again.Reports);
    if (kmd_check_failures()) {
        puts("report: FAILED");
        return 1;
    }
    puts("report: passed");
    if (kmd_running_on_wine())
        puts("not checked under Wine: that INIT is freed after DriverEntry and PAGE* can be paged "
             "out (winedevice maps the whole image and never pages it)");
    return 0;
}

static int check(HANDLE h)
{
    const DWORD size = sizeof(SECTIONS_REPORT);

    kmd_check_ioctl(h, "input given", IOCTL_SECTIONS_REPORT, 4, size, ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "output 1 byte short", IOCTL_SECTIONS_REPORT, 0, size - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "unknown code",
                    KMD_CTL_CODE(SECTIONS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED,
                                 FILE_READ_ACCESS),
                    0, size, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("check");
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("report", report),
    KMD_COMMAND("check", check),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("sections", SECTIONS_USER_NAME, "usage: sections [report | check]",
                           commands, NULL, argc, argv);
}
