/* cli.c - `kmdcat make`, `kmdcat check`, `kmdcat os`. */
#include "cli.h"

#include "catalog.h"
#include "common/args.h"
#include "fileio.h"
#include "oslist.h"
#include "pehash.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_TIME 1704067200 /* 2024-01-01 00:00:00 UTC, kmdkit's default signing time */

#define USAGE                                                                                      \
    "usage: kmdcat make OUT.cat (--os LIST | --osattr STRING) [--hash sha1|sha256]\n"              \
    "                  [--time UNIXTIME] [--hwid ID]... FILE...\n"                                 \
    "       kmdcat check CATALOG [FILE...]\n"                                                      \
    "       kmdcat os | help | version\n"

static const char usage_text[] = USAGE;

/* `kmdcat help`: the usage and what the commands do. */
static const char help_text[] =
    USAGE "\nmake: writes an unsigned catalog (sign it with osslsigncode sign). PE files are\n"
          "listed by their Authenticode hash, others by their file hash. --hash sha1 (the\n"
          "default) writes a version 1 catalog every Windows reads; sha256 a version 2\n"
          "catalog, Windows 8 and later. ThisUpdate: --time, else SOURCE_DATE_EPOCH, else\n"
          "2024-01-01. --os takes Inf2Cat identifiers ('kmdcat os' lists them).\n"
          "check: lists the catalog and checks that each FILE is a member.\n"
          "Exit status: 0 ok, 1 a FILE is not in the catalog, 2 malformed input or usage.\n";

