/* cet.c - add the CET mark (IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT) to a linked x64 image. */
#include "cet.h"

#include "bytes.h"
#include "debugdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_CNT_INITIALIZED_DATA 0x00000040u

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static int is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static int ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* A section that may hold the debug directory: read-only initialised data that stays loaded. */
static int usable(const kpe_section *s)
{
    uint32_t bad =
        KPE_SCN_MEM_WRITE | KPE_SCN_MEM_EXECUTE | KPE_SCN_CNT_CODE | KPE_SCN_MEM_DISCARDABLE;
    return (s->chars & KPE_SCN_MEM_READ) && (s->chars & SCN_CNT_INITIALIZED_DATA) &&
           !(s->chars & bad) && strncmp(s->name, "PAGE", 4) != 0 &&
           strcmp(s->name, ".reloc") != 0 && strcmp(s->name, ".rsrc") != 0;
}

typedef struct {
    int sec;             /* section index */
    uint32_t start;      /* offset of the new directory in the section */
    uint32_t grow;       /* bytes added to the section's raw data */
    uint32_t reloc_move; /* bytes the last section, .reloc, moves up in memory */
} placement;

/* Whether the last section is a .reloc that section I's growth may push up by whole pages, as
 * compact does: nothing refers to it but the base relocation directory, and no base relocation
 * patches it. */
static int reloc_can_move(const kpe_image *img, int i)
{
    int r = i + 1;
    if (r != (int)img->nsections - 1 || strcmp(img->sections[r].name, ".reloc") != 0)
        return 0;
    uint32_t lo = img->sections[r].vaddr;
    kpe_dir br = img->dirs[KPE_DIR_BASERELOC];
    if (br.size && br.rva != lo)
        return 0;
    for (uint32_t d = 0; d < img->ndirs; d++)
        if (d != KPE_DIR_SECURITY && d != KPE_DIR_BASERELOC && img->dirs[d].size &&
            img->dirs[d].rva >= lo)
            return 0;
    for (size_t k = 0; k < img->ndlls; k++)
        if (img->dlls[k].iat_rva >= lo)
            return 0;
    uint64_t off = 0;
    while (br.size && off + 8 <= br.size) {
        uint8_t h[8], w[2];
        uint64_t at = (uint64_t)br.rva + off;
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, h, sizeof h))
            return 0;
        uint32_t page = kpe_ld32(h), bsz = kpe_ld32(h + 4);
        if (bsz < 8 || bsz > br.size - off)
            return 0;
        size_t stored = kpe_rva_file_bytes(img, (uint32_t)at);
        uint32_t end = stored < bsz ? (uint32_t)stored : bsz; /* the rest reads as zero */
        for (uint32_t e = 8; e + 2 <= end; e += 2) {
            if (!kpe_read_rva(img, (uint32_t)(at + e), w, 2))
                return 0;
            if ((kpe_ld16(w) >> 12) && (uint64_t)page + (kpe_ld16(w) & 0xfffu) + 8 > lo)
                return 0;
        }
        off += bsz;
    }
    return 1;
}

