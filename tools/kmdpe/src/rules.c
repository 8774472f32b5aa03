/* rules.c - driver lint rules. Each rule has a stable id and name; see README.md. */
#include "rules.h"

#include "fix.h"
#include "rules_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const kpe_rule kpe_rules[] = {
    {"KPE001", "machine-format", KPE_SEV_ERROR,
     "optional header format and Machine agree with each other and with --arch "
     "(x64: PE32+/AMD64, x86: PE32/I386)"},
    {"KPE002", "subsystem-native", KPE_SEV_ERROR, "Subsystem is NATIVE (1)"},
    {"KPE003", "entry-point-code", KPE_SEV_ERROR,
     "AddressOfEntryPoint is non-zero and inside an executable (EXECUTE/CODE) section"},
    {"KPE004", "imports-kernel-only", KPE_SEV_ERROR,
     "imports (incl. delay-load) only from ntoskrnl.exe, hal.dll, known kernel modules and "
     "--allow-import DLLs"},
    {"KPE005", "no-tls", KPE_SEV_ERROR, "no TLS directory (the kernel loader ignores TLS)"},
    {"KPE006", "no-wx-section", KPE_SEV_ERROR,
     "no section is both WRITE and EXECUTE (HVCI refuses such drivers)"},
    {"KPE007", "alignment", KPE_SEV_ERROR,
     "SectionAlignment is the page size 0x1000; FileAlignment is a power of two in "
     "0x200..0x10000"},
    {"KPE008", "section-layout", KPE_SEV_ERROR,
     "sections are page-aligned, ascending, non-overlapping in memory, inside SizeOfImage, and "
     "their raw data does not overlap the headers or each other"},
    {"KPE009", "relocations", KPE_SEV_ERROR,
     "non-empty base relocation directory, RELOCS_STRIPPED clear, DYNAMIC_BASE set"},
    {"KPE010", "nx-compat", KPE_SEV_ERROR, "DllCharacteristics has NX_COMPAT (0x100)"},
    {"KPE011", "checksum", KPE_SEV_ERROR,
     "stored CheckSum equals the computed PE checksum (the kernel loader verifies it)"},
    {"KPE012", "certificate-table", KPE_SEV_ERROR,
     "if signed: certificate table is 8-byte aligned, after all section data, and ends at "
     "end of file"},
    {"KPE013", "init-discardable", KPE_SEV_ERROR,
     "a section named INIT is DISCARDABLE (freed after DriverEntry)"},
    {"KPE014", "page-pageable", KPE_SEV_ERROR, "no PAGE* section is marked NOT_PAGED"},
    {"KPE015", "force-integrity", KPE_SEV_ERROR,
     "with --require-integrity-check: DllCharacteristics has FORCE_INTEGRITY (0x80)"},
    {"KPE016", "deprecated-import", KPE_SEV_WARNING,
     "imports a deprecated kernel routine that has a safer replacement"},
    {"KPE017", "fix-not-applied", KPE_SEV_WARNING,
     "section flags differ from what kmdpe fix sets (NOT_PAGED on resident sections, "
     ".rsrc DISCARDABLE)"},
    {"KPE018", "section-contiguous", KPE_SEV_ERROR,
     "sections follow the headers and each other with no virtual gap, none is empty, and "
     "SizeOfImage is the aligned end of the last one (the loader refuses anything else)"},
    {"KPE019", "section-pages", KPE_SEV_ERROR,
     "every section starts on a 4 KiB page, whatever SectionAlignment says (HVCI protects "
     "sections page by page)"},
    {"KPE020", "iat-not-executable", KPE_SEV_ERROR,
     "the IAT (data directory 12, every import's thunk array) is in no executable section "
     "(HVCI: the loader writes it, and executable pages are never writable)"},
    {"KPE021", "reloc-targets", KPE_SEV_ERROR,
     "every base relocation has a known type and patches bytes inside a section; on x64 none "
     "crosses a 4 KiB page boundary (HVCI applies relocations page by page)"},
    {"KPE022", "exception-directory", KPE_SEV_ERROR,
     "x64: the exception directory lies in the image and holds well-formed RUNTIME_FUNCTIONs, "
     "sorted and not overlapping, each in one executable section, with readable unwind info"},
    {"KPE023", "unwind-coverage", KPE_SEV_ERROR,
     "x64: code that opens a stack frame (push, sub rsp) at the entry point, an export or the "
     "start of code between functions is covered by a RUNTIME_FUNCTION"},
    {"KPE024", "import-by-ordinal", KPE_SEV_ERROR,
     "no import by ordinal (kernel modules' ordinals are not stable across Windows builds)"},
    {"KPE025", "cet-compat", KPE_SEV_ERROR,
     "x64, unless --no-cet: a debug entry of type EX_DLLCHARACTERISTICS (20) with CET_COMPAT "
     "(0x01); kernel-mode shadow stacks refuse unmarked drivers (run kmdpe fix)"},
};
const size_t kpe_nrules = sizeof kpe_rules / sizeof kpe_rules[0];

