/* unit.c - kmdinf unit tests (no framework), then a mutation run of the parser, the rules and
 * stamp: kmdinf_unit [--mutations N] (default 3000; the ASan build in tests/inf runs more).
 * The last line is "N passed, M failed". */
#define _XOPEN_SOURCE 700
#include "cli.h"
#include "common/unit.h"
#include "inf.h"
#include "report.h"
#include "rules.h"
#include "stamp.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The good sample INF (tests/inf/good/kmdpnp.inf without its header comment). */
static const char good_inf[] = "[Version]\n"
                               "Signature   = \"$Windows NT$\"\n"
                               "Class       = System\n"
                               "ClassGuid   = {4d36e97d-e325-11ce-bfc1-08002be10318}\n"
                               "Provider    = %ProviderName%\n"
                               "CatalogFile = kmdpnp.cat\n"
                               "DriverVer   = 01/01/2024,1.0.0.0\n"
                               "PnpLockdown = 1\n"
                               "\n"
                               "[Manufacturer]\n"
                               "%ManufacturerName% = KmdPnp, NTamd64, NTx86\n"
                               "\n"
                               "[KmdPnp.NTamd64]\n"
                               "%KmdPnp.DeviceDesc% = KmdPnp_Device, Root\\KmdPnpSample\n"
                               "\n"
                               "[KmdPnp.NTx86]\n"
                               "%KmdPnp.DeviceDesc% = KmdPnp_Device, Root\\KmdPnpSample\n"
                               "\n"
                               "[SourceDisksNames]\n"
                               "1 = %DiskName%\n"
                               "\n"
                               "[SourceDisksFiles]\n"
                               "kmdpnp.sys = 1\n"
                               "\n"
                               "[DestinationDirs]\n"
                               "KmdPnp_CopyFiles = 13           ; the driver store\n"
                               "\n"
                               "[KmdPnp_Device.NT]\n"
                               "CopyFiles = KmdPnp_CopyFiles\n"
                               "\n"
                               "[KmdPnp_CopyFiles]\n"
                               "kmdpnp.sys\n"
                               "\n"
                               "[KmdPnp_Device.NT.Services]\n"
                               "AddService = kmdpnp, 0x00000002, KmdPnp_Service\n"
                               "\n"
                               "[KmdPnp_Service]\n"
                               "DisplayName   = %KmdPnp.ServiceDesc%\n"
                               "ServiceType   = 1\n"
                               "StartType     = 3\n"
                               "ErrorControl  = 1\n"
                               "ServiceBinary = %13%\\kmdpnp.sys\n"
                               "\n"
                               "[Strings]\n"
                               "ProviderName       = \"kmdkit\"\n"
                               "ManufacturerName   = \"kmdkit\"\n"
                               "KmdPnp.DeviceDesc  = \"kmdkit PnP sample device\"\n"
                               "KmdPnp.ServiceDesc = \"kmdkit PnP sample driver\"\n"
                               "DiskName           = \"kmdkit PnP sample installation disk\"\n";

/* ---- helpers -------------------------------------------------------------------------------- */

/* GOOD with the first occurrence of OLD replaced by NEW (caller frees). */
static char *edit(const char *base, const char *old, const char *new)
{
    const char *p = strstr(base, old);
    if (!p) {
        fprintf(stderr, "edit: '%s' not found\n", old);
        exit(3);
    }
    size_t a = (size_t)(p - base), b = strlen(old), c = strlen(new), n = strlen(base);
    char *s = malloc(n - b + c + 1);
    memcpy(s, base, a);
    memcpy(s + a, new, c);
    memcpy(s + a + c, p + b, n - a - b + 1);
    return s;
}

typedef struct {
    kinf_text t;
    kinf_file inf;
    kinf_findings fs;
    kinf_package pkg;
} checked;

static int run_rules(checked *c, const char *text, size_t len, kinf_arch arch)
{
    memset(c, 0, sizeof *c);
    char err[256];
    if (kinf_decode((const uint8_t *)text, len, &c->t, err, sizeof err))
        return -1;
    if (kinf_parse(&c->inf, c->t.text, c->t.len))
        return -1;
    return kinf_check(&c->t, &c->inf, arch, &c->fs, &c->pkg);
}

static void done(checked *c)
{
    kinf_package_free(&c->pkg);
    kinf_findings_free(&c->fs);
    kinf_free(&c->inf);
    kinf_text_free(&c->t);
}

/* Number of findings of rule ID (e.g. "KINF015") whose message contains SUB (NULL: any). */
static int count(const checked *c, const char *id, const char *sub)
{
    int n = 0;
    for (size_t i = 0; i < c->fs.n; i++) {
        const kinf_finding *f = &c->fs.items[i];
        if (!strcmp(kinf_rules[f->rule].id, id) && (!sub || strstr(f->message, sub)))
            n++;
    }
    return n;
}

static void dump(const checked *c)
{
    for (size_t i = 0; i < c->fs.n; i++)
        fprintf(stderr, "  line %d: %s %s\n", c->fs.items[i].line,
                kinf_rules[c->fs.items[i].rule].id, c->fs.items[i].message);
}

/* TEXT fires ID (with SUB in the message, when given) on ARCH. */
static int fires_on(const char *text, kinf_arch arch, const char *id, const char *sub)
{
    checked c;
    int ok = run_rules(&c, text, strlen(text), arch) == 0 && count(&c, id, sub) > 0;
    if (!ok) {
        fprintf(stderr, "expected %s%s%s%s:\n", id, sub ? " '" : "", sub ? sub : "",
                sub ? "'" : "");
        dump(&c);
    }
    done(&c);
    return ok;
}

static int fires(const char *text, const char *id, const char *sub)
{
    return fires_on(text, KINF_ARCH_X64, id, sub);
}

/* TEXT has no finding at all on ARCH. */
static int clean_on(const char *text, kinf_arch arch)
{
    checked c;
    int ok = run_rules(&c, text, strlen(text), arch) == 0 && c.fs.n == 0 && c.fs.errors == 0 &&
             c.fs.warnings == 0;
    if (!ok) {
        fprintf(stderr, "expected no finding:\n");
        dump(&c);
    }
    done(&c);
    return ok;
}

/* Apply one edit to the good INF and check that ID fires; frees nothing the caller keeps. */
static int edit_fires(const char *old, const char *new, const char *id, const char *sub)
{
    char *s = edit(good_inf, old, new);
    int ok = fires(s, id, sub);
    free(s);
    return ok;
}

static int edit_clean(const char *old, const char *new, kinf_arch arch)
{
    char *s = edit(good_inf, old, new);
    int ok = clean_on(s, arch);
    free(s);
    return ok;
}

/* ---- text ----------------------------------------------------------------------------------- */

