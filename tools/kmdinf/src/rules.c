/* rules.c - the rule table, findings, shared helpers and the file-wide rules (encoding, syntax,
 * string tokens). version.c checks [Version], legacy.c the legacy and registry rules, install.c
 * walks [Manufacturer] down to the files and services. */
#include "rules_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const kinf_rule kinf_rules[KINF_NRULES] = {
    {"KINF001", "encoding", KINF_SEV_ERROR,
     "the file is ASCII (no BOM) or UTF-16LE with a BOM: the PnP platform reads INFs only as ANSI "
     "or UTF-16LE, so a UTF-8 BOM or non-ASCII text without the UTF-16 BOM breaks or depends on "
     "the machine's code page"},
    {"KINF002", "syntax", KINF_SEV_ERROR,
     "no unterminated quoted string or section header, no text after a header, no entry before "
     "the first section, no line continuation at the end of the file"},
    {"KINF003", "duplicate-section", KINF_SEV_WARNING,
     "no section is declared twice (Windows merges them, which hides mistakes)"},
    {"KINF004", "duplicate-key", KINF_SEV_ERROR,
     "no key twice in [Version], [Strings], [SourceDisksNames], [SourceDisksFiles], "
     "[DestinationDirs] or a service-install section (Windows uses only one of them)"},
    {"KINF005", "length-limit", KINF_SEV_ERROR,
     "every field holds at most 4095 characters before and after string substitution, every "
     "section name at most 255; Provider, manufacturer names and device descriptions at most "
     "255 after substitution (LINE_LEN)"},
    {"KINF006", "string-tokens", KINF_SEV_ERROR,
     "every %strkey% token is defined in [Strings] (InfVerif 1235) and every '%' is closed "
     "(%% is a literal percent sign, %N% a DIRID)"},
    {"KINF007", "unstamped", KINF_SEV_ERROR,
     "no stampinf token ($ARCH$, $KMDFVERSION$, ...) is left: the file is an INF, not an INX "
     "(run kmdinf stamp)"},
    {"KINF008", "missing-section", KINF_SEV_ERROR,
     "every section named by AddReg, AddProperty, DelReg or BitReg exists (InfVerif 1203)"},
    {"KINF010", "signature", KINF_SEV_ERROR,
     "[Version] exists and its Signature is \"$Windows NT$\" or \"$Chicago$\" (else Windows "
     "does not take the file as an INF)"},
    {"KINF011", "class-guid", KINF_SEV_ERROR,
     "[Version] has Class and ClassGuid (required for PnP), the GUID is well-formed, and for the "
     "well-known setup classes name and GUID belong together"},
    {"KINF012", "sample-class", KINF_SEV_WARNING,
     "Class is not Sample (a class for samples only, which InfVerif refuses for release)"},
    {"KINF013", "provider", KINF_SEV_ERROR,
     "[Version] has a non-empty Provider that is not Microsoft (InfVerif 1204)"},
    {"KINF014", "catalog-file", KINF_SEV_ERROR,
     "[Version] names the catalog (CatalogFile, or CatalogFile.NT<arch>) as a plain .cat file "
     "name (InfVerif 1233: without it the package cannot be signed)"},
    {"KINF015", "driver-ver", KINF_SEV_ERROR,
     "[Version] has DriverVer = mm/dd/yyyy,w.x.y.z: a real date, four numbers below 65535"},
    {"KINF016", "pnp-lockdown", KINF_SEV_ERROR,
     "[Version] has PnpLockdown = 1 (the driver files are protected from direct changes)"},
    {"KINF020", "manufacturer", KINF_SEV_ERROR,
     "a non-empty [Manufacturer] section whose entries name models sections (a PnP driver INF "
     "lists its devices there)"},
    {"KINF021", "models-arch", KINF_SEV_ERROR,
     "every [Manufacturer] entry has a TargetOSVersion decoration for the architecture (NTamd64 "
     "for x64; x86 also takes NTx86, NT or none) and no unknown architecture (NTx64)"},
    {"KINF022", "models-undecorated", KINF_SEV_WARNING,
     "no [Manufacturer] entry without an architecture decoration (InfVerif 2223: Windows uses "
     "it on x86 only)"},
    {"KINF023", "models-section", KINF_SEV_ERROR,
     "every models section [Manufacturer] names exists, and those for the architecture list "
     "at least one device"},
    {"KINF024", "install-section", KINF_SEV_ERROR,
     "every model line is 'desc = install-section, hardware-id[, ...]' and its DDInstall section "
     "exists for the architecture (.NT<arch>, .NT or undecorated)"},
    {"KINF030", "source-disks", KINF_SEV_ERROR,
     "every copied file is in [SourceDisksFiles(.arch)] (InfVerif 1230) on a disk of "
     "[SourceDisksNames(.arch)], at a path inside the package"},
    {"KINF031", "copy-files", KINF_SEV_ERROR,
     "every CopyFiles section exists and has a destination ([DestinationDirs] entry or "
     "DefaultDestDir); DIRID 13 copies keep the package's file names and folders (InfVerif "
     "1100)"},
    {"KINF032", "dirid-driver-store", KINF_SEV_WARNING,
     "files are copied to DIRID 13 (run from the driver store) rather than 11, 12 or 10,subdir"},
    {"KINF033", "destination-dir", KINF_SEV_ERROR,
     "every destination used is a numeric DIRID a driver package may use: 13, 12, 11 or 10 with "
     "a subdirectory"},
    {"KINF040", "services-section", KINF_SEV_ERROR,
     "every DDInstall section has its .Services section (InfVerif 1296) with exactly one "
     "AddService flagged 0x2 (SPSVCINST_ASSOCSERVICE, the function driver)"},
    {"KINF041", "add-service", KINF_SEV_ERROR,
     "AddService = name,flags,section is in a .Services section, and its service-install "
     "section exists with ServiceType (1 for a .sys), StartType (not 4), ErrorControl and "
     "ServiceBinary"},
    {"KINF042", "service-binary", KINF_SEV_ERROR,
     "ServiceBinary is %DIRID%\\file and names where a CopyFiles of the install puts that file "
     "(e.g. %13%\\x.sys with DestinationDirs 13)"},
    {"KINF043", "pnp-service-settings", KINF_SEV_WARNING,
     "a PnP driver's service has no StartType 2 (auto start) and no AddService flags 0x1, 0x40 "
     "or 0x80 (documented as not for PnP)"},
    {"KINF050", "default-install", KINF_SEV_ERROR,
     "no [DefaultInstall] section in an INF that has [Manufacturer] (InfVerif 1212): "
     "DefaultInstall belongs to legacy and primitive INFs"},
    {"KINF051", "legacy-directive", KINF_SEV_ERROR,
     "no directive or section that a universal (declarative) driver INF may not use: BitReg, "
     "DelFiles, DelProperty, DelReg, DelService, Ini2Reg, LogConfig, ProfileItems, RegisterDlls, "
     "RenFiles, UnregisterDlls, UpdateIniFields, UpdateInis; .CoInstallers, .FactDef, "
     ".LogConfigOverride; ClassInstall32 for a Microsoft class (InfVerif 1285)"},
    {"KINF052", "per-user-registry", KINF_SEV_ERROR,
     "no AddReg entry writes HKCU or HKU: a driver package is installed for the machine, not "
     "for a user"},
    {"KINF053", "registry-root", KINF_SEV_WARNING,
     "AddReg entries use HKR (InfVerif 1304), except COM registration under HKCR or "
     "HKLM\\SOFTWARE\\Classes; HKLM elsewhere, the Services key (1221) or an unknown root is "
     "reported"},
};

