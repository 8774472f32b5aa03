/* rules_layout.c - layout rules the loader and HVCI enforce: KPE018 section-contiguous, KPE019
 * section-pages, KPE020 iat-not-executable, KPE021 reloc-targets (malformed relocation blocks
 * are KPE009), and KPE024 import-by-ordinal. */
#include "bytes.h"
#include "rules_impl.h"

#include <stdio.h>

#define PAGE 0x1000u

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

static int is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* KPE018. Gaps and SizeOfImage only: overlaps, misaligned starts and sections past SizeOfImage
 * are KPE008's. */
static void check_contiguous(const kpe_image *img, kpe_findings *out)
{
    uint32_t sa = img->section_align;
    if (!img->nsections || !is_pow2(sa))
        return; /* KPE007 */
    uint64_t expect = align_up(img->size_of_headers, sa), maxend = 0;
    char prev[40] = "the headers";
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        uint32_t vlen = kpe_section_vlen(s);
        if (!vlen)
            kpe_add_finding(out, R_CONTIG,
                            "section %u (%s) is empty: VirtualSize and SizeOfRawData are 0", i + 1,
                            s->name);
        if (s->vaddr > expect)
            kpe_add_finding(out, R_CONTIG,
                            "virtual gap: section %u (%s) starts at RVA 0x%x, but the end of %s, "
                            "rounded up to SectionAlignment, is 0x%llx",
                            i + 1, s->name, s->vaddr, prev, (unsigned long long)expect);
        uint64_t end = (uint64_t)s->vaddr + vlen;
        if (end > maxend)
            maxend = end;
        if (align_up(end, sa) > expect || s->vaddr > expect)
            expect = align_up(end, sa);
        snprintf(prev, sizeof prev, "section %u (%s)", i + 1, s->name);
    }
    if (img->size_of_image != expect && img->size_of_image >= maxend)
        kpe_add_finding(out, R_CONTIG,
                        "SizeOfImage 0x%x is not 0x%llx, the end of the last section rounded up "
                        "to SectionAlignment",
                        img->size_of_image, (unsigned long long)expect);
}

/* KPE019: only where KPE008 (a multiple of SectionAlignment) does not already say it. */
static void check_pages(const kpe_image *img, kpe_findings *out)
{
    uint32_t sa = img->section_align;
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        if ((s->vaddr & (PAGE - 1)) && !(is_pow2(sa) && (s->vaddr & (sa - 1))))
            kpe_add_finding(out, R_PAGES,
                            "section %u (%s) at RVA 0x%x does not start on a 4 KiB page "
                            "(SectionAlignment 0x%x)",
                            i + 1, s->name, s->vaddr, sa);
    }
}

/* Index of an executable section that [RVA, RVA+LEN) touches, or -1. */
static int exec_section_in(const kpe_image *img, uint64_t rva, uint64_t len)
{
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        uint64_t lo = s->vaddr, hi = lo + kpe_section_vlen(s);
        if (kpe_is_exec(s) && rva < hi && lo < rva + len)
            return (int)i;
    }
    return -1;
}

/* KPE020. */
static void check_iat(const kpe_image *img, kpe_findings *out)
{
    kpe_dir iat = img->ndirs > KPE_DIR_IAT ? img->dirs[KPE_DIR_IAT] : (kpe_dir){0, 0};
    int i = iat.size ? exec_section_in(img, iat.rva, iat.size) : -1;
    if (i >= 0)
        kpe_add_finding(out, R_IAT,
                        "the IAT (data directory 12, RVA 0x%x+0x%x) lies in executable section "
                        "%d (%s)",
                        iat.rva, iat.size, i + 1, img->sections[i].name);
    uint64_t esz = img->pe32plus ? 8 : 4;
    for (size_t k = 0; k < img->ndlls; k++) {
        const kpe_dll *d = &img->dlls[k];
        uint64_t len = (d->nfuncs + 1) * esz;
        if (!d->iat_rva || (iat.size && d->iat_rva >= iat.rva &&
                            d->iat_rva + len <= (uint64_t)iat.rva + iat.size && i >= 0))
            continue; /* no IAT, or reported above */
        int j = exec_section_in(img, d->iat_rva, len);
        if (j >= 0) {
            char pn[128];
            kpe_printable(pn, sizeof pn, kpe_str_ptr(img, d->name), d->name.len);
            kpe_add_finding(
                out, R_IAT, "the %sIAT of %s (RVA 0x%x) lies in executable section %d (%s)",
                d->delay ? "delay-load " : "", pn, d->iat_rva, j + 1, img->sections[j].name);
        }
    }
}

static const char *reloc_name(unsigned type)
{
    static const char *const names[] = {"ABSOLUTE", "HIGH", "LOW", "HIGHLOW", "HIGHADJ", "5",
                                        "6",        "7",    "8",   "9",       "DIR64",   "11",
                                        "12",       "13",   "14",  "15"};
    return names[type & 15];
}

