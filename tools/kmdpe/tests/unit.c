/* unit.c - kmdpe unit tests (no framework). Also: kmdpe_unit --write-seeds DIR. */
#define _XOPEN_SOURCE 700
#include "cet.h"
#include "cli.h"
#include "common/json.h"
#include "common/unit.h"
#include "debugdir.h"
#include "fix.h"
#include "pe.h"
#include "pebuild.h"
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* python3-pefile generate_checksum() of the default x64 test image (seed_x64_clean.sys). */
#define KMDPE_KNOWN_CHECKSUM 0x10068u

/* ---- helpers ---------------------------------------------------------------------------- */

static pb_image build(pb_opts o)
{
    pb_image b;
    if (pb_build(&o, &b) != 0) {
        fprintf(stderr, "pb_build failed\n");
        exit(3);
    }
    return b;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32le(const uint8_t *p)
{
    return pb_get32(p);
}

/* Field offsets relative to the optional header. */
#define FH_MACHINE (-20)
#define FH_NSECT (-18)
#define FH_OPTSIZE (-4)
#define FH_CHARS (-2)
#define OH_ENTRY 16
#define OH_SECTALIGN 32
#define OH_FILEALIGN 36
#define OH_SUBSYS 68
#define OH_DLLCHARS 70

static uint8_t *at(pb_image *b, long rel)
{
    return b->data + (long)b->opt_off + rel;
}

/* Parse + check. Returns the number of findings with ID (or all when ID is NULL); -1 if
 * the image does not parse. *only is set when every finding has ID. */
static int lint_ex(pb_image *b, const kpe_check_opts *o, const char *id, int *only, int *errors)
{
    kpe_image img;
    kpe_findings fs = {0};
    if (kpe_parse(&img, b->data, b->size)) {
        fprintf(stderr, "  unexpected parse error: %s\n", img.error);
        kpe_free(&img);
        return -1;
    }
    CHECK(kpe_check(&img, o, &fs) == 0);
    int n = 0, all = 1;
    for (size_t i = 0; i < fs.n; i++) {
        if (!id || strcmp(fs.items[i].rule->id, id) == 0)
            n++;
        else
            all = 0;
    }
    if (only)
        *only = all && n > 0;
    if (errors)
        *errors = (int)fs.errors;
    if (getenv("KMDPE_UNIT_VERBOSE"))
        for (size_t i = 0; i < fs.n; i++)
            fprintf(stderr, "  %s %s\n", fs.items[i].rule->id, fs.items[i].message);
    kpe_findings_free(&fs);
    kpe_free(&img);
    return n;
}

/* 1 when ID fires and nothing else does. */
static int fires_only(pb_image *b, const kpe_check_opts *o, const char *id)
{
    int only = 0;
    int n = lint_ex(b, o, id, &only, NULL);
    if (!(n > 0 && only))
        fprintf(stderr, "  expected only %s (got %d matching, only=%d)\n", id, n, only);
    return n > 0 && only;
}

static int fires(pb_image *b, const kpe_check_opts *o, const char *id)
{
    return lint_ex(b, o, id, NULL, NULL) > 0;
}

static int clean(pb_image *b, const kpe_check_opts *o)
{
    return lint_ex(b, o, NULL, NULL, NULL) == 0;
}

static int malformed(const uint8_t *d, size_t n, const char *substr)
{
    kpe_image img;
    int r = kpe_parse(&img, d, n);
    int ok = r == -1 && img.error[0] && (!substr || strstr(img.error, substr));
    if (!ok)
        fprintf(stderr, "  expected malformed '%s', got r=%d '%s'\n", substr ? substr : "", r,
                img.error);
    kpe_free(&img);
    return ok;
}

/* pefile's generate_checksum(), transcribed: 32-bit sums with end-around carry. */
static uint32_t ref_checksum(const uint8_t *d, size_t n, size_t co)
{
    uint64_t sum = 0;
    size_t words = (n + 3) / 4;
    for (size_t i = 0; i < words; i++) {
        if (i == co / 4)
            continue;
        uint32_t w = 0;
        for (size_t k = 0; k < 4; k++)
            if (i * 4 + k < n)
                w |= (uint32_t)d[i * 4 + k] << (8 * k);
        sum += w;
        if (sum >= (1ull << 32))
            sum = (sum & 0xffffffffu) + (sum >> 32);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = sum + (sum >> 16);
    sum &= 0xffff;
    return (uint32_t)(sum + n);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_clean(void)
{
    pb_opts o = {0};
    pb_image b = build(o);
    CHECK(clean(&b, NULL));
    kpe_check_opts x64 = {KPE_ARCH_X64, NULL, 0, 0, 0};
    CHECK(clean(&b, &x64));
    kpe_image img;
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    CHECK(img.pe32plus && img.machine == KPE_MACHINE_AMD64 && img.nsections == 4);
    CHECK(img.ndlls == 2 && img.nfuncs == 3);
    CHECK(img.ndlls == 2 && kpe_str_ieq(&img, img.dlls[0].name, "NTOSKRNL.EXE"));
    CHECK(img.nfuncs == 3 && kpe_str_ieq(&img, img.funcs[0].name, "dbgprint"));
    CHECK(img.checksum == img.checksum_computed);
    kpe_free(&img);
    pb_free(&b);

    o.pe32 = 1;
    o.init = o.page = o.rsrc = 1;
    b = build(o);
    kpe_check_opts x86 = {KPE_ARCH_X86, NULL, 0, 0, 0};
    CHECK(clean(&b, NULL));
    CHECK(clean(&b, &x86));
    CHECK(fires_only(&b, &x64, "KPE001"));
    pb_free(&b);
}

static void test_rules(void)
{
    pb_opts o = {0};
    pb_image b;
    kpe_check_opts x86 = {KPE_ARCH_X86, NULL, 0, 0, 0};

    b = build(o); /* KPE001: PE32+ with I386 (whose loader has no DIR64 relocation: KPE021) */
    pb_put16(at(&b, FH_MACHINE), KPE_MACHINE_I386);
    pb_update_checksum(&b);
    CHECK(fires(&b, NULL, "KPE001"));
    pb_free(&b);
    b = build(o);
    CHECK(fires_only(&b, &x86, "KPE001"));
    pb_free(&b);

    b = build(o); /* KPE002 */
    pb_put16(at(&b, OH_SUBSYS), 3);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE002"));
    pb_free(&b);

    uint32_t bad_entries[] = {0, 0x3000 /* .data */, 0x900000 /* nowhere */};
    for (size_t i = 0; i < 3; i++) { /* KPE003 */
        b = build(o);
        pb_put32(at(&b, OH_ENTRY), bad_entries[i]);
        pb_update_checksum(&b);
        CHECK(fires_only(&b, NULL, "KPE003"));
        pb_free(&b);
    }

    /* KPE004 */
    static const char *const f1[] = {"DbgPrint", NULL};
    static const char *const f2[] = {"CreateFileW", NULL};
    pb_import im[] = {{"ntoskrnl.exe", f1, 0}, {"KERNEL32.dll", f2, 0}};
    o.imports = im;
    o.nimports = 2;
    b = build(o);
    CHECK(fires_only(&b, NULL, "KPE004"));
    pb_free(&b);
    const char *names[] = {"msvcrt.dll",     "ucrtbase.dll", "api-ms-win-crt-runtime-l1-1-0.dll",
                           "kernelbase.dll", "ntdll.dll",    "user32.dll",
                           "advapi32.dll",   "foo.sys"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        im[1].dll = names[i];
        b = build(o);
        CHECK(fires_only(&b, NULL, "KPE004"));
        pb_free(&b);
    }
    const char *allow[] = {"FOO.SYS"};
    kpe_check_opts al = {KPE_ARCH_ANY, allow, 1, 0, 0};
    b = build(o); /* foo.sys allowed */
    CHECK(clean(&b, &al));
    pb_free(&b);
    const char *kernel[] = {"NDIS.SYS", "fltmgr.sys", "WdfLdr.sys", "hal.dll", "ci.dll"};
    for (size_t i = 0; i < sizeof kernel / sizeof *kernel; i++) {
        im[1].dll = kernel[i];
        b = build(o);
        CHECK(clean(&b, NULL));
        pb_free(&b);
    }
    im[1].dll = "msvcrt.dll"; /* delay-load import */
    im[1].delay = 1;
    b = build(o);
    CHECK(fires_only(&b, NULL, "KPE004"));
    pb_free(&b);
    static const char *const f3[] = {"CreateFileW", "#7", NULL}; /* and by ordinal: KPE024 */
    im[1].funcs = f3;
    b = build(o);
    CHECK(lint_ex(&b, NULL, "KPE004", NULL, NULL) == 1);
    CHECK(lint_ex(&b, NULL, "KPE024", NULL, NULL) == 1);
    kpe_image img;
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    CHECK(img.ndlls == 2 && img.dlls[1].delay && img.dlls[1].nfuncs == 2);
    CHECK(img.nfuncs == 3 && img.funcs[2].by_ordinal && img.funcs[2].ordinal == 7);
    kpe_free(&img);
    pb_free(&b);
    o.imports = NULL;
    o.nimports = 0;

    o.tls = 1; /* KPE005 */
    b = build(o);
    CHECK(fires_only(&b, NULL, "KPE005"));
    pb_free(&b);
    o.tls = 0;

    b = build(o); /* KPE006 */
    const pb_sec *s = pb_sec_by_name(&b, ".data");
    pb_put32(b.data + s->hdr_off + 36, pb_get32(b.data + s->hdr_off + 36) | KPE_SCN_MEM_EXECUTE);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE006"));
    pb_free(&b);

    uint32_t fa[] = {0x100, 0x300, 0x20000, 0};
    for (size_t i = 0; i < 4; i++) { /* KPE007 */
        b = build(o);
        pb_put32(at(&b, OH_FILEALIGN), fa[i]);
        pb_update_checksum(&b);
        CHECK(fires_only(&b, NULL, "KPE007"));
        pb_free(&b);
    }
    b = build(o);
    pb_put32(at(&b, OH_SECTALIGN), 0x2000);
    pb_update_checksum(&b);
    CHECK(fires(&b, NULL, "KPE007"));
    pb_free(&b);

    b = build(o); /* KPE008: .rdata overlaps .text in memory */
    s = pb_sec_by_name(&b, ".rdata");
    pb_put32(b.data + s->hdr_off + 8, 0x1000);
    pb_put32(b.data + s->hdr_off + 12, 0x1800);
    pb_update_checksum(&b);
    CHECK(fires(&b, NULL, "KPE008"));
    CHECK(!fires(&b, NULL, "KPE011"));
    pb_free(&b);
    b = build(o); /* KPE008: raw data overlap */
    s = pb_sec_by_name(&b, ".data");
    pb_put32(b.data + s->hdr_off + 20, pb_sec_by_name(&b, ".rdata")->raw);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE008"));
    pb_free(&b);
    b = build(o); /* KPE008: descending order */
    s = pb_sec_by_name(&b, ".reloc");
    pb_put32(b.data + s->hdr_off + 12, 0x1000);
    pb_update_checksum(&b);
    CHECK(fires(&b, NULL, "KPE008"));
    pb_free(&b);

    b = build(o); /* KPE009 */
    pb_set_dir(&b, KPE_DIR_BASERELOC, 0, 0);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE009"));
    pb_free(&b);
    b = build(o);
    pb_put16(at(&b, FH_CHARS), get16(at(&b, FH_CHARS)) | KPE_FILE_RELOCS_STRIPPED);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE009"));
    pb_free(&b);
    b = build(o);
    pb_put16(at(&b, OH_DLLCHARS), get16(at(&b, OH_DLLCHARS)) & ~KPE_DLLCHAR_DYNAMIC_BASE);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE009"));
    pb_free(&b);

    b = build(o); /* KPE010 */
    pb_put16(at(&b, OH_DLLCHARS), get16(at(&b, OH_DLLCHARS)) & ~KPE_DLLCHAR_NX_COMPAT);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE010"));
    pb_free(&b);

    b = build(o); /* KPE011 */
    pb_put32(b.data + b.checksum_off, pb_get32(b.data + b.checksum_off) + 1);
    CHECK(fires_only(&b, NULL, "KPE011"));
    pb_put32(b.data + b.checksum_off, 0);
    CHECK(fires_only(&b, NULL, "KPE011"));
    pb_free(&b);

    b = build(o); /* KPE012: valid signature layout is clean */
    CHECK(pb_sign(&b, 0x100) == 0);
    CHECK(clean(&b, NULL));
    pb_free(&b);
    b = build(o); /* not at end of file */
    CHECK(pb_sign(&b, 0x100) == 0);
    pb_set_dir(&b, KPE_DIR_SECURITY, pb_get32(b.data + b.dirs_off + 32), 0xf8);
    pb_put32(b.data + pb_get32(b.data + b.dirs_off + 32), 0xf8);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE012"));
    pb_free(&b);
    b = build(o); /* misaligned, starting inside section data */
    CHECK(pb_sign(&b, 0x100) == 0);
    pb_set_dir(&b, KPE_DIR_SECURITY, (uint32_t)b.size - 0x204, 0x204);
    pb_put32(b.data + b.size - 0x204, 0x204);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE012"));
    CHECK(lint_ex(&b, NULL, "KPE012", NULL, NULL) == 2);
    pb_free(&b);
    b = build(o); /* bad WIN_CERTIFICATE length */
    CHECK(pb_sign(&b, 0x100) == 0);
    pb_put32(b.data + b.size - 0x100, 0x1000);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE012"));
    pb_free(&b);

    o.init = 1; /* KPE013 */
    b = build(o);
    s = pb_sec_by_name(&b, "INIT");
    pb_put32(b.data + s->hdr_off + 36, 0x60000020);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE013"));
    pb_free(&b);
    o.init = 0;

    o.page = 1; /* KPE014 */
    b = build(o);
    CHECK(clean(&b, NULL));
    s = pb_sec_by_name(&b, "PAGE");
    pb_put32(b.data + s->hdr_off + 36, 0x68000020);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, NULL, "KPE014"));
    pb_free(&b);
    o.page = 0;

    kpe_check_opts integ = {KPE_ARCH_ANY, NULL, 0, 1, 0}; /* KPE015 */
    b = build(o);
    CHECK(fires_only(&b, &integ, "KPE015"));
    CHECK(clean(&b, NULL));
    pb_put16(at(&b, OH_DLLCHARS), get16(at(&b, OH_DLLCHARS)) | KPE_DLLCHAR_FORCE_INTEGRITY);
    pb_update_checksum(&b);
    CHECK(clean(&b, &integ));
    pb_free(&b);

    /* KPE016: warnings only, exit stays clean */
    static const char *const dep[] = {"ExAllocatePoolWithTag", "MmMapLockedPages",
                                      "ExAllocatePool2", NULL};
    pb_import di[] = {{"ntoskrnl.exe", dep, 0}};
    o.imports = di;
    o.nimports = 1;
    b = build(o);
    int errors = -1;
    CHECK(lint_ex(&b, NULL, "KPE016", NULL, &errors) == 2);
    CHECK(errors == 0);
    CHECK(fires_only(&b, NULL, "KPE016"));
    /* The image names ExAllocatePool2 as UTF-16 (bound at run time): ExAllocatePoolWithTag is
     * the fallback and no longer reported; MmMapLockedPages still is. */
    const pb_sec *data = pb_sec_by_name(&b, ".data");
    CHECK(data != NULL);
    if (data) {
        const char *bound = "ExAllocatePool2";
        for (size_t k = 0; k <= strlen(bound); k++)
            pb_put16(b.data + data->raw + 2 * k, (uint8_t)bound[k]);
        pb_update_checksum(&b);
        CHECK(lint_ex(&b, NULL, "KPE016", NULL, &errors) == 1);
    }
    pb_free(&b);
    o.imports = NULL;
    o.nimports = 0;

    o.unfixed = 1; /* KPE017 (INIT not discardable is KPE013) */
    o.rsrc = 1;
    b = build(o);
    CHECK(lint_ex(&b, NULL, "KPE017", NULL, &errors) == 4); /* .text .rdata .data .rsrc */
    CHECK(errors == 0);
    pb_free(&b);
}

/* ---- KPE018..KPE025 and the CET mark ------------------------------------------------------ */

#define SH_VSIZE 8
#define SH_VA 12
#define SH_RAWSIZE 16
#define SH_RAWPTR 20
#define SH_CHARS 36
#define OH_SIZEOFIMAGE 56

static void set_sec(pb_image *b, const char *name, int field, uint32_t v)
{
    const pb_sec *s = pb_sec_by_name(b, name);
    if (!s) {
        fprintf(stderr, "no section %s\n", name);
        exit(3);
    }
    pb_put32(b->data + s->hdr_off + field, v);
}

static uint32_t get_sec(pb_image *b, const char *name, int field)
{
    return pb_get32(b->data + pb_sec_by_name(b, name)->hdr_off + field);
}

/* File offset of RVA inside section NAME. */
static uint8_t *at_rva(pb_image *b, const char *name, uint32_t rva)
{
    const pb_sec *s = pb_sec_by_name(b, name);
    return b->data + s->raw + (rva - s->va);
}

/* 1 when some finding of rule ID has SUBSTR in its message. */
static int says(pb_image *b, const kpe_check_opts *o, const char *id, const char *substr)
{
    kpe_image img;
    kpe_findings fs = {0};
    int hit = 0;
    if (kpe_parse(&img, b->data, b->size) == 0 && kpe_check(&img, o, &fs) == 0)
        for (size_t i = 0; i < fs.n; i++)
            hit |= !strcmp(fs.items[i].rule->id, id) && strstr(fs.items[i].message, substr);
    if (!hit)
        fprintf(stderr, "  no %s finding saying '%s'\n", id, substr);
    kpe_findings_free(&fs);
    kpe_free(&img);
    return hit;
}

/* The single base relocation pebuild writes: page 0x1000, entry TYPE|OFFSET. */
static void set_reloc(pb_image *b, uint32_t page, unsigned entry)
{
    const pb_sec *rl = pb_sec_by_name(b, ".reloc");
    pb_put32(b->data + rl->raw, page);
    pb_put16(b->data + rl->raw + 8, entry);
    pb_update_checksum(b);
}

static void test_layout_rules(void)
{
    pb_opts o = {0};
    pb_image b;
    kpe_check_opts x64 = {KPE_ARCH_X64, NULL, 0, 0, 0};

    /* KPE018: .text .rdata .data .reloc at 0x1000..0x4000, SizeOfImage 0x5000 */
    b = build(o);
    CHECK(get32le(at(&b, OH_SIZEOFIMAGE)) == 0x5000 && get_sec(&b, ".reloc", SH_VA) == 0x4000);
    set_sec(&b, ".reloc", SH_VA, 0x5000); /* a page nobody maps between .data and .reloc */
    pb_set_dir(&b, KPE_DIR_BASERELOC, 0x5000, 12);
    pb_put32(at(&b, OH_SIZEOFIMAGE), 0x6000);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, &x64, "KPE018"));
    CHECK(says(
        &b, &x64, "KPE018",
        "virtual gap: section 4 (.reloc) starts at RVA 0x5000, but the end of section 3 (.data)"));
    pb_free(&b);
    uint32_t bad_sizes[] = {0x6000, 0x4800}; /* too large; not the aligned end (0x5000) */
    for (size_t i = 0; i < 2; i++) {
        b = build(o);
        pb_put32(at(&b, OH_SIZEOFIMAGE), bad_sizes[i]);
        pb_update_checksum(&b);
        CHECK(fires_only(&b, &x64, "KPE018"));
        CHECK(says(&b, &x64, "KPE018", "SizeOfImage"));
        pb_free(&b);
    }
    b = build(o); /* an empty section */
    set_sec(&b, ".data", SH_VSIZE, 0);
    set_sec(&b, ".data", SH_RAWSIZE, 0);
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE018", "section 3 (.data) is empty"));
    CHECK(lint_ex(&b, &x64, "KPE018", NULL, NULL) == 2); /* and the gap it leaves */
    pb_free(&b);

    /* KPE019: SectionAlignment 0x200 (KPE007) lets .data start at 0x3200, off a page */
    b = build(o);
    pb_put32(at(&b, OH_SECTALIGN), 0x200);
    pb_update_checksum(&b);
    CHECK(lint_ex(&b, &x64, "KPE019", NULL, NULL) == 0 && fires(&b, &x64, "KPE007"));
    set_sec(&b, ".data", SH_VA, 0x3200);
    pb_update_checksum(&b);
    CHECK(lint_ex(&b, &x64, "KPE019", NULL, NULL) == 1);
    CHECK(says(&b, &x64, "KPE019", "section 3 (.data) at RVA 0x3200"));
    pb_free(&b);
    b = build(o); /* with SectionAlignment 0x1000 a stray VA is KPE008's, not repeated */
    set_sec(&b, ".data", SH_VA, 0x3200);
    pb_update_checksum(&b);
    CHECK(fires(&b, &x64, "KPE008") && lint_ex(&b, &x64, "KPE019", NULL, NULL) == 0);
    pb_free(&b);

    /* KPE020: the IAT in an executable section */
    b = build(o);
    set_sec(&b, ".rdata", SH_CHARS, get_sec(&b, ".rdata", SH_CHARS) | KPE_SCN_MEM_EXECUTE);
    pb_update_checksum(&b);
    CHECK(lint_ex(&b, &x64, "KPE020", NULL, NULL) == 1);
    CHECK(says(&b, &x64, "KPE020", "data directory 12"));
    pb_set_dir(&b, KPE_DIR_IAT, 0, 0); /* no directory 12: each DLL's thunk array */
    pb_update_checksum(&b);
    CHECK(lint_ex(&b, &x64, "KPE020", NULL, NULL) == 2);
    CHECK(says(&b, &x64, "KPE020", "the IAT of HAL.dll"));
    pb_free(&b);

    /* KPE021 */
    o.data_size = 0x2000; /* .data spans 0x3000..0x5000 */
    b = build(o);
    uint32_t dva = pb_sec_by_name(&b, ".data")->va;
    set_reloc(&b, dva, 0xa000 | 0xff8); /* DIR64 ending exactly at the page end: fine */
    CHECK(clean(&b, &x64));
    set_reloc(&b, dva, 0xa000 | 0xff9);
    CHECK(fires_only(&b, &x64, "KPE021"));
    CHECK(says(&b, &x64, "KPE021", "DIR64 relocation at RVA 0x3ff9 patches 8 bytes across"));
    set_reloc(&b, dva, 0x3000 | 0xffc); /* HIGHLOW at 0xffc: fine; at 0xffd: across */
    CHECK(clean(&b, &x64));
    set_reloc(&b, dva, 0x3000 | 0xffd);
    CHECK(fires_only(&b, &x64, "KPE021"));
    set_reloc(&b, 0x1000, 0xa000 | 0x800); /* .text is 0x200 long */
    CHECK(fires_only(&b, &x64, "KPE021"));
    CHECK(says(&b, &x64, "KPE021", "outside every section"));
    set_reloc(&b, 0x1000, 0x5000 | 0x10); /* type 5: not for x64 */
    CHECK(fires_only(&b, &x64, "KPE021"));
    CHECK(says(&b, &x64, "KPE021", "type 5"));
    set_reloc(&b, 0x1000, 0x1000 | 0x10); /* HIGH: an x86 type */
    CHECK(fires_only(&b, &x64, "KPE021"));
    const pb_sec *rl = pb_sec_by_name(&b, ".reloc");
    set_reloc(&b, 0x1000, 0xa010);
    pb_put32(b.data + rl->raw + 4, 6); /* SizeOfBlock 6: the loader cannot walk it */
    pb_update_checksum(&b);
    CHECK(fires_only(&b, &x64, "KPE009"));
    CHECK(says(&b, &x64, "KPE009", "SizeOfBlock 0x6"));
    pb_free(&b);
    o.data_size = 0;
    b = build(o); /* a 128 MiB relocation block over .reloc's zero fill: padding, walked fast */
    rl = pb_sec_by_name(&b, ".reloc");
    set_sec(&b, ".reloc", SH_VSIZE, 0x8000000);
    pb_put32(at(&b, OH_SIZEOFIMAGE), rl->va + 0x8000000);
    pb_put32(b.data + rl->raw + 4, 0x8000000);
    pb_set_dir(&b, KPE_DIR_BASERELOC, rl->va, 0x8000000);
    pb_update_checksum(&b);
    CHECK(clean(&b, &x64));
    pb_free(&b);
    o.pe32 = 1; /* x86: a HIGHLOW across a page is fine (no HVCI); DIR64 is unknown */
    o.data_size = 0x2000;
    b = build(o);
    dva = pb_sec_by_name(&b, ".data")->va;
    set_reloc(&b, dva, 0x3000 | 0xffe);
    CHECK(clean(&b, NULL));
    set_reloc(&b, dva, 0xa000 | 0x10);
    CHECK(fires_only(&b, NULL, "KPE021"));
    pb_free(&b);
    o.pe32 = 0;
    o.data_size = 0;

    /* KPE024 */
    static const char *const ord[] = {"DbgPrint", "#5", NULL};
    pb_import oi[] = {{"ntoskrnl.exe", ord, 0}};
    o.imports = oi;
    o.nimports = 1;
    b = build(o);
    CHECK(fires_only(&b, &x64, "KPE024"));
    CHECK(says(&b, &x64, "KPE024", "imports ntoskrnl.exe ordinal 5"));
    pb_free(&b);
    o.imports = NULL;
    o.nimports = 0;
}

