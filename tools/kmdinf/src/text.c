/* text.c - INF text encodings. The PnP platform reads INFs as ANSI (8-bit, no BOM) or UTF-16LE
 * with a BOM; everything is decoded to UTF-8 here so that the parser sees one form. */
#include "text.h"

#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at P (N bytes left), 0 if invalid; *CP gets the code point.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

/* Line (1-based) of byte offset OFF in S. */
static int line_of(const char *s, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n' || (s[i] == '\r' && s[i + 1] != '\n'))
            line++;
    }
    return line;
}

static int decode_utf16(const uint8_t *d, size_t n, kinf_text *t, char *err, size_t errlen)
{
    if (n % 2) {
        snprintf(err, errlen, "UTF-16LE text with an odd number of bytes (%zu): truncated?", n);
        return -1;
    }
    /* at most 3 UTF-8 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units) */
    char *o = malloc((n / 2) * 3 + 1);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t u = (uint32_t)d[i] | ((uint32_t)d[i + 1] << 8);
        if (u == 0) {
            snprintf(err, errlen, "NUL character in UTF-16LE text at byte offset %zu", i + 2);
            free(o);
            return -1;
        }
        if (u >= 0xd800 && u <= 0xdbff) {
            uint32_t lo = i + 3 < n ? (uint32_t)d[i + 2] | ((uint32_t)d[i + 3] << 8) : 0;
            if (lo < 0xdc00 || lo > 0xdfff) {
                snprintf(err, errlen,
                         "invalid UTF-16LE: unpaired high surrogate 0x%04x at byte "
                         "offset %zu",
                         (unsigned)u, i + 2);
                free(o);
                return -1;
            }
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            i += 2;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            snprintf(err, errlen,
                     "invalid UTF-16LE: unpaired low surrogate 0x%04x at byte offset %zu",
                     (unsigned)u, i + 2);
            free(o);
            return -1;
        }
        if (u >= 0x80 && !t->non_ascii) {
            t->non_ascii = 1;
            o[k] = 0;
            t->first_nonascii_line = line_of(o, k);
        }
        k += kmd_put_utf8(o + k, u);
    }
    o[k] = 0;
    t->text = o;
    t->len = k;
    return 0;
}

int kinf_decode(const uint8_t *d, size_t n, kinf_text *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->bad_utf8 = -1;
    if (n >= 4 && d[0] == 0xff && d[1] == 0xfe && d[2] == 0 && d[3] == 0) {
        snprintf(err, errlen, "UTF-32LE byte order mark: INF files are ANSI or UTF-16LE");
        return -1;
    }
    if (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xfe && d[3] == 0xff) {
        snprintf(err, errlen, "UTF-32BE byte order mark: INF files are ANSI or UTF-16LE");
        return -1;
    }
    if (n >= 2 && d[0] == 0xfe && d[1] == 0xff) {
        snprintf(err, errlen,
                 "UTF-16BE byte order mark: Windows reads UTF-16 INF files only "
                 "little-endian (BOM FF FE)");
        return -1;
    }
    if (n >= 2 && d[0] == 0xff && d[1] == 0xfe) {
        t->enc = KINF_ENC_UTF16LE;
        return decode_utf16(d + 2, n - 2, t, err, errlen);
    }
    size_t skip = 0;
    if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
        t->enc = KINF_ENC_UTF8_BOM;
        skip = 3;
    }
    const uint8_t *p = d + skip;
    size_t m = n - skip;
    const uint8_t *nul = memchr(p, 0, m);
    if (nul) {
        size_t at = (size_t)(nul - d);
        /* ASCII saved as UTF-16LE without a BOM has a NUL after every character */
        if (m >= 2 && p[0] != 0 && p[1] == 0)
            snprintf(err, errlen,
                     "NUL byte at offset %zu: this looks like UTF-16LE without a "
                     "byte order mark (Windows needs the BOM FF FE to read UTF-16)",
                     at);
        else
            snprintf(err, errlen, "NUL byte at offset %zu: not a text file", at);
        return -1;
    }
    char *o = malloc(m + 1);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(o, p, m);
    o[m] = 0;
    for (size_t i = 0; i < m;) {
        uint32_t cp;
        size_t l = utf8_seq(p + i, m - i, &cp);
        if (p[i] >= 0x80 && !t->non_ascii) {
            t->non_ascii = 1;
            t->first_nonascii_line = line_of(o, i);
        }
        if (l == 0) {
            if (t->bad_utf8 < 0)
                t->bad_utf8 = (long)i;
            i++;
        } else {
            i += l;
        }
    }
    t->text = o;
    t->len = m;
    return 0;
}

void kinf_text_free(kinf_text *t)
{
    free(t->text);
    t->text = NULL;
    t->len = 0;
}

const char *kinf_enc_name(kinf_enc enc, int non_ascii)
{
    switch (enc) {
    case KINF_ENC_UTF16LE:
        return "UTF-16LE with BOM";
    case KINF_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    default:
        return non_ascii ? "8-bit without BOM, not ASCII" : "ASCII without BOM";
    }
}

const char *kinf_enc_id(kinf_enc enc, int non_ascii)
{
    switch (enc) {
    case KINF_ENC_UTF16LE:
        return "utf-16le";
    case KINF_ENC_UTF8_BOM:
        return "utf-8-bom";
    default:
        return non_ascii ? "8bit" : "ascii";
    }
}

uint8_t *kinf_encode(const char *text, size_t len, kinf_enc enc, size_t *outlen)
{
    const unsigned char *p = (const unsigned char *)text;
    if (enc != KINF_ENC_UTF16LE) {
        size_t bom = enc == KINF_ENC_UTF8_BOM ? 3 : 0;
        uint8_t *o = malloc(len + bom + 1);
        if (!o)
            return NULL;
        memcpy(o, "\xef\xbb\xbf", bom);
        memcpy(o + bom, text, len);
        *outlen = len + bom;
        return o;
    }
    /* at most 2 UTF-16 bytes per UTF-8 byte, plus the BOM */
    uint8_t *o = malloc(2 * len + 2);
    if (!o)
        return NULL;
    size_t k = 0;
    o[k++] = 0xff;
    o[k++] = 0xfe;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t l = utf8_seq(p + i, len - i, &cp);
        if (l == 0) {
            free(o);
            return NULL;
        }
        i += l;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xd800 + (v >> 10), lo = 0xdc00 + (v & 0x3ff);
            o[k++] = (uint8_t)hi;
            o[k++] = (uint8_t)(hi >> 8);
            o[k++] = (uint8_t)lo;
            o[k++] = (uint8_t)(lo >> 8);
        } else {
            o[k++] = (uint8_t)cp;
            o[k++] = (uint8_t)(cp >> 8);
        }
    }
    *outlen = k;
    return o;
}
