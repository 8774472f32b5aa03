/* args.h - the command-line conventions the host tools share: "--opt=value" or "--opt value",
 * help/--help/-h, version/--version, and "TOOL: problem" followed by the usage on a mistake. */
#ifndef KMD_COMMON_ARGS_H
#define KMD_COMMON_ARGS_H

#include <stdio.h>

/* Exit status for unreadable or malformed input and bad usage, the same in every tool. */
#define KMD_EXIT_USAGE 2

/* Whether ARG is the option OPT, alone or as "OPT=value". */
int kmd_is_opt(const char *arg, const char *opt);
/* The value of the option OPT at argv[*I]: after '=', else the next argument (*I moves past it);
 * NULL when there is none. */
const char *kmd_opt_value(int argc, char **argv, int *i, const char *opt);

/* "TOOL: PROBLEM" (when there is one) and USAGE on ERR; returns KMD_EXIT_USAGE. */
int kmd_usage(FILE *err, const char *tool, const char *problem, const char *usage);

/* The commands help/--help/-h (HELP on OUT) and version/--version ("TOOL VERSION"). 1 when CMD
 * was one of them (answered), else 0. */
int kmd_help_or_version(FILE *out, const char *cmd, const char *tool, const char *version,
                        const char *help);

#endif
