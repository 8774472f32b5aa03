/* wdktest.exe: the client of tests/wdk's driver (a WDK-style driver, kmd_add_driver(... WDK)).
 *
 *   wdktest run pool|runtime|macros|all
 *       in-kernel checks of kmdkit's WDK layer; every check printed ("CASE: pass: ...", "FAIL",
 *       "skip" with what this system cannot show, "note"), then "CASE: N passed, N failed, ..."
 *   wdktest secure NAME|all|list
 *       IoCreateDeviceSecure with one SDDL string of the table below (wdmsec.h's constants,
 *       custom strings, strings outside kmdkit's subset); the DACL read back from the device
 *       object compared ACE by ACE, or the refusal checked (STATUS_INVALID_PARAMETER, no device
 *       left); "secure NAME: passed"
 *   wdktest override
 *       the device class's registry override (Security, DeviceType, DeviceCharacteristics,
 *       Exclusive under HKLM\SYSTEM\CurrentControlSet\Control\Class\{GUID}\Properties): applied,
 *       ignored without the class GUID, refused when unusable; the key is removed afterwards
 *   wdktest (no argument)
 *       run all + secure all: the smoke test
 * Exit codes: 0 success, 1 a check failed or the driver answered with an error, 2 bad
 * arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "wdktest_ioctl.h"

#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "wdktest"

static const char *const case_names[WdktestCaseCount] = {"pool", "runtime", "macros"};

/* --- run ------------------------------------------------------------------------------------- */

static int run_case(HANDLE h, unsigned c)
{
    static WDKTEST_RESULT r;
    static const char *const outcome[] = {"FAIL", "pass", "skip", "note"};
    WDKTEST_RUN in = {c, kmd_running_on_wine() ? 0 : WDKTEST_RUN_NATIVE};
    DWORD got = 0, err;

    memset(&r, 0, sizeof r);
    err = kmd_ioctl(h, IOCTL_WDKTEST_RUN, &in, sizeof in, &r, sizeof r, &got);
    if (err)
        return kmd_print_error(case_names[c], err);
    if (got != sizeof r || r.Size != sizeof r || r.Case != c || r.Count > WDKTEST_MAX_CHECKS) {
        printf("%s: wrong answer: %lu bytes, Size %u, Case %u, Count %u\n", case_names[c],
               (unsigned long)got, r.Size, r.Case, r.Count);
        return 1;
    }
    for (unsigned i = 0; i < r.Count; i++) {
        unsigned o = r.Checks[i].Outcome;
        r.Checks[i].Text[WDKTEST_TEXT - 1] = '\0';
        printf("%s: %s: %s\n", case_names[c], o <= WDKTEST_NOTE ? outcome[o] : "????",
               r.Checks[i].Text);
    }
    printf("%s: %u passed, %u failed, %u skipped\n", case_names[c], r.Passed, r.Failed, r.Skipped);
    return r.Failed == 0 && r.Passed > 0 ? 0 : 1;
}

static int run_words(int argc, char **argv)
{
    int rc = 0, found = strcmp(argv[0], "all") == 0;

    for (unsigned c = 0; c < WdktestCaseCount && !found; c++)
        found = strcmp(argv[0], case_names[c]) == 0;
    if (!found || argc != 1) {
        fprintf(stderr, PROG ": unknown case '%s' (pool, runtime, macros, all)\n", argv[0]);
        return KMD_EXIT_USAGE;
    }
    for (unsigned c = 0; c < WdktestCaseCount; c++)
        if (strcmp(argv[0], "all") == 0 || strcmp(argv[0], case_names[c]) == 0)
            rc |= run_case(kmd_client_device(), c);
    return rc;
}

/* --- secure ---------------------------------------------------------------------------------- */

#define SY "S-1-5-18"
#define LS "S-1-5-19"
#define NS "S-1-5-20"
#define BA "S-1-5-32-544"
#define BU "S-1-5-32-545"
#define BG "S-1-5-32-546"
#define PU "S-1-5-32-547"
#define RD "S-1-5-32-555"
#define AU "S-1-5-11"
#define AN "S-1-5-7"
#define IU "S-1-5-4"
#define NU "S-1-5-2"
#define SU "S-1-5-6"
#define RC "S-1-5-12"
#define WD "S-1-1-0"

#define GA GENERIC_ALL
#define GR GENERIC_READ
#define GW GENERIC_WRITE
#define GX GENERIC_EXECUTE

struct ace {
    const char *sid;
    DWORD mask;
};

