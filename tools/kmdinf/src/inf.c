/* inf.c - INF parser. Windows' rules (General Syntax Rules for INF Files): names are
 * case-insensitive; ';' starts a comment outside double quotes; "" in quotes is a quote; a
 * backslash at the end of a line (outside quotes, before any comment) continues the entry on the
 * next line; commas separate values; the first unquoted '=' separates the key; sections declared
 * twice are merged. */
#include "inf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int kinf_streq(const char *a, const char *b)
{
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b))
        a++, b++;
    return *a == 0 && *b == 0;
}

int kinf_strneq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
        if (!a[i])
            return 1;
    }
    return 1;
}

size_t kinf_nchars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* ---- case-insensitive hash map of names to indexes ------------------------------------------ */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n && s[i]; i++)
        h = (h ^ (uint64_t)lower((unsigned char)s[i])) * 1099511628211ull;
    return h;
}

typedef const char *(*name_fn)(const void *owner, size_t i);

/* Index (+1) of NAME (first N bytes) in the map, 0 if absent. */
static size_t map_get(const kinf_map *m, const void *owner, name_fn name, const char *s, size_t n)
{
    if (!m->cap)
        return 0;
    for (size_t i = hash(s, n) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        size_t v = m->slot[i];
        if (!v)
            return 0;
        const char *k = name(owner, v - 1);
        if (kinf_strneq(k, s, n) && k[n] == 0)
            return v;
    }
}

static int map_put(kinf_map *m, const void *owner, name_fn name, size_t count, size_t idx)
{
    if ((count + 1) * 2 > m->cap) { /* grow and rehash: load factor below 1/2 */
        size_t ncap = m->cap ? m->cap * 2 : 64;
        size_t *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slot[i])
                continue;
            const char *k = name(owner, m->slot[i] - 1);
            size_t j = hash(k, SIZE_MAX) & (ncap - 1);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = m->slot[i];
        }
        free(m->slot);
        m->slot = ns;
        m->cap = ncap;
    }
    const char *k = name(owner, idx);
    size_t j = hash(k, SIZE_MAX) & (m->cap - 1);
    while (m->slot[j])
        j = (j + 1) & (m->cap - 1);
    m->slot[j] = idx + 1;
    return 0;
}

static const char *sec_name(const void *owner, size_t i)
{
    return ((const kinf_file *)owner)->sec[i].name;
}

static const char *str_name(const void *owner, size_t i)
{
    return ((const kinf_section *)owner)->e[i].key;
}

/* ---- growable byte buffer ------------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} buf_t;

static void bput(buf_t *b, char c)
{
    if (b->n + 1 >= b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        char *np = realloc(b->p, ncap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = ncap;
    }
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static char *bdup(buf_t *b, size_t from, size_t to)
{
    char *s = malloc(to - from + 1);
    if (!s)
        return NULL;
    if (to > from)
        memcpy(s, b->p + from, to - from);
    s[to - from] = 0;
    return s;
}

/* ---- diagnostics ---------------------------------------------------------------------------- */

static void diag(kinf_file *inf, kinf_diag_kind kind, int line, const char *fmt, ...)
{
    if (inf->ndiag >= KINF_MAX_DIAGS) {
        inf->diag_dropped++;
        return;
    }
    if (inf->ndiag == inf->capdiag) {
        size_t ncap = inf->capdiag ? inf->capdiag * 2 : 16;
        kinf_diag *nd = realloc(inf->diag, ncap * sizeof *nd);
        if (!nd) {
            inf->oom = 1;
            return;
        }
        inf->diag = nd;
        inf->capdiag = ncap;
    }
    kinf_diag *d = &inf->diag[inf->ndiag++];
    d->kind = kind;
    d->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
}

/* ---- physical lines ------------------------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t len;
} pline;

static pline *split_lines(const char *text, size_t len, size_t *count)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));
    pline *l = malloc(n * sizeof *l);
    if (!l)
        return NULL;
    size_t k = 0, start = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' || text[i] == '\r') {
            l[k].s = text + start;
            l[k++].len = i - start;
            if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
                i++;
            start = i + 1;
        }
    }
    l[k].s = text + start;
    l[k++].len = len - start;
    *count = k;
    return l;
}

/* ---- sections ------------------------------------------------------------------------------- */

