/* securedevices.exe: the client of kernel/securedevices.
 *
 *   securedevices [report]   for each of the 4 devices: the characteristics and the DACL the
 *                            driver reads back, checked against the preset, then which opens
 *                            succeed for this user (read/write, read, a name below the device)
 *   securedevices call query|HEXCODE [--index N | --in-size N] [--out-size N]
 *                            one IOCTL with any buffer sizes: "ok: N bytes" or "error: ..."
 * Exit codes: 0 success, 1 a wrong answer or an error, 2 bad arguments, 3 no device. */
#include <kmdkit/user.h>
#include <securedevices_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const wchar_t *const names[SECUREDEVICES_COUNT] = SECUREDEVICES_NAMES;

/* The SIDs each preset's DACL must name, in order (as the driver prints them). */
static const char *const want_sids[SECUREDEVICES_DEFAULT][3] = {
    {"SY", "BA", NULL}, {"SY", "BA", "BU"}, {"SY", "BA", "WD"}};

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

static HANDLE open_query_device(void)
{
    HANDLE h;
    DWORD err = kmd_device_open(names[SECUREDEVICES_EVERYONE], &h);

    if (err) {
        fprintf(stderr, "securedevices: cannot open \\\\.\\%ls: %s\n",
                names[SECUREDEVICES_EVERYONE], kmd_error_text(err));
        exit(3);
    }
    return h;
}

/* Checks what the driver reports for device i; returns the number of problems. *unread is set
 * when the system could not give the DACL back, *no_chars when it keeps no characteristics. */
static int check_info(unsigned i, const SECUREDEVICES_INFO *in, int *unread, int *no_chars)
{
    int bad = 0;

    printf("device %u \\\\.\\%ls: type 0x%04x, characteristics 0x%x (asked 0x%x%s)\n", i, names[i],
           in->DeviceType, in->Characteristics, in->Requested,
           in->Requested & SECUREDEVICES_SECURE_OPEN ? ": FILE_DEVICE_SECURE_OPEN" : "");
    printf("  intended %s\n", in->Intended);
    if (in->Flags & SECUREDEVICES_DACL_READ)
        printf("  DACL     %s\n", in->Sddl);
    else
        printf("  DACL     not readable here (status 0x%08x)\n", (unsigned)in->QueryStatus);
    if (in->Size != sizeof *in || in->Index != i || in->DeviceType != SECUREDEVICES_DEVICE_TYPE) {
        printf("  wrong answer: size %u, index %u, type 0x%x\n", in->Size, in->Index,
               in->DeviceType);
        bad++;
    }
    /* SECURE_OPEN: set where asked for, absent where not (unless the system records nothing). */
    if (in->Characteristics == 0 && in->Requested != 0)
        *no_chars = 1;
    else if ((in->Characteristics & SECUREDEVICES_SECURE_OPEN) !=
             (in->Requested & SECUREDEVICES_SECURE_OPEN)) {
        printf("  wrong: FILE_DEVICE_SECURE_OPEN %s\n",
               in->Requested ? "missing" : "set though not asked for");
        bad++;
    }
    if (i == SECUREDEVICES_DEFAULT)
        return bad; /* the system's default: reported, not judged */
    if (!(in->Flags & SECUREDEVICES_DACL_READ) || !(in->Flags & SECUREDEVICES_DACL_PRESENT)) {
        *unread = 1;
        return bad;
    }
    {
        unsigned want = want_sids[i][2] ? 3 : 2;
        int ok = in->AceCount == want && (in->Flags & SECUREDEVICES_DACL_PROTECTED);

        for (unsigned a = 0; ok && a < want; a++)
            ok = in->Aces[a].Type == 0 /* allowed */ &&
                 strcmp(in->Aces[a].Sid, want_sids[i][a]) == 0;
        printf("  %s: %u ACEs for %s, %s, protected %s\n", ok ? "ok" : "WRONG", in->AceCount,
               want_sids[i][0], want_sids[i][1],
               in->Flags & SECUREDEVICES_DACL_PROTECTED ? "yes" : "no");
        bad += !ok;
    }
    return bad;
}

