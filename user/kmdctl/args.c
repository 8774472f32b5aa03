/* kmdctl's command line: see args.h. Options may come anywhere (before or after the subcommand and
 * its operands); "--opt VALUE" and "--opt=VALUE" are the same; "--" ends the options. What a
 * subcommand takes comes from its row (commands.def); nothing here names a subcommand. */
#include "args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

const struct kmdctl_option_word kmdctl_options[] = {
    {L"--json", KMDCTL_OPT_JSON, 0},
    {L"--help", KMDCTL_OPT_HELP, 0},
    {L"-h", KMDCTL_OPT_HELP, 0},
    {L"--name", KMDCTL_OPT_NAME, 1},
    {L"--start", KMDCTL_OPT_START, 1},
    {L"--in", KMDCTL_OPT_IN, 1},
    {L"--in-file", KMDCTL_OPT_IN_FILE, 1},
    {L"--out-size", KMDCTL_OPT_OUT_SIZE, 1},
    {L"--out-file", KMDCTL_OPT_OUT_FILE, 1},
    {L"--ioctl", KMDCTL_OPT_IOCTL, 1},
    {L"--device", KMDCTL_OPT_DEVICE, 1},
    {L"--code", KMDCTL_OPT_CODE, 1},
    {L"--type", KMDCTL_OPT_TYPE, 1},
    {L"--functions", KMDCTL_OPT_FUNCTIONS, 1},
    {L"--methods", KMDCTL_OPT_METHODS, 1},
    {L"--exclude", KMDCTL_OPT_EXCLUDE, 1},
    {L"--count", KMDCTL_OPT_COUNT, 1},
    {L"--first", KMDCTL_OPT_FIRST, 1},
    {L"--seed", KMDCTL_OPT_SEED, 1},
    {L"--max-size", KMDCTL_OPT_MAX_SIZE, 1},
    {L"--expect-errors", KMDCTL_OPT_EXPECT_ERRORS, 1},
    {L"--timeout", KMDCTL_OPT_TIMEOUT, 1},
    {L"--cancel-after", KMDCTL_OPT_CANCEL_AFTER, 1},
    {L"--journal", KMDCTL_OPT_JOURNAL, 1},
    {L"--install", KMDCTL_OPT_INSTALL, 0},
    {L"--inf", KMDCTL_OPT_INF, 1},
    {L"--force", KMDCTL_OPT_FORCE, 0},
};
const size_t kmdctl_option_count = sizeof kmdctl_options / sizeof *kmdctl_options;

/* Options every subcommand takes. */
#define GLOBAL_OPTIONS (KMDCTL_OPT_JSON | KMDCTL_OPT_HELP)

static const char *u8(const wchar_t *s, char *buf, size_t size)
{
    return kmd_utf8(s, buf, size);
}

/* A wide command-line word against an ASCII one from the tables. */
static int word_is(const wchar_t *w, size_t wlen, const char *ascii)
{
    size_t i;

    for (i = 0; i < wlen && ascii[i]; i++)
        if (w[i] != (wchar_t)(unsigned char)ascii[i])
            return 0;
    return i == wlen && ascii[i] == '\0';
}

const struct kmdctl_command *kmdctl_find_command(const char *name)
{
    for (size_t k = 0; k < kmdctl_command_count; k++)
        if (strcmp(kmdctl_commands[k].name, name) == 0)
            return &kmdctl_commands[k];
    return NULL;
}

static const struct kmdctl_command *find_command_w(const wchar_t *word)
{
    for (size_t k = 0; k < kmdctl_command_count; k++)
        if (word_is(word, wcslen(word), kmdctl_commands[k].name))
            return &kmdctl_commands[k];
    return NULL;
}

/* How many operands a row takes at most; -1: any number. */
static int operand_count(const struct kmdctl_command *c)
{
    int n = 0;

    if (c->operands[0] == KMDCTL_ANY)
        return -1;
    while (n < KMDCTL_MAX_OPERANDS && c->operands[n] != KMDCTL_END)
        n++;
    return n;
}

