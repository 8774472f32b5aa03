/* debugdir.c - the debug directory (data directory 6) and the CET mark it can carry. */
#include "debugdir.h"

#include "bytes.h"

#include <stdio.h>
#include <string.h>

int kpe_debug_entries(const kpe_image *img, kpe_debug_entry *out, size_t max, char *msg,
                      size_t msglen)
{
    kpe_dir d = img->ndirs > KPE_DIR_DEBUG ? img->dirs[KPE_DIR_DEBUG] : (kpe_dir){0, 0};
    if (!d.rva && !d.size)
        return 0;
    if (!d.rva || !d.size || d.size % KPE_DEBUG_ENTRY_SIZE) {
        snprintf(msg, msglen, "debug directory 0x%x+0x%x is not a whole number of 28-byte entries",
                 d.rva, d.size);
        return -1;
    }
    uint32_t n = d.size / KPE_DEBUG_ENTRY_SIZE;
    if (n > KPE_MAX_DEBUG_ENTRIES || n > max) {
        snprintf(msg, msglen, "debug directory has %u entries (at most %u expected)", n,
                 KPE_MAX_DEBUG_ENTRIES);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint8_t b[KPE_DEBUG_ENTRY_SIZE];
        uint64_t at = (uint64_t)d.rva + (uint64_t)i * KPE_DEBUG_ENTRY_SIZE;
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, sizeof b)) {
            snprintf(msg, msglen, "debug directory entry %u at RVA 0x%llx maps to no section", i,
                     (unsigned long long)at);
            return -1;
        }
        kpe_debug_entry *e = &out[i];
        e->chars = kpe_ld32(b);
        e->timestamp = kpe_ld32(b + 4);
        e->major = kpe_ld16(b + 8);
        e->minor = kpe_ld16(b + 10);
        e->type = kpe_ld32(b + 12);
        e->size = kpe_ld32(b + 16);
        e->rva = kpe_ld32(b + 20);
        e->ptr = kpe_ld32(b + 24);
    }
    return (int)n;
}

void kpe_cet_status(const kpe_image *img, kpe_cet_info *ci)
{
    kpe_debug_entry e[KPE_MAX_DEBUG_ENTRIES];
    memset(ci, 0, sizeof *ci);
    ci->entry = -1;
    int n = kpe_debug_entries(img, e, KPE_MAX_DEBUG_ENTRIES, ci->detail, sizeof ci->detail);
    ci->nentries = n;
    if (n < 0) {
        ci->state = KPE_CET_BAD;
        return;
    }
    if (n == 0) {
        ci->state = KPE_CET_NO_DEBUG_DIR;
        return;
    }
    for (int i = 0; i < n; i++)
        if (e[i].type == KPE_DEBUG_TYPE_EX_DLLCHARACTERISTICS) {
            ci->entry = i;
            break;
        }
    if (ci->entry < 0) {
        ci->state = KPE_CET_NO_ENTRY;
        return;
    }
    const kpe_debug_entry *x = &e[ci->entry];
    uint8_t p[4];
    ci->state = KPE_CET_BAD;
    /* The kernel reads the payload from the mapped image, at AddressOfRawData. */
    if (x->size < 4 || !x->rva || !kpe_read_rva(img, x->rva, p, sizeof p)) {
        snprintf(ci->detail, sizeof ci->detail,
                 "debug entry %d (EX_DLLCHARACTERISTICS): payload RVA 0x%x, size %u: not 4 "
                 "bytes inside the image",
                 ci->entry, x->rva, x->size);
        return;
    }
    size_t off = 0;
    ci->payload_in_file = kpe_rva_to_off(img, x->rva, 4, &off);
    ci->payload_off = off;
    if (x->ptr && (!ci->payload_in_file || off != x->ptr)) {
        snprintf(ci->detail, sizeof ci->detail,
                 "debug entry %d (EX_DLLCHARACTERISTICS): PointerToRawData 0x%x is not where "
                 "AddressOfRawData 0x%x lies in the file",
                 ci->entry, x->ptr, x->rva);
        return;
    }
    ci->ex_flags = kpe_ld32(p);
    ci->state = (ci->ex_flags & KPE_DLLCHAR_EX_CET_COMPAT) ? KPE_CET_MARKED : KPE_CET_NOT_SET;
}

const char *kpe_debug_type_name(uint32_t type)
{
    switch (type) {
    case 1:
        return "COFF";
    case KPE_DEBUG_TYPE_CODEVIEW:
        return "CODEVIEW";
    case 3:
        return "FPO";
    case 4:
        return "MISC";
    case 9:
        return "BORLAND";
    case 12:
        return "VC_FEATURE";
    case 13:
        return "POGO";
    case 14:
        return "ILTCG";
    case KPE_DEBUG_TYPE_REPRO:
        return "REPRO";
    case KPE_DEBUG_TYPE_EX_DLLCHARACTERISTICS:
        return "EX_DLLCHARACTERISTICS";
    default:
        return "UNKNOWN";
    }
}