static void test_x64_rules(void)
{
    pb_opts o = {0};
    pb_image b;
    kpe_check_opts x64 = {KPE_ARCH_X64, NULL, 0, 0, 0};
    o.pdata = 1;
    b = build(o);
    CHECK(clean(&b, &x64));
    kpe_image img;
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    kpe_free(&img);
    uint32_t pd = b.pdata_rva, uw = b.unwind_rva;
    pb_free(&b);

    /* KPE022: each RUNTIME_FUNCTION is 12 bytes: begin, end, unwind info */
    struct {
        uint32_t field, value;
        const char *msg;
    } bad[] = {
        {0, 0x1020, "not sorted"},                 /* first begins after the second */
        {4, 0x1024, "overlaps"},                   /* first ends inside the second */
        {4, 0x1008, "empty or reversed"},          /* first ends before it begins */
        {12, 0x2000, "not inside one executable"}, /* second begins in .rdata */
        {8, 0, "unwind info RVA 0x2"},             /* (replaced below) misaligned */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        b = build(o);
        uint32_t v = bad[i].value;
        if (bad[i].field == 8)
            v = uw + 2;
        if (bad[i].field == 12) /* second entry, begin and end in .rdata */
            pb_put32(at_rva(&b, ".rdata", pd + 16), 0x2010);
        if (bad[i].field == 0) /* swap the entries */
            pb_put32(at_rva(&b, ".rdata", pd + 4), 0x102b);
        if (bad[i].field == 0)
            pb_put32(at_rva(&b, ".rdata", pd + 12), 0x1010);
        if (bad[i].field == 0)
            pb_put32(at_rva(&b, ".rdata", pd + 16), 0x101b);
        pb_put32(at_rva(&b, ".rdata", pd + bad[i].field), v);
        pb_update_checksum(&b);
        CHECK(fires(&b, &x64, "KPE022"));
        CHECK(says(&b, &x64, "KPE022", bad[i].msg));
        pb_free(&b);
    }
    b = build(o); /* unwind info version 3 */
    at_rva(&b, ".rdata", uw)[0] = 0x03;
    pb_update_checksum(&b);
    CHECK(fires_only(&b, &x64, "KPE022"));
    CHECK(says(&b, &x64, "KPE022", "version 3"));
    pb_free(&b);
    b = build(o); /* directory size not a multiple of 12 */
    pb_set_dir(&b, KPE_DIR_EXCEPTION, pd, 20);
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE022", "not a whole number of 12-byte"));
    CHECK(says(&b, &x64, "KPE023", "0x1020"));       /* the second function is not covered now */
    pb_set_dir(&b, KPE_DIR_EXCEPTION, 0x900000, 24); /* outside the image */
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE022", "does not lie inside one section"));
    pb_free(&b);
    b = build(o); /* chained unwind info whose parent is not code */
    uint8_t *u = at_rva(&b, ".rdata", uw);
    u[0] = 0x01 | (4 << 3); /* CHAININFO: a RUNTIME_FUNCTION follows the codes, */
    u[2] = 4;               /* at uw+12 with 4 codes: bytes of the table, not an entry */
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE022", "chained RUNTIME_FUNCTION"));
    pb_free(&b);

    /* KPE023: the same code without its exception directory */
    b = build(o);
    pb_set_dir(&b, KPE_DIR_EXCEPTION, 0, 0);
    pb_update_checksum(&b);
    CHECK(fires_only(&b, &x64, "KPE023"));
    CHECK(lint_ex(&b, &x64, "KPE023", NULL, NULL) == 2);
    CHECK(says(&b, &x64, "KPE023", "code at RVA 0x1010 opens a stack frame (sub rsp, imm8)"));
    pb_put32(at(&b, OH_ENTRY), 0x1020); /* the entry point is reported as such, once */
    pb_update_checksum(&b);
    CHECK(lint_ex(&b, &x64, "KPE023", NULL, NULL) == 2);
    CHECK(says(&b, &x64, "KPE023", "the entry point at RVA 0x1020"));
    pb_free(&b);
    const pb_sec *t;
    b = build(o); /* push rbx; and a home-space store before sub rsp, after a multi-byte nop */
    pb_set_dir(&b, KPE_DIR_EXCEPTION, 0, 0);
    t = pb_sec_by_name(&b, ".text");
    static const uint8_t push[] = {0x53, 0x48, 0x83, 0xec, 0x20, 0x5b, 0xc3};
    static const uint8_t home[] = {0x0f, 0x1f, 0x44, 0x00, 0x00, 0x48, 0x89, 0x4c, 0x24,
                                   0x08, 0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00};
    memcpy(b.data + t->raw + 0x10, push, sizeof push);
    memset(b.data + t->raw + 0x20, 0x00, 16);
    memcpy(b.data + t->raw + 0x1b, home, sizeof home); /* the nop pads up to 0x1020 */
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE023", "0x1010 opens a stack frame (push)"));
    CHECK(says(&b, &x64, "KPE023", "0x1020 opens a stack frame (sub rsp, imm32)"));
    pb_free(&b);
    b = build(o); /* leaf code without a frame needs no entry */
    pb_set_dir(&b, KPE_DIR_EXCEPTION, 0, 0);
    t = pb_sec_by_name(&b, ".text");
    static const uint8_t leaf[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3};
    memcpy(b.data + t->raw + 0x10, leaf, sizeof leaf);
    memcpy(b.data + t->raw + 0x20, leaf, sizeof leaf);
    pb_update_checksum(&b);
    CHECK(clean(&b, &x64));
    pb_free(&b);
    o.pdata = 0;

    /* KPE025 */
    kpe_check_opts nocet = {KPE_ARCH_X64, NULL, 0, 0, 1};
    o.no_cet = 1;
    b = build(o);
    CHECK(fires_only(&b, &x64, "KPE025"));
    CHECK(says(&b, &x64, "KPE025", "no debug directory"));
    CHECK(clean(&b, &nocet));
    pb_free(&b);
    o.no_cet = 0;
    o.pe32 = 1; /* x86: no mark needed */
    b = build(o);
    CHECK(clean(&b, NULL));
    pb_free(&b);
    o.pe32 = 0;
    struct {
        uint32_t off, value;
        const char *msg;
    } marks[] = {
        {28, 0, "lacks CET_COMPAT"},               /* payload 0 */
        {12, 2, "no EX_DLLCHARACTERISTICS entry"}, /* the entry is CodeView */
        {24, 4, "PointerToRawData"},               /* (replaced below) file offset wrong */
        {20, 0x900000, "payload RVA 0x900000"},    /* payload outside the image */
    };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        b = build(o);
        uint8_t *e = at_rva(&b, ".rdata", b.debug_rva);
        uint32_t v = marks[i].off == 24 ? pb_get32(e + 24) + 4 : marks[i].value;
        pb_put32(e + marks[i].off, v);
        pb_update_checksum(&b);
        CHECK(fires_only(&b, &x64, "KPE025"));
        CHECK(says(&b, &x64, "KPE025", marks[i].msg));
        CHECK(clean(&b, &nocet));
        pb_free(&b);
    }
    b = build(o);
    pb_set_dir(&b, KPE_DIR_DEBUG, b.debug_rva, 20);
    pb_update_checksum(&b);
    CHECK(says(&b, &x64, "KPE025", "not a whole number of 28-byte entries"));
    pb_free(&b);
}

