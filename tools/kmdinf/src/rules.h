/* rules.h - the INF rules (README.md lists them) and the package model `files` prints. */
#ifndef KMDINF_RULES_H
#define KMDINF_RULES_H

#include "inf.h"
#include "text.h"

typedef enum { KINF_SEV_ERROR, KINF_SEV_WARNING } kinf_severity;

typedef struct {
    const char *id;   /* stable, e.g. "KINF015" */
    const char *name; /* stable, e.g. "driver-ver" */
    kinf_severity severity;
    const char *summary;
} kinf_rule;

/* Indexes into kinf_rules[], in table order. */
enum {
    KINF_R_ENCODING,
    KINF_R_SYNTAX,
    KINF_R_DUP_SECTION,
    KINF_R_DUP_KEY,
    KINF_R_LENGTH,
    KINF_R_STRINGS,
    KINF_R_UNSTAMPED,
    KINF_R_MISSING_SECTION,
    KINF_R_SIGNATURE,
    KINF_R_CLASS,
    KINF_R_SAMPLE_CLASS,
    KINF_R_PROVIDER,
    KINF_R_CATALOG,
    KINF_R_DRIVERVER,
    KINF_R_PNPLOCKDOWN,
    KINF_R_MANUFACTURER,
    KINF_R_MODELS_ARCH,
    KINF_R_MODELS_UNDECORATED,
    KINF_R_MODELS_SECTION,
    KINF_R_INSTALL_SECTION,
    KINF_R_SOURCE_DISKS,
    KINF_R_COPY_FILES,
    KINF_R_DIRID_STORE,
    KINF_R_DEST_DIR,
    KINF_R_SERVICES,
    KINF_R_ADD_SERVICE,
    KINF_R_SERVICE_BINARY,
    KINF_R_SERVICE_PNP,
    KINF_R_DEFAULT_INSTALL,
    KINF_R_LEGACY,
    KINF_R_PER_USER,
    KINF_R_REG_ROOT,
    KINF_NRULES
};

extern const kinf_rule kinf_rules[KINF_NRULES];

#define KINF_MAX_FINDINGS 1024

typedef struct {
    int rule; /* index into kinf_rules */
    int line; /* 1-based; 0: the file as a whole */
    char message[512];
} kinf_finding;

typedef struct {
    kinf_finding *items;
    size_t n, cap;
    size_t errors, warnings; /* counts include findings dropped past KINF_MAX_FINDINGS */
    size_t dropped;
    int oom;
} kinf_findings;

typedef enum { KINF_ARCH_X64, KINF_ARCH_X86 } kinf_arch;

const char *kinf_arch_name(kinf_arch a);     /* "x64", "x86" */
const char *kinf_arch_platform(kinf_arch a); /* "amd64", "x86": as in NTamd64, .amd64 */

/* A file the package installs. */
typedef struct {
    char *name;    /* file name on the target */
    char *srcname; /* file name in the package ([SourceDisksFiles] key) */
    char *source;  /* path in the package relative to the INF, '/'-separated; NULL: unknown */
    int dirid;     /* destination DIRID; 0 when none is given */
    char *subdir;  /* destination subdirectory, "" for none */
    char *section; /* the CopyFiles file-list section, or "@" for a direct copy */
    int line;
} kinf_copy;

typedef struct {
    kinf_copy *items;
    size_t n, cap;
    char *catalog; /* the CatalogFile for the architecture, or NULL */
    char **hwids;  /* the hardware and compatible IDs of the models for the architecture, in */
    size_t nhwids; /* order, each once (case-insensitive): what a device must match to install */
} kinf_package;

/* Run every rule on INF (decoded from T) for ARCH, appending to OUT and, when PKG is not NULL,
 * recording the files the package installs. Returns 0, or -1 when out of memory. */
int kinf_check(const kinf_text *t, const kinf_file *inf, kinf_arch arch, kinf_findings *out,
               kinf_package *pkg);
void kinf_findings_free(kinf_findings *f);
void kinf_package_free(kinf_package *p);

/* The two halves of DriverVer: a date mm/dd/yyyy (or mm-dd-yyyy) that exists, and a version
 * w.x.y.z of four numbers below 65535. 0 if well-formed, else -1 with WHY set. check uses them,
 * and stamp for its --date and --version. */
int kinf_check_date(const char *date, char *why, size_t whylen);
int kinf_check_version(const char *ver, char *why, size_t whylen);

#endif
