/* What the example clients share: "ok:"/"FAIL:" checks with a failure count, and the raw-IOCTL
 * "call" command. Both print to stdout for single-threaded console clients. */
#include <kmdkit/user.h>

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

/* "start, stop, query" */
static void print_words(const struct kmd_call_name *names)
{
    for (const struct kmd_call_name *n = names; n->word; n++)
        fprintf(stderr, "%s%s", n == names ? "" : ", ", n->word);
}

int kmd_parse_uint(const char *prog, const char *s, DWORD max, DWORD *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 0);

    if (*s == '\0' || *end != '\0' || v > max) {
        fprintf(stderr, "%s: '%s' is not a number from 0 to %lu\n", prog, s, (unsigned long)max);
        return 0;
    }
    *out = (DWORD)v;
    return 1;
}

int kmd_call_command(HANDLE h, const char *prog, const struct kmd_call_name *names, int argc,
                     char **argv)
{
    DWORD code = 0, in_size = 0, out_size = 0, value = 0, value2 = 0, got = 0, err;
    unsigned char in[KMD_CALL_IN_MAX] = {0}, out[KMD_CALL_OUT_MAX] = {0};
    const struct kmd_call_name *n;
    char msg[512];
    char *end;

    if (argc < 1) {
        fprintf(stderr, "%s: call needs ", prog);
        print_words(names);
        fprintf(stderr, " or a hex IOCTL code\n");
        return 2;
    }
    for (n = names; n->word && strcmp(argv[0], n->word) != 0; n++)
        ;
    if (n->word) {
        code = n->code;
        in_size = n->in_size;
        out_size = n->out_size;
    } else {
        code = strtoul(argv[0], &end, 16);
        if (*end != '\0') {
            fprintf(stderr, "%s: '%s' is not ", prog, argv[0]);
            print_words(names);
            fprintf(stderr, " or a hex IOCTL code\n");
            return 2;
        }
    }
    for (int i = 1; i < argc; i += 2) {
        DWORD *target = strcmp(argv[i], "--in-size") == 0    ? &in_size
                        : strcmp(argv[i], "--out-size") == 0 ? &out_size
                        : strcmp(argv[i], "--value") == 0    ? &value
                        : strcmp(argv[i], "--value2") == 0   ? &value2
                                                             : NULL;
        if (target == NULL || i + 1 >= argc) {
            fprintf(stderr, "%s: unknown option or missing value: '%s'\n", prog, argv[i]);
            return 2;
        }
        if (!kmd_parse_uint(prog, argv[i + 1],
                            (target == &value || target == &value2) ? 0xFFFFFFFFu : sizeof out,
                            target))
            return 2;
    }
    if (in_size > sizeof in) {
        fprintf(stderr, "%s: --in-size is at most %u\n", prog, (unsigned)sizeof in);
        return 2;
    }
    memcpy(in, &value, sizeof value);
    memcpy(in + 4, &value2, sizeof value2);
    printf("call 0x%08lx in %lu out %lu\n", (unsigned long)code, (unsigned long)in_size,
           (unsigned long)out_size);
    err = kmd_ioctl(h, code, in_size ? in : NULL, in_size, out_size ? out : NULL, out_size, &got);
    if (err) {
        printf("call: error: %s\n", kmd_format_error(err, msg, sizeof msg));
        return 1;
    }
    printf("call: ok: %lu bytes\n", (unsigned long)got);
    kmd_hexdump(stdout, out, got);
    return 0;
}

int kmd_print_error(const char *what, DWORD err)
{
    char msg[512];
    printf("%s: error: %s\n", what, kmd_format_error(err, msg, sizeof msg));
    return 1;
}