const char *kinf_arch_name(kinf_arch a)
{
    return a == KINF_ARCH_X86 ? "x86" : "x64";
}

const char *kinf_arch_platform(kinf_arch a)
{
    return a == KINF_ARCH_X86 ? "x86" : "amd64";
}

/* ---- findings ------------------------------------------------------------------------------- */

void kinf_add(kinf_ctx *c, int rule, int line, const char *fmt, ...)
{
    kinf_findings *out = c->out;
    if (kinf_rules[rule].severity == KINF_SEV_ERROR)
        out->errors++;
    else
        out->warnings++;
    if (out->n >= KINF_MAX_FINDINGS) {
        out->dropped++;
        return;
    }
    if (out->n == out->cap) {
        size_t ncap = out->cap ? out->cap * 2 : 16;
        kinf_finding *ni = realloc(out->items, ncap * sizeof *ni);
        if (!ni) {
            out->oom = 1;
            c->oom = 1;
            return;
        }
        out->items = ni;
        out->cap = ncap;
    }
    kinf_finding *f = &out->items[out->n++];
    f->rule = rule;
    f->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

void kinf_findings_free(kinf_findings *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

void kinf_package_free(kinf_package *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].name);
        free(p->items[i].srcname);
        free(p->items[i].source);
        free(p->items[i].subdir);
        free(p->items[i].section);
    }
    free(p->items);
    free(p->catalog);
    for (size_t i = 0; i < p->nhwids; i++)
        free(p->hwids[i]);
    free(p->hwids);
    memset(p, 0, sizeof *p);
}

