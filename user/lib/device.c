/* Opening devices and sending IOCTLs. */
#include <kmdkit/user.h>

#include <stdlib.h>
#include <wchar.h>

DWORD kmd_device_open(const wchar_t *name, HANDLE *device)
{
    wchar_t path[MAX_PATH];
    HANDLE h;

    *device = INVALID_HANDLE_VALUE;
    if (name == NULL || name[0] == L'\0')
        return ERROR_INVALID_NAME;
    if (name[0] == L'\\') {
        if (wcslen(name) >= MAX_PATH)
            return ERROR_FILENAME_EXCED_RANGE;
        wcscpy(path, name);
    } else {
        if (wcschr(name, L'\\') || wcschr(name, L'/') || wcslen(name) + 4 >= MAX_PATH)
            return ERROR_INVALID_NAME;
        wcscpy(path, L"\\\\.\\");
        wcscat(path, name);
    }
    h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    *device = h;
    return ERROR_SUCCESS;
}

HANDLE kmd_open_device_or_exit(const char *prog, const wchar_t *name)
{
    HANDLE h;
    DWORD err = kmd_device_open(name, &h);

    if (err) {
        fprintf(stderr, "%s: cannot open %s%ls: %s\n", prog, name[0] == L'\\' ? "" : "\\\\.\\",
                name, kmd_error_text(err));
        exit(KMD_EXIT_NO_DEVICE);
    }
    return h;
}

DWORD kmd_ioctl(HANDLE device, DWORD code, const void *in, DWORD in_size, void *out, DWORD out_size,
                DWORD *returned)
{
    DWORD got = 0;
    BOOL ok = DeviceIoControl(device, code, (void *)in, in_size, out, out_size, &got, NULL);
    DWORD err = ok ? ERROR_SUCCESS : GetLastError();

    if (returned)
        *returned = got;
    return err;
}

void kmd_hexdump(FILE *f, const void *data, size_t size)
{
    const unsigned char *p = data;

    for (size_t off = 0; off < size; off += 16) {
        fprintf(f, "  %04zx ", off);
        for (size_t i = 0; i < 16; i++) {
            if (off + i < size)
                fprintf(f, " %02x", p[off + i]);
            else
                fputs("   ", f);
        }
        fputs("  ", f);
        for (size_t i = 0; i < 16 && off + i < size; i++)
            fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ? p[off + i] : '.', f);
        fputc('\n', f);
    }
}

DWORD kmd_ioctl_full(HANDLE device, const char *what, DWORD code, const void *in, DWORD in_size,
                     void *out, DWORD out_size)
{
    DWORD got = 0;
    DWORD err = kmd_ioctl(device, code, in, in_size, out, out_size, &got);

    if (err == 0 && got != out_size) {
        printf("%s: wrong answer: %lu bytes (expected %lu)\n", what, (unsigned long)got,
               (unsigned long)out_size);
        return ERROR_INVALID_DATA;
    }
    return err;
}
