/* rules_impl.h - shared by the files that implement the rules (rules*.c). */
#ifndef KMDPE_RULES_IMPL_H
#define KMDPE_RULES_IMPL_H

#include "rules.h"

/* Index into kpe_rules[], in table order. */
enum {
    R_MACHINE,
    R_SUBSYS,
    R_ENTRY,
    R_IMPORTS,
    R_TLS,
    R_WX,
    R_ALIGN,
    R_LAYOUT,
    R_RELOC,
    R_NX,
    R_CHECKSUM,
    R_CERT,
    R_INIT,
    R_PAGE,
    R_INTEGRITY,
    R_DEPRECATED,
    R_FIX,
    R_CONTIG,
    R_PAGES,
    R_IAT,
    R_RELOC_SPAN,
    R_PDATA,
    R_UNWIND,
    R_ORDINAL,
    R_CET,
    R_COUNT
};

#if defined(__GNUC__) || defined(__clang__)
#define KPE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KPE_PRINTF(a, b)
#endif

void kpe_add_finding(kpe_findings *out, int rule, const char *fmt, ...) KPE_PRINTF(3, 4);

/* Repeated findings of one rule (one per relocation, per RUNTIME_FUNCTION...): the first
 * KPE_CAP are reported, the rest are summed up in one more finding by kpe_cap_done. */
#define KPE_CAP 16
typedef struct {
    kpe_findings *out;
    int rule;
    unsigned long n;
} kpe_cap;
void kpe_cap_add(kpe_cap *c, const char *fmt, ...) KPE_PRINTF(2, 3);
void kpe_cap_done(kpe_cap *c, const char *what);

int kpe_is_exec(const kpe_section *s); /* EXECUTE or CNT_CODE */
/* Copy LEN bytes of SRC for a message, unprintable bytes as \xNN. */
void kpe_printable(char *dst, size_t n, const char *src, size_t len);

/* rules_layout.c: KPE018 section-contiguous, KPE019 section-pages, KPE020 iat-not-executable,
 * KPE021 reloc-targets (and malformed relocation blocks as KPE009), KPE024 import-by-ordinal. */
void kpe_check_layout_hvci(const kpe_image *img, kpe_findings *out);
/* rules_x64.c: KPE022 exception-directory, KPE023 unwind-coverage, KPE025 cet-compat. */
void kpe_check_x64(const kpe_image *img, const kpe_check_opts *o, kpe_findings *out);

#endif
