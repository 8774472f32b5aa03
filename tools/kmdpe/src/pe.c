/* pe.c - bounds-checked PE/COFF image parser. Every read goes through rd16/rd32/
 * rd64 on a range that was checked against the file size first. */
#include "pe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32);
}

/* 1 if [off, off+len) lies inside a buffer of SIZE bytes (no overflow). */
static int in_file(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static int fail(kpe_image *img, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(img->error, sizeof img->error, fmt, ap);
    va_end(ap);
    return -1;
}

uint32_t kpe_checksum(const uint8_t *data, size_t size, size_t checksum_off)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < size; i += 2) {
        /* (size_t)(k - checksum_off) < 4 <=> k is inside the CheckSum field */
        uint32_t lo = (size_t)(i - checksum_off) < 4 ? 0 : data[i];
        uint32_t hi = (i + 1 >= size || (size_t)(i + 1 - checksum_off) < 4) ? 0 : data[i + 1];
        sum += lo | (hi << 8);
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint32_t)(sum + (uint32_t)size);
}

uint32_t kpe_section_vlen(const kpe_section *s)
{
    return s->vsize ? s->vsize : s->raw_size;
}

int kpe_section_index_at(const kpe_image *img, uint32_t rva)
{
    for (int i = 0; i < (int)img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        if (rva >= s->vaddr && rva - s->vaddr < kpe_section_vlen(s))
            return i;
    }
    return -1;
}

/* Map RVA to a file offset. *favail: bytes backed by the file from *off on;
 * *zavail: further bytes of the same region that read as zero. */
static int map_rva(const kpe_image *img, uint32_t rva, size_t *off, size_t *favail, size_t *zavail)
{
    int i = kpe_section_index_at(img, rva);
    if (i >= 0) {
        const kpe_section *s = &img->sections[i];
        uint32_t vlen = kpe_section_vlen(s);
        uint32_t backed = s->raw_size < vlen ? s->raw_size : vlen;
        uint32_t delta = rva - s->vaddr;
        if (delta < backed) {
            *off = (size_t)s->raw_off + delta;
            *favail = backed - delta;
            *zavail = vlen - backed;
        } else {
            *off = 0;
            *favail = 0;
            *zavail = vlen - delta;
        }
        return 1;
    }
    uint32_t hdr = img->size_of_headers;
    if (hdr > img->size)
        hdr = (uint32_t)img->size;
    if (rva < hdr) {
        *off = rva;
        *favail = hdr - rva;
        *zavail = 0;
        return 1;
    }
    return 0;
}

int kpe_read_rva(const kpe_image *img, uint32_t rva, void *out, size_t n)
{
    size_t off, fa, za;
    if (!map_rva(img, rva, &off, &fa, &za))
        return 0;
    if (fa >= n) {
        memcpy(out, img->data + off, n);
        return 1;
    }
    if (fa + za < n)
        return 0;
    if (fa)
        memcpy(out, img->data + off, fa);
    memset((uint8_t *)out + fa, 0, n - fa);
    return 1;
}

int kpe_rva_to_off(const kpe_image *img, uint32_t rva, size_t n, size_t *off)
{
    size_t o, fa, za;
    if (!map_rva(img, rva, &o, &fa, &za) || fa < n)
        return 0;
    *off = o;
    return 1;
}

size_t kpe_rva_file_bytes(const kpe_image *img, uint32_t rva)
{
    size_t o, fa, za;
    return map_rva(img, rva, &o, &fa, &za) ? fa : 0;
}

/* Read a NUL-terminated string at RVA of at most MAXLEN bytes. 0 ok, -1 no mapping,
 * -2 no terminator. */
static int read_cstr(const kpe_image *img, uint32_t rva, size_t maxlen, kpe_str *out)
{
    size_t off, fa, za;
    if (!map_rva(img, rva, &off, &fa, &za))
        return -1;
    size_t lim = fa < maxlen ? fa : maxlen;
    const uint8_t *p = fa ? memchr(img->data + off, 0, lim) : NULL;
    if (p) {
        out->off = (uint32_t)off;
        out->len = (uint32_t)(p - (img->data + off));
        return 0;
    }
    if (lim == fa && fa < maxlen && za > 0) { /* terminated by the zero-filled tail */
        out->off = (uint32_t)off;
        out->len = (uint32_t)fa;
        return 0;
    }
    return -2;
}

const char *kpe_str_ptr(const kpe_image *img, kpe_str s)
{
    return (const char *)img->data + s.off;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int kpe_str_ieq(const kpe_image *img, kpe_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (n != s.len)
        return 0;
    const char *p = kpe_str_ptr(img, s);
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != lower((unsigned char)lit[i]))
            return 0;
    return 1;
}

