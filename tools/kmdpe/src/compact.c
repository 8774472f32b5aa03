/* compact.c - kmdpe compact: fold .pdata into .rdata and drop the DOS stub. */
#include "compact.h"

#include "debugdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_ALIGN_MASK 0x00f00000u
#define SCN_CNT_INITIALIZED_DATA 0x00000040u
#define DIR_DEBUG 6

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}
static uint64_t align_up(uint64_t v, uint32_t a)
{
    return (v + a - 1) / a * a;
}

static void note(char *buf, size_t n, const char *msg)
{
    size_t used = strlen(buf);
    if (used < n)
        snprintf(buf + used, n - used, "%s%s", used ? "; " : "", msg);
}

static int dir_in(const kpe_image *img, int d, uint32_t lo, uint32_t hi)
{
    if (d == KPE_DIR_SECURITY || (uint32_t)d >= img->ndirs || !img->dirs[d].size)
        return 0;
    uint32_t rva = img->dirs[d].rva;
    return rva >= lo && rva < hi;
}

/* Index of the section to fold .pdata into, or -1 with the reason in RES->skipped. */
static int fold_target(const uint8_t *data, const kpe_image *img, kpe_compact_result *res,
                       int *pidx)
{
    int n = img->nsections, p = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(img->sections[i].name, ".pdata") == 0)
            p = i;
    *pidx = p;
    if (p < 0)
        return -1; /* nothing to fold (x86, or already folded): not worth a note */
    const kpe_section *ps = &img->sections[p];
    int tail_ok = p == n - 1 || (p == n - 2 && strcmp(img->sections[n - 1].name, ".reloc") == 0);
    if (p == 0 || !tail_ok) {
        note(res->skipped, sizeof res->skipped,
             ".pdata not folded: it must follow .rdata and be followed by .reloc only");
        return -1;
    }
    const kpe_section *rs = &img->sections[p - 1];
    uint32_t keep = KPE_SCN_MEM_EXECUTE | KPE_SCN_MEM_WRITE | KPE_SCN_MEM_DISCARDABLE |
                    KPE_SCN_CNT_CODE | SCN_CNT_INITIALIZED_DATA | KPE_SCN_MEM_READ |
                    KPE_SCN_MEM_NOT_PAGED;
    if ((rs->chars & keep) != (ps->chars & keep) || !(rs->chars & SCN_CNT_INITIALIZED_DATA) ||
        (rs->chars & (KPE_SCN_MEM_EXECUTE | KPE_SCN_MEM_WRITE | KPE_SCN_MEM_DISCARDABLE))) {
        char m[160];
        snprintf(m, sizeof m,
                 ".pdata not folded: %s before it is not read-only data with the same flags",
                 rs->name);
        note(res->skipped, sizeof res->skipped, m);
        return -1;
    }
    uint32_t plen = kpe_section_vlen(ps);
    kpe_dir ex = img->ndirs > KPE_DIR_EXCEPTION ? img->dirs[KPE_DIR_EXCEPTION] : (kpe_dir){0, 0};
    if (ex.rva != ps->vaddr || ex.size > plen) {
        note(res->skipped, sizeof res->skipped,
             ".pdata not folded: the exception directory is not the .pdata section");
        return -1;
    }
    /* No other directory may point into .pdata, and nothing but the base relocation directory
     * into what follows it (.reloc moves). */
    uint32_t end = img->size_of_image;
    for (int d = 0; d < (int)img->ndirs; d++) {
        if (d == KPE_DIR_EXCEPTION || d == KPE_DIR_BASERELOC)
            continue;
        if (dir_in(img, d, ps->vaddr, end)) {
            note(res->skipped, sizeof res->skipped,
                 ".pdata not folded: another data directory points into .pdata or .reloc");
            return -1;
        }
    }
    if (p == n - 2) {
        const kpe_section *ls = &img->sections[n - 1];
        kpe_dir br = img->dirs[KPE_DIR_BASERELOC];
        if (br.size && br.rva != ls->vaddr) {
            note(res->skipped, sizeof res->skipped,
                 ".pdata not folded: the base relocation directory is not the .reloc section");
            return -1;
        }
        /* No base relocation may patch .pdata or .reloc (they move). Blocks: page RVA, block
         * size, then 16-bit entries (type << 12 | offset); type 0 is padding. The parser has
         * checked that .reloc's raw data lies in the file. */
        uint32_t off = 0, blen = br.size < ls->raw_size ? br.size : ls->raw_size;
        while (off + 8 <= blen) {
            const uint8_t *blk = data + ls->raw_off + off;
            uint32_t page = rd32(blk), bsz = rd32(blk + 4);
            if (bsz < 8 || bsz > blen - off)
                break;
            for (uint32_t e = 8; e + 2 <= bsz; e += 2) {
                uint32_t ent = (uint32_t)blk[e] | ((uint32_t)blk[e + 1] << 8);
                if ((ent >> 12) && (uint64_t)page + (ent & 0xfffu) + 8 > ps->vaddr) {
                    note(res->skipped, sizeof res->skipped,
                         ".pdata not folded: base relocations patch .pdata or .reloc");
                    return -1;
                }
            }
            off += bsz;
        }
    }
    return p - 1;
}

