/* json.c - JSON string output shared by the host tools. */
#include "json.h"

#include <string.h>

void kmd_json_str(FILE *f, const char *s, size_t len, kmd_json_text how)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20 || c == 0x7f || (c > 0x7f && how == KMD_JSON_LATIN1))
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

void kmd_json_cstr(FILE *f, const char *s, kmd_json_text how)
{
    kmd_json_str(f, s, strlen(s), how);
}
