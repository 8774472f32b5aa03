/* json.h - JSON string output shared by the host tools. */
#ifndef KMD_COMMON_JSON_H
#define KMD_COMMON_JSON_H

#include <stddef.h>
#include <stdio.h>

/* What bytes above 0x7f are. kmdpe's strings come from a PE file and may be any bytes: it writes
 * them as \u00XX (Latin-1), which keeps its JSON valid. kmdinf's text is UTF-8 already (the INF
 * was decoded): it passes them through. */
typedef enum { KMD_JSON_UTF8, KMD_JSON_LATIN1 } kmd_json_text;

/* Write S (LEN bytes) as a quoted JSON string; control characters and DEL are escaped. */
void kmd_json_str(FILE *f, const char *s, size_t len, kmd_json_text how);
void kmd_json_cstr(FILE *f, const char *s, kmd_json_text how);

#endif
