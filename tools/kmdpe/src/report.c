/* report.c - human and JSON output for `info` and `check`. */
#include "report.h"

#include "bytes.h"
#include "common/json.h"
#include "debugdir.h"

#include <inttypes.h>
#include <string.h>

/* Print LEN bytes with unprintable bytes as \xNN. */
static void put_printable(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f)
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
}

static void json_flags(FILE *f, const kpe_flag *tbl, uint32_t v)
{
    char buf[512];
    kpe_flags_str(buf, sizeof buf, tbl, v);
    fputc('[', f);
    const char *p = buf;
    int first = 1;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (!first)
            fputc(',', f);
        kmd_json_str(f, p, n, KMD_JSON_LATIN1);
        first = 0;
        p += n;
        if (*p == ',')
            p++;
    }
    fputc(']', f);
}

static const char *cet_text(const kpe_cet_info *ci)
{
    switch (ci->state) {
    case KPE_CET_MARKED:
        return "yes";
    case KPE_CET_NO_DEBUG_DIR:
        return "no (no debug directory)";
    case KPE_CET_NO_ENTRY:
        return "no (no EX_DLLCHARACTERISTICS debug entry)";
    case KPE_CET_NOT_SET:
        return "no (EX_DLLCHARACTERISTICS without CET_COMPAT)";
    default:
        return "no (malformed)";
    }
}

#define MAX_LISTED_RF 65536u

/* Number of RUNTIME_FUNCTIONs in the exception directory that can be read (listed at most
 * MAX_LISTED_RF), calling EACH for every one when non-NULL. */
static size_t each_rf(const kpe_image *img, FILE *f,
                      void (*each)(FILE *f, size_t k, const uint8_t *rf))
{
    kpe_dir ex = img->ndirs > KPE_DIR_EXCEPTION ? img->dirs[KPE_DIR_EXCEPTION] : (kpe_dir){0, 0};
    size_t n = ex.size / 12, k;
    if (n > MAX_LISTED_RF)
        n = MAX_LISTED_RF;
    for (k = 0; ex.rva && k < n; k++) {
        uint8_t b[12];
        uint64_t at = (uint64_t)ex.rva + 12 * k;
        if (at > UINT32_MAX || !kpe_read_rva(img, (uint32_t)at, b, sizeof b))
            break;
        if (each)
            each(f, k, b);
    }
    return ex.rva ? k : 0;
}

static void rf_json(FILE *f, size_t k, const uint8_t *b)
{
    fprintf(f, "%s[%u,%u,%u]", k ? "," : "", kpe_ld32(b), kpe_ld32(b + 4), kpe_ld32(b + 8));
}

