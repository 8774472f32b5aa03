/* catread.c - decodes a catalog, signed or not: ContentInfo, SignedData, the CTL, its members
 * and attributes. Every read is bounded by the enclosing element; nothing recurses. */
#include "catalog.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *err;
    size_t errlen;
} ctx;

#if defined(__GNUC__)
#define KC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KC_PRINTF(f, a)
#endif

static void fail(ctx *c, const char *fmt, ...) KC_PRINTF(2, 3);

static void fail(ctx *c, const char *fmt, ...)
{
    int n = snprintf(c->err, c->errlen, "malformed catalog: ");
    if (n < 0 || (size_t)n >= c->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fail(c, __VA_ARGS__);                                                                      \
        return -1;                                                                                 \
    } while (0)

/* The next element, which must carry tag. */
static int take(ctx *c, kc_span *in, uint8_t tag, kc_span *out, const char *what)
{
    kc_tlv t;
    const char *why;
    if (der_read(in, &t, &why) != 0)
        FAIL("%s: %s", what, why);
    if (t.tag != tag)
        FAIL("%s: expected tag 0x%02x, found 0x%02x", what, tag, t.tag);
    *out = t.v;
    return 0;
}

/* The next element if it carries tag (*present = 1), else nothing is consumed. */
static int take_opt(ctx *c, kc_span *in, uint8_t tag, kc_span *out, int *present, const char *what)
{
    *present = 0;
    if (in->n == 0 || in->p[0] != tag)
        return 0;
    *present = 1;
    return take(c, in, tag, out, what);
}

static int count_elements(ctx *c, kc_span in, size_t *count, const char *what)
{
    kc_tlv t;
    const char *why;
    *count = 0;
    while (in.n) {
        if (der_read(&in, &t, &why) != 0)
            FAIL("%s: %s", what, why);
        (*count)++;
    }
    return 0;
}

static int digits(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static int read_time(ctx *c, kc_span *in, char *out, size_t cap)
{
    kc_tlv t;
    const char *why;
    if (der_read(in, &t, &why) != 0)
        FAIL("CTL ThisUpdate: %s", why);
    const uint8_t *p = t.v.p;
    char year[5];
    if (t.tag == DER_UTCTIME && t.v.n == 13 && digits(p, 12) && p[12] == 'Z') {
        int yy = (p[0] - '0') * 10 + (p[1] - '0');
        snprintf(year, sizeof year, "%d", yy < 50 ? 2000 + yy : 1900 + yy);
        p += 2;
    } else if (t.tag == DER_GENTIME && t.v.n == 15 && digits(p, 14) && p[14] == 'Z') {
        memcpy(year, p, 4);
        year[4] = 0;
        p += 4;
    } else {
        FAIL("CTL ThisUpdate is not a UTCTime or GeneralizedTime of the form ...Z");
    }
    snprintf(out, cap, "%s-%.2s-%.2s %.2s:%.2s:%.2s UTC", year, (const char *)p,
             (const char *)p + 2, (const char *)p + 4, (const char *)p + 6, (const char *)p + 8);
    return 0;
}

/* CAT_NAMEVALUE ::= SEQUENCE { tag BMPString, flags INTEGER, value OCTET STRING } */
static int read_name_value(ctx *c, kc_span in, kc_attr *a, const char *what)
{
    kc_span seq, name, flags, value;
    if (take(c, &in, DER_SEQ, &seq, what) != 0 || take(c, &seq, DER_BMP, &name, what) != 0 ||
        take(c, &seq, DER_INTEGER, &flags, what) != 0 ||
        take(c, &seq, DER_OCTET_STRING, &value, what) != 0)
        return -1;
    if (der_uint_value(flags, &a->flags) != 0)
        FAIL("%s: the flags are not a 32-bit unsigned INTEGER", what);
    a->name = kc_utf16_to_utf8(name.p, name.n, 1);
    if (a->flags & 0x00020000u) { /* CRYPTCAT_ATTR_DATABASE64: binary, shown as hex */
        a->value = malloc(2 * value.n + 1);
        if (a->value) {
            for (size_t i = 0; i < value.n; i++)
                snprintf(a->value + 2 * i, 3, "%02x", value.p[i]);
            a->value[2 * value.n] = 0;
        }
    } else {
        a->value = kc_utf16_to_utf8(value.p, value.n, 0);
    }
    if (!a->name || !a->value)
        FAIL("out of memory");
    return 0;
}

static int push_attr(ctx *c, kc_attr **list, size_t *n, const kc_attr *a)
{
    kc_attr *p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p) {
        free(a->name);
        free(a->value);
        FAIL("out of memory");
    }
    p[(*n)++] = *a;
    *list = p;
    return 0;
}

/* SpcIndirectDataContent ::= SEQUENCE { data SEQUENCE { type OID, value ANY OPTIONAL },
 *                                       messageDigest SEQUENCE { AlgorithmIdentifier, OCTET } } */
static int read_indirect(ctx *c, kc_span in, kc_member *m, const char *what)
{
    kc_span idc, data, type, di, ai, alg, digest;
    if (take(c, &in, DER_SEQ, &idc, what) != 0 || take(c, &idc, DER_SEQ, &data, what) != 0 ||
        take(c, &data, DER_OID, &type, what) != 0 || take(c, &idc, DER_SEQ, &di, what) != 0 ||
        take(c, &di, DER_SEQ, &ai, what) != 0 || take(c, &ai, DER_OID, &alg, what) != 0 ||
        take(c, &di, DER_OCTET_STRING, &digest, what) != 0)
        return -1;
    if (der_oid_is(type, OID_SPC_PE_IMAGE_DATA))
        m->kind = KC_KIND_PE;
    else if (der_oid_is(type, OID_SPC_CAB_DATA))
        m->kind = KC_KIND_FLAT;
    else
        m->kind = KC_KIND_OTHER;
    enum kc_alg a;
    if (der_oid_is(alg, OID_SHA1))
        a = KC_SHA1;
    else if (der_oid_is(alg, OID_SHA256))
        a = KC_SHA256;
    else
        return 0; /* another algorithm: listed, never matched */
    if (digest.n != kc_hash_len(a))
        FAIL("%s: a %s digest of %zu bytes", what, kc_alg_name(a), digest.n);
    m->has_digest = 1;
    m->dalg = a;
    memcpy(m->digest, digest.p, digest.n);
    return 0;
}

static int hexval(unsigned ch)
{
    if (ch >= '0' && ch <= '9')
        return (int)(ch - '0');
    if (ch >= 'A' && ch <= 'F')
        return (int)(ch - 'A' + 10);
    if (ch >= 'a' && ch <= 'f')
        return (int)(ch - 'a' + 10);
    return -1;
}

/* The hash a tag spells: 20 or 32 raw bytes (version 2), or the same as hex in UTF-16LE,
 * NUL-terminated or not (version 1). */
static void decode_tag(kc_member *m)
{
    const uint8_t *p = m->tag.p;
    size_t n = m->tag.n;
    if (n == 20 || n == 32) {
        memcpy(m->tag_hash, p, n);
        m->tag_len = n;
        return;
    }
    if (n >= 2 && p[n - 1] == 0 && p[n - 2] == 0)
        n -= 2;
    if (n != 80 && n != 128)
        return;
    for (size_t i = 0; i < n / 4; i++) {
        if (p[4 * i + 1] || p[4 * i + 3])
            return;
        int hi = hexval(p[4 * i]), lo = hexval(p[4 * i + 2]);
        if (hi < 0 || lo < 0)
            return;
        m->tag_hash[i] = (uint8_t)(hi << 4 | lo);
    }
    m->tag_len = n / 4;
}

static int read_member(ctx *c, kc_span in, kc_member *m, size_t index)
{
    char what[64];
    snprintf(what, sizeof what, "member %zu", index + 1);
    kc_span seq, attrs;
    int present;
    if (take(c, &in, DER_SEQ, &seq, what) != 0 ||
        take(c, &seq, DER_OCTET_STRING, &m->tag, what) != 0 ||
        take_opt(c, &seq, DER_SET, &attrs, &present, what) != 0)
        return -1;
    if (seq.n)
        FAIL("%s: %zu unexpected bytes after its attributes", what, seq.n);
    decode_tag(m);
    while (present && attrs.n) {
        kc_span attr, type, values;
        if (take(c, &attrs, DER_SEQ, &attr, what) != 0 ||
            take(c, &attr, DER_OID, &type, what) != 0 ||
            take(c, &attr, DER_SET, &values, what) != 0)
            return -1;
        if (der_oid_is(type, OID_CAT_NAMEVALUE)) {
            kc_attr a = {0};
            if (read_name_value(c, values, &a, what) != 0) {
                free(a.name);
                free(a.value);
                return -1;
            }
            if (push_attr(c, &m->attrs, &m->nattrs, &a) != 0)
                return -1;
        } else if (der_oid_is(type, OID_SPC_INDIRECT_DATA)) {
            if (read_indirect(c, values, m, what) != 0)
                return -1;
        }
    }
    return 0;
}

/* Extensions ::= SEQUENCE OF SEQUENCE { extnID OID, critical BOOLEAN OPTIONAL, OCTET STRING } */
static int read_catalog_attrs(ctx *c, kc_span in, kc_catalog *cat)
{
    kc_span exts;
    if (take(c, &in, DER_SEQ, &exts, "CTL extensions") != 0)
        return -1;
    while (exts.n) {
        kc_span ext, id, value, crit;
        int present;
        if (take(c, &exts, DER_SEQ, &ext, "catalog attribute") != 0 ||
            take(c, &ext, DER_OID, &id, "catalog attribute") != 0 ||
            take_opt(c, &ext, 0x01, &crit, &present, "catalog attribute") != 0 ||
            take(c, &ext, DER_OCTET_STRING, &value, "catalog attribute") != 0)
            return -1;
        if (!der_oid_is(id, OID_CAT_NAMEVALUE))
            continue;
        kc_attr a = {0};
        if (read_name_value(c, value, &a, "catalog attribute") != 0) {
            free(a.name);
            free(a.value);
            return -1;
        }
        if (push_attr(c, &cat->attrs, &cat->nattrs, &a) != 0)
            return -1;
    }
    return 0;
}

static int read_ctl(ctx *c, kc_span in, kc_catalog *cat)
{
    kc_span ctl, usage, alg, algoid, v, subjects;
    int present;
    if (take(c, &in, DER_SEQ, &ctl, "CTL") != 0)
        return -1;
    if (in.n)
        FAIL("%zu bytes after the CTL", in.n);
    if (take_opt(c, &ctl, DER_INTEGER, &v, &present, "CTL version") != 0 ||
        take(c, &ctl, DER_SEQ, &usage, "CTL subject usage") != 0)
        return -1;
    int is_catalog = 0;
    while (usage.n) {
        kc_span oid;
        if (take(c, &usage, DER_OID, &oid, "CTL subject usage") != 0)
            return -1;
        is_catalog |= der_oid_is(oid, OID_CATALOG_LIST);
    }
    if (!is_catalog)
        FAIL("the CTL's subject usage has no szOID_CATALOG_LIST (%s): not a catalog",
             OID_CATALOG_LIST);
    if (take_opt(c, &ctl, DER_OCTET_STRING, &cat->ident, &present, "CTL list identifier") ||
        take_opt(c, &ctl, DER_INTEGER, &v, &present, "CTL sequence number") ||
        read_time(c, &ctl, cat->time, sizeof cat->time) != 0)
        return -1;
    if (ctl.n && (ctl.p[0] == DER_UTCTIME || ctl.p[0] == DER_GENTIME)) {
        kc_tlv t;
        const char *why;
        if (der_read(&ctl, &t, &why) != 0)
            FAIL("CTL NextUpdate: %s", why);
    }
    if (take(c, &ctl, DER_SEQ, &alg, "CTL subject algorithm") != 0 ||
        take(c, &alg, DER_OID, &algoid, "CTL subject algorithm") != 0)
        return -1;
    cat->version = der_oid_is(algoid, OID_CATALOG_MEMBER)    ? 1
                   : der_oid_is(algoid, OID_CATALOG_MEMBER2) ? 2
                                                             : 0;
    if (take_opt(c, &ctl, DER_SEQ, &subjects, &present, "CTL trusted subjects") != 0)
        return -1;
    while (present && subjects.n) {
        kc_tlv t;
        const char *why;
        if (der_read(&subjects, &t, &why) != 0)
            FAIL("member %zu: %s", cat->nmembers + 1, why);
        kc_member *m = realloc(cat->members, (cat->nmembers + 1) * sizeof *m);
        if (!m)
            FAIL("out of memory");
        cat->members = m;
        m += cat->nmembers++;
        memset(m, 0, sizeof *m);
        if (read_member(c, t.all, m, cat->nmembers - 1) != 0)
            return -1;
    }
    kc_span ext;
    if (take_opt(c, &ctl, DER_CTX0, &ext, &present, "CTL extensions") != 0)
        return -1;
    if (present && read_catalog_attrs(c, ext, cat) != 0)
        return -1;
    if (ctl.n)
        FAIL("%zu unexpected bytes at the end of the CTL", ctl.n);
    return 0;
}

static int read_catalog(ctx *c, const uint8_t *d, size_t n, kc_catalog *cat)
{
    kc_span in = {d, n}, ci, oid, c0, sd, v, algs, eci, ctype, content, certs;
    int present;
    memset(cat, 0, sizeof *cat);
    if (take(c, &in, DER_SEQ, &ci, "ContentInfo") != 0)
        return -1;
    if (in.n)
        FAIL("%zu bytes after the PKCS#7 ContentInfo", in.n);
    if (take(c, &ci, DER_OID, &oid, "ContentInfo content type") != 0)
        return -1;
    if (!der_oid_is(oid, OID_SIGNED_DATA))
        FAIL("the PKCS#7 content type is not signedData (%s)", OID_SIGNED_DATA);
    if (take(c, &ci, DER_CTX0, &c0, "ContentInfo content") != 0 ||
        take(c, &c0, DER_SEQ, &sd, "SignedData") != 0 ||
        take(c, &sd, DER_INTEGER, &v, "SignedData version") != 0 ||
        take(c, &sd, DER_SET, &algs, "SignedData digest algorithms") != 0 ||
        take(c, &sd, DER_SEQ, &eci, "SignedData content") != 0 ||
        take(c, &eci, DER_OID, &ctype, "SignedData content type") != 0)
        return -1;
    if (!der_oid_is(ctype, OID_CTL))
        FAIL("the signed content is not a Certificate Trust List (szOID_CTL %s)", OID_CTL);
    if (take(c, &eci, DER_CTX0, &content, "SignedData content") != 0)
        return -1;
    if (take_opt(c, &sd, DER_CTX0, &certs, &present, "SignedData certificates") != 0)
        return -1;
    if (present && count_elements(c, certs, &cat->ncerts, "SignedData certificates") != 0)
        return -1;
    if (take_opt(c, &sd, DER_CTX0 + 1, &certs, &present, "SignedData CRLs") != 0)
        return -1;
    kc_span signers;
    if (take(c, &sd, DER_SET, &signers, "SignedData signer infos") != 0 ||
        count_elements(c, signers, &cat->nsigners, "SignedData signer infos") != 0)
        return -1;
    if (read_ctl(c, content, cat) != 0)
        return -1;
    return 0;
}

int kc_catalog_read(const uint8_t *d, size_t n, kc_catalog *cat, char *err, size_t errlen)
{
    ctx c = {err, errlen};
    if (read_catalog(&c, d, n, cat) == 0)
        return 0;
    kc_catalog_free(cat);
    return -1;
}

static void free_attrs(kc_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].name);
        free(a[i].value);
    }
    free(a);
}

void kc_catalog_free(kc_catalog *cat)
{
    for (size_t i = 0; i < cat->nmembers; i++)
        free_attrs(cat->members[i].attrs, cat->members[i].nattrs);
    free(cat->members);
    free_attrs(cat->attrs, cat->nattrs);
    memset(cat, 0, sizeof *cat);
}

const char *kc_attr_find(const kc_attr *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(attrs[i].name, name) == 0)
            return attrs[i].value;
    return NULL;
}
