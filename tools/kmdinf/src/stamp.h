/* stamp.h - stampinf's job: DriverVer in [Version] and the $ARCH$ token. */
#ifndef KMDINF_STAMP_H
#define KMDINF_STAMP_H

#include "rules.h"

#include <stddef.h>

typedef struct {
    kinf_arch arch;      /* $ARCH$ becomes "amd64" (x64) or "x86", as in NTamd64 / NTx86 */
    const char *date;    /* mm/dd/yyyy */
    const char *version; /* w.x.y.z */
} kinf_stamp_opts;

typedef struct {
    int arch_tokens;    /* $ARCH$ tokens replaced */
    int driverver_line; /* line of the DriverVer written (in the output) */
    int added;          /* DriverVer was not there and was added */
    char error[256];
} kinf_stamp_result;

/* Stamp TEXT (LEN bytes, decoded UTF-8): everything else is kept byte for byte, comments,
 * spacing and line endings included. Returns the new text (malloc'd, *OUTLEN bytes), or NULL with
 * RES->error set (no [Version], DriverVer given twice or continued on the next line, bad date or
 * version, out of memory). */
char *kinf_stamp(const char *text, size_t len, const kinf_stamp_opts *o, kinf_stamp_result *res,
                 size_t *outlen);

/* The UTC date of EPOCH (seconds since 1970-01-01) as mm/dd/yyyy into OUT (11 bytes). */
void kinf_epoch_date(unsigned long long epoch, char out[11]);

#endif