/* Room for NEED bytes in section I, or a reason in WHY. */
static int place_in(const kpe_image *img, int i, uint32_t need, placement *pl, char *why,
                    size_t wlen)
{
    const kpe_section *s = &img->sections[i];
    uint32_t vlen = kpe_section_vlen(s), sa = img->section_align, fa = img->file_align;
    if (!s->raw_size || vlen > s->raw_size) {
        snprintf(why, wlen, "%s ends in zero-fill, not file data", s->name);
        return 0;
    }
    uint64_t hdr_end = (uint64_t)img->sect_off + 40ull * img->nsections;
    if (s->raw_off < img->size_of_headers || s->raw_off < hdr_end) {
        snprintf(why, wlen, "%s raw data overlaps the headers", s->name);
        return 0;
    }
    uint64_t start = align_up(vlen, 4);
    uint64_t vlimit = align_up((uint64_t)s->vaddr + vlen, sa);
    if (i + 1 < (int)img->nsections && img->sections[i + 1].vaddr < vlimit)
        vlimit = img->sections[i + 1].vaddr;
    if (img->size_of_image < vlimit)
        vlimit = img->size_of_image;
    uint64_t move = 0;
    if ((uint64_t)s->vaddr + start + need > vlimit) {
        if (!reloc_can_move(img, i)) {
            snprintf(why, wlen, "no room for %u bytes in the last page of %s", need, s->name);
            return 0;
        }
        const kpe_section *r = &img->sections[i + 1];
        move = align_up((uint64_t)s->vaddr + start + need, sa) - r->vaddr;
        if (align_up((uint64_t)r->vaddr + move + kpe_section_vlen(r), sa) > UINT32_MAX) {
            snprintf(why, wlen, "no room after %s", s->name);
            return 0;
        }
    }
    for (int j = 0; j < (int)img->nsections; j++) {
        const kpe_section *t = &img->sections[j];
        uint64_t tva = (uint64_t)t->vaddr + (j == i + 1 ? move : 0);
        if (j != i && ranges_meet((uint64_t)s->vaddr + start, need, tva, kpe_section_vlen(t))) {
            snprintf(why, wlen, "%s's last page overlaps %s", s->name, t->name);
            return 0;
        }
    }
    uint64_t grow = 0;
    if (start + need > s->raw_size)
        grow = align_up(start + need - s->raw_size, fa);
    uint64_t ins = (uint64_t)s->raw_off + s->raw_size;
    for (int j = 0; j < (int)img->nsections; j++) {
        const kpe_section *t = &img->sections[j];
        if (j == i || !t->raw_size)
            continue;
        /* No other section may share these raw bytes, or straddle where raw data moves. */
        if (ranges_meet(s->raw_off, s->raw_size, t->raw_off, t->raw_size) ||
            (grow && t->raw_off < ins && (uint64_t)t->raw_off + t->raw_size > ins)) {
            snprintf(why, wlen, "%s raw data overlaps %s", s->name, t->name);
            return 0;
        }
    }
    if (grow) {
        const uint8_t *fh = img->data + img->e_lfanew + 4;
        if (kpe_ld32(fh + 8)) {
            snprintf(why, wlen, "%s has no room and the image has a COFF symbol table", s->name);
            return 0;
        }
        if (img->size + grow > KPE_MAX_FILE_SIZE) {
            snprintf(why, wlen, "the file would grow beyond %u MiB", KPE_MAX_FILE_SIZE >> 20);
            return 0;
        }
    }
    pl->sec = i;
    pl->start = (uint32_t)start;
    pl->grow = (uint32_t)grow;
    pl->reloc_move = (uint32_t)move;
    return 1;
}

static void put_entry(uint8_t *p, const kpe_debug_entry *e)
{
    kpe_st32(p, e->chars);
    kpe_st32(p + 4, e->timestamp);
    kpe_st16(p + 8, e->major);
    kpe_st16(p + 10, e->minor);
    kpe_st32(p + 12, e->type);
    kpe_st32(p + 16, e->size);
    kpe_st32(p + 20, e->rva);
    kpe_st32(p + 24, e->ptr);
}

