/* report.h - human and JSON output. */
#ifndef KMDINF_REPORT_H
#define KMDINF_REPORT_H

#include "rules.h"

#include <stdio.h>

/* `check` output: "PATH:LINE: error KINFnnn name: message" lines and a summary, or one JSON
 * object. */
void kinf_print_findings(FILE *f, const char *path, const kinf_text *t, kinf_arch arch,
                         const kinf_findings *fs, int json);
void kinf_print_rules(FILE *f, int json);
/* `files` output: one package path per line (each once), or a JSON object. */
void kinf_print_files(FILE *f, const char *path, kinf_arch arch, const kinf_package *p, int json);

#endif