static void info_text(FILE *f, const char *path, const kpe_image *img)
{
    char buf[512];
    fprintf(f, "file:               %s\n", path);
    fprintf(f, "format:             %s\n", img->pe32plus ? "PE32+" : "PE32");
    fprintf(f, "machine:            0x%04x %s\n", img->machine, kpe_machine_name(img->machine));
    fprintf(f, "image base:         0x%" PRIx64 "\n", img->image_base);
    fprintf(f, "entry point:        0x%08x\n", img->entry);
    fprintf(f, "subsystem:          %u %s\n", img->subsystem, kpe_subsystem_name(img->subsystem));
    kpe_flags_str(buf, sizeof buf, kpe_file_flags, img->file_chars);
    fprintf(f, "characteristics:    0x%04x %s\n", img->file_chars, buf);
    kpe_flags_str(buf, sizeof buf, kpe_dll_flags, img->dll_chars);
    fprintf(f, "dll characteristics: 0x%04x %s\n", img->dll_chars, buf);
    fprintf(f, "force integrity:    %s\n",
            (img->dll_chars & KPE_DLLCHAR_FORCE_INTEGRITY) ? "yes" : "no");
    fprintf(f, "section alignment:  0x%x\n", img->section_align);
    fprintf(f, "file alignment:     0x%x\n", img->file_align);
    fprintf(f, "size of image:      0x%x\n", img->size_of_image);
    fprintf(f, "size of headers:    0x%x\n", img->size_of_headers);
    fprintf(f, "checksum:           stored 0x%08x computed 0x%08x (%s)\n", img->checksum,
            img->checksum_computed, img->checksum == img->checksum_computed ? "ok" : "MISMATCH");
    kpe_dir c = img->dirs[KPE_DIR_SECURITY];
    if (c.size)
        fprintf(f, "signed:             yes (certificate table at 0x%x, 0x%x bytes)\n", c.rva,
                c.size);
    else
        fprintf(f, "signed:             no\n");
    kpe_dir t = img->dirs[KPE_DIR_TLS];
    fprintf(f, "tls:                %s\n", (t.rva || t.size) ? "yes" : "no");
    kpe_cet_info ci;
    kpe_cet_status(img, &ci);
    if (ci.state == KPE_CET_MARKED || ci.state == KPE_CET_NOT_SET)
        fprintf(f, "cet compat:         %s (EX_DLLCHARACTERISTICS 0x%x, debug entry %d)\n",
                cet_text(&ci), ci.ex_flags, ci.entry + 1);
    else
        fprintf(f, "cet compat:         %s%s%s%s\n", cet_text(&ci),
                ci.state == KPE_CET_BAD ? ": " : "", ci.state == KPE_CET_BAD ? ci.detail : "",
                img->machine == KPE_MACHINE_AMD64 ? "" : "; only x64 drivers need it");
    kpe_debug_entry de[KPE_MAX_DEBUG_ENTRIES];
    char dmsg[192];
    int nd = kpe_debug_entries(img, de, KPE_MAX_DEBUG_ENTRIES, dmsg, sizeof dmsg);
    if (nd < 0)
        fprintf(f, "debug directory:    malformed: %s\n", dmsg);
    else
        fprintf(f, "debug directory:    %d entr%s\n", nd, nd == 1 ? "y" : "ies");
    for (int i = 0; i < nd; i++)
        fprintf(f, "  %-2d %-21s size 0x%x rva 0x%08x file 0x%08x\n", i + 1,
                kpe_debug_type_name(de[i].type), de[i].size, de[i].rva, de[i].ptr);
    kpe_dir ex = img->ndirs > KPE_DIR_EXCEPTION ? img->dirs[KPE_DIR_EXCEPTION] : (kpe_dir){0, 0};
    if (ex.rva || ex.size)
        fprintf(f, "exception directory: RVA 0x%x, 0x%x bytes, %zu RUNTIME_FUNCTIONs\n", ex.rva,
                ex.size, each_rf(img, f, NULL));
    else
        fprintf(f, "exception directory: none\n");
    fprintf(f, "sections (%u):\n", img->nsections);
    fprintf(f, "  #  name      vaddr      vsize      rawoff     rawsize    flags\n");
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        kpe_flags_str(buf, sizeof buf, kpe_scn_flags, s->chars);
        fprintf(f, "  %-2u ", i + 1);
        put_printable(f, s->name, strlen(s->name));
        fprintf(f, "%*s 0x%08x 0x%08x 0x%08x 0x%08x 0x%08x %s\n", (int)(8 - strlen(s->name)), "",
                s->vaddr, s->vsize, s->raw_off, s->raw_size, s->chars, buf);
    }
    fprintf(f, "imports (%zu DLLs):\n", img->ndlls);
    for (size_t i = 0; i < img->ndlls; i++) {
        const kpe_dll *d = &img->dlls[i];
        fputs("  ", f);
        put_printable(f, kpe_str_ptr(img, d->name), d->name.len);
        fprintf(f, "%s\n", d->delay ? " (delay-load)" : "");
        for (size_t k = 0; k < d->nfuncs; k++) {
            const kpe_func *fn = &img->funcs[d->first_func + k];
            if (fn->by_ordinal) {
                fprintf(f, "    #%u\n", fn->ordinal);
            } else {
                fputs("    ", f);
                put_printable(f, kpe_str_ptr(img, fn->name), fn->name.len);
                fputc('\n', f);
            }
        }
    }
}

