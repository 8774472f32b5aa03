/* securedevices.exe: the client of the securedevices driver (driver.c).
 *
 *   securedevices [report]   for each of the 4 devices: the characteristics and the DACL the
 *                            driver reads back, checked against the preset, then which opens
 *                            succeed for this user (read/write, read, a name below the device);
 *                            one "ok:"/"FAIL:" line per check, then "report: passed"
 *   securedevices call query|HEXCODE [--value INDEX | --in-size N] [--out-size N]
 *                            one IOCTL with any buffer sizes (kmd_call_command): "call: ok: N
 *                            bytes" and a hex dump, or "call: error: ..."
 * Exit codes: 0 success, 1 a wrong answer or an error, 2 bad arguments, 3 no device. */
#include <kmdkit/user.h>
#include "securedevices_ioctl.h"

#include <stdio.h>
#include <string.h>

static const wchar_t *const names[SECUREDEVICES_COUNT] = SECUREDEVICES_NAMES;

/* What each preset's DACL must read back as: the SIDs in order, the rights as set (generic) or
 * as Windows stores them (mapped to file rights), and the whole SDDL-like text either way. */
static const struct {
    const char *intended;
    const char *sids[3];
    DWORD generic[3], mapped[3];
    const char *sddl_mapped;
} want[SECUREDEVICES_DEFAULT] = {
    {"D:P(A;;GA;;;SY)(A;;GA;;;BA)",
     {"SY", "BA", NULL},
     {GENERIC_ALL, GENERIC_ALL, 0},
     {FILE_ALL_ACCESS, FILE_ALL_ACCESS, 0},
     "D:P(A;;FA;;;SY)(A;;FA;;;BA)"},
    {"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;BU)",
     {"SY", "BA", "BU"},
     {GENERIC_ALL, GENERIC_ALL, GENERIC_READ},
     {FILE_ALL_ACCESS, FILE_ALL_ACCESS, FILE_GENERIC_READ},
     "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;BU)"},
    {"D:P(A;;GA;;;SY)(A;;GA;;;BA)(A;;GRGW;;;WD)",
     {"SY", "BA", "WD"},
     {GENERIC_ALL, GENERIC_ALL, GENERIC_READ | GENERIC_WRITE},
     {FILE_ALL_ACCESS, FILE_ALL_ACCESS, FILE_GENERIC_READ | FILE_GENERIC_WRITE},
     "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFW;;;WD)"},
};

/* Opens \\.\<name><suffix> with `access`; returns 0 or the Win32 error. */
static DWORD try_open(const wchar_t *name, const wchar_t *suffix, DWORD access)
{
    wchar_t path[MAX_PATH];
    HANDLE h;

    swprintf(path, MAX_PATH, L"\\\\.\\%ls%ls", name, suffix);
    h = CreateFileW(path, access, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    CloseHandle(h);
    return 0;
}

static int is_admin(void)
{
    SID_IDENTIFIER_AUTHORITY nt = {SECURITY_NT_AUTHORITY};
    PSID admins;
    BOOL member = FALSE;

    if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0,
                                  0, 0, 0, 0, 0, &admins))
        return 0;
    if (!CheckTokenMembership(NULL, admins, &member))
        member = FALSE;
    FreeSid(admins);
    return member != 0;
}

/* Checks what the driver reports for device i. *unread is set when the system could not give the
 * DACL back, *no_chars when it keeps no characteristics. */
static void check_info(unsigned i, const SECUREDEVICES_INFO *in, int *unread, int *no_chars)
{
    unsigned n;
    int aces_ok;

    printf("device %u \\\\.\\%ls: type 0x%04x, characteristics 0x%x (asked 0x%x%s)\n", i, names[i],
           in->DeviceType, in->Characteristics, in->Requested,
           in->Requested & SECUREDEVICES_SECURE_OPEN ? ": FILE_DEVICE_SECURE_OPEN" : "");
    printf("  intended %s\n", in->Intended);
    if (in->Flags & SECUREDEVICES_DACL_READ)
        printf("  DACL     %s\n", in->Sddl);
    else
        printf("  DACL     not readable here (status 0x%08x)\n", (unsigned)in->QueryStatus);
    kmd_check(in->Size == sizeof *in && in->Index == i &&
                  in->DeviceType == SECUREDEVICES_DEVICE_TYPE,
              "device %u: size %u, index %u, type 0x%x", i, in->Size, in->Index, in->DeviceType);
    if (i == SECUREDEVICES_DEFAULT) {
        /* The system's default: its DACL is reported, not judged. */
        kmd_check(strcmp(in->Intended, "(system default)") == 0 && in->Requested == 0 &&
                      in->Characteristics == 0,
                  "device %u: the system default, characteristics 0 as asked (no "
                  "FILE_DEVICE_SECURE_OPEN)",
                  i);
        return;
    }
    kmd_check(strcmp(in->Intended, want[i].intended) == 0, "device %u: intended %s", i,
              want[i].intended);
    /* SECURE_OPEN where asked for, unless the system records no characteristics at all. */
    if (in->Characteristics == 0)
        *no_chars = 1;
    else
        kmd_check((in->Characteristics & SECUREDEVICES_SECURE_OPEN) &&
                      in->Requested == SECUREDEVICES_SECURE_OPEN,
                  "device %u: FILE_DEVICE_SECURE_OPEN set, as asked", i);
    if (!(in->Flags & SECUREDEVICES_DACL_READ) || !(in->Flags & SECUREDEVICES_DACL_PRESENT)) {
        *unread = 1;
        return;
    }
    n = want[i].sids[2] ? 3 : 2;
    aces_ok = in->AceCount == n && (in->Flags & SECUREDEVICES_DACL_PROTECTED);
    for (unsigned a = 0; aces_ok && a < n; a++)
        aces_ok = in->Aces[a].Type == 0 /* allowed */ &&
                  strcmp(in->Aces[a].Sid, want[i].sids[a]) == 0 &&
                  (in->Aces[a].Mask == want[i].generic[a] || in->Aces[a].Mask == want[i].mapped[a]);
    kmd_check(
        aces_ok, "device %u: %u allowed ACEs for %s, %s%s%s with the preset's rights, protected %s",
        i, in->AceCount, want[i].sids[0], want[i].sids[1], n == 3 ? ", " : "",
        n == 3 ? want[i].sids[2] : "", in->Flags & SECUREDEVICES_DACL_PROTECTED ? "yes" : "no");
    kmd_check(strcmp(in->Sddl, want[i].intended) == 0 || strcmp(in->Sddl, want[i].sddl_mapped) == 0,
              "device %u: DACL read back as %s or %s", i, want[i].intended, want[i].sddl_mapped);
}

