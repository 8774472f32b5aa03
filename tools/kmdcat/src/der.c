/* der.c - DER writer and reader (see der.h). */
#include "der.h"

#include "common/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---------------------------------------------------------------------------- */

void kc_buf_free(kc_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int reserve(kc_buf *b, size_t more)
{
    if (b->oom)
        return -1;
    if (more > SIZE_MAX / 2 - b->len) {
        b->oom = 1;
        return -1;
    }
    if (b->len + more <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void kc_put(kc_buf *b, const void *data, size_t len)
{
    if (len == 0 || reserve(b, len) != 0)
        return;
    memcpy(b->p + b->len, data, len);
    b->len += len;
}

size_t der_open(kc_buf *b, uint8_t tag)
{
    uint8_t hdr[2] = {tag, 0};
    kc_put(b, hdr, 2);
    return b->len - 1; /* the length octet */
}

void der_close(kc_buf *b, size_t mark)
{
    if (b->oom)
        return;
    size_t content = b->len - mark - 1;
    if (content < 0x80) {
        b->p[mark] = (uint8_t)content;
        return;
    }
    uint8_t k = 0;
    for (size_t v = content; v; v >>= 8)
        k++;
    if (reserve(b, k) != 0)
        return;
    memmove(b->p + mark + 1 + k, b->p + mark + 1, content);
    b->p[mark] = (uint8_t)(0x80 | k);
    for (uint8_t i = 0; i < k; i++)
        b->p[mark + 1 + i] = (uint8_t)(content >> (8 * (k - 1 - i)));
    b->len += k;
}

void der_prim(kc_buf *b, uint8_t tag, const void *data, size_t len)
{
    size_t m = der_open(b, tag);
    kc_put(b, data, len);
    der_close(b, m);
}

void der_oid(kc_buf *b, const char *dotted)
{
    uint8_t enc[64];
    size_t n = der_oid_encode(dotted, enc, sizeof enc);
    if (n == 0) { /* a programming error: every OID written is a constant */
        b->oom = 1;
        return;
    }
    der_prim(b, DER_OID, enc, n);
}

void der_uint(kc_buf *b, uint32_t v)
{
    uint8_t enc[5];
    size_t n = 0;
    int started = 0;
    for (int shift = 24; shift >= 0; shift -= 8) {
        uint8_t octet = (uint8_t)(v >> shift);
        if (!started && octet == 0 && shift > 0)
            continue;
        if (!started && (octet & 0x80))
            enc[n++] = 0; /* keep it positive */
        started = 1;
        enc[n++] = octet;
    }
    der_prim(b, DER_INTEGER, enc, n);
}

void der_null(kc_buf *b)
{
    der_prim(b, DER_NULL, NULL, 0);
}

/* Next code point of UTF-8 s at *i; -1 when invalid (overlong, surrogate, > U+10FFFF). */
static long utf8_next(const char *s, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    long cp;
    int extra;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if ((c & 0xe0) == 0xc0) {
        cp = c & 0x1f;
        extra = 1;
    } else if ((c & 0xf0) == 0xe0) {
        cp = c & 0x0f;
        extra = 2;
    } else if ((c & 0xf8) == 0xf0) {
        cp = c & 0x07;
        extra = 3;
    } else {
        return -1;
    }
    for (int k = 1; k <= extra; k++) {
        unsigned char d = u[*i + (size_t)k];
        if ((d & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (d & 0x3f);
    }
    static const long min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *i += (size_t)extra + 1;
    return cp;
}

/* UTF-16 code units of s into a malloc'd array; -1 on bad UTF-8 (or astral with bmp_only). */
static int to_utf16(const char *s, int bmp_only, uint16_t **out, size_t *count)
{
    size_t len = strlen(s), n = 0, i = 0;
    uint16_t *u = malloc((2 * len + 1) * sizeof *u);
    if (!u)
        return -1;
    while (s[i]) {
        long cp = utf8_next(s, &i);
        if (cp < 0 || (bmp_only && cp > 0xffff)) {
            free(u);
            return -1;
        }
        if (cp > 0xffff) {
            cp -= 0x10000;
            u[n++] = (uint16_t)(0xd800 + (cp >> 10));
            u[n++] = (uint16_t)(0xdc00 + (cp & 0x3ff));
        } else {
            u[n++] = (uint16_t)cp;
        }
    }
    *out = u;
    *count = n;
    return 0;
}

int der_bmp(kc_buf *b, const char *s)
{
    uint16_t *u;
    size_t n;
    if (to_utf16(s, 1, &u, &n) != 0)
        return -1;
    size_t m = der_open(b, DER_BMP);
    for (size_t i = 0; i < n; i++) {
        uint8_t be[2] = {(uint8_t)(u[i] >> 8), (uint8_t)u[i]};
        kc_put(b, be, 2);
    }
    der_close(b, m);
    free(u);
    return 0;
}

int der_utf16le(kc_buf *b, uint8_t tag, const char *s, int nul)
{
    uint16_t *u;
    size_t n;
    if (to_utf16(s, 0, &u, &n) != 0)
        return -1;
    size_t m = der_open(b, tag);
    for (size_t i = 0; i < n; i++) {
        uint8_t le[2] = {(uint8_t)u[i], (uint8_t)(u[i] >> 8)};
        kc_put(b, le, 2);
    }
    if (nul)
        kc_put(b, "\0\0", 2);
    der_close(b, m);
    free(u);
    return 0;
}

static int der_cmp(const void *pa, const void *pb)
{
    const kc_buf *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->p, b->p, n) : 0;
    if (c)
        return c;
    /* X.690 11.6: the shorter is padded with zero octets */
    const kc_buf *longer = a->len > b->len ? a : b;
    for (size_t i = n; i < longer->len; i++)
        if (longer->p[i])
            return longer == a ? 1 : -1;
    return 0;
}

void der_set_of(kc_buf *b, const kc_buf *elems, size_t n)
{
    kc_buf *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
        b->oom = 1;
        return;
    }
    memcpy(sorted, elems, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, der_cmp);
    size_t m = der_open(b, DER_SET);
    for (size_t i = 0; i < n; i++) {
        if (sorted[i].oom)
            b->oom = 1;
        kc_put(b, sorted[i].p, sorted[i].len);
    }
    der_close(b, m);
    free(sorted);
}

/* ---- OIDs ------------------------------------------------------------------------------- */

static size_t put_arc(unsigned long v, uint8_t *out, size_t at, size_t cap)
{
    uint8_t tmp[10];
    size_t k = 0;
    do {
        tmp[k++] = (uint8_t)(v & 0x7f);
        v >>= 7;
    } while (v);
    if (at + k > cap)
        return 0;
    for (size_t i = 0; i < k; i++)
        out[at + i] = (uint8_t)(tmp[k - 1 - i] | (i + 1 < k ? 0x80 : 0));
    return k;
}

size_t der_oid_encode(const char *dotted, uint8_t *out, size_t cap)
{
    unsigned long arcs[32];
    size_t n = 0;
    const char *s = dotted;
    while (*s) {
        if (n == 32 || *s < '0' || *s > '9')
            return 0;
        unsigned long v = 0;
        while (*s >= '0' && *s <= '9') {
            if (v > 0xffffffffUL / 10)
                return 0;
            v = v * 10 + (unsigned long)(*s++ - '0');
        }
        arcs[n++] = v;
        if (*s == '.' && s[1])
            s++;
        else if (*s)
            return 0;
    }
    if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
        return 0;
    size_t len = put_arc(arcs[0] * 40 + arcs[1], out, 0, cap);
    if (!len)
        return 0;
    for (size_t i = 2; i < n; i++) {
        size_t k = put_arc(arcs[i], out, len, cap);
        if (!k)
            return 0;
        len += k;
    }
    return len;
}

void der_oid_text(const uint8_t *p, size_t n, char *buf, size_t cap)
{
    size_t used = 0;
    unsigned long v = 0;
    int first = 1, bits = 0;
    if (cap == 0)
        return;
    buf[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (bits > 25) /* arc wider than 32 bits: give up */
            goto bad;
        v = (v << 7) | (p[i] & 0x7f);
        bits += 7;
        if (p[i] & 0x80)
            continue;
        int w;
        if (first) {
            unsigned long top = v < 40 ? 0 : v < 80 ? 1 : 2;
            w = snprintf(buf + used, cap - used, "%lu.%lu", top, v - 40 * top);
            first = 0;
        } else {
            w = snprintf(buf + used, cap - used, ".%lu", v);
        }
        if (w < 0 || (size_t)w >= cap - used)
            goto bad;
        used += (size_t)w;
        v = 0;
        bits = 0;
    }
    if (n == 0 || bits)
        goto bad;
    return;
bad:
    snprintf(buf, cap, "?");
}

/* ---- reader ----------------------------------------------------------------------------- */

int der_read(kc_span *in, kc_tlv *t, const char **why)
{
    const uint8_t *p = in->p;
    size_t n = in->n;
    if (n < 2) {
        *why = n ? "truncated (no length)" : "truncated (nothing where an element should be)";
        return -1;
    }
    if ((p[0] & 0x1f) == 0x1f) {
        *why = "high tag number form (not used by catalogs)";
        return -1;
    }
    size_t hdr = 2, len = p[1];
    if (len == 0x80) {
        *why = "indefinite length (BER, not DER)";
        return -1;
    }
    if (len > 0x80) {
        size_t k = len & 0x7f;
        if (k > 4) {
            *why = "length of more than 4 octets";
            return -1;
        }
        if (n < 2 + k) {
            *why = "truncated length";
            return -1;
        }
        len = 0;
        for (size_t i = 0; i < k; i++)
            len = (len << 8) | p[2 + i];
        hdr += k;
    }
    if (len > n - hdr) {
        *why = "length runs past the end of the enclosing element";
        return -1;
    }
    t->tag = p[0];
    t->v.p = p + hdr;
    t->v.n = len;
    t->all.p = p;
    t->all.n = hdr + len;
    in->p += hdr + len;
    in->n -= hdr + len;
    return 0;
}

int der_oid_is(kc_span v, const char *dotted)
{
    uint8_t enc[64];
    size_t n = der_oid_encode(dotted, enc, sizeof enc);
    return n && n == v.n && memcmp(enc, v.p, n) == 0;
}

int der_uint_value(kc_span v, uint32_t *out)
{
    if (v.n == 0 || (v.p[0] & 0x80))
        return -1;
    size_t i = 0;
    if (v.n > 1 && v.p[0] == 0)
        i = 1;
    if (v.n - i > 4)
        return -1;
    uint32_t x = 0;
    for (; i < v.n; i++)
        x = (x << 8) | v.p[i];
    *out = x;
    return 0;
}

char *kc_utf16_to_utf8(const uint8_t *p, size_t n, int big_endian)
{
    size_t units = n / 2;
    char *s = malloc(units * 3 + 4); /* a unit gives at most 3 bytes, a pair 4 */
    if (!s)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < units; i++) {
        unsigned long u = big_endian ? (unsigned long)(p[2 * i] << 8 | p[2 * i + 1])
                                     : (unsigned long)(p[2 * i + 1] << 8 | p[2 * i]);
        if (u == 0 && i + 1 == units)
            break; /* the terminating NUL the catalog's strings carry */
        if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
            size_t j = i + 1;
            unsigned long lo = big_endian ? (unsigned long)(p[2 * j] << 8 | p[2 * j + 1])
                                          : (unsigned long)(p[2 * j + 1] << 8 | p[2 * j]);
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                o += kmd_put_utf8(s + o, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
                i = j;
                continue;
            }
        }
        if (u >= 0xd800 && u <= 0xdfff)
            u = 0xfffd;
        if (u < 0x20 || u == 0x7f)
            u = '?';
        o += kmd_put_utf8(s + o, u);
    }
    s[o] = 0;
    return s;
}
