/* main.c - kmdinf entry point. */
#include "cli.h"

int main(int argc, char **argv)
{
    return kmdinf_main(argc, argv, stdout, stderr);
}
