/* oslist.h - Inf2Cat's /os identifiers: the OSAttr version and OS name each stands for. */
#ifndef KMDCAT_OSLIST_H
#define KMDCAT_OSLIST_H

#include <stddef.h>

typedef struct {
    const char *id;      /* Inf2Cat identifier, matched case-insensitively: "10_X64" */
    int major, minor;    /* the NT version OSAttr names: 2:10.0 */
    const char *os_name; /* the catalog's "OS" attribute as Inf2Cat writes it: "_v100_X64" */
    const char *arch;    /* "x86", "x64" (as kc_machine_name) */
} kc_os;

const kc_os *kc_os_find(const char *id);
const kc_os *kc_os_table(size_t *count);

/* Parses a comma-separated /os list into the OSAttr string ("2:6.1,2:10.0": distinct versions,
 * ascending) and the OS string (the names, in the given order, duplicates dropped). Returns 0, or
 * -1 with err naming the unknown identifier. The strings are malloc'd. Arch: a bit set, 1 = x86,
 * 2 = x64, the architectures the list names. */
int kc_os_parse(const char *list, char **osattr, char **os_names, unsigned *archs, char *err,
                size_t errlen);

/* Checks an OSAttr string: "2:M.m" items separated by commas. On success *min_major and
 * *min_minor hold the lowest version named. */
int kc_osattr_valid(const char *s, int *min_major, int *min_minor);

#endif
