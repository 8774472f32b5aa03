/* unit.h - the host tools' unit-test harness (no framework): CHECK counts passes and failures,
 * unit_summary() ends a test program with the "N passed, M failed" line that ctest matches, and
 * unit_run() calls a tool's main (kmdpe_main, kmdinf_main, kmdcat_main) with its output captured
 * so that a test can assert exit codes and messages word for word. */
#ifndef KMD_COMMON_UNIT_H
#define KMD_COMMON_UNIT_H

#include <stddef.h>
#include <stdio.h>

extern int g_pass, g_fail;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            g_pass++;                                                                              \
        } else {                                                                                   \
            g_fail++;                                                                              \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
        }                                                                                          \
    } while (0)

/* Print "N passed, M failed"; the exit status: 1 when a check failed, else 0. */
int unit_summary(void);

/* What F holds from its start to the current position, NUL-terminated (malloc'd). */
char *unit_slurp(FILE *f);
/* PATH's bytes, NUL-terminated (malloc'd; *N the count without the NUL), or NULL. */
void *unit_read_file(const char *path, size_t *n);
/* Write N bytes of D to PATH. 0, or -1. */
int unit_write_file(const char *path, const void *d, size_t n);

/* A tool's main with its streams as arguments. */
typedef int (*unit_main_fn)(int argc, char **argv, FILE *out, FILE *err);

/* Run TOOL_MAIN on ARGC - 1 arguments (char *) after argv[0] = NAME, at most 15 in all. What it
 * writes goes to *OUT and *ERR (malloc'd; the caller frees), or away when they are NULL.
 * Returns its exit code. */
int unit_run(unit_main_fn tool_main, const char *name, char **out, char **err, int argc, ...);

#endif
