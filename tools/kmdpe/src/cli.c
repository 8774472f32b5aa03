/* cli.c - the kmdpe command line: fix, compact, check, info, rules. */
#include "cli.h"

#include "cet.h"
#include "common/args.h"
#include "common/fileio.h"
#include "compact.h"
#include "fileio.h"
#include "fix.h"
#include "pe.h"
#include "report.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kmdpe COMMAND [OPTIONS] FILE\n"
    "commands:\n"
    "  fix FILE [--no-cet]\n"
    "                 in place: INIT and .rsrc DISCARDABLE, NOT_PAGED on resident sections\n"
    "                 (not PAGE*), the CET mark on x64 images (not with --no-cet), recompute\n"
    "                 the checksum; refuses signed files\n"
    "  compact FILE   in place: fold .pdata into .rdata and drop the DOS stub when that makes\n"
    "                 the file smaller; recompute the checksum; refuses signed files\n"
    "  check FILE [--arch x64|x86] [--json] [--allow-import DLL]... [--require-integrity-check]\n"
    "             [--no-cet] [--quiet]\n"
    "                 lint a kernel driver image against the rules (--quiet: print nothing\n"
    "                 when there is no finding, as in a build)\n"
    "  check --list-rules [--json], rules [--json]\n"
    "                 list every rule id, name, severity and explanation\n"
    "  info FILE [--json]\n"
    "                 print headers, sections, imports, signature and TLS information\n"
    "  help, version\n"
    "exit status: 0 success/clean, 1 rule errors (check), 2 unreadable or malformed input,\n"
    "             or bad usage\n";

static int usage(FILE *err, const char *msg)
{
    return kmd_usage(err, "kmdpe", msg, usage_text);
}
_Static_assert(KPE_EXIT_BAD_INPUT == KMD_EXIT_USAGE, "usage() returns KPE_EXIT_BAD_INPUT");

typedef struct {
    const char *file;
    int json, list_rules, require_integrity, quiet, no_cet;
    kpe_arch arch;
    const char **allow;
    size_t nallow;
} args_t;

/* Parse the arguments after the command. Returns 0 or an exit code. */
static int parse_args(int argc, char **argv, const char *cmd, args_t *a, FILE *err)
{
    int is_check = strcmp(cmd, "check") == 0;
    int is_fix = strcmp(cmd, "fix") == 0 || strcmp(cmd, "compact") == 0;
    int takes_no_cet = is_check || strcmp(cmd, "fix") == 0;
    int opts_done = 0;
    char msg[256];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (!opts_done && strcmp(s, "--") == 0) {
            opts_done = 1;
        } else if (!opts_done && s[0] == '-' && s[1] == '-') {
            if (strcmp(s, "--json") == 0 && !is_fix) {
                a->json = 1;
            } else if (is_check && strcmp(s, "--list-rules") == 0) {
                a->list_rules = 1;
            } else if (takes_no_cet && strcmp(s, "--no-cet") == 0) {
                a->no_cet = 1;
            } else if (is_check && strcmp(s, "--quiet") == 0) {
                a->quiet = 1;
            } else if (is_check && strcmp(s, "--require-integrity-check") == 0) {
                a->require_integrity = 1;
            } else if (is_check && kmd_is_opt(s, "--arch")) {
                const char *v = kmd_opt_value(argc, argv, &i, "--arch");
                if (v && strcmp(v, "x64") == 0)
                    a->arch = KPE_ARCH_X64;
                else if (v && strcmp(v, "x86") == 0)
                    a->arch = KPE_ARCH_X86;
                else
                    return usage(err, "--arch needs x64 or x86");
            } else if (is_check && kmd_is_opt(s, "--allow-import")) {
                const char *v = kmd_opt_value(argc, argv, &i, "--allow-import");
                if (!v || !*v)
                    return usage(err, "--allow-import needs a DLL name");
                a->allow[a->nallow++] = v;
            } else {
                snprintf(msg, sizeof msg, "unknown option for %s: %s", cmd, s);
                return usage(err, msg);
            }
        } else if (a->file) {
            snprintf(msg, sizeof msg, "%s takes one FILE (extra argument: %s)", cmd, s);
            return usage(err, msg);
        } else {
            a->file = s;
        }
    }
    if (!a->file && !a->list_rules) {
        snprintf(msg, sizeof msg, "%s: missing FILE", cmd);
        return usage(err, msg);
    }
    return 0;
}

