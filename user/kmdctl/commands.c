/* The table of kmdctl's subcommands, built from the rows in commands.def. */
#include "commands.h"

const struct kmdctl_command kmdctl_commands[] = {
#define KMDCTL_COMMAND(handler_, ...) {.handler = handler_, __VA_ARGS__},
#include "commands.def"
#undef KMDCTL_COMMAND
};
const size_t kmdctl_command_count = sizeof kmdctl_commands / sizeof *kmdctl_commands;
