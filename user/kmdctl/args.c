/* kmdctl's command line: see args.h. Options may come anywhere (before or after the subcommand and
 * its operands); "--opt VALUE" and "--opt=VALUE" are the same; "--" ends the options. */
#include "args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const struct {
    const wchar_t *word;
    const char *name;
    enum kmdctl_command command;
    int operands; /* how many operands it takes; -1: any */
    const char *operand_names;
} commands[] = {
    {L"help", "help", KMDCTL_HELP, -1, ""},
    {L"install", "install", KMDCTL_INSTALL, 1, "PATH.sys"},
    {L"start", "start", KMDCTL_START, 1, "NAME"},
    {L"stop", "stop", KMDCTL_STOP, 1, "NAME"},
    {L"remove", "remove", KMDCTL_REMOVE, 1, "NAME"},
    {L"status", "status", KMDCTL_STATUS, 1, "NAME"},
    {L"ioctl", "ioctl", KMDCTL_IOCTL, 2, "DEVICE CODE"},
    {L"run", "run", KMDCTL_RUN, 1, "PATH.sys"},
    {L"cert-install", "cert-install", KMDCTL_CERT_INSTALL, 1, "FILE.cer"},
    {L"testsigning", "testsigning", KMDCTL_TESTSIGNING, 0, ""},
    {L"checksums", "checksums", KMDCTL_CHECKSUMS, 1, "SHA256SUMS"},
};

#define BIT(c) (1u << (c))

enum option_id {
    OPT_JSON,
    OPT_HELP,
    OPT_NAME,
    OPT_START,
    OPT_IN,
    OPT_IN_FILE,
    OPT_OUT_SIZE,
    OPT_OUT_FILE,
    OPT_IOCTL,
    OPT_DEVICE,
};

static const struct {
    const wchar_t *word;
    enum option_id id;
    int takes_value;
    unsigned commands; /* where it applies */
} options[] = {
    {L"--json", OPT_JSON, 0, ~0u},
    {L"--help", OPT_HELP, 0, ~0u},
    {L"-h", OPT_HELP, 0, ~0u},
    {L"--name", OPT_NAME, 1, BIT(KMDCTL_INSTALL) | BIT(KMDCTL_RUN)},
    {L"--start", OPT_START, 1, BIT(KMDCTL_INSTALL)},
    {L"--in", OPT_IN, 1, BIT(KMDCTL_IOCTL)},
    {L"--in-file", OPT_IN_FILE, 1, BIT(KMDCTL_IOCTL)},
    {L"--out-size", OPT_OUT_SIZE, 1, BIT(KMDCTL_IOCTL) | BIT(KMDCTL_RUN)},
    {L"--out-file", OPT_OUT_FILE, 1, BIT(KMDCTL_IOCTL)},
    {L"--ioctl", OPT_IOCTL, 1, BIT(KMDCTL_RUN)},
    {L"--device", OPT_DEVICE, 1, BIT(KMDCTL_RUN)},
};

#define COUNT(x) (sizeof(x) / sizeof *(x))

static DWORD usage(DWORD err, char *why, size_t why_size, const char *fmt, ...)
{
    if (why && why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_size, fmt, ap);
        va_end(ap);
    }
    return err;
}

static const char *u8(const wchar_t *s, char *buf, size_t size)
{
    return kmd_utf8(s, buf, size);
}

/* An option given with its value, in command-line order. */
struct given {
    int option;           /* index into options[] */
    const wchar_t *value; /* NULL for flags */
    const wchar_t *text;  /* as typed, for messages */
};

static int ends_with_sys(const wchar_t *p)
{
    size_t n = wcslen(p);
    return n > 4 && _wcsicmp(p + n - 4, L".sys") == 0 && p[n - 5] != L'\\' && p[n - 5] != L'/';
}

/* The service name a driver file implies: its file name without ".sys". */
static DWORD name_from_path(const wchar_t *path, wchar_t *name, char *why, size_t why_size)
{
    const wchar_t *base = path;
    size_t n;
    char v[300];

    for (const wchar_t *p = path; *p; p++)
        if (*p == L'\\' || *p == L'/' || *p == L':')
            base = p + 1;
    n = wcslen(base) - 4;
    if (n > KMD_SERVICE_NAME_MAX)
        return usage(ERROR_INVALID_NAME, why, why_size,
                     "the file name of '%s' is too long for a service name (limit %d); give --name",
                     u8(path, v, sizeof v), KMD_SERVICE_NAME_MAX);
    wmemcpy(name, base, n);
    name[n] = L'\0';
    if (kmd_check_service_name(name, NULL, 0))
        return usage(ERROR_INVALID_NAME, why, why_size,
                     "the file name of '%s' is not a valid service name (letters, digits, '_', "
                     "'-', '.'); give --name",
                     u8(path, v, sizeof v));
    return ERROR_SUCCESS;
}

