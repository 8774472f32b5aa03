/* sections.exe: the client of kernel/sections.
 *
 *   sections [report]   asks twice where the driver's samples lie and checks each against the
 *                       placement it asked for: INIT discardable, PAGE/PAGEDATA/PAGECONST(S)
 *                       pageable, .text/.data/.rdata/.bss not paged
 *   sections check      the documented refusals (input given, short output, unknown code)
 * Exit codes: 0 success, 1 the driver answered with an error or not as expected,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <sections_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static HANDLE open_sections(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(SECTIONS_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "sections: cannot open \\\\.\\%ls: %s\n", SECTIONS_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

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
    /* PE section names have 8 characters: PAGECONST is stored as PAGECONS. */
    static const struct {
        const char *section;
        int kind;
    } want[SectionsItemCount] = {
        [SectionsItemInitCode] = {"INIT", DISCARDABLE},
        [SectionsItemPagedCode] = {"PAGE", PAGEABLE},
        [SectionsItemCode] = {".text", RESIDENT},
        [SectionsItemPagedData] = {"PAGEDATA", PAGEABLE},
        [SectionsItemPagedConst] = {"PAGECONS", PAGEABLE},
        [SectionsItemData] = {".data", RESIDENT},
        [SectionsItemConst] = {".rdata", RESIDENT},
        [SectionsItemZeroData] = {".bss", RESIDENT},
    };
    static const char *const kinds[] = {"not paged", "pageable", "discardable"};
    SECTIONS_REPORT r, again;
    unsigned bad = 0;
    char msg[512];
    DWORD err = get_report(h, &r);

    if (err == 0)
        err = get_report(h, &again);
    if (err) {
        printf("report: error: %s\n", kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
    for (unsigned i = 0; i < SectionsItemCount; i++) {
        const SECTIONS_ITEM *it = &r.Items[i];
        char name[9] = {0};
        unsigned c = it->Characteristics;
        int kind = (c & IMAGE_SCN_MEM_DISCARDABLE) ? DISCARDABLE
                   : (c & IMAGE_SCN_MEM_NOT_PAGED) ? RESIDENT
                                                   : PAGEABLE;
        int right;

        memcpy(name, it->Section, 8);
        /* Resident means NOT_PAGED set; discardable INIT must not be NOT_PAGED either. */
        right = strcmp(name, want[i].section) == 0 && kind == want[i].kind &&
                !((c & IMAGE_SCN_MEM_DISCARDABLE) && (c & IMAGE_SCN_MEM_NOT_PAGED));
        printf("  %-24.24s RVA 0x%05x  %-8s 0x%08x %-11s %s\n", it->What, it->Rva, name, c,
               kinds[kind], right ? "ok" : "WRONG");
        bad += !right;
    }
    if (again.Reports != r.Reports + 1) {
        printf("report: the PAGEDATA counter went from %u to %u, expected +1\n", r.Reports,
               again.Reports);
        bad++;
    }
    if (bad) {
        printf("report: FAILED: %u problem(s)\n", bad);
        return 1;
    }
    printf("report: %u samples where they belong (INIT discardable, PAGE* pageable, the rest not "
           "paged)\n",
           (unsigned)SectionsItemCount);
    if (kmd_running_on_wine())
        puts("not checked under Wine: that INIT is freed after DriverEntry and PAGE* can be paged "
             "out (winedevice maps the whole image and never pages it)");
    return 0;
}

static int check(HANDLE h)
{
    static const struct {
        const char *what;
        DWORD code, in_size, out_size, expect;
    } cases[] = {
        {"input given", IOCTL_SECTIONS_REPORT, 4, sizeof(SECTIONS_REPORT), ERROR_INVALID_PARAMETER},
        {"output 1 byte short", IOCTL_SECTIONS_REPORT, 0, sizeof(SECTIONS_REPORT) - 1,
         ERROR_INSUFFICIENT_BUFFER},
        {"unknown code",
         KMD_CTL_CODE(SECTIONS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED,
                      FILE_READ_ACCESS),
         0, sizeof(SECTIONS_REPORT), ERROR_INVALID_FUNCTION},
    };
    static SECTIONS_REPORT out;
    unsigned char in[4] = {0};
    unsigned n = sizeof cases / sizeof cases[0], ok = 0;
    char msg[512];

    for (unsigned i = 0; i < n; i++) {
        DWORD err = kmd_ioctl(h, cases[i].code, cases[i].in_size ? in : NULL, cases[i].in_size,
                              &out, cases[i].out_size, NULL);
        ok += err == cases[i].expect;
        printf("check: %-20s -> %s: %s\n", cases[i].what, kmd_format_error(err, msg, sizeof msg),
               err == cases[i].expect ? "as documented" : "WRONG");
    }
    if (ok != n) {
        printf("check: FAILED: %u of %u answers as documented\n", ok, n);
        return 1;
    }
    printf("check: all %u answers as documented\n", n);
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "report";
    HANDLE h;
    int rc;

    if (argc > 2 || (strcmp(cmd, "report") && strcmp(cmd, "check"))) {
        fprintf(stderr, "usage: sections [report | check]\n");
        return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
    }
    h = open_sections();
    rc = strcmp(cmd, "report") == 0 ? report(h) : check(h);
    CloseHandle(h);
    return rc;
}
