/* version.c - [Version]: Signature, Class and ClassGuid, Provider, CatalogFile, DriverVer,
 * PnpLockdown; the well-known device setup classes. */
#include "rules_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- well-known device setup classes (Microsoft's "System-Defined Device Setup Classes
 * Available to Vendors", devguid.h, and the Sample class of the WDK samples) ---------------- */

static const struct {
    const char *name, *guid;
} classes[] = {
    {"Battery", "{72631e54-78a4-11d0-bcf7-00aa00b7b32a}"},
    {"Biometric", "{53d29ef7-377c-4d14-864b-eb3a85769359}"},
    {"Bluetooth", "{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}"},
    {"CDROM", "{4d36e965-e325-11ce-bfc1-08002be10318}"},
    {"DiskDrive", "{4d36e967-e325-11ce-bfc1-08002be10318}"},
    {"Display", "{4d36e968-e325-11ce-bfc1-08002be10318}"},
    {"Extension", "{e2f84ce7-8efa-411c-aa69-97454ca4cb57}"},
    {"FDC", "{4d36e969-e325-11ce-bfc1-08002be10318}"},
    {"FloppyDisk", "{4d36e980-e325-11ce-bfc1-08002be10318}"},
    {"HDC", "{4d36e96a-e325-11ce-bfc1-08002be10318}"},
    {"HIDClass", "{745a17a0-74d3-11d0-b6fe-00a0c90f57da}"},
    {"Image", "{6bdd1fc6-810f-11d0-bec7-08002be2092f}"},
    {"Keyboard", "{4d36e96b-e325-11ce-bfc1-08002be10318}"},
    {"Media", "{4d36e96c-e325-11ce-bfc1-08002be10318}"},
    {"MediumChanger", "{ce5939ae-ebde-11d0-b181-0000f8753ec4}"},
    {"Modem", "{4d36e96d-e325-11ce-bfc1-08002be10318}"},
    {"Monitor", "{4d36e96e-e325-11ce-bfc1-08002be10318}"},
    {"Mouse", "{4d36e96f-e325-11ce-bfc1-08002be10318}"},
    {"MTD", "{4d36e970-e325-11ce-bfc1-08002be10318}"},
    {"Multifunction", "{4d36e971-e325-11ce-bfc1-08002be10318}"},
    {"MultiportSerial", "{50906cb8-ba12-11d1-bf5d-0000f805f530}"},
    {"Net", "{4d36e972-e325-11ce-bfc1-08002be10318}"},
    {"NetClient", "{4d36e973-e325-11ce-bfc1-08002be10318}"},
    {"NetService", "{4d36e974-e325-11ce-bfc1-08002be10318}"},
    {"NetTrans", "{4d36e975-e325-11ce-bfc1-08002be10318}"},
    {"PCMCIA", "{4d36e977-e325-11ce-bfc1-08002be10318}"},
    {"Ports", "{4d36e978-e325-11ce-bfc1-08002be10318}"},
    {"Printer", "{4d36e979-e325-11ce-bfc1-08002be10318}"},
    {"Processor", "{50127dc3-0f36-415e-a6cc-4cb3be910b65}"},
    {"Sample", "{78a1c341-4539-11d3-b88d-00c04fad5171}"},
    {"SCSIAdapter", "{4d36e97b-e325-11ce-bfc1-08002be10318}"},
    {"Sensor", "{5175d334-c371-4806-b3ba-71fd53c9258d}"},
    {"SmartCardReader", "{50dd5230-ba8a-11d1-bf5d-0000f805f530}"},
    {"SoftwareComponent", "{5c4c3332-344d-483c-8739-259e934c9cc8}"},
    {"SoftwareDevice", "{62f9c741-b25a-46ce-b54c-9bccce08b6f2}"},
    {"System", "{4d36e97d-e325-11ce-bfc1-08002be10318}"},
    {"USBDevice", "{88bae032-5a81-49f0-bc3d-a4ff138216d6}"},
    {"Volume", "{71a27cdd-812a-11d0-bec7-08002be2092f}"},
};

const char *kinf_class_guid(const char *name)
{
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        if (kinf_streq(classes[i].name, name))
            return classes[i].guid;
    }
    return NULL;
}

const char *kinf_class_name(const char *guid)
{
    for (size_t i = 0; i < sizeof classes / sizeof *classes; i++) {
        if (kinf_streq(classes[i].guid, guid))
            return classes[i].name;
    }
    return NULL;
}

