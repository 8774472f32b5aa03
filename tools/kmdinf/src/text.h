/* text.h - INF text encodings: detect, decode to UTF-8, encode back. */
#ifndef KMDINF_TEXT_H
#define KMDINF_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    KINF_ENC_8BIT,     /* no BOM: Windows reads it in the ANSI code page */
    KINF_ENC_UTF8_BOM, /* EF BB BF: not an encoding the PnP platform reads */
    KINF_ENC_UTF16LE   /* FF FE: the preferred encoding */
} kinf_enc;

typedef struct {
    char *text; /* NUL-terminated; UTF-8 (the raw bytes for 8-bit input) without the BOM */
    size_t len;
    kinf_enc enc;
    int non_ascii; /* a character above U+007F (a byte >= 0x80 in 8-bit input) */
    long bad_utf8; /* 8-bit input: offset in TEXT of the first invalid UTF-8 sequence, or -1 */
    int first_nonascii_line; /* 1-based line of the first non-ASCII character, 0 if none */
} kinf_text;

/* Decode D (N bytes). 0 on success; -1 when the bytes are no INF text (UTF-16BE or UTF-32, odd
 * UTF-16 length, unpaired surrogates, NUL characters), with ERR naming the problem. */
int kinf_decode(const uint8_t *d, size_t n, kinf_text *t, char *err, size_t errlen);
void kinf_text_free(kinf_text *t);

/* Human name of an encoding, e.g. "UTF-16LE with BOM". NON_ASCII refines 8-bit input. */
const char *kinf_enc_name(kinf_enc enc, int non_ascii);
/* Short stable name for JSON: "ascii", "8bit", "utf-8-bom", "utf-16le". */
const char *kinf_enc_id(kinf_enc enc, int non_ascii);

/* Encode UTF-8 TEXT (LEN bytes) back to ENC: 8-bit as is, UTF-8 with its BOM, UTF-16LE with a
 * BOM. Returns a malloc'd buffer (size in *OUTLEN) or NULL when out of memory or when TEXT is not
 * valid UTF-8 for UTF-16 output. */
uint8_t *kinf_encode(const char *text, size_t len, kinf_enc enc, size_t *outlen);

#endif
