/* oslist.c - Inf2Cat /os identifiers. The OSAttr versions are the NT versions (2 is
 * VER_PLATFORM_WIN32_NT); the OS names are those seen in Inf2Cat catalogs. */
#include "oslist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const kc_os table[] = {
    {"XP_X86", 5, 1, "XPX86", "x86"},
    {"XP_X64", 5, 2, "XPX64", "x64"},
    {"Server2003_X86", 5, 2, "Server2003X86", "x86"},
    {"Server2003_X64", 5, 2, "Server2003X64", "x64"},
    {"Vista_X86", 6, 0, "VistaX86", "x86"},
    {"Vista_X64", 6, 0, "VistaX64", "x64"},
    {"Server2008_X86", 6, 0, "Server2008X86", "x86"},
    {"Server2008_X64", 6, 0, "Server2008X64", "x64"},
    {"7_X86", 6, 1, "7X86", "x86"},
    {"7_X64", 6, 1, "7X64", "x64"},
    {"Server2008R2_X64", 6, 1, "Server2008R2X64", "x64"},
    {"8_X86", 6, 2, "8X86", "x86"},
    {"8_X64", 6, 2, "8X64", "x64"},
    {"Server8_X64", 6, 2, "Server2012X64", "x64"},
    {"6_3_X86", 6, 3, "_v63", "x86"},
    {"6_3_X64", 6, 3, "_v63_X64", "x64"},
    {"Server6_3_X64", 6, 3, "_v63_Server_X64", "x64"},
    {"10_X86", 10, 0, "_v100", "x86"},
    {"10_X64", 10, 0, "_v100_X64", "x64"},
    {"Server10_X64", 10, 0, "Server_v100_X64", "x64"},
    {"10_NI_X64", 10, 0, "_v100_X64_22H2", "x64"},
    {"10_GE_X64", 10, 0, "_v100_X64_24H2", "x64"},
    {"Server2025_X64", 10, 0, "Server_v100_X64_24H2", "x64"},
};

const kc_os *kc_os_table(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

const kc_os *kc_os_find(const char *id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcasecmp(table[i].id, id) == 0)
            return &table[i];
    return NULL;
}

static int cmp_ver(const void *a, const void *b)
{
    const kc_os *x = *(const kc_os *const *)a, *y = *(const kc_os *const *)b;
    if (x->major != y->major)
        return x->major < y->major ? -1 : 1;
    return x->minor < y->minor ? -1 : x->minor > y->minor;
}

int kc_os_parse(const char *list, char **osattr, char **os_names, unsigned *archs, char *err,
                size_t errlen)
{
    size_t n = sizeof table / sizeof table[0];
    const kc_os **seen = calloc(n, sizeof *seen); /* each table entry at most once */
    char *copy = strdup(list);
    char *attr = malloc(n * 8 + 1), *names = malloc(strlen(list) * 3 + n * 24 + 1);
    size_t count = 0;
    int rc = -1;
    *osattr = *os_names = NULL;
    *archs = 0;
    if (!seen || !copy || !attr || !names) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    names[0] = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        const kc_os *os = kc_os_find(tok);
        if (!os) {
            snprintf(err, errlen, "unknown --os identifier '%s' (see 'kmdcat help' for the list)",
                     tok);
            goto out;
        }
        size_t i = 0;
        while (i < count && seen[i] != os)
            i++;
        if (i < count)
            continue;
        seen[count++] = os;
        if (names[0])
            strcat(names, ",");
        strcat(names, os->os_name);
        *archs |= strcmp(os->arch, "x86") == 0 ? 1u : 2u;
    }
    if (count == 0) {
        snprintf(err, errlen, "--os names no Windows version");
        goto out;
    }
    qsort(seen, count, sizeof *seen, cmp_ver);
    attr[0] = 0;
    for (size_t i = 0; i < count; i++) {
        if (i && cmp_ver(&seen[i], &seen[i - 1]) == 0)
            continue;
        sprintf(attr + strlen(attr), "%s2:%d.%d", attr[0] ? "," : "", seen[i]->major,
                seen[i]->minor);
    }
    *osattr = attr;
    *os_names = names;
    attr = names = NULL;
    rc = 0;
out:
    free(seen);
    free(copy);
    free(attr);
    free(names);
    return rc;
}

static const char *number(const char *s, int *v)
{
    if (*s < '0' || *s > '9')
        return NULL;
    long x = 0;
    while (*s >= '0' && *s <= '9') {
        x = x * 10 + (*s++ - '0');
        if (x > 999)
            return NULL;
    }
    *v = (int)x;
    return s;
}

int kc_osattr_valid(const char *s, int *min_major, int *min_minor)
{
    int lo_major = 1000, lo_minor = 1000;
    for (;;) {
        int major, minor;
        if (s[0] != '2' || s[1] != ':')
            return -1;
        s = number(s + 2, &major);
        if (!s || *s != '.')
            return -1;
        s = number(s + 1, &minor);
        if (!s)
            return -1;
        if (major < lo_major || (major == lo_major && minor < lo_minor)) {
            lo_major = major;
            lo_minor = minor;
        }
        if (*s == 0)
            break;
        if (*s++ != ',')
            return -1;
    }
    *min_major = lo_major;
    *min_minor = lo_minor;
    return 0;
}
