/* What the example clients share: "ok:"/"FAIL:" checks with a failure count, numbers from the
 * command line, and the raw-IOCTL "call" command. All print to stdout for single-threaded
 * console clients. */
#include <kmdkit/user.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

void kmd_check(int ok, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(format, ap);
    putchar('\n');
    va_end(ap);
    if (!ok)
        failures++;
}

int kmd_check_failures(void)
{
    return failures;
}

void kmd_check_error(const char *what, DWORD err, DWORD want)
{
    kmd_check(err == want, "%s: %s (expected %lu)", what, kmd_error_text(err), (unsigned long)want);
}

void kmd_check_ioctl(HANDLE h, const char *what, DWORD code, DWORD in_size, DWORD out_size,
                     DWORD want)
{
    unsigned char *in = calloc(in_size ? in_size : 1, 1);
    unsigned char *out = calloc(out_size ? out_size : 1, 1);
    DWORD err = ERROR_NOT_ENOUGH_MEMORY;

    if (in && out)
        err =
            kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, NULL);
    kmd_check(err == want, "%s: %s", what, kmd_error_text(err));
    free(in);
    free(out);
}

int kmd_check_verdict(const char *what)
{
    printf("%s: %s\n", what, failures ? "FAILED" : "passed");
    return failures ? KMD_EXIT_DRIVER_ERROR : KMD_EXIT_OK;
}

