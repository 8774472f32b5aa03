/* fileworks.exe: the client of the fileworks driver (driver.c).
 *
 *   fileworks [run [BASE]]   the driver runs its file story under BASE (an NT path such as
 *                            \??\C:\temp, at most FILEWORKS_BASE_MAX characters; default
 *                            \??\C:\); every result is checked against fileworks_ioctl.h:
 *                            "ok: ..." or "FAIL: ...", then "run: passed" or "run: FAILED"
 *   fileworks bad            every bad request the contract names, each with its Win32 error:
 *                            "bad: passed" when all come back as documented
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "fileworks_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file's expected bytes after the write and the append. */
static const char full_text[] = FILEWORKS_TEXT1 FILEWORKS_TEXT2;

static int find_entry(const FILEWORKS_REPORT *r, const wchar_t *name)
{
    for (unsigned i = 0; i < r->EntryCount && i < FILEWORKS_MAX_ENTRIES; i++)
        if (wcscmp((const wchar_t *)r->Entries[i].Name, name) == 0)
            return (int)i;
    return -1;
}

static int run(HANDLE h, const wchar_t *base)
{
    static FILEWORKS_REQUEST req;
    static FILEWORKS_REPORT r;
    DWORD got = 0, err;
    int story, empty;

    wcscpy((wchar_t *)req.Base, base); /* main checked its length */
    err = kmd_ioctl(h, IOCTL_FILEWORKS_RUN, &req, sizeof req, &r, sizeof r, &got);
    if (err)
        return kmd_print_error("run", err);
    kmd_check(got == sizeof r && r.Size == sizeof r, "report of %lu bytes", (unsigned long)got);
    kmd_check(r.FailedStep == FILEWORKS_STEP_NONE,
              "every step worked (failed step %u, status 0x%08lx)", r.FailedStep,
              (unsigned long)r.FailedStatus);
    kmd_check(r.Written == sizeof FILEWORKS_TEXT1 - 1, "wrote %u bytes", r.Written);
    kmd_check(r.Appended == sizeof FILEWORKS_TEXT2 - 1, "appended %u bytes", r.Appended);
    kmd_check(r.SizeAfterAppend == sizeof full_text - 1, "size after append %u", r.SizeAfterAppend);
    kmd_check(
        r.ReadBytes == sizeof full_text - 1 && memcmp(r.ReadData, full_text, r.ReadBytes) == 0,
        "read back %u bytes: \"%.*s\"", r.ReadBytes, (int)strcspn(r.ReadData, "\r"), r.ReadData);
    kmd_check(r.SizeAfterTruncate == FILEWORKS_TRUNCATE_TO, "size after truncate %u",
              r.SizeAfterTruncate);
    kmd_check(r.AttributesReadOnly & FILE_ATTRIBUTE_READONLY,
              "attributes after set 0x%x (READONLY)", r.AttributesReadOnly);
    kmd_check((unsigned long)r.DeleteWhileReadOnly == 0xC0000121UL,
              "delete while read-only refused: 0x%08lx (STATUS_CANNOT_DELETE)",
              (unsigned long)r.DeleteWhileReadOnly);
    kmd_check(!(r.AttributesCleared & FILE_ATTRIBUTE_READONLY), "attributes after clear 0x%x",
              r.AttributesCleared);
    story = find_entry(&r, FILEWORKS_FILE_NAME);
    empty = find_entry(&r, FILEWORKS_EMPTY_NAME);
    kmd_check(r.EntryCount == 2 && story >= 0 && empty >= 0, "listing has %u entries: %ls, %ls",
              r.EntryCount, r.EntryCount > 0 ? (const wchar_t *)r.Entries[0].Name : L"-",
              r.EntryCount > 1 ? (const wchar_t *)r.Entries[1].Name : L"-");
    kmd_check(story >= 0 && r.Entries[story].Size == FILEWORKS_TRUNCATE_TO,
              "listing: %ls is %u bytes", FILEWORKS_FILE_NAME,
              story >= 0 ? r.Entries[story].Size : 0);
    kmd_check(empty >= 0 && r.Entries[empty].Size == 0, "listing: %ls is %u bytes",
              FILEWORKS_EMPTY_NAME, empty >= 0 ? r.Entries[empty].Size : 0);
    /* After the delete, the folder is gone: its file's path no longer resolves. */
    kmd_check((unsigned long)r.OpenAfterDelete == 0xC000003AUL,
              "file gone: 0x%08lx (STATUS_OBJECT_PATH_NOT_FOUND)",
              (unsigned long)r.OpenAfterDelete);
    kmd_check((unsigned long)r.OpenDirAfterDelete == 0xC0000034UL,
              "folder gone: 0x%08lx (STATUS_OBJECT_NAME_NOT_FOUND)",
              (unsigned long)r.OpenDirAfterDelete);
    return kmd_check_verdict("run");
}