/* Mark B with kpe_cet_mark; the result must parse, read as marked, pass every rule, and a
 * second mark must change nothing. Returns the result of the first call (B replaced). */
static int mark(pb_image *b, kpe_cet_result *res)
{
    kpe_image img;
    uint8_t *out = NULL, *out2 = NULL;
    size_t n = 0, n2 = 0;
    CHECK(kpe_parse(&img, b->data, b->size) == 0);
    int r = kpe_cet_mark(b->data, b->size, &img, &out, &n, res);
    kpe_free(&img);
    if (r != 1)
        return r;
    free(b->data);
    b->data = out;
    b->size = n;
    kpe_cet_info ci;
    kpe_cet_result again;
    CHECK(kpe_parse(&img, b->data, b->size) == 0);
    kpe_cet_status(&img, &ci);
    CHECK(ci.state == KPE_CET_MARKED && (ci.ex_flags & KPE_DLLCHAR_EX_CET_COMPAT));
    CHECK(img.checksum == img.checksum_computed);
    CHECK(kpe_cet_mark(b->data, b->size, &img, &out2, &n2, &again) == 0 && again.already);
    kpe_free(&img);
    kpe_check_opts x64 = {KPE_ARCH_X64, NULL, 0, 0, 0};
    CHECK(clean(b, &x64));
    return r;
}

