/* main.c - kmdpe entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
    return kmdpe_main(argc, argv, stdout, stderr);
}
