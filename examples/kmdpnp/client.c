/* kmdpnp.exe: the client of the kmdpnp driver (driver.c). The device has no name: the client
 * finds it by its device interface (SetupDiGetClassDevs with DIGCF_DEVICEINTERFACE |
 * DIGCF_PRESENT, SetupDiEnumDeviceInterfaces, SetupDiGetDeviceInterfaceDetail) and opens the
 * path the interface gives.
 *
 *   kmdpnp [report]   GET_INFO, XOR on 256 bytes, GET_INFO again, a second handle, and every
 *                     error the contract (kmdpnp_ioctl.h) documents; one "ok:"/"FAIL:" line per
 *                     check, then "report: passed"
 *   kmdpnp path       the interface path of each present kmdpnp device
 *   kmdpnp call info|xor|HEXCODE [--in TEXT | --in-size N] [--out-size N]
 *                     one IOCTL with any buffer sizes (kmd_call_command)
 * Exit codes: 0 success, 1 a wrong answer or an error, 2 bad arguments, 3 no kmdpnp device. */
#include <kmdkit/user.h>
#include <initguid.h> /* defines GUID_DEVINTERFACE_KMDPNP here (kmdpnp_ioctl.h) */
#include <setupapi.h>
#include "kmdpnp_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "kmdpnp"

/* The interface path of present kmdpnp device `index` into `path`; ERROR_NO_MORE_ITEMS after
 * the last. */
static DWORD interface_path(DWORD index, wchar_t *path, size_t size)
{
    HDEVINFO set = SetupDiGetClassDevsW(&GUID_DEVINTERFACE_KMDPNP, NULL, NULL,
                                        DIGCF_DEVICEINTERFACE | DIGCF_PRESENT);
    SP_DEVICE_INTERFACE_DATA iface;
    SP_DEVICE_INTERFACE_DETAIL_DATA_W *detail = NULL;
    DWORD need = 0, err = ERROR_SUCCESS;

    if (set == INVALID_HANDLE_VALUE)
        return GetLastError();
    memset(&iface, 0, sizeof iface);
    iface.cbSize = sizeof iface;
    if (!SetupDiEnumDeviceInterfaces(set, NULL, &GUID_DEVINTERFACE_KMDPNP, index, &iface)) {
        err = GetLastError();
        goto done;
    }
    /* The first call says how big the detail is; the second fills it. */
    SetupDiGetDeviceInterfaceDetailW(set, &iface, NULL, 0, &need, NULL);
    if (need < sizeof *detail || !(detail = calloc(1, need))) {
        err = need ? ERROR_NOT_ENOUGH_MEMORY : GetLastError();
        goto done;
    }
    detail->cbSize = sizeof *detail; /* the fixed part only, as Windows wants it */
    if (!SetupDiGetDeviceInterfaceDetailW(set, &iface, detail, need, NULL, NULL))
        err = GetLastError();
    else if (wcslen(detail->DevicePath) + 1 > size)
        err = ERROR_BUFFER_OVERFLOW;
    else
        wcscpy(path, detail->DevicePath);
done:
    free(detail);
    SetupDiDestroyDeviceInfoList(set);
    return err;
}

/* Opens the first present kmdpnp device, or says why not and exits 3. */
static HANDLE open_device(int verbose)
{
    wchar_t path[1024];
    DWORD err = interface_path(0, path, sizeof path / sizeof *path);
    HANDLE h;

    if (err == ERROR_NO_MORE_ITEMS) {
        fprintf(stderr,
                PROG ": no kmdpnp device: no present device has the interface "
                     "{b88f99a1-754f-47ad-a4b0-1dd79a750e11} (install one: kmdctl pnp-create "
                     "--inf kmdpnp.inf)\n");
        exit(KMD_EXIT_NO_DEVICE);
    }
    if (err) {
        fprintf(stderr, PROG ": cannot list the kmdpnp device interfaces: %s\n",
                kmd_error_text(err));
        exit(KMD_EXIT_NO_DEVICE);
    }
    if (verbose)
        printf("device interface %ls\n", path);
    err = kmd_device_open(path, &h);
    if (err) {
        fprintf(stderr, PROG ": cannot open %ls: %s\n", path, kmd_error_text(err));
        exit(KMD_EXIT_NO_DEVICE);
    }
    return h;
}

static int get_info(HANDLE h, const char *what, KMDPNP_INFO *info)
{
    DWORD err = kmd_ioctl_full(h, what, IOCTL_KMDPNP_GET_INFO, NULL, 0, info, sizeof *info);

    if (err)
        return kmd_print_error(what, err);
    printf("%s: state %u, %u open, %u opened in all, %u requests before (%u on this handle), "
           "%u start(s), interface %s\n",
           what, info->PnpState, info->Opens, info->TotalOpens, info->Requests,
           info->HandleRequests, info->Starts, info->InterfaceEnabled ? "enabled" : "disabled");
    return 0;
}