DWORD kmdctl_parse(int argc, wchar_t **argv, struct kmdctl_args *a, char *why, size_t why_size)
{
    struct given *given;
    const wchar_t **operands;
    size_t ngiven = 0, noperands = 0;
    int help = 0, no_more_options = 0;
    DWORD err = ERROR_SUCCESS;
    char v[300], sub[400];
    int ci = -1;

    memset(a, 0, sizeof *a);
    a->command = KMDCTL_HELP;
    a->command_name = NULL;
    a->start_type = SERVICE_DEMAND_START;
    a->out_size = KMDCTL_OUT_SIZE_DEFAULT;
    if (why && why_size)
        why[0] = '\0';

    given = calloc((size_t)(argc > 0 ? argc : 1), sizeof *given);
    operands = calloc((size_t)(argc > 0 ? argc : 1), sizeof *operands);
    if (!given || !operands) {
        free(given);
        free(operands);
        return usage(ERROR_NOT_ENOUGH_MEMORY, why, why_size, "out of memory");
    }

    /* Pass 1: split options (with their values) from operands; find --json and --help. */
    for (int i = 1; i < argc; i++) {
        const wchar_t *arg = argv[i];
        const wchar_t *eq;
        size_t len;
        int o = -1;

        if (no_more_options || arg[0] != L'-' || arg[1] == L'\0') {
            operands[noperands++] = arg;
            continue;
        }
        if (wcscmp(arg, L"--") == 0) {
            no_more_options = 1;
            continue;
        }
        eq = wcschr(arg, L'=');
        len = eq ? (size_t)(eq - arg) : wcslen(arg);
        for (size_t k = 0; k < COUNT(options); k++)
            if (wcslen(options[k].word) == len && wcsncmp(arg, options[k].word, len) == 0)
                o = (int)k;
        if (o < 0) {
            if (!err)
                err = usage(ERROR_BAD_ARGUMENTS, why, why_size,
                            "unknown option '%s' (see kmdctl --help)", u8(arg, v, sizeof v));
            continue;
        }
        given[ngiven].option = o;
        given[ngiven].text = arg;
        if (options[o].takes_value) {
            if (eq) {
                given[ngiven].value = eq + 1;
            } else if (i + 1 < argc) {
                given[ngiven].value = argv[++i];
            } else {
                if (!err)
                    err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "option '%s' needs a value",
                                u8(arg, v, sizeof v));
                continue;
            }
        } else if (eq) {
            if (!err)
                err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "option '%.*s' takes no value",
                            (int)len, u8(arg, v, sizeof v));
            continue;
        }
        if (options[o].id == OPT_JSON)
            a->json = 1;
        else if (options[o].id == OPT_HELP)
            help = 1;
        ngiven++;
    }

    /* The subcommand. */
    if (noperands > 0) {
        for (size_t k = 0; k < COUNT(commands); k++)
            if (wcscmp(operands[0], commands[k].word) == 0)
                ci = (int)k;
        if (ci < 0) {
            if (!help && !err)
                err = usage(ERROR_BAD_ARGUMENTS, why, why_size,
                            "unknown subcommand '%s' (see kmdctl --help)",
                            u8(operands[0], v, sizeof v));
        } else {
            a->command = commands[ci].command;
            a->command_name = commands[ci].name;
        }
    }
    if (help) {
        /* --help anywhere wins over everything else, even over mistakes elsewhere. */
        a->command = KMDCTL_HELP;
        a->command_name = "help";
        err = ERROR_SUCCESS;
        if (why && why_size)
            why[0] = '\0';
        goto done;
    }
    if (err)
        goto done;
    if (noperands == 0) {
        err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "no subcommand given (see kmdctl --help)");
        goto done;
    }
    if (a->command == KMDCTL_HELP)
        goto done;

    /* Operands. */
    if ((int)noperands - 1 < commands[ci].operands) {
        err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "%s needs %s (see kmdctl --help)",
                    a->command_name, commands[ci].operand_names);
        goto done;
    }
    if ((int)noperands - 1 > commands[ci].operands) {
        err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "unexpected argument '%s': %s takes %s%s",
                    u8(operands[commands[ci].operands + 1], v, sizeof v), a->command_name,
                    commands[ci].operands ? "only " : "no arguments", commands[ci].operand_names);
        goto done;
    }
    switch (a->command) {
    case KMDCTL_INSTALL:
    case KMDCTL_RUN:
        a->path = operands[1];
        if (!ends_with_sys(a->path)) {
            err = usage(ERROR_BAD_PATHNAME, why, why_size, "driver path '%s' does not end in .sys",
                        u8(a->path, v, sizeof v));
            goto done;
        }
        break;
    case KMDCTL_START:
    case KMDCTL_STOP:
    case KMDCTL_REMOVE:
    case KMDCTL_STATUS:
        err = kmd_check_service_name(operands[1], why, why_size);
        if (err)
            goto done;
        wcscpy(a->name, operands[1]);
        break;
    case KMDCTL_IOCTL:
        a->device = operands[1];
        if (a->device[0] == L'\0') {
            err = usage(ERROR_INVALID_NAME, why, why_size, "the device name is empty");
            goto done;
        }
        if (a->device[0] != L'\\' && (wcschr(a->device, L'\\') || wcschr(a->device, L'/'))) {
            err = usage(ERROR_INVALID_NAME, why, why_size,
                        "device '%s' is neither a bare name (KmdSkeleton) nor a path starting "
                        "with \\ (\\\\.\\KmdSkeleton)",
                        u8(a->device, v, sizeof v));
            goto done;
        }
        a->code_text = operands[2];
        err = kmd_parse_ioctl_code(operands[2], &a->code, why, why_size);
        if (err)
            goto done;
        break;
    case KMDCTL_CERT_INSTALL:
    case KMDCTL_CHECKSUMS:
        a->path = operands[1];
        break;
    default:
        break;
    }

    /* Options, in the order given; a later one overrides an earlier one. */
    for (size_t g = 0; g < ngiven; g++) {
        int o = given[g].option;
        const wchar_t *val = given[g].value;

        if (!(options[o].commands & BIT(a->command))) {
            err = usage(ERROR_BAD_ARGUMENTS, why, why_size,
                        "option '%s' does not apply to %s (see kmdctl --help)",
                        u8(options[o].word, v, sizeof v), a->command_name);
            goto done;
        }
        switch (options[o].id) {
        case OPT_NAME:
            err = kmd_check_service_name(val, sub, sizeof sub);
            if (err) {
                usage(err, why, why_size, "--name: %s", sub);
                goto done;
            }
            wcscpy(a->name, val);
            break;
        case OPT_START:
            err = kmd_parse_start_type(val, &a->start_type, sub, sizeof sub);
            if (err) {
                usage(err, why, why_size, "--start: %s", sub);
                goto done;
            }
            break;
        case OPT_IN:
            free(a->in);
            a->in = malloc(wcslen(val) / 2 + 1);
            if (!a->in) {
                err = usage(ERROR_NOT_ENOUGH_MEMORY, why, why_size, "out of memory");
                goto done;
            }
            err = kmd_parse_hex_bytes(val, a->in, KMDCTL_BUFFER_CAP, &a->in_size, sub, sizeof sub);
            if (err) {
                usage(err, why, why_size, "--in: %s", sub);
                goto done;
            }
            break;
        case OPT_IN_FILE:
            a->in_file = val;
            break;
        case OPT_OUT_SIZE:
            err = kmd_parse_number(val, KMDCTL_BUFFER_CAP, &a->out_size, sub, sizeof sub);
            if (err) {
                usage(err, why, why_size, "--out-size: %s (the cap is %d bytes, 1 MiB)", sub,
                      KMDCTL_BUFFER_CAP);
                goto done;
            }
            break;
        case OPT_OUT_FILE:
            a->out_file = val;
            break;
        case OPT_IOCTL:
            if (a->ioctl_count == KMDCTL_MAX_IOCTLS) {
                err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "more than %d --ioctl options",
                            KMDCTL_MAX_IOCTLS);
                goto done;
            }
            err = kmd_parse_ioctl_code(val, &a->ioctls[a->ioctl_count], sub, sizeof sub);
            if (err) {
                usage(err, why, why_size, "--ioctl: %s", sub);
                goto done;
            }
            a->ioctl_count++;
            break;
        case OPT_DEVICE:
            if (val[0] == L'\0' || (val[0] != L'\\' && (wcschr(val, L'\\') || wcschr(val, L'/')))) {
                err = usage(ERROR_INVALID_NAME, why, why_size,
                            "--device '%s' is neither a bare name nor a path starting with \\",
                            u8(val, v, sizeof v));
                goto done;
            }
            a->device = val;
            break;
        default:
            break;
        }
    }
    if (a->in && a->in_file) {
        err = usage(ERROR_BAD_ARGUMENTS, why, why_size, "--in and --in-file exclude each other");
        goto done;
    }
    if ((a->command == KMDCTL_INSTALL || a->command == KMDCTL_RUN) && a->name[0] == L'\0') {
        err = name_from_path(a->path, a->name, why, why_size);
        if (err)
            goto done;
    }
    if (a->command == KMDCTL_RUN && !a->device)
        a->device = a->name;

done:
    free(given);
    free(operands);
    return err;
}

void kmdctl_args_free(struct kmdctl_args *a)
{
    free(a->in);
    a->in = NULL;
    a->in_size = 0;
}
