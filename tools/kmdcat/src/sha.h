/* sha.h - SHA-1 and SHA-256 (FIPS 180-4), streaming. */
#ifndef KMDCAT_SHA_H
#define KMDCAT_SHA_H

#include <stddef.h>
#include <stdint.h>

enum kc_alg { KC_SHA1 = 1, KC_SHA256 = 2 };

#define KC_HASH_MAX 32

typedef struct {
    enum kc_alg alg;
    uint32_t h[8];
    uint64_t total; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} kc_hash;

size_t kc_hash_len(enum kc_alg alg);
const char *kc_alg_name(enum kc_alg alg); /* "sha1", "sha256" */
void kc_hash_init(kc_hash *h, enum kc_alg alg);
void kc_hash_update(kc_hash *h, const void *data, size_t len);
void kc_hash_final(kc_hash *h, uint8_t *out);
void kc_hash_buf(enum kc_alg alg, const void *data, size_t len, uint8_t *out);

#endif
