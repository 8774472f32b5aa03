/* cli.c - the kmdinf command line: check, rules, stamp, files. */
#include "cli.h"

#include "common/args.h"
#include "common/fileio.h"
#include "fileio.h"
#include "inf.h"
#include "report.h"
#include "rules.h"
#include "stamp.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: kmdinf COMMAND [OPTIONS]\n"
    "commands:\n"
    "  check FILE.inf [--arch x64|x86] [--json] [--quiet]\n"
    "                 check a PnP driver INF against the rules for one architecture (default\n"
    "                 x64); --quiet prints nothing when there is no finding\n"
    "  check --list-rules [--json], rules [--json]\n"
    "                 list every rule id, name, severity and explanation\n"
    "  stamp IN.inx OUT.inf --arch x64|x86 --version W.X.Y.Z [--date MM/DD/YYYY]\n"
    "                 stampinf: set DriverVer = date,version in [Version] and replace $ARCH$\n"
    "                 with amd64 or x86 (NT$ARCH$ -> NTamd64 / NTx86); OUT is written whole\n"
    "                 or not at all; without --date the date is SOURCE_DATE_EPOCH's (UTC)\n"
    "  files FILE.inf [--arch x64|x86] [--json]\n"
    "                 list the files the package installs, as paths relative to the INF, one\n"
    "                 per line (exit 1 with the findings when the INF has errors)\n"
    "  help, version\n"
    "exit status: 0 success/clean, 1 rule errors (check, files), 2 unreadable or malformed\n"
    "             input, or bad usage\n";

static int usage(FILE *err, const char *msg)
{
    return kmd_usage(err, "kmdinf", msg, usage_text);
}
_Static_assert(KINF_EXIT_BAD_INPUT == KMD_EXIT_USAGE, "usage() returns KINF_EXIT_BAD_INPUT");

typedef struct {
    const char *file[2];
    size_t nfiles;
    int json, quiet, list_rules, have_arch;
    kinf_arch arch;
    const char *version, *date;
} args_t;

static int parse_args(int argc, char **argv, const char *cmd, args_t *a, FILE *err)
{
    int check = !strcmp(cmd, "check"), stamp = !strcmp(cmd, "stamp");
    int rules = !strcmp(cmd, "rules"), files = !strcmp(cmd, "files");
    size_t want = stamp ? 2 : rules ? 0 : 1;
    int opts_done = 0;
    char msg[320];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (!opts_done && !strcmp(s, "--")) {
            opts_done = 1;
        } else if (!opts_done && s[0] == '-' && s[1] == '-') {
            if (!strcmp(s, "--json") && !stamp) {
                a->json = 1;
            } else if (check && !strcmp(s, "--quiet")) {
                a->quiet = 1;
            } else if (check && !strcmp(s, "--list-rules")) {
                a->list_rules = 1;
            } else if ((check || stamp || files) && kmd_is_opt(s, "--arch")) {
                const char *v = kmd_opt_value(argc, argv, &i, "--arch");
                if (v && !strcmp(v, "x64"))
                    a->arch = KINF_ARCH_X64;
                else if (v && !strcmp(v, "x86"))
                    a->arch = KINF_ARCH_X86;
                else
                    return usage(err, "--arch needs x64 or x86");
                a->have_arch = 1;
            } else if (stamp && kmd_is_opt(s, "--version")) {
                a->version = kmd_opt_value(argc, argv, &i, "--version");
                if (!a->version)
                    return usage(err, "--version needs W.X.Y.Z");
            } else if (stamp && kmd_is_opt(s, "--date")) {
                a->date = kmd_opt_value(argc, argv, &i, "--date");
                if (!a->date)
                    return usage(err, "--date needs MM/DD/YYYY");
            } else {
                snprintf(msg, sizeof msg, "unknown option for %s: %.200s", cmd, s);
                return usage(err, msg);
            }
        } else if (a->nfiles >= want) {
            snprintf(msg, sizeof msg, "%s takes %zu file%s (extra argument: %.200s)", cmd, want,
                     want == 1 ? "" : "s", s);
            return usage(err, msg);
        } else {
            a->file[a->nfiles++] = s;
        }
    }
    if (a->nfiles < want && !a->list_rules) {
        snprintf(msg, sizeof msg, "%s: missing %s", cmd,
                 stamp ? (a->nfiles ? "OUT.inf" : "IN.inx and OUT.inf") : "FILE.inf");
        return usage(err, msg);
    }
    if (stamp && !a->have_arch)
        return usage(err, "stamp needs --arch x64|x86 (what $ARCH$ becomes)");
    if (stamp && !a->version)
        return usage(err, "stamp needs --version W.X.Y.Z (the DriverVer version)");
    return 0;
}