static int add_entry(const uint8_t *data, size_t size, const kpe_image *img, uint8_t **out,
                     size_t *out_size, kpe_cet_result *res)
{
    kpe_debug_entry e[KPE_MAX_DEBUG_ENTRIES + 1];
    char why[200] = "";
    if (img->ndirs <= KPE_DIR_DEBUG) {
        snprintf(res->skipped, sizeof res->skipped,
                 "the optional header has no debug directory slot (NumberOfRvaAndSizes %u)",
                 img->ndirs);
        return 0;
    }
    int n = kpe_debug_entries(img, e, KPE_MAX_DEBUG_ENTRIES, why, sizeof why);
    if (n < 0 || n >= (int)KPE_MAX_DEBUG_ENTRIES) {
        snprintf(res->skipped, sizeof res->skipped, "%s", n < 0 ? why : "too many debug entries");
        return 0;
    }
    if (!is_pow2(img->section_align) || !is_pow2(img->file_align)) {
        snprintf(res->skipped, sizeof res->skipped, "unusual section or file alignment");
        return 0;
    }
    uint32_t need = KPE_DEBUG_ENTRY_SIZE * (uint32_t)(n + 1) + 4;
    placement pl = {0, 0, 0, 0};
    int found = 0;
    for (int pass = 0; pass < 2 && !found; pass++)
        for (int i = 0; i < (int)img->nsections && !found; i++) {
            int rdata = strcmp(img->sections[i].name, ".rdata") == 0;
            if ((pass == 0) == rdata && usable(&img->sections[i]))
                found = place_in(img, i, need, &pl, why, sizeof why);
            /* The existing entries' data must stay where it is. */
            const kpe_section *s = &img->sections[i];
            for (int k = 0; found && k < n; k++)
                if (e[k].ptr &&
                    ranges_meet((uint64_t)s->raw_off + pl.start, need, e[k].ptr, e[k].size)) {
                    snprintf(why, sizeof why, "debug data lies after %s's used part", s->name);
                    found = 0;
                }
        }
    if (!found) {
        snprintf(res->skipped, sizeof res->skipped,
                 "no read-only, non-discardable data section with room for the debug directory%s%s",
                 why[0] ? ": " : "", why);
        return 0;
    }
    const kpe_section *s = &img->sections[pl.sec];
    size_t ins = (size_t)s->raw_off + s->raw_size, nsize = size + pl.grow;
    uint8_t *b = malloc(nsize);
    if (!b) {
        snprintf(res->error, sizeof res->error, "out of memory");
        return -1;
    }
    memcpy(b, data, ins);
    memset(b + ins, 0, pl.grow);
    memcpy(b + ins + pl.grow, data + ins, size - ins);
    uint8_t *opt = b + img->opt_off;
    if (pl.grow) {
        for (unsigned j = 0; j < img->nsections; j++) {
            const kpe_section *t = &img->sections[j];
            if (t->raw_size && t->raw_off >= ins)
                kpe_st32(b + t->hdr_off + 20, t->raw_off + pl.grow);
        }
        kpe_st32(b + s->hdr_off + 16, s->raw_size + pl.grow);
        kpe_st32(opt + 8, kpe_ld32(opt + 8) + pl.grow); /* SizeOfInitializedData */
        for (int k = 0; k < n; k++)
            if (e[k].ptr >= ins)
                e[k].ptr += pl.grow;
    }
    uint32_t dir_rva = s->vaddr + pl.start;
    size_t dir_off = (size_t)s->raw_off + pl.start;
    uint32_t dsize = KPE_DEBUG_ENTRY_SIZE * (uint32_t)(n + 1);
    memset(&e[n], 0, sizeof e[n]);
    e[n].type = KPE_DEBUG_TYPE_EX_DLLCHARACTERISTICS;
    e[n].size = 4;
    e[n].rva = dir_rva + dsize;
    e[n].ptr = (uint32_t)(dir_off + dsize);
    for (int k = 0; k <= n; k++)
        put_entry(b + dir_off + (size_t)k * KPE_DEBUG_ENTRY_SIZE, &e[k]);
    kpe_st32(b + dir_off + dsize, KPE_DLLCHAR_EX_CET_COMPAT);
    kpe_st32(b + s->hdr_off + 8, pl.start + need); /* VirtualSize */
    size_t dirs = img->opt_off + (img->pe32plus ? 112 : 96);
    kpe_st32(b + dirs + 8u * KPE_DIR_DEBUG, dir_rva);
    kpe_st32(b + dirs + 8u * KPE_DIR_DEBUG + 4, dsize);
    if (pl.reloc_move) {
        const kpe_section *r = &img->sections[pl.sec + 1];
        kpe_st32(b + r->hdr_off + 12, r->vaddr + pl.reloc_move);
        if (img->dirs[KPE_DIR_BASERELOC].size)
            kpe_st32(b + dirs + 8u * KPE_DIR_BASERELOC, r->vaddr + pl.reloc_move);
        kpe_st32(opt + 56,
                 (uint32_t)align_up((uint64_t)r->vaddr + pl.reloc_move + kpe_section_vlen(r),
                                    img->section_align)); /* SizeOfImage */
    }
    kpe_st32(b + img->checksum_off, kpe_checksum(b, nsize, img->checksum_off));
    char grew[128] = "";
    if (pl.grow)
        snprintf(grew, sizeof grew, "; %s raw data grown by 0x%x", s->name, pl.grow);
    if (pl.reloc_move)
        snprintf(grew + strlen(grew), sizeof grew - strlen(grew), "; .reloc moved up by 0x%x",
                 pl.reloc_move);
    snprintf(res->changes, sizeof res->changes,
             "CET mark added (debug directory of %d entr%s at RVA 0x%x in %s%s)", n + 1,
             n ? "ies" : "y", dir_rva, s->name, grew);
    *out = b;
    *out_size = nsize;
    return 1;
}

