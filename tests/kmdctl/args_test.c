/* kmdctl_args_test: the pure parts of kmdctl (user/kmdctl/args.c, user/lib/parse.c) checked rule
 * by rule, and the table of subcommands (user/kmdctl/commands.def) row by row: the parser and
 * --help follow each row. Prints each failure, then "N passed, N failed"; exits 1 when any
 * failed. */
#include "kmdctl_test.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

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

static int is(const struct kmdctl_args *a, const char *name)
{
    return a->command && strcmp(a->command->name, name) == 0;
}

static void test_command_line(void)
{
    struct kmdctl_args a = {0};
    char why[512];

    /* install */
    CHECK(parse_line(L"install C:\\drv\\skeleton.sys", &a, why, sizeof why) == 0);
    CHECK(is(&a, "install"));
    CHECK(wcscmp(a.path, L"C:\\drv\\skeleton.sys") == 0);
    CHECK(wcscmp(a.name, L"skeleton") == 0);
    CHECK(a.start_type == SERVICE_DEMAND_START && !a.json);
    CHECK(parse_line(L"install drv/Skel.SYS", &a, why, sizeof why) == 0 &&
          wcscmp(a.name, L"Skel") == 0);
    CHECK(parse_line(L"--json install x.sys --name kmdctl_skel --start auto", &a, why,
                     sizeof why) == 0);
    CHECK(a.json && wcscmp(a.name, L"kmdctl_skel") == 0 && a.start_type == SERVICE_AUTO_START);
    CHECK(parse_line(L"install x.sys --name=n1 --start=system --json", &a, why, sizeof why) == 0);
    CHECK(a.json && wcscmp(a.name, L"n1") == 0 && a.start_type == SERVICE_SYSTEM_START);
    CHECK(parse_line(L"install --name n2 x.sys", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.name, L"n2") == 0 && wcscmp(a.path, L"x.sys") == 0);
    CHECK(parse_line(L"install skeleton.cer", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(strstr(why, "'skeleton.cer' does not end in .sys"));
    CHECK(parse_line(L"install .sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(parse_line(L"install dir\\.sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(parse_line(L"install my+drv.sys", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "give --name"));
    CHECK(parse_line(L"install my+drv.sys --name ok", &a, why, sizeof why) == 0);
    CHECK(parse_line(L"install x.sys --name bad!", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "--name") && strstr(why, "'bad!'"));
    CHECK(parse_line(L"install x.sys --start boot", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(parse_line(L"install", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "install needs PATH.sys"));
    CHECK(parse_line(L"install a.sys b.sys", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unexpected argument 'b.sys'"));
    CHECK(parse_line(L"install x.sys --name", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--name' needs a value"));
    CHECK(parse_line(L"install x.sys --in 00", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "'--in' does not apply to install"));

    /* start, stop, remove, status */
    CHECK(parse_line(L"start kmdctl_skel", &a, why, sizeof why) == 0 && is(&a, "start"));
    CHECK(wcscmp(a.name, L"kmdctl_skel") == 0);
    CHECK(parse_line(L"stop kmdctl_skel --json", &a, why, sizeof why) == 0 && is(&a, "stop"));
    CHECK(a.json);
    CHECK(parse_line(L"remove x", &a, why, sizeof why) == 0 && is(&a, "remove"));
    CHECK(parse_line(L"status x", &a, why, sizeof why) == 0 && is(&a, "status"));
    CHECK(parse_line(L"status", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse_line(L"status a;b", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse_line(L"start x --name y", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);

    /* ioctl */
    CHECK(parse_line(L"ioctl KmdSkeleton 0x81002000", &a, why, sizeof why) == 0);
    CHECK(is(&a, "ioctl") && wcscmp(a.device, L"KmdSkeleton") == 0);
    CHECK(a.code == 0x81002000 && a.out_size == KMDCTL_OUT_SIZE_DEFAULT && a.in == NULL);
    CHECK(parse_line(L"ioctl \\\\.\\KmdSkeleton 81002004 --in 6b:6d:64 --out-size 0x10", &a, why,
                     sizeof why) == 0);
    CHECK(wcscmp(a.device, L"\\\\.\\KmdSkeleton") == 0 && a.code == 0x81002004);
    CHECK(a.in_size == 3 && memcmp(a.in, "kmd", 3) == 0 && a.out_size == 16);
    CHECK(parse_line(L"ioctl D 0x8100:0x800:buffered:any --out-size 1048576", &a, why,
                     sizeof why) == 0);
    CHECK(a.code == 0x81002000 && a.out_size == 1048576);
    CHECK(parse_line(L"ioctl D 1 --out-size 1048577", &a, why, sizeof why) ==
          ERROR_INVALID_PARAMETER);
    CHECK(strstr(why, "--out-size") && strstr(why, "1048577") && strstr(why, "1048576"));
    CHECK(parse_line(L"ioctl D 1 --out-size 12k", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(parse_line(L"ioctl D 1 --in 6b6", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "--in") && strstr(why, "odd"));
    CHECK(parse_line(L"ioctl D 1 --in 6b:zz", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "position 4"));
    CHECK(parse_line(L"ioctl D 1 --in 00 --in-file f.bin", &a, why, sizeof why) ==
          ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "exclude"));
    CHECK(parse_line(L"ioctl D 1 --in-file f.bin --out-file o.bin", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.in_file, L"f.bin") == 0 && wcscmp(a.out_file, L"o.bin") == 0);
    CHECK(parse_line(L"ioctl D 0xZZ", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "'0xZZ'"));
    CHECK(parse_line(L"ioctl D", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "ioctl needs DEVICE CODE"));
    CHECK(parse_line(L"ioctl a/b 1", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse_line(L"ioctl D 1 --ioctl 2", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse_line(L"ioctl D 1", &a, why, sizeof why) == 0 && wcscmp(a.device, L"D") == 0);

    /* run */
    CHECK(parse_line(L"run Z:\\dist\\skeleton.sys --ioctl 0x81002000 --ioctl 0x8100:0x801:0:0", &a,
                     why, sizeof why) == 0);
    CHECK(is(&a, "run") && wcscmp(a.name, L"skeleton") == 0);
    CHECK(wcscmp(a.device, L"skeleton") == 0 && a.ioctl_count == 2);
    CHECK(a.ioctls[0] == 0x81002000 && a.ioctls[1] == 0x81002004);
    CHECK(parse_line(L"run s.sys --name kmdctl_run --device KmdSkeleton --out-size 12", &a, why,
                     sizeof why) == 0);
    CHECK(wcscmp(a.device, L"KmdSkeleton") == 0 && a.out_size == 12 && a.ioctl_count == 0);
    CHECK(parse_line(L"run s.sys --ioctl nope", &a, why, sizeof why) == ERROR_INVALID_DATA);
    CHECK(strstr(why, "--ioctl") && strstr(why, "'nope'"));
    CHECK(parse_line(L"run s.sys --start auto", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse_line(L"run s.txt", &a, why, sizeof why) == ERROR_BAD_PATHNAME);

    /* the rest */
    CHECK(parse_line(L"cert-install signing.cer", &a, why, sizeof why) == 0);
    CHECK(is(&a, "cert-install") && wcscmp(a.path, L"signing.cer") == 0);
    CHECK(parse_line(L"testsigning", &a, why, sizeof why) == 0 && is(&a, "testsigning"));
    CHECK(parse_line(L"testsigning --json", &a, why, sizeof why) == 0 && a.json);
    CHECK(parse_line(L"testsigning on", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "testsigning takes no arguments"));
    CHECK(parse_line(L"checksums dist\\SHA256SUMS", &a, why, sizeof why) == 0);
    CHECK(is(&a, "checksums") && wcscmp(a.path, L"dist\\SHA256SUMS") == 0);

    /* PnP */
    CHECK(parse_line(L"pnp-add Z:\\dist\\kmdpnp.inf", &a, why, sizeof why) == 0 &&
          is(&a, "pnp-add"));
    CHECK(wcscmp(a.path, L"Z:\\dist\\kmdpnp.inf") == 0 && !a.install);
    CHECK(parse_line(L"pnp-add k.INF --install", &a, why, sizeof why) == 0 && a.install);
    CHECK(parse_line(L"pnp-add kmdpnp.sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(strstr(why, "INF path 'kmdpnp.sys' does not end in .inf"));
    CHECK(parse_line(L"pnp-add dir\\.inf", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(parse_line(L"pnp-add", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "pnp-add needs PATH.inf"));
    CHECK(parse_line(L"pnp-create --inf k.inf", &a, why, sizeof why) == 0 && is(&a, "pnp-create"));
    CHECK(a.hwid == NULL && wcscmp(a.inf, L"k.inf") == 0);
    CHECK(parse_line(L"pnp-create Root\\KmdPnpSample", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.hwid, L"Root\\KmdPnpSample") == 0 && a.inf == NULL);
    CHECK(parse_line(L"pnp-create", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "pnp-create needs HWID or --inf PATH.inf"));
    CHECK(parse_line(L"pnp-create --inf k.sys", &a, why, sizeof why) == ERROR_BAD_PATHNAME);
    CHECK(strstr(why, "--inf: 'k.sys' does not end in .inf"));
    CHECK(parse_line(L"pnp-create a b", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unexpected argument 'b'"));
    CHECK(parse_line(L"pnp-create Root\\A\tB", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse_line(L"pnp-create Root\\A,B", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "hardware id 'Root\\A,B' has a space, comma or non-ASCII character at "
                      "position 7"));
    CHECK(parse_line(L"pnp-remove ROOT\\SYSTEM\\0000", &a, why, sizeof why) == 0);
    CHECK(is(&a, "pnp-remove") && wcscmp(a.hwid, L"ROOT\\SYSTEM\\0000") == 0);
    CHECK(parse_line(L"pnp-remove", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "pnp-remove needs HWID|INSTANCE-ID"));
    CHECK(parse_line(L"pnp-devices", &a, why, sizeof why) == 0 && a.hwid == NULL);
    CHECK(parse_line(L"pnp-devices Root\\KmdPnpSample --json", &a, why, sizeof why) == 0 && a.json);
    CHECK(parse_line(L"pnp-devices --inf k.inf", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(parse_line(L"pnp-list", &a, why, sizeof why) == 0 && is(&a, "pnp-list"));
    CHECK(parse_line(L"pnp-delete oem12.inf", &a, why, sizeof why) == 0 && !a.force);
    CHECK(parse_line(L"pnp-delete OEM0.INF --force", &a, why, sizeof why) == 0 && a.force);
    CHECK(parse_line(L"pnp-delete kmdpnp.inf", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(strstr(why, "'kmdpnp.inf' is not the published name of a driver package (oem<N>.inf"));
    CHECK(parse_line(L"pnp-delete oem.inf", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse_line(L"pnp-delete oem1x.inf", &a, why, sizeof why) == ERROR_INVALID_NAME);
    CHECK(parse_line(L"pnp-delete C:\\Windows\\inf\\oem1.inf", &a, why, sizeof why) ==
          ERROR_INVALID_NAME);

    /* help, unknown words, --json anywhere, -- */
    CHECK(parse_line(L"--help", &a, why, sizeof why) == 0 && is(&a, "help"));
    CHECK(parse_line(L"help", &a, why, sizeof why) == 0 && is(&a, "help"));
    CHECK(parse_line(L"install -h", &a, why, sizeof why) == 0 && is(&a, "help"));
    CHECK(parse_line(L"frobnicate --help", &a, why, sizeof why) == 0 && is(&a, "help"));
    CHECK(parse_line(L"help --frobnicate extra", &a, why, sizeof why) == 0 && is(&a, "help"));
    CHECK(why[0] == '\0');
    CHECK(parse_line(L"--json help --name=x", &a, why, sizeof why) == 0 && is(&a, "help") &&
          a.json);
    CHECK(parse_line(L"status help", &a, why, sizeof why) == 0 && wcscmp(a.name, L"help") == 0);
    CHECK(parse_line(L"", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "no subcommand"));
    CHECK(parse_line(L"frobnicate", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unknown subcommand 'frobnicate'") && a.command == NULL);
    CHECK(parse_line(L"status x --frob", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "unknown option '--frob'"));
    CHECK(parse_line(L"status x --json=1", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
    CHECK(strstr(why, "takes no value"));
    CHECK(parse_line(L"frobnicate --json", &a, why, sizeof why) == ERROR_BAD_ARGUMENTS && a.json);
    CHECK(parse_line(L"--json status x", &a, why, sizeof why) == 0 && a.json);
    CHECK(is(&a, "status"));
    CHECK(parse_line(L"install -- -odd.sys", &a, why, sizeof why) == 0);
    CHECK(wcscmp(a.path, L"-odd.sys") == 0 && wcscmp(a.name, L"-odd") == 0);
    CHECK(parse_line(L"install - ", &a, why, sizeof why) == ERROR_BAD_PATHNAME);

    kmdctl_args_free(&a);
}

/* --- the table of subcommands --------------------------------------------------------------- */

#define CHECK_ROW(c, cond)                                                                         \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: row %s: %s\n", __FILE__, __LINE__, (c)->name, #cond);              \
        }                                                                                          \
    } while (0)

/* An operand of each kind that the parser takes. */
static const char *sample(enum kmdctl_operand kind)
{
    switch (kind) {
    case KMDCTL_DRIVER_PATH:
        return "C:\\drv\\x.sys";
    case KMDCTL_SERVICE:
        return "svc";
    case KMDCTL_DEVICE:
        return "Dev";
    case KMDCTL_IOCTL_CODE:
        return "0x81002000";
    case KMDCTL_FILE:
        return "f.txt";
    case KMDCTL_INF_PATH:
        return "C:\\pkg\\kmdpnp.inf";
    case KMDCTL_OEM_INF:
        return "oem12.inf";
    case KMDCTL_DEVICE_ID:
        return "ROOT\\SYSTEM\\0000";
    case KMDCTL_HWID_OPTIONAL:
        return "Root\\KmdPnpSample";
    case KMDCTL_END:
    case KMDCTL_ANY:
        break;
    }
    return "";
}

/* Parses an ASCII command line (words split at spaces). */
static DWORD parse_ascii(const char *line, struct kmdctl_args *a, char *why, size_t why_size)
{
    wchar_t w[512];
    size_t i;

    for (i = 0; line[i] && i < 511; i++)
        w[i] = (wchar_t)(unsigned char)line[i];
    w[i] = L'\0';
    return parse_line(w, a, why, why_size);
}

/* Whether `usage` shows the option `word` (followed by a space, ']' or its end). */
static int shows_option(const char *usage, const wchar_t *word)
{
    char w[32];
    size_t n = 0;

    while (word[n] && n < sizeof w - 1) {
        w[n] = (char)word[n];
        n++;
    }
    w[n] = '\0';
    for (const char *p = strstr(usage, w); p; p = strstr(p + 1, w))
        if (p[n] == ' ' || p[n] == ']' || p[n] == '\0')
            return 1;
    return 0;
}

static void test_table(void)
{
    static char help[32768];
    struct kmdctl_args a = {0};
    size_t help_len = kmdctl_help_text(help, sizeof help);
    char why[512];

    CHECK(help_len > 0 && help_len < sizeof help);
    CHECK(kmdctl_command_count >= 11 && kmdctl_find_command("help") != NULL);
    CHECK(kmdctl_find_command("frobnicate") == NULL);
    /* --help's lines fit in 100 columns. */
    for (const char *p = help; *p;) {
        size_t n = strcspn(p, "\n");
        CHECK(n <= 100);
        p += n + (p[n] == '\n');
    }

    for (size_t k = 0; k < kmdctl_command_count; k++) {
        const struct kmdctl_command *c = &kmdctl_commands[k];
        size_t name_len = strlen(c->name);
        int operands = 0, words = 0, optional = 0;
        const char *p, *end;
        char line[512], first[512];

        CHECK_ROW(c, c->name[0] && c->handler && c->section && c->usage && c->help && c->help[0]);
        CHECK_ROW(c, kmdctl_find_command(c->name) == c); /* names are unique */
        /* The usage: the name, one word per operand, then options in brackets. */
        CHECK_ROW(c, strncmp(c->usage, c->name, name_len) == 0 &&
                         (c->usage[name_len] == ' ' || c->usage[name_len] == '\0'));
        end = strstr(c->usage, " [");
        if (!end)
            end = c->usage + strlen(c->usage);
        for (p = c->usage + name_len; p < end; p++)
            if (*p == ' ')
                words++;
        while (operands < KMDCTL_MAX_OPERANDS && c->operands[operands] != KMDCTL_END &&
               c->operands[operands] != KMDCTL_ANY)
            operands++;
        /* An operand that may be left out comes last and shows in brackets: "[HWID]". */
        if (operands > 0 && c->operands[operands - 1] == KMDCTL_HWID_OPTIONAL) {
            optional = 1;
            CHECK_ROW(c, strncmp(c->usage + name_len, " [HWID]", 7) == 0);
        }
        for (int i = 0; i + 1 < operands; i++)
            CHECK_ROW(c, c->operands[i] != KMDCTL_HWID_OPTIONAL);
        CHECK_ROW(c, words == operands - optional);
        /* It shows exactly the options it accepts; --json and --help go with all of them. */
        for (size_t o = 0; o < kmdctl_option_count; o++) {
            unsigned flag = kmdctl_options[o].flag;
            if (flag == KMDCTL_OPT_JSON || flag == KMDCTL_OPT_HELP)
                continue;
            CHECK_ROW(c, shows_option(c->usage, kmdctl_options[o].word) == !!(c->options & flag));
        }
        /* --help lists its usage and every help line. */
        snprintf(line, sizeof line, "\n  %s", c->usage);
        CHECK_ROW(c, strstr(help, line) != NULL);
        for (p = c->help; *p;) {
            size_t n = strcspn(p, "\n");
            snprintf(line, sizeof line, "%.*s\n", (int)n, p);
            CHECK_ROW(c, strstr(help, line) != NULL);
            p += n + (p[n] == '\n');
        }
        if (c->operands[0] == KMDCTL_ANY)
            continue;

        /* The parser follows the row: its operands, one too few, one too many, and an option
         * each that it does not take. */
        snprintf(first, sizeof first, "%s", c->name);
        for (int i = 0; i < operands; i++)
            snprintf(first + strlen(first), sizeof first - strlen(first), " %s",
                     sample(c->operands[i]));
        CHECK_ROW(c, parse_ascii(first, &a, why, sizeof why) == 0 && a.command == c);
        snprintf(line, sizeof line, "%s --json", first);
        CHECK_ROW(c, parse_ascii(line, &a, why, sizeof why) == 0 && a.command == c && a.json);
        snprintf(line, sizeof line, "%s extra", first);
        CHECK_ROW(c, parse_ascii(line, &a, why, sizeof why) == ERROR_BAD_ARGUMENTS &&
                         strstr(why, "unexpected argument 'extra'") && a.command == c);
        if (operands - optional > 0) {
            CHECK_ROW(c, parse_ascii(c->name, &a, why, sizeof why) == ERROR_BAD_ARGUMENTS);
            snprintf(line, sizeof line, "%s needs ", c->name);
            CHECK_ROW(c, strncmp(why, line, strlen(line)) == 0);
        }
        for (size_t o = 0; o < kmdctl_option_count; o++) {
            const struct kmdctl_option_word *opt = &kmdctl_options[o];
            char expect[128];
            if (opt->flag == KMDCTL_OPT_JSON || opt->flag == KMDCTL_OPT_HELP ||
                (c->options & opt->flag))
                continue;
            snprintf(line, sizeof line, "%s %ls%s", first, opt->word, opt->takes_value ? "=1" : "");
            snprintf(expect, sizeof expect, "option '%ls' does not apply to %s", opt->word,
                     c->name);
            CHECK_ROW(c, parse_ascii(line, &a, why, sizeof why) == ERROR_BAD_ARGUMENTS &&
                             strstr(why, expect));
        }
    }
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
    test_table();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
