/* json.h - minimal JSON string escaping. */
#ifndef KMDPE_JSON_H
#define KMDPE_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Write S (LEN bytes, any content) as a quoted JSON string. Bytes outside
 * printable ASCII are written as \u00XX (i.e. read as Latin-1). */
void kpe_json_str(FILE *f, const char *s, size_t len);
void kpe_json_cstr(FILE *f, const char *s);

#endif
