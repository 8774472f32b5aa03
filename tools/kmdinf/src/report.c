/* report.c - human and JSON output. */
#include "report.h"

#include "common/json.h"

#include <string.h>

static const char *sev_name(kinf_severity s)
{
    return s == KINF_SEV_ERROR ? "error" : "warning";
}

void kinf_print_findings(FILE *f, const char *path, const kinf_text *t, kinf_arch arch,
                         const kinf_findings *fs, int json)
{
    if (json) {
        fputs("{\"file\":", f);
        kmd_json_cstr(f, path, KMD_JSON_UTF8);
        fprintf(f,
                ",\"arch\":\"%s\",\"encoding\":\"%s\",\"errors\":%zu,\"warnings\":%zu,"
                "\"findings\":[",
                kinf_arch_name(arch), kinf_enc_id(t->enc, t->non_ascii), fs->errors, fs->warnings);
        for (size_t i = 0; i < fs->n; i++) {
            const kinf_finding *x = &fs->items[i];
            const kinf_rule *r = &kinf_rules[x->rule];
            fprintf(f,
                    "%s{\"id\":\"%s\",\"name\":\"%s\",\"severity\":\"%s\",\"line\":%d,"
                    "\"message\":",
                    i ? "," : "", r->id, r->name, sev_name(r->severity), x->line);
            kmd_json_cstr(f, x->message, KMD_JSON_UTF8);
            fputc('}', f);
        }
        fprintf(f, "],\"truncated\":%zu}\n", fs->dropped);
        return;
    }
    for (size_t i = 0; i < fs->n; i++) {
        const kinf_finding *x = &fs->items[i];
        const kinf_rule *r = &kinf_rules[x->rule];
        if (x->line > 0)
            fprintf(f, "%s:%d: ", path, x->line);
        else
            fprintf(f, "%s: ", path);
        fprintf(f, "%s %s %s: %s\n", sev_name(r->severity), r->id, r->name, x->message);
    }
    if (fs->dropped)
        fprintf(f, "%s: note: %zu further findings not shown\n", path, fs->dropped);
    fprintf(f, "%s: %zu error%s, %zu warning%s (%s, %s)\n", path, fs->errors,
            fs->errors == 1 ? "" : "s", fs->warnings, fs->warnings == 1 ? "" : "s",
            kinf_enc_name(t->enc, t->non_ascii), kinf_arch_name(arch));
}

void kinf_print_rules(FILE *f, int json)
{
    if (json)
        fputc('[', f);
    for (size_t i = 0; i < KINF_NRULES; i++) {
        const kinf_rule *r = &kinf_rules[i];
        if (json) {
            fprintf(f, "%s{\"id\":\"%s\",\"name\":\"%s\",\"severity\":\"%s\",\"summary\":",
                    i ? "," : "", r->id, r->name, sev_name(r->severity));
            kmd_json_cstr(f, r->summary, KMD_JSON_UTF8);
            fputc('}', f);
        } else {
            fprintf(f, "%s %-21s %-7s %s\n", r->id, r->name, sev_name(r->severity), r->summary);
        }
    }
    if (json)
        fputs("]\n", f);
}

void kinf_print_files(FILE *f, const char *path, kinf_arch arch, const kinf_package *p, int json)
{
    if (json) {
        fputs("{\"inf\":", f);
        kmd_json_cstr(f, path, KMD_JSON_UTF8);
        fprintf(f, ",\"arch\":\"%s\",\"catalog\":", kinf_arch_name(arch));
        if (p->catalog)
            kmd_json_cstr(f, p->catalog, KMD_JSON_UTF8);
        else
            fputs("null", f);
        fputs(",\"files\":[", f);
        for (size_t i = 0; i < p->n; i++) {
            const kinf_copy *x = &p->items[i];
            fputs(i ? ",{\"source\":" : "{\"source\":", f);
            if (x->source)
                kmd_json_cstr(f, x->source, KMD_JSON_UTF8);
            else
                fputs("null", f);
            fputs(",\"name\":", f);
            kmd_json_cstr(f, x->name, KMD_JSON_UTF8);
            fprintf(f, ",\"dirid\":%d,\"subdir\":", x->dirid);
            kmd_json_cstr(f, x->subdir, KMD_JSON_UTF8);
            fputs(",\"section\":", f);
            kmd_json_cstr(f, x->section, KMD_JSON_UTF8);
            fprintf(f, ",\"line\":%d}", x->line);
        }
        fputs("],\"hwids\":[", f);
        for (size_t i = 0; i < p->nhwids; i++) {
            if (i)
                fputc(',', f);
            kmd_json_cstr(f, p->hwids[i], KMD_JSON_UTF8);
        }
        fputs("]}\n", f);
        return;
    }
    kinf_set seen;
    memset(&seen, 0, sizeof seen);
    for (size_t i = 0; i < p->n; i++) {
        if (p->items[i].source && kinf_set_add(&seen, p->items[i].source) != 0)
            fprintf(f, "%s\n", p->items[i].source);
    }
    kinf_set_free(&seen);
}