static void test_text(void)
{
    kinf_text t;
    char err[256];
    CHECK(kinf_decode((const uint8_t *)"[Version]\n", 10, &t, err, sizeof err) == 0);
    CHECK(t.enc == KINF_ENC_8BIT && !t.non_ascii && t.bad_utf8 < 0 &&
          !strcmp(t.text, "[Version]\n"));
    CHECK(!strcmp(kinf_enc_id(t.enc, t.non_ascii), "ascii"));
    kinf_text_free(&t);

    CHECK(kinf_decode((const uint8_t *)"\xef\xbb\xbf[V]", 6, &t, err, sizeof err) == 0);
    CHECK(t.enc == KINF_ENC_UTF8_BOM && !strcmp(t.text, "[V]"));
    kinf_text_free(&t);

    /* "a\n" U+00E9 U+1F600 in UTF-16LE with BOM */
    static const uint8_t u16[] = {0xff, 0xfe, 'a', 0, '\n', 0, 0xe9, 0, 0x3d, 0xd8, 0x00, 0xde};
    CHECK(kinf_decode(u16, sizeof u16, &t, err, sizeof err) == 0);
    CHECK(t.enc == KINF_ENC_UTF16LE && t.non_ascii && t.first_nonascii_line == 2);
    CHECK(!strcmp(t.text, "a\n\xc3\xa9\xf0\x9f\x98\x80"));
    size_t n;
    uint8_t *back = kinf_encode(t.text, t.len, t.enc, &n);
    CHECK(back && n == sizeof u16 && !memcmp(back, u16, n));
    free(back);
    kinf_text_free(&t);

    static const uint8_t be[] = {0xfe, 0xff, 0, 'a'};
    CHECK(kinf_decode(be, sizeof be, &t, err, sizeof err) < 0 && strstr(err, "UTF-16BE"));
    static const uint8_t u32[] = {0xff, 0xfe, 0, 0, 'a', 0, 0, 0};
    CHECK(kinf_decode(u32, sizeof u32, &t, err, sizeof err) < 0 && strstr(err, "UTF-32"));
    static const uint8_t odd[] = {0xff, 0xfe, 'a', 0, 'b'};
    CHECK(kinf_decode(odd, sizeof odd, &t, err, sizeof err) < 0 && strstr(err, "odd"));
    static const uint8_t lone[] = {0xff, 0xfe, 0x00, 0xdc, 'a', 0};
    CHECK(kinf_decode(lone, sizeof lone, &t, err, sizeof err) < 0 && strstr(err, "surrogate"));
    static const uint8_t hi_end[] = {0xff, 0xfe, 0x3d, 0xd8};
    CHECK(kinf_decode(hi_end, sizeof hi_end, &t, err, sizeof err) < 0 && strstr(err, "surrogate"));
    static const uint8_t nobom[] = {'[', 0, 'V', 0};
    CHECK(kinf_decode(nobom, sizeof nobom, &t, err, sizeof err) < 0 &&
          strstr(err, "UTF-16LE without a byte order mark"));
    static const uint8_t nul16[] = {0xff, 0xfe, 'a', 0, 0, 0};
    CHECK(kinf_decode(nul16, sizeof nul16, &t, err, sizeof err) < 0 && strstr(err, "NUL"));

    CHECK(kinf_decode((const uint8_t *)"a\nb\xe9\n", 5, &t, err, sizeof err) == 0);
    CHECK(t.non_ascii && t.bad_utf8 == 3 && t.first_nonascii_line == 2);
    CHECK(!strcmp(kinf_enc_id(t.enc, t.non_ascii), "8bit"));
    kinf_text_free(&t);
    /* overlong and surrogate encodings are not UTF-8 */
    CHECK(kinf_decode((const uint8_t *)"\xc0\xaf", 2, &t, err, sizeof err) == 0 && t.bad_utf8 == 0);
    kinf_text_free(&t);
    CHECK(kinf_decode((const uint8_t *)"\xed\xa0\x80", 3, &t, err, sizeof err) == 0 &&
          t.bad_utf8 == 0);
    kinf_text_free(&t);
    CHECK(kinf_decode((const uint8_t *)"", 0, &t, err, sizeof err) == 0 && t.len == 0);
    kinf_text_free(&t);
}

/* ---- parser --------------------------------------------------------------------------------- */

static int parse(kinf_file *inf, const char *s)
{
    return kinf_parse(inf, s, strlen(s));
}

static int has_diag(const kinf_file *inf, int line, const char *sub)
{
    for (size_t i = 0; i < inf->ndiag; i++) {
        if (inf->diag[i].line == line && strstr(inf->diag[i].msg, sub))
            return 1;
    }
    return 0;
}

static void test_parser(void)
{
    kinf_file inf;
    CHECK(parse(&inf, "; comment\n[ Sec ] ; c\n"
                      "Key = \"a;b\" , c d ,, \"x\"\"y\" ; comment\n"
                      "plain , line\n"
                      "K2=\"quoted\"  tail\n") == 0);
    CHECK(inf.ndiag == 0 && inf.nsec == 1);
    const kinf_section *s = kinf_find(&inf, "sec");
    CHECK(s && s->line == 2 && s->n == 3);
    if (s && s->n == 3) {
        const kinf_entry *e = &s->e[0];
        CHECK(e->line == 3 && !strcmp(e->key, "Key") && e->nf == 4);
        CHECK(!strcmp(e->f[0].s, "a;b") && e->f[0].quoted);
        CHECK(!strcmp(e->f[1].s, "c d") && !e->f[1].quoted);
        CHECK(!strcmp(e->f[2].s, "") && !strcmp(e->f[3].s, "x\"y"));
        CHECK(!strcmp(e->value, "a;b,c d,,x\"y"));
        CHECK(!s->e[1].key && s->e[1].nf == 2 && !strcmp(s->e[1].f[1].s, "line"));
        CHECK(!strcmp(s->e[1].value, "plain,line"));
        CHECK(!strcmp(s->e[2].f[0].s, "quoted  tail"));
        CHECK(kinf_get(s, "KEY") == e && kinf_get(s, "nope") == NULL);
    }
    kinf_free(&inf);

    /* continuation; CRLF and CR endings count lines */
    CHECK(parse(&inf, "[A]\r\nCopyFiles = \"Dir\\\"\\ ; note\r\n, File\r\nX = 1\rY = 2\n") == 0);
    s = kinf_find(&inf, "A");
    CHECK(s && s->n == 3 && inf.ndiag == 0);
    if (s && s->n == 3) {
        CHECK(s->e[0].line == 2 && s->e[0].nf == 2 && !strcmp(s->e[0].f[0].s, "Dir\\") &&
              !strcmp(s->e[0].f[1].s, "File"));
        CHECK(s->e[1].line == 4 && s->e[2].line == 5);
    }
    kinf_free(&inf);

    /* '=' after a comma is data (AddReg lines), the first '=' only is the key separator */
    CHECK(parse(&inf, "[R]\nHKR,,a=b\nk = v = w\n") == 0);
    s = kinf_find(&inf, "R");
    CHECK(s && !s->e[0].key && s->e[0].nf == 3 && !strcmp(s->e[0].f[2].s, "a=b"));
    CHECK(s && !strcmp(s->e[1].key, "k") && !strcmp(s->e[1].f[0].s, "v = w"));
    kinf_free(&inf);

    /* merging, syntax errors */
    CHECK(parse(&inf, "x = 1\n[A]\na=1\n[B\nb=1\n[A] junk\nc=\"open\n[]\nd=1\\") == 0);
    CHECK(has_diag(&inf, 1, "outside any section"));
    CHECK(has_diag(&inf, 4, "unterminated section header"));
    CHECK(has_diag(&inf, 6, "text after the section header [A]"));
    CHECK(has_diag(&inf, 7, "unterminated quoted string"));
    CHECK(has_diag(&inf, 8, "empty section name"));
    CHECK(has_diag(&inf, 9, "at the end of the file"));
    s = kinf_find(&inf, "a");
    CHECK(s && s->ndecl == 2 && s->dup_line == 6 && s->n == 2); /* b=1 went with the bad header */
    CHECK(!kinf_find(&inf, "B"));
    kinf_free(&inf);

    /* limits */
    char *big = malloc(5000 + 16);
    strcpy(big, "[A]\nk=");
    memset(big + 6, 'x', 4096);
    big[6 + 4096] = 0;
    CHECK(parse(&inf, big) == 0 && inf.ndiag == 1 && inf.diag[0].kind == KINF_DIAG_LENGTH);
    kinf_free(&inf);
    big[0] = '[';
    memset(big + 1, 's', 256);
    strcpy(big + 257, "]\n");
    CHECK(parse(&inf, big) == 0 && has_diag(&inf, 1, "section name of 256 characters"));
    kinf_free(&inf);
    free(big);

    /* string tokens */
    CHECK(parse(&inf, "[Strings]\nName = \"Contoso\"\nname = dup\nPct = 50%%\n") == 0);
    kinf_subst_err err;
    memset(&err, 0, sizeof err);
    char *x = kinf_subst(&inf, "%NAME%, %13%\\a.sys, 100%%, %Pct%", &err);
    CHECK(x && !strcmp(x, "Contoso, %13%\\a.sys, 100%, 50%%") && !err.undefined &&
          !err.unterminated);
    free(x);
    x = kinf_subst(&inf, "%Nope% and %open", &err);
    CHECK(x && err.undefined == 1 && !strcmp(err.token, "Nope") && err.unterminated);
    free(x);
    kinf_free(&inf);

    kinf_set set = {0};
    CHECK(kinf_set_add(&set, "A.sys") == 1 && kinf_set_add(&set, "a.SYS") == 0 &&
          kinf_set_add(&set, "b") == 1 && set.n == 2);
    kinf_set_free(&set);
}