static void vadd(kpe_findings *out, int rule, const char *fmt, va_list ap)
{
    const kpe_rule *r = &kpe_rules[rule];
    if (r->severity == KPE_SEV_ERROR)
        out->errors++;
    else
        out->warnings++;
    if (out->n >= KPE_MAX_FINDINGS) {
        out->dropped++;
        return;
    }
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        kpe_finding *p = realloc(out->items, cap * sizeof *p);
        if (!p) {
            out->oom = 1;
            out->dropped++;
            return;
        }
        out->items = p;
        out->cap = cap;
    }
    kpe_finding *f = &out->items[out->n++];
    f->rule = r;
    vsnprintf(f->message, sizeof f->message, fmt, ap);
}

void kpe_add_finding(kpe_findings *out, int rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(out, rule, fmt, ap);
    va_end(ap);
}

void kpe_cap_add(kpe_cap *c, const char *fmt, ...)
{
    if (c->n++ >= KPE_CAP)
        return;
    va_list ap;
    va_start(ap, fmt);
    vadd(c->out, c->rule, fmt, ap);
    va_end(ap);
}

void kpe_cap_done(kpe_cap *c, const char *what)
{
    if (c->n > KPE_CAP)
        kpe_add_finding(c->out, c->rule, "... and %lu more %s", c->n - KPE_CAP, what);
}

int kpe_is_exec(const kpe_section *s)
{
    return (s->chars & (KPE_SCN_MEM_EXECUTE | KPE_SCN_CNT_CODE)) != 0;
}

void kpe_findings_free(kpe_findings *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

static const char *const kernel_modules[] = {
    "ntoskrnl.exe", "ntkrnlpa.exe", "ntkrnlmp.exe", "ntkrpamp.exe",    "hal.dll",
    "ndis.sys",     "fltmgr.sys",   "wdfldr.sys",   "ksecdd.sys",      "cng.sys",
    "netio.sys",    "wmilib.sys",   "storport.sys", "scsiport.sys",    "ataport.sys",
    "tdi.sys",      "clfs.sys",     "ci.dll",       "bootvid.dll",     "kdcom.dll",
    "pshed.dll",    "classpnp.sys", "usbd.sys",     "hidclass.sys",    "hidparse.sys",
    "ks.sys",       "portcls.sys",  "videoprt.sys", "dxgkrnl.sys",     "fwpkclnt.sys",
    "msrpc.sys",    "tbs.sys",      "tm.sys",       "wpprecorder.sys", "ucx01000.sys",
    "battc.sys",    "ksecpkg.sys",  "win32k.sys",   "cmimcext.sys",    "werkernel.sys"};

/* Name prefixes of user-mode DLLs that must never appear in a driver. */
static const char *const user_prefixes[] = {
    "msvcr",    "msvcp",    "ucrtbase", "vcruntime", "api-ms-",       "kernel32", "kernelbase",
    "ntdll",    "user32",   "advapi32", "gdi32",     "ws2_32",        "shell32",  "ole32",
    "oleaut32", "comctl32", "comdlg32", "shlwapi",   "crypt32",       "bcrypt.",  "rpcrt4",
    "secur32",  "winmm",    "setupapi", "wininet",   "winhttp",       "psapi",    "version.",
    "iphlpapi", "dbghelp",  "libgcc",   "libstdc++", "libwinpthread", "cygwin1",  "msys-"};

static int str_ieq_n(const char *a, size_t alen, const char *b)
{
    size_t n = strlen(b);
    if (alen != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return 0;
    }
    return 1;
}

static int str_iprefix(const char *a, size_t alen, const char *prefix)
{
    size_t n = strlen(prefix);
    return alen >= n && str_ieq_n(a, n, prefix);
}

/* Copy a possibly unprintable name for messages. */
void kpe_printable(char *dst, size_t n, const char *src, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; i < len && j + 5 < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c >= 0x20 && c < 0x7f)
            dst[j++] = (char)c;
        else
            j += (size_t)snprintf(dst + j, n - j, "\\x%02x", c);
    }
    dst[j] = 0;
}

