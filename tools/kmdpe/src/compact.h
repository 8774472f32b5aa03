/* compact.h - make a linked driver image smaller without relinking. */
#ifndef KMDPE_COMPACT_H
#define KMDPE_COMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "pe.h"

typedef struct {
    char changes[512]; /* e.g. ".pdata folded into .rdata; DOS stub removed (headers 0x400 ->
                          0x200)" */
    char skipped[512]; /* why a step was not taken, e.g. "no COFF symbol table allowed" */
    size_t old_size, new_size;
    char error[256];
} kpe_compact_result;

/* Two layout steps, each taken only when it is safe and makes the file smaller:
 *  1. fold: a section named .pdata that directly follows a read-only data section with the same
 *     flags (.rdata), and is followed by nothing but .reloc, is appended to that section (4-byte
 *     aligned); the exception directory follows it and .reloc moves down. Nothing in the image
 *     refers to .pdata or .reloc except their data directories, so no code or data moves.
 *  2. stub: when the PE header starts after 0x40 (GNU ld writes a 64-byte DOS stub) and moving
 *     it to 0x40 lets the headers fit in fewer FileAlignment blocks, the stub is dropped, the
 *     header moved, SizeOfHeaders reduced and all raw data moved down.
 * The checksum is recomputed. Refused (-1, RES->error): signed images. Left alone (0, reason in
 * RES->skipped): images with a COFF symbol table, a debug directory holding anything but the CET
 * mark (kmdpe fix's EX_DLLCHARACTERISTICS entries, whose file offsets are rewritten), data after
 * the last section, or raw data not laid out in section order right after the headers.
 * Returns 1 and a malloc'd *OUT (*OUT_SIZE bytes) when something changed, 0 when not. */
int kpe_compact(const uint8_t *data, size_t size, const kpe_image *img, uint8_t **out,
                size_t *out_size, kpe_compact_result *res);

#endif