/* How many of them must be given: all but an optional last one. */
static int required_count(const struct kmdctl_command *c)
{
    int n = operand_count(c);

    return n > 0 && c->operands[n - 1] == KMDCTL_HWID_OPTIONAL ? n - 1 : n;
}

static int has_operand(const struct kmdctl_command *c, enum kmdctl_operand kind)
{
    for (int i = 0; i < KMDCTL_MAX_OPERANDS && c->operands[i] != KMDCTL_END; i++)
        if (c->operands[i] == kind)
            return 1;
    return 0;
}

/* The operand words of a row's usage ("DEVICE CODE"): after the name, up to the first option. */
static const char *operand_words(const struct kmdctl_command *c, char *buf, size_t size)
{
    const char *p = c->usage + strlen(c->name);
    const char *end;

    while (*p == ' ')
        p++;
    end = strstr(p, " [");
    if (!end)
        end = p + strlen(p);
    snprintf(buf, size, "%.*s", (int)(end - p), p);
    return buf;
}

/* An option given with its value, in command-line order. */
struct given {
    int option;           /* index into kmdctl_options[] */
    const wchar_t *value; /* NULL for flags */
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
        return kmd_why(
            ERROR_INVALID_NAME, why, why_size,
            "the file name of '%s' is too long for a service name (limit %d); give --name",
            u8(path, v, sizeof v), KMD_SERVICE_NAME_MAX);
    wmemcpy(name, base, n);
    name[n] = L'\0';
    if (kmd_check_service_name(name, NULL, 0))
        return kmd_why(ERROR_INVALID_NAME, why, why_size,
                       "the file name of '%s' is not a valid service name (letters, digits, '_', "
                       "'-', '.'); give --name",
                       u8(path, v, sizeof v));
    return ERROR_SUCCESS;
}

static int ends_with_inf(const wchar_t *p)
{
    size_t n = wcslen(p);
    return n > 4 && _wcsicmp(p + n - 4, L".inf") == 0 && p[n - 5] != L'\\' && p[n - 5] != L'/';
}

/* oem<N>.inf: the only names Windows publishes third-party driver packages under. */
static int is_oem_inf(const wchar_t *s)
{
    size_t n = wcslen(s), i = 3;

    if (n < 8 || _wcsnicmp(s, L"oem", 3) != 0 || _wcsicmp(s + n - 4, L".inf") != 0)
        return 0;
    for (; i < n - 4; i++)
        if (s[i] < L'0' || s[i] > L'9')
            return 0;
    return 1;
}

/* A hardware id or device instance id: 1 to KMDCTL_DEVICE_ID_MAX printable ASCII characters,
 * no space and no comma (the rules of device ids; an INF separates ids with commas). */
static DWORD check_device_id(const char *what, const wchar_t *s, char *why, size_t why_size)
{
    char v[300];
    size_t n = wcslen(s);

    if (n == 0)
        return kmd_why(ERROR_INVALID_NAME, why, why_size, "the %s is empty", what);
    if (n > KMDCTL_DEVICE_ID_MAX)
        return kmd_why(ERROR_INVALID_NAME, why, why_size,
                       "%s '%.40s...' is %zu characters long; the limit is %d", what,
                       u8(s, v, sizeof v), n, KMDCTL_DEVICE_ID_MAX);
    for (size_t i = 0; i < n; i++)
        if (s[i] <= L' ' || s[i] > L'~' || s[i] == L',')
            return kmd_why(ERROR_INVALID_NAME, why, why_size,
                           "%s '%s' has a space, comma or non-ASCII character at position %zu",
                           what, u8(s, v, sizeof v), i + 1);
    return ERROR_SUCCESS;
}

/* A device is a bare name (KmdSkeleton) or a path that starts with \. */
static int bad_device(const wchar_t *d)
{
    return d[0] == L'\0' || (d[0] != L'\\' && (wcschr(d, L'\\') || wcschr(d, L'/')));
}

