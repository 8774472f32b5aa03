/* report.h - human and JSON output for `info` and `check`. */
#ifndef KMDPE_REPORT_H
#define KMDPE_REPORT_H

#include <stdio.h>

#include "pe.h"
#include "rules.h"

void kpe_print_info(FILE *f, const char *path, const kpe_image *img, int json);
void kpe_print_findings(FILE *f, const char *path, const kpe_image *img, const kpe_findings *fs,
                        int json);
void kpe_print_rules(FILE *f, int json);

#endif
