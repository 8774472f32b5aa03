/* registryworks.exe: the client of the registryworks driver (driver.c).
 *
 *   registryworks [run]   the driver creates its key and values and reports what it reads
 *                         back; the client checks that report, reads the same values from
 *                         user mode (RegGetValueW), has the driver delete the key and checks it
 *                         is gone: "ok: ..." / "FAIL: ..." lines, then "run: passed"
 *   registryworks create  the same without the delete: the key stays for DriverUnload to delete
 *                         ("create: passed")
 *   registryworks bad     every bad request the contract names, each with its Win32 error
 *                         ("bad: passed")
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "registryworks_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wchar_t *value_name(const REGISTRYWORKS_REPORT *r, unsigned i)
{
    return i < r->ValueCount && i < REGISTRYWORKS_MAX_VALUES ? (const wchar_t *)r->Values[i].Name
                                                             : L"-";
}

static int has_value(const REGISTRYWORKS_REPORT *r, const wchar_t *name, unsigned type)
{
    for (unsigned i = 0; i < r->ValueCount && i < REGISTRYWORKS_MAX_VALUES; i++)
        if (_wcsicmp((const wchar_t *)r->Values[i].Name, name) == 0)
            return r->Values[i].Type == type;
    return 0;
}

/* The same values as user mode sees them: the key's NT name minus \Registry\Machine\ is a
 * path under HKEY_LOCAL_MACHINE. */
static void check_user_mode(const wchar_t *nt_path)
{
    static const wchar_t machine[] = L"\\Registry\\Machine\\";
    static const unsigned char want_bytes[] = REGISTRYWORKS_BYTES;
    const wchar_t *sub = nt_path + wcslen(machine);
    wchar_t text[64];
    unsigned char bytes[32];
    DWORD number = 0, size, err;

    if (_wcsnicmp(nt_path, machine, wcslen(machine)) != 0) {
        kmd_check(0, "key %ls is not under \\Registry\\Machine", nt_path);
        return;
    }
    size = sizeof text;
    err = RegGetValueW(HKEY_LOCAL_MACHINE, sub, L"Text", RRF_RT_REG_SZ, NULL, text, &size);
    kmd_check(err == 0 && wcscmp(text, REGISTRYWORKS_TEXT) == 0, "user mode: Text = \"%ls\" (%s)",
              err ? L"" : text, kmd_error_text(err));
    size = sizeof number;
    err = RegGetValueW(HKEY_LOCAL_MACHINE, sub, L"Number", RRF_RT_REG_DWORD, NULL, &number, &size);
    kmd_check(err == 0 && number == REGISTRYWORKS_NUMBER, "user mode: Number = 0x%08lx (%s)",
              (unsigned long)number, kmd_error_text(err));
    size = sizeof bytes;
    err = RegGetValueW(HKEY_LOCAL_MACHINE, sub, L"Bytes", RRF_RT_REG_BINARY, NULL, bytes, &size);
    kmd_check(err == 0 && size == sizeof want_bytes && memcmp(bytes, want_bytes, size) == 0,
              "user mode: Bytes = %lu bytes (%s)", (unsigned long)size, kmd_error_text(err));
}

/* RegOpenKeyExW's answer for the key: 0 when it exists. */
static DWORD open_key_error(const wchar_t *nt_path)
{
    HKEY key;
    DWORD err = RegOpenKeyExW(HKEY_LOCAL_MACHINE, nt_path + wcslen(L"\\Registry\\Machine\\"), 0,
                              KEY_READ, &key);
    if (err == 0)
        RegCloseKey(key);
    return err;
}