int kpe_compact(const uint8_t *data, size_t size, const kpe_image *img, uint8_t **out,
                size_t *out_size, kpe_compact_result *res)
{
    memset(res, 0, sizeof *res);
    *out = NULL;
    *out_size = 0;
    res->old_size = res->new_size = size;
    if (img->dirs[KPE_DIR_SECURITY].rva || img->dirs[KPE_DIR_SECURITY].size) {
        snprintf(res->error, sizeof res->error,
                 "image is signed; compacting it would invalidate the signature: run kmdpe "
                 "compact before signing");
        return -1;
    }
    const uint8_t *fh = data + img->e_lfanew + 4;
    if (rd32(fh + 8) || rd32(fh + 12)) {
        note(res->skipped, sizeof res->skipped,
             "left alone: the image has a COFF symbol table (not stripped)");
        return 0;
    }
    /* A debug directory is moved along only when it holds nothing but the CET mark that kmdpe
     * fix adds, in sections that keep their addresses (their file offsets are rewritten). */
    kpe_debug_entry dbg[KPE_MAX_DEBUG_ENTRIES];
    char dmsg[192];
    int ndbg = kpe_debug_entries(img, dbg, KPE_MAX_DEBUG_ENTRIES, dmsg, sizeof dmsg);
    for (int k = 0; k < ndbg; k++) {
        int si = kpe_section_index_at(img, dbg[k].rva);
        if (dbg[k].type != KPE_DEBUG_TYPE_EX_DLLCHARACTERISTICS || si < 0 ||
            !strcmp(img->sections[si].name, ".pdata") || !strcmp(img->sections[si].name, ".reloc"))
            ndbg = -1;
    }
    int dsi = ndbg > 0 ? kpe_section_index_at(img, img->dirs[DIR_DEBUG].rva) : -1;
    if (ndbg < 0 || (ndbg > 0 && (dsi < 0 || !strcmp(img->sections[dsi].name, ".pdata") ||
                                  !strcmp(img->sections[dsi].name, ".reloc")))) {
        note(res->skipped, sizeof res->skipped,
             "left alone: the image has a debug directory (other than kmdpe's CET mark)");
        return 0;
    }
    /* Raw data must be in section order, from SizeOfHeaders on, and end the file. */
    uint64_t pos = img->size_of_headers;
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        if (!s->raw_size)
            continue;
        if (s->raw_off < pos) {
            note(res->skipped, sizeof res->skipped,
                 "left alone: section raw data is not in section order after the headers");
            return 0;
        }
        pos = (uint64_t)s->raw_off + s->raw_size;
    }
    if (pos != size) {
        note(res->skipped, sizeof res->skipped, "left alone: there is data after the last section");
        return 0;
    }
    uint32_t fa = img->file_align, sa = img->section_align;
    if (!fa || !sa || (fa & (fa - 1)) || (sa & (sa - 1)) || sa < fa || img->size_of_headers % fa) {
        note(res->skipped, sizeof res->skipped, "left alone: unusual alignment");
        return 0;
    }

    int p;
    int r = fold_target(data, img, res, &p);
    unsigned nnew = img->nsections - (r >= 0 ? 1 : 0);

    /* New section table: S[i] for the kept sections, with new VA and raw layout. */
    kpe_section sec[KPE_MAX_SECTIONS];
    unsigned src[KPE_MAX_SECTIONS];
    unsigned k = 0;
    uint32_t pdata_new_rva = 0;
    for (unsigned i = 0; i < img->nsections; i++) {
        if ((int)i == p && r >= 0)
            continue;
        sec[k] = img->sections[i];
        src[k] = i;
        if ((int)i == r) {
            const kpe_section *ps = &img->sections[p];
            pdata_new_rva =
                (uint32_t)align_up((uint64_t)sec[k].vaddr + kpe_section_vlen(&sec[k]), 4);
            sec[k].vsize = pdata_new_rva - sec[k].vaddr + kpe_section_vlen(ps);
        } else if (r >= 0 && (int)i > p) { /* .reloc: right after the grown section */
            sec[k].vaddr =
                (uint32_t)align_up((uint64_t)sec[k - 1].vaddr + kpe_section_vlen(&sec[k - 1]), sa);
        }
        k++;
    }

    /* Headers: keep the PE header where it is unless moving it to 0x40 saves a block. */
    uint32_t lfanew = img->e_lfanew;
    uint64_t hdr_end = (uint64_t)lfanew + 24 + img->opt_size + 40ull * nnew;
    uint32_t soh = img->size_of_headers;
    if (align_up(hdr_end, fa) < soh)
        soh = (uint32_t)align_up(hdr_end, fa); /* fewer sections alone were enough */
    if (lfanew > 0x40) {
        uint64_t e = 0x40 + 24 + (uint64_t)img->opt_size + 40ull * nnew;
        if (align_up(e, fa) < soh) {
            char m[96];
            snprintf(m, sizeof m, "DOS stub removed (headers 0x%x -> 0x%x)", img->size_of_headers,
                     (unsigned)align_up(e, fa));
            note(res->changes, sizeof res->changes, m);
            lfanew = 0x40;
            hdr_end = e;
            soh = (uint32_t)align_up(e, fa);
        }
    }
    if (soh < hdr_end || (nnew && soh > sec[0].vaddr)) {
        snprintf(res->error, sizeof res->error, "internal: headers do not fit");
        return -1;
    }
    if (r < 0 && lfanew == img->e_lfanew && soh == img->size_of_headers)
        return 0;
    if (r >= 0) {
        char m[96];
        snprintf(m, sizeof m, ".pdata folded into %s", img->sections[r].name);
        note(res->changes, sizeof res->changes, m);
    }

    /* Raw layout. */
    uint64_t fpos = soh;
    int64_t idata_delta = 0;
    for (unsigned i = 0; i < nnew; i++) {
        const kpe_section *o = &img->sections[src[i]];
        if ((int)src[i] == r) {
            sec[i].raw_size = (uint32_t)align_up(sec[i].vsize, fa);
            idata_delta += (int64_t)sec[i].raw_size - o->raw_size - img->sections[p].raw_size;
        }
        sec[i].raw_off = sec[i].raw_size ? (uint32_t)fpos : 0;
        fpos += sec[i].raw_size;
    }
    if (fpos > size) { /* e.g. a huge VirtualSize to fold into: never worth a copy */
        note(res->skipped, sizeof res->skipped, "left alone: the result would be larger");
        return 0;
    }
    uint8_t *b = calloc(1, (size_t)fpos ? (size_t)fpos : 1);
    if (!b) {
        snprintf(res->error, sizeof res->error, "out of memory");
        return -1;
    }
    /* DOS header (64 bytes; the stub after it is dropped when lfanew moved), PE headers. */
    memcpy(b, data, img->e_lfanew < 0x40 ? img->e_lfanew : 0x40);
    if (lfanew == img->e_lfanew)
        memcpy(b, data, lfanew);
    put32(b + 0x3c, lfanew);
    memcpy(b + lfanew, data + img->e_lfanew, 24 + (size_t)img->opt_size);
    uint8_t *nfh = b + lfanew + 4, *opt = b + lfanew + 24;
    put16(nfh + 2, nnew);
    size_t sh = lfanew + 24 + (size_t)img->opt_size;
    for (unsigned i = 0; i < nnew; i++) {
        uint8_t *h = b + sh + 40u * i;
        memcpy(h, data + img->sections[src[i]].hdr_off, 40);
        put32(h + 8, sec[i].vsize);
        put32(h + 12, sec[i].vaddr);
        put32(h + 16, sec[i].raw_size);
        put32(h + 20, sec[i].raw_off);
    }
    /* Raw data. */
    for (unsigned i = 0; i < nnew; i++) {
        const kpe_section *o = &img->sections[src[i]];
        uint32_t n = o->raw_size;
        if ((int)src[i] == r && n > kpe_section_vlen(o))
            n = kpe_section_vlen(o); /* the padding after it now holds .pdata */
        memcpy(b + sec[i].raw_off, data + o->raw_off, n);
        if ((int)src[i] == r) {
            const kpe_section *ps = &img->sections[p];
            uint32_t pn = ps->raw_size < kpe_section_vlen(ps) ? ps->raw_size : kpe_section_vlen(ps);
            memcpy(b + sec[i].raw_off + (pdata_new_rva - sec[i].vaddr), data + ps->raw_off, pn);
        }
    }
    /* Optional header fields. */
    const kpe_section *last = &sec[nnew - 1];
    put32(opt + 56, (uint32_t)align_up((uint64_t)last->vaddr + kpe_section_vlen(last), sa));
    put32(opt + 60, soh);
    put32(opt + 8, (uint32_t)((int64_t)rd32(opt + 8) + idata_delta)); /* SizeOfInitializedData */
    size_t dirs = img->pe32plus ? 112 : 96;
    if (r >= 0) {
        put32(opt + dirs + 8 * KPE_DIR_EXCEPTION, pdata_new_rva);
        if (p == (int)img->nsections - 2 && img->dirs[KPE_DIR_BASERELOC].size)
            put32(opt + dirs + 8 * KPE_DIR_BASERELOC, last->vaddr);
        if (!img->pe32plus) { /* BaseOfData, should it name a section that moved */
            uint32_t bod = rd32(opt + 24);
            if (bod == img->sections[p].vaddr)
                put32(opt + 24, pdata_new_rva);
            else if (p == (int)img->nsections - 2 && bod == img->sections[p + 1].vaddr)
                put32(opt + 24, last->vaddr);
        }
    }
    /* The CET mark's file offsets: its sections kept their RVAs but not their raw offsets. */
    for (int k = 0; k < ndbg; k++) {
        uint32_t at = img->dirs[DIR_DEBUG].rva + 28u * (uint32_t)k;
        size_t doff = 0, poff = 0;
        for (unsigned i = 0; i < nnew; i++) {
            uint64_t lo = sec[i].vaddr, hi = lo + sec[i].raw_size;
            if (at >= lo && (uint64_t)at + 28 <= hi)
                doff = sec[i].raw_off + (at - sec[i].vaddr);
            if (dbg[k].rva >= lo && (uint64_t)dbg[k].rva + dbg[k].size <= hi)
                poff = sec[i].raw_off + (dbg[k].rva - sec[i].vaddr);
        }
        if (!doff || !poff) {
            free(b);
            note(res->skipped, sizeof res->skipped,
                 "left alone: the CET mark is not stored in the file");
            return 0;
        }
        put32(b + doff + 24, dbg[k].ptr ? (uint32_t)poff : 0);
    }
    size_t ck = lfanew + 24 + 64;
    put32(b + ck, kpe_checksum(b, (size_t)fpos, ck));
    *out = b;
    *out_size = (size_t)fpos;
    res->new_size = (size_t)fpos;
    return 1;
}