static void check_machine(const kpe_image *img, const kpe_check_opts *o, kpe_findings *out)
{
    const char *fmt = img->pe32plus ? "PE32+" : "PE32";
    const char *mn = kpe_machine_name(img->machine);
    if (o->arch == KPE_ARCH_X64 || o->arch == KPE_ARCH_X86) {
        int x64 = o->arch == KPE_ARCH_X64;
        int want_plus = x64;
        uint16_t want_m = x64 ? KPE_MACHINE_AMD64 : KPE_MACHINE_I386;
        if (img->pe32plus != want_plus || img->machine != want_m)
            kpe_add_finding(
                out, R_MACHINE,
                "image is %s with Machine %s (0x%x); --arch %s requires %s with Machine %s (0x%x)",
                fmt, mn, img->machine, x64 ? "x64" : "x86", x64 ? "PE32+" : "PE32",
                x64 ? "AMD64" : "I386", want_m);
        return;
    }
    int ok = img->pe32plus
                 ? (img->machine == KPE_MACHINE_AMD64 || img->machine == KPE_MACHINE_ARM64)
                 : (img->machine == KPE_MACHINE_I386 || img->machine == KPE_MACHINE_ARMNT);
    if (!ok)
        kpe_add_finding(out, R_MACHINE, "image is %s but Machine is %s (0x%x); expected %s", fmt,
                        mn, img->machine, img->pe32plus ? "AMD64 or ARM64" : "I386 or ARMNT");
}

static void check_entry(const kpe_image *img, kpe_findings *out)
{
    if (img->entry == 0) {
        kpe_add_finding(out, R_ENTRY, "AddressOfEntryPoint is 0 (a driver needs DriverEntry)");
        return;
    }
    int i = kpe_section_index_at(img, img->entry);
    if (i < 0) {
        kpe_add_finding(out, R_ENTRY, "entry point RVA 0x%x lies in no section", img->entry);
        return;
    }
    uint32_t c = img->sections[i].chars;
    if (!(c & (KPE_SCN_MEM_EXECUTE | KPE_SCN_CNT_CODE)))
        kpe_add_finding(out, R_ENTRY,
                        "entry point RVA 0x%x lies in section %s, which is not executable code",
                        img->entry, img->sections[i].name);
}

/* bound: the replacement's routine name when a driver can bind it at run time
 * (MmGetSystemRoutineAddress) and keep the deprecated import only as the fallback for systems
 * that lack it, which is Microsoft's own down-level pattern for ExAllocatePool2. When the image
 * holds that name as a UTF-16 string (the UNICODE_STRING MmGetSystemRoutineAddress takes), the
 * import is that fallback and is not reported. */
struct deprecated {
    const char *name, *instead, *bound;
};
static const struct deprecated deprecated[] = {
    {"ExAllocatePool", "ExAllocatePool2", "ExAllocatePool2"},
    {"ExAllocatePoolWithTag", "ExAllocatePool2", "ExAllocatePool2"},
    {"ExAllocatePoolWithQuota", "ExAllocatePool2 with POOL_FLAG_USE_QUOTA", "ExAllocatePool2"},
    {"ExAllocatePoolWithQuotaTag", "ExAllocatePool2 with POOL_FLAG_USE_QUOTA", "ExAllocatePool2"},
    {"ExAllocatePoolWithTagPriority", "ExAllocatePool3", "ExAllocatePool3"},
    {"MmGetSystemAddressForMdl", "MmGetSystemAddressForMdlSafe", NULL},
    {"MmMapLockedPages", "MmMapLockedPagesSpecifyCache", NULL},
    {"ExQueueWorkItem", "IoQueueWorkItem / IoQueueWorkItemEx", NULL},
    {"KeGetCurrentProcessorNumber", "KeGetCurrentProcessorNumberEx", NULL},
    {"KeQueryActiveProcessorCount", "KeQueryActiveProcessorCountEx", NULL},
    {"KeQueryMaximumProcessorCount", "KeQueryMaximumProcessorCountEx", NULL},
    {"MmMapIoSpace", "MmMapIoSpaceEx", "MmMapIoSpaceEx"},
};

