/* fix.c - post-link fixup: section paging flags and checksum. */
#include "fix.h"

#include <stdio.h>
#include <string.h>

uint32_t kpe_fix_section_chars(const kpe_section *s)
{
    uint32_t c = s->chars;
    int init = strcmp(s->name, "INIT") == 0;
    int rsrc = strncmp(s->name, ".rsrc", 5) == 0;
    if (init || rsrc)
        c |= KPE_SCN_MEM_DISCARDABLE;
    if (strncmp(s->name, "PAGE", 4) == 0)
        c &= ~KPE_SCN_MEM_NOT_PAGED;
    else if (!init && !rsrc && strncmp(s->name, ".edata", 6) != 0 &&
             strncmp(s->name, ".reloc", 6) != 0 && !(c & KPE_SCN_MEM_DISCARDABLE))
        c |= KPE_SCN_MEM_NOT_PAGED;
    return c;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void append(kpe_fix_result *res, const char *fmt, const char *a, const char *b)
{
    size_t used = strlen(res->changes);
    if (used < sizeof res->changes)
        snprintf(res->changes + used, sizeof res->changes - used, fmt, a, b);
}

int kpe_fix(uint8_t *data, size_t size, kpe_image *img, kpe_fix_result *res)
{
    memset(res, 0, sizeof *res);
    kpe_dir sec = img->dirs[KPE_DIR_SECURITY];
    if (sec.rva || sec.size) {
        snprintf(res->error, sizeof res->error,
                 "image is signed (certificate table at 0x%x, 0x%x bytes); fixing it would "
                 "invalidate the signature: run kmdpe fix before signing",
                 sec.rva, sec.size);
        return -1;
    }
    int changed = 0;
    for (unsigned i = 0; i < img->nsections; i++) {
        kpe_section *s = &img->sections[i];
        uint32_t want = kpe_fix_section_chars(s);
        if (want == s->chars)
            continue;
        uint32_t add = want & ~s->chars, del = s->chars & ~want;
        const char *sep = res->nchanged ? "; " : "";
        append(res, "%s%s", sep, s->name);
        if (add & KPE_SCN_MEM_DISCARDABLE)
            append(res, "%s%s", " +DISCARDABLE", "");
        if (add & KPE_SCN_MEM_NOT_PAGED)
            append(res, "%s%s", " +NOT_PAGED", "");
        if (del & KPE_SCN_MEM_NOT_PAGED)
            append(res, "%s%s", " -NOT_PAGED", "");
        put32(data + s->hdr_off + 36, want);
        s->chars = want;
        res->nchanged++;
        changed = 1;
    }
    res->old_checksum = img->checksum;
    res->new_checksum = kpe_checksum(data, size, img->checksum_off);
    if (res->new_checksum != img->checksum) {
        put32(data + img->checksum_off, res->new_checksum);
        changed = 1;
    }
    img->checksum = img->checksum_computed = res->new_checksum;
    return changed;
}
