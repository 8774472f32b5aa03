/* legacy.c - what a universal (declarative) PnP driver INF may not contain: DefaultInstall beside
 * [Manufacturer], legacy directives and sections, per-user and non-relative registry writes; and
 * sections that AddReg & co. name but that do not exist. */
#include "rules_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- legacy sections and directives, registry ---------------------------------------------- */

static const char *const legacy_directives[] = {
    "BitReg",         "DelFiles",        "DelProperty",  "DelReg",       "DelService",
    "Ini2Reg",        "LogConfig",       "ProfileItems", "RegisterDlls", "RenFiles",
    "UnregisterDlls", "UpdateIniFields", "UpdateInis"};

static const char *const legacy_suffixes[] = {".CoInstallers", ".FactDef", ".LogConfigOverride"};

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && kinf_streq(s + a - b, suf);
}

/* A data section whose keys are not directives. */
static int data_section(const char *name)
{
    return kinf_streq(name, "Version") || kinf_is_strings(name) ||
           kinf_has_prefix(name, "SourceDisksNames") || kinf_has_prefix(name, "SourceDisksFiles") ||
           kinf_streq(name, "DestinationDirs") || kinf_streq(name, "Manufacturer");
}

static void check_registry_section(kinf_ctx *c, const kinf_section *s, int line)
{
    for (size_t i = 0; i < s->n; i++) {
        const kinf_entry *e = &s->e[i];
        const char *root = kinf_val(c, e, 0, 0), *sub = kinf_val(c, e, 1, 1);
        if (e->key)
            continue; /* not a registry line; AddReg lines have no '=' */
        if (kinf_streq(root, "HKR"))
            continue;
        if (kinf_streq(root, "HKCU") || kinf_streq(root, "HKEY_CURRENT_USER") ||
            kinf_streq(root, "HKU") || kinf_streq(root, "HKEY_USERS")) {
            kinf_add(c, KINF_R_PER_USER, e->line,
                     "[%s] writes %s (per-user registry): a driver package is installed for the "
                     "machine, by SYSTEM, never for a user (AddReg on line %d)",
                     s->name, root, line);
        } else if (kinf_streq(root, "HKCR") || kinf_streq(root, "HKEY_CLASSES_ROOT")) {
            continue; /* COM registration */
        } else if (kinf_streq(root, "HKLM") || kinf_streq(root, "HKEY_LOCAL_MACHINE")) {
            if (kinf_has_prefix(sub, "SOFTWARE\\Classes") ||
                kinf_has_prefix(sub, "SOFTWARE\\Microsoft\\Windows Media Foundation") ||
                kinf_has_prefix(sub, "SOFTWARE\\WOW6432Node\\Microsoft\\Windows Media Foundation"))
                continue;
            if (kinf_has_prefix(sub, "SYSTEM\\CurrentControlSet\\Services"))
                kinf_add(c, KINF_R_REG_ROOT, e->line,
                         "[%s] writes the Services key through HKLM (InfVerif 1221): use HKR in "
                         "an AddReg of the service-install section",
                         s->name);
            else
                kinf_add(c, KINF_R_REG_ROOT, e->line,
                         "[%s] writes HKLM\\%.80s (InfVerif 1304): a universal INF writes "
                         "relative to its device or service (HKR)",
                         s->name, sub);
        } else {
            kinf_add(c, KINF_R_REG_ROOT, e->line,
                     "[%s]: '%.40s' is not a registry root (HKR, HKLM, HKCR, HKCU, HKU)", s->name,
                     root);
        }
    }
}

void kinf_rules_legacy(kinf_ctx *c)
{
    const kinf_file *inf = c->inf;
    int has_mfg = kinf_find(inf, "Manufacturer") != NULL;
    const char *v = kinf_val(c, kinf_get(kinf_find(inf, "Version"), "Class"), 0, 0);
    int ms_class = *v && kinf_class_guid(v);
    char cls[64];
    snprintf(cls, sizeof cls, "%s", v);
    unsigned char *seen = calloc(inf->nsec ? inf->nsec : 1, 1);
    if (!seen) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < inf->nsec; i++) {
        const kinf_section *s = &inf->sec[i];
        if (has_mfg &&
            (kinf_streq(s->name, "DefaultInstall") || kinf_has_prefix(s->name, "DefaultInstall.")))
            kinf_add(c, KINF_R_DEFAULT_INSTALL, s->line,
                     "[%s] in an INF with [Manufacturer] (InfVerif 1212): a PnP driver INF "
                     "installs through its models; DefaultInstall belongs to legacy and "
                     "primitive INFs",
                     s->name);
        for (size_t k = 0; k < sizeof legacy_suffixes / sizeof *legacy_suffixes; k++) {
            if (has_suffix(s->name, legacy_suffixes[k]))
                kinf_add(c, KINF_R_LEGACY, s->line,
                         "[%s]: %s sections are legacy; a universal driver INF may not have them",
                         s->name, legacy_suffixes[k] + 1);
        }
        if ((kinf_streq(s->name, "ClassInstall32") ||
             kinf_has_prefix(s->name, "ClassInstall32.")) &&
            ms_class)
            kinf_add(c, KINF_R_LEGACY, s->line,
                     "[%s] for class %s, a class Windows defines (InfVerif 1285): only the "
                     "class's own INF installs it",
                     s->name, cls);
        if (data_section(s->name))
            continue;
        for (size_t j = 0; j < s->n; j++) {
            const kinf_entry *e = &s->e[j];
            if (!e->key)
                continue;
            for (size_t k = 0; k < sizeof legacy_directives / sizeof *legacy_directives; k++) {
                if (kinf_streq(e->key, legacy_directives[k]))
                    kinf_add(c, KINF_R_LEGACY, e->line,
                             "%s in [%s] is a legacy directive: a universal (declarative) driver "
                             "INF may not use it",
                             legacy_directives[k], s->name);
            }
            int addreg = kinf_streq(e->key, "AddReg");
            if (!addreg && !kinf_streq(e->key, "AddProperty") && !kinf_streq(e->key, "DelReg") &&
                !kinf_streq(e->key, "BitReg"))
                continue;
            for (size_t k = 0; k < e->nf; k++) {
                const char *name = kinf_val(c, e, k, 2);
                if (!*name)
                    continue;
                const kinf_section *t = kinf_find(inf, name);
                if (!t) {
                    kinf_add(c, KINF_R_MISSING_SECTION, e->line,
                             "%s in [%s] names [%s], which does not exist (InfVerif 1203)", e->key,
                             s->name, name);
                } else if (addreg && !seen[t - inf->sec]) {
                    seen[t - inf->sec] = 1;
                    check_registry_section(c, t, e->line);
                }
            }
        }
    }
    free(seen);
}