/* ---- rules ---------------------------------------------------------------------------------- */

static void test_good(void)
{
    CHECK(clean_on(good_inf, KINF_ARCH_X64));
    CHECK(clean_on(good_inf, KINF_ARCH_X86));
    checked c;
    CHECK(run_rules(&c, good_inf, strlen(good_inf), KINF_ARCH_X64) == 0);
    CHECK(c.pkg.n == 1 && !strcmp(c.pkg.items[0].source, "kmdpnp.sys") &&
          c.pkg.items[0].dirid == 13 && !strcmp(c.pkg.catalog, "kmdpnp.cat"));
    done(&c);
    /* the same INF as UTF-16LE with a BOM, CRLF line endings */
    char *crlf = malloc(2 * sizeof good_inf);
    size_t k = 0;
    for (const char *p = good_inf; *p; p++) {
        if (*p == '\n')
            crlf[k++] = '\r';
        crlf[k++] = *p;
    }
    size_t n;
    uint8_t *u = kinf_encode(crlf, k, KINF_ENC_UTF16LE, &n);
    CHECK(u && run_rules(&c, (const char *)u, n, KINF_ARCH_X64) == 0 && c.fs.n == 0 &&
          c.t.enc == KINF_ENC_UTF16LE);
    done(&c);
    free(u);
    free(crlf);
}

static void test_file_rules(void)
{
    char *s;
    /* KINF001 */
    s = malloc(sizeof good_inf + 8);
    strcpy(s, "\xef\xbb\xbf");
    strcat(s, good_inf);
    CHECK(fires(s, "KINF001", "UTF-8 byte order mark"));
    free(s);
    CHECK(edit_fires("\"kmdkit PnP sample device\"", "\"kmdkit Ger\xc3\xa4t\"", "KINF001",
                     "non-ASCII"));
    CHECK(edit_fires("\"kmdkit PnP sample device\"", "\"kmdkit Ger\xe4t\"", "KINF001",
                     "not valid UTF-8 either"));
    /* KINF002, KINF003, KINF004, KINF005 */
    CHECK(edit_fires("\"kmdkit\"\nManu", "\"kmdkit\nManu", "KINF002", "unterminated quoted"));
    CHECK(edit_fires("[Strings]\n", "[Strings]\n[KmdPnp_Device.NT]\n", "KINF003",
                     "[KmdPnp_Device.NT] is declared again (2 declarations, the first on line"));
    CHECK(edit_fires("PnpLockdown = 1\n", "PnpLockdown = 1\npnplockdown = 1\n", "KINF004",
                     "key 'pnplockdown' is given again (first on line 8)"));
    CHECK(edit_fires("kmdpnp.sys = 1\n", "kmdpnp.sys = 1\nKMDPNP.SYS = 2\n", "KINF004",
                     "with a different value"));
    CHECK(edit_fires("ServiceType   = 1\n", "ServiceType   = 1\nServiceType   = 1\n", "KINF004",
                     "ServiceType"));
    {
        /* LINE_LEN names: 255 characters pass, 256 do not */
        char name[300], line[400];
        memset(name, 'p', 255);
        name[255] = 0;
        snprintf(line, sizeof line, "ProviderName = \"%s\"", name);
        CHECK(edit_clean("ProviderName       = \"kmdkit\"", line, KINF_ARCH_X64));
        snprintf(line, sizeof line, "ProviderName = \"%sp\"", name);
        CHECK(edit_fires("ProviderName       = \"kmdkit\"", line, "KINF005",
                         "the Provider is 256 characters long"));
        snprintf(line, sizeof line, "KmdPnp.DeviceDesc = \"%sd\"", name);
        CHECK(edit_fires("KmdPnp.DeviceDesc  = \"kmdkit PnP sample device\"", line, "KINF005",
                         "the device description is 256"));
        snprintf(line, sizeof line, "ManufacturerName = \"%sm\"", name);
        CHECK(edit_fires("ManufacturerName   = \"kmdkit\"", line, "KINF005",
                         "the manufacturer name is 256"));
    }
    /* KINF006 */
    CHECK(edit_fires("Provider    = %ProviderName%", "Provider    = %ProviderNam%", "KINF006",
                     "%ProviderNam% is not defined"));
    CHECK(edit_fires("Provider    = %ProviderName%", "Provider    = 100% kmdkit", "KINF006",
                     "never closed"));
    CHECK(edit_clean("Provider    = %ProviderName%", "Provider    = \"kmdkit 100%%\"",
                     KINF_ARCH_X64));
    /* KINF007 */
    CHECK(edit_fires("Root\\KmdPnpSample\n", "Root\\KmdPnpSample_$kmdfversion$\n", "KINF007",
                     "$KMDFVERSION$"));
    /* KINF008 */
    CHECK(edit_fires("CopyFiles = KmdPnp_CopyFiles\n",
                     "CopyFiles = KmdPnp_CopyFiles\nAddProperty = Props\n", "KINF008",
                     "AddProperty in [KmdPnp_Device.NT] names [Props]"));
}

