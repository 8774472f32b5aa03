/* cli.h - the kmdinf command line, callable from tests. */
#ifndef KMDINF_CLI_H
#define KMDINF_CLI_H

#include <stdio.h>

#define KMDINF_VERSION "1.0.0"

#define KINF_EXIT_OK 0
#define KINF_EXIT_VIOLATIONS 1
#define KINF_EXIT_BAD_INPUT 2

int kmdinf_main(int argc, char **argv, FILE *out, FILE *err);

#endif