int kpe_cet_mark(const uint8_t *data, size_t size, const kpe_image *img, uint8_t **out,
                 size_t *out_size, kpe_cet_result *res)
{
    memset(res, 0, sizeof *res);
    *out = NULL;
    *out_size = 0;
    if (img->dirs[KPE_DIR_SECURITY].rva || img->dirs[KPE_DIR_SECURITY].size) {
        snprintf(res->error, sizeof res->error,
                 "image is signed; marking it would invalidate the signature: run kmdpe fix "
                 "before signing");
        return -1;
    }
    if (img->machine != KPE_MACHINE_AMD64 || !img->pe32plus) {
        snprintf(res->skipped, sizeof res->skipped,
                 "not an x64 image (kernel shadow stacks exist on x64 only)");
        return 0;
    }
    kpe_cet_info ci;
    kpe_cet_status(img, &ci);
    switch (ci.state) {
    case KPE_CET_MARKED:
        res->already = 1;
        return 0;
    case KPE_CET_BAD:
        snprintf(res->skipped, sizeof res->skipped, "%s", ci.detail);
        return 0;
    case KPE_CET_NOT_SET: {
        kpe_dir d = img->dirs[KPE_DIR_DEBUG];
        size_t doff = 0;
        if (!ci.payload_in_file || ci.payload_off < img->size_of_headers ||
            (kpe_rva_to_off(img, d.rva, d.size, &doff) &&
             ranges_meet(ci.payload_off, 4, doff, d.size))) {
            snprintf(res->skipped, sizeof res->skipped,
                     "the EX_DLLCHARACTERISTICS payload is not stored in section data of its own");
            return 0;
        }
        uint8_t *b = malloc(size ? size : 1);
        if (!b) {
            snprintf(res->error, sizeof res->error, "out of memory");
            return -1;
        }
        memcpy(b, data, size);
        kpe_st32(b + ci.payload_off, ci.ex_flags | KPE_DLLCHAR_EX_CET_COMPAT);
        kpe_st32(b + img->checksum_off, kpe_checksum(b, size, img->checksum_off));
        snprintf(res->changes, sizeof res->changes,
                 "CET mark set in the existing EX_DLLCHARACTERISTICS debug entry (0x%x -> 0x%x)",
                 ci.ex_flags, ci.ex_flags | KPE_DLLCHAR_EX_CET_COMPAT);
        *out = b;
        *out_size = size;
        return 1;
    }
    default:
        return add_entry(data, size, img, out, out_size, res);
    }
}