/* Whether the file holds name as UTF-16LE text followed by a NUL character. */
static int has_utf16_name(const kpe_image *img, const char *name)
{
    size_t n = strlen(name), need = 2 * (n + 1);
    for (size_t at = 0; at + need <= img->size; at += 2) {
        size_t k = 0;
        while (k < n && img->data[at + 2 * k] == (uint8_t)name[k] && img->data[at + 2 * k + 1] == 0)
            k++;
        if (k == n && img->data[at + 2 * n] == 0 && img->data[at + 2 * n + 1] == 0)
            return 1;
    }
    return 0;
}

static void check_imports(const kpe_image *img, const kpe_check_opts *o, kpe_findings *out)
{
    for (size_t i = 0; i < img->ndlls; i++) {
        const kpe_dll *d = &img->dlls[i];
        const char *nm = kpe_str_ptr(img, d->name);
        size_t len = d->name.len;
        char pn[128];
        kpe_printable(pn, sizeof pn, nm, len);
        const char *verb = d->delay ? "delay-imports" : "imports";
        int ok = 0;
        for (size_t k = 0; !ok && k < sizeof kernel_modules / sizeof *kernel_modules; k++)
            ok = str_ieq_n(nm, len, kernel_modules[k]);
        for (size_t k = 0; !ok && k < o->nallow; k++)
            ok = str_ieq_n(nm, len, o->allow_imports[k]);
        if (!ok) {
            int user = 0;
            for (size_t k = 0; !user && k < sizeof user_prefixes / sizeof *user_prefixes; k++)
                user = str_iprefix(nm, len, user_prefixes[k]);
            if (user)
                kpe_add_finding(
                    out, R_IMPORTS,
                    "%s %s, a user-mode DLL (drivers may import only ntoskrnl.exe, hal.dll and "
                    "allowed kernel modules)",
                    verb, pn);
            else
                kpe_add_finding(
                    out, R_IMPORTS,
                    "%s %s, which is not a known kernel-mode module (drivers may import only "
                    "ntoskrnl.exe, hal.dll and allowed kernel modules; see --allow-import)",
                    verb, pn);
        }
        for (size_t f = 0; f < d->nfuncs; f++) {
            const kpe_func *fn = &img->funcs[d->first_func + f];
            if (fn->by_ordinal)
                continue;
            const char *fnm = kpe_str_ptr(img, fn->name);
            for (size_t k = 0; k < sizeof deprecated / sizeof *deprecated; k++)
                if (fn->name.len == strlen(deprecated[k].name) &&
                    memcmp(fnm, deprecated[k].name, fn->name.len) == 0 &&
                    !(deprecated[k].bound && has_utf16_name(img, deprecated[k].bound)))
                    kpe_add_finding(out, R_DEPRECATED,
                                    "%s %s!%s, which is deprecated; use %s instead", verb, pn,
                                    deprecated[k].name, deprecated[k].instead);
        }
    }
}