struct secure_case {
    const char *name;
    unsigned constant;   /* WDKTEST_SDDL_* or WDKTEST_SECURE_CUSTOM */
    const wchar_t *sddl; /* WDKTEST_SECURE_CUSTOM */
    int refused;         /* expect STATUS_INVALID_PARAMETER and nothing left */
    unsigned aces;
    struct ace ace[WDKTEST_MAX_ACES];
};

/* clang-format off */
static const struct secure_case secure_cases[] = {
    {"kernel_only", WDKTEST_SDDL_KERNEL_ONLY, NULL, 0, 0, {{0}}},
    {"inf_supplied", WDKTEST_SDDL_INF_SUPPLIED, NULL, 0, 0, {{0}}},
    {"sys_all", WDKTEST_SDDL_SYS_ALL, NULL, 0, 1, {{SY, GA}}},
    {"sys_all_adm_all", WDKTEST_SDDL_SYS_ALL_ADM_ALL, NULL, 0, 2, {{SY, GA}, {BA, GA}}},
    {"sys_all_adm_rx", WDKTEST_SDDL_SYS_ALL_ADM_RX, NULL, 0, 2, {{SY, GA}, {BA, GR | GX}}},
    {"sys_all_adm_rwx_world_r", WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R, NULL, 0, 3,
     {{SY, GA}, {BA, GR | GW | GX}, {WD, GR}}},
    {"sys_all_adm_rwx_world_r_res_r", WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R_RES_R, NULL, 0, 4,
     {{SY, GA}, {BA, GR | GW | GX}, {WD, GR}, {RC, GR}}},
    {"sys_all_adm_rwx_world_rw_res_r", WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RW_RES_R, NULL, 0, 4,
     {{SY, GA}, {BA, GR | GW | GX}, {WD, GR | GW}, {RC, GR}}},
    {"sys_all_adm_rwx_world_rwx_res_rwx", WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX, NULL, 0,
     4, {{SY, GA}, {BA, GR | GW | GX}, {WD, GR | GW | GX}, {RC, GR | GW | GX}}},
    {"custom", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GR;;;WD)", 0, 3,
     {{SY, GA}, {BA, GR | GW | GX}, {WD, GR}}},
    {"custom_rights", WDKTEST_SECURE_CUSTOM,
     L"D:P(A;;0x1F01FF;;;S-1-5-32-544)(A;;FRFW;;;AU)(A;;GX;;;AN)(A;;RCSDWDWO;;;IU)", 0, 4,
     {{BA, FILE_ALL_ACCESS}, {AU, FILE_GENERIC_READ | FILE_GENERIC_WRITE}, {AN, GX},
      {IU, READ_CONTROL | DELETE | WRITE_DAC | WRITE_OWNER}}},
    {"custom_sids", WDKTEST_SECURE_CUSTOM,
     L"D:P(A;;GR;;;LS)(A;;GR;;;NS)(A;;GR;;;BU)(A;;GR;;;BG)(A;;GR;;;PU)(A;;GR;;;RD)(A;;GR;;;NU)"
     L"(A;;GR;;;SU)", 0, 8,
     {{LS, GR}, {NS, GR}, {BU, GR}, {BG, GR}, {PU, GR}, {RD, GR}, {NU, GR}, {SU, GR}}},
    {"custom_literal_sid", WDKTEST_SECURE_CUSTOM,
     L"D:P(A;;GA;;;S-1-0x000000000005-18)(A;;GR;;;S-1-5-21-1-2-3-1001)", 0, 2,
     {{SY, GA}, {"S-1-5-21-1-2-3-1001", GR}}},
    /* Outside the subset: refused, and the driver log names the part (CMakeLists.txt). */
    {"refused_no_protect", WDKTEST_SECURE_CUSTOM, L"D:(A;;GA;;;SY)", 1, 0, {{0}}},
    {"refused_deny", WDKTEST_SECURE_CUSTOM, L"D:P(D;;GA;;;WD)", 1, 0, {{0}}},
    {"refused_ace_flags", WDKTEST_SECURE_CUSTOM, L"D:P(A;CI;GA;;;SY)", 1, 0, {{0}}},
    {"refused_sid", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;;;XX)", 1, 0, {{0}}},
    {"refused_right", WDKTEST_SECURE_CUSTOM, L"D:P(A;;ZZ;;;SY)", 1, 0, {{0}}},
    {"refused_sacl", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;;;SY)S:(AU;SA;GA;;;WD)", 1, 0, {{0}}},
    {"refused_owner", WDKTEST_SECURE_CUSTOM, L"O:BAD:P(A;;GA;;;SY)", 1, 0, {{0}}},
    {"refused_object_guid", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;abc;;SY)", 1, 0, {{0}}},
    {"refused_no_subauthority", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;;;S-1-5)", 1, 0, {{0}}},
    {"refused_zero_mask", WDKTEST_SECURE_CUSTOM, L"D:P(A;;0x0;;;SY)", 1, 0, {{0}}},
    {"refused_lower_case", WDKTEST_SECURE_CUSTOM, L"d:p(a;;ga;;;sy)", 1, 0, {{0}}},
    {"refused_unterminated", WDKTEST_SECURE_CUSTOM, L"D:P(A;;GA;;;SY", 1, 0, {{0}}},
    {"refused_empty", WDKTEST_SECURE_CUSTOM, L"", 1, 0, {{0}}},
};
/* clang-format on */