static void test_cet_mark(void)
{
    pb_opts o = {0};
    pb_image b;
    kpe_cet_result res;
    o.no_cet = 1;

    b = build(o); /* .rdata's raw data is full: it grows by one FileAlignment block */
    size_t before = b.size;
    uint32_t reloc_raw = get_sec(&b, ".reloc", SH_RAWPTR);
    CHECK(mark(&b, &res) == 1);
    CHECK(b.size == before + 0x200 && get_sec(&b, ".reloc", SH_RAWPTR) == reloc_raw + 0x200);
    CHECK(strstr(res.changes, "raw data grown by 0x200") != NULL);
    pb_free(&b);

    o.rdata_size = 0x180; /* room in .rdata's raw data: in place */
    b = build(o);
    before = b.size;
    CHECK(mark(&b, &res) == 1);
    CHECK(b.size == before && get_sec(&b, ".rdata", SH_VSIZE) == 0x180 + 32);
    pb_free(&b);

    o.rdata_size = 0xff8; /* .rdata fills its last page, .reloc follows: .reloc moves up */
    o.rdata_last = 1;
    b = build(o);
    uint32_t soi = get32le(at(&b, OH_SIZEOFIMAGE)), reloc_va = get_sec(&b, ".reloc", SH_VA);
    CHECK(mark(&b, &res) == 1);
    CHECK(get_sec(&b, ".reloc", SH_VA) == reloc_va + 0x1000);
    CHECK(get32le(at(&b, OH_SIZEOFIMAGE)) == soi + 0x1000);
    CHECK(strstr(res.changes, ".reloc moved up by 0x1000") != NULL);
    pb_free(&b);
    o.rdata_last = 0; /* ... and when .data follows, there is no room */
    b = build(o);
    CHECK(mark(&b, &res) == 0 && strstr(res.skipped, "no room") != NULL);
    pb_free(&b);
    o.rdata_size = 0;
    o.no_cet = 0;

    b = build(o); /* an entry without the bit gets it, in place */
    uint8_t *e = at_rva(&b, ".rdata", b.debug_rva);
    pb_put32(e + 28, 0x40);
    pb_update_checksum(&b);
    before = b.size;
    CHECK(mark(&b, &res) == 1 && b.size == before);
    CHECK(pb_get32(at_rva(&b, ".rdata", b.debug_rva) + 28) == 0x41);
    pb_free(&b);

    b = build(o); /* an lld image's CodeView entry is kept, the mark follows it */
    e = at_rva(&b, ".rdata", b.debug_rva);
    pb_put32(e + 12, KPE_DEBUG_TYPE_CODEVIEW);
    pb_update_checksum(&b);
    CHECK(mark(&b, &res) == 1);
    kpe_image img;
    kpe_cet_info ci;
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    kpe_cet_status(&img, &ci);
    CHECK(ci.nentries == 2 && ci.entry == 1);
    kpe_free(&img);
    pb_free(&b);

    b = build(o); /* already marked; x86; signed */
    CHECK(mark(&b, &res) == 0 && res.already);
    pb_free(&b);
    o.pe32 = 1;
    b = build(o);
    CHECK(mark(&b, &res) == 0 && strstr(res.skipped, "not an x64 image") != NULL);
    pb_free(&b);
    o.pe32 = 0;
    o.no_cet = 1;
    b = build(o);
    CHECK(pb_sign(&b, 0x80) == 0);
    CHECK(mark(&b, &res) == -1 && strstr(res.error, "signed") != NULL);
    pb_free(&b);
}

