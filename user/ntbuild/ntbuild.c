/* ntbuild.exe: the client of kernel/ntbuild.
 *
 *   ntbuild [compare]   ReadFile the driver's NTBUILD_VERSION and compare every field with what
 *                       RtlGetVersion (ntdll) tells this process; exit 0 when they match exactly
 *   ntbuild read N      one ReadFile with an N-byte buffer: "read: ok: N bytes" + dump, or
 *                       "read: error: ..."
 *   ntbuild write       one WriteFile (the driver has no IRP_MJ_WRITE)
 *   ntbuild ioctl       one DeviceIoControl (the driver has no IRP_MJ_DEVICE_CONTROL)
 * Exit codes: 0 success, 1 the driver answered with an error or not as documented,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include <ntbuild_ioctl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);

static HANDLE open_ntbuild(void)
{
    HANDLE h;
    char msg[512];
    DWORD err = kmd_device_open(NTBUILD_USER_NAME, &h);

    if (err) {
        fprintf(stderr, "ntbuild: cannot open \\\\.\\%ls: %s\n", NTBUILD_USER_NAME,
                kmd_format_error(err, msg, sizeof msg));
        exit(3);
    }
    return h;
}

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

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "compare";
    HANDLE h;
    int rc;

    if (strcmp(cmd, "read") == 0 && argc == 3) {
        char *end;
        unsigned long size = strtoul(argv[2], &end, 0);
        unsigned char *buf;
        DWORD got, err;

        if (*argv[2] == '\0' || *end != '\0' || size > 65536) {
            fprintf(stderr, "ntbuild: '%s' is not a size from 0 to 65536\n", argv[2]);
            return 2;
        }
        buf = calloc(size + 1, 1);
        if (buf == NULL)
            return 1;
        h = open_ntbuild();
        err = read_device(h, buf, (DWORD)size, &got);
        if (err) {
            rc = kmd_print_error("read", err);
        } else {
            printf("read: ok: %lu bytes\n", (unsigned long)got);
            kmd_hexdump(stdout, buf, got > 32 ? 32 : got); /* Size and the numbers */
            rc = 0;
        }
        free(buf);
    } else if (strcmp(cmd, "write") == 0 && argc == 2) {
        DWORD done;
        h = open_ntbuild();
        if (WriteFile(h, "x", 1, &done, NULL)) {
            printf("write: ok: %lu bytes\n", (unsigned long)done);
            rc = 0;
        } else {
            rc = kmd_print_error("write", GetLastError());
        }
    } else if (strcmp(cmd, "ioctl") == 0 && argc == 2) {
        DWORD err;
        h = open_ntbuild();
        err = kmd_ioctl(
            h,
            KMD_CTL_CODE(NTBUILD_DEVICE_TYPE, KMD_FUNCTION_BASE, METHOD_BUFFERED, FILE_ANY_ACCESS),
            NULL, 0, NULL, 0, NULL);
        rc = err ? kmd_print_error("ioctl", err) : (puts("ioctl: ok"), 0);
    } else if (strcmp(cmd, "compare") == 0 && argc <= 2) {
        h = open_ntbuild();
        rc = compare(h);
    } else {
        fprintf(stderr, "usage: ntbuild [compare | read N | write | ioctl]\n");
        return strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ? 0 : 2;
    }
    CloseHandle(h);
    return rc;
}
