/* unit.c - kmdcat unit tests (no framework): hashes, DER, the PE hash, the OS table, catalogs
 * written and read back, and malformed catalogs (every truncation, byte mutations, garbage),
 * which must be refused without a crash (the test runs under ASan+UBSan in ctest). */
#include "catalog.h"
#include "cli.h"
#include "common/unit.h"
#include "der.h"
#include "oslist.h"
#include "pehash.h"
#include "sha.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void tohex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static int hash_is(enum kc_alg alg, const void *data, size_t len, const char *want)
{
    uint8_t d[KC_HASH_MAX];
    char h[2 * KC_HASH_MAX + 1];
    kc_hash_buf(alg, data, len, d);
    tohex(d, kc_hash_len(alg), h);
    return strcmp(h, want) == 0;
}

static void test_sha(void)
{
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    CHECK(hash_is(KC_SHA1, "abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d"));
    CHECK(hash_is(KC_SHA1, "", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    CHECK(hash_is(KC_SHA1, two, strlen(two), "84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
    CHECK(hash_is(KC_SHA256, "abc", 3,
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    CHECK(hash_is(KC_SHA256, "", 0,
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    CHECK(hash_is(KC_SHA256, two, strlen(two),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    /* a million 'a', fed in uneven pieces */
    static uint8_t a[1024];
    memset(a, 'a', sizeof a);
    for (int alg = KC_SHA1; alg <= KC_SHA256; alg++) {
        kc_hash h;
        uint8_t d[KC_HASH_MAX];
        char s[65];
        size_t left = 1000000, step = 1;
        kc_hash_init(&h, (enum kc_alg)alg);
        while (left) {
            size_t n = step < left ? step : left;
            kc_hash_update(&h, a, n);
            left -= n;
            step = step % 997 + 13;
        }
        kc_hash_final(&h, d);
        tohex(d, kc_hash_len((enum kc_alg)alg), s);
        CHECK(strcmp(s, alg == KC_SHA1
                            ? "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
                            : "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") ==
              0);
    }
}

static int enc_is(const kc_buf *b, const char *hexwant)
{
    char h[512];
    if (b->oom || b->len * 2 >= sizeof h)
        return 0;
    tohex(b->p, b->len, h);
    return strcmp(h, hexwant) == 0;
}

static void test_der(void)
{
    static const struct {
        uint32_t v;
        const char *enc;
    } ints[] = {{0, "020100"},
                {0x7f, "02017f"},
                {0x80, "02020080"},
                {0x200, "02020200"},
                {0x10010001, "020410010001"},
                {0xffffffff, "020500ffffffff"}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        kc_buf b = {0};
        der_uint(&b, ints[i].v);
        CHECK(enc_is(&b, ints[i].enc));
        kc_span v = {b.p + 2, b.len - 2};
        uint32_t back = 0;
        CHECK(der_uint_value(v, &back) == 0 && back == ints[i].v);
        kc_buf_free(&b);
    }
    /* OIDs both ways */
    kc_buf b = {0};
    der_oid(&b, "1.3.6.1.4.1.311.12.1.1");
    CHECK(enc_is(&b, "060a2b0601040182370c0101"));
    char text[64];
    der_oid_text(b.p + 2, b.len - 2, text, sizeof text);
    CHECK(strcmp(text, "1.3.6.1.4.1.311.12.1.1") == 0);
    kc_buf_free(&b);
    der_oid(&b, OID_SHA256);
    CHECK(enc_is(&b, "0609608648016503040201"));
    kc_buf_free(&b);
    uint8_t o[8];
    CHECK(der_oid_encode("1", o, sizeof o) == 0);
    CHECK(der_oid_encode("1.2.", o, sizeof o) == 0);
    CHECK(der_oid_encode("3.1", o, sizeof o) == 0);
    CHECK(der_oid_encode("1.2.840.113549.1.7.2", o, sizeof o) == 0); /* too long for 8 */
    static const uint8_t bad_oid[] = {0x2b, 0x86};                   /* unterminated arc */
    der_oid_text(bad_oid, sizeof bad_oid, text, sizeof text);
    CHECK(strcmp(text, "?") == 0);

    /* lengths: short, one and two octets, back-patched around nested elements */
    for (size_t n = 0; n < 70000; n = n * 2 + 61) {
        uint8_t *data = calloc(n + 1, 1);
        kc_buf w = {0};
        size_t outer = der_open(&w, DER_SEQ);
        der_prim(&w, DER_OCTET_STRING, data, n);
        der_close(&w, outer);
        kc_span in = {w.p, w.len}, inner;
        kc_tlv t;
        const char *why;
        CHECK(der_read(&in, &t, &why) == 0 && t.tag == DER_SEQ && in.n == 0);
        inner = t.v;
        CHECK(der_read(&inner, &t, &why) == 0 && t.tag == DER_OCTET_STRING && t.v.n == n);
        kc_buf_free(&w);
        free(data);
    }
    /* reader refusals */
    static const struct {
        const char *bytes;
        size_t n;
    } bad[] = {
        {"\x30", 1},                         /* no length */
        {"\x30\x80\x00\x00", 4},             /* indefinite */
        {"\x1f\x81\x00", 3},                 /* high tag number */
        {"\x04\x85\x01\x00\x00\x00\x00", 7}, /* five length octets */
        {"\x04\x82\x01", 3},                 /* truncated length */
        {"\x04\x05\x01\x02", 4},             /* content past the end */
        {"\x04\x84\xff\xff\xff\xff", 6},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kc_span in = {(const uint8_t *)bad[i].bytes, bad[i].n};
        kc_tlv t;
        const char *why = NULL;
        CHECK(der_read(&in, &t, &why) == -1 && why != NULL);
    }
    /* SET OF sorts its elements' encodings */
    kc_buf el[3] = {{0}};
    der_uint(&el[0], 0x300);
    der_uint(&el[1], 5);
    der_null(&el[2]);
    kc_buf set = {0};
    der_set_of(&set, el, 3);
    CHECK(enc_is(&set, "3109020105020203000500"));
    for (int i = 0; i < 3; i++)
        kc_buf_free(&el[i]);
    kc_buf_free(&set);
    /* strings */
    kc_buf s = {0};
    CHECK(der_bmp(&s, "OS") == 0 && enc_is(&s, "1e04004f0053"));
    kc_buf_free(&s);
    CHECK(der_utf16le(&s, DER_OCTET_STRING, "a\xc3\xa9\xf0\x9f\x98\x80", 1) == 0 &&
          enc_is(&s, "040a6100e9003dd800de0000"));
    kc_buf_free(&s);
    CHECK(der_bmp(&s, "\xf0\x9f\x98\x80") == -1);                      /* not in the BMP */
    CHECK(der_utf16le(&s, DER_OCTET_STRING, "\xc0\xaf", 1) == -1);     /* overlong */
    CHECK(der_utf16le(&s, DER_OCTET_STRING, "\xed\xa0\x80", 1) == -1); /* surrogate */
    CHECK(der_utf16le(&s, DER_OCTET_STRING, "abc\xe2\x82", 1) == -1);  /* cut short */
    CHECK(s.len == 0);
    static const uint8_t le[] = {'F', 0, 0x3d, 0xd8, 0x00, 0xde, 0x07, 0, 0x00, 0xdc, 0, 0};
    char *u8 = kc_utf16_to_utf8(le, sizeof le, 0);
    CHECK(u8 && strcmp(u8, "F\xf0\x9f\x98\x80?\xef\xbf\xbd") == 0);
    free(u8);
}

static void test_os(void)
{
    char *attr, *names, err[256];
    unsigned archs;
    CHECK(kc_os_parse("7_X64,8_x64,6_3_X64,10_X64", &attr, &names, &archs, err, sizeof err) == 0);
    CHECK(strcmp(attr, "2:6.1,2:6.2,2:6.3,2:10.0") == 0);
    CHECK(strcmp(names, "7X64,8X64,_v63_X64,_v100_X64") == 0);
    CHECK(archs == 2);
    free(attr);
    free(names);
    CHECK(kc_os_parse("10_X64,Server10_X64,7_X86,10_X64", &attr, &names, &archs, err, sizeof err) ==
          0);
    CHECK(strcmp(attr, "2:6.1,2:10.0") == 0);
    CHECK(strcmp(names, "_v100_X64,Server_v100_X64,7X86") == 0);
    CHECK(archs == 3);
    free(attr);
    free(names);
    CHECK(kc_os_parse("10_X64,Win12", &attr, &names, &archs, err, sizeof err) == -1);
    CHECK(strstr(err, "'Win12'") != NULL && attr == NULL);
    CHECK(kc_os_parse(",,", &attr, &names, &archs, err, sizeof err) == -1);
    int maj, min;
    CHECK(kc_osattr_valid("2:6.1,2:10.0", &maj, &min) == 0 && maj == 6 && min == 1);
    CHECK(kc_osattr_valid("2:10.0", &maj, &min) == 0 && maj == 10 && min == 0);
    CHECK(kc_osattr_valid("2:6.1,", &maj, &min) == -1);
    CHECK(kc_osattr_valid("6.1", &maj, &min) == -1);
    CHECK(kc_osattr_valid("2:6", &maj, &min) == -1);
    CHECK(kc_osattr_valid("", &maj, &min) == -1);
    CHECK(kc_osattr_valid("2:6.1 ,2:6.2", &maj, &min) == -1);
}

/* A small PE32+ image: DOS header, PE signature at 0x80, optional header with 16 directories,
 * one section's worth of bytes after the headers. */
static size_t make_pe(uint8_t *d, size_t size, int pe32plus)
{
    memset(d, 0, size);
    for (size_t i = 0x200; i < size; i++)
        d[i] = (uint8_t)(i * 7 + 3);
    d[0] = 'M';
    d[1] = 'Z';
    d[0x3c] = 0x80;
    memcpy(d + 0x80, "PE\0\0", 4);
    d[0x84] = pe32plus ? 0x64 : 0x4c;
    d[0x85] = pe32plus ? 0x86 : 0x01;
    size_t opt = 0x80 + 24, optsize = pe32plus ? 240 : 224;
    d[0x80 + 20] = (uint8_t)optsize;
    d[opt] = 0x0b;
    d[opt + 1] = pe32plus ? 2 : 1;
    d[opt + 64] = 0x12; /* a checksum, excluded from the hash */
    d[opt + 65] = 0x34;
    d[opt + (pe32plus ? 108 : 92)] = 16; /* NumberOfRvaAndSizes */
    return size;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The hash the way the Authenticode spec spells it: copy the file without the excluded
 * fields, pad, then hash flat. */
static void expected_pe_hash(const uint8_t *d, size_t n, int pe32plus, size_t cert_off,
                             enum kc_alg alg, uint8_t *out)
{
    size_t cks = 0x80 + 24 + 64, dir = 0x80 + 24 + (pe32plus ? 112 : 96) + 32;
    size_t end = cert_off ? cert_off : n;
    uint8_t *c = malloc(end + 8);
    size_t k = 0;
    memcpy(c + k, d, cks);
    k += cks;
    memcpy(c + k, d + cks + 4, dir - cks - 4);
    k += dir - cks - 4;
    memcpy(c + k, d + dir + 8, end - dir - 8);
    k += end - dir - 8;
    if (!cert_off && n % 8) {
        memset(c + k, 0, 8 - n % 8);
        k += 8 - n % 8;
    }
    kc_hash_buf(alg, c, k, out);
    free(c);
}

static void test_pe(void)
{
    static uint8_t d[0x1000];
    char err[256];
    kc_pe pe;
    uint8_t got[KC_HASH_MAX], want[KC_HASH_MAX];
    for (int plus = 0; plus <= 1; plus++) {
        size_t n = make_pe(d, 0x800, plus);
        CHECK(kc_pe_probe(d, n, &pe, err, sizeof err) == 1);
        CHECK(pe.machine == (plus ? 0x8664 : 0x14c) && pe.pe32plus == plus);
        for (int alg = KC_SHA1; alg <= KC_SHA256; alg++) {
            kc_pe_hash(d, n, &pe, (enum kc_alg)alg, got);
            expected_pe_hash(d, n, plus, 0, (enum kc_alg)alg, want);
            CHECK(memcmp(got, want, kc_hash_len((enum kc_alg)alg)) == 0);
        }
        /* checksum and certificate entry do not count; other header bytes do */
        kc_pe_hash(d, n, &pe, KC_SHA1, want);
        d[0x80 + 24 + 64] ^= 0xff;
        kc_pe_hash(d, n, &pe, KC_SHA1, got);
        CHECK(memcmp(got, want, 20) == 0);
        d[0x80 + 8] ^= 1; /* TimeDateStamp */
        kc_pe_hash(d, n, &pe, KC_SHA1, got);
        CHECK(memcmp(got, want, 20) != 0);
        d[0x80 + 8] ^= 1;
        /* odd size: padded with zeros, so appending the zeros gives the same hash */
        n = make_pe(d, 0x803, plus);
        CHECK(kc_pe_probe(d, n, &pe, err, sizeof err) == 1);
        kc_pe_hash(d, n, &pe, KC_SHA256, got);
        expected_pe_hash(d, n, plus, 0, KC_SHA256, want);
        CHECK(memcmp(got, want, 32) == 0);
        uint8_t padded[KC_HASH_MAX];
        memset(d + 0x803, 0, 5);
        CHECK(kc_pe_probe(d, 0x808, &pe, err, sizeof err) == 1);
        kc_pe_hash(d, 0x808, &pe, KC_SHA256, padded);
        CHECK(memcmp(got, padded, 32) == 0);
        /* signed: the certificate table is left out, so its content does not count */
        n = make_pe(d, 0x900, plus);
        size_t dir = 0x80 + 24 + (plus ? 112 : 96) + 32;
        put32(d + dir, 0x800);
        put32(d + dir + 4, 0x100);
        CHECK(kc_pe_probe(d, n, &pe, err, sizeof err) == 1 && pe.cert_off == 0x800);
        kc_pe_hash(d, n, &pe, KC_SHA1, got);
        expected_pe_hash(d, n, plus, 0x800, KC_SHA1, want);
        CHECK(memcmp(got, want, 20) == 0);
        d[0x850] ^= 0x55;
        kc_pe_hash(d, n, &pe, KC_SHA1, want);
        CHECK(memcmp(got, want, 20) == 0);
        /* ... and equals the hash of the same image unsigned */
        uint8_t unsigned_hash[KC_HASH_MAX];
        put32(d + dir, 0);
        put32(d + dir + 4, 0);
        CHECK(kc_pe_probe(d, 0x800, &pe, err, sizeof err) == 1);
        kc_pe_hash(d, 0x800, &pe, KC_SHA1, unsigned_hash);
        CHECK(memcmp(got, unsigned_hash, 20) == 0);
        /* a certificate table that does not end the file */
        put32(d + dir, 0x800);
        put32(d + dir + 4, 0x80);
        CHECK(kc_pe_probe(d, n, &pe, err, sizeof err) == -1 && strstr(err, "certificate table"));
        put32(d + dir, 0x10);
        put32(d + dir + 4, 0x8f0);
        CHECK(kc_pe_probe(d, n, &pe, err, sizeof err) == -1 && strstr(err, "overlaps"));
        put32(d + dir, 0);
        put32(d + dir + 4, 0);
        /* every truncation is refused or hashed, never read past */
        n = make_pe(d, 0x400, plus);
        for (size_t cut = 0; cut < 0x200; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, d, cut);
            int r = kc_pe_probe(copy, cut, &pe, err, sizeof err);
            CHECK(r == (cut < 2 ? 0 : cut >= 0x80 + 24 + (plus ? 152u : 136u) ? 1 : -1));
            if (r == 1)
                kc_pe_hash(copy, cut, &pe, KC_SHA1, got);
            free(copy);
        }
    }
    /* not a PE / broken PE */
    CHECK(kc_pe_probe((const uint8_t *)"[Version]", 9, &pe, err, sizeof err) == 0);
    make_pe(d, 0x400, 1);
    d[0x80 + 24] = 0x07; /* ROM magic */
    CHECK(kc_pe_probe(d, 0x400, &pe, err, sizeof err) == -1 && strstr(err, "magic"));
    make_pe(d, 0x400, 1);
    d[0x80] = 'X';
    CHECK(kc_pe_probe(d, 0x400, &pe, err, sizeof err) == -1 && strstr(err, "signature"));
    make_pe(d, 0x400, 1);
    d[0x80 + 24 + 108] = 4;
    CHECK(kc_pe_probe(d, 0x400, &pe, err, sizeof err) == -1 && strstr(err, "NumberOfRva"));
    make_pe(d, 0x400, 1);
    put32(d + 0x3c, 0xfffffff0u);
    CHECK(kc_pe_probe(d, 0x400, &pe, err, sizeof err) == -1 && strstr(err, "e_lfanew"));
}

/* A catalog of three made-up members. */
static int make_catalog(enum kc_alg alg, int64_t when, int reverse, kc_buf *out)
{
    static const char *os_names = "7X64,_v100_X64";
    kc_nameval attrs[] = {{"OS", os_names}, {"HWID1", "root\\kmdtest"}};
    kc_entry e[3] = {{"a.sys", 1, {0}}, {"a.inf", 0, {0}}, {"b.dll", 1, {0}}};
    kc_hash_buf(alg, "one", 3, e[0].hash);
    kc_hash_buf(alg, "two", 3, e[1].hash);
    kc_hash_buf(alg, "three", 5, e[2].hash);
    if (reverse) {
        kc_entry t = e[0];
        e[0] = e[2];
        e[2] = t;
    }
    kc_make_params p = {alg, when, alg == KC_SHA1 ? "2:6.1,2:10.0" : "2:10.0", attrs, 2, e, 3};
    char err[256];
    return kc_catalog_make(&p, out, err, sizeof err);
}

static const kc_member *find_member(const kc_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->nmembers; i++) {
        const char *v = kc_attr_find(c->members[i].attrs, c->members[i].nattrs, "File");
        if (v && strcmp(v, name) == 0)
            return &c->members[i];
    }
    return NULL;
}

static void test_catalog(void)
{
    char err[256];
    for (int alg = KC_SHA1; alg <= KC_SHA256; alg++) {
        kc_buf a = {0}, b = {0};
        CHECK(make_catalog((enum kc_alg)alg, 1704067200, 0, &a) == 0);
        CHECK(make_catalog((enum kc_alg)alg, 1704067200, 1, &b) == 0);
        CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0); /* member order does not matter */
        kc_catalog c;
        CHECK(kc_catalog_read(a.p, a.len, &c, err, sizeof err) == 0);
        CHECK(c.version == (alg == KC_SHA1 ? 1 : 2));
        CHECK(strcmp(c.time, "2024-01-01 00:00:00 UTC") == 0);
        CHECK(c.nsigners == 0 && c.ncerts == 0 && c.nmembers == 3);
        CHECK(c.ident.n == 16 && (c.ident.p[7] >> 4) == 8 && (c.ident.p[8] & 0xc0) == 0x80);
        CHECK(c.nattrs == 3);
        const char *v = kc_attr_find(c.attrs, c.nattrs, "osattr");
        CHECK(v && strcmp(v, alg == KC_SHA1 ? "2:6.1,2:10.0" : "2:10.0") == 0);
        v = kc_attr_find(c.attrs, c.nattrs, "OS");
        CHECK(v && strcmp(v, "7X64,_v100_X64") == 0);
        v = kc_attr_find(c.attrs, c.nattrs, "HWID1");
        CHECK(v && strcmp(v, "root\\kmdtest") == 0);
        for (size_t i = 0; i < c.nattrs; i++)
            CHECK(c.attrs[i].flags == KC_ATTR_FLAGS);
        /* members sorted by hash, tags spelling their digests */
        for (size_t i = 0; i < c.nmembers; i++) {
            const kc_member *m = &c.members[i];
            CHECK(m->has_digest && m->dalg == (enum kc_alg)alg);
            CHECK(m->tag_len == kc_hash_len(m->dalg) &&
                  memcmp(m->tag_hash, m->digest, m->tag_len) == 0);
            CHECK(m->tag.n == (alg == KC_SHA1 ? 82u : 32u));
            if (i)
                CHECK(memcmp(c.members[i - 1].digest, m->digest, m->tag_len) < 0);
            v = kc_attr_find(m->attrs, m->nattrs, "OSAttr");
            CHECK(v && strcmp(v, alg == KC_SHA1 ? "2:6.1,2:10.0" : "2:10.0") == 0);
        }
        const kc_member *m = find_member(&c, "a.inf");
        uint8_t h[KC_HASH_MAX];
        kc_hash_buf((enum kc_alg)alg, "two", 3, h);
        CHECK(m && m->kind == KC_KIND_FLAT && memcmp(m->digest, h, kc_hash_len(alg)) == 0);
        m = find_member(&c, "b.dll");
        kc_hash_buf((enum kc_alg)alg, "three", 5, h);
        CHECK(m && m->kind == KC_KIND_PE && memcmp(m->digest, h, kc_hash_len(alg)) == 0);
        kc_catalog_free(&c);

        /* another time: another ThisUpdate, another identifier, same length */
        kc_buf t = {0};
        CHECK(make_catalog((enum kc_alg)alg, 951782400, 0, &t) == 0); /* 2000-02-29 */
        CHECK(kc_catalog_read(t.p, t.len, &c, err, sizeof err) == 0);
        CHECK(strcmp(c.time, "2000-02-29 00:00:00 UTC") == 0);
        kc_catalog_free(&c);
        CHECK(t.len == a.len && memcmp(t.p, a.p, t.len) != 0);
        kc_buf_free(&t);
        CHECK(make_catalog((enum kc_alg)alg, -631152000, 0, &t) == 0); /* 1950-01-01 */
        CHECK(kc_catalog_read(t.p, t.len, &c, err, sizeof err) == 0);
        CHECK(strcmp(c.time, "1950-01-01 00:00:00 UTC") == 0);
        kc_catalog_free(&c);
        kc_buf_free(&t);
        CHECK(make_catalog((enum kc_alg)alg, 2524607999, 0, &t) == 0);
        CHECK(kc_catalog_read(t.p, t.len, &c, err, sizeof err) == 0);
        CHECK(strcmp(c.time, "2049-12-31 23:59:59 UTC") == 0);
        kc_catalog_free(&c);
        kc_buf_free(&t);
        CHECK(make_catalog((enum kc_alg)alg, 2524608000, 0, &t) == -1);

        /* every truncation and trailing garbage: refused */
        int all = 1;
        for (size_t cut = 0; cut < a.len; cut++) {
            if (kc_catalog_read(a.p, cut, &c, err, sizeof err) != -1 ||
                strncmp(err, "malformed catalog: ", 19) != 0)
                all = 0;
        }
        CHECK(all);
        uint8_t *longer = malloc(a.len + 1);
        memcpy(longer, a.p, a.len);
        longer[a.len] = 0;
        CHECK(kc_catalog_read(longer, a.len + 1, &c, err, sizeof err) == -1 &&
              strstr(err, "after the PKCS#7"));
        free(longer);

        /* every byte changed four ways: read or refused, nothing else (ASan watches) */
        static const uint8_t xors[] = {0x01, 0x80, 0xff, 0x7f};
        uint8_t *mut = malloc(a.len);
        size_t refused = 0, tries = 0;
        for (size_t i = 0; i < a.len; i++) {
            for (size_t k = 0; k < sizeof xors; k++) {
                memcpy(mut, a.p, a.len);
                mut[i] ^= xors[k];
                tries++;
                if (kc_catalog_read(mut, a.len, &c, err, sizeof err) == 0)
                    kc_catalog_free(&c);
                else
                    refused++;
            }
        }
        CHECK(refused > 0 && refused < tries);
        free(mut);
        kc_buf_free(&a);
        kc_buf_free(&b);
    }
    /* garbage of every small size, and from a fixed pseudo-random generator */
    uint32_t x = 12345;
    uint8_t g[600];
    kc_catalog c;
    int refused = 1;
    for (size_t n = 0; n < sizeof g; n++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            g[i] = (uint8_t)(x >> 16);
        }
        if (n)
            g[0] = 0x30; /* get past the first check now and then */
        if (kc_catalog_read(g, n, &c, err, sizeof err) == 0) {
            kc_catalog_free(&c);
            refused = 0;
        }
    }
    CHECK(refused);
    /* not a catalog: other PKCS#7 content */
    static const uint8_t data_ci[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                      0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
    CHECK(kc_catalog_read(data_ci, sizeof data_ci, &c, err, sizeof err) == -1 &&
          strstr(err, "not signedData"));
    /* a duplicate file name and a duplicate content are refused by make */
    kc_entry e[2] = {{"x.sys", 1, {1}}, {"x.sys", 0, {2}}};
    kc_make_params p = {KC_SHA1, 0, "2:10.0", NULL, 0, e, 2};
    kc_buf out = {0};
    CHECK(kc_catalog_make(&p, &out, err, sizeof err) == -1 && strstr(err, "two files"));
    e[1].name = "y.inf";
    e[1].hash[0] = 1;
    CHECK(kc_catalog_make(&p, &out, err, sizeof err) == -1 && strstr(err, "same content"));
    e[1].name = "\xff.inf";
    e[1].hash[0] = 2;
    CHECK(kc_catalog_make(&p, &out, err, sizeof err) == -1 && strstr(err, "UTF-8"));
    kc_buf_free(&out);
}

/* The command line on files in a temporary folder. */
static int run(const char *a0, const char *a1, const char *a2, const char *a3, const char *a4,
               const char *a5, const char *a6)
{
    char *argv[8] = {"kmdcat",   (char *)a0, (char *)a1, (char *)a2,
                     (char *)a3, (char *)a4, (char *)a5, (char *)a6};
    int argc = 1;
    while (argc < 8 && argv[argc])
        argc++;
    return unit_run(kmdcat_main, "kmdcat", NULL, NULL, argc, argv[1], argv[2], argv[3], argv[4],
                    argv[5], argv[6], argv[7]); /* what it prints is not checked here */
}

static void test_cli(void)
{
    char dir[] = "/tmp/kmdcat_unit.XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char sys[64], inf[64], cat[64], bad[64], junk[64];
    snprintf(sys, sizeof sys, "%s/t.sys", dir);
    snprintf(inf, sizeof inf, "%s/t.inf", dir);
    snprintf(cat, sizeof cat, "%s/t.cat", dir);
    snprintf(bad, sizeof bad, "%s/bad.sys", dir);
    snprintf(junk, sizeof junk, "%s/junk.cat", dir);
    static uint8_t d[0x800];
    make_pe(d, sizeof d, 1);
    unit_write_file(sys, d, sizeof d);
    unit_write_file(inf, "[Version]\r\n", 11);
    unit_write_file(bad, "MZ", 2);
    unit_write_file(junk, "\x30\x03\x02\x01", 4);
    CHECK(run("make", cat, "--os", "10_X64", sys, inf, NULL) == 0);
    CHECK(run("check", cat, sys, inf, NULL, NULL, NULL) == 0);
    CHECK(run("check", cat, NULL, NULL, NULL, NULL, NULL) == 0);
    d[0x700] ^= 1;
    unit_write_file(sys, d, sizeof d);
    CHECK(run("check", cat, sys, inf, NULL, NULL, NULL) == 1);
    CHECK(run("check", cat, bad, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("check", junk, sys, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("check", dir, NULL, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("make", cat, "--osattr=2:6.1", "--hash=sha256", inf, NULL, NULL) == 2);
    CHECK(run("make", cat, "--osattr=2:6.2", "--hash=sha256", inf, NULL, NULL) == 0);
    CHECK(run("make", cat, "--os=10_X64", "--osattr=2:10.0", inf, NULL, NULL) == 2);
    CHECK(run("make", cat, inf, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", NULL, NULL, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", "--bogus", inf, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", "--time=yesterday", inf, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", "--hash=md5", inf, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", bad, NULL, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os=10_X64", inf, inf, NULL, NULL) == 2);
    CHECK(run("make", cat, "--os", NULL, NULL, NULL, NULL) == 2);
    CHECK(run("frobnicate", NULL, NULL, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("check", NULL, NULL, NULL, NULL, NULL, NULL) == 2);
    CHECK(run("version", NULL, NULL, NULL, NULL, NULL, NULL) == 0);
    unlink(sys);
    unlink(inf);
    unlink(cat);
    unlink(bad);
    unlink(junk);
    rmdir(dir);
}

int main(void)
{
    test_sha();
    test_der();
    test_os();
    test_pe();
    test_catalog();
    test_cli();
    return unit_summary();
}
