/* Parsing of command-line values: start types, service names, hex bytes, numbers, IOCTL codes.
 * Pure C: no system calls, so user/kmdctl's unit test checks every rule. */
#include <kmdkit/user.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

DWORD kmd_why(DWORD err, char *why, size_t why_size, const char *fmt, ...)
{
    if (why && why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return err;
}

char *kmd_utf8(const wchar_t *s, char *buf, size_t size)
{
    size_t n = 0;

    if (size == 0)
        return buf;
    for (; s && *s; s++) {
        unsigned long c = (unsigned short)*s;
        char enc[4];
        size_t len;

        if (c >= 0xD800 && c <= 0xDBFF && s[1] >= 0xDC00 && s[1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + ((unsigned short)s[1] - 0xDC00);
            s++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = 0xFFFD;
        }
        if (c < 0x80) {
            enc[0] = (char)c;
            len = 1;
        } else if (c < 0x800) {
            enc[0] = (char)(0xC0 | (c >> 6));
            enc[1] = (char)(0x80 | (c & 0x3F));
            len = 2;
        } else if (c < 0x10000) {
            enc[0] = (char)(0xE0 | (c >> 12));
            enc[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (c & 0x3F));
            len = 3;
        } else {
            enc[0] = (char)(0xF0 | (c >> 18));
            enc[1] = (char)(0x80 | ((c >> 12) & 0x3F));
            enc[2] = (char)(0x80 | ((c >> 6) & 0x3F));
            enc[3] = (char)(0x80 | (c & 0x3F));
            len = 4;
        }
        if (n + len >= size)
            break;
        memcpy(buf + n, enc, len);
        n += len;
    }
    buf[n] = '\0';
    return buf;
}

/* The offending value for a message: UTF-8, cut at 80 bytes. */
static const char *shown(const wchar_t *s, char *buf, size_t size)
{
    return kmd_utf8(s, buf, size < 81 ? size : 81);
}

static int hex_digit(wchar_t c)
{
    if (c >= L'0' && c <= L'9')
        return c - L'0';
    if (c >= L'a' && c <= L'f')
        return c - L'a' + 10;
    if (c >= L'A' && c <= L'F')
        return c - L'A' + 10;
    return -1;
}

DWORD kmd_parse_start_type(const wchar_t *s, DWORD *start_type, char *why, size_t why_size)
{
    char v[96];

    if (wcscmp(s, L"demand") == 0)
        *start_type = SERVICE_DEMAND_START;
    else if (wcscmp(s, L"auto") == 0)
        *start_type = SERVICE_AUTO_START;
    else if (wcscmp(s, L"system") == 0)
        *start_type = SERVICE_SYSTEM_START;
    else
        return kmd_why(ERROR_INVALID_PARAMETER, why, why_size,
                       "start type '%s' is not demand, auto or system", shown(s, v, sizeof v));
    return ERROR_SUCCESS;
}

DWORD kmd_check_service_name(const wchar_t *s, char *why, size_t why_size)
{
    char v[96];
    size_t n = wcslen(s);

    if (n == 0)
        return kmd_why(ERROR_INVALID_NAME, why, why_size, "the service name is empty");
    if (n > KMD_SERVICE_NAME_MAX)
        return kmd_why(ERROR_INVALID_NAME, why, why_size,
                       "service name '%s...' is %zu characters long; the limit is %d",
                       shown(s, v, 40), n, KMD_SERVICE_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        wchar_t c = s[i];
        if ((c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z') || (c >= L'0' && c <= L'9') ||
            c == L'_' || c == L'-' || c == L'.')
            continue;
        return kmd_why(ERROR_INVALID_NAME, why, why_size,
                       "service name '%s' has a character other than letters, digits, '_', '-', "
                       "'.' at position %zu",
                       shown(s, v, sizeof v), i + 1);
    }
    return ERROR_SUCCESS;
}

DWORD kmd_parse_hex_bytes(const wchar_t *s, unsigned char *out, size_t cap, size_t *size, char *why,
                          size_t why_size)
{
    char v[96];
    size_t n = 0;
    size_t i = 0;

    *size = 0;
    while (s[i]) {
        size_t start, digits;

        if (s[i] == L' ' || s[i] == L':') {
            i++;
            continue;
        }
        start = i;
        while (s[i] && s[i] != L' ' && s[i] != L':') {
            if (hex_digit(s[i]) < 0) {
                wchar_t bad[2] = {s[i], 0};
                return kmd_why(ERROR_INVALID_DATA, why, why_size,
                               "hex bytes '%s': '%s' at position %zu is not a hex digit",
                               shown(s, v, sizeof v), kmd_utf8(bad, (char[8]){0}, 8), i + 1);
            }
            i++;
        }
        digits = i - start;
        if (digits % 2)
            return kmd_why(
                ERROR_INVALID_DATA, why, why_size,
                "hex bytes '%s': odd number of hex digits (%zu) in the group at position "
                "%zu; write each byte as two digits",
                shown(s, v, sizeof v), digits, start + 1);
        for (size_t k = start; k < i; k += 2) {
            if (n >= cap)
                return kmd_why(ERROR_INSUFFICIENT_BUFFER, why, why_size,
                               "hex bytes: more than %zu bytes", cap);
            out[n++] = (unsigned char)(hex_digit(s[k]) << 4 | hex_digit(s[k + 1]));
        }
    }
    *size = n;
    return ERROR_SUCCESS;
}

DWORD kmd_parse_number(const wchar_t *s, DWORD max, DWORD *value, char *why, size_t why_size)
{
    char v[96];
    unsigned long long x = 0;
    const wchar_t *p = s;
    int base = 10;

    if (p[0] == L'0' && (p[1] == L'x' || p[1] == L'X')) {
        base = 16;
        p += 2;
    }
    if (*p == L'\0')
        return kmd_why(ERROR_INVALID_DATA, why, why_size, "'%s' is not a number",
                       shown(s, v, sizeof v));
    for (; *p; p++) {
        int d = hex_digit(*p);
        if (d < 0 || d >= base)
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "'%s' is not a number (decimal, or hex with 0x)", shown(s, v, sizeof v));
        x = x * (unsigned)base + (unsigned)d;
        if (x > max)
            return kmd_why(ERROR_INVALID_PARAMETER, why, why_size, "%s is above the limit %lu",
                           shown(s, v, sizeof v), (unsigned long)max);
    }
    *value = (DWORD)x;
    return ERROR_SUCCESS;
}

static const wchar_t *const method_names[] = {L"buffered", L"in-direct", L"out-direct", L"neither"};
static const wchar_t *const access_names[] = {L"any", L"read", L"write", L"rw"};
static const char *const method_words[] = {"buffered", "in-direct", "out-direct", "neither"};
static const char *const access_words[] = {"any", "read", "write", "rw"};

static int field_word(const wchar_t *s, size_t len, const wchar_t *const names[4])
{
    if (len == 1 && s[0] >= L'0' && s[0] <= L'3')
        return s[0] - L'0';
    for (int i = 0; i < 4; i++)
        if (wcslen(names[i]) == len && wcsncmp(s, names[i], len) == 0)
            return i;
    return -1;
}

DWORD kmd_parse_ioctl_code(const wchar_t *s, DWORD *code, char *why, size_t why_size)
{
    char v[96];
    const wchar_t *f[4];
    size_t len[4];
    size_t nf = 0;
    const wchar_t *p = s;

    if (wcschr(s, L':') == NULL) {
        unsigned long x = 0;
        size_t digits = 0;

        if (p[0] == L'0' && (p[1] == L'x' || p[1] == L'X'))
            p += 2;
        for (; *p; p++, digits++) {
            if (hex_digit(*p) < 0 || digits >= 8)
                break;
            x = x << 4 | (unsigned long)hex_digit(*p);
        }
        if (digits == 0 || *p)
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "IOCTL code '%s' is neither 1 to 8 hex digits (0x optional) nor "
                           "TYPE:FUNCTION:METHOD:ACCESS",
                           shown(s, v, sizeof v));
        *code = (DWORD)x;
        return ERROR_SUCCESS;
    }

    for (;;) {
        const wchar_t *colon = wcschr(p, L':');
        if (nf == 4)
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "IOCTL code '%s' has more than 4 fields (TYPE:FUNCTION:METHOD:ACCESS)",
                           shown(s, v, sizeof v));
        f[nf] = p;
        len[nf] = colon ? (size_t)(colon - p) : wcslen(p);
        nf++;
        if (!colon)
            break;
        p = colon + 1;
    }
    if (nf != 4)
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "IOCTL code '%s' has %zu fields; expected TYPE:FUNCTION:METHOD:ACCESS",
                       shown(s, v, sizeof v), nf);

    DWORD type, function;
    wchar_t tmp[32];
    char sub[160];
    static const char *const what[2] = {"TYPE", "FUNCTION"};
    const DWORD limit[2] = {0xFFFF, 0xFFF};
    DWORD *dest[2] = {&type, &function};

    for (int i = 0; i < 2; i++) {
        if (len[i] >= sizeof tmp / sizeof *tmp)
            return kmd_why(ERROR_INVALID_DATA, why, why_size, "IOCTL code '%s': %s is too long",
                           shown(s, v, sizeof v), what[i]);
        wmemcpy(tmp, f[i], len[i]);
        tmp[len[i]] = L'\0';
        if (kmd_parse_number(tmp, limit[i], dest[i], sub, sizeof sub))
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "IOCTL code '%s': %s %s (0 to 0x%lX, decimal or 0x hex)",
                           shown(s, v, sizeof v), what[i], sub, (unsigned long)limit[i]);
    }
    int method = field_word(f[2], len[2], method_names);
    if (method < 0)
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "IOCTL code '%s': METHOD is not buffered, in-direct, out-direct, neither or "
                       "0-3",
                       shown(s, v, sizeof v));
    int access = field_word(f[3], len[3], access_names);
    if (access < 0)
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "IOCTL code '%s': ACCESS is not any, read, write, rw or 0-3",
                       shown(s, v, sizeof v));
    *code = (type << 16) | ((DWORD)access << 14) | (function << 2) | (DWORD)method;
    return ERROR_SUCCESS;
}

