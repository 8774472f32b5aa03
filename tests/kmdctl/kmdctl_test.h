/* kmdctl_test.h: what kmdctl's unit tests under Wine share (tests/kmdctl/args_test.c,
 * tests/fuzz/fuzz_test.c): the CHECK counters behind their "N passed, N failed" line, and
 * kmdctl's parser fed a command line written as one string. */
#ifndef KMDCTL_TEST_H
#define KMDCTL_TEST_H

#include "commands.h"

#include <stdio.h>
#include <wchar.h>

static int passed, failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                                 \
        }                                                                                          \
    } while (0)

/* Parses `line` split at spaces (no quoting needed here) as kmdctl's arguments, after freeing
 * what `a` held from the call before. */
static inline DWORD parse_line(const wchar_t *line, struct kmdctl_args *a, char *why,
                               size_t why_size)
{
    static wchar_t copy[4096];
    static wchar_t *argv[64];
    int argc = 0;
    wchar_t *p = copy;

    wcsncpy(copy, line, sizeof copy / sizeof *copy - 1);
    argv[argc++] = L"kmdctl";
    while (*p && argc < 63) {
        while (*p == L' ')
            *p++ = L'\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != L' ')
            p++;
    }
    argv[argc] = NULL;
    kmdctl_args_free(a);
    return kmdctl_parse(argc, argv, a, why, why_size);
}

#endif
