/* unit.c - the host tools' unit-test harness (see unit.h). */
#include "unit.h"

#include <stdarg.h>
#include <stdlib.h>

int g_pass, g_fail;

int unit_summary(void)
{
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}

/* F from its start to the current position, NUL-terminated; *LEN the bytes read. */
static char *slurp(FILE *f, size_t *len)
{
    fflush(f);
    long n = ftell(f);
    rewind(f);
    char *s = malloc(n > 0 ? (size_t)n + 1 : 1);
    if (!s)
        return NULL;
    *len = n > 0 ? fread(s, 1, (size_t)n, f) : 0;
    s[*len] = 0;
    return s;
}

char *unit_slurp(FILE *f)
{
    size_t len;
    return slurp(f, &len);
}

void *unit_read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = fseek(f, 0, SEEK_END) == 0 ? slurp(f, n) : NULL;
    fclose(f);
    return s;
}

int unit_write_file(const char *path, const void *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(d, 1, n, f);
    return (fclose(f) == 0 && w == n) ? 0 : -1;
}

int unit_run(unit_main_fn tool_main, const char *name, char **out, char **err, int argc, ...)
{
    char *argv[16];
    va_list ap;
    va_start(ap, argc);
    argv[0] = (char *)name;
    for (int i = 1; i < argc; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    FILE *fo = tmpfile(), *fe = tmpfile();
    int rc = tool_main(argc, argv, fo, fe);
    char *so = unit_slurp(fo), *se = unit_slurp(fe);
    fclose(fo);
    fclose(fe);
    if (out)
        *out = so;
    else
        free(so);
    if (err)
        *err = se;
    else
        free(se);
    return rc;
}