static void test_checksum(void)
{
    pb_opts o = {0};
    pb_image b = build(o);
    CHECK(kpe_checksum(b.data, b.size, b.checksum_off) ==
          ref_checksum(b.data, b.size, b.checksum_off));
    /* Vector checked with python3-pefile 2023.2.7 generate_checksum() on this image. */
    CHECK(kpe_checksum(b.data, b.size, b.checksum_off) == KMDPE_KNOWN_CHECKSUM);
    /* random-ish contents and odd lengths */
    uint8_t *buf = malloc(5001);
    uint32_t x = 12345;
    for (size_t i = 0; i < 5001; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t n = 4000; n <= 5001; n += 97)
        CHECK(kpe_checksum(buf, n, 0x108) == ref_checksum(buf, n, 0x108));
    memset(buf, 0xff, 5001);
    CHECK(kpe_checksum(buf, 5000, 0x108) == ref_checksum(buf, 5000, 0x108));
    CHECK(kpe_checksum(buf, 0, 0x108) == 0);
    free(buf);
    pb_free(&b);
}

static void test_fix(void)
{
    pb_opts o = {0};
    o.init = o.page = o.rsrc = 1;
    pb_image want = build(o);
    o.unfixed = 1;
    pb_image b = build(o);
    const pb_sec *pg = pb_sec_by_name(&b, "PAGE");
    pb_put32(b.data + pg->hdr_off + 36, 0x68000020); /* wrongly NOT_PAGED */
    pb_put32(b.data + b.checksum_off, 0);            /* like ld without checksum */
    CHECK(fires(&b, NULL, "KPE013") && fires(&b, NULL, "KPE014") && fires(&b, NULL, "KPE011"));
    kpe_image img;
    kpe_fix_result res;
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    CHECK(kpe_fix(b.data, b.size, &img, &res) == 1);
    CHECK(res.nchanged == 6);
    CHECK(strstr(res.changes, "INIT +DISCARDABLE") != NULL);
    CHECK(strstr(res.changes, "PAGE -NOT_PAGED") != NULL);
    kpe_free(&img);
    /* The fixed image is byte-identical to the image built with fixed flags. */
    CHECK(b.size == want.size && memcmp(b.data, want.data, b.size) == 0);
    CHECK(clean(&b, NULL));
    /* idempotent */
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    CHECK(kpe_fix(b.data, b.size, &img, &res) == 0);
    CHECK(res.nchanged == 0);
    kpe_free(&img);
    CHECK(memcmp(b.data, want.data, b.size) == 0);
    /* section chars individually */
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    for (unsigned i = 0; i < img.nsections; i++) {
        const kpe_section *s = &img.sections[i];
        int np = (s->chars & KPE_SCN_MEM_NOT_PAGED) != 0;
        int disc = (s->chars & KPE_SCN_MEM_DISCARDABLE) != 0;
        if (!strcmp(s->name, "INIT") || !strcmp(s->name, ".rsrc"))
            CHECK(disc && !np);
        else if (!strcmp(s->name, "PAGE") || !strcmp(s->name, ".reloc"))
            CHECK(!np);
        else
            CHECK(np && !disc);
    }
    kpe_free(&img);
    /* signed images are refused and left alone */
    CHECK(pb_sign(&b, 0x80) == 0);
    uint8_t *copy = malloc(b.size);
    memcpy(copy, b.data, b.size);
    CHECK(kpe_parse(&img, b.data, b.size) == 0);
    CHECK(kpe_fix(b.data, b.size, &img, &res) == -1);
    CHECK(strstr(res.error, "signed") != NULL);
    CHECK(memcmp(copy, b.data, b.size) == 0);
    kpe_free(&img);
    free(copy);
    pb_free(&b);
    pb_free(&want);
}