static int load(const char *path, uint8_t **buf, size_t *size, kpe_image *img, FILE *err)
{
    char msg[256];
    if (kmd_read_file(path, KPE_MAX_FILE_SIZE, 0, buf, size, msg, sizeof msg)) {
        fprintf(err, "kmdpe: %s: %s\n", path, msg);
        return -1;
    }
    if (kpe_parse(img, *buf, *size)) {
        fprintf(err, "kmdpe: %s: malformed PE: %s\n", path, img->error);
        kpe_free(img);
        free(*buf);
        *buf = NULL;
        return -1;
    }
    return 0;
}

/* fix: the CET mark first (it may move raw data), then section flags and the checksum. */
static int cmd_fix(const args_t *a, FILE *out, FILE *err)
{
    uint8_t *buf, *marked = NULL;
    size_t size, msize = 0;
    kpe_image img;
    if (load(a->file, &buf, &size, &img, err))
        return KPE_EXIT_BAD_INPUT;
    kpe_fix_result res;
    kpe_cet_result cres;
    kpe_image again;
    memset(&again, 0, sizeof again);
    memset(&cres, 0, sizeof cres);
    int rc = KPE_EXIT_OK, cet = 0;
    uint32_t old_checksum = img.checksum;
    char msg[256];
    if (!a->no_cet)
        cet = kpe_cet_mark(buf, size, &img, &marked, &msize, &cres);
    if (cet < 0) {
        fprintf(err, "kmdpe: %s: refusing to fix: %s\n", a->file, cres.error);
        rc = KPE_EXIT_BAD_INPUT;
        goto done;
    }
    if (cet == 1) {
        kpe_image m;
        if (kpe_parse(&m, marked, msize) != 0) {
            fprintf(err, "kmdpe: %s: refusing to fix: the marked image would be malformed (%s)\n",
                    a->file, m.error);
            kpe_free(&m);
            rc = KPE_EXIT_BAD_INPUT;
            goto done;
        }
        kpe_free(&img);
        free(buf);
        buf = marked;
        size = msize;
        marked = NULL;
        img = m;
    } else if (!a->no_cet && !cres.already && img.machine == KPE_MACHINE_AMD64) {
        fprintf(err,
                "kmdpe: %s: warning: cannot add the CET mark: %s (lld: link with "
                "-Wl,--Xlink=-cetcompat; a driver that is not shadow-stack safe: --no-cet)\n",
                a->file, cres.skipped);
    }
    int r = kpe_fix(buf, size, &img, &res);
    if (r < 0) {
        fprintf(err, "kmdpe: %s: refusing to fix: %s\n", a->file, res.error);
        rc = KPE_EXIT_BAD_INPUT;
    } else if ((r == 1 || cet == 1) && kpe_parse(&again, buf, size) != 0) {
        fprintf(err, "kmdpe: %s: refusing to fix: the fixed image would be malformed (%s)\n",
                a->file, again.error);
        rc = KPE_EXIT_BAD_INPUT;
    } else if (r == 0 && cet == 0) {
        fprintf(out, "kmdpe: %s: already fixed (checksum 0x%08x)\n", a->file, res.new_checksum);
    } else if (kpe_write_atomic(a->file, buf, size, msg, sizeof msg)) {
        fprintf(err, "kmdpe: %s: %s\n", a->file, msg);
        rc = KPE_EXIT_BAD_INPUT;
    } else {
        fprintf(out, "kmdpe: %s: fixed: %s%s%s%schecksum 0x%08x -> 0x%08x\n", a->file, cres.changes,
                cet == 1 ? "; " : "", res.changes, res.nchanged ? "; " : "", old_checksum,
                res.new_checksum);
    }
done:
    kpe_free(&again);
    kpe_free(&img);
    free(marked);
    free(buf);
    return rc;
}

