/* sharedsection.exe: the client of the sharedsection driver (driver.c).
 *
 *   sharedsection [edit [TEXT]]  creates the section Global\KmdSharedSection, writes TEXT
 *                                (default "Hello, shared section!", at most 4095 bytes) in it,
 *                                has the driver edit it and checks what its own view shows: the
 *                                text reversed and upper-cased. "ok: ..." / "FAIL: ..." lines,
 *                                then "edit: passed" (exit 0) or "edit: FAILED" (exit 1)
 *   sharedsection bad            every bad request the contract names, with its Win32 error:
 *                                "bad: passed" (exit 0) or "bad: FAILED" (exit 1)
 * Exit codes: 0 success, 1 a check failed, 2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "sharedsection_ioctl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Global\": the name lands in \BaseNamedObjects, where the driver looks (a plain name would be
 * in this session's \Sessions\N\BaseNamedObjects). Needs SeCreateGlobalPrivilege: admins. */
static char *create_section(const wchar_t *name, HANDLE *mapping)
{
    wchar_t full[SHAREDSECTION_NAME_MAX + 16] = L"Global\\";
    char *view;

    wcscat(full, name);
    *mapping =
        CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SHAREDSECTION_SIZE, full);
    if (*mapping == NULL) {
        kmd_check(0, "CreateFileMapping %ls: %s", full, kmd_error_text(GetLastError()));
        return NULL;
    }
    view = MapViewOfFile(*mapping, FILE_MAP_WRITE, 0, 0, SHAREDSECTION_SIZE);
    if (view == NULL) {
        kmd_check(0, "MapViewOfFile: %s", kmd_error_text(GetLastError()));
        CloseHandle(*mapping);
    }
    return view;
}

static DWORD edit_call(HANDLE h, const wchar_t *name, SHAREDSECTION_REPORT *r, DWORD *got)
{
    SHAREDSECTION_REQUEST req;

    memset(&req, 0, sizeof req);
    wcsncpy((wchar_t *)req.Name, name, SHAREDSECTION_NAME_MAX);
    memset(r, 0, sizeof *r);
    return kmd_ioctl(h, IOCTL_SHAREDSECTION_EDIT, &req, sizeof req, r, sizeof *r, got);
}

static int edit(HANDLE h, const char *text)
{
    char want[SHAREDSECTION_SIZE];
    SHAREDSECTION_REPORT r;
    HANDLE mapping;
    DWORD got = 0, err;
    size_t n = strlen(text); /* main() checked: n < SHAREDSECTION_SIZE */
    char *view;

    view = create_section(SHAREDSECTION_NAME, &mapping);
    if (view == NULL)
        return 1;
    strcpy(view, text);
    for (size_t i = 0; i < n; i++)
        want[i] = (char)toupper((unsigned char)text[n - 1 - i]);
    want[n] = '\0';
    err = edit_call(h, SHAREDSECTION_NAME, &r, &got);
    kmd_check(err == 0 && got == sizeof r && r.Size == sizeof r, "edit: %s", kmd_error_text(err));
    kmd_check(r.Length == n && r.ViewSize >= SHAREDSECTION_SIZE,
              "driver edited %u characters in a %u-byte view", r.Length, r.ViewSize);
    kmd_check(strcmp(view, want) == 0, "\"%s\" -> \"%s\"", text, view);
    UnmapViewOfFile(view);
    CloseHandle(mapping);
    /* The section went with its last handle: the driver no longer finds it. */
    err = edit_call(h, SHAREDSECTION_NAME, &r, &got);
    kmd_check(err == ERROR_FILE_NOT_FOUND, "section closed, driver finds none: %s",
              kmd_error_text(err));
    /* Under Wine every IRP runs in winedevice and KeStackAttachProcess does nothing: the driver's
     * view is in winedevice, not in the System process. The client says so; the driver is the same.
     */
    if (kmd_running_on_wine())
        puts("not checked under Wine: that the driver's view is in the System process (Wine's "
             "KeStackAttachProcess does nothing; the view was in winedevice)");
    return kmd_check_verdict("edit");
}

