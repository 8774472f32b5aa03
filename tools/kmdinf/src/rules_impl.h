/* rules_impl.h - what the rule files share (not for users of the library). */
#ifndef KMDINF_RULES_IMPL_H
#define KMDINF_RULES_IMPL_H

#include "rules.h"

typedef struct {
    const kinf_text *t;
    const kinf_file *inf;
    kinf_arch arch;
    kinf_findings *out;
    kinf_package *pkg; /* always set: kinf_check uses a local one when the caller gives none */
    char *val[4];      /* kinf_val's buffers */
    int oom;
} kinf_ctx;

#if defined(__GNUC__)
#define KINF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KINF_PRINTF(a, b)
#endif

void kinf_add(kinf_ctx *c, int rule, int line, const char *fmt, ...) KINF_PRINTF(4, 5);

/* Field I of E, or "" when E has fewer fields. */
const char *kinf_field_at(const kinf_entry *e, size_t i);
/* Field I of E with string tokens expanded, in a buffer owned by C (valid until the next call
 * with the same SLOT, 0..3). */
const char *kinf_val(kinf_ctx *c, const kinf_entry *e, size_t i, int slot);
/* A number as INF files write them: decimal or 0x hex. 0 if valid. */
int kinf_number(const char *s, long *v);
/* KINF005 for a name PnP keeps in a LINE_LEN buffer: WHAT (e.g. "the Provider") is RAW, which
 * must not expand to more than KINF_LINE_LEN - 1 characters. */
void kinf_check_line_len(kinf_ctx *c, int line, const char *what, const char *raw);
/* Report duplicate keys of S (KINF004). */
void kinf_dup_keys_of(kinf_ctx *c, const kinf_section *s);
/* The well-known device setup class of NAME or of GUID; NULL if not listed. */
const char *kinf_class_guid(const char *name);
const char *kinf_class_name(const char *guid);

/* S starts with P / is a [Strings] or [Strings.xxxx] section name (case-insensitive). */
int kinf_has_prefix(const char *s, const char *p);
int kinf_is_strings(const char *name);

/* version.c: [Version]. legacy.c: legacy sections, directives and registry writes. */
void kinf_rules_version(kinf_ctx *c);
void kinf_rules_legacy(kinf_ctx *c);

/* install.c: [Manufacturer] -> models -> DDInstall -> files, services. */
void kinf_check_install(kinf_ctx *c);
/* Check a DriverVer entry (KINF015). */
void kinf_check_driverver(kinf_ctx *c, const kinf_entry *e, const char *where);

#endif
