/* pebuild.c - builds small, valid driver images in memory for tests and seeds. */
#include "pebuild.h"

#include "pe.h"

#include <stdlib.h>
#include <string.h>

void pb_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
void pb_put32(uint8_t *p, uint32_t v)
{
    pb_put16(p, v);
    pb_put16(p + 2, v >> 16);
}
static void put64(uint8_t *p, uint64_t v)
{
    pb_put32(p, (uint32_t)v);
    pb_put32(p + 4, (uint32_t)(v >> 32));
}
uint32_t pb_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static const char *const default_nt[] = {"DbgPrint", "IoCreateDevice", NULL};
static const char *const default_hal[] = {"KeGetCurrentIrql", NULL};
static const pb_import default_imports[] = {{"ntoskrnl.exe", default_nt, 0},
                                            {"HAL.dll", default_hal, 0}};

#define RDATA_MAX 0x10000

/* Lay out import tables in .rdata (at VA BASE, file offset RAW) and .data (delay IAT/handles at
 * DVA), then the x64 extras: unwind info and the exception directory, the CET debug entry. */
static uint32_t build_rdata(const pb_opts *o, uint8_t *r, uint32_t base, uint32_t raw, uint32_t dva,
                            pb_image *img, int pe32)
{
    const pb_import *im = o->imports ? o->imports : default_imports;
    size_t n = o->imports ? o->nimports : 2;
    size_t esz = pe32 ? 4 : 8;
    size_t nn = 0, nd = 0;
    for (size_t i = 0; i < n; i++)
        im[i].delay ? nd++ : nn++;
    uint32_t off = 0;
    uint32_t desc = off;
    off += (uint32_t)(nn + 1) * 20;
    uint32_t ddesc = off;
    if (nd)
        off += (uint32_t)(nd + 1) * 32;
    uint32_t iat_start = 0, iat_end = 0;
    size_t di = 0, ddi = 0;
    uint32_t dslot = dva; /* delay IATs and module handles live in .data */
    for (size_t i = 0; i < n; i++) {
        size_t nf = 0;
        while (im[i].funcs[nf])
            nf++;
        uint32_t ilt = off;
        off += (uint32_t)((nf + 1) * esz);
        uint32_t iat = off;
        if (!im[i].delay) {
            if (!iat_start)
                iat_start = iat;
            off += (uint32_t)((nf + 1) * esz);
            iat_end = off;
        }
        for (size_t k = 0; k < nf; k++) {
            const char *fn = im[i].funcs[k];
            uint64_t v;
            if (fn[0] == '#') {
                v = (uint64_t)atoi(fn + 1) | (pe32 ? 0x80000000ull : 0x8000000000000000ull);
            } else {
                v = base + off;
                pb_put16(r + off, (uint32_t)k);
                memcpy(r + off + 2, fn, strlen(fn) + 1);
                off = align_up(off + 2 + (uint32_t)strlen(fn) + 1, 2);
            }
            if (pe32) {
                pb_put32(r + ilt + k * 4, (uint32_t)v);
                if (!im[i].delay)
                    pb_put32(r + iat + k * 4, (uint32_t)v);
            } else {
                put64(r + ilt + k * 8, v);
                if (!im[i].delay)
                    put64(r + iat + k * 8, v);
            }
        }
        uint32_t name = off;
        memcpy(r + off, im[i].dll, strlen(im[i].dll) + 1);
        off = align_up(off + (uint32_t)strlen(im[i].dll) + 1, 4);
        if (!im[i].delay) {
            uint8_t *d = r + desc + 20 * di++;
            pb_put32(d, base + ilt);
            pb_put32(d + 12, base + name);
            pb_put32(d + 16, base + iat);
        } else {
            uint8_t *d = r + ddesc + 32 * ddi++;
            pb_put32(d, 1); /* RVA-based */
            pb_put32(d + 4, base + name);
            pb_put32(d + 8, dslot);      /* module handle */
            pb_put32(d + 12, dslot + 8); /* IAT (left zero; fine for parsing) */
            pb_put32(d + 16, base + ilt);
            dslot += 8 + (uint32_t)((nf + 1) * esz);
        }
    }
    if (nn)
        pb_set_dir(img, KPE_DIR_IMPORT, base + desc, (uint32_t)(nn + 1) * 20);
    if (nd)
        pb_set_dir(img, KPE_DIR_DELAY_IMPORT, base + ddesc, (uint32_t)(nd + 1) * 32);
    if (iat_start)
        pb_set_dir(img, 12, base + iat_start, iat_end - iat_start);
    off = align_up(off, 4);
    if (!pe32 && o->pdata) {
        /* UNWIND_INFO v1: prolog 4 bytes, 1 code (UWOP_ALLOC_SMALL 0x28 at offset 4), padded */
        static const uint8_t unwind[8] = {0x01, 0x04, 0x01, 0x00, 0x04, 0x42, 0x00, 0x00};
        memcpy(r + off, unwind, sizeof unwind);
        img->unwind_rva = base + off;
        off += 8;
        for (uint32_t k = 0; k < 2; k++) { /* RUNTIME_FUNCTIONs: .text+0x10, .text+0x20 */
            pb_put32(r + off + 12 * k, 0x1010 + 0x10 * k);
            pb_put32(r + off + 12 * k + 4, 0x101b + 0x10 * k);
            pb_put32(r + off + 12 * k + 8, img->unwind_rva);
        }
        img->pdata_rva = base + off;
        pb_set_dir(img, KPE_DIR_EXCEPTION, base + off, 24);
        off += 24;
    }
    if (!pe32 && !o->no_cet) { /* IMAGE_DEBUG_DIRECTORY type 20 and its payload, CET_COMPAT */
        pb_put32(r + off + 12, 20);
        pb_put32(r + off + 16, 4);
        pb_put32(r + off + 20, base + off + 28);
        pb_put32(r + off + 24, raw + off + 28);
        pb_put32(r + off + 28, 1);
        img->debug_rva = base + off;
        pb_set_dir(img, KPE_DIR_DEBUG, base + off, 28);
        off += 32;
    }
    return off;
}