static void test_truncation(void)
{
    pb_opts o = {0};
    o.init = o.page = o.rsrc = 1;
    for (int pe32 = 0; pe32 < 2; pe32++) {
        o.pe32 = pe32;
        pb_image b = build(o);
        int bad = 0;
        for (size_t n = 0; n < b.size; n++) {
            /* copy so ASan catches any read past the truncated length */
            uint8_t *t = malloc(n ? n : 1);
            memcpy(t, b.data, n);
            kpe_image img;
            if (kpe_parse(&img, t, n) != -1 || !img.error[0])
                bad++;
            kpe_free(&img);
            free(t);
        }
        CHECK(bad == 0);
        pb_free(&b);
    }
}

static void test_malformed(void)
{
    pb_opts o = {0};
    pb_image b = build(o);
    uint8_t *d = b.data;
    size_t n = b.size;
    uint8_t *c = malloc(n + 0x20000);
#define RESET() memcpy(c, d, n)
    RESET();
    CHECK(malformed(c, 10, "too small"));
    c[0] = 'X';
    CHECK(malformed(c, n, "MZ"));
    RESET();
    pb_put32(c + 0x3c, (uint32_t)n - 8);
    CHECK(malformed(c, n, "e_lfanew"));
    pb_put32(c + 0x3c, 0xfffffff0u);
    CHECK(malformed(c, n, "e_lfanew"));
    RESET();
    c[0x80] = 'X';
    CHECK(malformed(c, n, "PE signature"));
    size_t oo = b.opt_off;
    RESET();
    pb_put16(c + oo + FH_NSECT, 97);
    CHECK(malformed(c, n, "NumberOfSections 97"));
    pb_put16(c + oo + FH_NSECT, 0xffff);
    CHECK(malformed(c, n, "NumberOfSections"));
    RESET();
    pb_put16(c + oo + FH_OPTSIZE, 0x10);
    CHECK(malformed(c, n, "SizeOfOptionalHeader"));
    pb_put16(c + oo + FH_OPTSIZE, 0xffff);
    CHECK(malformed(c, 0x1000, "optional header"));
    RESET();
    pb_put16(c + oo + FH_OPTSIZE, 0x70 + 8); /* claims 16 dirs but has room for 1 */
    CHECK(malformed(c, n, "NumberOfRvaAndSizes"));
    RESET();
    pb_put16(c + oo, 0x107);
    CHECK(malformed(c, n, "magic"));
    RESET(); /* section table past the end (large SizeOfOptionalHeader) */
    pb_put16(c + oo + FH_OPTSIZE, 0xf000);
    CHECK(malformed(c, n, "extends past end of file"));
    const pb_sec *s = pb_sec_by_name(&b, ".data");
    RESET();
    pb_put32(c + s->hdr_off + 20, (uint32_t)n - 0x100);
    CHECK(malformed(c, n, "section 3 (.data) raw data"));
    RESET(); /* offset + size overflows 32 bits */
    pb_put32(c + s->hdr_off + 20, 0xfffffe00u);
    pb_put32(c + s->hdr_off + 16, 0x400);
    CHECK(malformed(c, n, "section 3 (.data)"));
    RESET();
    pb_put32(c + b.dirs_off + 8, 0x7fff0000u); /* import dir maps nowhere */
    CHECK(malformed(c, n, "import descriptor 0"));
    RESET(); /* security directory past end */
    pb_put32(c + b.dirs_off + 32, (uint32_t)n - 4);
    pb_put32(c + b.dirs_off + 36, 0x100);
    CHECK(malformed(c, n, "certificate table"));
    pb_put32(c + b.dirs_off + 32, 0xfffffff8u);
    CHECK(malformed(c, n, "certificate table"));

    /* DLL name without NUL: name RVA at the last bytes of .data, filled with 'A' */
    const pb_sec *rd = pb_sec_by_name(&b, ".rdata");
    uint32_t desc_rva = pb_get32(d + b.dirs_off + 8);
    size_t desc_off = rd->raw + (desc_rva - rd->va);
    RESET();
    memset(c + s->raw, 'A', s->size);
    pb_put32(c + desc_off + 12, s->va + s->size - 16);
    CHECK(malformed(c, n, "not NUL-terminated"));
    RESET(); /* function name without NUL */
    memset(c + s->raw, 'A', s->size);
    uint32_t ilt_rva = pb_get32(d + desc_off);
    pb_put32(c + rd->raw + (ilt_rva - rd->va), s->va + s->size - 16);
    pb_put32(c + rd->raw + (ilt_rva - rd->va) + 4, 0);
    CHECK(malformed(c, n, "not NUL-terminated"));
    RESET(); /* thunk array never terminates: .data full of thunks, ILT points into it */
    for (size_t k = 0; k < s->size; k += 8)
        memcpy(c + s->raw + k, c + rd->raw + (ilt_rva - rd->va), 8);
    pb_put32(c + desc_off, s->va);
    CHECK(malformed(c, n, "unterminated thunk array"));
    RESET(); /* descriptors never terminate: .data full of copies of descriptor 0 */
    for (size_t k = 0; k + 20 <= s->size; k += 20)
        memcpy(c + s->raw + k, c + desc_off, 20);
    memset(c + s->raw + s->size - s->size % 20, 0x11, s->size % 20);
    pb_put32(c + b.dirs_off + 8, s->va);
    CHECK(malformed(c, n, "missing terminator"));
    pb_free(&b);
    free(c);

    /* more than 4096 descriptors, all pointing to the same thunk array */
    o.data_size = 0x20000;
    b = build(o);
    s = pb_sec_by_name(&b, ".data");
    desc_off = pb_sec_by_name(&b, ".rdata")->raw + (desc_rva - rd->va);
    for (size_t k = 0; k + 20 <= s->size; k += 20)
        memcpy(b.data + s->raw + k, b.data + desc_off, 20);
    pb_set_dir(&b, KPE_DIR_IMPORT, s->va, 20);
    CHECK(malformed(b.data, b.size, "more than 4096 descriptors"));
    pb_free(&b);
    /* more than 65536 thunks in one DLL */
    o.data_size = 0x81000;
    b = build(o);
    s = pb_sec_by_name(&b, ".data");
    rd = pb_sec_by_name(&b, ".rdata");
    desc_off = rd->raw + (desc_rva - rd->va);
    ilt_rva = pb_get32(b.data + desc_off);
    for (size_t k = 0; k + 8 <= s->size; k += 8)
        memcpy(b.data + s->raw + k, b.data + rd->raw + (ilt_rva - rd->va), 8);
    pb_put32(b.data + desc_off, s->va);
    CHECK(malformed(b.data, b.size, "more than 65536 thunks"));
    pb_free(&b);
    /* many descriptors sharing one long thunk array hit the global cap quickly */
    o.data_size = 0x81000;
    b = build(o);
    s = pb_sec_by_name(&b, ".data");
    for (size_t k = 0; k + 8 <= 0x7e000; k += 8) /* zero terminator follows */
        memcpy(b.data + s->raw + k, b.data + rd->raw + (ilt_rva - rd->va), 8);
    for (size_t k = 0; k < 100; k++) {
        memcpy(b.data + s->raw + 0x7f000 + k * 20, b.data + desc_off, 20);
        pb_put32(b.data + s->raw + 0x7f000 + k * 20, s->va);
    }
    pb_set_dir(&b, KPE_DIR_IMPORT, s->va + 0x7f000, 20);
    CHECK(malformed(b.data, b.size, "imported functions in total"));
    pb_free(&b);
#undef RESET
}

