/* cet.h - add the CET mark (IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT) to a linked x64 image. */
#ifndef KMDPE_CET_H
#define KMDPE_CET_H

#include <stddef.h>
#include <stdint.h>

#include "pe.h"

typedef struct {
    int already;       /* the image was marked already */
    char changes[256]; /* what was done */
    char skipped[256]; /* why nothing was done (not x64, no room, ...) */
    char error[256];
} kpe_cet_result;

/* Marks an x64 image CET-compatible (shadow-stack safe), as lld's /cetcompat does:
 *  - an IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS entry without CET_COMPAT gets the bit;
 *  - otherwise a new debug directory (the existing entries, e.g. a PDB's CodeView entry, plus
 *    one EX_DLLCHARACTERISTICS entry) and its 4-byte payload go after the used part of a
 *    read-only, non-discardable data section (.rdata first), inside the last page that section
 *    already spans. When the section's raw data has no room left before the next FileAlignment
 *    boundary, the raw data grows by FileAlignment blocks and the raw data after it moves down
 *    (section table and debug entries' file offsets follow).
 * The checksum is recomputed. Returns 1 and a malloc'd *OUT (*OUT_SIZE bytes) when something
 * changed; 0 when the image is marked already (RES->already), is not x64, or has no room (the
 * reason in RES->skipped); -1 for a signed image (RES->error). */
int kpe_cet_mark(const uint8_t *data, size_t size, const kpe_image *img, uint8_t **out,
                 size_t *out_size, kpe_cet_result *res);

#endif