#define SECURE_CASES (sizeof secure_cases / sizeof secure_cases[0])
#define STATUS_INVALID_PARAMETER_ 0xC000000Du
#define STATUS_INVALID_SECURITY_DESCR_ 0xC0000079u
#define STATUS_OBJECT_TYPE_MISMATCH_ 0xC0000024u
#define SECURE_OPEN 0x00000100u      /* FILE_DEVICE_SECURE_OPEN (DDK headers only) */
#define READ_ONLY_DEVICE 0x00000002u /* FILE_READ_ONLY_DEVICE */
#define DEVICE_UNKNOWN 0x00000022u   /* FILE_DEVICE_UNKNOWN */

/* What Windows stores for a generic right on a device object: the file mapping. Wine stores the
 * generic rights as given; either is right. */
static DWORD file_mapping(DWORD mask)
{
    DWORD mapped = mask & ~(GA | GR | GW | GX);

    if (mask & GA)
        mapped |= FILE_ALL_ACCESS;
    if (mask & GR)
        mapped |= FILE_GENERIC_READ;
    if (mask & GW)
        mapped |= FILE_GENERIC_WRITE;
    if (mask & GX)
        mapped |= FILE_GENERIC_EXECUTE;
    return mapped;
}

/* One IOCTL_WDKTEST_SECURE. */
static DWORD secure_call(HANDLE h, unsigned constant, const wchar_t *sddl, unsigned flags,
                         WDKTEST_SECURE_OUT *out)
{
    WDKTEST_SECURE_IN in;

    memset(&in, 0, sizeof in);
    in.Constant = constant;
    in.Flags = flags;
    if (sddl != NULL)
        for (size_t i = 0; sddl[i] != L'\0' && i < WDKTEST_SDDL_MAX - 1; i++)
            in.Sddl[i] = sddl[i];
    memset(out, 0, sizeof *out);
    return kmd_ioctl_full(h, "secure", IOCTL_WDKTEST_SECURE, &in, sizeof in, out, sizeof *out);
}

/* The device made and gone again, with the DACL of `aces` (in order), protected. */
static void check_device(const char *what, const WDKTEST_SECURE_OUT *out, unsigned type,
                         unsigned characteristics, unsigned exclusive, unsigned aces,
                         const struct ace *ace)
{
    int wine = kmd_running_on_wine();

    kmd_check(out->Status == 0, "%s: IoCreateDeviceSecure: 0x%08X", what, (unsigned)out->Status);
    if (out->Status != 0)
        return;
    kmd_check(out->DevicesWith == out->DevicesBefore + 1 &&
                  out->DevicesAfter == out->DevicesBefore && out->NameFreeAfter,
              "%s: devices %u -> %u -> %u, name free afterwards: %s", what, out->DevicesBefore,
              out->DevicesWith, out->DevicesAfter, out->NameFreeAfter ? "yes" : "no");
    kmd_check(out->DeviceType == type, "%s: device type 0x%X (expected 0x%X)", what,
              out->DeviceType, type);
    if (wine && out->Characteristics == 0)
        printf("not checked under Wine: %s: device characteristics (Wine keeps none)\n", what);
    else
        kmd_check((out->Characteristics & (characteristics | SECURE_OPEN)) ==
                      (characteristics | SECURE_OPEN),
                  "%s: characteristics 0x%X include 0x%X and FILE_DEVICE_SECURE_OPEN", what,
                  out->Characteristics, characteristics);
    if (exclusive && wine && !out->Exclusive)
        printf("not checked under Wine: %s: DO_EXCLUSIVE (Wine does not set it)\n", what);
    else
        kmd_check(out->Exclusive == exclusive, "%s: exclusive %u (expected %u)", what,
                  out->Exclusive, exclusive);
    kmd_check(out->QueryStatus == 0 && (out->Dacl & WDKTEST_DACL_READ),
              "%s: security descriptor read back: 0x%08X", what, (unsigned)out->QueryStatus);
    kmd_check((out->Dacl & (WDKTEST_DACL_PRESENT | WDKTEST_DACL_PROTECTED)) ==
                  (WDKTEST_DACL_PRESENT | WDKTEST_DACL_PROTECTED),
              "%s: DACL present and protected (flags 0x%X)", what, out->Dacl);
    kmd_check(out->AceCount == aces, "%s: %u ACEs (expected %u)", what, out->AceCount, aces);
    for (unsigned i = 0; i < out->AceCount && i < aces && i < WDKTEST_MAX_ACES; i++) {
        const WDKTEST_ACE *got = &out->Aces[i];
        char sid[sizeof got->Sid + 1];

        memcpy(sid, got->Sid, sizeof got->Sid);
        sid[sizeof got->Sid] = '\0';
        kmd_check(got->Type == 0 && got->Flags == 0 && strcmp(sid, ace[i].sid) == 0 &&
                      (got->Mask == ace[i].mask || got->Mask == file_mapping(ace[i].mask)),
                  "%s: ACE %u: allow 0x%08X to %s (expected 0x%08X or 0x%08X to %s)", what, i,
                  (unsigned)got->Mask, sid, (unsigned)ace[i].mask,
                  (unsigned)file_mapping(ace[i].mask), ace[i].sid);
    }
}