/* kmdpe writes PE strings as Latin-1 (any byte stays valid JSON); kmdinf's UTF-8 passes through. */
static void test_json(void)
{
    FILE *f = tmpfile();
    kmd_json_str(f, "a\"b\\c\n\x01\xff/", 9, KMD_JSON_LATIN1);
    char *s = unit_slurp(f);
    CHECK(strcmp(s, "\"a\\\"b\\\\c\\n\\u0001\\u00ff/\"") == 0);
    free(s);
    rewind(f);
    kmd_json_cstr(f, "\t\x7f\xc3\xa9\r", KMD_JSON_UTF8);
    s = unit_slurp(f);
    CHECK(strcmp(s, "\"\\t\\u007f\xc3\xa9\\r\"") == 0);
    free(s);
    fclose(f);
}

/* The CLI; captured stdout/stderr are returned in *out / *err (caller frees). */
#define run(out, err, ...) unit_run(kmdpe_main, "kmdpe", out, err, __VA_ARGS__)

static void test_cli(void)
{
    char dir[] = "/tmp/kmdpe_unit_XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char p[256], ps[256], pu[256], pt[256];
    snprintf(p, sizeof p, "%s/d.sys", dir);
    snprintf(ps, sizeof ps, "%s/signed.sys", dir);
    snprintf(pu, sizeof pu, "%s/user.sys", dir);
    snprintf(pt, sizeof pt, "%s/trunc.sys", dir);
    pb_opts o = {0};
    o.init = o.page = 1;
    pb_image want = build(o);
    o.unfixed = 1;
    pb_image b = build(o);
    CHECK(unit_write_file(p, b.data, b.size) == 0);
    char *out, *err;
    CHECK(run(NULL, NULL, 3, "check", p) == 1); /* INIT not discardable */
    CHECK(run(&out, NULL, 3, "fix", p) == 0);
    CHECK(strstr(out, "INIT +DISCARDABLE") != NULL);
    free(out);
    size_t n;
    uint8_t *got = unit_read_file(p, &n);
    CHECK(got && n == want.size && memcmp(got, want.data, n) == 0);
    free(got);
    CHECK(run(&out, NULL, 3, "fix", p) == 0);
    CHECK(strstr(out, "already fixed") != NULL);
    free(out);
    got = unit_read_file(p, &n);
    CHECK(got && n == want.size && memcmp(got, want.data, n) == 0);
    free(got);
    CHECK(run(&out, NULL, 5, "check", p, "--arch", "x64") == 0);
    CHECK(strstr(out, "0 errors, 0 warnings") != NULL);
    free(out);
    CHECK(run(&out, NULL, 4, "check", p, "--arch=x86") == 1);
    CHECK(strstr(out, "error KPE001 machine-format:") != NULL);
    free(out);
    CHECK(run(&out, NULL, 5, "check", "--json", p, "--require-integrity-check") == 1);
    CHECK(strstr(out, "\"errors\":1,\"warnings\":0,\"findings\":[{\"id\":\"KPE015\"") != NULL);
    free(out);
    CHECK(run(&out, NULL, 4, "info", p, "--json") == 0);
    CHECK(strstr(out, "\"format\":\"PE32+\"") && strstr(out, "\"name\":\"DbgPrint\""));
    CHECK(strstr(out, "\"force_integrity\":false") != NULL);
    free(out);
    CHECK(run(&out, NULL, 3, "info", p) == 0);
    CHECK(strstr(out, "NOT_PAGED") && strstr(out, "DISCARDABLE"));
    free(out);

    /* the CET mark: fix adds it on x64 unless --no-cet; check requires it unless --no-cet */
    pb_opts oc = {0};
    oc.no_cet = 1;
    pb_image c = build(oc);
    CHECK(unit_write_file(p, c.data, c.size) == 0);
    CHECK(run(&out, NULL, 3, "check", p) == 1);
    CHECK(strstr(out, "error KPE025 cet-compat: no debug directory") != NULL);
    free(out);
    CHECK(run(NULL, NULL, 4, "check", p, "--no-cet") == 0);
    CHECK(run(&out, NULL, 4, "fix", p, "--no-cet") == 0);
    CHECK(strstr(out, "already fixed") != NULL);
    free(out);
    CHECK(run(&out, NULL, 3, "info", p) == 0);
    CHECK(strstr(out, "cet compat:         no (no debug directory)") != NULL);
    free(out);
    CHECK(run(&out, NULL, 3, "fix", p) == 0);
    CHECK(strstr(out, "fixed: CET mark added (debug directory of 1 entry at RVA") != NULL);
    free(out);
    CHECK(run(&out, NULL, 3, "fix", p) == 0);
    CHECK(strstr(out, "already fixed") != NULL);
    free(out);
    CHECK(run(NULL, NULL, 5, "check", p, "--arch", "x64") == 0);
    CHECK(run(&out, NULL, 3, "info", p) == 0);
    CHECK(strstr(out, "cet compat:         yes (EX_DLLCHARACTERISTICS 0x1, debug entry 1)") &&
          strstr(out, "EX_DLLCHARACTERISTICS size 0x4"));
    free(out);
    CHECK(run(&out, NULL, 4, "info", p, "--json") == 0);
    CHECK(strstr(out, "\"cet_compat\":true,\"ex_dll_characteristics\":1,\"debug_directory\":[{"
                      "\"type\":20,\"type_name\":\"EX_DLLCHARACTERISTICS\",\"size\":4") != NULL);
    free(out);
    CHECK(run(NULL, &err, 4, "compact", p, "--no-cet") == 2); /* fix and check only */
    free(err);
    pb_free(&c);

    /* user-mode import */
    static const char *const f[] = {"ExitProcess", NULL};
    pb_import im[] = {{"kernel32.dll", f, 0}};
    pb_opts ou = {0};
    ou.imports = im;
    ou.nimports = 1;
    pb_image u = build(ou);
    CHECK(unit_write_file(pu, u.data, u.size) == 0);
    CHECK(run(&out, NULL, 3, "check", pu) == 1);
    CHECK(strstr(out, "user.sys: error KPE004 imports-kernel-only: imports kernel32.dll, a "
                      "user-mode DLL") != NULL);
    free(out);
    CHECK(run(NULL, NULL, 5, "check", pu, "--allow-import", "KERNEL32.DLL") == 0);
    pb_free(&u);

    /* signed: check accepts, fix refuses and leaves the file alone */
    CHECK(pb_sign(&want, 0x100) == 0);
    CHECK(unit_write_file(ps, want.data, want.size) == 0);
    CHECK(run(NULL, NULL, 3, "check", ps) == 0);
    CHECK(run(NULL, &err, 3, "fix", ps) == 2);
    CHECK(strstr(err, "signed") != NULL);
    free(err);
    got = unit_read_file(ps, &n);
    CHECK(got && n == want.size && memcmp(got, want.data, n) == 0);
    free(got);

    /* malformed input: exit 2 with a message */
    size_t cuts[] = {0, 0x20, 0x84, 0x100, 0x1f0, 0x400, 0x900};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        CHECK(unit_write_file(pt, b.data, cuts[i]) == 0);
        CHECK(run(NULL, &err, 3, "check", pt) == 2);
        CHECK(strstr(err, "malformed PE") != NULL);
        free(err);
        CHECK(run(NULL, NULL, 3, "fix", pt) == 2);
        CHECK(run(NULL, NULL, 3, "info", pt) == 2);
    }
    CHECK(run(NULL, NULL, 3, "check", "/nonexistent/x.sys") == 2);

    /* usage */
    CHECK(run(NULL, &err, 1) == 2);
    CHECK(strstr(err, "usage:") != NULL);
    free(err);
    CHECK(run(NULL, NULL, 2, "bogus") == 2);
    CHECK(run(NULL, NULL, 2, "check") == 2);
    CHECK(run(NULL, NULL, 4, "check", p, "--arch") == 2);
    CHECK(run(NULL, NULL, 5, "check", p, "--arch", "arm") == 2);
    CHECK(run(NULL, NULL, 4, "fix", p, "--json") == 2);
    CHECK(run(NULL, NULL, 4, "info", p, p) == 2);
    CHECK(run(&out, NULL, 2, "rules") == 0);
    CHECK(strstr(out, "KPE001") && strstr(out, "KPE017") && strstr(out, "KPE025"));
    free(out);
    CHECK(run(&out, NULL, 4, "check", "--list-rules", "--json") == 0);
    CHECK(strstr(out, "\"id\":\"KPE016\",\"name\":\"deprecated-import\",\"severity\":\"warning\""));
    free(out);
    CHECK(run(NULL, NULL, 2, "--help") == 0);

    unlink(p);
    unlink(ps);
    unlink(pu);
    unlink(pt);
    rmdir(dir);
    pb_free(&b);
    pb_free(&want);
}