/* ---- helpers -------------------------------------------------------------------------------- */

const char *kinf_field_at(const kinf_entry *e, size_t i)
{
    return e && i < e->nf ? e->f[i].s : "";
}

const char *kinf_val(kinf_ctx *c, const kinf_entry *e, size_t i, int slot)
{
    free(c->val[slot]);
    c->val[slot] = kinf_subst(c->inf, kinf_field_at(e, i), NULL);
    if (!c->val[slot]) {
        c->oom = 1;
        return "";
    }
    return c->val[slot];
}

int kinf_number(const char *s, long *v)
{
    long r = 0;
    const char *p = s;
    int neg = 0;
    if (*p == '-')
        neg = 1, p++;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!*p)
            return -1;
        for (; *p; p++) {
            int d = (*p >= '0' && *p <= '9')   ? *p - '0'
                    : (*p >= 'a' && *p <= 'f') ? *p - 'a' + 10
                    : (*p >= 'A' && *p <= 'F') ? *p - 'A' + 10
                                               : -1;
            if (d < 0 || r > 0x7ffffffL)
                return -1;
            r = r * 16 + d;
        }
    } else {
        if (!*p)
            return -1;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || r > 99999999L)
                return -1;
            r = r * 10 + (*p - '0');
        }
    }
    *v = neg ? -r : r;
    return 0;
}

void kinf_check_line_len(kinf_ctx *c, int line, const char *what, const char *raw)
{
    char *x = kinf_subst(c->inf, raw ? raw : "", NULL);
    if (!x) {
        c->oom = 1;
        return;
    }
    size_t n = kinf_nchars(x, strlen(x));
    if (n >= KINF_LINE_LEN)
        kinf_add(c, KINF_R_LENGTH, line,
                 "%s is %zu characters long: Windows keeps it in a LINE_LEN buffer (at most %d)",
                 what, n, KINF_LINE_LEN - 1);
    free(x);
}

static void dup_cb(void *ctx, const kinf_entry *first, const kinf_entry *again)
{
    kinf_ctx *c = ctx;
    int differs = strcmp(first->value ? first->value : "", again->value ? again->value : "") != 0;
    kinf_add(c, KINF_R_DUP_KEY, again->line,
             "key '%s' is given again (first on line %d%s): Windows uses only one of them",
             again->key, first->line, differs ? ", with a different value" : "");
}

void kinf_dup_keys_of(kinf_ctx *c, const kinf_section *s)
{
    if (kinf_dup_keys(s, dup_cb, c))
        c->oom = 1;
}

int kinf_has_prefix(const char *s, const char *p)
{
    return kinf_strneq(s, p, strlen(p));
}

int kinf_is_strings(const char *name)
{
    return kinf_streq(name, "Strings") || kinf_has_prefix(name, "Strings.");
}

/* ---- file-wide rules ------------------------------------------------------------------------ */

static void check_encoding(kinf_ctx *c)
{
    const kinf_text *t = c->t;
    if (t->enc == KINF_ENC_UTF8_BOM)
        kinf_add(c, KINF_R_ENCODING, 1,
                 "the file starts with a UTF-8 byte order mark: the PnP platform reads INF files "
                 "only as ANSI or UTF-16LE; save it as UTF-16LE with BOM (or plain ASCII)");
    else if (t->enc == KINF_ENC_8BIT && t->non_ascii)
        kinf_add(c, KINF_R_ENCODING, t->first_nonascii_line,
                 "non-ASCII text in a file without a byte order mark%s: Windows reads it in the "
                 "machine's ANSI code page, so the text depends on the system locale; save it as "
                 "UTF-16LE with BOM",
                 t->bad_utf8 >= 0 ? " (not valid UTF-8 either)" : "");
}

static void check_syntax(kinf_ctx *c)
{
    const kinf_file *inf = c->inf;
    for (size_t i = 0; i < inf->ndiag; i++) {
        const kinf_diag *d = &inf->diag[i];
        kinf_add(c, d->kind == KINF_DIAG_LENGTH ? KINF_R_LENGTH : KINF_R_SYNTAX, d->line, "%s",
                 d->msg);
    }
    if (inf->diag_dropped)
        kinf_add(c, KINF_R_SYNTAX, 0, "%zu more syntax problems not listed", inf->diag_dropped);
    for (size_t i = 0; i < inf->nsec; i++) {
        const kinf_section *s = &inf->sec[i];
        if (s->ndecl > 1)
            kinf_add(c, KINF_R_DUP_SECTION, s->dup_line,
                     "[%s] is declared again (%d declarations, the first on line %d): Windows "
                     "merges them into one section",
                     s->name, s->ndecl, s->line);
        if (kinf_streq(s->name, "Version") || kinf_is_strings(s->name) ||
            kinf_has_prefix(s->name, "SourceDisksNames") ||
            kinf_has_prefix(s->name, "SourceDisksFiles") || kinf_streq(s->name, "DestinationDirs"))
            kinf_dup_keys_of(c, s);
    }
}