const char *kmd_format_ioctl_code(DWORD code, char *buf, size_t size)
{
    snprintf(buf, size, "0x%08lX (type 0x%lX, function 0x%lX, %s, %s)", (unsigned long)code,
             (unsigned long)(code >> 16), (unsigned long)((code >> 2) & 0xFFF),
             method_words[code & 3], access_words[(code >> 14) & 3]);
    return buf;
}

const char *kmd_service_state_name(DWORD state)
{
    switch (state) {
    case SERVICE_STOPPED:
        return "stopped";
    case SERVICE_START_PENDING:
        return "start-pending";
    case SERVICE_STOP_PENDING:
        return "stop-pending";
    case SERVICE_RUNNING:
        return "running";
    case SERVICE_CONTINUE_PENDING:
        return "continue-pending";
    case SERVICE_PAUSE_PENDING:
        return "pause-pending";
    case SERVICE_PAUSED:
        return "paused";
    }
    return "unknown";
}

const char *kmd_service_type_name(DWORD type)
{
    switch (type & ~(DWORD)SERVICE_INTERACTIVE_PROCESS) {
    case SERVICE_KERNEL_DRIVER:
        return "kernel-driver";
    case SERVICE_FILE_SYSTEM_DRIVER:
        return "file-system-driver";
    case SERVICE_WIN32_OWN_PROCESS:
        return "own-process";
    case SERVICE_WIN32_SHARE_PROCESS:
        return "share-process";
    }
    return "unknown";
}

const char *kmd_start_type_name(DWORD start_type)
{
    switch (start_type) {
    case SERVICE_BOOT_START:
        return "boot";
    case SERVICE_SYSTEM_START:
        return "system";
    case SERVICE_AUTO_START:
        return "auto";
    case SERVICE_DEMAND_START:
        return "demand";
    case SERVICE_DISABLED:
        return "disabled";
    }
    return "unknown";
}