static void test_version_rules(void)
{
    CHECK(fires("; nothing\n", "KINF010", "no [Version] section"));
    CHECK(edit_fires("Signature   = \"$Windows NT$\"\n", "", "KINF010", "no Signature"));
    CHECK(edit_clean("\"$Windows NT$\"", "$CHICAGO$", KINF_ARCH_X64));
    CHECK(edit_clean("\"$Windows NT$\"", "\"$windows nt$\"", KINF_ARCH_X64));
    /* KINF011 */
    CHECK(edit_fires("Class       = System\n", "", "KINF011", "no Class"));
    CHECK(edit_fires("ClassGuid   = {4d36e97d-e325-11ce-bfc1-08002be10318}\n", "", "KINF011",
                     "no ClassGuid"));
    CHECK(edit_fires("{4d36e97d-e325-11ce-bfc1-08002be10318}",
                     "4d36e97d-e325-11ce-bfc1-08002be10318", "KINF011", "is not a GUID"));
    CHECK(edit_fires("Class       = System", "Class       = Contoso", "KINF011",
                     "is the GUID of class System, not of 'Contoso'"));
    CHECK(edit_clean("{4d36e97d-e325-11ce-bfc1-08002be10318}",
                     "{4D36E97D-E325-11CE-BFC1-08002BE10318}", KINF_ARCH_X64));
    {
        char *a = edit(good_inf, "Class       = System", "Class       = SoftwareDevice");
        char *b = edit(a, "{4d36e97d-e325-11ce-bfc1-08002be10318}",
                       "{62f9c741-b25a-46ce-b54c-9bccce08b6f2}");
        CHECK(clean_on(b, KINF_ARCH_X64));
        free(b);
        b = edit(a, "{4d36e97d-e325-11ce-bfc1-08002be10318}",
                 "{12345678-1234-1234-1234-123456789abc}");
        CHECK(fires(b, "KINF011", "Class SoftwareDevice goes with ClassGuid {62f9c741"));
        free(b);
        free(a);
        /* a class of one's own with a GUID of one's own is not checked against the table */
        a = edit(good_inf, "Class       = System", "Class       = KmdkitDevices");
        b = edit(a, "{4d36e97d-e325-11ce-bfc1-08002be10318}",
                 "{12345678-1234-1234-1234-123456789abc}");
        CHECK(clean_on(b, KINF_ARCH_X64));
        free(b);
        free(a);
    }
    /* KINF013, KINF014 */
    CHECK(edit_fires("Provider    = %ProviderName%\n", "", "KINF013", "no Provider"));
    CHECK(edit_fires("ProviderName       = \"kmdkit\"", "ProviderName = MICROSOFT", "KINF013",
                     "Microsoft"));
    CHECK(edit_fires("CatalogFile = kmdpnp.cat", "CatalogFile = sub\\kmdpnp.cat", "KINF014",
                     "is a path"));
    CHECK(edit_fires("CatalogFile = kmdpnp.cat", "CatalogFile = kmdpnp.txt", "KINF014",
                     "not a .cat"));
    {
        /* the decorated catalog wins for its architecture and must differ from the plain one */
        char *a = edit(good_inf, "CatalogFile = kmdpnp.cat\n",
                       "CatalogFile = kmdpnp.cat\nCatalogFile.NTamd64 = kmdpnp64.cat\n");
        checked c;
        CHECK(run_rules(&c, a, strlen(a), KINF_ARCH_X64) == 0 && c.fs.n == 0 &&
              !strcmp(c.pkg.catalog, "kmdpnp64.cat"));
        done(&c);
        CHECK(run_rules(&c, a, strlen(a), KINF_ARCH_X86) == 0 && c.fs.n == 0 &&
              !strcmp(c.pkg.catalog, "kmdpnp.cat"));
        done(&c);
        free(a);
        a = edit(good_inf, "CatalogFile = kmdpnp.cat\n",
                 "CatalogFile = kmdpnp.cat\nCatalogFile.NTamd64 = KMDPNP.cat\n");
        CHECK(fires(a, "KINF014", "both name"));
        free(a);
    }
    /* KINF015 */
    CHECK(edit_fires("DriverVer   = 01/01/2024,1.0.0.0\n", "", "KINF015", "no DriverVer"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "", "KINF015", "is empty"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "1/1/2024,1.0.0.0", "KINF015", "not mm/dd/yyyy"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "02/29/2023,1.0.0.0", "KINF015", "does not exist"));
    CHECK(edit_clean("01/01/2024,1.0.0.0", "02/29/2024,1.0.0.0", KINF_ARCH_X64));
    CHECK(edit_clean("01/01/2024,1.0.0.0", "12-31-2024,65534.0.0.65534", KINF_ARCH_X64));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "01/01/2024,1.0.65535.0", "KINF015", "below 65535"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "01/01/2024,1.0.0", "KINF015", "not w.x.y.z"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "01/01/2024", "KINF015", "no version"));
    CHECK(edit_fires("01/01/2024,1.0.0.0", "01/01/2024,1.0.0.0,x", "KINF015", "3 values"));
    CHECK(edit_fires("CopyFiles = KmdPnp_CopyFiles\n",
                     "CopyFiles = KmdPnp_CopyFiles\nDriverVer = 00/01/2024,1.0.0.0\n", "KINF015",
                     "DriverVer in [KmdPnp_Device.NT]"));
    char why[160];
    CHECK(kinf_check_date("02/29/2000", why, sizeof why) == 0);
    CHECK(kinf_check_date("02/29/1900", why, sizeof why) < 0);
    CHECK(kinf_check_date("04/31/2024", why, sizeof why) < 0);
    CHECK(kinf_check_version("0.0.0.0", why, sizeof why) == 0);
    CHECK(kinf_check_version("1.2.3.4.5", why, sizeof why) < 0);
    CHECK(kinf_check_version("1.2.3.", why, sizeof why) < 0);
    CHECK(kinf_check_version("99999999999999999999.0.0.0", why, sizeof why) < 0);
    /* KINF016, KINF012 */
    CHECK(edit_fires("PnpLockdown = 1", "PnpLockdown = 0", "KINF016", "not 1"));
    {
        char *a = edit(good_inf, "Class       = System", "Class       = sample");
        char *b = edit(a, "{4d36e97d-e325-11ce-bfc1-08002be10318}",
                       "{78a1c341-4539-11d3-b88d-00c04fad5171}");
        checked c;
        CHECK(run_rules(&c, b, strlen(b), KINF_ARCH_X64) == 0 && c.fs.errors == 0 &&
              c.fs.warnings == 1 && count(&c, "KINF012", NULL) == 1);
        done(&c);
        free(b);
        free(a);
    }
}

static void test_models(void)
{
    CHECK(edit_fires("[Manufacturer]\n%ManufacturerName% = KmdPnp, NTamd64, NTx86\n",
                     "[Manufacturer]\n", "KINF020", "[Manufacturer] is empty"));
    CHECK(edit_fires("%ManufacturerName% = KmdPnp, NTamd64, NTx86", "%ManufacturerName% = ,NTamd64",
                     "KINF020", "names no models section"));
    CHECK(edit_fires("[Manufacturer]\n%ManufacturerName% = KmdPnp, NTamd64, NTx86\n",
                     "[DefaultInstall]\nCopyFiles = KmdPnp_CopyFiles\n", "KINF020",
                     "legacy or primitive INF"));
    /* KINF021: no decoration for the architecture */
    CHECK(edit_fires("KmdPnp, NTamd64, NTx86", "KmdPnp, NTx86", "KINF021", "no NTamd64"));
    CHECK(edit_clean("KmdPnp, NTamd64, NTx86", "KmdPnp, NTx86", KINF_ARCH_X86));
    CHECK(edit_fires("KmdPnp, NTamd64, NTx86", "KmdPnp, NTamd64, NTarm64", "KINF023",
                     "[KmdPnp.NTarm64]"));
    CHECK(edit_fires("KmdPnp, NTamd64, NTx86", "KmdPnp, NTamd64, NTx86, WinNT", "KINF021",
                     "'WinNT' is not a TargetOSVersion"));
    {
        /* several OS versions of one architecture are all checked */
        char *a = edit(good_inf, "KmdPnp, NTamd64, NTx86",
                       "KmdPnp, NTamd64, NTamd64.10.0...19041, NTx86");
        CHECK(fires(a, "KINF023", "[KmdPnp.NTamd64.10.0...19041]"));
        char *b = edit(a, "[KmdPnp.NTx86]",
                       "[KmdPnp.NTamd64.10.0...19041]\n"
                       "%KmdPnp.DeviceDesc% = Other_Device, Root\\KmdPnpSample\n\n[KmdPnp.NTx86]");
        CHECK(fires(b, "KINF024", "[Other_Device.NTamd64], [Other_Device.NT] and [Other_Device]"));
        free(b);
        free(a);
    }
    /* x86 takes NT and undecorated sections, with KINF022's warning */
    {
        char *a = edit(good_inf, "KmdPnp, NTamd64, NTx86", "KmdPnp, NT");
        char *b = edit(a, "[KmdPnp.NTx86]", "[KmdPnp.NT]");
        checked c;
        CHECK(run_rules(&c, b, strlen(b), KINF_ARCH_X86) == 0 && c.fs.errors == 0 &&
              count(&c, "KINF022", NULL) == 1);
        done(&c);
        CHECK(fires(b, "KINF021", "no NTamd64"));
        free(b);
        free(a);
    }
    /* KINF023: empty models section for the architecture */
    CHECK(edit_fires("[KmdPnp.NTamd64]\n%KmdPnp.DeviceDesc% = KmdPnp_Device, Root\\KmdPnpSample\n",
                     "[KmdPnp.NTamd64]\n", "KINF023", "lists no device"));
    CHECK(edit_clean("[KmdPnp.NTamd64]\n%KmdPnp.DeviceDesc% = KmdPnp_Device, Root\\KmdPnpSample\n",
                     "[KmdPnp.NTamd64]\n", KINF_ARCH_X86));
    /* KINF024 */
    CHECK(edit_fires("KmdPnp_Device, Root\\KmdPnpSample\n\n[KmdPnp.NTx86]",
                     "KmdPnp_Device\n\n[KmdPnp.NTx86]", "KINF024", "has no hardware ID"));
    CHECK(edit_fires("%KmdPnp.DeviceDesc% = KmdPnp_Device, Root\\KmdPnpSample\n\n[KmdPnp.NTx86]",
                     "KmdPnp_Device, Root\\KmdPnpSample\n\n[KmdPnp.NTx86]", "KINF024",
                     "without a device description"));
    /* .NTamd64 is preferred over .NT */
    CHECK(edit_fires("[KmdPnp_Device.NT]\n", "[KmdPnp_Device.NTamd64]\n[KmdPnp_Device.NT]\n",
                     "KINF040", "[KmdPnp_Device.NTamd64.Services]"));
}

