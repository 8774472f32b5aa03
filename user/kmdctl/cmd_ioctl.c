/* ioctl: one DeviceIoControl on a device, its answer as a byte count and a hex dump. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>

char *hex_string(const unsigned char *data, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(size * 2 + 1);

    if (!s)
        return NULL;
    for (size_t i = 0; i < size; i++) {
        s[2 * i] = digits[data[i] >> 4];
        s[2 * i + 1] = digits[data[i] & 15];
    }
    s[size * 2] = '\0';
    return s;
}

int cmd_ioctl(const struct kmdctl_args *a)
{
    wchar_t path[MAX_PATH + 8];
    char code_text[128], code_hex[16];
    unsigned char *file_in = NULL, *out = NULL;
    const unsigned char *in = a->in;
    size_t in_size = a->in_size;
    HANDLE h = INVALID_HANDLE_VALUE;
    DWORD err, got = 0;
    int rc = 0;

    device_path(a->device, path, sizeof path / sizeof *path);
    kmd_format_ioctl_code(a->code, code_text, sizeof code_text);
    snprintf(code_hex, sizeof code_hex, "0x%08lX", (unsigned long)a->code);
    out_wstr("device", path);
    out_str("code", code_hex);

    if (a->in_file) {
        err = read_file(a->in_file, KMDCTL_BUFFER_CAP, &file_in, &in_size);
        if (err == ERROR_FILE_TOO_LARGE)
            return out_usage(err, "--in-file '%s' is larger than %d bytes", u8(a->in_file),
                             KMDCTL_BUFFER_CAP);
        if (err)
            return out_fail(-1, err, "cannot read --in-file '%s'", u8(a->in_file));
        in = file_in;
    }
    out_num("in_bytes", in_size);
    out_num("out_size", a->out_size);

    err = kmd_device_open(a->device, &h);
    if (err) {
        rc = out_fail(-1, err, "cannot open device '%s'", u8(path));
        goto done;
    }
    out = calloc(a->out_size + 1, 1);
    if (!out) {
        rc = out_fail(KMDCTL_EXIT_FAILED, ERROR_NOT_ENOUGH_MEMORY, "no memory for %lu bytes",
                      (unsigned long)a->out_size);
        goto done;
    }
    out_line("ioctl %s on %s: in %zu bytes, out buffer %lu bytes", code_text, u8(path), in_size,
             (unsigned long)a->out_size);
    err = kmd_ioctl(h, a->code, in_size ? in : NULL, (DWORD)in_size, a->out_size ? out : NULL,
                    a->out_size, &got);
    if (err) {
        out_num("bytes", got);
        rc = out_fail(-1, err, "IOCTL %s on %s failed", code_hex, u8(path));
        goto done;
    }
    out_num("bytes", got);
    if (out_json()) {
        char *hex = hex_string(out, got);
        out_str("hex", hex ? hex : "");
        free(hex);
    } else {
        printf("returned %lu bytes\n", (unsigned long)got);
        kmd_hexdump(stdout, out, got);
    }
    if (a->out_file) {
        err = write_file(a->out_file, out, got);
        if (err) {
            rc = out_fail(-1, err, "cannot write --out-file '%s'", u8(a->out_file));
            goto done;
        }
        out_wstr("out_file", a->out_file);
        out_line("wrote %lu bytes to %s", (unsigned long)got, u8(a->out_file));
    }
done:
    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
    free(out);
    free(file_in);
    return rc;
}