static int add_func(kpe_image *img, const kpe_func *f)
{
    if (img->nfuncs == img->funcs_cap) {
        size_t cap = img->funcs_cap ? img->funcs_cap * 2 : 64;
        kpe_func *p = realloc(img->funcs, cap * sizeof *p);
        if (!p)
            return fail(img, "out of memory");
        img->funcs = p;
        img->funcs_cap = cap;
    }
    img->funcs[img->nfuncs++] = *f;
    return 0;
}

static int add_dll(kpe_image *img, kpe_str name, int delay, uint32_t iat)
{
    if (img->ndlls == img->dlls_cap) {
        size_t cap = img->dlls_cap ? img->dlls_cap * 2 : 16;
        kpe_dll *p = realloc(img->dlls, cap * sizeof *p);
        if (!p)
            return fail(img, "out of memory");
        img->dlls = p;
        img->dlls_cap = cap;
    }
    kpe_dll *d = &img->dlls[img->ndlls++];
    d->name = name;
    d->delay = (uint8_t)delay;
    d->iat_rva = iat;
    d->first_func = img->nfuncs;
    d->nfuncs = 0;
    return 0;
}

static const char *dir_label(int delay)
{
    return delay ? "delay import descriptor" : "import descriptor";
}

/* Parse the thunk array at RVA for the most recently added DLL. */
static int parse_thunks(kpe_image *img, uint32_t rva, int delay, size_t di)
{
    kpe_dll *dll = &img->dlls[img->ndlls - 1];
    int nlen = (int)dll->name.len;
    const char *nm = kpe_str_ptr(img, dll->name);
    size_t esz = img->pe32plus ? 8 : 4;
    for (size_t j = 0;; j++) {
        uint8_t b[8];
        uint64_t at = (uint64_t)rva + j * esz;
        if (j >= KPE_MAX_THUNKS_PER_DLL)
            return fail(img, "%s %zu (%.*s): more than %d thunks (unterminated thunk array?)",
                        dir_label(delay), di, nlen, nm, KPE_MAX_THUNKS_PER_DLL);
        if (img->nfuncs >= KPE_MAX_THUNKS_TOTAL)
            return fail(img, "more than %d imported functions in total", KPE_MAX_THUNKS_TOTAL);
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, esz))
            return fail(img,
                        "%s %zu (%.*s): thunk %zu at RVA 0x%llx maps to no section "
                        "(unterminated thunk array?)",
                        dir_label(delay), di, nlen, nm, j, (unsigned long long)at);
        uint64_t v = img->pe32plus ? rd64(b) : rd32(b);
        if (v == 0)
            break;
        kpe_func f;
        memset(&f, 0, sizeof f);
        uint64_t ordflag = img->pe32plus ? (1ull << 63) : (1ull << 31);
        if (v & ordflag) {
            f.by_ordinal = 1;
            f.ordinal = (uint16_t)v;
        } else {
            if (v > 0x7fffffffu)
                return fail(img, "%s %zu (%.*s): thunk %zu has invalid value 0x%llx",
                            dir_label(delay), di, nlen, nm, j, (unsigned long long)v);
            uint32_t hn = (uint32_t)v;
            uint8_t h[2];
            if (!kpe_read_rva(img, hn, h, 2))
                return fail(img, "%s %zu (%.*s): thunk %zu hint/name RVA 0x%x maps to no section",
                            dir_label(delay), di, nlen, nm, j, hn);
            f.hint = rd16(h);
            int r = read_cstr(img, hn + 2, KPE_MAX_FUNC_NAME, &f.name);
            if (r == -1)
                return fail(img, "%s %zu (%.*s): thunk %zu name RVA 0x%x maps to no section",
                            dir_label(delay), di, nlen, nm, j, hn + 2);
            if (r == -2)
                return fail(img,
                            "%s %zu (%.*s): thunk %zu name at RVA 0x%x is not NUL-terminated "
                            "within its section (max %d bytes)",
                            dir_label(delay), di, nlen, nm, j, hn + 2, KPE_MAX_FUNC_NAME);
        }
        if (add_func(img, &f))
            return -1;
        /* add_func may move img->funcs, never img->dlls */
        img->dlls[img->ndlls - 1].nfuncs++;
    }
    return 0;
}

