/* checksums: verifies a SHA256SUMS file (sha256sum's format, "<64 hex>  <name>" or
 * "<64 hex> *<name>") against the files next to it, with SHA-256 from bcrypt (Windows 7 and later,
 * Wine). Prints "OK name", "MISMATCH name" or "MISSING name" per line. */
#include "commands.h"

#include <bcrypt.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define SUMS_CAP (16u * 1024 * 1024)

/* SHA-256 of a file. Returns a Win32 error; bcrypt failures become ERROR_NOT_SUPPORTED with the
 * NTSTATUS in `*status`. */
static DWORD sha256_file(const wchar_t *path, unsigned char digest[32], LONG *status)
{
    static unsigned char chunk[64 * 1024];
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE hash = NULL;
    HANDLE h;
    DWORD got, err = ERROR_SUCCESS;
    NTSTATUS st;

    *status = 0;
    h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                    FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    st = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0);
    if (st >= 0)
        st = BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0);
    while (st >= 0) {
        if (!ReadFile(h, chunk, sizeof chunk, &got, NULL)) {
            err = GetLastError();
            break;
        }
        if (got == 0)
            break;
        st = BCryptHashData(hash, chunk, got, 0);
    }
    if (st >= 0 && !err)
        st = BCryptFinishHash(hash, digest, 32, 0);
    if (hash)
        BCryptDestroyHash(hash);
    if (alg)
        BCryptCloseAlgorithmProvider(alg, 0);
    CloseHandle(h);
    if (st < 0) {
        *status = st;
        return ERROR_NOT_SUPPORTED;
    }
    return err;
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int cmd_checksums(const struct kmdctl_args *a)
{
    unsigned char *text;
    size_t size, dir_len = 0;
    unsigned ok = 0, mismatch = 0, missing = 0, malformed = 0, line_no = 0;
    char first_bad[600] = "";
    char *line, *next;
    DWORD err;
    int rc = 0;

    out_wstr("file", a->path);
    err = read_file(a->path, SUMS_CAP, &text, &size);
    if (err)
        return out_fail(-1, err, "cannot read checksum file '%s'", u8(a->path));
    for (size_t i = 0; a->path[i]; i++)
        if (a->path[i] == L'\\' || a->path[i] == L'/' || a->path[i] == L':')
            dir_len = i + 1;

    out_open("files", '[');
    for (line = (char *)text; line && *line; line = next) {
        wchar_t wname[MAX_PATH], full[MAX_PATH * 2];
        unsigned char digest[32];
        char hex[65], *name, *end;
        const char *result;
        LONG status;
        int n;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        end = line + strlen(line);
        while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (line[0] == '\0')
            continue;
        for (n = 0; n < 64 && is_hex(line[n]); n++)
            ;
        name = line + 66;
        if (n != 64 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') || !*name) {
            malformed++;
            if (!first_bad[0])
                snprintf(first_bad, sizeof first_bad, "line %u is not '<64 hex digits>  <name>'",
                         line_no);
            out_line("MALFORMED line %u", line_no);
            out_open(NULL, '{');
            out_num("line", line_no);
            out_str("result", "MALFORMED");
            out_close('}');
            continue;
        }
        if (!MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, MAX_PATH)) {
            wname[0] = L'\0';
        }
        for (wchar_t *p = wname; *p; p++)
            if (*p == L'/')
                *p = L'\\';
        swprintf(full, sizeof full / sizeof *full, L"%.*ls%ls", (int)dir_len, a->path, wname);

        err = sha256_file(full, digest, &status);
        if (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) {
            result = "MISSING";
            missing++;
        } else if (err) {
            /* out_fail appends the Win32 error; only bcrypt's NTSTATUS needs saying here. */
            if (status) {
                char msg[512];
                rc = out_fail(KMDCTL_EXIT_FAILED, err, "cannot hash '%s': bcrypt: %s", u8(full),
                              kmd_format_ntstatus(status, msg, sizeof msg));
            } else {
                rc = out_fail(-1, err, "cannot hash '%s'", u8(full));
            }
            result = "ERROR";
        } else {
            for (int i = 0; i < 32; i++)
                snprintf(hex + 2 * i, 3, "%02x", digest[i]);
            if (_strnicmp(hex, line, 64) == 0) {
                result = "OK";
                ok++;
            } else {
                result = "MISMATCH";
                mismatch++;
            }
        }
        if (strcmp(result, "OK") && strcmp(result, "ERROR") && !first_bad[0])
            snprintf(first_bad, sizeof first_bad, "%s %s", result, name);
        out_line("%s %s", result, name);
        out_open(NULL, '{');
        out_str("name", name);
        out_str("result", result);
        out_close('}');
    }
    out_close(']');
    out_num("ok_count", ok);
    out_num("mismatch_count", mismatch);
    out_num("missing_count", missing);
    out_num("malformed_count", malformed);
    free(text);

    if (mismatch || missing || malformed)
        return out_fail(KMDCTL_EXIT_CHECKSUM, ERROR_CRC,
                        "checksums: %u OK, %u mismatched, %u missing, %u malformed lines in '%s' "
                        "(first: %s)",
                        ok, mismatch, missing, malformed, u8(a->path), first_bad);
    if (rc)
        return rc;
    if (ok == 0)
        return out_fail(KMDCTL_EXIT_CHECKSUM, ERROR_CRC, "checksums: '%s' lists no files",
                        u8(a->path));
    out_line("checksums: all %u files OK", ok);
    return 0;
}