static void info_json(FILE *f, const char *path, const kpe_image *img)
{
    fputs("{\"file\":", f);
    kmd_json_cstr(f, path, KMD_JSON_LATIN1);
    fprintf(f, ",\"format\":\"%s\",\"machine\":%u,\"machine_name\":\"%s\",\"arch\":\"%s\"",
            img->pe32plus ? "PE32+" : "PE32", img->machine, kpe_machine_name(img->machine),
            kpe_arch_name(img->machine));
    fprintf(f, ",\"image_base\":%" PRIu64 ",\"entry_point\":%u,\"subsystem\":%u", img->image_base,
            img->entry, img->subsystem);
    fprintf(f, ",\"subsystem_name\":\"%s\",\"characteristics\":%u,\"characteristics_flags\":",
            kpe_subsystem_name(img->subsystem), img->file_chars);
    json_flags(f, kpe_file_flags, img->file_chars);
    fprintf(f, ",\"dll_characteristics\":%u,\"dll_characteristics_flags\":", img->dll_chars);
    json_flags(f, kpe_dll_flags, img->dll_chars);
    fprintf(f, ",\"force_integrity\":%s",
            (img->dll_chars & KPE_DLLCHAR_FORCE_INTEGRITY) ? "true" : "false");
    fprintf(f,
            ",\"section_alignment\":%u,\"file_alignment\":%u,\"size_of_image\":%u,"
            "\"size_of_headers\":%u",
            img->section_align, img->file_align, img->size_of_image, img->size_of_headers);
    fprintf(f, ",\"checksum\":{\"stored\":%u,\"computed\":%u,\"valid\":%s}", img->checksum,
            img->checksum_computed, img->checksum == img->checksum_computed ? "true" : "false");
    fputs(",\"sections\":[", f);
    for (unsigned i = 0; i < img->nsections; i++) {
        const kpe_section *s = &img->sections[i];
        fprintf(f, "%s{\"index\":%u,\"name\":", i ? "," : "", i + 1);
        kmd_json_cstr(f, s->name, KMD_JSON_LATIN1);
        fprintf(f,
                ",\"virtual_address\":%u,\"virtual_size\":%u,\"raw_offset\":%u,\"raw_size\":%u,"
                "\"characteristics\":%u,\"flags\":",
                s->vaddr, s->vsize, s->raw_off, s->raw_size, s->chars);
        json_flags(f, kpe_scn_flags, s->chars);
        fputc('}', f);
    }
    fputs("],\"imports\":[", f);
    for (size_t i = 0; i < img->ndlls; i++) {
        const kpe_dll *d = &img->dlls[i];
        fputs(i ? ",{\"dll\":" : "{\"dll\":", f);
        kmd_json_str(f, kpe_str_ptr(img, d->name), d->name.len, KMD_JSON_LATIN1);
        fprintf(f, ",\"delay\":%s,\"functions\":[", d->delay ? "true" : "false");
        for (size_t k = 0; k < d->nfuncs; k++) {
            const kpe_func *fn = &img->funcs[d->first_func + k];
            if (k)
                fputc(',', f);
            if (fn->by_ordinal) {
                fprintf(f, "{\"ordinal\":%u}", fn->ordinal);
            } else {
                fputs("{\"name\":", f);
                kmd_json_str(f, kpe_str_ptr(img, fn->name), fn->name.len, KMD_JSON_LATIN1);
                fprintf(f, ",\"hint\":%u}", fn->hint);
            }
        }
        fputs("]}", f);
    }
    kpe_dir c = img->dirs[KPE_DIR_SECURITY];
    kpe_dir t = img->dirs[KPE_DIR_TLS];
    fprintf(f, "],\"signed\":%s,\"certificate_table\":", c.size ? "true" : "false");
    if (c.size)
        fprintf(f, "{\"offset\":%u,\"size\":%u}", c.rva, c.size);
    else
        fputs("null", f);
    fprintf(f, ",\"tls\":%s", (t.rva || t.size) ? "true" : "false");
    kpe_cet_info ci;
    kpe_cet_status(img, &ci);
    fprintf(f, ",\"cet_compat\":%s,\"ex_dll_characteristics\":",
            ci.state == KPE_CET_MARKED ? "true" : "false");
    if (ci.state == KPE_CET_MARKED || ci.state == KPE_CET_NOT_SET)
        fprintf(f, "%u", ci.ex_flags);
    else
        fputs("null", f);
    kpe_debug_entry de[KPE_MAX_DEBUG_ENTRIES];
    char dmsg[192];
    int nd = kpe_debug_entries(img, de, KPE_MAX_DEBUG_ENTRIES, dmsg, sizeof dmsg);
    fputs(",\"debug_directory\":", f);
    if (nd < 0) {
        fputs("null", f);
    } else {
        fputc('[', f);
        for (int i = 0; i < nd; i++)
            fprintf(f,
                    "%s{\"type\":%u,\"type_name\":\"%s\",\"size\":%u,\"address\":%u,"
                    "\"pointer\":%u}",
                    i ? "," : "", de[i].type, kpe_debug_type_name(de[i].type), de[i].size,
                    de[i].rva, de[i].ptr);
        fputc(']', f);
    }
    kpe_dir ex = img->ndirs > KPE_DIR_EXCEPTION ? img->dirs[KPE_DIR_EXCEPTION] : (kpe_dir){0, 0};
    fputs(",\"exception_directory\":", f);
    if (ex.rva || ex.size) {
        fprintf(f, "{\"rva\":%u,\"size\":%u,\"entries\":[", ex.rva, ex.size);
        each_rf(img, f, rf_json);
        fputs("]}", f);
    } else {
        fputs("null", f);
    }
    fputs("}\n", f);
}

