/* kmdctl_args_test: the pure parts of kmdctl (user/kmdctl/args.c, user/lib/parse.c) checked rule
 * by rule. Prints each failure, then "N passed, N failed"; exits 1 when any failed. */
#include "args.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

static int passed, failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

/* --- hex bytes ----------------------------------------------------------------------------------
 */

static int hex_is(const wchar_t *s, const char *expect, size_t n)
{
    unsigned char out[64];
    size_t size = 99;
    DWORD err = kmd_parse_hex_bytes(s, out, sizeof out, &size, NULL, 0);
    return err == 0 && size == n && memcmp(out, expect, n) == 0;
}

static DWORD hex_error(const wchar_t *s, char *why, size_t why_size)
{
    unsigned char out[4];
    size_t size;
    return kmd_parse_hex_bytes(s, out, sizeof out, &size, why, why_size);
}

static void test_hex(void)
{
    char why[256];

    CHECK(hex_is(L"", "", 0));
    CHECK(hex_is(L"0c", "\x0c", 1));
    CHECK(hex_is(L"0c00ff", "\x0c\x00\xff", 3));
    CHECK(hex_is(L"0c 00 FF", "\x0c\x00\xff", 3));
    CHECK(hex_is(L"0c:00:Ff", "\x0c\x00\xff", 3));
    CHECK(hex_is(L"  6b6d  64 ", "kmd", 3));
    CHECK(hex_is(L"6b::6d", "km", 2));

    CHECK(hex_error(L"6b 6", why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "odd number of hex digits (1)") && strstr(why, "position 4"));
    CHECK(hex_error(L"abc", why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "odd") && strstr(why, "position 1"));
    CHECK(hex_error(L"6b zz", why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'z' at position 4 is not a hex digit"));
    CHECK(hex_error(L"0x0c", why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'x' at position 2"));
    CHECK(hex_error(L"6b-6d", why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "position 3"));
    CHECK(hex_error(L"0102030405", why, sizeof why) == ERROR_INSUFFICIENT_BUFFER);
    CHECK(hex_error(L"01020304", why, sizeof why) == 0);
}

/* --- numbers, names, start types ------------------------------------------------------------ */

static void test_number(void)
{
    DWORD v = 7;
    char why[256];

    CHECK(kmd_parse_number(L"0", 10, &v, NULL, 0) == 0 && v == 0);
    CHECK(kmd_parse_number(L"256", 1048576, &v, NULL, 0) == 0 && v == 256);
    CHECK(kmd_parse_number(L"0x100", 1048576, &v, NULL, 0) == 0 && v == 256);
    CHECK(kmd_parse_number(L"0X1f", 1048576, &v, NULL, 0) == 0 && v == 31);
    CHECK(kmd_parse_number(L"1048576", 1048576, &v, NULL, 0) == 0 && v == 1048576);
    CHECK(kmd_parse_number(L"1048577", 1048576, &v, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "1048577 is above the limit 1048576"));
    CHECK(kmd_parse_number(L"99999999999999999999", 1048576, &v, NULL, 0) != 0);
    CHECK(kmd_parse_number(L"", 10, &v, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_number(L"0x", 10, &v, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_number(L"1f", 100, &v, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'1f' is not a number"));
    CHECK(kmd_parse_number(L"-1", 100, &v, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_number(L"12 ", 100, &v, NULL, 0) == ERROR_INVALID_DATA);
}

static void test_names(void)
{
    wchar_t name[KMD_SERVICE_NAME_MAX + 2];
    char why[256];
    DWORD t = 0;

    CHECK(kmd_check_service_name(L"skeleton", NULL, 0) == 0);
    CHECK(kmd_check_service_name(L"kmdctl_skel-1.0", NULL, 0) == 0);
    CHECK(kmd_check_service_name(L"", why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(kmd_check_service_name(L"bad name", why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "'bad name'") && strstr(why, "position 4"));
    CHECK(kmd_check_service_name(L"a/b", NULL, 0) == ERROR_INVALID_NAME);
    CHECK(kmd_check_service_name(L"a\\b", NULL, 0) == ERROR_INVALID_NAME);
    CHECK(kmd_check_service_name(L"caf\x00e9", NULL, 0) == ERROR_INVALID_NAME);
    for (int i = 0; i < KMD_SERVICE_NAME_MAX; i++)
        name[i] = L'n';
    name[KMD_SERVICE_NAME_MAX] = L'\0';
    CHECK(kmd_check_service_name(name, NULL, 0) == 0);
    name[KMD_SERVICE_NAME_MAX] = L'n';
    name[KMD_SERVICE_NAME_MAX + 1] = L'\0';
    CHECK(kmd_check_service_name(name, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "257 characters") && strstr(why, "limit is 256"));

    CHECK(kmd_parse_start_type(L"demand", &t, NULL, 0) == 0 && t == SERVICE_DEMAND_START);
    CHECK(kmd_parse_start_type(L"auto", &t, NULL, 0) == 0 && t == SERVICE_AUTO_START);
    CHECK(kmd_parse_start_type(L"system", &t, NULL, 0) == 0 && t == SERVICE_SYSTEM_START);
    CHECK(kmd_parse_start_type(L"boot", &t, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "'boot'"));
    CHECK(strcmp(kmd_start_type_name(SERVICE_DEMAND_START), "demand") == 0);
    CHECK(strcmp(kmd_service_state_name(SERVICE_RUNNING), "running") == 0);
    CHECK(strcmp(kmd_service_type_name(SERVICE_KERNEL_DRIVER), "kernel-driver") == 0);
}

static void test_utf8(void)
{
    char buf[16];

    CHECK(strcmp(kmd_utf8(L"abc", buf, sizeof buf), "abc") == 0);
    CHECK(strcmp(kmd_utf8(L"\x00e9", buf, sizeof buf), "\xc3\xa9") == 0);
    CHECK(strcmp(kmd_utf8(L"\x20ac", buf, sizeof buf), "\xe2\x82\xac") == 0);
    CHECK(strcmp(kmd_utf8(L"\xd83d\xde00", buf, sizeof buf), "\xf0\x9f\x98\x80") == 0);
    CHECK(strcmp(kmd_utf8(L"\xd800x", buf, sizeof buf), "\xef\xbf\xbdx") == 0);
    CHECK(strcmp(kmd_utf8(L"abcdef", buf, 4), "abc") == 0);
    CHECK(strcmp(kmd_utf8(L"\x20ac\x20ac", buf, 5), "\xe2\x82\xac") == 0); /* no split character */
}

/* --- IOCTL codes ---------------------------------------------------------------------------- */

static int code_is(const wchar_t *s, DWORD expect)
{
    DWORD code = 0;
    return kmd_parse_ioctl_code(s, &code, NULL, 0) == 0 && code == expect;
}

static void test_codes(void)
{
    char why[256], buf[128];
    DWORD code;

    /* IOCTL_SKELETON_GET_VERSION = CTL_CODE(0x8100, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS) */
    CHECK(code_is(L"0x81002000", 0x81002000));
    CHECK(code_is(L"81002000", 0x81002000));
    CHECK(code_is(L"0X81002000", 0x81002000));
    CHECK(code_is(L"2000", 0x2000));
    CHECK(code_is(L"ffffffff", 0xFFFFFFFF));
    CHECK(code_is(L"0x8100:0x800:buffered:any", 0x81002000));
    CHECK(code_is(L"33024:2048:0:0", 0x81002000));
    CHECK(code_is(L"0x8100:0x801:buffered:any", 0x81002004));
    CHECK(code_is(L"0x22:0x800:in-direct:read",
                  CTL_CODE(0x22, 0x800, METHOD_IN_DIRECT, FILE_READ_ACCESS)));
    CHECK(code_is(L"0x22:0x800:out-direct:write",
                  CTL_CODE(0x22, 0x800, METHOD_OUT_DIRECT, FILE_WRITE_ACCESS)));
    CHECK(code_is(L"0x22:0xfff:neither:rw",
                  CTL_CODE(0x22, 0xFFF, METHOD_NEITHER, FILE_READ_ACCESS | FILE_WRITE_ACCESS)));
    CHECK(code_is(L"0xffff:4095:3:3", 0xFFFFFFFF));

    CHECK(kmd_parse_ioctl_code(L"", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_ioctl_code(L"0x", &code, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_ioctl_code(L"123456789", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'123456789'") && strstr(why, "1 to 8 hex digits"));
    CHECK(kmd_parse_ioctl_code(L"8100200g", &code, NULL, 0) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_ioctl_code(L"1:2:3", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "3 fields"));
    CHECK(kmd_parse_ioctl_code(L"1:2:3:4:5", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(kmd_parse_ioctl_code(L"0x10000:0:0:0", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "TYPE"));
    CHECK(kmd_parse_ioctl_code(L"0:0x1000:0:0", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "FUNCTION"));
    CHECK(kmd_parse_ioctl_code(L"0:0:direct:0", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "METHOD"));
    CHECK(kmd_parse_ioctl_code(L"0:0:0:4", &code, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "ACCESS"));
    CHECK(kmd_parse_ioctl_code(L"0:800:0:0", &code, NULL, 0) == 0 && code == 800 << 2);
    CHECK(kmd_parse_ioctl_code(L"::0:0", &code, NULL, 0) == ERROR_INVALID_DATA);

    kmd_format_ioctl_code(0x81002000, buf, sizeof buf);
    CHECK(strcmp(buf, "0x81002000 (type 0x8100, function 0x800, buffered, any)") == 0);
}

/* --- the command line ------------------------------------------------------------------------ */

/* Parses a command line given as one string split at spaces (no quoting needed here). */
static DWORD parse(const wchar_t *line, struct kmdctl_args *a, char *why, size_t why_size)
{
    static wchar_t copy[4096];
    static wchar_t *argv[64];
    int argc = 0;
    wchar_t *p = copy;

    wcscpy(copy, line);
    argv[argc++] = L"kmdctl";
    while (*p && argc < 63) {
        while (*p == L' ')
            *p++ = L'\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != L' ')
            p++;
    }
    argv[argc] = NULL;
    kmdctl_args_free(a);
    return kmdctl_parse(argc, argv, a, why, why_size);
}

static void test_command_line(void)
{
    struct kmdctl_args a = {0};
    char why[512];

    /* install */
    CHECK(parse(L"install C:\\drv\\skeleton.sys", &a, why, sizeof why) == 0);
    CHECK(a.command == KMDCTL_INSTALL && strcmp(a.command_name, "install") == 0);
    CHECK(wcscmp(a.path, L"C:\\drv\\skeleton.sys") == 0);
    CHECK(wcscmp(a.name, L"skeleton") == 0);
    CHECK(a.start_type == SERVICE_DEMAND_START && !a.json);
    CHECK(parse(L"install drv/Skel.SYS", &a, why, sizeof why) == 0 && wcscmp(a.name, L"Skel") == 0);
    CHECK(parse(L"--json install x.sys --name kmdctl_skel --start auto", &a, why, sizeof why) == 0);
    CHECK(a.json && wcscmp(a.name, L"kmdctl_skel") == 0 && a.start_type == SERVICE_AUTO_START);
    CHECK(parse(L"install x.sys --name=n1 --start=system --json", &a, why, sizeof why) == 0);
    CHECK(a.json && wcscmp(a.name, L"n1") == 0 && a.start_type == SERVICE_SYSTEM_START);
    CHECK(parse(L"install --name n2 x.sys", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.name, L"n2") == 0 && wcscmp(a.path, L"x.sys") == 0);
    CHECK(parse(L"install skeleton.cer", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(strstr(why, "'skeleton.cer' does not end in .sys"));
    CHECK(parse(L"install .sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(parse(L"install dir\\.sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(parse(L"install my+drv.sys", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "give --name"));
    CHECK(parse(L"install my+drv.sys --name ok", &a, why, sizeof why) == 0);
    CHECK(parse(L"install x.sys --name bad!", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "--name") && strstr(why, "'bad!'"));
    CHECK(parse(L"install x.sys --start boot", &a, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(parse(L"install", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "install needs PATH.sys"));
    CHECK(parse(L"install a.sys b.sys", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unexpected argument 'b.sys'"));
    CHECK(parse(L"install x.sys --name", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--name' needs a value"));
    CHECK(parse(L"install x.sys --in 00", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--in' does not apply to install"));

    /* start, stop, remove, status */
    CHECK(parse(L"start kmdctl_skel", &a, why, sizeof why) == 0 && a.command == KMDCTL_START);
    CHECK(wcscmp(a.name, L"kmdctl_skel") == 0);
    CHECK(parse(L"stop kmdctl_skel --json", &a, why, sizeof why) == 0 && a.command == KMDCTL_STOP);
    CHECK(a.json);
    CHECK(parse(L"remove x", &a, why, sizeof why) == 0 && a.command == KMDCTL_REMOVE);
    CHECK(parse(L"status x", &a, why, sizeof why) == 0 && a.command == KMDCTL_STATUS);
    CHECK(parse(L"status", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse(L"status a;b", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse(L"start x --name y", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);

    /* ioctl */
    CHECK(parse(L"ioctl KmdSkeleton 0x81002000", &a, why, sizeof why) == 0);
    CHECK(a.command == KMDCTL_IOCTL && wcscmp(a.device, L"KmdSkeleton") == 0);
    CHECK(a.code == 0x81002000 && a.out_size == KMDCTL_OUT_SIZE_DEFAULT && a.in == NULL);
    CHECK(parse(L"ioctl \\\\.\\KmdSkeleton 81002004 --in 6b:6d:64 --out-size 0x10", &a, why,
                sizeof why) == 0);
    CHECK(wcscmp(a.device, L"\\\\.\\KmdSkeleton") == 0 && a.code == 0x81002004);
    CHECK(a.in_size == 3 && memcmp(a.in, "kmd", 3) == 0 && a.out_size == 16);
    CHECK(parse(L"ioctl D 0x8100:0x800:buffered:any --out-size 1048576", &a, why, sizeof why) == 0);
    CHECK(a.code == 0x81002000 && a.out_size == 1048576);
    CHECK(parse(L"ioctl D 1 --out-size 1048577", &a, why, sizeof why) == ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "--out-size") && strstr(why, "1048577") && strstr(why, "1048576"));
    CHECK(parse(L"ioctl D 1 --out-size 12k", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(parse(L"ioctl D 1 --in 6b6", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "--in") && strstr(why, "odd"));
    CHECK(parse(L"ioctl D 1 --in 6b:zz", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "position 4"));
    CHECK(parse(L"ioctl D 1 --in 00 --in-file f.bin", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "exclude"));
    CHECK(parse(L"ioctl D 1 --in-file f.bin --out-file o.bin", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.in_file, L"f.bin") == 0 && wcscmp(a.out_file, L"o.bin") == 0);
    CHECK(parse(L"ioctl D 0xZZ", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'0xZZ'"));
    CHECK(parse(L"ioctl D", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "ioctl needs DEVICE CODE"));
    CHECK(parse(L"ioctl a/b 1", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse(L"ioctl D 1 --ioctl 2", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);

    /* run */
    CHECK(parse(L"run Z:\\dist\\skeleton.sys --ioctl 0x81002000 --ioctl 0x8100:0x801:0:0", &a, why,
                sizeof why) == 0);
    CHECK(a.command == KMDCTL_RUN && wcscmp(a.name, L"skeleton") == 0);
    CHECK(wcscmp(a.device, L"skeleton") == 0 && a.ioctl_count == 2);
    CHECK(a.ioctls[0] == 0x81002000 && a.ioctls[1] == 0x81002004);
    CHECK(parse(L"run s.sys --name kmdctl_run --device KmdSkeleton --out-size 12", &a, why,
                sizeof why) == 0);
    CHECK(wcscmp(a.device, L"KmdSkeleton") == 0 && a.out_size == 12 && a.ioctl_count == 0);
    CHECK(parse(L"run s.sys --ioctl nope", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "--ioctl") && strstr(why, "'nope'"));
    CHECK(parse(L"run s.sys --start auto", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse(L"run s.txt", &a, why, sizeof why) == ERROR_BAD_PATHNAME);

    /* the rest */
    CHECK(parse(L"cert-install signing.cer", &a, why, sizeof why) == 0);
    CHECK(a.command == KMDCTL_CERT_INSTALL && wcscmp(a.path, L"signing.cer") == 0);
    CHECK(parse(L"testsigning", &a, why, sizeof why) == 0 && a.command == KMDCTL_TESTSIGNING);
    CHECK(parse(L"testsigning --json", &a, why, sizeof why) == 0 && a.json);
    CHECK(parse(L"testsigning on", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "testsigning takes no arguments"));
    CHECK(parse(L"checksums dist\\SHA256SUMS", &a, why, sizeof why) == 0);
    CHECK(a.command == KMDCTL_CHECKSUMS && wcscmp(a.path, L"dist\\SHA256SUMS") == 0);

    /* help, unknown words, --json anywhere, -- */
    CHECK(parse(L"--help", &a, why, sizeof why) == 0 && a.command == KMDCTL_HELP);
    CHECK(parse(L"help", &a, why, sizeof why) == 0 && a.command == KMDCTL_HELP);
    CHECK(parse(L"install -h", &a, why, sizeof why) == 0 && a.command == KMDCTL_HELP);
    CHECK(parse(L"frobnicate --help", &a, why, sizeof why) == 0 && a.command == KMDCTL_HELP);
    CHECK(parse(L"", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "no subcommand"));
    CHECK(parse(L"frobnicate", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unknown subcommand 'frobnicate'") && a.command_name == NULL);
    CHECK(parse(L"status x --frob", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unknown option '--frob'"));
    CHECK(parse(L"status x --json=1", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "takes no value"));
    CHECK(parse(L"frobnicate --json", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS && a.json);
    CHECK(parse(L"--json status x", &a, why, sizeof why) == 0 && a.json);
    CHECK(strcmp(a.command_name, "status") == 0);
    CHECK(parse(L"install -- -odd.sys", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.path, L"-odd.sys") == 0 && wcscmp(a.name, L"-odd") == 0);
    CHECK(parse(L"install - ", &a, why, sizeof why) == ERROR_BAD_PATHNAME);

    kmdctl_args_free(&a);
}

int wmain(void)
{
    test_hex();
    test_number();
    test_names();
    test_utf8();
    test_codes();
    test_command_line();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