/* IOCTL_REGISTRYWORKS_CREATE, its report checked, the values read from user mode too. */
static int create(HANDLE h, REGISTRYWORKS_REPORT *r)
{
    static const unsigned char want_bytes[] = REGISTRYWORKS_BYTES;
    DWORD got = 0, err;

    err = kmd_ioctl(h, IOCTL_REGISTRYWORKS_CREATE, NULL, 0, r, sizeof *r, &got);
    if (err)
        return kmd_print_error("create", err);
    r->KeyPath[REGISTRYWORKS_PATH_MAX - 1] = 0;
    r->Text[31] = 0;
    r->Subkey[REGISTRYWORKS_NAME_MAX - 1] = 0;
    printf("key: %ls\n", (const wchar_t *)r->KeyPath);
    kmd_check(got == sizeof *r && r->Size == sizeof *r, "report of %lu bytes", (unsigned long)got);
    kmd_check(r->TextType == REG_SZ && r->TextBytes == sizeof REGISTRYWORKS_TEXT &&
                  wcscmp((const wchar_t *)r->Text, REGISTRYWORKS_TEXT) == 0,
              "Text: type %u, %u bytes, \"%ls\"", r->TextType, r->TextBytes,
              (const wchar_t *)r->Text);
    kmd_check(r->NumberType == REG_DWORD && r->Number == REGISTRYWORKS_NUMBER,
              "Number: type %u, 0x%08x", r->NumberType, r->Number);
    kmd_check(r->BytesType == REG_BINARY && r->BytesLength == sizeof want_bytes &&
                  memcmp(r->Bytes, want_bytes, sizeof want_bytes) == 0,
              "Bytes: type %u, %u bytes", r->BytesType, r->BytesLength);
    kmd_check(r->ValueCount == 3 && has_value(r, L"Text", REG_SZ) &&
                  has_value(r, L"Number", REG_DWORD) && has_value(r, L"Bytes", REG_BINARY),
              "enumerated %u values: %ls %ls %ls", r->ValueCount, value_name(r, 0),
              value_name(r, 1), value_name(r, 2));
    kmd_check(r->SubkeyCount == 1 && wcscmp((const wchar_t *)r->Subkey, REGISTRYWORKS_CHILD) == 0,
              "enumerated %u subkey: %ls", r->SubkeyCount, (const wchar_t *)r->Subkey);
    check_user_mode((const wchar_t *)r->KeyPath);
    return 0;
}

static int run(HANDLE h, int delete_key)
{
    static REGISTRYWORKS_REPORT r;
    const char *verdict = delete_key ? "run" : "create";
    DWORD err;

    if (create(h, &r))
        return 1;
    if (delete_key) {
        err = kmd_ioctl(h, IOCTL_REGISTRYWORKS_DELETE, NULL, 0, NULL, 0, NULL);
        kmd_check(err == 0, "delete: %s", kmd_error_text(err));
        err = open_key_error((const wchar_t *)r.KeyPath);
        kmd_check(err == ERROR_FILE_NOT_FOUND, "user mode: key gone: %s", kmd_error_text(err));
        err = kmd_ioctl(h, IOCTL_REGISTRYWORKS_DELETE, NULL, 0, NULL, 0, NULL);
        kmd_check(err == ERROR_FILE_NOT_FOUND, "delete again: %s", kmd_error_text(err));
    }
    return kmd_check_verdict(verdict);
}

static int bad(HANDLE h)
{
    DWORD report = sizeof(REGISTRYWORKS_REPORT);

    kmd_check_ioctl(h, "create with input", IOCTL_REGISTRYWORKS_CREATE, 4, report,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "create output too short", IOCTL_REGISTRYWORKS_CREATE, 0, report - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "delete with input", IOCTL_REGISTRYWORKS_DELETE, 4, 0,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "delete with output", IOCTL_REGISTRYWORKS_DELETE, 0, 4,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "delete with no key", IOCTL_REGISTRYWORKS_DELETE, 0, 0,
                    ERROR_FILE_NOT_FOUND);
    kmd_check_ioctl(h, "unknown code",
                    KMD_CTL_CODE(REGISTRYWORKS_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                                 FILE_ANY_ACCESS),
                    0, 0, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("bad");
}

/* "run" deletes the key at the end, "create" leaves it. */
static int run_command(HANDLE h)
{
    return run(h, 1);
}

static int create_command(HANDLE h)
{
    return run(h, 0);
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("run", run_command),
    KMD_COMMAND("create", create_command),
    KMD_COMMAND("bad", bad),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("registryworks", REGISTRYWORKS_USER_NAME,
                           "usage: registryworks [run | create | bad]", commands, NULL, argc, argv);
}
