/* args.c - the command-line conventions the host tools share. */
#include "args.h"

#include <string.h>

int kmd_is_opt(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return strncmp(arg, opt, n) == 0 && (arg[n] == 0 || arg[n] == '=');
}

const char *kmd_opt_value(int argc, char **argv, int *i, const char *opt)
{
    size_t n = strlen(opt);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

int kmd_usage(FILE *err, const char *tool, const char *problem, const char *usage)
{
    if (problem)
        fprintf(err, "%s: %s\n", tool, problem);
    fputs(usage, err);
    return KMD_EXIT_USAGE;
}

int kmd_help_or_version(FILE *out, const char *cmd, const char *tool, const char *version,
                        const char *help)
{
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(help, out);
        return 1;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        fprintf(out, "%s %s\n", tool, version);
        return 1;
    }
    return 0;
}