static const char *const stamp_tokens[] = {"$ARCH$", "$KMDFVERSION$", "$KMDFCOINSTALLERVERSION$",
                                           "$UMDFVERSION$", "$UMDFCOINSTALLERVERSION$"};

/* The first stampinf token in S, or NULL. */
static const char *stamp_token(const char *s)
{
    for (const char *p = strchr(s, '$'); p; p = strchr(p + 1, '$')) {
        for (size_t i = 0; i < sizeof stamp_tokens / sizeof *stamp_tokens; i++) {
            if (kinf_has_prefix(p, stamp_tokens[i]))
                return stamp_tokens[i];
        }
    }
    return NULL;
}

/* String tokens, lengths after substitution and leftover stampinf tokens, entry by entry. */
static void check_tokens(kinf_ctx *c)
{
    const kinf_file *inf = c->inf;
    for (size_t i = 0; i < inf->nsec && !c->oom; i++) {
        const kinf_section *s = &inf->sec[i];
        const char *tok = stamp_token(s->name);
        if (tok)
            kinf_add(c, KINF_R_UNSTAMPED, s->line,
                     "section [%s] still has the stampinf token %s: this is an INX template "
                     "(kmdinf stamp turns it into an INF)",
                     s->name, tok);
        if (kinf_is_strings(s->name))
            continue;
        for (size_t j = 0; j < s->n && !c->oom; j++) {
            const kinf_entry *e = &s->e[j];
            int reported_tok = 0, reported_len = 0, reported_stamp = 0;
            for (size_t k = 0; k <= e->nf; k++) {
                const char *raw = k == 0 ? e->key : e->f[k - 1].s;
                if (!raw)
                    continue;
                kinf_subst_err err;
                memset(&err, 0, sizeof err);
                char *x = kinf_subst(inf, raw, &err);
                if (!x) {
                    c->oom = 1;
                    return;
                }
                if (err.undefined && !reported_tok++)
                    kinf_add(c, KINF_R_STRINGS, e->line,
                             "%%%s%% is not defined in [Strings] (InfVerif 1235; a literal "
                             "percent sign is written %%%%)",
                             err.token);
                else if (err.unterminated && !reported_tok++)
                    kinf_add(c, KINF_R_STRINGS, e->line,
                             "a '%%' opens a string token that is never closed in '%.60s' (a "
                             "literal percent sign is written %%%%)",
                             raw);
                size_t n = kinf_nchars(x, strlen(x));
                if (n > KINF_MAX_FIELD && kinf_nchars(raw, strlen(raw)) <= KINF_MAX_FIELD &&
                    !reported_len++)
                    kinf_add(c, KINF_R_LENGTH, e->line,
                             "a field is %zu characters long after string substitution (at "
                             "most %d)",
                             n, KINF_MAX_FIELD);
                const char *st = stamp_token(raw);
                if (st && !reported_stamp++)
                    kinf_add(c, KINF_R_UNSTAMPED, e->line,
                             "%s is a stampinf token: this is an INX template (kmdinf stamp "
                             "turns it into an INF)",
                             st);
                free(x);
            }
        }
    }
}

int kinf_check(const kinf_text *t, const kinf_file *inf, kinf_arch arch, kinf_findings *out,
               kinf_package *pkg)
{
    kinf_package local;
    memset(&local, 0, sizeof local);
    kinf_ctx c;
    memset(&c, 0, sizeof c);
    c.t = t;
    c.inf = inf;
    c.arch = arch;
    c.out = out;
    c.pkg = pkg ? pkg : &local;
    check_encoding(&c);
    check_syntax(&c);
    check_tokens(&c);
    kinf_rules_version(&c);
    kinf_rules_legacy(&c);
    if (!c.oom)
        kinf_check_install(&c);
    for (int i = 0; i < 4; i++)
        free(c.val[i]);
    kinf_package_free(&local);
    return c.oom || out->oom ? -1 : 0;
}