void kpe_print_info(FILE *f, const char *path, const kpe_image *img, int json)
{
    if (json)
        info_json(f, path, img);
    else
        info_text(f, path, img);
}

static const char *sev_name(kpe_severity s)
{
    return s == KPE_SEV_ERROR ? "error" : "warning";
}

void kpe_print_findings(FILE *f, const char *path, const kpe_image *img, const kpe_findings *fs,
                        int json)
{
    if (json) {
        fputs("{\"file\":", f);
        kmd_json_cstr(f, path, KMD_JSON_LATIN1);
        fprintf(f, ",\"arch\":\"%s\",\"errors\":%zu,\"warnings\":%zu,\"findings\":[",
                kpe_arch_name(img->machine), fs->errors, fs->warnings);
        for (size_t i = 0; i < fs->n; i++) {
            const kpe_finding *x = &fs->items[i];
            fprintf(f, "%s{\"id\":\"%s\",\"name\":\"%s\",\"severity\":\"%s\",\"message\":",
                    i ? "," : "", x->rule->id, x->rule->name, sev_name(x->rule->severity));
            kmd_json_cstr(f, x->message, KMD_JSON_LATIN1);
            fputc('}', f);
        }
        fprintf(f, "],\"truncated\":%zu}\n", fs->dropped);
        return;
    }
    for (size_t i = 0; i < fs->n; i++) {
        const kpe_finding *x = &fs->items[i];
        fprintf(f, "%s: %s %s %s: %s\n", path, sev_name(x->rule->severity), x->rule->id,
                x->rule->name, x->message);
    }
    if (fs->dropped)
        fprintf(f, "%s: note: %zu further findings not shown\n", path, fs->dropped);
    fprintf(f, "%s: %zu error%s, %zu warning%s\n", path, fs->errors, fs->errors == 1 ? "" : "s",
            fs->warnings, fs->warnings == 1 ? "" : "s");
}

void kpe_print_rules(FILE *f, int json)
{
    if (json)
        fputc('[', f);
    for (size_t i = 0; i < kpe_nrules; i++) {
        const kpe_rule *r = &kpe_rules[i];
        if (json) {
            fprintf(f, "%s{\"id\":\"%s\",\"name\":\"%s\",\"severity\":\"%s\",\"summary\":",
                    i ? "," : "", r->id, r->name, sev_name(r->severity));
            kmd_json_cstr(f, r->summary, KMD_JSON_LATIN1);
            fputc('}', f);
        } else {
            fprintf(f, "%s %-20s %-7s %s\n", r->id, r->name, sev_name(r->severity), r->summary);
        }
    }
    if (json)
        fputs("]\n", f);
}
