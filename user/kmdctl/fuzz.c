/* kmdctl fuzz's pure parts: see fuzz.h. */
#include "fuzz.h"

#include <windows.h>
#include <winioctl.h> /* METHOD_*, which windows.h leaves out with WIN32_LEAN_AND_MEAN */

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* The offending value for a message: UTF-8, at most 80 bytes. */
static const char *shown(const wchar_t *s, char *buf, size_t size)
{
    return kmd_utf8(s, buf, size < 81 ? size : 81);
}

void kmdctl_fuzz_defaults(struct kmdctl_fuzz_options *o)
{
    memset(o, 0, sizeof *o);
    o->count = KMDCTL_FUZZ_COUNT_DEFAULT;
    o->first = 1;
    o->seed = KMDCTL_FUZZ_SEED_DEFAULT;
    o->max_size = KMDCTL_FUZZ_MAX_SIZE_DEFAULT;
    o->timeout_ms = KMDCTL_FUZZ_TIMEOUT_DEFAULT;
    o->cancel_ms = KMDCTL_FUZZ_CANCEL_DEFAULT;
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

/* Hex digits, 0x optional, from s to end (or the NUL), at most `max`. */
static int parse_hex(const wchar_t *s, const wchar_t *end, DWORD max, DWORD *value)
{
    unsigned long long x = 0;

    if (!end)
        end = s + wcslen(s);
    if (end - s >= 2 && s[0] == L'0' && (s[1] == L'x' || s[1] == L'X'))
        s += 2;
    if (s == end)
        return 0;
    for (; s < end; s++) {
        if (hex_digit(*s) < 0)
            return 0;
        x = x << 4 | (unsigned)hex_digit(*s);
        if (x > max)
            return 0;
    }
    *value = (DWORD)x;
    return 1;
}

DWORD kmdctl_fuzz_parse_type(const wchar_t *s, DWORD *type, char *why, size_t why_size)
{
    char v[96];

    if (!parse_hex(s, NULL, 0xFFFF, type))
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "--type '%s' is not a device type: hex, 0x optional, 0 to FFFF",
                       shown(s, v, sizeof v));
    return ERROR_SUCCESS;
}

DWORD kmdctl_fuzz_parse_functions(const wchar_t *s, DWORD *first, DWORD *last, char *why,
                                  size_t why_size)
{
    const wchar_t *dash = wcschr(s, L'-');
    char v[96];

    if (!parse_hex(s, dash, 0xFFF, first) || !parse_hex(dash ? dash + 1 : s, NULL, 0xFFF, last))
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "--functions '%s' is not A-B or A: function codes in hex, 0x optional, 0 to "
                       "FFF (800-80F)",
                       shown(s, v, sizeof v));
    if (*first > *last)
        return kmd_why(ERROR_INVALID_PARAMETER, why, why_size,
                       "--functions '%s': the first function is above the last",
                       shown(s, v, sizeof v));
    return ERROR_SUCCESS;
}

static const wchar_t *const method_names[] = {L"buffered", L"in-direct", L"out-direct", L"neither"};

DWORD kmdctl_fuzz_parse_methods(const wchar_t *s, unsigned *methods, char *why, size_t why_size)
{
    const wchar_t *p = s;
    char v[96];

    *methods = 0;
    for (;;) {
        const wchar_t *comma = wcschr(p, L',');
        size_t len = comma ? (size_t)(comma - p) : wcslen(p);
        int m = -1;

        if (len == 1 && p[0] >= L'0' && p[0] <= L'3')
            m = p[0] - L'0';
        for (int i = 0; i < 4 && m < 0; i++)
            if (wcslen(method_names[i]) == len && wcsncmp(p, method_names[i], len) == 0)
                m = i;
        if (m < 0)
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "--methods '%s': each word must be buffered, in-direct, out-direct, "
                           "neither or 0-3 (comma-separated)",
                           shown(s, v, sizeof v));
        *methods |= 1u << m;
        if (!comma)
            return ERROR_SUCCESS;
        p = comma + 1;
    }
}