static kinf_section *add_section(kinf_file *inf, const char *name, size_t n, int line)
{
    size_t have = map_get(&inf->secmap, inf, sec_name, name, n);
    if (have) {
        kinf_section *s = &inf->sec[have - 1];
        if (s->ndecl++ == 1)
            s->dup_line = line;
        return s;
    }
    if (inf->nsec == inf->capsec) {
        size_t ncap = inf->capsec ? inf->capsec * 2 : 32;
        kinf_section *ns = realloc(inf->sec, ncap * sizeof *ns);
        if (!ns)
            return NULL;
        inf->sec = ns;
        inf->capsec = ncap;
    }
    kinf_section *s = &inf->sec[inf->nsec];
    memset(s, 0, sizeof *s);
    s->name = malloc(n + 1);
    if (!s->name)
        return NULL;
    memcpy(s->name, name, n);
    s->name[n] = 0;
    s->line = line;
    s->ndecl = 1;
    if (map_put(&inf->secmap, inf, sec_name, inf->nsec, inf->nsec)) {
        free(s->name);
        return NULL;
    }
    inf->nsec++;
    return s;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* "[name]" at the start of line L: the section it opens, NULL on a syntax error (diagnosed). */
static kinf_section *header(kinf_file *inf, const pline *l, int line)
{
    const char *p = l->s, *end = l->s + l->len;
    while (p < end && is_space(*p))
        p++;
    p++; /* '[' */
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close) {
        diag(inf, KINF_DIAG_SYNTAX, line, "unterminated section header: no ']' on this line");
        return NULL;
    }
    const char *a = p, *b = close;
    while (a < b && is_space(*a))
        a++;
    while (b > a && is_space(b[-1]))
        b--;
    for (const char *q = close + 1; q < end; q++) {
        if (*q == ';')
            break;
        if (!is_space(*q)) {
            diag(inf, KINF_DIAG_SYNTAX, line, "text after the section header [%.*s]: '%.*s'",
                 (int)(b - a > 64 ? 64 : b - a), a, (int)(end - q > 32 ? 32 : end - q), q);
            break;
        }
    }
    if (a == b) {
        diag(inf, KINF_DIAG_SYNTAX, line, "empty section name '[]'");
        return NULL;
    }
    size_t nchars = kinf_nchars(a, (size_t)(b - a));
    if (nchars > KINF_MAX_SECTION)
        diag(inf, KINF_DIAG_LENGTH, line,
             "section name of %zu characters (Windows allows at most %d)", nchars,
             KINF_MAX_SECTION);
    kinf_section *s = add_section(inf, a, (size_t)(b - a), line);
    if (!s)
        inf->oom = 1;
    return s;
}

/* ---- entries -------------------------------------------------------------------------------- */

typedef struct {
    buf_t chars;   /* the text of every field, back to back */
    buf_t whole;   /* everything after '=' with commas kept */
    size_t *start; /* field boundaries in CHARS: field i is start[i]..end[i] */
    size_t *end;
    int *quoted;
    size_t nf, capf;
    int has_key;
    size_t key_field_end;
    int key_quoted;
    int oom;
} tok_t;

static void tok_newfield(tok_t *t)
{
    if (t->nf == t->capf) {
        size_t ncap = t->capf ? t->capf * 2 : 8;
        size_t *ns = realloc(t->start, ncap * sizeof *ns);
        size_t *ne = ns ? realloc(t->end, ncap * sizeof *ne) : NULL;
        int *nq = ne ? realloc(t->quoted, ncap * sizeof *nq) : NULL;
        if (ns)
            t->start = ns;
        if (ne)
            t->end = ne;
        if (!nq) {
            t->oom = 1;
            return;
        }
        t->quoted = nq;
        t->capf = ncap;
    }
    t->start[t->nf] = t->end[t->nf] = t->chars.n;
    t->quoted[t->nf] = 0;
    t->nf++;
}

/* PENDING holds the unquoted blanks seen since the last character: they belong to the field only
 * when text came before them and more text follows (fields are trimmed outside quotes). */
static void tok_flush(tok_t *t, size_t *pending, const char *ws)
{
    size_t i = t->nf - 1;
    if (t->end[i] > t->start[i] || t->quoted[i]) {
        for (size_t k = 0; k < *pending; k++) {
            bput(&t->chars, ws[k]);
            if (t->has_key)
                bput(&t->whole, ws[k]);
        }
        t->end[i] = t->chars.n;
    }
    *pending = 0;
}

