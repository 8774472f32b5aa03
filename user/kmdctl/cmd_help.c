/* help (also --help, -h): the short manual, its subcommand part printed from the table
 * (commands.def): each row's usage, then its help lines, indented to one column. */
#include "commands.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HELP_COLUMN 18 /* where the help lines start */

static const char head[] = "usage: kmdctl SUBCOMMAND [ARGS] [OPTIONS] [--json]\n";

static const char tail[] =
    "\n"
    "Options may come anywhere; --opt=VALUE works too; -- ends the options.\n"
    "  --json          stdout is exactly one JSON object:\n"
    "                  {\"ok\":true|false,\"command\":\"...\",...,\"exit\":N}; a failure adds\n"
    "                  \"error\":{\"code\":WIN32,\"name\":\"ERROR_...\",\"message\":\"...\"}\n"
    "Names: service names are 1 to 256 letters, digits, '_', '-', '.'.\n"
    "\n"
    "EXIT CODES\n"
    "  0  success\n"
    "  1  the system refused (the Win32 error is printed: access denied, DriverEntry failed, ...)\n"
    "  2  usage error: unknown subcommand or option, missing or extra argument, malformed hex or\n"
    "     IOCTL code, size over the cap, bad service name, path not ending in .sys or .inf, not\n"
    "     a certificate, not a device INF, a package name that is not oem<N>.inf\n"
    "  3  not found: no such file, service, device or driver package\n"
    "  4  wrong state: start when running, stop when stopped, remove when running, a service\n"
    "     of that name that is not a kernel driver, a driver package a device uses\n"
    "  5  checksums: a file mismatched or is missing, or a line is malformed\n"
    "  6  fuzz: the device's host died or hung; the report names the request and its replay\n"
    "     (for fuzz, 1 means findings: an error outside --expect-errors, or more bytes back\n"
    "     than the output buffer holds)\n";

struct text {
    char *buf;
    size_t size, len; /* len counts what did not fit too */
};

static void add(struct text *t, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
    size_t room = t->len < t->size ? t->size - t->len : 0;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n;
}

size_t kmdctl_help_text(char *buf, size_t size)
{
    struct text t = {buf, size, 0};
    const char *section = NULL;

    if (size)
        buf[0] = '\0';
    add(&t, "%s", head);
    for (size_t k = 0; k < kmdctl_command_count; k++) {
        const struct kmdctl_command *c = &kmdctl_commands[k];
        /* A short usage has the first help line beside it; a long one has a line of its own. */
        int beside = c->help[0] && strlen(c->usage) + 4 <= HELP_COLUMN;

        if (!section || strcmp(section, c->section) != 0) {
            section = c->section;
            add(&t, "\n%s%s", section, section[0] ? "\n" : "");
        }
        if (!beside)
            add(&t, "  %s\n", c->usage);
        for (const char *line = c->help; *line;) {
            int n = (int)strcspn(line, "\n");

            if (beside)
                add(&t, "  %-*s%.*s\n", HELP_COLUMN - 2, c->usage, n, line);
            else
                add(&t, "%*s%.*s\n", HELP_COLUMN, "", n, line);
            beside = 0;
            line += n + (line[n] == '\n');
        }
    }
    add(&t, "%s", tail);
    return t.len;
}

int cmd_help(const struct kmdctl_args *a)
{
    static char text[32768];

    (void)a;
    kmdctl_help_text(text, sizeof text);
    if (out_json())
        out_str("usage", text);
    else
        fputs(text, stdout);
    return 0;
}