static int usage(FILE *err, const char *problem)
{
    return kmd_usage(err, "kmdcat", problem, usage_text);
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02X", p[i]);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Option value: "--opt=value" or "--opt value"; NULL (after a message) when missing. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, FILE *err)
{
    const char *v = kmd_opt_value(argc, argv, i, name);
    if (!v)
        fprintf(err, "kmdcat: %s needs a value\n", name);
    return v;
}

static int parse_time(const char *s, int64_t *t)
{
    if (!*s)
        return -1;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    *t = v;
    return 0;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

/* ---- make ------------------------------------------------------------------------------- */

static int cmd_make(int argc, char **argv, FILE *out, FILE *err)
{
    const char *outpath = NULL, *os = NULL, *osattr_opt = NULL, *hash = "sha1", *time_opt = NULL;
    const char **files = calloc((size_t)argc, sizeof *files);
    kc_nameval *catattr = calloc((size_t)argc + 1, sizeof *catattr);
    char **owned = calloc(2 * (size_t)argc, sizeof *owned); /* strings to free */
    size_t nfiles = 0, nhwid = 0, nowned = 0;
    kc_entry *entries = NULL;
    uint8_t **data = NULL;
    char *osattr = NULL, *os_names = NULL, msg[512];
    unsigned archs = 0;
    int rc = 2, dashdash = 0;
    kc_buf cat = {0};
    if (!files || !catattr || !owned) {
        fprintf(err, "kmdcat: out of memory\n");
        goto out;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!dashdash && strcmp(a, "--") == 0) {
            dashdash = 1;
        } else if (!dashdash && kmd_is_opt(a, "--os")) {
            if (!(os = opt_value(argc, argv, &i, "--os", err)))
                goto out;
        } else if (!dashdash && kmd_is_opt(a, "--osattr")) {
            if (!(osattr_opt = opt_value(argc, argv, &i, "--osattr", err)))
                goto out;
        } else if (!dashdash && kmd_is_opt(a, "--hash")) {
            if (!(hash = opt_value(argc, argv, &i, "--hash", err)))
                goto out;
        } else if (!dashdash && kmd_is_opt(a, "--time")) {
            if (!(time_opt = opt_value(argc, argv, &i, "--time", err)))
                goto out;
        } else if (!dashdash && kmd_is_opt(a, "--hwid")) {
            const char *v = opt_value(argc, argv, &i, "--hwid", err);
            if (!v)
                goto out;
            if (!*v) {
                rc = usage(err, "--hwid needs a hardware id");
                goto out;
            }
            nhwid++;
            char *name = malloc(24), *value = lower_dup(v);
            owned[nowned++] = name;
            owned[nowned++] = value;
            if (!name || !value) {
                fprintf(err, "kmdcat: out of memory\n");
                goto out;
            }
            snprintf(name, 24, "HWID%zu", nhwid);
            catattr[nhwid].name = name; /* slot 0 is the OS attribute */
            catattr[nhwid].value = value;
        } else if (!dashdash && a[0] == '-' && a[1] == '-') {
            snprintf(msg, sizeof msg, "make: unknown option '%s'", a);
            rc = usage(err, msg);
            goto out;
        } else if (!outpath) {
            outpath = a;
        } else {
            files[nfiles++] = a;
        }
    }
    if (!outpath || nfiles == 0) {
        rc = usage(err, "make: give the catalog to write and at least one member FILE");
        goto out;
    }
    enum kc_alg alg;
    if (strcmp(hash, "sha1") == 0) {
        alg = KC_SHA1;
    } else if (strcmp(hash, "sha256") == 0) {
        alg = KC_SHA256;
    } else {
        snprintf(msg, sizeof msg, "make: --hash '%s': expected sha1 or sha256", hash);
        rc = usage(err, msg);
        goto out;
    }
    if (!os == !osattr_opt) {
        rc = usage(err, "make: give the target Windows versions with --os LIST or --osattr "
                        "STRING (one of them)");
        goto out;
    }
    if (os) {
        if (kc_os_parse(os, &osattr, &os_names, &archs, msg, sizeof msg) != 0) {
            fprintf(err, "kmdcat: %s\n", msg);
            goto out;
        }
    } else {
        osattr = strdup(osattr_opt);
        if (!osattr) {
            fprintf(err, "kmdcat: out of memory\n");
            goto out;
        }
    }
    int lo_major, lo_minor;
    if (kc_osattr_valid(osattr, &lo_major, &lo_minor) != 0) {
        fprintf(err,
                "kmdcat: --osattr '%s': expected 2:MAJOR.MINOR items separated by commas "
                "(2:6.1,2:10.0)\n",
                osattr);
        goto out;
    }
    if (alg == KC_SHA256 && (lo_major < 6 || (lo_major == 6 && lo_minor < 2))) {
        fprintf(err,
                "kmdcat: --hash sha256 writes a version 2 catalog, which Windows 7 and older "
                "(2:%d.%d here) cannot read: use --hash sha1\n",
                lo_major, lo_minor);
        goto out;
    }
    int64_t when = DEFAULT_TIME;
    const char *tsrc = time_opt ? "--time" : "SOURCE_DATE_EPOCH";
    const char *tval = time_opt ? time_opt : getenv("SOURCE_DATE_EPOCH");
    if (tval && parse_time(tval, &when) != 0) {
        fprintf(err, "kmdcat: %s '%s' is not a number of seconds since 1970\n", tsrc, tval);
        goto out;
    }

    entries = calloc(nfiles, sizeof *entries);
    data = calloc(nfiles, sizeof *data);
    if (!entries || !data) {
        fprintf(err, "kmdcat: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < nfiles; i++) {
        size_t n;
        kc_pe pe;
        if (kc_read_file(files[i], &data[i], &n, msg, sizeof msg) != 0) {
            fprintf(err, "kmdcat: %s: %s\n", files[i], msg);
            goto out;
        }
        int kind = kc_pe_probe(data[i], n, &pe, msg, sizeof msg);
        if (kind < 0) {
            fprintf(err, "kmdcat: %s: %s\n", files[i], msg);
            goto out;
        }
        entries[i].is_pe = kind;
        if (kind)
            kc_pe_hash(data[i], n, &pe, alg, entries[i].hash);
        else
            kc_hash_buf(alg, data[i], n, entries[i].hash);
        char *name = lower_dup(base_name(files[i]));
        owned[nowned++] = name; /* at most 2 * argc: one per FILE, two per --hwid */
        if (!name) {
            fprintf(err, "kmdcat: out of memory\n");
            goto out;
        }
        entries[i].name = name;
        unsigned want = pe.machine == 0x14c ? 1u : pe.machine == 0x8664 ? 2u : 4u;
        if (kind && archs && !(archs & want))
            fprintf(err, "kmdcat: warning: %s is an %s image, but --os names no %s Windows\n",
                    files[i], kc_machine_name(pe.machine), kc_machine_name(pe.machine));
    }
    catattr[0].name = "OS";
    catattr[0].value = os_names;
    kc_make_params p = {
        alg,     when,  osattr, os_names ? catattr : catattr + 1, os_names ? nhwid + 1 : nhwid,
        entries, nfiles};
    if (kc_catalog_make(&p, &cat, msg, sizeof msg) != 0) {
        fprintf(err, "kmdcat: %s: %s\n", outpath, msg);
        goto out;
    }
    if (kc_write_atomic(outpath, cat.p, cat.len, msg, sizeof msg) != 0) {
        fprintf(err, "kmdcat: %s: %s\n", outpath, msg);
        goto out;
    }
    fprintf(out, "kmdcat: wrote %s: catalog version %d (%s), %zu member%s, OSAttr %s\n", outpath,
            alg == KC_SHA1 ? 1 : 2, kc_alg_name(alg), nfiles, nfiles == 1 ? "" : "s", osattr);
    for (size_t i = 0; i < nfiles; i++) {
        fprintf(out, "  %s %-4s ", kc_alg_name(alg), entries[i].is_pe ? "PE" : "flat");
        hex(out, entries[i].hash, kc_hash_len(alg));
        fprintf(out, "  %s\n", entries[i].name);
    }
    rc = 0;
out:
    kc_buf_free(&cat);
    for (size_t i = 0; data && i < nfiles; i++)
        free(data[i]);
    free(data);
    free(entries);
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(catattr);
    free(files);
    free(osattr);
    free(os_names);
    return rc;
}

/* ---- check ------------------------------------------------------------------------------ */

static const char *member_name(const kc_member *m)
{
    const char *n = kc_attr_find(m->attrs, m->nattrs, "File");
    return n ? n : "(no File attribute)";
}

static int tag_matches(const kc_member *m)
{
    return m->has_digest && m->tag_len == kc_hash_len(m->dalg) &&
           memcmp(m->tag_hash, m->digest, m->tag_len) == 0;
}

static void list_catalog(FILE *out, const char *path, const kc_catalog *cat)
{
    fprintf(out, "%s: catalog version %d", path, cat->version);
    if (cat->version == 1)
        fprintf(out, " (szOID_CATALOG_LIST_MEMBER)");
    else if (cat->version == 2)
        fprintf(out, " (szOID_CATALOG_LIST_MEMBER2)");
    else
        fprintf(out, " (unknown subject algorithm)");
    fprintf(out, ", %zu member%s, ", cat->nmembers, cat->nmembers == 1 ? "" : "s");
    if (cat->nsigners)
        fprintf(out,
                "signed (%zu signer%s, %zu certificate%s; kmdcat does not verify signatures: "
                "use osslsigncode verify)\n",
                cat->nsigners, cat->nsigners == 1 ? "" : "s", cat->ncerts,
                cat->ncerts == 1 ? "" : "s");
    else
        fprintf(out, "unsigned\n");
    fprintf(out, "%s: this update %s, list identifier ", path, cat->time);
    if (cat->ident.n)
        hex(out, cat->ident.p, cat->ident.n);
    else
        fprintf(out, "(none)");
    fprintf(out, "\n");

    const char *osattr = kc_attr_find(cat->attrs, cat->nattrs, "OSAttr");
    const char *from = "catalog";
    if (!osattr) { /* the members', when they agree */
        from = "members";
        for (size_t i = 0; i < cat->nmembers; i++) {
            const kc_member *m = &cat->members[i];
            const char *v = kc_attr_find(m->attrs, m->nattrs, "OSAttr");
            if (!v || (osattr && strcmp(v, osattr) != 0)) {
                osattr = NULL;
                break;
            }
            osattr = v;
        }
    }
    if (osattr)
        fprintf(out, "%s: OSAttr %s (%s attribute)\n", path, osattr, from);
    else
        fprintf(out, "%s: OSAttr (none)\n", path);
    for (size_t i = 0; i < cat->nattrs; i++)
        if (strcasecmp(cat->attrs[i].name, "OSAttr") != 0)
            fprintf(out, "%s: attribute %s = %s\n", path, cat->attrs[i].name, cat->attrs[i].value);
    for (size_t i = 0; i < cat->nmembers; i++) {
        const kc_member *m = &cat->members[i];
        fprintf(out, "%s: member %s: ", path, member_name(m));
        if (m->has_digest) {
            fprintf(out, "%s %s ", m->kind == KC_KIND_PE ? "PE" : "flat", kc_alg_name(m->dalg));
            hex(out, m->digest, kc_hash_len(m->dalg));
            if (!tag_matches(m))
                fprintf(out, " (its tag does not spell this hash)");
        } else {
            fprintf(out, "no SHA-1 or SHA-256 digest");
        }
        const char *v = kc_attr_find(m->attrs, m->nattrs, "OSAttr");
        if (v && osattr && strcmp(v, osattr) != 0)
            fprintf(out, " OSAttr %s", v);
        fprintf(out, "\n");
    }
}

/* 0 a member, 1 not, 2 unreadable or malformed. */
static int check_file(FILE *out, FILE *err, const char *catpath, const kc_catalog *cat,
                      const char *path)
{
    uint8_t *d, hash[3][KC_HASH_MAX];
    size_t n;
    char msg[512];
    kc_pe pe;
    if (kc_read_file(path, &d, &n, msg, sizeof msg) != 0) {
        fprintf(err, "kmdcat: %s: %s\n", path, msg);
        return 2;
    }
    int is_pe = kc_pe_probe(d, n, &pe, msg, sizeof msg);
    if (is_pe < 0) {
        fprintf(err, "kmdcat: %s: %s\n", path, msg);
        free(d);
        return 2;
    }
    const char *how = is_pe ? "Authenticode hash" : "file hash";
    for (int a = KC_SHA1; a <= KC_SHA256; a++) {
        if (is_pe)
            kc_pe_hash(d, n, &pe, (enum kc_alg)a, hash[a]);
        else
            kc_hash_buf((enum kc_alg)a, d, n, hash[a]);
    }
    free(d);
    const kc_member *digest_only = NULL;
    for (size_t i = 0; i < cat->nmembers; i++) {
        const kc_member *m = &cat->members[i];
        if (!m->has_digest || memcmp(m->digest, hash[m->dalg], kc_hash_len(m->dalg)) != 0)
            continue;
        if (!tag_matches(m)) {
            digest_only = m;
            continue;
        }
        fprintf(out, "%s: ok: member %s (%s %s ", path, member_name(m), kc_alg_name(m->dalg), how);
        hex(out, m->digest, kc_hash_len(m->dalg));
        fprintf(out, ")\n");
        return 0;
    }
    /* Not found: say which hash was looked for and what a member of that name holds. */
    enum kc_alg alg = cat->version == 2 ? KC_SHA256 : KC_SHA1;
    for (size_t i = 0; i < cat->nmembers; i++)
        if (cat->members[i].has_digest) {
            alg = cat->members[i].dalg;
            break;
        }
    fprintf(out, "%s: MISMATCH: %s %s ", path, kc_alg_name(alg), how);
    hex(out, hash[alg], kc_hash_len(alg));
    if (digest_only) {
        fprintf(out,
                " is member %s's digest, but that member's tag does not spell it (Windows "
                "looks members up by tag)\n",
                member_name(digest_only));
        return 1;
    }
    fprintf(out, " is not in %s", catpath);
    const char *base = base_name(path);
    for (size_t i = 0; i < cat->nmembers; i++) {
        const kc_member *m = &cat->members[i];
        const char *name = kc_attr_find(m->attrs, m->nattrs, "File");
        if (name && strcasecmp(name, base) == 0 && m->has_digest) {
            fprintf(out, " (its member %s has ", name);
            hex(out, m->digest, kc_hash_len(m->dalg));
            fprintf(out, ")");
            break;
        }
    }
    fprintf(out, "\n");
    return 1;
}

static int cmd_check(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 3)
        return usage(err, "check: give the catalog to read");
    const char *path = argv[2];
    uint8_t *d;
    size_t n;
    char msg[512];
    if (kc_read_file(path, &d, &n, msg, sizeof msg) != 0) {
        fprintf(err, "kmdcat: %s: %s\n", path, msg);
        return 2;
    }
    kc_catalog cat;
    if (kc_catalog_read(d, n, &cat, msg, sizeof msg) != 0) {
        fprintf(err, "kmdcat: %s: %s\n", path, msg);
        free(d);
        return 2;
    }
    list_catalog(out, path, &cat);
    int rc = 0, missing = 0;
    for (int i = 3; i < argc; i++) {
        int r = check_file(out, err, path, &cat, argv[i]);
        missing += r == 1;
        if (r > rc)
            rc = r;
    }
    if (argc > 3) {
        if (missing)
            fprintf(out, "%s: %d of %d file%s not in the catalog\n", path, missing, argc - 3,
                    argc - 3 == 1 ? "" : "s");
        else if (rc == 0)
            fprintf(out, "%s: all %d file%s in the catalog\n", path, argc - 3,
                    argc - 3 == 1 ? "" : "s");
    }
    kc_catalog_free(&cat);
    free(d);
    return rc;
}

static int cmd_os(FILE *out)
{
    size_t n;
    const kc_os *t = kc_os_table(&n);
    fprintf(out, "%-18s %-8s %-6s %s\n", "--os identifier", "OSAttr", "arch", "OS attribute");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-18s 2:%d.%-4d %-6s %s\n", t[i].id, t[i].major, t[i].minor, t[i].arch,
                t[i].os_name);
    return 0;
}

int kmdcat_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2)
        return usage(err, NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "make") == 0)
        return cmd_make(argc, argv, out, err);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv, out, err);
    if (strcmp(cmd, "os") == 0)
        return cmd_os(out);
    if (kmd_help_or_version(out, cmd, "kmdcat", KMDCAT_VERSION, help_text))
        return 0;
    char msg[256];
    snprintf(msg, sizeof msg, "unknown command '%s'", cmd);
    return usage(err, msg);
}