static void test_files_rules(void)
{
    CHECK(edit_fires("[SourceDisksFiles]\nkmdpnp.sys = 1\n", "", "KINF030",
                     "no [SourceDisksFiles] section"));
    CHECK(edit_fires("kmdpnp.sys = 1", "kmdpnp.sys = 2", "KINF030", "disk 2"));
    CHECK(edit_fires("kmdpnp.sys = 1", "kmdpnp.sys = ,x64", "KINF030", "names no disk"));
    CHECK(edit_fires("1 = %DiskName%", "1 = %DiskName%,,,..\\up", "KINF030",
                     "leaves the package folder"));
    {
        /* decorated SourceDisks sections and folders in the package */
        char *a = edit(good_inf, "[SourceDisksFiles]\nkmdpnp.sys = 1\n",
                       "[SourceDisksFiles.amd64]\nkmdpnp.sys = 1,amd64\n"
                       "[SourceDisksFiles.x86]\nkmdpnp.sys = 1,x86\n");
        char *b = edit(a, "1 = %DiskName%", "1 = %DiskName%,,,\\drv");
        char *d = edit(b, "KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = 13,drv\\amd64 ");
        char *e = edit(d, "%13%\\kmdpnp.sys", "%13%\\drv\\amd64\\kmdpnp.sys");
        checked c;
        CHECK(run_rules(&c, e, strlen(e), KINF_ARCH_X64) == 0 && c.fs.n == 0 && c.pkg.n == 1 &&
              !strcmp(c.pkg.items[0].source, "drv/amd64/kmdpnp.sys"));
        done(&c);
        /* on x86 the file is in drv/x86, not where DIRID 13,drv\amd64 says (InfVerif 1100) */
        CHECK(fires_on(e, KINF_ARCH_X86, "KINF031",
                       "'drv/x86' but DIRID 13 puts it in 'drv\\amd64'"));
        CHECK(fires(b, "KINF031", "'drv/amd64' but DIRID 13 puts it in ''"));
        free(e);
        free(d);
        free(b);
        free(a);
    }
    CHECK(edit_fires("CopyFiles = KmdPnp_CopyFiles", "CopyFiles = KmdPnp_Files", "KINF031",
                     "names [KmdPnp_Files], which does not exist"));
    CHECK(edit_fires("[KmdPnp_CopyFiles]\nkmdpnp.sys\n", "[KmdPnp_CopyFiles]\nkmdpnp.sys,kmd.sys\n",
                     "KINF031", "renames kmd.sys to kmdpnp.sys"));
    CHECK(edit_fires("[KmdPnp_CopyFiles]\nkmdpnp.sys\n", "[KmdPnp_CopyFiles]\nkmdpnp.sys = 1\n",
                     "KINF031", "is not a file line"));
    {
        /* @file with DefaultDestDir; without it */
        char *a = edit(good_inf, "CopyFiles = KmdPnp_CopyFiles", "CopyFiles = @kmdpnp.sys");
        char *b = edit(a, "KmdPnp_CopyFiles = 13 ", "DefaultDestDir = 13 ");
        CHECK(clean_on(b, KINF_ARCH_X64));
        CHECK(fires(a, "KINF031", "needs a DefaultDestDir"));
        free(b);
        free(a);
    }
    CHECK(edit_fires("KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = 11 ", "KINF032", "DIRID 11"));
    CHECK(edit_fires("KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = 10,kmdkit ", "KINF032",
                     "DIRID 10,kmdkit"));
    CHECK(edit_fires("KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = 24 ", "KINF033",
                     "root of the system disk"));
    CHECK(edit_fires("KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = -1,C:\\x ", "KINF033",
                     "absolute path"));
    CHECK(edit_fires("KmdPnp_CopyFiles = 13 ", "KmdPnp_CopyFiles = drivers ", "KINF033",
                     "not a number"));
}

static void test_service_rules(void)
{
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, 0, KmdPnp_Service", "KINF040",
                     "no AddService in [KmdPnp_Device.NT.Services] has flag 0x2"));
    CHECK(edit_fires("AddService = kmdpnp, 0x00000002, KmdPnp_Service\n",
                     "AddService = kmdpnp, 0x00000002, KmdPnp_Service\nAddService = other, 2, "
                     "KmdPnp_Service\n",
                     "KINF040", "2 AddService entries"));
    CHECK(edit_clean("AddService = kmdpnp, 0x00000002, KmdPnp_Service\n",
                     "AddService = kmdpnp, 0, KmdPnp_Service\nAddService = ,2\n", KINF_ARCH_X64));
    CHECK(
        edit_clean("AddService = kmdpnp, 0x00000002, KmdPnp_Service\n",
                   "Include = wdf.inf\nNeeds = WDF.Services\nAddService = kmdpnp,,KmdPnp_Service\n",
                   KINF_ARCH_X64));
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, two, KmdPnp_Service", "KINF041",
                     "flags 'two'"));
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, 0x802, KmdPnp_Service",
                     "KINF041", "SPSVCSINST_STARTSERVICE"));
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, 0x2", "KINF041",
                     "names no service-install section"));
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, 0x2, KmdPnp_Svc", "KINF041",
                     "[KmdPnp_Svc], which does not exist"));
    CHECK(edit_fires("ErrorControl  = 1\n", "", "KINF041", "has no ErrorControl"));
    CHECK(edit_fires("ServiceType   = 1", "ServiceType   = 0x10", "KINF041",
                     "ServiceType 16 in [KmdPnp_Service] for %13%\\kmdpnp.sys"));
    CHECK(edit_fires("StartType     = 3", "StartType     = 7", "KINF041", "not 0-4"));
    CHECK(edit_fires("ErrorControl  = 1", "ErrorControl  = 4", "KINF041", "not 0-3"));
    CHECK(edit_fires("ErrorControl  = 1", "ErrorControl  = high", "KINF041", "not a number"));
    CHECK(edit_fires("CopyFiles = KmdPnp_CopyFiles\n",
                     "CopyFiles = KmdPnp_CopyFiles\nAddService = kmdpnp, 2, KmdPnp_Service\n",
                     "KINF041", "it belongs in [KmdPnp_Device.NT.Services]"));
    CHECK(edit_fires("ServiceBinary = %13%\\kmdpnp.sys", "ServiceBinary = kmdpnp.sys", "KINF042",
                     "is not %DIRID%\\file"));
    CHECK(edit_fires("ServiceBinary = %13%\\kmdpnp.sys",
                     "ServiceBinary = %SystemRoot%\\System32\\drivers\\kmdpnp.sys", "KINF006",
                     "%SystemRoot%"));
    CHECK(edit_fires("ServiceBinary = %13%\\kmdpnp.sys", "ServiceBinary = %13%\\other.sys",
                     "KINF042", "names other.sys, which no CopyFiles of the x64 install copies"));
    CHECK(edit_fires("ServiceBinary = %13%\\kmdpnp.sys", "ServiceBinary = %13%\\sub\\kmdpnp.sys",
                     "KINF042", "copies kmdpnp.sys to %13%"));
    CHECK(edit_fires("kmdpnp, 0x00000002, KmdPnp_Service", "kmdpnp, 0x42, KmdPnp_Service",
                     "KINF043", "0x40"));
    CHECK(edit_fires("ServiceType   = 1\n", "", "KINF041", "has no ServiceType"));
}