/* Append C to the current field. */
static void tok_put(tok_t *t, char c, size_t *pending, const char *ws)
{
    size_t i = t->nf - 1;
    tok_flush(t, pending, ws);
    bput(&t->chars, c);
    if (t->has_key)
        bput(&t->whole, c);
    t->end[i] = t->chars.n;
}

static void add_entry(kinf_file *inf, kinf_section *sec, tok_t *t, int line)
{
    if (sec->n == sec->cap) {
        size_t ncap = sec->cap ? sec->cap * 2 : 8;
        kinf_entry *ne = realloc(sec->e, ncap * sizeof *ne);
        if (!ne) {
            inf->oom = 1;
            return;
        }
        sec->e = ne;
        sec->cap = ncap;
    }
    kinf_entry *e = &sec->e[sec->n];
    memset(e, 0, sizeof *e);
    e->line = line;
    size_t first = 0;
    if (t->has_key) {
        e->key = bdup(&t->chars, t->start[0], t->end[0]);
        e->key_quoted = t->key_quoted;
        first = 1;
    }
    e->nf = t->nf - first;
    e->f = calloc(e->nf ? e->nf : 1, sizeof *e->f);
    e->value = t->has_key ? bdup(&t->whole, 0, t->whole.n) : NULL;
    int bad = (t->has_key && !e->key) || !e->f || (t->has_key && !e->value);
    for (size_t i = 0; !bad && i < e->nf; i++) {
        kinf_field *f = &e->f[i];
        f->s = bdup(&t->chars, t->start[first + i], t->end[first + i]);
        f->len = t->end[first + i] - t->start[first + i];
        f->quoted = t->quoted[first + i];
        bad = !f->s;
    }
    if (!bad && !t->has_key) {
        /* no key: VALUE is the whole line, so that every entry has one */
        buf_t w = {0};
        for (size_t i = 0; i < e->nf; i++) {
            if (i)
                bput(&w, ',');
            for (size_t k = 0; k < e->f[i].len; k++)
                bput(&w, e->f[i].s[k]);
        }
        e->value = w.p ? w.p : calloc(1, 1);
        bad = w.oom || !e->value;
    }
    sec->n++; /* counted even when incomplete, so that kinf_free releases it */
    if (bad)
        inf->oom = 1;
}

/* Tokenize the entry starting at physical line *I; on return *I is its last line. With SINK set
 * (the entry follows a broken section header) it is read and dropped. */
static void entry(kinf_file *inf, kinf_section *sec, int sink, const pline *lines, size_t nlines,
                  size_t *i)
{
    tok_t t;
    memset(&t, 0, sizeof t);
    int line = (int)*i + 1, in_quote = 0, any = 0, seen_comma = 0;
    char ws[64];
    size_t pending = 0;
    tok_newfield(&t);
    for (;;) {
        const pline *l = &lines[*i];
        int cont = 0;
        size_t bs_at = SIZE_MAX; /* CHARS offset of an unquoted trailing backslash */
        for (size_t k = 0; k < l->len; k++) {
            char c = l->s[k];
            if (in_quote) {
                if (c == '"' && k + 1 < l->len && l->s[k + 1] == '"') {
                    tok_put(&t, '"', &pending, ws);
                    k++;
                } else if (c == '"') {
                    in_quote = 0;
                } else {
                    tok_put(&t, c, &pending, ws);
                }
                bs_at = SIZE_MAX;
                continue;
            }
            if (c == ';')
                break;
            if (is_space(c)) {
                if (pending < sizeof ws)
                    ws[pending++] = c;
                continue;
            }
            any = 1;
            if (c == '"') {
                tok_flush(&t, &pending, ws);
                in_quote = 1;
                t.quoted[t.nf - 1] = 1;
                bs_at = SIZE_MAX;
            } else if (c == ',') {
                if (t.has_key)
                    bput(&t.whole, ',');
                pending = 0;
                seen_comma = 1;
                tok_newfield(&t);
                bs_at = SIZE_MAX;
            } else if (c == '=' && !t.has_key && !seen_comma) {
                t.has_key = 1;
                t.key_quoted = t.quoted[0];
                pending = 0;
                tok_newfield(&t);
                bs_at = SIZE_MAX;
            } else {
                tok_put(&t, c, &pending, ws);
                bs_at = c == '\\' ? t.chars.n - 1 : SIZE_MAX;
            }
            if (t.oom || t.chars.oom || t.whole.oom)
                break;
        }
        if (in_quote) {
            diag(inf, KINF_DIAG_SYNTAX, (int)*i + 1,
                 "unterminated quoted string (a '\"' with no closing '\"' on this line)");
            in_quote = 0;
        }
        if (bs_at != SIZE_MAX) {
            /* drop the continuation backslash from the field (and from WHOLE) */
            t.chars.n = bs_at;
            t.end[t.nf - 1] = bs_at;
            if (t.has_key && t.whole.n)
                t.whole.n--;
            pending = 0;
            if (*i + 1 < nlines) {
                cont = 1;
            } else {
                diag(inf, KINF_DIAG_SYNTAX, (int)*i + 1,
                     "line continuation ('\\' at the end of the line) at the end of the file");
            }
        }
        if (!cont || t.oom || t.chars.oom || t.whole.oom)
            break;
        (*i)++;
    }
    if (t.oom || t.chars.oom || t.whole.oom) {
        inf->oom = 1;
    } else if (any) {
        for (size_t k = 0; k < t.nf; k++) {
            size_t n = kinf_nchars(t.chars.p ? t.chars.p + t.start[k] : "", t.end[k] - t.start[k]);
            if (n > KINF_MAX_FIELD)
                diag(inf, KINF_DIAG_LENGTH, line,
                     "%s %zu is %zu characters long (an INF field holds at most %d)",
                     t.has_key && k == 0 ? "the key of field" : "field", k + !t.has_key, n,
                     KINF_MAX_FIELD);
        }
        if (sink)
            ; /* the broken header was diagnosed */
        else if (!sec)
            diag(inf, KINF_DIAG_SYNTAX, line,
                 "entry outside any section (before the first [section] header): Windows "
                 "ignores it");
        else
            add_entry(inf, sec, &t, line);
    }
    free(t.chars.p);
    free(t.whole.p);
    free(t.start);
    free(t.end);
    free(t.quoted);
}