/* Checks one operand of its kind and stores it. */
static DWORD take_operand(enum kmdctl_operand kind, const wchar_t *s, struct kmdctl_args *a,
                          char *why, size_t why_size)
{
    char v[300];
    DWORD err;

    switch (kind) {
    case KMDCTL_DRIVER_PATH:
        a->path = s;
        if (!ends_with_sys(s))
            return kmd_why(ERROR_BAD_PATHNAME, why, why_size,
                           "driver path '%s' does not end in .sys", u8(s, v, sizeof v));
        break;
    case KMDCTL_SERVICE:
        err = kmd_check_service_name(s, why, why_size);
        if (err)
            return err;
        wcscpy(a->name, s);
        break;
    case KMDCTL_DEVICE:
        if (s[0] == L'\0')
            return kmd_why(ERROR_INVALID_NAME, why, why_size, "the device name is empty");
        if (bad_device(s))
            return kmd_why(ERROR_INVALID_NAME, why, why_size,
                           "device '%s' is neither a bare name (KmdSkeleton) nor a path starting "
                           "with \\ (\\\\.\\KmdSkeleton)",
                           u8(s, v, sizeof v));
        a->device = s;
        break;
    case KMDCTL_IOCTL_CODE:
        a->code_text = s;
        return kmd_parse_ioctl_code(s, &a->code, why, why_size);
    case KMDCTL_FILE:
        a->path = s;
        break;
    case KMDCTL_INF_PATH:
        a->path = s;
        if (!ends_with_inf(s))
            return kmd_why(ERROR_BAD_PATHNAME, why, why_size, "INF path '%s' does not end in .inf",
                           u8(s, v, sizeof v));
        break;
    case KMDCTL_OEM_INF:
        a->path = s;
        if (!is_oem_inf(s))
            return kmd_why(ERROR_INVALID_NAME, why, why_size,
                           "'%s' is not the published name of a driver package (oem<N>.inf, as "
                           "pnp-add and pnp-list print it)",
                           u8(s, v, sizeof v));
        break;
    case KMDCTL_DEVICE_ID:
    case KMDCTL_HWID_OPTIONAL:
        a->hwid = s;
        return check_device_id(kind == KMDCTL_DEVICE_ID ? "device id" : "hardware id", s, why,
                               why_size);
    case KMDCTL_END:
    case KMDCTL_ANY:
        break;
    }
    return ERROR_SUCCESS;
}

/* A --code or --exclude value into `list`. */
static DWORD take_code(const wchar_t *opt, const wchar_t *val, DWORD *list, size_t *count,
                       char *why, size_t why_size)
{
    char v[40], sub[400];
    DWORD err;

    if (*count == KMDCTL_FUZZ_MAX_GIVEN)
        return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "more than %d %s options",
                       KMDCTL_FUZZ_MAX_GIVEN, u8(opt, v, sizeof v));
    err = kmd_parse_ioctl_code(val, &list[*count], sub, sizeof sub);
    if (err)
        return kmd_why(err, why, why_size, "%s: %s", u8(opt, v, sizeof v), sub);
    (*count)++;
    return ERROR_SUCCESS;
}

/* A number option of fuzz, from `min` to `max`. */
static DWORD take_number(const char *opt, const wchar_t *val, DWORD min, DWORD max, DWORD *out,
                         char *why, size_t why_size)
{
    char sub[400];
    DWORD err = kmd_parse_number(val, max, out, sub, sizeof sub);

    if (err)
        return kmd_why(err, why, why_size, "%s: %s", opt, sub);
    if (*out < min)
        return kmd_why(ERROR_INVALID_PARAMETER, why, why_size, "%s: %lu is below the minimum %lu",
                       opt, (unsigned long)*out, (unsigned long)min);
    return ERROR_SUCCESS;
}

