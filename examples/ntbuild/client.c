/* ntbuild.exe: the client of the ntbuild driver (driver.c).
 *
 *   ntbuild [compare]   ReadFile the driver's NTBUILD_VERSION and compare every field with what
 *                       RtlGetVersion (ntdll) tells this process; exit 0 when they match exactly
 *   ntbuild read N      one ReadFile with an N-byte buffer (0 to 65536): "read: ok: N bytes" and
 *                       a dump of the first 32, or "read: error: ..."
 *   ntbuild write       one WriteFile (the driver has no IRP_MJ_WRITE)
 *   ntbuild ioctl       one DeviceIoControl (the driver has no IRP_MJ_DEVICE_CONTROL)
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "ntbuild_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READ_MAX 65536

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);

static DWORD read_device(HANDLE h, void *buf, DWORD size, DWORD *got)
{
    *got = 0;
    return ReadFile(h, buf, size, got, NULL) ? 0 : GetLastError();
}

/* GetVersionEx lies to programs without a manifest; RtlGetVersion does not, like the kernel's. */
static int compare(HANDLE h)
{
    NTBUILD_VERSION v;
    OSVERSIONINFOEXW os = {.dwOSVersionInfoSize = sizeof os};
    rtl_get_version_fn rtl_get_version = (rtl_get_version_fn)(void (*)(void))GetProcAddress(
        GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    char csd[3 * NTBUILD_CSD_CHARS];
    DWORD got, err = read_device(h, &v, sizeof v, &got);
    int same;

    if (err)
        return kmd_print_error("compare", err);
    if (got != sizeof v || v.Size != sizeof v) {
        printf("compare: wrong answer: %lu bytes, Size %u (expected %u)\n", (unsigned long)got,
               v.Size, (unsigned)sizeof v);
        return 1;
    }
    if (rtl_get_version == NULL || rtl_get_version(&os) != 0) {
        printf("compare: RtlGetVersion failed in this process\n");
        return 1;
    }
    v.CsdVersion[NTBUILD_CSD_CHARS - 1] = 0;
    kmd_utf8((const wchar_t *)v.CsdVersion, csd, sizeof csd);
    printf("driver: Windows %u.%u build %u, platform %u, service pack %u.%u, suite 0x%04x, "
           "product type %u, CSD \"%s\"\n",
           v.MajorVersion, v.MinorVersion, v.BuildNumber, v.PlatformId, v.ServicePackMajor,
           v.ServicePackMinor, v.SuiteMask, v.ProductType, csd);
    kmd_utf8(os.szCSDVersion, csd, sizeof csd);
    printf("client: Windows %lu.%lu build %lu, platform %lu, service pack %u.%u, suite 0x%04x, "
           "product type %u, CSD \"%s\"\n",
           os.dwMajorVersion, os.dwMinorVersion, os.dwBuildNumber, os.dwPlatformId,
           os.wServicePackMajor, os.wServicePackMinor, os.wSuiteMask, os.wProductType, csd);
    same = v.MajorVersion == os.dwMajorVersion && v.MinorVersion == os.dwMinorVersion &&
           v.BuildNumber == os.dwBuildNumber && v.PlatformId == os.dwPlatformId &&
           v.ServicePackMajor == os.wServicePackMajor &&
           v.ServicePackMinor == os.wServicePackMinor && v.SuiteMask == os.wSuiteMask &&
           v.ProductType == os.wProductType &&
           wcsncmp((const wchar_t *)v.CsdVersion, os.szCSDVersion, NTBUILD_CSD_CHARS - 1) == 0;
    puts(same ? "compare: driver and client agree" : "compare: driver and client DIFFER");
    return same ? 0 : 1;
}

static int read_n(HANDLE h, DWORD size)
{
    unsigned char *buf = calloc(size + 1, 1);
    DWORD got, err;

    if (buf == NULL) {
        fprintf(stderr, "ntbuild: out of memory\n");
        return 1;
    }
    err = read_device(h, buf, size, &got);
    if (err) {
        free(buf);
        return kmd_print_error("read", err);
    }
    printf("read: ok: %lu bytes\n", (unsigned long)got);
    kmd_hexdump(stdout, buf, got > 32 ? 32 : got); /* Size and the numbers */
    free(buf);
    return 0;
}

static int write_one(HANDLE h)
{
    DWORD done;

    if (!WriteFile(h, "x", 1, &done, NULL))
        return kmd_print_error("write", GetLastError());
    printf("write: ok: %lu bytes\n", (unsigned long)done);
    return 0;
}

static int ioctl_one(HANDLE h)
{
    DWORD err = kmd_ioctl(
        h, KMD_CTL_CODE(NTBUILD_DEVICE_TYPE, KMD_FUNCTION_BASE, METHOD_BUFFERED, FILE_ANY_ACCESS),
        NULL, 0, NULL, 0, NULL);

    if (err)
        return kmd_print_error("ioctl", err);
    puts("ioctl: ok");
    return 0;
}

/* "read" checks N before it asks for the device, so a bad N is exit 2 even without the driver. */
static int read_command(int argc, char **argv)
{
    DWORD size = 0;

    (void)argc;
    if (!kmd_parse_uint("ntbuild", argv[0], READ_MAX, &size))
        return KMD_EXIT_USAGE;
    return read_n(kmd_client_device(), size);
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("compare", compare),
    KMD_COMMAND_WORDS("read", read_command, 1, 1, "one argument, the buffer size"),
    KMD_COMMAND("write", write_one),
    KMD_COMMAND("ioctl", ioctl_one),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("ntbuild", NTBUILD_USER_NAME,
                           "usage: ntbuild [compare | read N | write | ioctl]", commands, NULL,
                           argc, argv);
}