/* Refused: the status, and no device left behind. */
static void check_refused(const char *what, const WDKTEST_SECURE_OUT *out, unsigned status)
{
    kmd_check((unsigned)out->Status == status, "%s: IoCreateDeviceSecure: 0x%08X (expected 0x%08X)",
              what, (unsigned)out->Status, status);
    kmd_check(out->DevicesAfter == out->DevicesBefore && out->NameFreeAfter,
              "%s: no device left: devices %u -> %u, name free afterwards: %s", what,
              out->DevicesBefore, out->DevicesAfter, out->NameFreeAfter ? "yes" : "no");
}

static int secure_one(HANDLE h, const struct secure_case *c)
{
    WDKTEST_SECURE_OUT out;
    char what[64];
    DWORD err = secure_call(h, c->constant, c->sddl, 0, &out);

    snprintf(what, sizeof what, "secure %s", c->name);
    if (err)
        return kmd_print_error(what, err);
    if (c->refused)
        check_refused(what, &out, STATUS_INVALID_PARAMETER_);
    else
        check_device(what, &out, WDKTEST_DEVICE_TYPE, 0, 0, c->aces, c->ace);
    return 0;
}

static int secure_words(int argc, char **argv)
{
    char verdict[64];
    int found = 0, rc = 0;

    (void)argc;
    if (strcmp(argv[0], "list") == 0) {
        for (size_t i = 0; i < SECURE_CASES; i++)
            printf("%s\n", secure_cases[i].name);
        return 0;
    }
    for (size_t i = 0; i < SECURE_CASES; i++) {
        if (strcmp(argv[0], "all") != 0 && strcmp(argv[0], secure_cases[i].name) != 0)
            continue;
        found = 1;
        rc |= secure_one(kmd_client_device(), &secure_cases[i]);
    }
    if (!found) {
        fprintf(stderr, PROG ": unknown secure case '%s' (try: " PROG " secure list)\n", argv[0]);
        return KMD_EXIT_USAGE;
    }
    snprintf(verdict, sizeof verdict, "secure %s", argv[0]);
    return rc ? rc : kmd_check_verdict(verdict);
}

/* --- override -------------------------------------------------------------------------------- */

#define CLASS_KEY L"SYSTEM\\CurrentControlSet\\Control\\Class\\" WDKTEST_CLASS_GUID_TEXT
#define PROPERTIES_KEY CLASS_KEY L"\\Properties"

static DWORD set_value(HKEY key, const wchar_t *name, DWORD type, const void *data, DWORD size)
{
    return (DWORD)RegSetValueExW(key, name, 0, type, data, size);
}

static void remove_class_key(void)
{
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, PROPERTIES_KEY);
    RegDeleteKeyW(HKEY_LOCAL_MACHINE, CLASS_KEY);
}