static int is_guid(const char *s)
{
    static const char pat[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
    if (strlen(s) != sizeof pat - 1)
        return 0;
    for (size_t i = 0; pat[i]; i++) {
        char c = s[i];
        int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (pat[i] == 'x' ? !hex : c != pat[i])
            return 0;
    }
    return 1;
}

/* ---- [Version] ------------------------------------------------------------------------------ */

static int days_in(int m, int y)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

int kinf_check_date(const char *s, char *why, size_t whylen)
{
    static const char pat[] = "dd/dd/dddd";
    int ok = strlen(s) == sizeof pat - 1;
    for (size_t i = 0; ok && pat[i]; i++)
        ok = pat[i] == 'd' ? s[i] >= '0' && s[i] <= '9' : s[i] == '/' || s[i] == '-';
    if (!ok) {
        snprintf(why, whylen,
                 "the date '%.40s' is not mm/dd/yyyy (two-digit month and day, "
                 "four-digit year; '-' may replace '/')",
                 s);
        return -1;
    }
    int m = (s[0] - '0') * 10 + (s[1] - '0'), d = (s[3] - '0') * 10 + (s[4] - '0');
    int y = atoi(s + 6);
    if (m < 1 || m > 12) {
        snprintf(why, whylen, "the date '%s' has month %d: the order is month/day/year", s, m);
        return -1;
    }
    if (y < 1 || d < 1 || d > days_in(m, y)) {
        snprintf(why, whylen, "the date '%s' does not exist (day %d of month %d of %04d)", s, d, m,
                 y);
        return -1;
    }
    return 0;
}

int kinf_check_version(const char *s, char *why, size_t whylen)
{
    const char *p = s;
    for (int part = 0; part < 4; part++) {
        long v = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (v < 100000)
                v = v * 10 + (*p - '0');
            p++, digits++;
        }
        if (!digits || (part < 3 && *p != '.') || (part == 3 && *p)) {
            snprintf(why, whylen, "the version '%.40s' is not w.x.y.z (four decimal numbers)", s);
            return -1;
        }
        if (v >= 65535) {
            snprintf(why, whylen, "the version '%.40s' has %ld: each number must be below 65535", s,
                     v);
            return -1;
        }
        if (part < 3)
            p++;
    }
    return 0;
}

void kinf_check_driverver(kinf_ctx *c, const kinf_entry *e, const char *where)
{
    char why[160];
    const char *date = kinf_val(c, e, 0, 0), *ver = kinf_val(c, e, 1, 1);
    if (e->nf > 2)
        kinf_add(c, KINF_R_DRIVERVER, e->line,
                 "DriverVer in [%s] has %zu values: it is mm/dd/yyyy,w.x.y.z", where, e->nf);
    else if (!*date)
        kinf_add(c, KINF_R_DRIVERVER, e->line,
                 "DriverVer in [%s] is empty: set it to mm/dd/yyyy,w.x.y.z (kmdinf stamp does)",
                 where);
    else if (kinf_check_date(date, why, sizeof why))
        kinf_add(c, KINF_R_DRIVERVER, e->line, "DriverVer in [%s]: %s", where, why);
    else if (!*ver)
        kinf_add(c, KINF_R_DRIVERVER, e->line,
                 "DriverVer in [%s] has no version: Windows ranks drivers by date and version, "
                 "write mm/dd/yyyy,w.x.y.z",
                 where);
    else if (kinf_check_version(ver, why, sizeof why))
        kinf_add(c, KINF_R_DRIVERVER, e->line, "DriverVer in [%s]: %s", where, why);
}

static void check_catalog(kinf_ctx *c, const kinf_section *v)
{
    char dec[32], nt[] = "CatalogFile.NT";
    snprintf(dec, sizeof dec, "CatalogFile.NT%s", kinf_arch_platform(c->arch));
    const kinf_entry *e = kinf_get(v, dec);
    if (!e)
        e = kinf_get(v, nt);
    if (!e)
        e = kinf_get(v, "CatalogFile");
    if (!e) {
        kinf_add(c, KINF_R_CATALOG, v->line,
                 "[Version] has no CatalogFile (InfVerif 1233): the package cannot be signed and "
                 "Windows treats the driver as unsigned");
        return;
    }
    const char *cat = kinf_val(c, e, 0, 0);
    size_t n = strlen(cat);
    if (!n) {
        kinf_add(c, KINF_R_CATALOG, e->line, "%s is empty", e->key);
    } else if (strpbrk(cat, "\\/:")) {
        kinf_add(c, KINF_R_CATALOG, e->line,
                 "%s '%s' is a path: Windows looks for the catalog next to the INF, so give a "
                 "file name",
                 e->key, cat);
    } else if (n < 5 || !kinf_streq(cat + n - 4, ".cat")) {
        kinf_add(c, KINF_R_CATALOG, e->line, "%s '%s' is not a .cat file name", e->key, cat);
    } else {
        free(c->pkg->catalog);
        c->pkg->catalog = malloc(n + 1);
        if (c->pkg->catalog)
            memcpy(c->pkg->catalog, cat, n + 1);
        else
            c->oom = 1;
    }
    /* decorated and undecorated catalogs must differ (each platform's catalog is unique) */
    const kinf_entry *plain = kinf_get(v, "CatalogFile");
    if (plain && plain != e && kinf_streq(kinf_val(c, plain, 0, 1), cat))
        kinf_add(c, KINF_R_CATALOG, e->line,
                 "%s and CatalogFile (line %d) both name '%s': a cross-platform INF gives each "
                 "catalog its own name",
                 e->key, plain->line, cat);
}