/* The options of fuzz (fuzz.h): values checked here, the codes built by the handler. */
static DWORD take_fuzz_option(unsigned flag, const wchar_t *val, struct kmdctl_fuzz_options *f,
                              char *why, size_t why_size)
{
    switch (flag) {
    case KMDCTL_OPT_CODE:
        return take_code(L"--code", val, f->codes, &f->code_count, why, why_size);
    case KMDCTL_OPT_EXCLUDE:
        return take_code(L"--exclude", val, f->excludes, &f->exclude_count, why, why_size);
    case KMDCTL_OPT_TYPE:
        f->type_given = 1;
        return kmdctl_fuzz_parse_type(val, &f->type, why, why_size);
    case KMDCTL_OPT_FUNCTIONS:
        f->functions_given = 1;
        return kmdctl_fuzz_parse_functions(val, &f->function_first, &f->function_last, why,
                                           why_size);
    case KMDCTL_OPT_METHODS:
        return kmdctl_fuzz_parse_methods(val, &f->methods, why, why_size);
    case KMDCTL_OPT_COUNT:
        return take_number("--count", val, 1, KMDCTL_FUZZ_COUNT_MAX, &f->count, why, why_size);
    case KMDCTL_OPT_FIRST:
        return take_number("--first", val, 1, 0xFFFFFFFF, &f->first, why, why_size);
    case KMDCTL_OPT_SEED:
        return kmdctl_fuzz_parse_seed(val, &f->seed, &f->seed_random, why, why_size);
    case KMDCTL_OPT_MAX_SIZE:
        return take_number("--max-size", val, 0, KMDCTL_BUFFER_CAP, &f->max_size, why, why_size);
    case KMDCTL_OPT_EXPECT_ERRORS:
        f->expect_given = 1;
        return kmdctl_fuzz_parse_expect(val, f->expect, &f->expect_count, why, why_size);
    case KMDCTL_OPT_TIMEOUT:
        f->timeout_given = 1;
        return take_number("--timeout", val, 10, KMDCTL_FUZZ_TIME_MAX, &f->timeout_ms, why,
                           why_size);
    case KMDCTL_OPT_CANCEL_AFTER:
        f->cancel_given = 1;
        return take_number("--cancel-after", val, 1, KMDCTL_FUZZ_TIME_MAX, &f->cancel_ms, why,
                           why_size);
    case KMDCTL_OPT_JOURNAL:
        f->journal = val;
        return ERROR_SUCCESS;
    }
    return ERROR_SUCCESS;
}

