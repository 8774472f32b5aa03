/* inf.h - INF syntax: sections, entries, fields, string tokens (General Syntax Rules for INF
 * Files). The parser never fails on bad syntax: it records a diagnostic and goes on. */
#ifndef KMDINF_INF_H
#define KMDINF_INF_H

#include <stddef.h>

#define KINF_MAX_FIELD 4095  /* characters, before or after string substitution (+ NUL: 4096) */
#define KINF_MAX_SECTION 255 /* characters of a section name */
#define KINF_LINE_LEN 256    /* setupapi.h: provider, manufacturer, device description + NUL */
#define KINF_MAX_DIAGS 1024

typedef struct {
    char *s;
    size_t len;
    int quoted; /* some part of it was in double quotes */
} kinf_field;

typedef struct {
    int line;  /* 1-based physical line where the entry starts */
    char *key; /* text before the first unquoted '=' (trimmed); NULL without '=' */
    int key_quoted;
    kinf_field *f; /* the comma-separated values after '=' (or of the whole line) */
    size_t nf;
    char *value; /* everything after '=' as one string, commas kept (for [Strings]) */
} kinf_entry;

typedef struct {
    size_t *slot; /* index + 1 into the owner's array, 0 = empty */
    size_t cap;
} kinf_map;

typedef struct {
    char *name;   /* as declared, trimmed */
    int line;     /* line of the first declaration */
    int ndecl;    /* how many times it is declared (Windows merges them) */
    int dup_line; /* line of the second declaration */
    kinf_entry *e;
    size_t n, cap;
    kinf_map keys; /* key -> first entry, for sections long enough to need it */
} kinf_section;

typedef enum { KINF_DIAG_SYNTAX, KINF_DIAG_LENGTH } kinf_diag_kind;

typedef struct {
    kinf_diag_kind kind;
    int line;
    char msg[256];
} kinf_diag;

typedef struct {
    kinf_section *sec;
    size_t nsec, capsec;
    kinf_map secmap; /* section name (case-insensitive) -> index */
    kinf_map strmap; /* [Strings] key -> entry index */
    const kinf_section *strings;
    kinf_diag *diag;
    size_t ndiag, capdiag, diag_dropped;
    int nlines;
    int oom;
} kinf_file;

/* Parse TEXT (LEN bytes, UTF-8 or 8-bit). Returns 0, or -1 when out of memory. */
int kinf_parse(kinf_file *inf, const char *text, size_t len);
void kinf_free(kinf_file *inf);

/* Section by name, case-insensitive; NULL if absent. */
const kinf_section *kinf_find(const kinf_file *inf, const char *name);
/* Section "BASE.SUFFIX" (or BASE when SUFFIX is NULL or empty). */
const kinf_section *kinf_find2(const kinf_file *inf, const char *base, const char *suffix);
/* First entry of S with KEY (case-insensitive), or NULL. */
const kinf_entry *kinf_get(const kinf_section *s, const char *key);
/* Value of [Strings] KEY (case-insensitive), or NULL. */
const char *kinf_string(const kinf_file *inf, const char *key, size_t keylen);

int kinf_streq(const char *a, const char *b); /* ASCII case-insensitive equality */
int kinf_strneq(const char *a, const char *b, size_t n);

/* Problems found while expanding string tokens. */
typedef struct {
    int undefined;    /* a %strkey% not defined in [Strings] */
    int unterminated; /* a lone '%' */
    char token[128];  /* the first undefined token (without the percent signs) */
} kinf_subst_err;

/* Expand %strkey% tokens of S from [Strings]: %% gives %, a %N% DIRID token (digits) stays as it
 * is, an undefined token stays as written. Returns a malloc'd string (NULL: out of memory). */
char *kinf_subst(const kinf_file *inf, const char *s, kinf_subst_err *err);

/* Call CB(CTX, first, again) for every entry whose key was already used in S (case-insensitive).
 * Returns 0, or -1 when out of memory. */
int kinf_dup_keys(const kinf_section *s,
                  void (*cb)(void *ctx, const kinf_entry *first, const kinf_entry *again),
                  void *ctx);

/* A set of strings, case-insensitive. */
typedef struct {
    char **keys;
    size_t n, cap;
    kinf_map map;
} kinf_set;
/* 1 when S was added, 0 when it was there already, -1 when out of memory. */
int kinf_set_add(kinf_set *set, const char *s);
/* Index + 1 of S in SET (in the order added), 0 if absent. */
size_t kinf_set_index(const kinf_set *set, const char *s);
void kinf_set_free(kinf_set *set);

/* Number of characters (code points) in UTF-8 S. */
size_t kinf_nchars(const char *s, size_t len);

#endif