/* XOR on the 256 byte values: every byte must come back XORed with the key. */
static void check_xor(HANDLE h)
{
    unsigned char in[256], out[256];
    DWORD got = 0, err, wrong = 0;

    for (unsigned i = 0; i < sizeof in; i++)
        in[i] = (unsigned char)i;
    memset(out, 0, sizeof out);
    err = kmd_ioctl(h, IOCTL_KMDPNP_XOR, in, sizeof in, out, sizeof out, &got);
    for (unsigned i = 0; !err && i < sizeof in; i++)
        if (out[i] != (in[i] ^ KMDPNP_XOR_KEY))
            wrong++;
    kmd_check(!err && got == sizeof in && wrong == 0,
              "xor: 256 bytes back, each XORed with 0x%02x (error %lu, %lu bytes, %lu wrong)",
              KMDPNP_XOR_KEY, (unsigned long)err, (unsigned long)got, (unsigned long)wrong);
}

static int report(HANDLE unused)
{
    KMDPNP_INFO first, second, other;
    HANDLE h = open_device(1), h2;
    DWORD got;

    (void)unused;
    if (get_info(h, "info", &first))
        return 1;
    kmd_check(first.Size == sizeof first && first.PnpState == KMDPNP_STATE_STARTED &&
                  first.InterfaceEnabled == 1 && first.Starts >= 1,
              "info: size %u, started, interface enabled, started at least once", first.Size);
    kmd_check(first.Opens >= 1 && first.TotalOpens >= first.Opens && first.HandleRequests == 0,
              "info: this handle counted (%u open), no request on it before", first.Opens);
    check_xor(h);
    if (get_info(h, "info again", &second))
        return 1;
    kmd_check(second.Requests == first.Requests + 2 && second.HandleRequests == 2,
              "info again: 2 more requests on the device and this handle (%u -> %u, handle %u)",
              first.Requests, second.Requests, second.HandleRequests);

    /* A second handle has a state of its own. */
    h2 = open_device(0);
    if (get_info(h2, "second handle", &other))
        return 1;
    kmd_check(other.HandleRequests == 0 && other.Opens >= 2 && other.TotalOpens > first.TotalOpens,
              "second handle: its own count (0), %u open, %u opened in all", other.Opens,
              other.TotalOpens);
    CloseHandle(h2);

    /* The documented errors (kmdpnp_ioctl.h). */
    kmd_check_ioctl(h, "info with 4 bytes of input", IOCTL_KMDPNP_GET_INFO, 4, sizeof first,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "info into 1 byte less", IOCTL_KMDPNP_GET_INFO, 0, sizeof first - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "xor of nothing", IOCTL_KMDPNP_XOR, 0, 16, ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "xor of 4097 bytes", IOCTL_KMDPNP_XOR, KMDPNP_XOR_MAX + 1,
                    KMDPNP_XOR_MAX + 1, ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "xor of 16 bytes into 15", IOCTL_KMDPNP_XOR, 16, 15,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "an unknown code",
                    KMD_CTL_CODE(KMDPNP_DEVICE_TYPE, 0xFFF, METHOD_BUFFERED, FILE_ANY_ACCESS), 0, 0,
                    ERROR_INVALID_FUNCTION);
    /* The largest input works and comes back whole. */
    {
        static unsigned char big[KMDPNP_XOR_MAX];
        DWORD err = kmd_ioctl(h, IOCTL_KMDPNP_XOR, big, sizeof big, big, sizeof big, &got);
        kmd_check(!err && got == sizeof big && big[0] == KMDPNP_XOR_KEY &&
                      big[sizeof big - 1] == KMDPNP_XOR_KEY,
                  "xor of %d zero bytes: %lu bytes of 0x%02x back", KMDPNP_XOR_MAX,
                  (unsigned long)got, KMDPNP_XOR_KEY);
    }
    CloseHandle(h);
    return kmd_check_verdict("report");
}

static int path_command(HANDLE unused)
{
    wchar_t path[1024];
    DWORD i, err = ERROR_SUCCESS;

    (void)unused;
    for (i = 0; !(err = interface_path(i, path, sizeof path / sizeof *path)); i++)
        printf("%ls\n", path);
    if (err != ERROR_NO_MORE_ITEMS)
        return kmd_print_error("path", err);
    if (i == 0)
        open_device(0); /* says there is none, exits 3 */
    return 0;
}

static const struct kmd_call_name call_names[] = {
    {"info", IOCTL_KMDPNP_GET_INFO, 0, sizeof(KMDPNP_INFO)},
    {"xor", IOCTL_KMDPNP_XOR, 0, KMD_CALL_OUT_AS_IN},
    {NULL, 0, 0, 0},
};

/* "call": the device is found first, then kmd_call_command() sends the request. */
static int call_command(int argc, char **argv)
{
    HANDLE h = open_device(0);
    int rc = kmd_call_command(h, PROG, call_names, argc, argv);

    CloseHandle(h);
    return rc;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND_OWN_DEVICE("report", report),
    KMD_COMMAND_OWN_DEVICE("path", path_command),
    KMD_COMMAND_WORDS("call", call_command, 1, 16, "info|xor|HEXCODE [options]"),
    {0},
};

int main(int argc, char **argv)
{
    /* Every command finds its device itself (by interface): no device name here. */
    return kmd_client_main(PROG, L"",
                           "usage: kmdpnp [report | path | call info|xor|HEXCODE "
                           "[--in TEXT | --in-size N] [--out-size N]]",
                           commands, NULL, argc, argv);
}
