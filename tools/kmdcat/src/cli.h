/* cli.h - kmdcat's command line. Exit status: 0 ok, 1 a file is not in the catalog,
 * 2 malformed input, unreadable file or bad usage. */
#ifndef KMDCAT_CLI_H
#define KMDCAT_CLI_H

#include <stdio.h>

#define KMDCAT_VERSION "1.0"

int kmdcat_main(int argc, char **argv, FILE *out, FILE *err);

#endif