int kinf_parse(kinf_file *inf, const char *text, size_t len)
{
    memset(inf, 0, sizeof *inf);
    size_t n;
    pline *lines = split_lines(text, len, &n);
    if (!lines)
        return -1;
    inf->nlines = (int)n;
    kinf_section *cur = NULL;
    size_t cur_idx = 0;
    int sink = 0;
    for (size_t i = 0; i < n && !inf->oom; i++) {
        const pline *l = &lines[i];
        size_t k = 0;
        while (k < l->len && is_space(l->s[k]))
            k++;
        if (k == l->len || l->s[k] == ';')
            continue;
        if (l->s[k] == '[') {
            cur = header(inf, l, (int)i + 1);
            if (cur)
                cur_idx = (size_t)(cur - inf->sec);
            sink = !cur;
            continue;
        }
        if (cur)
            cur = &inf->sec[cur_idx]; /* the array may have moved */
        entry(inf, cur, sink, lines, n, &i);
    }
    free(lines);
    /* key maps for long sections (kinf_get), the [Strings] map: the first definition wins */
    for (size_t i = 0; i < inf->nsec && !inf->oom; i++) {
        kinf_section *sec = &inf->sec[i];
        for (size_t j = 0; sec->n >= 32 && j < sec->n && !inf->oom; j++) {
            const char *k = sec->e[j].key;
            if (k && !map_get(&sec->keys, sec, str_name, k, strlen(k)) &&
                map_put(&sec->keys, sec, str_name, j, j))
                inf->oom = 1;
        }
    }
    const kinf_section *st = kinf_find(inf, "Strings");
    inf->strings = st;
    for (size_t i = 0; st && i < st->n && !inf->oom; i++) {
        const char *k = st->e[i].key;
        if (k && !map_get(&inf->strmap, st, str_name, k, strlen(k)) &&
            map_put(&inf->strmap, st, str_name, i, i))
            inf->oom = 1;
    }
    return inf->oom ? -1 : 0;
}

void kinf_free(kinf_file *inf)
{
    for (size_t i = 0; i < inf->nsec; i++) {
        kinf_section *s = &inf->sec[i];
        for (size_t j = 0; j < s->n; j++) {
            kinf_entry *e = &s->e[j];
            for (size_t k = 0; e->f && k < e->nf; k++)
                free(e->f[k].s);
            free(e->f);
            free(e->key);
            free(e->value);
        }
        free(s->e);
        free(s->name);
        free(s->keys.slot);
    }
    free(inf->sec);
    free(inf->secmap.slot);
    free(inf->strmap.slot);
    free(inf->diag);
    memset(inf, 0, sizeof *inf);
}