void pb_set_dir(pb_image *img, int idx, uint32_t rva, uint32_t size)
{
    pb_put32(img->data + img->dirs_off + (size_t)idx * 8, rva);
    pb_put32(img->data + img->dirs_off + (size_t)idx * 8 + 4, size);
}

void pb_update_checksum(pb_image *img)
{
    pb_put32(img->data + img->checksum_off, kpe_checksum(img->data, img->size, img->checksum_off));
}

const pb_sec *pb_sec_by_name(const pb_image *img, const char *name)
{
    for (unsigned i = 0; i < img->nsecs; i++)
        if (strcmp(img->secs[i].name, name) == 0)
            return &img->secs[i];
    return NULL;
}

int pb_build(const pb_opts *o, pb_image *out)
{
    int pe32 = o->pe32;
    uint32_t NP = KPE_SCN_MEM_NOT_PAGED, DISC = KPE_SCN_MEM_DISCARDABLE;
    int fixed = !o->unfixed;
    struct plan_entry {
        const char *name;
        uint32_t chars;
        int on;
    } plan[] = {
        {".text", 0x60000020u | (fixed ? NP : 0), 1},
        {".rdata", 0x40000040u | (fixed ? NP : 0), 1},
        {".data", 0xc0000040u | (fixed ? NP : 0), 1},
        {"PAGE", 0x60000020u, o->page},
        {"INIT", 0x60000020u | (fixed ? DISC : 0), o->init},
        {".rsrc", 0x40000040u | (fixed ? DISC : 0), o->rsrc},
        {".reloc", 0x42000040u, 1},
    };
    size_t nplan = sizeof plan / sizeof plan[0];
    if (o->rdata_last) { /* .text .data ... .rdata .reloc */
        struct plan_entry r = plan[1];
        memmove(&plan[1], &plan[2], (nplan - 3) * sizeof plan[0]);
        plan[nplan - 2] = r;
    }
    uint8_t *rdata = calloc(1, RDATA_MAX);
    if (!rdata)
        return -1;
    memset(out, 0, sizeof *out);
    uint32_t data_size = o->data_size ? align_up(o->data_size, 0x200) : 0x200;
    /* Sections are laid out first with fixed sizes, .rdata sized by its content. */
    uint32_t opt_size = pe32 ? 0xe0 : 0xf0;
    uint32_t lfanew = 0x80;
    uint32_t sect_off = lfanew + 24 + opt_size;
    unsigned nsec = 0;
    for (size_t i = 0; i < nplan; i++)
        nsec += plan[i].on ? 1u : 0u;
    uint32_t hdr_size = align_up(sect_off + nsec * 40, 0x200);
    /* A first pass to learn the .rdata size: it only depends on its own VA. */
    pb_image tmp;
    memset(&tmp, 0, sizeof tmp);
    uint8_t scratch_hdr[0x400];
    memset(scratch_hdr, 0, sizeof scratch_hdr);
    tmp.data = scratch_hdr;
    tmp.dirs_off = lfanew + 24 + (pe32 ? 96 : 112);
    uint32_t rdata_len = build_rdata(o, rdata, 0x2000, 0, 0, &tmp, pe32);
    memset(rdata, 0, RDATA_MAX);
    uint32_t rdata_vsize = rdata_len > o->rdata_size ? rdata_len : o->rdata_size;

    uint32_t va = 0x1000, raw = hdr_size;
    uint32_t sizes[sizeof plan / sizeof plan[0]];
    for (size_t i = 0; i < nplan; i++) {
        uint32_t s = 0x200;
        if (strcmp(plan[i].name, ".rdata") == 0)
            s = align_up(rdata_vsize, 0x200);
        if (strcmp(plan[i].name, ".data") == 0)
            s = data_size;
        sizes[i] = s;
    }
    for (size_t i = 0; i < nplan; i++) {
        if (!plan[i].on)
            continue;
        pb_sec *s = &out->secs[out->nsecs];
        strcpy(s->name, plan[i].name);
        s->va = va;
        s->raw = raw;
        s->size = sizes[i];
        s->hdr_off = sect_off + out->nsecs * 40u;
        out->nsecs++;
        va += align_up(sizes[i], 0x1000);
        raw += sizes[i];
    }
    out->size = raw;
    out->data = calloc(1, raw);
    if (!out->data) {
        free(rdata);
        return -1;
    }
    uint8_t *d = out->data;
    out->opt_off = lfanew + 24;
    out->checksum_off = out->opt_off + 64;
    out->dirs_off = out->opt_off + (pe32 ? 96 : 112);
    d[0] = 'M';
    d[1] = 'Z';
    pb_put32(d + 0x3c, lfanew);
    memcpy(d + lfanew, "PE\0\0", 4);
    uint8_t *fh = d + lfanew + 4;
    pb_put16(fh, pe32 ? KPE_MACHINE_I386 : KPE_MACHINE_AMD64);
    pb_put16(fh + 2, out->nsecs);
    pb_put16(fh + 16, opt_size);
    pb_put16(fh + 18, pe32 ? 0x2102 : 0x2022);
    uint8_t *oh = d + out->opt_off;
    pb_put16(oh, pe32 ? KPE_MAGIC_PE32 : KPE_MAGIC_PE32PLUS);
    oh[2] = 2;
    oh[3] = 40;
    pb_put32(oh + 4, 0x200);
    pb_put32(oh + 16, 0x1000); /* AddressOfEntryPoint: start of .text */
    pb_put32(oh + 20, 0x1000);
    if (pe32) {
        pb_put32(oh + 24, 0x2000);
        pb_put32(oh + 28, 0x10000);
    } else {
        put64(oh + 24, 0x140000000ull);
    }
    pb_put32(oh + 32, 0x1000);
    pb_put32(oh + 36, 0x200);
    pb_put16(oh + 40, 6);
    pb_put16(oh + 42, 1);
    pb_put16(oh + 48, 6);
    pb_put16(oh + 50, 1);
    pb_put32(oh + 56, va); /* SizeOfImage */
    pb_put32(oh + 60, hdr_size);
    pb_put16(oh + 68, KPE_SUBSYSTEM_NATIVE);
    pb_put16(oh + 70, pe32 ? 0x0140 : 0x0160);
    if (pe32) {
        pb_put32(oh + 72, 0x40000);
        pb_put32(oh + 76, 0x1000);
        pb_put32(oh + 80, 0x100000);
        pb_put32(oh + 84, 0x1000);
        pb_put32(oh + 92, 16);
    } else {
        put64(oh + 72, 0x40000);
        put64(oh + 80, 0x1000);
        put64(oh + 88, 0x100000);
        put64(oh + 96, 0x1000);
        pb_put32(oh + 108, 16);
    }
    for (unsigned i = 0, k = 0; i < nplan; i++) {
        if (!plan[i].on)
            continue;
        pb_sec *s = &out->secs[k++];
        uint8_t *sh = d + s->hdr_off;
        memcpy(sh, s->name, strlen(s->name));
        int exact = o->rdata_size && strcmp(s->name, ".rdata") == 0;
        pb_put32(sh + 8, exact ? rdata_vsize : s->size); /* VirtualSize */
        pb_put32(sh + 12, s->va);
        pb_put32(sh + 16, s->size);
        pb_put32(sh + 20, s->raw);
        pb_put32(sh + 36, plan[i].chars);
    }
    /* .text: xor eax,eax; ret */
    const pb_sec *t = pb_sec_by_name(out, ".text");
    d[t->raw] = 0x31;
    d[t->raw + 1] = 0xc0;
    d[t->raw + 2] = 0xc3;
    if (!pe32 && o->pdata) { /* sub rsp,0x28; xor eax,eax; add rsp,0x28; ret */
        static const uint8_t fn[11] = {0x48, 0x83, 0xec, 0x28, 0x31, 0xc0,
                                       0x48, 0x83, 0xc4, 0x28, 0xc3};
        memcpy(d + t->raw + 0x10, fn, sizeof fn);
        memcpy(d + t->raw + 0x20, fn, sizeof fn);
    }
    const pb_sec *rd = pb_sec_by_name(out, ".rdata");
    const pb_sec *dt = pb_sec_by_name(out, ".data");
    build_rdata(o, rdata, rd->va, rd->raw, dt->va, out, pe32);
    memcpy(d + rd->raw, rdata, rdata_len);
    free(rdata);
    const pb_sec *rl = pb_sec_by_name(out, ".reloc");
    uint8_t *rb = d + rl->raw; /* one block: page 0x1000, one fixup + padding */
    pb_put32(rb, 0x1000);
    pb_put32(rb + 4, 12);
    pb_put16(rb + 8, (pe32 ? 0x3000u : 0xa000u) | 0x10u);
    pb_set_dir(out, KPE_DIR_BASERELOC, rl->va, 12);
    const pb_sec *rs = pb_sec_by_name(out, ".rsrc");
    if (rs) /* empty IMAGE_RESOURCE_DIRECTORY */
        pb_set_dir(out, KPE_DIR_RESOURCE, rs->va, 16);
    if (o->tls)
        pb_set_dir(out, KPE_DIR_TLS, dt->va + 0x100, pe32 ? 0x18 : 0x28);
    pb_update_checksum(out);
    return 0;
}

int pb_sign(pb_image *img, uint32_t len)
{
    size_t off = (img->size + 7) & ~(size_t)7;
    uint8_t *p = realloc(img->data, off + len);
    if (!p)
        return -1;
    memset(p + img->size, 0, off + len - img->size);
    img->data = p;
    img->size = off + len;
    pb_put32(p + off, len);       /* dwLength */
    pb_put16(p + off + 4, 0x200); /* WIN_CERT_REVISION_2_0 */
    pb_put16(p + off + 6, 2);     /* WIN_CERT_TYPE_PKCS_SIGNED_DATA */
    for (uint32_t i = 8; i < len; i++)
        p[off + i] = (uint8_t)(i * 7);
    pb_set_dir(img, KPE_DIR_SECURITY, (uint32_t)off, len);
    pb_update_checksum(img);
    return 0;
}

void pb_free(pb_image *img)
{
    free(img->data);
    img->data = NULL;
}