int kmd_parse_uint(const char *prog, const char *s, DWORD max, DWORD *out)
{
    char *end = (char *)s;
    unsigned long v = 0;

    /* strtoul alone would take " 7", "+7" and "-1" (as ULONG_MAX) and saturate on overflow. */
    errno = 0;
    if (isdigit((unsigned char)s[0]))
        v = strtoul(s, &end, 0);
    if (end == s || *end != '\0' || errno == ERANGE || v > max) {
        fprintf(stderr, "%s: '%s' is not a number from 0 to %lu\n", prog, s, (unsigned long)max);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

int kmd_print_error(const char *what, DWORD err)
{
    char msg[512];
    printf("%s: error: %s\n", what, kmd_format_error(err, msg, sizeof msg));
    return 1;
}

/* "PROG: WHAT start, stop, query or a hex IOCTL code" on stderr. */
static int call_usage(const char *prog, const char *what, const struct kmd_call_name *names)
{
    fprintf(stderr, "%s: %s ", prog, what);
    for (const struct kmd_call_name *n = names; n->word; n++)
        fprintf(stderr, "%s%s", n == names ? "" : ", ", n->word);
    fprintf(stderr, "%sa hex IOCTL code\n", names->word ? " or " : "");
    return KMD_EXIT_USAGE;
}

/* DeviceIoControl with an OVERLAPPED: synchronous on a synchronous handle; on an overlapped one
 * a request the driver keeps pending is given KMD_CALL_PENDING_MS, then cancelled. */
static DWORD call_send(HANDLE h, DWORD code, void *in, DWORD in_size, void *out, DWORD out_size,
                       DWORD *got)
{
    OVERLAPPED ov = {0};
    DWORD err = 0;

    *got = 0;
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (ov.hEvent == NULL)
        return GetLastError();
    if (!DeviceIoControl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size,
                         NULL, &ov))
        err = GetLastError();
    if (err == ERROR_IO_PENDING) {
        if (WaitForSingleObject(ov.hEvent, KMD_CALL_PENDING_MS) == WAIT_TIMEOUT) {
            printf("call: pending (cancelling it)\n");
            CancelIoEx(h, &ov);
        }
        err = 0; /* its final status comes next: the driver must complete it once cancelled */
    }
    if (err == 0 && !GetOverlappedResult(h, &ov, got, TRUE))
        err = GetLastError();
    CloseHandle(ov.hEvent);
    return err;
}

int kmd_call_command(HANDLE h, const char *prog, const struct kmd_call_name *names, int argc,
                     char **argv)
{
    DWORD code = 0, in_size = 0, out_size = 0, value = 0, value2 = 0, got = 0, err;
    const char *text = NULL;
    int sized = 0, out_given = 0;
    const struct kmd_call_name *n;
    unsigned char *in, *out;
    char *end;

    if (argc < 1)
        return call_usage(prog, "call needs", names);
    for (n = names; n->word && strcmp(argv[0], n->word) != 0; n++)
        ;
    if (n->word) {
        code = n->code;
        in_size = n->in_size;
        out_size = n->out_size;
    } else {
        char what[80];

        errno = 0;
        code = strtoul(argv[0], &end, 16);
        if (!isxdigit((unsigned char)argv[0][0]) || *end != '\0' || errno == ERANGE) {
            snprintf(what, sizeof what, "'%.60s' is not", argv[0]);
            return call_usage(prog, what, names);
        }
    }
    for (int i = 1; i < argc; i += 2) {
        const char *opt = argv[i];
        DWORD *target = strcmp(opt, "--in-size") == 0    ? &in_size
                        : strcmp(opt, "--out-size") == 0 ? &out_size
                        : strcmp(opt, "--value") == 0    ? &value
                        : strcmp(opt, "--value2") == 0   ? &value2
                                                         : NULL;
        if ((target == NULL && strcmp(opt, "--in") != 0) || i + 1 >= argc) {
            fprintf(stderr, "%s: unknown option or missing value: '%s'\n", prog, opt);
            return KMD_EXIT_USAGE;
        }
        if (target == NULL) {
            text = argv[i + 1];
            if (strlen(text) > KMD_CALL_IN_MAX) {
                fprintf(stderr, "%s: --in takes at most %u bytes\n", prog, KMD_CALL_IN_MAX);
                return KMD_EXIT_USAGE;
            }
            continue;
        }
        if (!kmd_parse_uint(prog, argv[i + 1],
                            target == &in_size    ? KMD_CALL_IN_MAX
                            : target == &out_size ? KMD_CALL_OUT_MAX
                                                  : 0xFFFFFFFFu,
                            target))
            return KMD_EXIT_USAGE;
        sized |= target != &out_size;
        out_given |= target == &out_size;
    }
    if (text && sized) {
        fprintf(stderr, "%s: --in TEXT cannot be combined with --in-size, --value or --value2\n",
                prog);
        return KMD_EXIT_USAGE;
    }
    if (text)
        in_size = (DWORD)strlen(text);
    if (!out_given && out_size == KMD_CALL_OUT_AS_IN)
        out_size = in_size;
    /* At least 8 input bytes, so --value and --value2 always have their place. */
    in = calloc(in_size > 8 ? in_size : 8, 1);
    out = calloc(out_size ? out_size : 1, 1);
    if (in == NULL || out == NULL) {
        free(in);
        free(out);
        return kmd_print_error("call", ERROR_NOT_ENOUGH_MEMORY);
    }
    if (text) {
        memcpy(in, text, in_size);
    } else {
        memcpy(in, &value, sizeof value);
        memcpy(in + 4, &value2, sizeof value2);
    }
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    err = call_send(h, code, in, in_size, out, out_size, &got);
    if (err == 0) {
        printf("call: ok: %lu bytes\n", (unsigned long)got);
        kmd_hexdump(stdout, out, got);
    }
    free(in);
    free(out);
    return err ? kmd_print_error("call", err) : KMD_EXIT_OK;
}

/* kmd_client_main()'s program and device, for kmd_client_device(). */
static const char *client_prog;
static const wchar_t *client_name;
static HANDLE client_device;

HANDLE kmd_client_device(void)
{
    if (client_device == NULL)
        client_device = kmd_open_device_or_exit(client_prog, client_name);
    return client_device;
}

int kmd_client_main(const char *prog, const wchar_t *device, const char *usage,
                    const struct kmd_command *commands, const struct kmd_call_name *call_names,
                    int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : commands[0].name;
    const struct kmd_command *c;
    int words = argc > 1 ? argc - 2 : 0;
    int rc;

    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        puts(usage);
        return KMD_EXIT_OK;
    }
    client_prog = prog;
    client_name = device;
    for (c = commands; c->name && strcmp(name, c->name) != 0; c++)
        ;
    if (c->name == NULL && call_names && strcmp(name, "call") == 0) {
        rc = kmd_call_command(kmd_client_device(), prog, call_names, words, argv + 2);
    } else if (c->name == NULL) {
        fprintf(stderr, "%s: unknown command '%s' (try --help)\n", prog, name);
        return KMD_EXIT_USAGE;
    } else if (c->run ? words > 0 : words < c->min_words || words > c->max_words) {
        fprintf(stderr, "%s: %s takes %s\n", prog, name, c->run ? "no arguments" : c->words);
        return KMD_EXIT_USAGE;
    } else if (c->run) {
        rc = c->run(c->own_device ? NULL : kmd_client_device());
    } else {
        rc = c->run_words(words, argv + 2);
    }
    if (client_device)
        CloseHandle(client_device);
    client_device = NULL;
    return rc;
}