const kinf_section *kinf_find(const kinf_file *inf, const char *name)
{
    size_t v = map_get(&inf->secmap, inf, sec_name, name, strlen(name));
    return v ? &inf->sec[v - 1] : NULL;
}

const kinf_section *kinf_find2(const kinf_file *inf, const char *base, const char *suffix)
{
    if (!suffix || !*suffix)
        return kinf_find(inf, base);
    size_t a = strlen(base), b = strlen(suffix);
    char *s = malloc(a + b + 2);
    if (!s)
        return NULL;
    memcpy(s, base, a);
    s[a] = '.';
    memcpy(s + a + 1, suffix, b + 1);
    const kinf_section *r = kinf_find(inf, s);
    free(s);
    return r;
}

const kinf_entry *kinf_get(const kinf_section *s, const char *key)
{
    if (s && s->keys.cap) {
        size_t v = map_get(&s->keys, s, str_name, key, strlen(key));
        return v ? &s->e[v - 1] : NULL;
    }
    for (size_t i = 0; s && i < s->n; i++) {
        if (s->e[i].key && kinf_streq(s->e[i].key, key))
            return &s->e[i];
    }
    return NULL;
}

const char *kinf_string(const kinf_file *inf, const char *key, size_t keylen)
{
    if (!inf->strings)
        return NULL;
    size_t v = map_get(&inf->strmap, inf->strings, str_name, key, keylen);
    return v ? inf->strings->e[v - 1].value : NULL;
}

int kinf_dup_keys(const kinf_section *s,
                  void (*cb)(void *ctx, const kinf_entry *first, const kinf_entry *again),
                  void *ctx)
{
    kinf_map m = {0};
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->e[i].key;
        if (!k)
            continue;
        size_t have = map_get(&m, s, str_name, k, strlen(k));
        if (have) {
            cb(ctx, &s->e[have - 1], &s->e[i]);
        } else if (map_put(&m, s, str_name, i, i)) {
            rc = -1;
            break;
        }
    }
    free(m.slot);
    return rc;
}

static const char *set_name(const void *owner, size_t i)
{
    return ((const kinf_set *)owner)->keys[i];
}

int kinf_set_add(kinf_set *set, const char *s)
{
    if (map_get(&set->map, set, set_name, s, strlen(s)))
        return 0;
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 16;
        char **nk = realloc(set->keys, ncap * sizeof *nk);
        if (!nk)
            return -1;
        set->keys = nk;
        set->cap = ncap;
    }
    set->keys[set->n] = malloc(strlen(s) + 1);
    if (!set->keys[set->n])
        return -1;
    strcpy(set->keys[set->n], s);
    if (map_put(&set->map, set, set_name, set->n, set->n)) {
        free(set->keys[set->n]);
        return -1;
    }
    set->n++;
    return 1;
}

size_t kinf_set_index(const kinf_set *set, const char *s)
{
    return map_get(&set->map, set, set_name, s, strlen(s));
}

void kinf_set_free(kinf_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->keys[i]);
    free(set->keys);
    free(set->map.slot);
    memset(set, 0, sizeof *set);
}

static int all_digits(const char *s, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

char *kinf_subst(const kinf_file *inf, const char *s, kinf_subst_err *err)
{
    buf_t o = {0};
    bput(&o, 0);
    o.n = 0;
    for (const char *p = s; *p && !o.oom;) {
        if (*p != '%') {
            bput(&o, *p++);
            continue;
        }
        if (p[1] == '%') {
            bput(&o, '%');
            p += 2;
            continue;
        }
        const char *close = strchr(p + 1, '%');
        if (!close) {
            if (err)
                err->unterminated = 1;
            while (*p)
                bput(&o, *p++);
            break;
        }
        size_t n = (size_t)(close - p - 1);
        const char *v = all_digits(p + 1, n) ? NULL : kinf_string(inf, p + 1, n);
        if (v) {
            for (const char *q = v; *q; q++)
                bput(&o, *q);
        } else {
            if (!all_digits(p + 1, n) && err && !err->undefined++)
                snprintf(err->token, sizeof err->token, "%.*s", (int)(n > 100 ? 100 : n), p + 1);
            for (const char *q = p; q <= close; q++)
                bput(&o, *q);
        }
        p = close + 1;
    }
    if (o.oom) {
        free(o.p);
        return NULL;
    }
    return o.p;
}
