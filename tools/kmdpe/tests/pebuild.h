/* pebuild.h - builds small, valid driver images in memory for tests and seeds. */
#ifndef KMDPE_PEBUILD_H
#define KMDPE_PEBUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *dll;
    const char *const *funcs; /* NULL-terminated; "#12" imports ordinal 12 */
    int delay;                /* put it in the delay-load import directory */
} pb_import;

typedef struct {
    int pe32;                 /* 0: PE32+/AMD64 (default), 1: PE32/I386 */
    const pb_import *imports; /* NULL: ntoskrnl.exe!DbgPrint, hal.dll!KeGetCurrentIrql */
    size_t nimports;
    int init, page, rsrc; /* add INIT / PAGE / .rsrc sections */
    int unfixed;          /* section flags as GNU ld leaves them (before kmdpe fix) */
    int tls;              /* add a TLS directory */
    uint32_t data_size;   /* raw size of .data (default 0x200) */
    int no_cet;           /* x64: leave out the CET mark (a debug directory in .rdata) */
    int pdata;            /* x64: two functions at .text+0x10 and +0x20 that allocate stack,
                             their RUNTIME_FUNCTIONs and unwind info in .rdata */
    uint32_t rdata_size;  /* minimum VirtualSize of .rdata (zero padding after its content) */
    int rdata_last;       /* put .rdata last but .reloc, as kmdkit-driver.ld does */
} pb_opts;

typedef struct {
    char name[9];
    uint32_t va, raw, size;
    size_t hdr_off;
} pb_sec;

typedef struct {
    uint8_t *data;
    size_t size;
    size_t opt_off, checksum_off, dirs_off;
    pb_sec secs[8];
    unsigned nsecs;
    uint32_t debug_rva, pdata_rva, unwind_rva; /* where build put them (0: not there) */
} pb_image;

int pb_build(const pb_opts *o, pb_image *out); /* 0 ok */
void pb_free(pb_image *img);
const pb_sec *pb_sec_by_name(const pb_image *img, const char *name);
void pb_put16(uint8_t *p, uint32_t v);
void pb_put32(uint8_t *p, uint32_t v);
uint32_t pb_get32(const uint8_t *p);
void pb_set_dir(pb_image *img, int idx, uint32_t rva, uint32_t size);
void pb_update_checksum(pb_image *img);
/* Append a WIN_CERTIFICATE of LEN bytes (8-aligned) and point the security dir at it. */
int pb_sign(pb_image *img, uint32_t len);

#endif
