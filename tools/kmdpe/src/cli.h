/* cli.h - the kmdpe command line, callable from tests. */
#ifndef KMDPE_CLI_H
#define KMDPE_CLI_H

#include <stdio.h>

#define KMDPE_VERSION "1.0.0"

/* Exit codes. */
#define KPE_EXIT_OK 0
#define KPE_EXIT_VIOLATIONS 1
#define KPE_EXIT_BAD_INPUT 2

int kmdpe_main(int argc, char **argv, FILE *out, FILE *err);

#endif