static DWORD query(HANDLE h, unsigned i, SECUREDEVICES_INFO *info)
{
    DWORD got = 0,
          err = kmd_ioctl(h, IOCTL_SECUREDEVICES_QUERY, &i, sizeof i, info, sizeof *info, &got);

    if (!err && got != sizeof *info)
        err = ERROR_INVALID_DATA;
    if (err)
        printf("device %u: query: %s\n", i, kmd_error_text(err));
    return err;
}

static const char *open_text(DWORD err, char *buf, size_t size)
{
    if (err == 0)
        return "ok";
    snprintf(buf, size, "error %lu", (unsigned long)err);
    return buf;
}

static int report(void)
{
    HANDLE h = open_query_device();
    SECUREDEVICES_INFO info[SECUREDEVICES_COUNT], after;
    int bad = 0, unread = 0, no_chars = 0, not_seen = 0, admin = is_admin();

    for (unsigned i = 0; i < SECUREDEVICES_COUNT; i++) {
        if (query(h, i, &info[i]))
            return 1;
        bad += check_info(i, &info[i], &unread, &no_chars);
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
        if (admin && (rw || r)) {
            printf("  wrong: an administrator must be able to open it\n");
            bad++;
        }
        if (sub == 0) {
            printf("  wrong: the driver must refuse a name below the device\n");
            bad++;
        } else if (after.RefusedOpens == info[i].RefusedOpens) {
            not_seen = 1;
        }
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
    puts(bad ? "report: FAILED" : "report: passed");
    return bad != 0;
}

static int call(int argc, char **argv)
{
    DWORD code, index = 0, in_size = sizeof(DWORD), out_size = sizeof(SECUREDEVICES_INFO), got = 0;
    unsigned char *in, *out;
    HANDLE h;
    DWORD err;

    if (argc < 1) {
        fprintf(stderr, "securedevices: call needs query or a hex IOCTL code\n");
        return 2;
    }
    if (strcmp(argv[0], "query") == 0) {
        code = IOCTL_SECUREDEVICES_QUERY;
    } else {
        char *end;
        code = strtoul(argv[0], &end, 16);
        if (*end != '\0') {
            fprintf(stderr, "securedevices: '%s' is not query or a hex IOCTL code\n", argv[0]);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        DWORD *target = strcmp(argv[i], "--index") == 0      ? &index
                        : strcmp(argv[i], "--in-size") == 0  ? &in_size
                        : strcmp(argv[i], "--out-size") == 0 ? &out_size
                                                             : NULL;
        if (target == NULL || i + 1 >= argc) {
            fprintf(stderr, "securedevices: bad option '%s'\n", argv[i]);
            return 2;
        }
        if (!kmd_parse_uint("securedevices", argv[++i], 65536, target))
            return 2;
    }
    in = calloc(in_size + sizeof index, 1);
    out = calloc(out_size + 1, 1);
    if (!in || !out) {
        fprintf(stderr, "securedevices: out of memory\n");
        return 1;
    }
    memcpy(in, &index, sizeof index);
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    h = open_query_device();
    err = kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, &got);
    CloseHandle(h);
    if (err)
        printf("call: error: %s\n", kmd_error_text(err));
    else
        printf("call: ok: %lu bytes\n", (unsigned long)got);
    free(in);
    free(out);
    return err ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "report";

    if (strcmp(cmd, "report") == 0 && argc <= 2)
        return report();
    if (strcmp(cmd, "call") == 0)
        return call(argc - 2, argv + 2);
    puts("usage: securedevices [report] | call query|HEXCODE [--index N | --in-size N] "
         "[--out-size N]");
    return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
}
