/* stamp.c - stampinf's job on Linux: set DriverVer in [Version] and replace $ARCH$, changing
 * nothing else. Works line by line on the decoded text, with the parser's quoting rules. */
#include "stamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} out_t;

static void put(out_t *o, const char *s, size_t n)
{
    if (o->oom)
        return;
    if (o->n + n + 1 > o->cap) {
        size_t ncap = o->cap ? o->cap : 256;
        while (ncap < o->n + n + 1)
            ncap *= 2;
        char *np = realloc(o->p, ncap);
        if (!np) {
            o->oom = 1;
            return;
        }
        o->p = np;
        o->cap = ncap;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* One physical line: CONTENT is s[0..len), EOL the line ending that follows (may be empty). */
typedef struct {
    const char *s;
    size_t len;
    const char *eol;
    size_t eollen;
} line_t;

/* Where the comment starts (or LEN), whether an unquoted '\' ends the entry part (a line
 * continuation), and where the first unquoted '=' is (or SIZE_MAX). */
static void scan(const char *s, size_t len, size_t *comment, int *cont, size_t *eq)
{
    int q = 0;
    size_t last = SIZE_MAX; /* last non-blank character outside quotes */
    *eq = (size_t)-1;
    *comment = len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (q) {
            if (c == '"')
                q = 0; /* "" inside quotes closes and reopens: same result */
            last = SIZE_MAX;
            continue;
        }
        if (c == '"') {
            q = 1;
            last = SIZE_MAX;
        } else if (c == ';') {
            *comment = i;
            break;
        } else if (c == '=' && *eq == (size_t)-1) {
            *eq = i;
            last = i;
        } else if (!is_space(c)) {
            last = i;
        }
    }
    *cont = last != SIZE_MAX && s[last] == '\\';
}

/* Copy S[0..N) to O with every $ARCH$ (any case) replaced by PLAT; counts in *COUNT. */
static void put_arch(out_t *o, const char *s, size_t n, const char *plat, int *count)
{
    size_t from = 0;
    for (size_t i = 0; i + 6 <= n; i++) {
        if (kinf_strneq(s + i, "$ARCH$", 6)) {
            put(o, s + from, i - from);
            put(o, plat, strlen(plat));
            i += 5;
            from = i + 1;
            (*count)++;
        }
    }
    put(o, s + from, n - from);
}

/* Header name of a "[name]" line (trimmed) into NAME; 1 if the line is a header. */
static int header_name(const line_t *l, char *name, size_t cap, size_t *close)
{
    size_t k = 0;
    while (k < l->len && is_space(l->s[k]))
        k++;
    if (k == l->len || l->s[k] != '[')
        return 0;
    const char *c = memchr(l->s + k, ']', l->len - k);
    *close = c ? (size_t)(c - l->s) : l->len;
    size_t a = k + 1, b = *close;
    while (a < b && is_space(l->s[a]))
        a++;
    while (b > a && is_space(l->s[b - 1]))
        b--;
    snprintf(name, cap, "%.*s", (int)(b - a), l->s + a);
    return 1;
}

static line_t *split(const char *text, size_t len, size_t *count)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));
    line_t *l = calloc(n, sizeof *l);
    if (!l)
        return NULL;
    size_t k = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        size_t e = (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') ? 2 : 1;
        l[k].s = text + start;
        l[k].len = i - start;
        l[k].eol = text + i;
        l[k++].eollen = e;
        i += e - 1;
        start = i + 1;
    }
    l[k].s = text + start;
    l[k].len = len - start;
    l[k].eol = "";
    *count = k + (start < len ? 1 : 0);
    if (*count == 0)
        *count = 1; /* an empty file is one empty line */
    return l;
}

