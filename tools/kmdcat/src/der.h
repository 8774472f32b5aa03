/* der.h - the DER subset a catalog needs: a writer with back-patched lengths and sorted SET OF,
 * and a bounds-checked reader of definite-length, low-tag-number TLVs. */
#ifndef KMDCAT_DER_H
#define KMDCAT_DER_H

#include <stddef.h>
#include <stdint.h>

enum {
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_NULL = 0x05,
    DER_OID = 0x06,
    DER_UTF8 = 0x0c,
    DER_UTCTIME = 0x17,
    DER_GENTIME = 0x18,
    DER_BMP = 0x1e,
    DER_SEQ = 0x30,
    DER_SET = 0x31,
    DER_CTX0 = 0xa0, /* [n] constructed is DER_CTX0 + n, [n] primitive is 0x80 + n */
};

/* ---- writer ---------------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t len, cap;
    int oom; /* set once an allocation failed; every later write is dropped */
} kc_buf;

void kc_buf_free(kc_buf *b);
void kc_put(kc_buf *b, const void *data, size_t len);
size_t der_open(kc_buf *b, uint8_t tag); /* returns the mark der_close needs */
void der_close(kc_buf *b, size_t mark);
void der_prim(kc_buf *b, uint8_t tag, const void *data, size_t len);
void der_oid(kc_buf *b, const char *dotted); /* dotted must be valid (a constant) */
void der_uint(kc_buf *b, uint32_t v);
void der_null(kc_buf *b);
/* BMPString (UTF-16BE) or, with tag OCTET STRING and nul=1, UTF-16LE plus a NUL character,
 * from UTF-8. Returns -1 (and writes nothing) when s is not valid UTF-8 or not in the BMP
 * where the BMPString needs it. */
int der_bmp(kc_buf *b, const char *s);
int der_utf16le(kc_buf *b, uint8_t tag, const char *s, int nul);
/* A SET OF the n encodings in elems, sorted as DER wants (X.690 11.6). */
void der_set_of(kc_buf *b, const kc_buf *elems, size_t n);

/* ---- OIDs ------------------------------------------------------------------------------- */

/* Content octets of a dotted OID; 0 when it does not parse or does not fit cap. */
size_t der_oid_encode(const char *dotted, uint8_t *out, size_t cap);
/* Dotted text of OID content octets into buf ("?" when malformed). */
void der_oid_text(const uint8_t *p, size_t n, char *buf, size_t cap);

/* ---- reader ----------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
} kc_span;

typedef struct {
    uint8_t tag;
    kc_span v;   /* the content octets */
    kc_span all; /* tag, length and content */
} kc_tlv;

/* Reads one TLV from the front of *in and advances it. Returns 0, or -1 with *why set to a
 * static explanation (truncated, indefinite length, high tag number, length too large). */
int der_read(kc_span *in, kc_tlv *t, const char **why);
int der_oid_is(kc_span v, const char *dotted);
/* Unsigned INTEGER of at most 4 value octets (a leading 0 allowed); -1 otherwise. */
int der_uint_value(kc_span v, uint32_t *out);

/* UTF-16 (big- or little-endian) to UTF-8 with control characters shown as '?', a trailing NUL
 * dropped and bad surrogates as U+FFFD. Returns a malloc'd string, or NULL when out of memory. */
char *kc_utf16_to_utf8(const uint8_t *p, size_t n, int big_endian);

#endif
