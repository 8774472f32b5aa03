/* catmake.c - writes the unsigned catalog: a PKCS#7 SignedData with no signer whose content is
 * a Certificate Trust List of the member files (layout in README.md). */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t g_hlen; /* hash length for the qsort comparator */

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(((const kc_entry *)a)->hash, ((const kc_entry *)b)->hash, g_hlen);
}

/* [n] IMPLICIT BMPString of an ASCII constant (SpcString's unicode choice). */
static void implicit_bmp(kc_buf *b, uint8_t tag, const char *ascii)
{
    size_t m = der_open(b, tag);
    for (; *ascii; ascii++) {
        uint8_t be[2] = {0, (uint8_t)*ascii};
        kc_put(b, be, 2);
    }
    der_close(b, m);
}

/* SpcLink: file [2] EXPLICIT SpcString, unicode [0] IMPLICIT. */
static void spc_file_link(kc_buf *b, const char *text)
{
    size_t m = der_open(b, DER_CTX0 + 2);
    implicit_bmp(b, 0x80, text);
    der_close(b, m);
}

/* CAT_NAMEVALUE: SEQUENCE { tag BMPString, flags INTEGER, value OCTET STRING (UTF-16LE, NUL) } */
static int name_value(kc_buf *b, const char *name, const char *value)
{
    size_t m = der_open(b, DER_SEQ);
    if (der_bmp(b, name) != 0)
        return -1;
    der_uint(b, KC_ATTR_FLAGS);
    if (der_utf16le(b, DER_OCTET_STRING, value, 1) != 0)
        return -1;
    der_close(b, m);
    return 0;
}

/* Attribute ::= SEQUENCE { type OID, values SET OF ANY } holding what fill writes. */
static size_t attr_open(kc_buf *b, const char *oid, size_t *set)
{
    size_t m = der_open(b, DER_SEQ);
    der_oid(b, oid);
    *set = der_open(b, DER_SET);
    return m;
}

static void attr_close(kc_buf *b, size_t m, size_t set)
{
    der_close(b, set);
    der_close(b, m);
}

static int nv_attr(kc_buf *b, const char *name, const char *value)
{
    size_t set, m = attr_open(b, OID_CAT_NAMEVALUE, &set);
    if (name_value(b, name, value) != 0)
        return -1;
    attr_close(b, m, set);
    return 0;
}

/* SPC_INDIRECT_DATA: SpcIndirectDataContent { data SpcAttributeTypeAndOptionalValue,
 * messageDigest DigestInfo }: what Windows compares with the file's hash. */
static void indirect_data(kc_buf *b, const kc_entry *e, enum kc_alg alg)
{
    size_t set, m = attr_open(b, OID_SPC_INDIRECT_DATA, &set);
    size_t idc = der_open(b, DER_SEQ);
    size_t data = der_open(b, DER_SEQ);
    if (e->is_pe) {
        static const uint8_t flags[2] = {0x05, 0xa0}; /* the bits Inf2Cat sets */
        der_oid(b, OID_SPC_PE_IMAGE_DATA);
        size_t img = der_open(b, DER_SEQ);
        der_prim(b, DER_BIT_STRING, flags, sizeof flags);
        size_t file = der_open(b, DER_CTX0);
        spc_file_link(b, "<<<Obsolete>>>");
        der_close(b, file);
        der_close(b, img);
    } else {
        der_oid(b, OID_SPC_CAB_DATA);
        spc_file_link(b, alg == KC_SHA1 ? "<<<Obsolete>>>" : "");
    }
    der_close(b, data);
    size_t di = der_open(b, DER_SEQ);
    size_t ai = der_open(b, DER_SEQ);
    der_oid(b, alg == KC_SHA1 ? OID_SHA1 : OID_SHA256);
    der_null(b);
    der_close(b, ai);
    der_prim(b, DER_OCTET_STRING, e->hash, kc_hash_len(alg));
    der_close(b, di);
    der_close(b, idc);
    attr_close(b, m, set);
}

static int member(kc_buf *b, const kc_entry *e, const kc_make_params *p)
{
    size_t hlen = kc_hash_len(p->alg);
    kc_buf el[4] = {{0}};
    int rc = -1;
    size_t m = der_open(b, DER_SEQ);
    if (p->alg == KC_SHA1) {
        /* Version 1 tag: the hash as uppercase hex, a NUL-terminated UTF-16LE string */
        char hex[2 * KC_HASH_MAX + 1];
        for (size_t i = 0; i < hlen; i++)
            snprintf(hex + 2 * i, 3, "%02X", e->hash[i]);
        der_utf16le(b, DER_OCTET_STRING, hex, 1);
        size_t set, a = attr_open(&el[0], OID_CAT_MEMBERINFO, &set);
        size_t seq = der_open(&el[0], DER_SEQ);
        der_bmp(&el[0], e->is_pe ? KC_GUID_PE : KC_GUID_FLAT);
        der_uint(&el[0], 0x200);
        der_close(&el[0], seq);
        attr_close(&el[0], a, set);
    } else {
        /* Version 2 tag: the hash itself; MEMBERINFO2 holds [0] for a PE, [2] for a flat file */
        der_prim(b, DER_OCTET_STRING, e->hash, hlen);
        size_t set, a = attr_open(&el[0], OID_CAT_MEMBERINFO2, &set);
        der_prim(&el[0], e->is_pe ? 0x80 : 0x82, NULL, 0);
        attr_close(&el[0], a, set);
    }
    if (nv_attr(&el[1], "File", e->name) != 0 || nv_attr(&el[2], "OSAttr", p->osattr) != 0)
        goto out;
    indirect_data(&el[3], e, p->alg);
    der_set_of(b, el, 4);
    der_close(b, m);
    rc = 0;
out:
    for (int i = 0; i < 4; i++)
        kc_buf_free(&el[i]);
    return rc;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil(int64_t days, int *y, int *mo, int *d)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*mo <= 2));
}