/* Read and decode PATH. 0, or -1 with the problem printed. */
static int load(const char *path, kinf_text *t, FILE *err)
{
    uint8_t *buf;
    size_t size;
    char msg[256];
    if (kmd_read_file(path, KINF_MAX_FILE_SIZE, KMD_READ_NO_DIR, &buf, &size, msg, sizeof msg)) {
        fprintf(err, "kmdinf: %s: %s\n", path, msg);
        return -1;
    }
    int rc = kinf_decode(buf, size, t, msg, sizeof msg);
    free(buf);
    if (rc) {
        fprintf(err, "kmdinf: %s: not INF text: %s\n", path, msg);
        return -1;
    }
    return 0;
}

/* Load, parse and check PATH into FS (and PKG). 0, or an exit code. */
static int run_check(const args_t *a, kinf_text *t, kinf_file *inf, kinf_findings *fs,
                     kinf_package *pkg, FILE *err)
{
    if (load(a->file[0], t, err))
        return KINF_EXIT_BAD_INPUT;
    if (kinf_parse(inf, t->text, t->len) || kinf_check(t, inf, a->arch, fs, pkg)) {
        fprintf(err, "kmdinf: %s: out of memory\n", a->file[0]);
        return KINF_EXIT_BAD_INPUT;
    }
    return 0;
}

static int cmd_check(const args_t *a, FILE *out, FILE *err)
{
    if (a->list_rules) {
        kinf_print_rules(out, a->json);
        return KINF_EXIT_OK;
    }
    kinf_text t = {0};
    kinf_file inf;
    kinf_findings fs = {0};
    memset(&inf, 0, sizeof inf);
    int rc = run_check(a, &t, &inf, &fs, NULL, err);
    if (!rc) {
        if (!a->quiet || a->json || fs.n || fs.dropped)
            kinf_print_findings(out, a->file[0], &t, a->arch, &fs, a->json);
        rc = fs.errors ? KINF_EXIT_VIOLATIONS : KINF_EXIT_OK;
    }
    kinf_findings_free(&fs);
    kinf_free(&inf);
    kinf_text_free(&t);
    return rc;
}

static int cmd_files(const args_t *a, FILE *out, FILE *err)
{
    kinf_text t = {0};
    kinf_file inf;
    kinf_findings fs = {0};
    kinf_package pkg;
    memset(&inf, 0, sizeof inf);
    memset(&pkg, 0, sizeof pkg);
    int rc = run_check(a, &t, &inf, &fs, &pkg, err);
    if (!rc && fs.errors) {
        kinf_print_findings(err, a->file[0], &t, a->arch, &fs, 0);
        fprintf(err, "kmdinf: %s: the INF has errors (above): no file list\n", a->file[0]);
        rc = KINF_EXIT_VIOLATIONS;
    } else if (!rc) {
        kinf_print_files(out, a->file[0], a->arch, &pkg, a->json);
    }
    kinf_package_free(&pkg);
    kinf_findings_free(&fs);
    kinf_free(&inf);
    kinf_text_free(&t);
    return rc;
}

