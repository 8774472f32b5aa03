/* fix.h - post-link fixup of driver section flags and checksum. */
#ifndef KMDPE_FIX_H
#define KMDPE_FIX_H

#include "pe.h"

/* Section characteristics after fixup (same as ReactOS pefixup for drivers):
 * INIT and .rsrc get DISCARDABLE; PAGE* sections lose NOT_PAGED; every other
 * section that is not discardable, .edata or .reloc gets NOT_PAGED. */
uint32_t kpe_fix_section_chars(const kpe_section *s);

typedef struct {
    unsigned nchanged;  /* sections whose characteristics changed */
    char changes[1024]; /* human-readable list, e.g. "INIT +DISCARDABLE; .text +NOT_PAGED" */
    uint32_t old_checksum, new_checksum;
    char error[256];
} kpe_fix_result;

/* Apply the fixup to DATA (SIZE bytes), which IMG was parsed from, in place, then
 * recompute the checksum. (The CET mark is cet.h's kpe_cet_mark, which `kmdpe fix` runs first.)
 * Returns 1 if bytes changed, 0 if already fixed, -1 if refused (signed image; RES->error says
 * why). */
int kpe_fix(uint8_t *data, size_t size, kpe_image *img, kpe_fix_result *res);

#endif
