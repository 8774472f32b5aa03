/* report.c - human and JSON output. */
#include "report.h"

#include <string.h>

void kinf_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static const char *sev_name(kinf_severity s)
{
    return s == KINF_SEV_ERROR ? "error" : "warning";
}

void kinf_print_findings(FILE *f, const char *path, const kinf_text *t, kinf_arch arch,
                         const kinf_findings *fs, int json)
{
    if (json) {
        fputs("{\"file\":", f);
        kinf_json_str(f, path);
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
            kinf_json_str(f, x->message);
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
            kinf_json_str(f, r->summary);
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
        kinf_json_str(f, path);
        fprintf(f, ",\"arch\":\"%s\",\"catalog\":", kinf_arch_name(arch));
        if (p->catalog)
            kinf_json_str(f, p->catalog);
        else
            fputs("null", f);
        fputs(",\"files\":[", f);
        for (size_t i = 0; i < p->n; i++) {
            const kinf_copy *x = &p->items[i];
            fputs(i ? ",{\"source\":" : "{\"source\":", f);
            if (x->source)
                kinf_json_str(f, x->source);
            else
                fputs("null", f);
            fputs(",\"name\":", f);
            kinf_json_str(f, x->name);
            fprintf(f, ",\"dirid\":%d,\"subdir\":", x->dirid);
            kinf_json_str(f, x->subdir);
            fputs(",\"section\":", f);
            kinf_json_str(f, x->section);
            fprintf(f, ",\"line\":%d}", x->line);
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