static int read_dll_name(kpe_image *img, uint32_t rva, int delay, size_t di, kpe_str *out)
{
    int r = read_cstr(img, rva, KPE_MAX_DLL_NAME, out);
    if (r == -1)
        return fail(img, "%s %zu: DLL name RVA 0x%x maps to no section", dir_label(delay), di, rva);
    if (r == -2)
        return fail(img,
                    "%s %zu: DLL name at RVA 0x%x is not NUL-terminated within its section "
                    "(max %d bytes)",
                    dir_label(delay), di, rva, KPE_MAX_DLL_NAME);
    return 0;
}

static int parse_imports(kpe_image *img)
{
    kpe_dir d = img->dirs[KPE_DIR_IMPORT];
    if (d.rva == 0)
        return 0;
    for (size_t i = 0;; i++) {
        uint8_t b[20];
        uint64_t at = (uint64_t)d.rva + i * 20u;
        if (i >= KPE_MAX_IMPORT_DLLS)
            return fail(img, "import directory has more than %d descriptors (unterminated?)",
                        KPE_MAX_IMPORT_DLLS);
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, sizeof b))
            return fail(img,
                        "import descriptor %zu at RVA 0x%llx maps to no section "
                        "(missing terminator?)",
                        i, (unsigned long long)at);
        uint32_t oft = rd32(b), name = rd32(b + 12), ft = rd32(b + 16);
        if (name == 0 || ft == 0) /* the loader stops here too */
            break;
        kpe_str s = {0, 0};
        if (read_dll_name(img, name, 0, i, &s) || add_dll(img, s, 0, ft))
            return -1;
        if (parse_thunks(img, oft ? oft : ft, 0, i))
            return -1;
    }
    return 0;
}

static int parse_delay_imports(kpe_image *img)
{
    kpe_dir d = img->dirs[KPE_DIR_DELAY_IMPORT];
    if (d.rva == 0)
        return 0;
    for (size_t i = 0;; i++) {
        uint8_t b[32];
        uint64_t at = (uint64_t)d.rva + i * 32u;
        if (i >= KPE_MAX_IMPORT_DLLS)
            return fail(img, "delay import directory has more than %d descriptors (unterminated?)",
                        KPE_MAX_IMPORT_DLLS);
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, sizeof b))
            return fail(img,
                        "delay import descriptor %zu at RVA 0x%llx maps to no section "
                        "(missing terminator?)",
                        i, (unsigned long long)at);
        uint32_t attr = rd32(b), name = rd32(b + 4), iat = rd32(b + 12), intab = rd32(b + 16);
        if (name == 0)
            break;
        if (!(attr & 1)) { /* old-style descriptor holding VAs */
            uint32_t base = (uint32_t)img->image_base;
            name -= base;
            iat = iat ? iat - base : 0;
            intab = intab ? intab - base : 0;
        }
        kpe_str s = {0, 0};
        if (read_dll_name(img, name, 1, i, &s) || add_dll(img, s, 1, iat))
            return -1;
        uint32_t t = intab ? intab : iat;
        if (t == 0)
            return fail(img, "delay import descriptor %zu: no name table and no IAT", i);
        if (parse_thunks(img, t, 1, i))
            return -1;
    }
    return 0;
}

