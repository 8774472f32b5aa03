/* kmdkit's user-mode library (user/lib): what kmdctl and the example clients share.
 * Style: snake_case with a kmd_ prefix; functions return a Win32 error code (0 = success) and
 * hand results back through pointers, so every failure can be printed with kmd_format_error(). */
#ifndef KMDKIT_USER_H
#define KMDKIT_USER_H

#include <windows.h>

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- devices ------------------------------------------------------------------------------ */

/* Opens a device for read/write. `name` is a bare name ("KmdSkeleton" -> \\.\KmdSkeleton) or a
 * full path starting with a backslash (\\.\X, \\?\X, \??\X). */
DWORD kmd_device_open(const wchar_t *name, HANDLE *device);

/* DeviceIoControl, synchronous. `returned` (may be NULL) gets the bytes written to `out`. */
DWORD kmd_ioctl(HANDLE device, DWORD code, const void *in, DWORD in_size, void *out, DWORD out_size,
                DWORD *returned);

/* --- errors ------------------------------------------------------------------------------- */

/* "122 (ERROR_INSUFFICIENT_BUFFER): The data area passed to a system call is too small." */
const char *kmd_format_error(DWORD error, char *buf, size_t size);
/* "0xC0000023 (STATUS_BUFFER_TOO_SMALL): The buffer is too small ..." */
const char *kmd_format_ntstatus(LONG status, char *buf, size_t size);
/* The symbolic name, or NULL when the table does not know it. */
const char *kmd_win32_error_name(DWORD error);
const char *kmd_ntstatus_name(LONG status);

/* --- hex ---------------------------------------------------------------------------------- */

/* Prints `size` bytes as a hex dump: offset, 16 bytes, ASCII. */
void kmd_hexdump(FILE *f, const void *data, size_t size);

#ifdef __cplusplus
}
#endif

#endif