/* Checks one option's value and stores it; a later one overrides an earlier one. */
static DWORD take_option(unsigned flag, const wchar_t *val, struct kmdctl_args *a, char *why,
                         size_t why_size)
{
    char v[300], sub[400];
    DWORD err = ERROR_SUCCESS;

    switch (flag) {
    case KMDCTL_OPT_NAME:
        err = kmd_check_service_name(val, sub, sizeof sub);
        if (err)
            return kmd_why(err, why, why_size, "--name: %s", sub);
        wcscpy(a->name, val);
        break;
    case KMDCTL_OPT_START:
        err = kmd_parse_start_type(val, &a->start_type, sub, sizeof sub);
        if (err)
            return kmd_why(err, why, why_size, "--start: %s", sub);
        break;
    case KMDCTL_OPT_IN:
        free(a->in);
        a->in = malloc(wcslen(val) / 2 + 1);
        if (!a->in)
            return kmd_why(ERROR_NOT_ENOUGH_MEMORY, why, why_size, "out of memory");
        err = kmd_parse_hex_bytes(val, a->in, KMDCTL_BUFFER_CAP, &a->in_size, sub, sizeof sub);
        if (err)
            return kmd_why(err, why, why_size, "--in: %s", sub);
        break;
    case KMDCTL_OPT_IN_FILE:
        a->in_file = val;
        break;
    case KMDCTL_OPT_OUT_SIZE:
        err = kmd_parse_number(val, KMDCTL_BUFFER_CAP, &a->out_size, sub, sizeof sub);
        if (err)
            return kmd_why(err, why, why_size, "--out-size: %s (the cap is %d bytes, 1 MiB)", sub,
                           KMDCTL_BUFFER_CAP);
        break;
    case KMDCTL_OPT_OUT_FILE:
        a->out_file = val;
        break;
    case KMDCTL_OPT_IOCTL:
        if (a->ioctl_count == KMDCTL_MAX_IOCTLS)
            return kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "more than %d --ioctl options",
                           KMDCTL_MAX_IOCTLS);
        err = kmd_parse_ioctl_code(val, &a->ioctls[a->ioctl_count], sub, sizeof sub);
        if (err)
            return kmd_why(err, why, why_size, "--ioctl: %s", sub);
        a->ioctl_count++;
        break;
    case KMDCTL_OPT_INSTALL:
        a->install = 1;
        break;
    case KMDCTL_OPT_FORCE:
        a->force = 1;
        break;
    case KMDCTL_OPT_INF:
        if (!ends_with_inf(val))
            return kmd_why(ERROR_BAD_PATHNAME, why, why_size, "--inf: '%s' does not end in .inf",
                           u8(val, v, sizeof v));
        a->inf = val;
        break;
    case KMDCTL_OPT_DEVICE:
        if (bad_device(val))
            return kmd_why(ERROR_INVALID_NAME, why, why_size,
                           "--device '%s' is neither a bare name nor a path starting with \\",
                           u8(val, v, sizeof v));
        a->device = val;
        break;
    default:
        return take_fuzz_option(flag, val, &a->fuzz, why, why_size);
    }
    return err;
}

