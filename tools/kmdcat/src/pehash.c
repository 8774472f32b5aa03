/* pehash.c - PE probe and Authenticode hash (see pehash.h). */
#include "pehash.h"

#include <stdio.h>
#include <string.h>

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int kc_pe_probe(const uint8_t *d, size_t n, kc_pe *pe, char *err, size_t errlen)
{
    memset(pe, 0, sizeof *pe);
    if (n < 2 || d[0] != 'M' || d[1] != 'Z')
        return 0;
    if (n < 0x40) {
        snprintf(err, errlen, "malformed PE: %zu bytes, smaller than a DOS header", n);
        return -1;
    }
    size_t nt = le32(d + 0x3c);
    /* Signature, FileHeader (20), then the optional header's Magic */
    if (nt > n || n - nt < 26) {
        snprintf(err, errlen, "malformed PE: e_lfanew 0x%zx leaves no NT headers in %zu bytes", nt,
                 n);
        return -1;
    }
    if (memcmp(d + nt, "PE\0\0", 4) != 0) {
        snprintf(err, errlen, "malformed PE: no \"PE\\0\\0\" signature at e_lfanew 0x%zx", nt);
        return -1;
    }
    size_t opt = nt + 24, optsize = le16(d + nt + 20);
    uint32_t magic = le16(d + opt);
    if (magic != 0x10b && magic != 0x20b) {
        snprintf(err, errlen, "malformed PE: optional header magic 0x%x (not PE32 or PE32+)",
                 (unsigned)magic);
        return -1;
    }
    pe->pe32plus = magic == 0x20b;
    size_t dirs = pe->pe32plus ? 112 : 96; /* offset of DataDirectory[0] */
    size_t need = dirs + 5 * 8;            /* up to and including the certificate entry */
    if (optsize < need) {
        snprintf(err, errlen,
                 "malformed PE: SizeOfOptionalHeader %zu has no certificate directory entry",
                 optsize);
        return -1;
    }
    if (n - opt < need) {
        snprintf(err, errlen, "malformed PE: truncated optional header (%zu bytes)", n);
        return -1;
    }
    uint32_t nrvas = le32(d + opt + dirs - 4);
    if (nrvas < 5) {
        snprintf(err, errlen,
                 "malformed PE: NumberOfRvaAndSizes %u has no certificate directory entry",
                 (unsigned)nrvas);
        return -1;
    }
    pe->machine = (uint16_t)le16(d + nt + 4);
    pe->checksum_off = opt + 64;
    pe->certdir_off = opt + dirs + 4 * 8;
    size_t off = le32(d + pe->certdir_off), size = le32(d + pe->certdir_off + 4);
    if (off || size) {
        /* Windows has wanted the certificate table last since MS12-024 */
        if (off == 0 || size == 0 || off > n || size != n - off) {
            snprintf(err, errlen,
                     "malformed PE: certificate table 0x%zx+0x%zx does not end the file (%zu "
                     "bytes)",
                     off, size, n);
            return -1;
        }
        if (off < pe->certdir_off + 8) {
            snprintf(err, errlen, "malformed PE: certificate table 0x%zx overlaps the headers",
                     off);
            return -1;
        }
        pe->cert_off = off;
        pe->cert_size = size;
    }
    return 1;
}

void kc_pe_hash(const uint8_t *d, size_t n, const kc_pe *pe, enum kc_alg alg, uint8_t *out)
{
    kc_hash h;
    size_t end = pe->cert_off ? pe->cert_off : n;
    kc_hash_init(&h, alg);
    kc_hash_update(&h, d, pe->checksum_off);
    kc_hash_update(&h, d + pe->checksum_off + 4, pe->certdir_off - pe->checksum_off - 4);
    kc_hash_update(&h, d + pe->certdir_off + 8, end - pe->certdir_off - 8);
    if (!pe->cert_off && n % 8) {
        static const uint8_t zeros[8];
        kc_hash_update(&h, zeros, 8 - n % 8);
    }
    kc_hash_final(&h, out);
}

const char *kc_machine_name(uint16_t machine)
{
    switch (machine) {
    case 0x8664:
        return "x64";
    case 0x14c:
        return "x86";
    case 0xaa64:
        return "arm64";
    default:
        return "unknown";
    }
}