static void test_legacy_rules(void)
{
    CHECK(edit_fires("[Strings]", "[DefaultInstall.Services]\n\n[Strings]", "KINF050",
                     "[DefaultInstall.Services] in an INF with [Manufacturer]"));
    CHECK(edit_fires("[Strings]", "[KmdPnp_Device.NT.CoInstallers]\n\n[Strings]", "KINF051",
                     "CoInstallers sections are legacy"));
    CHECK(edit_fires("[Strings]", "[ClassInstall32]\n\n[Strings]", "KINF051",
                     "class System, a class Windows defines"));
    CHECK(edit_fires("CopyFiles = KmdPnp_CopyFiles\n",
                     "CopyFiles = KmdPnp_CopyFiles\nlogconfig = x\n", "KINF051",
                     "LogConfig in [KmdPnp_Device.NT] is a legacy directive"));
    /* registry roots */
    static const struct {
        const char *line, *id, *sub;
    } reg[] = {
        {"HKEY_CURRENT_USER,Software\\x,v,0x10001,1", "KINF052", "HKEY_CURRENT_USER"},
        {"HKU,.DEFAULT\\x,v,0x10001,1", "KINF052", "per-user"},
        {"HKLM,SOFTWARE\\kmdkit,v,0x10001,1", "KINF053", "HKLM\\SOFTWARE\\kmdkit"},
        {"HKLM,SYSTEM\\CurrentControlSet\\Services\\kmdpnp,v,0x10001,1", "KINF053", "1221"},
        {"HKXX,x,v,0x10001,1", "KINF053", "not a registry root"},
    };
    for (size_t i = 0; i < sizeof reg / sizeof *reg; i++) {
        char add[256];
        snprintf(add, sizeof add, "[KmdPnp_AddReg]\n%s\n\n[Strings]", reg[i].line);
        char *a = edit(good_inf, "CopyFiles = KmdPnp_CopyFiles\n",
                       "CopyFiles = KmdPnp_CopyFiles\nAddReg = KmdPnp_AddReg\n");
        char *b = edit(a, "[Strings]", add);
        CHECK(fires(b, reg[i].id, reg[i].sub));
        free(b);
        free(a);
    }
    static const char *const ok[] = {"HKR,,v,0x10001,1", "HKCR,CLSID\\{x},,,y",
                                     "HKLM,SOFTWARE\\Classes\\CLSID\\{x},,,y"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char add[256];
        snprintf(add, sizeof add, "[KmdPnp_AddReg]\n%s\n\n[Strings]", ok[i]);
        /* the service-install section's AddReg is checked too */
        char *a = edit(good_inf, "ServiceBinary = %13%\\kmdpnp.sys\n",
                       "ServiceBinary = %13%\\kmdpnp.sys\nAddReg = KmdPnp_AddReg\n");
        char *b = edit(a, "[Strings]", add);
        CHECK(clean_on(b, KINF_ARCH_X64));
        free(b);
        free(a);
    }
}

static void test_findings_cap(void)
{
    /* more findings than KINF_MAX_FINDINGS: counted, not stored */
    size_t n = 3000;
    char *s = malloc(n * 16 + 64);
    char *p = s;
    p += sprintf(p, "[Version]\n");
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "x%zu = %%u%zu%%\n", i, i);
    checked c;
    CHECK(run_rules(&c, s, strlen(s), KINF_ARCH_X64) == 0);
    CHECK(c.fs.n == KINF_MAX_FINDINGS && c.fs.dropped > 0 &&
          c.fs.errors + c.fs.warnings == c.fs.n + c.fs.dropped);
    FILE *f = tmpfile();
    kinf_print_findings(f, "big.inf", &c.t, KINF_ARCH_X64, &c.fs, 0);
    char *out = unit_slurp(f);
    CHECK(strstr(out, "further findings not shown") != NULL);
    free(out);
    fclose(f);
    done(&c);
    free(s);
}

/* ---- stamp ---------------------------------------------------------------------------------- */

static char *stamp(const char *text, kinf_arch arch, const char *date, const char *ver,
                   kinf_stamp_result *res)
{
    kinf_stamp_opts o = {arch, date, ver};
    size_t n;
    return kinf_stamp(text, strlen(text), &o, res, &n);
}

static void test_stamp(void)
{
    kinf_stamp_result r;
    char *s = stamp("; $ARCH$ in a comment stays\r\n[Version]\r\nSignature=\"$Windows NT$\"\r\n"
                    "driverver = 01/01/2000 , 0.0.0.0 ; old\r\n\r\n[Manufacturer]\r\n"
                    "%M% = Mfg, NT$arch$ ; $ARCH$\r\n[Mfg.NT$ARCH$] ; c\r\n",
                    KINF_ARCH_X64, "12/31/2024", "1.2.3.4", &r);
    CHECK(s &&
          !strcmp(s, "; $ARCH$ in a comment stays\r\n[Version]\r\nSignature=\"$Windows NT$\"\r\n"
                     "driverver = 12/31/2024,1.2.3.4 ; old\r\n\r\n[Manufacturer]\r\n"
                     "%M% = Mfg, NTamd64 ; $ARCH$\r\n[Mfg.NTamd64] ; c\r\n"));
    CHECK(r.arch_tokens == 2 && r.driverver_line == 4 && !r.added);
    free(s);

    /* added after the last entry of [Version], before the blank line; LF kept */
    s = stamp("[Version]\nSignature=\"$Windows NT$\"\n\n[B]\n", KINF_ARCH_X86, "01/02/2024",
              "1.0.0.0", &r);
    CHECK(s && !strcmp(s, "[Version]\nSignature=\"$Windows NT$\"\nDriverVer = 01/02/2024,1.0.0.0\n"
                          "\n[B]\n"));
    CHECK(r.added && r.driverver_line == 3);
    free(s);
    /* no line ending at the end of the file stays so */
    s = stamp("[Version]", KINF_ARCH_X86, "01/02/2024", "1.0.0.0", &r);
    CHECK(s && !strcmp(s, "[Version]\r\nDriverVer = 01/02/2024,1.0.0.0"));
    free(s);
    /* an empty value, with and without a comment */
    s = stamp("[version]\nDriverVer=\nX=1\n", KINF_ARCH_X86, "01/02/2024", "1.0.0.0", &r);
    CHECK(s && !strcmp(s, "[version]\nDriverVer=01/02/2024,1.0.0.0\nX=1\n"));
    free(s);
    s = stamp("[Version]\nDriverVer =;c\n", KINF_ARCH_X86, "01/02/2024", "1.0.0.0", &r);
    CHECK(s && !strcmp(s, "[Version]\nDriverVer =01/02/2024,1.0.0.0 ;c\n"));
    free(s);
    /* the last entry continues: the new line goes right after the header */
    s = stamp("[Version]\nSignature=\"$Windows NT$\",\\\n\n[B]\n", KINF_ARCH_X86, "01/02/2024",
              "1.0.0.0", &r);
    CHECK(s && !strncmp(s, "[Version]\nDriverVer = 01/02/2024,1.0.0.0\nSignature", 50));
    free(s);
    /* DriverVer in another section is left alone; only [Version]'s is set */
    s = stamp("[Install]\nDriverVer=x\n[Version]\nA=1\n", KINF_ARCH_X86, "01/02/2024", "1.0.0.0",
              &r);
    CHECK(s && strstr(s, "[Install]\nDriverVer=x\n") && r.added);
    free(s);

    /* refusals */
    CHECK(!stamp("[A]\n", KINF_ARCH_X64, "01/01/2024", "1.0.0.0", &r) &&
          strstr(r.error, "no [Version]"));
    CHECK(!stamp("[Version]\nDriverVer=1\nDriverVer=2\n", KINF_ARCH_X64, "01/01/2024", "1.0.0.0",
                 &r) &&
          strstr(r.error, "twice (lines 2 and 3)"));
    CHECK(!stamp("[Version]\nDriverVer=01/01/2024,\\\n1.0.0.0\n", KINF_ARCH_X64, "01/01/2024",
                 "1.0.0.0", &r) &&
          strstr(r.error, "continues"));
    CHECK(!stamp("[Version]\n", KINF_ARCH_X64, "2024-01-01", "1.0.0.0", &r) &&
          strstr(r.error, "mm/dd/yyyy"));
    CHECK(!stamp("[Version]\n", KINF_ARCH_X64, "01/01/2024", "1.0.0.65535", &r) &&
          strstr(r.error, "below 65535"));

    char d[11];
    kinf_epoch_date(0, d);
    CHECK(!strcmp(d, "01/01/1970"));
    kinf_epoch_date(1704067200, d);
    CHECK(!strcmp(d, "01/01/2024"));
    kinf_epoch_date(951782400 + 86399, d);
    CHECK(!strcmp(d, "02/29/2000"));
    kinf_epoch_date(4107542400ull, d);
    CHECK(!strcmp(d, "03/01/2100"));
    kinf_epoch_date(253402300799ull, d);
    CHECK(!strcmp(d, "12/31/9999"));
}