void kinf_rules_version(kinf_ctx *c)
{
    const kinf_section *v = kinf_find(c->inf, "Version");
    if (!v) {
        kinf_add(c, KINF_R_SIGNATURE, 0,
                 "no [Version] section: Windows does not accept the file as an INF");
        return;
    }
    const kinf_entry *e = kinf_get(v, "Signature");
    if (!e) {
        kinf_add(c, KINF_R_SIGNATURE, v->line,
                 "[Version] has no Signature: Windows does not accept the file as an INF");
    } else {
        const char *sig = kinf_val(c, e, 0, 0);
        if (!kinf_streq(sig, "$Windows NT$") && !kinf_streq(sig, "$Chicago$"))
            kinf_add(c, KINF_R_SIGNATURE, e->line,
                     "Signature \"%.60s\" is neither \"$Windows NT$\" nor \"$Chicago$\": Windows "
                     "does not accept the file as an INF",
                     sig);
    }

    const kinf_entry *ce = kinf_get(v, "Class"), *ge = kinf_get(v, "ClassGuid");
    const char *cls = kinf_val(c, ce, 0, 0), *guid = kinf_val(c, ge, 0, 1);
    if (!ce || !*cls)
        kinf_add(c, KINF_R_CLASS, ce ? ce->line : v->line,
                 "[Version] has no Class: required for a driver the PnP manager installs");
    if (!ge || !*guid)
        kinf_add(c, KINF_R_CLASS, ge ? ge->line : v->line,
                 "[Version] has no ClassGuid: required for a driver the PnP manager installs");
    if (*guid && !is_guid(guid))
        kinf_add(c, KINF_R_CLASS, ge->line,
                 "ClassGuid '%.60s' is not a GUID {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}", guid);
    if (*cls && kinf_nchars(cls, strlen(cls)) > 32)
        kinf_add(c, KINF_R_CLASS, ce->line, "Class '%.60s...' is longer than 32 characters", cls);
    if (*cls && *guid && is_guid(guid)) {
        const char *want = kinf_class_guid(cls), *owner = kinf_class_name(guid);
        if (want && !kinf_streq(want, guid))
            kinf_add(c, KINF_R_CLASS, ge->line, "Class %s goes with ClassGuid %s, not %s%s%s%s",
                     cls, want, guid, owner ? " (the GUID of class " : "", owner ? owner : "",
                     owner ? ")" : "");
        else if (!want && owner)
            kinf_add(c, KINF_R_CLASS, ce->line,
                     "ClassGuid %s is the GUID of class %s, not of '%.40s'", guid, owner, cls);
    }
    if (*cls && kinf_streq(cls, "Sample"))
        kinf_add(c, KINF_R_SAMPLE_CLASS, ce->line,
                 "Class Sample is meant for driver samples; InfVerif rejects it for release: "
                 "use the class of your device (System for a root-enumerated software driver)");

    e = kinf_get(v, "Provider");
    const char *prov = kinf_val(c, e, 0, 0);
    if (!e || !*prov)
        kinf_add(c, KINF_R_PROVIDER, e ? e->line : v->line,
                 "[Version] has no Provider: required for a driver the PnP manager installs");
    else if (kinf_streq(prov, "Microsoft"))
        kinf_add(c, KINF_R_PROVIDER, e->line,
                 "Provider is Microsoft (InfVerif 1204): name the company that ships the driver");
    if (e && *prov)
        kinf_check_line_len(c, e->line, "the Provider", kinf_field_at(e, 0));

    check_catalog(c, v);

    e = kinf_get(v, "DriverVer");
    if (!e)
        kinf_add(c, KINF_R_DRIVERVER, v->line,
                 "[Version] has no DriverVer: Windows dates such a driver 00/00/0000 and ranks it "
                 "below every dated one (kmdinf stamp sets it)");
    else
        kinf_check_driverver(c, e, "Version");

    e = kinf_get(v, "PnpLockdown");
    if (!e)
        kinf_add(c, KINF_R_PNPLOCKDOWN, v->line,
                 "[Version] has no PnpLockdown = 1: without it programs running as administrator "
                 "may change the driver files the INF copies");
    else if (strcmp(kinf_val(c, e, 0, 0), "1") != 0)
        kinf_add(c, KINF_R_PNPLOCKDOWN, e->line,
                 "PnpLockdown is '%s', not 1: the driver files are not protected from direct "
                 "changes",
                 kinf_val(c, e, 0, 0));
}