/* The date for stamp: --date, else SOURCE_DATE_EPOCH (never the clock: builds must repeat). */
static int stamp_date(const args_t *a, char *buf, FILE *err)
{
    if (a->date) {
        snprintf(buf, 11, "%s", a->date);
        if (strlen(a->date) > 10)
            buf[0] = 'x'; /* too long: the date check reports it */
        return 0;
    }
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e) {
        fprintf(err, "kmdinf: stamp: no date: give --date MM/DD/YYYY or set SOURCE_DATE_EPOCH "
                     "(kmdinf never stamps the clock's date: builds must be reproducible)\n");
        return -1;
    }
    unsigned long long v = 0;
    for (const char *p = e; *p; p++) {
        if (*p < '0' || *p > '9' || v > 253402300799ull) {
            fprintf(err,
                    "kmdinf: stamp: SOURCE_DATE_EPOCH '%.40s' is not a number of seconds "
                    "up to year 9999\n",
                    e);
            return -1;
        }
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > 253402300799ull) {
        fprintf(err, "kmdinf: stamp: SOURCE_DATE_EPOCH '%.40s' is after year 9999\n", e);
        return -1;
    }
    kinf_epoch_date(v, buf);
    return 0;
}

static int cmd_stamp(const args_t *a, FILE *out, FILE *err)
{
    char date[11], why[160];
    if (stamp_date(a, date, err))
        return KINF_EXIT_BAD_INPUT;
    if (kinf_check_date(date, why, sizeof why)) {
        fprintf(err, "kmdinf: stamp: --date %.40s: %s\n", a->date, why);
        return KINF_EXIT_BAD_INPUT;
    }
    if (kinf_check_version(a->version, why, sizeof why)) {
        fprintf(err, "kmdinf: stamp: --version: %s\n", why);
        return KINF_EXIT_BAD_INPUT;
    }
    kinf_text t = {0};
    if (load(a->file[0], &t, err))
        return KINF_EXIT_BAD_INPUT;
    kinf_stamp_opts o = {a->arch, date, a->version};
    kinf_stamp_result res;
    size_t n = 0, bn = 0;
    char *s = kinf_stamp(t.text, t.len, &o, &res, &n);
    int rc = KINF_EXIT_OK;
    char msg[256];
    uint8_t *bytes = s ? kinf_encode(s, n, t.enc, &bn) : NULL;
    if (!s) {
        fprintf(err, "kmdinf: %s: %s\n", a->file[0], res.error);
        rc = KINF_EXIT_BAD_INPUT;
    } else if (!bytes) {
        fprintf(err, "kmdinf: %s: out of memory\n", a->file[0]);
        rc = KINF_EXIT_BAD_INPUT;
    } else if (kinf_write_atomic(a->file[1], bytes, bn, msg, sizeof msg)) {
        fprintf(err, "kmdinf: %s: %s\n", a->file[1], msg);
        rc = KINF_EXIT_BAD_INPUT;
    } else {
        fprintf(out, "kmdinf: %s: DriverVer = %s,%s (line %d%s); $ARCH$ -> %s in %d place%s\n",
                a->file[1], date, a->version, res.driverver_line, res.added ? ", added" : "",
                kinf_arch_platform(a->arch), res.arch_tokens, res.arch_tokens == 1 ? "" : "s");
    }
    free(bytes);
    free(s);
    kinf_text_free(&t);
    return rc;
}

int kmdinf_main(int argc, char **argv, FILE *out, FILE *err)
{
    if (argc < 2)
        return usage(err, NULL);
    const char *cmd = argv[1];
    if (kmd_help_or_version(out, cmd, "kmdinf", KMDINF_VERSION, usage_text))
        return KINF_EXIT_OK;
    if (strcmp(cmd, "check") && strcmp(cmd, "rules") && strcmp(cmd, "stamp") &&
        strcmp(cmd, "files")) {
        char msg[128];
        snprintf(msg, sizeof msg, "unknown command '%.60s'", cmd);
        return usage(err, msg);
    }
    args_t a;
    memset(&a, 0, sizeof a);
    int rc = parse_args(argc, argv, cmd, &a, err);
    if (rc)
        return rc;
    if (!strcmp(cmd, "rules")) {
        kinf_print_rules(out, a.json);
        return KINF_EXIT_OK;
    }
    if (!strcmp(cmd, "check"))
        return cmd_check(&a, out, err);
    if (!strcmp(cmd, "files"))
        return cmd_files(&a, out, err);
    return cmd_stamp(&a, out, err);
}