int kpe_parse(kpe_image *img, const uint8_t *d, size_t n)
{
    memset(img, 0, sizeof *img);
    img->data = d;
    img->size = n;
    if (n > KPE_MAX_FILE_SIZE)
        return fail(img, "file is larger than %u MiB", KPE_MAX_FILE_SIZE >> 20);
    if (n < 64)
        return fail(img, "file too small for a DOS header (0x%zx bytes, need 0x40)", n);
    if (rd16(d) != 0x5a4d)
        return fail(img, "no MZ signature");
    img->e_lfanew = rd32(d + 0x3c);
    if (!in_file(n, img->e_lfanew, 24))
        return fail(img,
                    "e_lfanew 0x%x: PE signature and file header extend past end of file (0x%zx)",
                    img->e_lfanew, n);
    if (rd32(d + img->e_lfanew) != 0x4550)
        return fail(img, "no PE signature at e_lfanew 0x%x", img->e_lfanew);
    const uint8_t *fh = d + img->e_lfanew + 4;
    img->machine = rd16(fh);
    img->nsections = rd16(fh + 2);
    img->opt_size = rd16(fh + 16);
    img->file_chars = rd16(fh + 18);
    img->opt_off = (size_t)img->e_lfanew + 24;
    if (img->nsections > KPE_MAX_SECTIONS)
        return fail(img, "NumberOfSections %u exceeds the PE limit of %d", img->nsections,
                    KPE_MAX_SECTIONS);
    if (!in_file(n, img->opt_off, 2))
        return fail(img, "optional header at 0x%zx extends past end of file (0x%zx)", img->opt_off,
                    n);
    const uint8_t *oh = d + img->opt_off;
    img->magic = rd16(oh);
    size_t fixed;
    if (img->magic == KPE_MAGIC_PE32)
        fixed = 96;
    else if (img->magic == KPE_MAGIC_PE32PLUS)
        fixed = 112;
    else
        return fail(img, "unknown optional header magic 0x%x (expected 0x10b or 0x20b)",
                    img->magic);
    img->pe32plus = img->magic == KPE_MAGIC_PE32PLUS;
    const char *fmt = img->pe32plus ? "PE32+" : "PE32";
    if (img->opt_size < fixed)
        return fail(img, "SizeOfOptionalHeader 0x%x is smaller than a %s optional header (0x%zx)",
                    img->opt_size, fmt, fixed);
    if (!in_file(n, img->opt_off, img->opt_size))
        return fail(img, "optional header 0x%zx+0x%x extends past end of file (0x%zx)",
                    img->opt_off, img->opt_size, n);
    img->entry = rd32(oh + 16);
    img->image_base = img->pe32plus ? rd64(oh + 24) : rd32(oh + 28);
    img->section_align = rd32(oh + 32);
    img->file_align = rd32(oh + 36);
    img->size_of_image = rd32(oh + 56);
    img->size_of_headers = rd32(oh + 60);
    img->checksum_off = img->opt_off + 64;
    img->checksum = rd32(oh + 64);
    img->subsystem = rd16(oh + 68);
    img->dll_chars = rd16(oh + 70);
    uint32_t nrva = rd32(oh + fixed - 4);
    img->ndirs = nrva < KPE_NUM_DIRS ? nrva : KPE_NUM_DIRS;
    if (fixed + (size_t)img->ndirs * 8 > img->opt_size)
        return fail(img, "SizeOfOptionalHeader 0x%x too small for NumberOfRvaAndSizes %u",
                    img->opt_size, nrva);
    for (uint32_t i = 0; i < img->ndirs; i++) {
        img->dirs[i].rva = rd32(oh + fixed + i * 8);
        img->dirs[i].size = rd32(oh + fixed + i * 8 + 4);
    }
    img->sect_off = img->opt_off + img->opt_size;
    if (!in_file(n, img->sect_off, (uint64_t)img->nsections * 40))
        return fail(img, "section table (%u entries at 0x%zx) extends past end of file (0x%zx)",
                    img->nsections, img->sect_off, n);
    for (unsigned i = 0; i < img->nsections; i++) {
        kpe_section *s = &img->sections[i];
        const uint8_t *sh = d + img->sect_off + (size_t)i * 40;
        memcpy(s->name, sh, 8);
        s->name[8] = 0;
        s->vsize = rd32(sh + 8);
        s->vaddr = rd32(sh + 12);
        s->raw_size = rd32(sh + 16);
        s->raw_off = rd32(sh + 20);
        s->chars = rd32(sh + 36);
        s->hdr_off = img->sect_off + (size_t)i * 40;
        if (s->raw_size && !in_file(n, s->raw_off, s->raw_size))
            return fail(img, "section %u (%s) raw data 0x%x+0x%x extends past end of file (0x%zx)",
                        i + 1, s->name, s->raw_off, s->raw_size, n);
    }
    kpe_dir sec = img->dirs[KPE_DIR_SECURITY];
    if (sec.size && !in_file(n, sec.rva, sec.size))
        return fail(img, "certificate table 0x%x+0x%x extends past end of file (0x%zx)", sec.rva,
                    sec.size, n);
    img->checksum_computed = kpe_checksum(d, n, img->checksum_off);
    if (parse_imports(img) || parse_delay_imports(img))
        return -1;
    return 0;
}

void kpe_free(kpe_image *img)
{
    free(img->dlls);
    free(img->funcs);
    img->dlls = NULL;
    img->funcs = NULL;
    img->ndlls = img->nfuncs = img->dlls_cap = img->funcs_cap = 0;
}

const char *kpe_machine_name(uint16_t m)
{
    switch (m) {
    case KPE_MACHINE_I386:
        return "I386";
    case KPE_MACHINE_AMD64:
        return "AMD64";
    case KPE_MACHINE_ARM64:
        return "ARM64";
    case KPE_MACHINE_ARMNT:
        return "ARMNT";
    case 0x1c0:
        return "ARM";
    case 0x200:
        return "IA64";
    default:
        return "UNKNOWN";
    }
}

const char *kpe_arch_name(uint16_t m)
{
    switch (m) {
    case KPE_MACHINE_I386:
        return "x86";
    case KPE_MACHINE_AMD64:
        return "x64";
    case KPE_MACHINE_ARM64:
        return "arm64";
    case KPE_MACHINE_ARMNT:
        return "arm";
    default:
        return "unknown";
    }
}

