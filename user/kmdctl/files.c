/* Reading and writing whole files. */
#include "commands.h"

#include <stdlib.h>
#include <wchar.h>

DWORD read_file(const wchar_t *path, size_t cap, unsigned char **data, size_t *size)
{
    HANDLE h;
    LARGE_INTEGER li;
    unsigned char *buf;
    DWORD got, err = ERROR_SUCCESS;

    *data = NULL;
    *size = 0;
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
                    NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!GetFileSizeEx(h, &li)) {
        err = GetLastError();
        CloseHandle(h);
        return err;
    }
    if ((unsigned long long)li.QuadPart > cap) {
        CloseHandle(h);
        return ERROR_FILE_TOO_LARGE;
    }
    buf = malloc((size_t)li.QuadPart + 1);
    if (!buf) {
        CloseHandle(h);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    if (!ReadFile(h, buf, (DWORD)li.QuadPart, &got, NULL))
        err = GetLastError();
    CloseHandle(h);
    if (err) {
        free(buf);
        return err;
    }
    buf[got] = 0;
    *data = buf;
    *size = got;
    return ERROR_SUCCESS;
}

DWORD write_file(const wchar_t *path, const void *data, size_t size)
{
    HANDLE h;
    DWORD put, err = ERROR_SUCCESS;

    h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    if (!WriteFile(h, data, (DWORD)size, &put, NULL))
        err = GetLastError();
    else if (put != size)
        err = ERROR_DISK_FULL;
    if (!CloseHandle(h) && !err)
        err = GetLastError();
    return err;
}

const wchar_t *device_path(const wchar_t *device, wchar_t *buf, size_t size)
{
    if (device[0] == L'\\')
        swprintf(buf, size, L"%ls", device);
    else
        swprintf(buf, size, L"\\\\.\\%ls", device);
    return buf;
}
