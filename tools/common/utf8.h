/* utf8.h - UTF-8 encoding shared by the host tools (kmdinf decodes UTF-16 INF text, kmdcat the
 * BMPStrings of a catalog). */
#ifndef KMD_COMMON_UTF8_H
#define KMD_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Write code point CP (at most U+10FFFF) at O as UTF-8: 1 to 4 bytes, no NUL. Returns the count. */
size_t kmd_put_utf8(char *o, uint32_t cp);

#endif