const char *kpe_subsystem_name(uint16_t s)
{
    static const char *const names[] = {"UNKNOWN",
                                        "NATIVE",
                                        "WINDOWS_GUI",
                                        "WINDOWS_CUI",
                                        "4",
                                        "OS2_CUI",
                                        "6",
                                        "POSIX_CUI",
                                        "NATIVE_WINDOWS",
                                        "WINDOWS_CE_GUI",
                                        "EFI_APPLICATION",
                                        "EFI_BOOT_SERVICE_DRIVER",
                                        "EFI_RUNTIME_DRIVER",
                                        "EFI_ROM",
                                        "XBOX",
                                        "15",
                                        "WINDOWS_BOOT_APPLICATION"};
    if (s < sizeof names / sizeof names[0] && names[s][0] > '9')
        return names[s];
    return "UNKNOWN";
}

const kpe_flag kpe_file_flags[] = {{0x0001, "RELOCS_STRIPPED"},
                                   {0x0002, "EXECUTABLE_IMAGE"},
                                   {0x0004, "LINE_NUMS_STRIPPED"},
                                   {0x0008, "LOCAL_SYMS_STRIPPED"},
                                   {0x0010, "AGGRESSIVE_WS_TRIM"},
                                   {0x0020, "LARGE_ADDRESS_AWARE"},
                                   {0x0080, "BYTES_REVERSED_LO"},
                                   {0x0100, "32BIT_MACHINE"},
                                   {0x0200, "DEBUG_STRIPPED"},
                                   {0x0400, "REMOVABLE_RUN_FROM_SWAP"},
                                   {0x0800, "NET_RUN_FROM_SWAP"},
                                   {0x1000, "SYSTEM"},
                                   {0x2000, "DLL"},
                                   {0x4000, "UP_SYSTEM_ONLY"},
                                   {0x8000, "BYTES_REVERSED_HI"},
                                   {0, NULL}};

const kpe_flag kpe_dll_flags[] = {
    {0x0020, "HIGH_ENTROPY_VA"}, {0x0040, "DYNAMIC_BASE"},          {0x0080, "FORCE_INTEGRITY"},
    {0x0100, "NX_COMPAT"},       {0x0200, "NO_ISOLATION"},          {0x0400, "NO_SEH"},
    {0x0800, "NO_BIND"},         {0x1000, "APPCONTAINER"},          {0x2000, "WDM_DRIVER"},
    {0x4000, "GUARD_CF"},        {0x8000, "TERMINAL_SERVER_AWARE"}, {0, NULL}};

const kpe_flag kpe_scn_flags[] = {{0x00000008, "NO_PAD"},
                                  {0x00000020, "CODE"},
                                  {0x00000040, "INITIALIZED_DATA"},
                                  {0x00000080, "UNINITIALIZED_DATA"},
                                  {0x00000200, "LNK_INFO"},
                                  {0x00000800, "LNK_REMOVE"},
                                  {0x00001000, "LNK_COMDAT"},
                                  {0x00008000, "GPREL"},
                                  {0x00f00000, "ALIGN"}, /* placeholder: printed as ALIGN_nBYTES */
                                  {0x01000000, "LNK_NRELOC_OVFL"},
                                  {0x02000000, "DISCARDABLE"},
                                  {0x04000000, "NOT_CACHED"},
                                  {0x08000000, "NOT_PAGED"},
                                  {0x10000000, "SHARED"},
                                  {0x20000000, "EXECUTE"},
                                  {0x40000000, "READ"},
                                  {0x80000000, "WRITE"},
                                  {0, NULL}};

void kpe_flags_str(char *buf, size_t n, const kpe_flag *tbl, uint32_t v)
{
    size_t used = 0;
    uint32_t known = 0;
    if (n == 0)
        return;
    buf[0] = 0;
    for (const kpe_flag *f = tbl; f->name; f++) {
        known |= f->bit;
        if (!(v & f->bit))
            continue;
        char tmp[32];
        if (f->bit == 0x00f00000u)
            snprintf(tmp, sizeof tmp, "ALIGN_%luBYTES", 1ul << (((v >> 20) & 0xf) - 1));
        else
            snprintf(tmp, sizeof tmp, "%s", f->name);
        int w = snprintf(buf + used, n - used, "%s%s", used ? "," : "", tmp);
        if (w < 0 || (size_t)w >= n - used)
            return;
        used += (size_t)w;
    }
    if (v & ~known)
        snprintf(buf + used, n - used, "%s0x%x", used ? "," : "", (unsigned)(v & ~known));
}