/* Bytes a relocation of TYPE patches, or 0 when the loader does not apply it on MACHINE. */
static unsigned reloc_width(uint16_t machine, unsigned type)
{
    switch (type) {
    case 3: /* HIGHLOW */
        return 4;
    case 10: /* DIR64 */
        return machine == KPE_MACHINE_I386 ? 0 : 8;
    case 1: /* HIGH, LOW, HIGHADJ */
    case 2:
    case 4:
        return machine == KPE_MACHINE_AMD64 ? 0 : 2;
    default:
        return 0;
    }
}

/* KPE021, and KPE009 for blocks the loader could not walk. Reads are bounded by the directory
 * size; a block that maps nowhere or has a bad size ends the walk. */
static void check_relocs(const kpe_image *img, kpe_findings *out)
{
    kpe_dir d = img->dirs[KPE_DIR_BASERELOC];
    if (!d.rva || !d.size)
        return; /* KPE009 */
    kpe_cap cap = {out, R_RELOC_SPAN, 0};
    /* HVCI exists on 64-bit Windows only; x86 code carries absolute addresses anywhere, across
     * pages too, and the x86 loader applies them. */
    int hvci = img->machine == KPE_MACHINE_AMD64 || img->machine == KPE_MACHINE_ARM64;
    uint64_t off = 0;
    while (off + 8 <= d.size) {
        uint8_t h[8];
        uint64_t at = d.rva + off;
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, h, sizeof h)) {
            kpe_add_finding(out, R_RELOC, "base relocation block at RVA 0x%llx maps to no section",
                            (unsigned long long)at);
            break;
        }
        uint32_t page = kpe_ld32(h), bsz = kpe_ld32(h + 4);
        if (bsz < 8 || bsz > d.size - off || (bsz & 1)) {
            kpe_add_finding(out, R_RELOC,
                            "base relocation block at RVA 0x%llx (page 0x%x) has SizeOfBlock 0x%x; "
                            "it must be even, at least 8 and within the directory (0x%llx left)",
                            (unsigned long long)at, page, bsz, (unsigned long long)(d.size - off));
            break;
        }
        /* Entries past the file-backed bytes read as zero (ABSOLUTE, padding) or not at all:
         * only the stored ones are walked, so a huge SizeOfBlock over zero fill costs nothing. */
        size_t stored = kpe_rva_file_bytes(img, (uint32_t)at);
        uint32_t end = stored < bsz ? (uint32_t)stored : bsz;
        uint8_t w[2];
        for (uint32_t e = 8; e + 2 <= end; e += 2) {
            if (!kpe_read_rva(img, (uint32_t)(at + e), w, 2))
                break;
            unsigned ent = kpe_ld16(w), type = ent >> 12;
            uint64_t target = (uint64_t)page + (ent & 0xfffu);
            if (type == 0)
                continue;
            unsigned width = reloc_width(img->machine, type);
            if (type == 4)
                e += 2; /* HIGHADJ: the next entry is its parameter */
            if (!width) {
                kpe_cap_add(&cap,
                            "base relocation of type %u (%s) at RVA 0x%llx: not a type the "
                            "loader applies to %s images",
                            type, reloc_name(type), (unsigned long long)target,
                            kpe_machine_name(img->machine));
                continue;
            }
            if (hvci && (target & (PAGE - 1)) + width > PAGE)
                kpe_cap_add(&cap,
                            "%s relocation at RVA 0x%llx patches %u bytes across a 4 KiB page "
                            "boundary",
                            reloc_name(type), (unsigned long long)target, width);
            int si = target <= UINT32_MAX ? kpe_section_index_at(img, (uint32_t)target) : -1;
            if (si < 0 || target + width > (uint64_t)img->sections[si].vaddr +
                                               kpe_section_vlen(&img->sections[si]))
                kpe_cap_add(&cap, "%s relocation at RVA 0x%llx patches bytes outside every section",
                            reloc_name(type), (unsigned long long)target);
        }
        off += bsz;
    }
    kpe_cap_done(&cap, "relocation findings");
}

/* KPE024. */
static void check_ordinals(const kpe_image *img, kpe_findings *out)
{
    kpe_cap cap = {out, R_ORDINAL, 0};
    for (size_t k = 0; k < img->ndlls; k++) {
        const kpe_dll *d = &img->dlls[k];
        char pn[128];
        kpe_printable(pn, sizeof pn, kpe_str_ptr(img, d->name), d->name.len);
        for (size_t f = 0; f < d->nfuncs; f++) {
            const kpe_func *fn = &img->funcs[d->first_func + f];
            if (fn->by_ordinal)
                kpe_cap_add(&cap,
                            "%s %s ordinal %u; import it by name (the ordinals of kernel "
                            "modules change between Windows builds)",
                            d->delay ? "delay-imports" : "imports", pn, fn->ordinal);
        }
    }
    kpe_cap_done(&cap, "imports by ordinal");
}

void kpe_check_layout_hvci(const kpe_image *img, kpe_findings *out)
{
    check_contiguous(img, out);
    check_pages(img, out);
    check_iat(img, out);
    check_relocs(img, out);
    check_ordinals(img, out);
}