static int is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static void check_layout(const kpe_image *img, kpe_findings *out)
{
    uint32_t sa = img->section_align;
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        uint64_t vend = (uint64_t)s->vaddr + kpe_section_vlen(s);
        if (is_pow2(sa) && (s->vaddr & (sa - 1)))
            kpe_add_finding(
                out, R_LAYOUT,
                "section %u (%s) virtual address 0x%x is not a multiple of SectionAlignment 0x%x",
                i + 1, s->name, s->vaddr, sa);
        if (i == 0 && s->vaddr < img->size_of_headers)
            kpe_add_finding(
                out, R_LAYOUT,
                "section 1 (%s) virtual address 0x%x overlaps the headers (SizeOfHeaders 0x%x)",
                s->name, s->vaddr, img->size_of_headers);
        if (i > 0) {
            const kpe_section *p = &img->sections[i - 1];
            uint64_t pend = (uint64_t)p->vaddr + kpe_section_vlen(p);
            if (s->vaddr < pend)
                kpe_add_finding(
                    out, R_LAYOUT,
                    "section %u (%s) at RVA 0x%x is not above the end of section %u (%s) at 0x%llx",
                    i + 1, s->name, s->vaddr, i, p->name, (unsigned long long)pend);
        }
        if (vend > img->size_of_image)
            kpe_add_finding(out, R_LAYOUT,
                            "section %u (%s) ends at RVA 0x%llx, beyond SizeOfImage 0x%x", i + 1,
                            s->name, (unsigned long long)vend, img->size_of_image);
        if (!s->raw_size)
            continue;
        if (s->raw_off < img->size_of_headers)
            kpe_add_finding(
                out, R_LAYOUT,
                "section %u (%s) raw data at 0x%x overlaps the headers (SizeOfHeaders 0x%x)", i + 1,
                s->name, s->raw_off, img->size_of_headers);
        for (unsigned j = 0; j < i; j++) {
            const kpe_section *t = &img->sections[j];
            if (t->raw_size && (uint64_t)s->raw_off < (uint64_t)t->raw_off + t->raw_size &&
                (uint64_t)t->raw_off < (uint64_t)s->raw_off + s->raw_size)
                kpe_add_finding(
                    out, R_LAYOUT,
                    "section %u (%s) raw data 0x%x+0x%x overlaps section %u (%s) raw data "
                    "0x%x+0x%x",
                    i + 1, s->name, s->raw_off, s->raw_size, j + 1, t->name, t->raw_off,
                    t->raw_size);
        }
    }
}

static void check_cert(const kpe_image *img, kpe_findings *out)
{
    kpe_dir c = img->dirs[KPE_DIR_SECURITY];
    if (!c.size)
        return;
    uint64_t last = 0;
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        if (s->raw_size && (uint64_t)s->raw_off + s->raw_size > last)
            last = (uint64_t)s->raw_off + s->raw_size;
    }
    if (c.rva & 7)
        kpe_add_finding(out, R_CERT, "certificate table offset 0x%x is not 8-byte aligned", c.rva);
    if (c.rva < last)
        kpe_add_finding(out, R_CERT,
                        "certificate table at 0x%x starts before the end of section data (0x%llx)",
                        c.rva, (unsigned long long)last);
    if ((uint64_t)c.rva + c.size != img->size)
        kpe_add_finding(
            out, R_CERT,
            "certificate table 0x%x+0x%x ends at 0x%llx, not at end of file (0x%zx); it must be "
            "the last thing in the file",
            c.rva, c.size, (unsigned long long)c.rva + c.size, img->size);
    if (c.size < 8) {
        kpe_add_finding(out, R_CERT,
                        "certificate table size 0x%x is smaller than a WIN_CERTIFICATE header",
                        c.size);
    } else {
        const uint8_t *p = img->data + c.rva;
        uint32_t len = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
                       ((uint32_t)p[3] << 24);
        if (len < 8 || len > c.size)
            kpe_add_finding(out, R_CERT,
                            "first WIN_CERTIFICATE length 0x%x does not fit the table size 0x%x",
                            len, c.size);
    }
}