DWORD kmdctl_fuzz_parse_expect(const wchar_t *s, DWORD *list, size_t *count, char *why,
                               size_t why_size)
{
    static const DWORD defaults[] = KMDCTL_FUZZ_DEFAULT_ERRORS;
    const wchar_t *p = s;
    char v[96], sub[160];

    *count = 0;
    for (;;) {
        const wchar_t *comma = wcschr(p, L',');
        size_t len = comma ? (size_t)(comma - p) : wcslen(p);
        wchar_t word[24];
        DWORD n;

        if (len == 0 || len >= sizeof word / sizeof *word)
            return kmd_why(ERROR_INVALID_DATA, why, why_size,
                           "--expect-errors '%s': an empty or overlong entry (a comma-separated "
                           "list of Win32 error numbers and 'default')",
                           shown(s, v, sizeof v));
        wmemcpy(word, p, len);
        word[len] = L'\0';
        if (wcscmp(word, L"default") == 0) {
            for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
                if (*count == KMDCTL_FUZZ_MAX_EXPECT)
                    break;
                list[(*count)++] = defaults[i];
            }
        } else {
            if (kmd_parse_number(word, 0xFFFFFFFF, &n, sub, sizeof sub))
                return kmd_why(ERROR_INVALID_DATA, why, why_size,
                               "--expect-errors '%s': %s (a comma-separated list of Win32 error "
                               "numbers and 'default')",
                               shown(s, v, sizeof v), sub);
            if (*count == KMDCTL_FUZZ_MAX_EXPECT)
                return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                               "--expect-errors '%s': more than %d errors", shown(s, v, sizeof v),
                               KMDCTL_FUZZ_MAX_EXPECT);
            list[(*count)++] = n;
        }
        if (!comma)
            return ERROR_SUCCESS;
        p = comma + 1;
    }
}

DWORD kmdctl_fuzz_parse_seed(const wchar_t *s, DWORD *seed, int *random, char *why, size_t why_size)
{
    char sub[160];

    *random = wcscmp(s, L"random") == 0;
    if (*random)
        return ERROR_SUCCESS;
    if (kmd_parse_number(s, 0xFFFFFFFF, seed, sub, sizeof sub))
        return kmd_why(ERROR_INVALID_DATA, why, why_size,
                       "--seed: %s (a number up to 4294967295, or 'random')", sub);
    return ERROR_SUCCESS;
}

static int listed(const DWORD *list, size_t n, DWORD x)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == x)
            return 1;
    return 0;
}

DWORD kmdctl_fuzz_codes(const struct kmdctl_fuzz_options *o, DWORD *codes, size_t cap,
                        size_t *count, char *why, size_t why_size)
{
    unsigned methods = o->methods ? o->methods : 0xF;
    size_t n = 0;

    *count = 0;
    if (o->type_given != o->functions_given || (o->methods && !o->type_given))
        return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                       "--type and --functions go together (and --methods with them)");
    if (!o->code_count && !o->type_given)
        return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                       "fuzz needs the codes to send: --code CODE (repeatable), and/or --type T "
                       "with --functions A-B");
    for (size_t i = 0; i < o->code_count; i++) {
        if (listed(o->excludes, o->exclude_count, o->codes[i]) || listed(codes, n, o->codes[i]))
            continue;
        codes[n++] = o->codes[i];
    }
    for (DWORD f = o->function_first; o->type_given && f <= o->function_last; f++)
        for (DWORD m = 0; m < 4; m++)
            for (DWORD acc = 0; acc < 4 && (methods & (1u << m)); acc++) {
                DWORD code = o->type << 16 | acc << 14 | f << 2 | m;
                if (listed(o->excludes, o->exclude_count, code) || listed(codes, n, code))
                    continue;
                if (n == cap)
                    return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                                   "more than %zu codes in one run", cap);
                codes[n++] = code;
            }
    if (n == 0)
        return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "--exclude leaves no code to send");
    *count = n;
    return ERROR_SUCCESS;
}

int kmdctl_fuzz_expected(const struct kmdctl_fuzz_options *o, DWORD err)
{
    static const DWORD defaults[] = KMDCTL_FUZZ_DEFAULT_ERRORS;

    if (o->expect_given)
        return listed(o->expect, o->expect_count, err);
    return listed(defaults, sizeof defaults / sizeof *defaults, err);
}

