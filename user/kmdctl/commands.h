/* kmdctl's subcommands: each handler takes the parsed command line, reports through out.h and
 * returns the exit code. The table of them is commands.def. */
#ifndef KMDCTL_COMMANDS_H
#define KMDCTL_COMMANDS_H

#include "args.h"
#include "out.h"

/* Every handler named in the table (commands.def). */
#define KMDCTL_COMMAND(handler, ...) int handler(const struct kmdctl_args *a);
#include "commands.def"
#undef KMDCTL_COMMAND

/* cmd_help.c: the --help text, from the table; returns its length (`buf` may be too small: then
 * it is cut short, still terminated). */
size_t kmdctl_help_text(char *buf, size_t size);

/* cmd_service.c: install or update a->name for a->path, JSON fields included; `detail` gets the
 * human line. Shared with run. */
int install_service(const struct kmdctl_args *a, int *created, char *detail, size_t detail_size);

/* cmd_ioctl.c: bytes as lower-case hex without separators, malloc'd (NULL when out of memory). */
char *hex_string(const unsigned char *data, size_t size);

/* files.c: a whole file into a malloc'd buffer (one spare NUL byte after the data), at most `cap`
 * bytes (ERROR_FILE_TOO_LARGE beyond); and a buffer written to a file (created or replaced). */
DWORD read_file(const wchar_t *path, size_t cap, unsigned char **data, size_t *size);
DWORD write_file(const wchar_t *path, const void *data, size_t size);

/* The device path kmd_device_open() opens for `device`: "\\.\NAME" for a bare name. */
const wchar_t *device_path(const wchar_t *device, wchar_t *buf, size_t size);

#endif