static int ctl(kc_buf *b, const kc_make_params *p, const uint8_t ident[16], char *err,
               size_t errlen)
{
    int64_t t = p->time, days = (t >= 0 ? t : t - 86399) / 86400, sec = t - days * 86400;
    int y, mo, d;
    civil(days, &y, &mo, &d);
    char utc[64];
    snprintf(utc, sizeof utc, "%02d%02d%02d%02d%02d%02dZ", y % 100, mo, d, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));

    size_t m = der_open(b, DER_SEQ);
    size_t usage = der_open(b, DER_SEQ); /* SubjectUsage */
    der_oid(b, OID_CATALOG_LIST);
    der_close(b, usage);
    der_prim(b, DER_OCTET_STRING, ident, 16); /* ListIdentifier */
    der_prim(b, DER_UTCTIME, utc, 13);        /* ThisUpdate */
    size_t alg = der_open(b, DER_SEQ);        /* SubjectAlgorithm */
    der_oid(b, p->alg == KC_SHA1 ? OID_CATALOG_MEMBER : OID_CATALOG_MEMBER2);
    der_null(b);
    der_close(b, alg);
    size_t subjects = der_open(b, DER_SEQ); /* TrustedSubjects, sorted by tag */
    for (size_t i = 0; i < p->nentries; i++) {
        if (member(b, &p->entries[i], p) != 0) {
            snprintf(err, errlen, "%s: the file name is not valid UTF-8", p->entries[i].name);
            return -1;
        }
    }
    der_close(b, subjects);
    size_t ext = der_open(b, DER_CTX0); /* catalog attributes, as CTL extensions */
    size_t exts = der_open(b, DER_SEQ);
    for (size_t i = 0; i <= p->ncatattr; i++) {
        const char *name = i < p->ncatattr ? p->catattr[i].name : "OSAttr";
        const char *value = i < p->ncatattr ? p->catattr[i].value : p->osattr;
        size_t e = der_open(b, DER_SEQ);
        der_oid(b, OID_CAT_NAMEVALUE);
        size_t os = der_open(b, DER_OCTET_STRING);
        if (name_value(b, name, value) != 0) {
            snprintf(err, errlen, "catalog attribute %s: '%s' is not valid UTF-8", name, value);
            return -1;
        }
        der_close(b, os);
        der_close(b, e);
    }
    der_close(b, exts);
    der_close(b, ext);
    der_close(b, m);
    return 0;
}

int kc_catalog_make(kc_make_params *p, kc_buf *out, char *err, size_t errlen)
{
    size_t hlen = kc_hash_len(p->alg);
    if (p->time < -631152000 || p->time > 2524607999) {
        snprintf(err, errlen, "time %lld is outside 1950..2049, which a UTCTime cannot hold",
                 (long long)p->time);
        return -1;
    }
    g_hlen = hlen;
    qsort(p->entries, p->nentries, sizeof *p->entries, cmp_entry);
    for (size_t i = 1; i < p->nentries; i++) {
        if (memcmp(p->entries[i].hash, p->entries[i - 1].hash, hlen) == 0) {
            snprintf(err, errlen, "%s and %s have the same content: a catalog lists it once",
                     p->entries[i - 1].name, p->entries[i].name);
            return -1;
        }
    }
    for (size_t i = 0; i < p->nentries; i++)
        for (size_t j = i + 1; j < p->nentries; j++)
            if (strcmp(p->entries[i].name, p->entries[j].name) == 0) {
                snprintf(err, errlen, "two files are named %s", p->entries[i].name);
                return -1;
            }

    /* The list identifier: the first 16 bytes of the SHA-256 of this CTL with a zero
     * identifier, marked as an RFC 9562 version 8 (custom) GUID in Windows byte order. */
    uint8_t ident[16] = {0}, digest[32];
    kc_buf first = {0};
    if (ctl(&first, p, ident, err, errlen) != 0) {
        kc_buf_free(&first);
        return -1;
    }
    if (first.oom) {
        kc_buf_free(&first);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    kc_hash_buf(KC_SHA256, first.p, first.len, digest);
    kc_buf_free(&first);
    memcpy(ident, digest, 16);
    ident[7] = (uint8_t)((ident[7] & 0x0f) | 0x80); /* Data3's high nibble: version 8 */
    ident[8] = (uint8_t)((ident[8] & 0x3f) | 0x80); /* variant 10 */

    kc_buf *b = out;
    memset(b, 0, sizeof *b);
    size_t ci = der_open(b, DER_SEQ); /* ContentInfo */
    der_oid(b, OID_SIGNED_DATA);
    size_t c0 = der_open(b, DER_CTX0);
    size_t sd = der_open(b, DER_SEQ); /* SignedData */
    der_uint(b, 1);
    der_prim(b, DER_SET, NULL, 0); /* digestAlgorithms: the signer adds its own */
    size_t eci = der_open(b, DER_SEQ);
    der_oid(b, OID_CTL);
    size_t ec0 = der_open(b, DER_CTX0);
    if (ctl(b, p, ident, err, errlen) != 0)
        return -1;
    der_close(b, ec0);
    der_close(b, eci);
    der_prim(b, DER_SET, NULL, 0); /* signerInfos: none yet */
    der_close(b, sd);
    der_close(b, c0);
    der_close(b, ci);
    if (b->oom) {
        kc_buf_free(b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}