static void expect_error(HANDLE h, const char *name, DWORD code, const void *in, DWORD in_size,
                         DWORD out_size, DWORD want)
{
    static FILEWORKS_REPORT out;
    DWORD err = kmd_ioctl(h, code, in, in_size, out_size ? &out : NULL, out_size, NULL);

    kmd_check(err == want, "%s: %s", name, kmd_error_text(err));
}

static int bad(HANDLE h)
{
    static FILEWORKS_REQUEST req;
    DWORD out = sizeof(FILEWORKS_REPORT);

    expect_error(h, "input too short", IOCTL_FILEWORKS_RUN, &req, sizeof req - 2, out,
                 ERROR_INVALID_PARAMETER);
    expect_error(h, "no input", IOCTL_FILEWORKS_RUN, NULL, 0, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "output too short", IOCTL_FILEWORKS_RUN, &req, sizeof req, out - 1,
                 ERROR_INSUFFICIENT_BUFFER);
    wcscpy((wchar_t *)req.Base, L"C:\\windows");
    expect_error(h, "base without \\??\\", IOCTL_FILEWORKS_RUN, &req, sizeof req, out,
                 ERROR_INVALID_PARAMETER);
    wcscpy((wchar_t *)req.Base, L"\\??\\C:\\windows\\..\\users");
    expect_error(h, "base with ..", IOCTL_FILEWORKS_RUN, &req, sizeof req, out,
                 ERROR_INVALID_PARAMETER);
    for (unsigned i = 0; i <= FILEWORKS_BASE_MAX; i++)
        req.Base[i] = L'a';
    memcpy(req.Base, L"\\??\\", 8);
    expect_error(h, "base not NUL-terminated", IOCTL_FILEWORKS_RUN, &req, sizeof req, out,
                 ERROR_INVALID_PARAMETER);
    expect_error(h, "unknown code",
                 KMD_CTL_CODE(FILEWORKS_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                              FILE_ANY_ACCESS),
                 NULL, 0, 0, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("bad");
}

int wmain(int argc, wchar_t **argv)
{
    const wchar_t *cmd = argc > 1 ? argv[1] : L"run";
    const wchar_t *base = argc > 2 ? argv[2] : L"";
    HANDLE h;
    int rc;

    if (wcscmp(cmd, L"-h") == 0 || wcscmp(cmd, L"--help") == 0) {
        puts("usage: fileworks [run [BASE] | bad]");
        return 0;
    }
    if (wcscmp(cmd, L"run") != 0 && wcscmp(cmd, L"bad") != 0) {
        fprintf(stderr, "fileworks: unknown command '%ls' (try --help)\n", cmd);
        return KMD_EXIT_USAGE;
    }
    if (argc > (wcscmp(cmd, L"run") == 0 ? 3 : 2)) {
        fprintf(stderr, "fileworks: too many arguments for %ls\n", cmd);
        return KMD_EXIT_USAGE;
    }
    if (wcslen(base) > FILEWORKS_BASE_MAX) {
        fprintf(stderr, "fileworks: BASE is longer than %d characters\n", FILEWORKS_BASE_MAX);
        return KMD_EXIT_USAGE;
    }
    h = kmd_open_device_or_exit("fileworks", FILEWORKS_USER_NAME);
    if (wcscmp(cmd, L"bad") == 0)
        rc = bad(h);
    else
        rc = run(h, base);
    CloseHandle(h);
    return rc;
}