static int cmd_compact(const args_t *a, FILE *out, FILE *err)
{
    uint8_t *buf, *nbuf = NULL;
    size_t size, nsize = 0;
    kpe_image img, again;
    if (load(a->file, &buf, &size, &img, err))
        return KPE_EXIT_BAD_INPUT;
    memset(&again, 0, sizeof again);
    kpe_compact_result res;
    int r = kpe_compact(buf, size, &img, &nbuf, &nsize, &res);
    int rc = KPE_EXIT_OK;
    char msg[256];
    if (r < 0) {
        fprintf(err, "kmdpe: %s: refusing to compact: %s\n", a->file, res.error);
        rc = KPE_EXIT_BAD_INPUT;
    } else if (r == 1 && kpe_parse(&again, nbuf, nsize) != 0) {
        fprintf(err, "kmdpe: %s: refusing to compact: the result would be malformed (%s)\n",
                a->file, again.error);
        rc = KPE_EXIT_BAD_INPUT;
    } else if (r == 0) {
        fprintf(out, "kmdpe: %s: nothing to compact (%zu bytes)%s%s\n", a->file, size,
                res.skipped[0] ? ": " : "", res.skipped);
    } else if (kpe_write_atomic(a->file, nbuf, nsize, msg, sizeof msg)) {
        fprintf(err, "kmdpe: %s: %s\n", a->file, msg);
        rc = KPE_EXIT_BAD_INPUT;
    } else {
        fprintf(out, "kmdpe: %s: compacted: %s; %zu -> %zu bytes%s%s\n", a->file, res.changes,
                res.old_size, res.new_size, res.skipped[0] ? "; " : "", res.skipped);
    }
    kpe_free(&again);
    kpe_free(&img);
    free(nbuf);
    free(buf);
    return rc;
}

static int cmd_check(const args_t *a, FILE *out, FILE *err)
{
    if (a->list_rules) {
        kpe_print_rules(out, a->json);
        return KPE_EXIT_OK;
    }
    uint8_t *buf;
    size_t size;
    kpe_image img;
    if (load(a->file, &buf, &size, &img, err))
        return KPE_EXIT_BAD_INPUT;
    kpe_check_opts o = {a->arch, a->allow, a->nallow, a->require_integrity, a->no_cet};
    kpe_findings fs = {0};
    int rc;
    if (kpe_check(&img, &o, &fs)) {
        fprintf(err, "kmdpe: %s: out of memory\n", a->file);
        rc = KPE_EXIT_BAD_INPUT;
    } else {
        if (!a->quiet || a->json || fs.n || fs.dropped)
            kpe_print_findings(out, a->file, &img, &fs, a->json);
        rc = fs.errors ? KPE_EXIT_VIOLATIONS : KPE_EXIT_OK;
    }
    kpe_findings_free(&fs);
    kpe_free(&img);
    free(buf);
    return rc;
}

static int cmd_info(const args_t *a, FILE *out, FILE *err)
{
    uint8_t *buf;
    size_t size;
    kpe_image img;
    if (load(a->file, &buf, &size, &img, err))
        return KPE_EXIT_BAD_INPUT;
    kpe_print_info(out, a->file, &img, a->json);
    kpe_free(&img);
    free(buf);
    return KPE_EXIT_OK;
}

int kmdpe_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2)
        return usage(err, NULL);
    const char *cmd = argv[1];
    if (kmd_help_or_version(out, cmd, "kmdpe", KMDPE_VERSION, usage_text))
        return KPE_EXIT_OK;
    args_t a;
    memset(&a, 0, sizeof a);
    a.allow = malloc(sizeof(char *) * (size_t)argc);
    if (!a.allow)
        return KPE_EXIT_BAD_INPUT;
    int rc;
    if (!strcmp(cmd, "rules")) {
        a.list_rules = 1;
        rc = parse_args(argc, argv, "check", &a, err);
        if (!rc && a.file)
            rc = usage(err, "rules takes no FILE");
        if (!rc)
            kpe_print_rules(out, a.json);
    } else if (!strcmp(cmd, "fix") || !strcmp(cmd, "compact") || !strcmp(cmd, "check") ||
               !strcmp(cmd, "info")) {
        rc = parse_args(argc, argv, cmd, &a, err);
        if (!rc && a.list_rules && a.file)
            rc = usage(err, "check --list-rules takes no FILE");
        if (!rc)
            rc = !strcmp(cmd, "fix")       ? cmd_fix(&a, out, err)
                 : !strcmp(cmd, "compact") ? cmd_compact(&a, out, err)
                 : !strcmp(cmd, "check")   ? cmd_check(&a, out, err)
                                           : cmd_info(&a, out, err);
    } else {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown command: %.64s", cmd);
        rc = usage(err, msg);
    }
    free(a.allow);
    return rc;
}