/* ---- the command line ----------------------------------------------------------------------- */

/* The CLI; captured stdout/stderr are returned in *out / *err (caller frees). */
#define run(out, err, ...) unit_run(kmdinf_main, "kmdinf", out, err, __VA_ARGS__)

static void test_cli(void)
{
    char dir[] = "/tmp/kmdinf_unit_XXXXXX";
    if (!mkdtemp(dir)) {
        g_fail++;
        perror("FAIL mkdtemp");
        return;
    }
    char good[256], bad[256], out[256], u16[256], missing[256];
    snprintf(good, sizeof good, "%s/good.inf", dir);
    snprintf(bad, sizeof bad, "%s/bad.inf", dir);
    snprintf(out, sizeof out, "%s/out.inf", dir);
    snprintf(u16, sizeof u16, "%s/u16.inx", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.inf", dir);
    CHECK(unit_write_file(good, good_inf, strlen(good_inf)) == 0);
    char *b = edit(good_inf, "PnpLockdown = 1\n", "");
    CHECK(unit_write_file(bad, b, strlen(b)) == 0);
    free(b);

    char *o, *e;
    CHECK(run(&o, &e, 3, "check", good) == 0 &&
          strstr(o, "0 errors, 0 warnings (ASCII without BOM, x64)"));
    free(o), free(e);
    CHECK(run(&o, NULL, 4, "check", good, "--quiet") == 0 && !*o);
    free(o);
    CHECK(run(&o, NULL, 4, "check", "--arch=x86", bad) == 1 &&
          strstr(o, ":8: error KINF016 pnp-lockdown: ") == NULL &&
          strstr(o, "bad.inf:1: error KINF016 pnp-lockdown: [Version] has no PnpLockdown") &&
          strstr(o, "1 error, 0 warnings (ASCII without BOM, x86)"));
    free(o);
    CHECK(run(&o, NULL, 4, "check", bad, "--json") == 1 &&
          strstr(o, "\"encoding\":\"ascii\",\"errors\":1,\"warnings\":0,\"findings\":[{\"id\":"
                    "\"KINF016\",\"name\":\"pnp-lockdown\",\"severity\":\"error\",\"line\":1,"));
    free(o);
    CHECK(run(&o, NULL, 3, "files", good) == 0 && !strcmp(o, "kmdpnp.sys\n"));
    free(o);
    CHECK(run(&o, &e, 3, "files", bad) == 1 && !*o && strstr(e, "no file list"));
    free(o), free(e);
    CHECK(run(&o, NULL, 2, "rules") == 0 && strstr(o, "KINF001 encoding") &&
          strstr(o, "KINF053 registry-root"));
    free(o);
    CHECK(run(&o, NULL, 4, "check", "--list-rules", "--json") == 0 && o[0] == '[' &&
          strstr(o, "{\"id\":\"KINF016\",\"name\":\"pnp-lockdown\",\"severity\":\"error\""));
    free(o);

    /* usage and unreadable input: exit 2 */
    CHECK(run(NULL, &e, 1) == 2 && strstr(e, "usage:"));
    free(e);
    CHECK(run(NULL, &e, 2, "lint") == 2 && strstr(e, "unknown command 'lint'"));
    free(e);
    CHECK(run(NULL, &e, 4, "check", good, "--arch=arm64") == 2 && strstr(e, "--arch needs"));
    free(e);
    CHECK(run(NULL, &e, 4, "check", good, good) == 2 && strstr(e, "extra argument"));
    free(e);
    CHECK(run(NULL, &e, 3, "check", missing) == 2 && strstr(e, "cannot open"));
    free(e);
    CHECK(run(NULL, &e, 3, "check", dir) == 2 && strstr(e, "directory"));
    free(e);
    CHECK(run(NULL, &e, 6, "stamp", good, out, "--arch", "x64") == 2 &&
          strstr(e, "stamp needs --version"));
    free(e);
    CHECK(run(NULL, &e, 6, "stamp", good, out, "--version", "1.0.0.0") == 2 &&
          strstr(e, "stamp needs --arch"));
    free(e);
    static const uint8_t be[] = {0xfe, 0xff, 0, '['};
    CHECK(unit_write_file(u16, be, sizeof be) == 0);
    CHECK(run(NULL, &e, 3, "check", u16) == 2 && strstr(e, "not INF text: UTF-16BE"));
    free(e);
    CHECK(run(NULL, &e, 3, "files", u16) == 2);
    free(e);

    /* stamp: UTF-16LE in, UTF-16LE out; the date from SOURCE_DATE_EPOCH */
    const char *inx = "[Version]\r\nSignature=\"$Windows NT$\"\r\nDriverVer=\r\n"
                      "[S.NT$ARCH$]\r\nK=\"caf\xc3\xa9\"\r\n";
    size_t n;
    uint8_t *w = kinf_encode(inx, strlen(inx), KINF_ENC_UTF16LE, &n);
    CHECK(w && unit_write_file(u16, w, n) == 0);
    free(w);
    unsetenv("SOURCE_DATE_EPOCH");
    CHECK(run(NULL, &e, 8, "stamp", u16, out, "--arch", "x86", "--version", "1.0.0.0") == 2 &&
          strstr(e, "no date"));
    free(e);
    setenv("SOURCE_DATE_EPOCH", "1704067200x", 1);
    CHECK(run(NULL, &e, 8, "stamp", u16, out, "--arch", "x86", "--version", "1.0.0.0") == 2 &&
          strstr(e, "not a number"));
    free(e);
    setenv("SOURCE_DATE_EPOCH", "1706745600", 1); /* 2024-02-01 */
    CHECK(run(&o, NULL, 8, "stamp", u16, out, "--arch", "x86", "--version", "2.0.0.1") == 0 &&
          strstr(o, "DriverVer = 02/01/2024,2.0.0.1 (line 3); $ARCH$ -> x86 in 1 place"));
    free(o);
    char *got = unit_read_file(out, &n);
    const char *want = "[Version]\r\nSignature=\"$Windows NT$\"\r\nDriverVer=02/01/2024,2.0.0.1\r\n"
                       "[S.NTx86]\r\nK=\"caf\xc3\xa9\"\r\n";
    size_t wn;
    w = kinf_encode(want, strlen(want), KINF_ENC_UTF16LE, &wn);
    CHECK(got && w && n == wn && !memcmp(got, w, n));
    free(w);
    free(got);
    struct stat st;
    CHECK(stat(out, &st) == 0 && (st.st_mode & 0777) == (0666 & ~(unsigned)umask(022)));
    umask(022);
    /* --date wins over SOURCE_DATE_EPOCH; a bad date or a missing folder writes nothing */
    CHECK(run(&o, NULL, 10, "stamp", good, out, "--arch", "x64", "--version", "1.0.0.0", "--date",
              "03/04/2025") == 0 &&
          strstr(o, "DriverVer = 03/04/2025,1.0.0.0 (line 7)"));
    free(o);
    CHECK(run(NULL, &e, 10, "stamp", good, out, "--arch", "x64", "--version", "1.0.0.0", "--date",
              "02/30/2025") == 2 &&
          strstr(e, "does not exist"));
    free(e);
    got = unit_read_file(out, &n);
    CHECK(got && strstr(got, "DriverVer   = 03/04/2025,1.0.0.0\n")); /* the previous one */
    free(got);
    CHECK(run(NULL, &e, 8, "stamp", good, missing, "--arch", "x64", "--version", "1.0.0.0") == 2 &&
          strstr(e, "temporary file"));
    free(e);
    CHECK(access(missing, F_OK) != 0);
    unsetenv("SOURCE_DATE_EPOCH");

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}

/* ---- mutations ------------------------------------------------------------------------------ */

static unsigned long long g_rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return n ? (unsigned)(g_rng % n) : 0;
}