int kpe_check(const kpe_image *img, const kpe_check_opts *o, kpe_findings *out)
{
    static const kpe_check_opts defaults;
    if (!o)
        o = &defaults;
    check_machine(img, o, out);
    if (img->subsystem != KPE_SUBSYSTEM_NATIVE)
        kpe_add_finding(out, R_SUBSYS,
                        "subsystem is %s (%u), not NATIVE (1); link with --subsystem,native",
                        kpe_subsystem_name(img->subsystem), img->subsystem);
    check_entry(img, out);
    check_imports(img, o, out);
    kpe_dir tls = img->dirs[KPE_DIR_TLS];
    if (tls.rva || tls.size)
        kpe_add_finding(out, R_TLS,
                        "image has a TLS directory (RVA 0x%x, size 0x%x); drivers cannot use TLS",
                        tls.rva, tls.size);
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        if ((s->chars & KPE_SCN_MEM_WRITE) && (s->chars & KPE_SCN_MEM_EXECUTE))
            kpe_add_finding(out, R_WX, "section %u (%s) is both writable and executable (0x%08x)",
                            i + 1, s->name, s->chars);
    }
    if (img->section_align != 0x1000)
        kpe_add_finding(out, R_ALIGN, "SectionAlignment 0x%x is not the page size 0x1000",
                        img->section_align);
    if (!is_pow2(img->file_align) || img->file_align < 0x200 || img->file_align > 0x10000)
        kpe_add_finding(out, R_ALIGN, "FileAlignment 0x%x is not a power of two in 0x200..0x10000",
                        img->file_align);
    check_layout(img, out);
    kpe_dir rel = img->dirs[KPE_DIR_BASERELOC];
    uint8_t blk[8];
    if (!rel.rva || !rel.size)
        kpe_add_finding(
            out, R_RELOC,
            "no base relocation directory; link with --dynamicbase (GNU ld omits .reloc "
            "when nothing needs relocating)");
    else if (rel.size < 8 || !kpe_read_rva(img, rel.rva, blk, sizeof blk))
        kpe_add_finding(out, R_RELOC, "base relocation directory 0x%x+0x%x is invalid", rel.rva,
                        rel.size);
    if (img->file_chars & KPE_FILE_RELOCS_STRIPPED)
        kpe_add_finding(out, R_RELOC, "file characteristics have RELOCS_STRIPPED (0x1) set");
    if (!(img->dll_chars & KPE_DLLCHAR_DYNAMIC_BASE))
        kpe_add_finding(
            out, R_RELOC,
            "DllCharacteristics 0x%x lacks DYNAMIC_BASE (0x40); link with --dynamicbase",
            img->dll_chars);
    if (!(img->dll_chars & KPE_DLLCHAR_NX_COMPAT))
        kpe_add_finding(out, R_NX,
                        "DllCharacteristics 0x%x lacks NX_COMPAT (0x100); link with --nxcompat",
                        img->dll_chars);
    if (img->checksum != img->checksum_computed)
        kpe_add_finding(out, R_CHECKSUM,
                        "stored checksum 0x%08x does not match computed 0x%08x (%s)", img->checksum,
                        img->checksum_computed,
                        img->dirs[KPE_DIR_SECURITY].size ? "fix before signing" : "run kmdpe fix");
    check_cert(img, out);
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        uint32_t want = kpe_fix_section_chars(s), diff = want ^ s->chars;
        if (strcmp(s->name, "INIT") == 0 && !(s->chars & KPE_SCN_MEM_DISCARDABLE)) {
            kpe_add_finding(out, R_INIT, "section %u (INIT) is not DISCARDABLE (run kmdpe fix)",
                            i + 1);
            diff &= ~KPE_SCN_MEM_DISCARDABLE;
        }
        if (strncmp(s->name, "PAGE", 4) == 0 && (s->chars & KPE_SCN_MEM_NOT_PAGED)) {
            kpe_add_finding(
                out, R_PAGE,
                "section %u (%s) is pageable by name but marked NOT_PAGED (run kmdpe fix)", i + 1,
                s->name);
            diff &= ~KPE_SCN_MEM_NOT_PAGED;
        }
        if (diff)
            kpe_add_finding(out, R_FIX, "section %u (%s) lacks %s (run kmdpe fix)", i + 1, s->name,
                            (diff & KPE_SCN_MEM_NOT_PAGED) ? "NOT_PAGED" : "DISCARDABLE");
    }
    kpe_check_layout_hvci(img, out);
    kpe_check_x64(img, o, out);
    if (o->require_integrity && !(img->dll_chars & KPE_DLLCHAR_FORCE_INTEGRITY))
        kpe_add_finding(
            out, R_INTEGRITY,
            "DllCharacteristics 0x%x lacks FORCE_INTEGRITY (0x80); link with --forceinteg "
            "(required e.g. by PsSetCreateProcessNotifyRoutineEx)",
            img->dll_chars);
    return out->oom ? -1 : 0;
}