static void expect_error(HANDLE h, const char *name, const wchar_t *section, DWORD in_size,
                         DWORD out_size, DWORD want)
{
    SHAREDSECTION_REQUEST req[2];
    SHAREDSECTION_REPORT r;
    DWORD err;

    memset(req, 0, sizeof req);
    if (section)
        memcpy(req[0].Name, section, min(wcslen(section), SHAREDSECTION_NAME_MAX + 1) * 2);
    err = kmd_ioctl(h, IOCTL_SHAREDSECTION_EDIT, in_size ? req : NULL, in_size,
                    out_size ? &r : NULL, out_size, NULL);
    kmd_check(err == want, "%s: %s", name, kmd_error_text(err));
}

static int bad(HANDLE h)
{
    DWORD in = sizeof(SHAREDSECTION_REQUEST), out = sizeof(SHAREDSECTION_REPORT);
    wchar_t long_name[SHAREDSECTION_NAME_MAX + 2];
    SHAREDSECTION_REQUEST req;
    HANDLE mapping;
    char *view;
    DWORD err;

    for (int i = 0; i <= SHAREDSECTION_NAME_MAX; i++)
        long_name[i] = L'a';
    long_name[SHAREDSECTION_NAME_MAX + 1] = 0;
    expect_error(h, "empty name", L"", in, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "name with a path", L"..\\Sessions\\1\\X", in, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "name not NUL-terminated", long_name, in, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "input too short", L"KmdSharedSection", in - 2, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "input too long", L"KmdSharedSection", in + 2, out, ERROR_INVALID_PARAMETER);
    expect_error(h, "output too short", L"KmdSharedSection", in, out - 1,
                 ERROR_INSUFFICIENT_BUFFER);
    expect_error(h, "no such section", L"KmdNoSuchSection", in, out, ERROR_FILE_NOT_FOUND);
    view = create_section(L"KmdSharedSectionFull", &mapping);
    if (view != NULL) {
        memset(view, 'x', SHAREDSECTION_SIZE);
        memset(&req, 0, sizeof req);
        wcscpy((wchar_t *)req.Name, L"KmdSharedSectionFull");
        err = kmd_ioctl(h, IOCTL_SHAREDSECTION_EDIT, &req, sizeof req, &req, sizeof req, NULL);
        kmd_check(err == ERROR_INVALID_PARAMETER && view[0] == 'x' &&
                      view[SHAREDSECTION_SIZE - 1] == 'x',
                  "section without a NUL, left unchanged: %s", kmd_error_text(err));
        UnmapViewOfFile(view);
        CloseHandle(mapping);
    }
    err = kmd_ioctl(h,
                    KMD_CTL_CODE(SHAREDSECTION_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                                 FILE_ANY_ACCESS),
                    NULL, 0, NULL, 0, NULL);
    kmd_check(err == ERROR_INVALID_FUNCTION, "unknown code: %s", kmd_error_text(err));
    return kmd_check_verdict("bad");
}

#define USAGE "usage: sharedsection [edit [TEXT] | bad]"

/* "edit" checks TEXT before it asks for the device: a long one is exit 2 even without the
 * driver. */
static int edit_command(int argc, char **argv)
{
    const char *text = argc > 0 ? argv[0] : "Hello, shared section!";

    if (strlen(text) >= SHAREDSECTION_SIZE) {
        fprintf(stderr, "sharedsection: TEXT is longer than %d bytes\n", SHAREDSECTION_SIZE - 1);
        return KMD_EXIT_USAGE;
    }
    return edit(kmd_client_device(), text);
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_WORDS("edit", edit_command, 0, 1, "one TEXT at most"),
    KMD_COMMAND("bad", bad),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("sharedsection", SHAREDSECTION_USER_NAME, USAGE, commands, NULL, argc,
                           argv);
}