/* One random edit of BUF (*N bytes, capacity CAP). */
static void mutate(char *buf, size_t *n, size_t cap)
{
    static const char special[] = "[]\";%\\=,\n\r\t $@.";
    static const char *const words[] = {
        "[Version]",  "[Manufacturer]", "%13%",        "$ARCH$",    "\\\n",    "\"\"", "%%",
        "DriverVer=", "CopyFiles=",     "AddService=", "[Strings]", "NTamd64", ",2",   "@",
        "HKCU,x",     "\xef\xbb\xbf",   "\xc3\xa9",    "\xff"};
    switch (rnd(6)) {
    case 0: /* flip a byte */
        if (*n)
            buf[rnd((unsigned)*n)] ^= (char)(1u << rnd(8));
        break;
    case 1: /* insert a special character */
        if (*n + 1 < cap) {
            size_t at = rnd((unsigned)*n + 1);
            memmove(buf + at + 1, buf + at, *n - at);
            buf[at] = special[rnd(sizeof special - 1)];
            (*n)++;
        }
        break;
    case 2: { /* insert a word */
        const char *w = words[rnd(sizeof words / sizeof *words)];
        size_t l = strlen(w);
        if (*n + l < cap) {
            size_t at = rnd((unsigned)*n + 1);
            memmove(buf + at + l, buf + at, *n - at);
            memcpy(buf + at, w, l);
            *n += l;
        }
        break;
    }
    case 3: /* delete a range */
        if (*n) {
            size_t at = rnd((unsigned)*n), len = rnd(40) + 1;
            if (at + len > *n)
                len = *n - at;
            memmove(buf + at, buf + at + len, *n - at - len);
            *n -= len;
        }
        break;
    case 4: /* duplicate a range */
        if (*n) {
            size_t at = rnd((unsigned)*n), len = rnd(200) + 1;
            if (at + len > *n)
                len = *n - at;
            if (*n + len < cap) {
                memmove(buf + at + len, buf + at, *n - at);
                *n += len;
            }
        }
        break;
    default: /* truncate */
        *n = rnd((unsigned)*n + 1);
        break;
    }
}

static void exercise(const uint8_t *d, size_t n, FILE *devnull)
{
    kinf_text t;
    char err[256];
    if (kinf_decode(d, n, &t, err, sizeof err)) {
        CHECK(err[0] != 0); /* malformed input always comes with a message */
        return;
    }
    kinf_file inf;
    CHECK(kinf_parse(&inf, t.text, t.len) == 0);
    for (int a = 0; a < 2; a++) {
        kinf_findings fs = {0};
        kinf_package pkg;
        memset(&pkg, 0, sizeof pkg);
        CHECK(kinf_check(&t, &inf, a ? KINF_ARCH_X86 : KINF_ARCH_X64, &fs, &pkg) == 0);
        CHECK(fs.errors + fs.warnings == fs.n + fs.dropped);
        kinf_print_findings(devnull, "m.inf", &t, KINF_ARCH_X64, &fs, a);
        kinf_print_files(devnull, "m.inf", KINF_ARCH_X64, &pkg, a);
        kinf_package_free(&pkg);
        kinf_findings_free(&fs);
    }
    kinf_free(&inf);
    /* stamp succeeds or says why; stamping its output again changes nothing */
    kinf_stamp_opts o = {KINF_ARCH_X64, "01/01/2024", "1.0.0.0"};
    kinf_stamp_result r;
    size_t n1, n2;
    char *s1 = kinf_stamp(t.text, t.len, &o, &r, &n1);
    CHECK(s1 || r.error[0]);
    if (s1) {
        char *s2 = kinf_stamp(s1, n1, &o, &r, &n2);
        int same = s2 && n1 == n2 && !memcmp(s1, s2, n1);
        CHECK(same);
        if (!same)
            fprintf(stderr, "stamp is not idempotent on:\n%.*s\n", (int)t.len, t.text);
        size_t bn;
        uint8_t *bytes = kinf_encode(s1, n1, t.enc, &bn);
        CHECK(bytes != NULL || (t.enc == KINF_ENC_UTF16LE && !bytes));
        free(bytes);
        free(s2);
        free(s1);
    }
    kinf_text_free(&t);
}

static void test_mutations(long count)
{
    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull)
        devnull = tmpfile();
    size_t cap = 4 * sizeof good_inf + 4096;
    char *buf = malloc(cap);
    int before = g_fail;
    for (long i = 0; i < count && g_fail - before < 5; i++) {
        size_t n = strlen(good_inf);
        memcpy(buf, good_inf, n);
        int edits = 1 + (int)rnd(8);
        for (int k = 0; k < edits; k++)
            mutate(buf, &n, cap);
        if (rnd(8) == 0) { /* as UTF-16LE */
            size_t un;
            uint8_t *u = kinf_encode(buf, n, KINF_ENC_UTF16LE, &un);
            if (u) {
                if (rnd(4) == 0 && un > 2)
                    u[2 + rnd((unsigned)un - 2)] ^= (uint8_t)(1u << rnd(8));
                exercise(u, un, devnull);
                free(u);
                continue;
            }
        }
        exercise((const uint8_t *)buf, n, devnull);
    }
    free(buf);
    fclose(devnull);
}

int main(int argc, char **argv)
{
    long mutations = 3000;
    if (argc == 3 && !strcmp(argv[1], "--mutations")) {
        mutations = strtol(argv[2], NULL, 10);
    } else if (argc != 1) {
        fprintf(stderr, "usage: kmdinf_unit [--mutations N]\n");
        return 2;
    }
    test_text();
    test_parser();
    test_good();
    test_file_rules();
    test_version_rules();
    test_models();
    test_files_rules();
    test_service_rules();
    test_legacy_rules();
    test_findings_cap();
    test_stamp();
    test_cli();
    int checks = g_pass;
    test_mutations(mutations);
    printf("mutations: %ld inputs, %d invariant checks\n", mutations, g_pass - checks);
    return unit_summary();
}