/* ---- seeds ------------------------------------------------------------------------------ */

static int write_seeds(const char *dir, char **extra, int nextra)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "kmdpe_unit: cannot create %s: %s\n", dir, strerror(errno));
        return 2;
    }
    static const char *const nt[] = {"DbgPrint", "ExAllocatePoolWithTag", "#5", NULL};
    static const char *const k32[] = {"ExitProcess", NULL};
    static const char *const fm[] = {"FltRegisterFilter", NULL};
    pb_import mixed[] = {{"ntoskrnl.exe", nt, 0}, {"kernel32.dll", k32, 0}, {"fltmgr.sys", fm, 1}};
    struct {
        const char *name;
        pb_opts o;
        int sign;
    } seeds[] = {
        {"x64_clean", {0}, 0},
        {"x86_clean", {.pe32 = 1}, 0},
        {"x64_unfixed", {.init = 1, .page = 1, .rsrc = 1, .unfixed = 1}, 0},
        {"x86_unfixed", {.pe32 = 1, .init = 1, .page = 1, .rsrc = 1, .unfixed = 1}, 0},
        {"x64_imports", {.imports = mixed, .nimports = 3, .tls = 1}, 0},
        {"x86_imports", {.pe32 = 1, .imports = mixed, .nimports = 3}, 0},
        {"x64_signed", {.init = 1}, 1},
        {"x86_signed", {.pe32 = 1}, 1},
        {"x64_pdata", {.pdata = 1, .page = 1}, 0},
        {"x64_nocet", {.no_cet = 1, .rdata_size = 0x180}, 0},
        {"x64_full_rdata", {.no_cet = 1, .pdata = 1, .rdata_last = 1, .rdata_size = 0xff8}, 0},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        pb_image b = build(seeds[i].o);
        if (seeds[i].sign)
            pb_sign(&b, 0x40);
        char path[4096];
        snprintf(path, sizeof path, "%s/seed_%s.sys", dir, seeds[i].name);
        if (unit_write_file(path, b.data, b.size) != 0) {
            fprintf(stderr, "kmdpe_unit: cannot write %s\n", path);
            pb_free(&b);
            return 2;
        }
        pb_free(&b);
    }
    /* Extra files (e.g. built drivers) are copied in: libFuzzer takes only directories
     * when it fuzzes. */
    for (int i = 0; i < nextra; i++) {
        size_t n;
        uint8_t *d = unit_read_file(extra[i], &n);
        const char *base = strrchr(extra[i], '/');
        char path[4096];
        snprintf(path, sizeof path, "%s/extra_%d_%s", dir, i, base ? base + 1 : extra[i]);
        if (!d || unit_write_file(path, d, n) != 0) {
            fprintf(stderr, "kmdpe_unit: cannot copy %s to %s\n", extra[i], path);
            free(d);
            return 2;
        }
        free(d);
    }
    printf("wrote %zu seeds and %d extra files to %s\n", sizeof seeds / sizeof *seeds, nextra, dir);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--write-seeds") == 0)
        return write_seeds(argv[2], argv + 3, argc - 3);
    if (argc != 1) {
        fprintf(stderr, "usage: kmdpe_unit [--write-seeds DIR [FILE...]]\n");
        return 2;
    }
    test_clean();
    test_rules();
    test_layout_rules();
    test_x64_rules();
    test_cet_mark();
    test_checksum();
    test_fix();
    test_truncation();
    test_malformed();
    test_json();
    test_cli();
    return unit_summary();
}
