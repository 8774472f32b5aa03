/* fuzz_cat.c - libFuzzer target: the catalog reader and the PE probe and hash on any input. */
#include "catalog.h"
#include "pehash.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    kc_catalog cat;
    if (kc_catalog_read(data, size, &cat, err, sizeof err) == 0) {
        for (size_t i = 0; i < cat.nmembers; i++)
            (void)kc_attr_find(cat.members[i].attrs, cat.members[i].nattrs, "File");
        kc_catalog_free(&cat);
    }
    kc_pe pe;
    if (kc_pe_probe(data, size, &pe, err, sizeof err) == 1) {
        uint8_t h[KC_HASH_MAX];
        kc_pe_hash(data, size, &pe, KC_SHA1, h);
    }
    return 0;
}
