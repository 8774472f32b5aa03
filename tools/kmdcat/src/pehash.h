/* pehash.h - the Authenticode hash of a PE image, as osslsigncode and signtool compute it. */
#ifndef KMDCAT_PEHASH_H
#define KMDCAT_PEHASH_H

#include "sha.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    size_t checksum_off; /* OptionalHeader.CheckSum */
    size_t certdir_off;  /* DataDirectory[4] (IMAGE_DIRECTORY_ENTRY_SECURITY) */
    size_t cert_off;     /* start of the certificate table, 0 when unsigned */
    size_t cert_size;
    uint16_t machine;
    int pe32plus;
} kc_pe;

/* 0: not a PE file (no "MZ"), hash it flat; 1: a PE image, *pe filled in; -1: starts with "MZ"
 * but is not a usable PE image (err says why). */
int kc_pe_probe(const uint8_t *d, size_t n, kc_pe *pe, char *err, size_t errlen);

/* Everything but the CheckSum, the certificate directory entry and the certificate table; an
 * unsigned image whose size is not a multiple of 8 is hashed as if padded with zeros (the
 * padding signing adds before the certificate table). */
void kc_pe_hash(const uint8_t *d, size_t n, const kc_pe *pe, enum kc_alg alg, uint8_t *out);

const char *kc_machine_name(uint16_t machine); /* "x64", "x86", "arm64", or "unknown" */

#endif