DWORD kmdctl_parse(int argc, wchar_t **argv, struct kmdctl_args *a, char *why, size_t why_size)
{
    const struct kmdctl_command *c;
    struct given *given;
    const wchar_t **operands;
    size_t ngiven = 0, noperands = 0;
    int help = 0, no_more_options = 0, want;
    DWORD err = ERROR_SUCCESS;
    char v[300], words[200];

    memset(a, 0, sizeof *a);
    a->start_type = SERVICE_DEMAND_START;
    a->out_size = KMDCTL_OUT_SIZE_DEFAULT;
    kmdctl_fuzz_defaults(&a->fuzz);
    if (why && why_size)
        why[0] = '\0';

    given = calloc((size_t)(argc > 0 ? argc : 1), sizeof *given);
    operands = calloc((size_t)(argc > 0 ? argc : 1), sizeof *operands);
    if (!given || !operands) {
        free(given);
        free(operands);
        return kmd_why(ERROR_NOT_ENOUGH_MEMORY, why, why_size, "out of memory");
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
        for (size_t k = 0; k < kmdctl_option_count; k++)
            if (wcslen(kmdctl_options[k].word) == len &&
                wcsncmp(arg, kmdctl_options[k].word, len) == 0)
                o = (int)k;
        if (o < 0) {
            if (!err)
                err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                              "unknown option '%s' (see kmdctl --help)", u8(arg, v, sizeof v));
            continue;
        }
        given[ngiven].option = o;
        if (kmdctl_options[o].takes_value) {
            if (eq) {
                given[ngiven].value = eq + 1;
            } else if (i + 1 < argc) {
                given[ngiven].value = argv[++i];
            } else {
                if (!err)
                    err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "option '%s' needs a value",
                                  u8(arg, v, sizeof v));
                continue;
            }
        } else if (eq) {
            if (!err)
                err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "option '%.*s' takes no value",
                              (int)len, u8(arg, v, sizeof v));
            continue;
        }
        if (kmdctl_options[o].flag == KMDCTL_OPT_JSON)
            a->json = 1;
        else if (kmdctl_options[o].flag == KMDCTL_OPT_HELP)
            help = 1;
        ngiven++;
    }

    /* The subcommand: the first operand. */
    if (noperands > 0) {
        a->command = find_command_w(operands[0]);
        if (!a->command && !help && !err)
            err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                          "unknown subcommand '%s' (see kmdctl --help)",
                          u8(operands[0], v, sizeof v));
    }
    /* --help anywhere, or the subcommand help, wins over everything else, even over mistakes
     * elsewhere on the line. */
    if (help || (a->command && a->command == kmdctl_find_command("help"))) {
        a->command = kmdctl_find_command("help");
        err = ERROR_SUCCESS;
        if (why && why_size)
            why[0] = '\0';
        goto done;
    }
    if (err)
        goto done;
    if (noperands == 0) {
        err =
            kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "no subcommand given (see kmdctl --help)");
        goto done;
    }
    c = a->command;

    /* Operands, by the kinds the row lists. */
    want = operand_count(c);
    if (want >= 0 && (int)noperands - 1 < required_count(c)) {
        err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "%s needs %s (see kmdctl --help)",
                      c->name, operand_words(c, words, sizeof words));
        goto done;
    }
    if (want >= 0 && (int)noperands - 1 > want) {
        err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "unexpected argument '%s': %s takes %s%s",
                      u8(operands[want + 1], v, sizeof v), c->name, want ? "only " : "no arguments",
                      want ? operand_words(c, words, sizeof words) : "");
        goto done;
    }
    for (int i = 0; i < want && i + 1 < (int)noperands; i++) {
        err = take_operand(c->operands[i], operands[i + 1], a, why, why_size);
        if (err)
            goto done;
    }

    /* Options, in the order given, if the row accepts them. */
    for (size_t g = 0; g < ngiven; g++) {
        const struct kmdctl_option_word *o = &kmdctl_options[given[g].option];

        if (!(o->flag & (c->options | GLOBAL_OPTIONS))) {
            err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                          "option '%s' does not apply to %s (see kmdctl --help)",
                          u8(o->word, v, sizeof v), c->name);
            goto done;
        }
        err = take_option(o->flag, given[g].value, a, why, why_size);
        if (err)
            goto done;
    }

    /* Rules between operands and options, for whichever rows they concern. */
    /* A hardware id that may be left out needs the INF to take it from. */
    if (has_operand(c, KMDCTL_HWID_OPTIONAL) && (c->options & KMDCTL_OPT_INF) && !a->hwid &&
        !a->inf) {
        err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size,
                      "%s needs HWID or --inf PATH.inf (see kmdctl --help)", c->name);
        goto done;
    }
    if (a->in && a->in_file) {
        err = kmd_why(ERROR_BAD_ARGUMENTS, why, why_size, "--in and --in-file exclude each other");
        goto done;
    }
    if (has_operand(c, KMDCTL_DRIVER_PATH) && a->name[0] == L'\0') {
        err = name_from_path(a->path, a->name, why, why_size);
        if (err)
            goto done;
    }
    if ((c->options & KMDCTL_OPT_DEVICE) && !a->device)
        a->device = a->name;
    /* A request still pending at --cancel-after is cancelled; at --timeout the host hung. */
    if ((c->options & KMDCTL_OPT_CANCEL_AFTER) && !a->fuzz.cancel_given &&
        a->fuzz.cancel_ms > a->fuzz.timeout_ms / 2)
        a->fuzz.cancel_ms = a->fuzz.timeout_ms / 2 ? a->fuzz.timeout_ms / 2 : 1;
    if ((c->options & KMDCTL_OPT_CANCEL_AFTER) && a->fuzz.cancel_ms >= a->fuzz.timeout_ms) {
        err = kmd_why(ERROR_INVALID_PARAMETER, why, why_size,
                      "--cancel-after (%lu ms) must be shorter than --timeout (%lu ms)",
                      (unsigned long)a->fuzz.cancel_ms, (unsigned long)a->fuzz.timeout_ms);
        goto done;
    }

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
