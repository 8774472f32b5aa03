/* rules.h - driver lint rules (see README.md for the list). */
#ifndef KMDPE_RULES_H
#define KMDPE_RULES_H

#include "pe.h"

typedef enum { KPE_SEV_ERROR, KPE_SEV_WARNING } kpe_severity;

typedef struct {
    const char *id;   /* stable, e.g. "KPE004" */
    const char *name; /* stable, e.g. "imports-kernel-only" */
    kpe_severity severity;
    const char *summary; /* one-line explanation */
} kpe_rule;

extern const kpe_rule kpe_rules[];
extern const size_t kpe_nrules;

#define KPE_MAX_FINDINGS 1024

typedef struct {
    const kpe_rule *rule;
    char message[384];
} kpe_finding;

typedef struct {
    kpe_finding *items;
    size_t n, cap;
    size_t errors, warnings; /* counts include findings dropped past KPE_MAX_FINDINGS */
    size_t dropped;
    int oom; /* set when a finding could not be stored */
} kpe_findings;

typedef enum { KPE_ARCH_ANY = 0, KPE_ARCH_X64, KPE_ARCH_X86 } kpe_arch;

typedef struct {
    kpe_arch arch;
    const char *const *allow_imports; /* extra kernel modules allowed (case-insensitive) */
    size_t nallow;
    int require_integrity;
    int no_cet; /* do not require the CET mark (KPE025) */
} kpe_check_opts;

/* Run every rule on IMG, appending to OUT. Returns 0, or -1 if out of memory. */
int kpe_check(const kpe_image *img, const kpe_check_opts *opts, kpe_findings *out);
void kpe_findings_free(kpe_findings *f);

#endif