static int override(HANDLE h)
{
    static const struct ace class_aces[] = {{SY, GA}, {BU, GR}};
    static const struct ace default_aces[] = {{SY, GA}};
    PSECURITY_DESCRIPTOR sd = NULL;
    ULONG sd_size = 0;
    DWORD type = DEVICE_UNKNOWN, chars = READ_ONLY_DEVICE, exclusive = 1, err;
    WDKTEST_SECURE_OUT out;
    HKEY key;

    remove_class_key();
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;GA;;;SY)(A;;GR;;;BU)",
                                                              SDDL_REVISION_1, &sd, &sd_size)) {
        return kmd_print_error("override: ConvertStringSecurityDescriptorToSecurityDescriptor",
                               GetLastError());
    }
    err = (DWORD)RegCreateKeyExW(HKEY_LOCAL_MACHINE, PROPERTIES_KEY, 0, NULL, 0, KEY_ALL_ACCESS,
                                 NULL, &key, NULL);
    if (err) {
        LocalFree(sd);
        return kmd_print_error("override: cannot create HKLM\\...\\Properties", err);
    }
    err = set_value(key, L"Security", REG_BINARY, sd, sd_size);
    if (!err)
        err = set_value(key, L"DeviceType", REG_DWORD, &type, sizeof type);
    if (!err)
        err = set_value(key, L"DeviceCharacteristics", REG_DWORD, &chars, sizeof chars);
    if (!err)
        err = set_value(key, L"Exclusive", REG_DWORD, &exclusive, sizeof exclusive);
    LocalFree(sd);
    if (err) {
        RegCloseKey(key);
        remove_class_key();
        return kmd_print_error("override: cannot write the class's values", err);
    }

    /* The class's values win over the driver's; without the GUID they do not apply. */
    err = secure_call(h, WDKTEST_SDDL_SYS_ALL, NULL, WDKTEST_SECURE_CLASS, &out);
    if (!err)
        check_device("override applied", &out, DEVICE_UNKNOWN, READ_ONLY_DEVICE, 1, 2, class_aces);
    if (!err)
        err = secure_call(h, WDKTEST_SDDL_SYS_ALL, NULL, 0, &out);
    if (!err)
        check_device("override without the class GUID", &out, WDKTEST_DEVICE_TYPE, 0, 0, 1,
                     default_aces);

    /* Unusable values fail the call, and leave nothing behind. */
    if (!err)
        err = set_value(key, L"Security", REG_BINARY, "\x01\x02\x03\x04", 4);
    if (!err)
        err = secure_call(h, WDKTEST_SDDL_SYS_ALL, NULL, WDKTEST_SECURE_CLASS, &out);
    if (!err)
        check_refused("override with a bad Security value", &out, STATUS_INVALID_SECURITY_DESCR_);
    if (!err)
        err = (DWORD)RegDeleteValueW(key, L"Security");
    if (!err)
        err = set_value(key, L"DeviceType", REG_SZ, L"x", 4);
    if (!err)
        err = secure_call(h, WDKTEST_SDDL_SYS_ALL, NULL, WDKTEST_SECURE_CLASS, &out);
    if (!err)
        check_refused("override with DeviceType as REG_SZ", &out, STATUS_OBJECT_TYPE_MISMATCH_);
    RegCloseKey(key);
    remove_class_key();

    /* No key for the class: the driver's string. */
    if (!err)
        err = secure_call(h, WDKTEST_SDDL_SYS_ALL, NULL, WDKTEST_SECURE_CLASS, &out);
    if (!err)
        check_device("class without an override key", &out, WDKTEST_DEVICE_TYPE, 0, 0, 1,
                     default_aces);
    if (err)
        return kmd_print_error("override", err);
    return kmd_check_verdict("override");
}

/* --- main ------------------------------------------------------------------------------------ */

static int smoke(HANDLE h)
{
    int rc = 0;

    for (unsigned c = 0; c < WdktestCaseCount; c++)
        rc |= run_case(h, c);
    for (size_t i = 0; i < SECURE_CASES; i++)
        rc |= secure_one(h, &secure_cases[i]);
    return rc ? rc : kmd_check_verdict("smoke");
}

static const char usage[] =
    "usage: " PROG " [run pool|runtime|macros|all | secure NAME|all|list | override]\n"
    "  run       in-kernel checks of kmdkit's WDK layer\n"
    "  secure    IoCreateDeviceSecure with one SDDL string, the DACL read back\n"
    "  override  the device class's registry override\n"
    "  (none)    run all + secure all\n";

static const struct kmd_command commands[] = {
    KMD_COMMAND("smoke", smoke),
    KMD_COMMAND_WORDS("run", run_words, 1, 1, "one case: pool, runtime, macros or all"),
    KMD_COMMAND_WORDS("secure", secure_words, 1, 1, "a case name, all or list"),
    KMD_COMMAND("override", override),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main(PROG, WDKTEST_USER_NAME, usage, commands, NULL, argc, argv);
}
