/* main.c - kmdcat entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
    return kmdcat_main(argc, argv, stdout, stderr);
}