static DWORD query(HANDLE h, unsigned i, SECUREDEVICES_INFO *info)
{
    DWORD got = 0,
          err = kmd_ioctl(h, IOCTL_SECUREDEVICES_QUERY, &i, sizeof i, info, sizeof *info, &got);
    char what[32];

    if (!err && got != sizeof *info)
        err = ERROR_INVALID_DATA;
    if (err) {
        snprintf(what, sizeof what, "device %u: query", i);
        kmd_print_error(what, err);
    }
    return err;
}

static const char *open_text(DWORD err, char *buf, size_t size)
{
    if (err == 0)
        return "ok";
    snprintf(buf, size, "error %lu", (unsigned long)err);
    return buf;
}

/* Opens KmdSecureEveryone itself (own_device in commands[]) and closes it before its last checks.
 */
static int report(HANDLE h)
{
    SECUREDEVICES_INFO info[SECUREDEVICES_COUNT], after;
    int unread = 0, no_chars = 0, not_seen = 0, admin = is_admin();

    h = kmd_open_device_or_exit("securedevices", names[SECUREDEVICES_EVERYONE]);
    for (unsigned i = 0; i < SECUREDEVICES_COUNT; i++) {
        if (query(h, i, &info[i]))
            return 1;
        check_info(i, &info[i], &unread, &no_chars);
    }
    printf("opens as %s:\n", admin ? "an administrator" : "a standard user");
    for (unsigned i = 0; i < SECUREDEVICES_COUNT; i++) {
        DWORD rw = try_open(names[i], L"", GENERIC_READ | GENERIC_WRITE);
        DWORD r = try_open(names[i], L"", GENERIC_READ);
        DWORD sub = try_open(names[i], L"\\sub", GENERIC_READ);
        char a[32], b[32], c[32];

        if (query(h, i, &after))
            return 1;
        printf("  \\\\.\\%ls: read/write %s, read %s, \\sub %s (%s)\n", names[i],
               open_text(rw, a, sizeof a), open_text(r, b, sizeof b), open_text(sub, c, sizeof c),
               after.RefusedOpens > info[i].RefusedOpens ? "refused by the driver"
                                                         : "the driver did not see it");
        /* An administrator passes every DACL here; names below a device never open. */
        if (admin)
            kmd_check(rw == 0 && r == 0, "\\\\.\\%ls: an administrator opens it", names[i]);
        kmd_check(sub == ERROR_FILE_NOT_FOUND,
                  "\\\\.\\%ls\\sub: refused with 2, no namespace below the device", names[i]);
        if (sub != 0 && after.RefusedOpens == info[i].RefusedOpens)
            not_seen = 1;
    }
    CloseHandle(h);
    if (no_chars)
        puts("not checked under Wine: FILE_DEVICE_SECURE_OPEN in DeviceObject->Characteristics "
             "(this system keeps 0 there)");
    if (unread)
        puts("not checked under Wine: the DACL read back from the device objects (the system "
             "does not return it)");
    if (not_seen)
        puts("not checked under Wine: the driver's refusal of a name below a device (this "
             "system fails such an open before the driver sees it)");
    if (admin)
        puts("not checked under Wine: denial for a standard user (this process is an "
             "administrator; Wine does not check device DACLs either)");
    return kmd_check_verdict("report");
}

/* The word of "securedevices call": a QUERY with a 4-byte index (--value N, default 0). */
static const struct kmd_call_name call_names[] = {
    {"query", IOCTL_SECUREDEVICES_QUERY, sizeof(DWORD), sizeof(SECUREDEVICES_INFO)},
    {NULL, 0, 0, 0},
};

static const struct kmd_command commands[] = {
    KMD_COMMAND_OWN_DEVICE("report", report),
    {0},
};

/* "call" opens KmdSecureEveryone: the device every user may open. */
int main(int argc, char **argv)
{
    return kmd_client_main("securedevices", names[SECUREDEVICES_EVERYONE],
                           "usage: securedevices [report] | call query|HEXCODE [--value INDEX | "
                           "--in-size N] [--out-size N]",
                           commands, call_names, argc, argv);
}