/* --- requests -------------------------------------------------------------------------------- */

/* splitmix64: small, fast, and the same everywhere. */
static unsigned long long next(unsigned long long *state)
{
    unsigned long long z = (*state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static DWORD below(unsigned long long *state, DWORD n)
{
    return n ? (DWORD)(next(state) % n) : 0;
}

/* A size: 0, small, odd, around a page, a power of two, a multiple of 4, or any up to max. */
static DWORD draw_size(unsigned long long *st, DWORD max)
{
    static const DWORD pages[] = {4095, 4096, 4097, 8191, 8192, 8193, 65535, 65536};
    DWORD r = below(st, 100), size;

    if (r < 20)
        size = 0;
    else if (r < 44)
        size = 1 + below(st, 16);
    else if (r < 54)
        size = 17 + 2 * below(st, 120); /* odd, 17..255 */
    else if (r < 63) {
        size = 1u << below(st, 17); /* 2^k - 1, 2^k, 2^k + 1 */
        size = size + below(st, 3) - 1;
    } else if (r < 70)
        size = pages[below(st, sizeof pages / sizeof *pages)];
    else if (r < 85)
        size = 4 * below(st, 257);
    else
        size = below(st, max + 1);
    if (size > max)
        size = below(st, max + 1);
    return size;
}

/* Where the buffer lies: for METHOD_NEITHER bad pointers too (the driver sees them as given);
 * for the other methods only NULL with a size, which the I/O manager must refuse. */
static enum kmdctl_fuzz_place draw_place(unsigned long long *st, DWORD size, int neither)
{
    DWORD r = below(st, 100);

    if (size == 0)
        return KMDCTL_FUZZ_NONE;
    if (r < 6)
        return KMDCTL_FUZZ_NULL;
    if (neither && r < 9)
        return KMDCTL_FUZZ_LOW;
    if (neither && r < 12)
        return KMDCTL_FUZZ_NO_ACCESS;
    if (neither && r < 15)
        return KMDCTL_FUZZ_KERNEL;
    if (neither && r < 17 && sizeof(void *) == 8)
        return KMDCTL_FUZZ_NONCANONICAL;
    if (r < 45)
        return KMDCTL_FUZZ_PAGE_END;
    return KMDCTL_FUZZ_START;
}

void kmdctl_fuzz_draw(DWORD seed, DWORD code, DWORD number, DWORD max_size,
                      struct kmdctl_fuzz_request *r)
{
    unsigned long long st = (unsigned long long)seed * 0xD6E8FEB86659FD93ULL ^
                            (unsigned long long)code * 0xA0761D6478BD642FULL ^
                            (unsigned long long)number * 0xE7037ED1A0B428DBULL;
    int neither = (code & 3) == METHOD_NEITHER;
    DWORD f;

    next(&st); /* mix the three before the first draw */
    r->code = code;
    r->number = number;
    r->in.size = draw_size(&st, max_size);
    r->out.size = draw_size(&st, max_size);
    r->in.place = draw_place(&st, r->in.size, neither);
    r->out.place = draw_place(&st, r->out.size, neither);
    f = below(&st, 100);
    r->fill = f < 45   ? KMDCTL_FUZZ_RANDOM
              : f < 55 ? KMDCTL_FUZZ_ZEROS
              : f < 60 ? KMDCTL_FUZZ_ONES
              : f < 85 ? KMDCTL_FUZZ_INTS
              : f < 93 ? KMDCTL_FUZZ_TEXT
                       : KMDCTL_FUZZ_WTEXT;
    r->content_seed = next(&st);
}

void kmdctl_fuzz_fill(const struct kmdctl_fuzz_request *r, unsigned char *buf)
{
    static const char text[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
    const DWORD ints[] = {0,       1,          2,           0x7F,           0x80,
                          0xFF,    0x100,      0x7FFF,      0x8000,         0xFFFF,
                          0x10000, 0x7FFFFFFF, 0x80000000,  0xFFFFFFFF,     0xFFFFFFFE,
                          4096,    r->in.size, r->out.size, r->in.size / 2, r->out.size / 4};
    unsigned long long st = r->content_seed;
    DWORD n = r->in.size, i, nul;

    switch (r->fill) {
    case KMDCTL_FUZZ_ZEROS:
        memset(buf, 0, n);
        break;
    case KMDCTL_FUZZ_ONES:
        memset(buf, 0xFF, n);
        break;
    case KMDCTL_FUZZ_INTS:
        for (i = 0; i < n; i += 4) {
            DWORD v = ints[below(&st, sizeof ints / sizeof *ints)];
            memcpy(buf + i, &v, n - i < 4 ? n - i : 4);
        }
        break;
    case KMDCTL_FUZZ_TEXT:
    case KMDCTL_FUZZ_WTEXT:
        nul = below(&st, n + 1); /* where the string ends (n: not terminated) */
        for (i = 0; i < n; i++)
            buf[i] = (unsigned char)text[below(&st, sizeof text - 1)];
        if (r->fill == KMDCTL_FUZZ_WTEXT)
            for (i = 1; i < n; i += 2)
                buf[i] = 0;
        for (i = nul; i < n && i < nul + 2; i++)
            buf[i] = 0;
        break;
    case KMDCTL_FUZZ_RANDOM:
    default:
        for (i = 0; i < n; i += 8) {
            unsigned long long v = next(&st);
            memcpy(buf + i, &v, n - i < 8 ? n - i : 8);
        }
        break;
    }
}

const char *kmdctl_fuzz_fill_name(enum kmdctl_fuzz_fill fill)
{
    static const char *const names[] = {"random bytes",  "zeros", "0xff bytes",
                                        "32-bit values", "text",  "UTF-16 text"};
    return (unsigned)fill < sizeof names / sizeof *names ? names[fill] : "?";
}

ULONG_PTR kmdctl_fuzz_bad_address(enum kmdctl_fuzz_place place)
{
    switch (place) {
    case KMDCTL_FUZZ_NULL:
        return 0;
    case KMDCTL_FUZZ_LOW:
        return 0x10;
    case KMDCTL_FUZZ_KERNEL:
        return sizeof(void *) == 8 ? (ULONG_PTR)0xFFFF800000001000ULL : (ULONG_PTR)0x80001000UL;
    case KMDCTL_FUZZ_NONCANONICAL:
        return sizeof(void *) == 8 ? (ULONG_PTR)0x8000000000000000ULL : (ULONG_PTR)0xFFFFF000UL;
    default:
        return 0;
    }
}

const char *kmdctl_fuzz_describe(const struct kmdctl_fuzz_buffer *b, char *buf, size_t size)
{
    switch (b->place) {
    case KMDCTL_FUZZ_NONE:
        snprintf(buf, size, "none");
        break;
    case KMDCTL_FUZZ_START:
        snprintf(buf, size, "%lu bytes", (unsigned long)b->size);
        break;
    case KMDCTL_FUZZ_PAGE_END:
        snprintf(buf, size, "%lu bytes at a page end", (unsigned long)b->size);
        break;
    case KMDCTL_FUZZ_NULL:
        snprintf(buf, size, "NULL with %lu bytes", (unsigned long)b->size);
        break;
    case KMDCTL_FUZZ_NO_ACCESS:
        snprintf(buf, size, "%lu bytes in an inaccessible page", (unsigned long)b->size);
        break;
    default:
        snprintf(buf, size, "%lu bytes at 0x%llx", (unsigned long)b->size,
                 (unsigned long long)kmdctl_fuzz_bad_address(b->place));
        break;
    }
    return buf;
}

int kmdctl_fuzz_suspicious(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_ACCESS_DENIED:
    case ERROR_INVALID_HANDLE:
    case ERROR_NOT_READY:
    case ERROR_GEN_FAILURE:
    case ERROR_DEV_NOT_EXIST:
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
    case ERROR_PIPE_NOT_CONNECTED:
    case ERROR_DEVICE_NOT_CONNECTED:
    case ERROR_DEVICE_REMOVED:
        return 1;
    }
    return 0;
}