char *kinf_stamp(const char *text, size_t len, const kinf_stamp_opts *o, kinf_stamp_result *res,
                 size_t *outlen)
{
    memset(res, 0, sizeof *res);
    char why[160];
    if (kinf_check_date(o->date, why, sizeof why) ||
        kinf_check_version(o->version, why, sizeof why)) {
        snprintf(res->error, sizeof res->error, "%s", why);
        return NULL;
    }
    size_t n;
    line_t *lines = split(text, len, &n);
    if (!lines) {
        snprintf(res->error, sizeof res->error, "out of memory");
        return NULL;
    }
    /* pass 1: find [Version], its DriverVer, and where a new one would go */
    const char *eol_style = "\r\n";
    for (size_t i = 0; i < n; i++) {
        if (lines[i].eollen) {
            eol_style = lines[i].eollen == 2 ? "\r\n" : lines[i].eol[0] == '\r' ? "\r" : "\n";
            break;
        }
    }
    size_t dv = SIZE_MAX, insert_after = SIZE_MAX, header_line = SIZE_MAX;
    int in_version = 0, version_seen = 0, cont = 0, first_version_done = 0, last_cont = 0;
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        char name[300];
        size_t close, comment, eq;
        int was_cont = cont, c2;
        if (!was_cont && header_name(l, name, sizeof name, &close)) {
            if (in_version)
                first_version_done = 1;
            in_version = kinf_streq(name, "Version");
            if (in_version && !version_seen) {
                version_seen = 1;
                insert_after = header_line = i;
            }
            cont = 0;
            continue;
        }
        scan(l->s, l->len, &comment, &c2, &eq);
        cont = c2;
        if (!in_version)
            continue;
        size_t k = 0;
        while (k < comment && is_space(l->s[k]))
            k++;
        if (k == comment)
            continue; /* blank or comment only */
        if (!first_version_done) {
            insert_after = i;
            last_cont = c2;
        }
        if (was_cont || eq == (size_t)-1)
            continue;
        size_t ke = eq;
        while (ke > k && is_space(l->s[ke - 1]))
            ke--;
        if (ke - k == 9 && kinf_strneq(l->s + k, "DriverVer", 9)) {
            if (dv != SIZE_MAX) {
                snprintf(res->error, sizeof res->error,
                         "[Version] has DriverVer twice (lines %zu and %zu): not stamped", dv + 1,
                         i + 1);
                free(lines);
                return NULL;
            }
            if (c2) {
                snprintf(res->error, sizeof res->error,
                         "DriverVer on line %zu continues on the next line: not stamped", i + 1);
                free(lines);
                return NULL;
            }
            dv = i;
        }
    }
    if (!version_seen) {
        snprintf(res->error, sizeof res->error, "no [Version] section to put DriverVer in");
        free(lines);
        return NULL;
    }
    if (last_cont) /* the section's last entry continues: a line after it would join it */
        insert_after = header_line;
    /* pass 2: write */
    char value[64];
    snprintf(value, sizeof value, "%s,%s", o->date, o->version);
    const char *plat = kinf_arch_platform(o->arch);
    out_t out = {0};
    put(&out, "", 0);
    cont = 0;
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        char name[300];
        size_t close, comment, eq;
        int was_cont = cont, c2;
        if (!was_cont && header_name(l, name, sizeof name, &close)) {
            size_t end = close < l->len ? close + 1 : l->len;
            put_arch(&out, l->s, end, plat, &res->arch_tokens);
            put(&out, l->s + end, l->len - end);
            cont = 0;
        } else {
            scan(l->s, l->len, &comment, &c2, &eq);
            cont = c2;
            if (i == dv) {
                size_t vs = eq + 1, ve = comment;
                while (vs < comment && is_space(l->s[vs]))
                    vs++;
                while (ve > vs && is_space(l->s[ve - 1]))
                    ve--;
                put_arch(&out, l->s, vs, plat, &res->arch_tokens);
                put(&out, value, strlen(value));
                if (ve == vs && vs < l->len && l->s[vs] == ';')
                    put(&out, " ", 1);
                put(&out, l->s + ve, l->len - ve);
                res->driverver_line = (int)i + 1;
            } else {
                put_arch(&out, l->s, comment, plat, &res->arch_tokens);
                put(&out, l->s + comment, l->len - comment);
            }
        }
        put(&out, l->eol, l->eollen);
        if (i == insert_after && dv == SIZE_MAX) {
            if (!l->eollen)
                put(&out, eol_style, strlen(eol_style));
            put(&out, "DriverVer = ", 12);
            put(&out, value, strlen(value));
            if (i + 1 < n || l->eollen)
                put(&out, eol_style, strlen(eol_style));
            res->driverver_line = (int)i + 2;
            res->added = 1;
        }
    }
    free(lines);
    if (out.oom) {
        free(out.p);
        snprintf(res->error, sizeof res->error, "out of memory");
        return NULL;
    }
    *outlen = out.n;
    return out.p;
}

void kinf_epoch_date(unsigned long long epoch, char out[11])
{
    /* days since 1970-01-01 to a proleptic Gregorian date, counting from 0000-03-01 so that the
     * leap day ends each 4/100/400-year cycle */
    long long z = (long long)(epoch / 86400) + 719468;
    long long era = z / 146097, doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    long long y = yoe + era * 400 + (m <= 2);
    unsigned um = (unsigned)(m % 100), ud = (unsigned)(d % 100), uy = (unsigned)(y % 10000);
    snprintf(out, 11, "%02u/%02u/%04u", um, ud, uy);
}
