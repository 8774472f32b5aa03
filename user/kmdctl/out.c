/* kmdctl's output: see out.h. */
#include "out.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sbuf {
    char *buf;
    size_t len, cap;
};

static struct {
    int json;
    const char *command;
    struct sbuf body; /* the JSON fields after "command" */
    int need_comma;
    int failed;
    DWORD error;
    char error_text[1024];
    int nomem;
} o;

void out_init(int json, const char *command)
{
    o.json = json;
    o.command = command;
}

int out_json(void)
{
    return o.json;
}

const char *u8(const wchar_t *s)
{
    static char ring[8][4 * KMD_PATH_MAX];
    static int next;
    char *buf = ring[next++ % 8];

    return kmd_utf8(s ? s : L"", buf, sizeof ring[0]);
}

void out_line(const char *fmt, ...)
{
    va_list ap;

    if (o.json)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void sput(struct sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096) + n;
        char *p = realloc(b->buf, cap);
        if (!p) {
            o.nomem = 1;
            return;
        }
        b->buf = p;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sputs(struct sbuf *b, const char *s)
{
    sput(b, s, strlen(s));
}

/* A JSON string: UTF-8 passed through, quotes, backslashes and control characters escaped. */
static void sput_string(struct sbuf *b, const char *s)
{
    sput(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            sput(b, esc, 2);
        } else if (c == '\n') {
            sputs(b, "\\n");
        } else if (c == '\r') {
            sputs(b, "\\r");
        } else if (c == '\t') {
            sputs(b, "\\t");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sputs(b, esc);
        } else {
            sput(b, s, 1);
        }
    }
    sput(b, "\"", 1);
}

static void put(const char *s, size_t n)
{
    sput(&o.body, s, n);
}

static void puts_(const char *s)
{
    sputs(&o.body, s);
}

static void put_string(const char *s)
{
    sput_string(&o.body, s);
}

static void key(const char *k)
{
    if (o.need_comma)
        put(",", 1);
    o.need_comma = 1;
    if (k) {
        put_string(k);
        put(":", 1);
    }
}

void out_str(const char *k, const char *value)
{
    if (!o.json)
        return;
    key(k);
    if (value)
        put_string(value);
    else
        puts_("null");
}

void out_wstr(const char *k, const wchar_t *value)
{
    out_str(k, value ? u8(value) : NULL);
}

void out_num(const char *k, unsigned long long value)
{
    char n[32];

    if (!o.json)
        return;
    key(k);
    snprintf(n, sizeof n, "%llu", value);
    puts_(n);
}

void out_bool(const char *k, int value)
{
    if (!o.json)
        return;
    key(k);
    puts_(value ? "true" : "false");
}

void out_open(const char *k, char bracket)
{
    if (!o.json)
        return;
    key(k);
    put(&bracket, 1);
    o.need_comma = 0;
}

void out_close(char bracket)
{
    if (!o.json)
        return;
    put(&bracket, 1);
    o.need_comma = 1;
}

int exit_for_error(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_DEV_NOT_EXIST:
    case ERROR_SERVICE_DOES_NOT_EXIST:
        return KMDCTL_EXIT_NOT_FOUND;
    case ERROR_SERVICE_ALREADY_RUNNING:
    case ERROR_SERVICE_NOT_ACTIVE:
    case ERROR_SERVICE_MARKED_FOR_DELETE:
    case ERROR_SERVICE_CANNOT_ACCEPT_CTRL:
    case ERROR_SERVICE_DISABLED:
    case ERROR_SERVICE_EXISTS:
        return KMDCTL_EXIT_STATE;
    }
    return KMDCTL_EXIT_FAILED;
}

static int vfail(int exit_code, DWORD err, int with_text, const char *fmt, va_list ap)
{
    char what[768], msg[600];

    if (exit_code < 0)
        exit_code = exit_for_error(err);
    vsnprintf(what, sizeof what, fmt, ap);
    if (err && with_text)
        snprintf(msg, sizeof msg, ": %s", kmd_format_error(err, (char[512]){0}, 512));
    else
        msg[0] = '\0';
    if (!o.json)
        fprintf(stderr, "kmdctl: %s%s\n", what, msg);
    if (!o.failed) {
        o.failed = exit_code;
        o.error = err;
        snprintf(o.error_text, sizeof o.error_text, "%s%s", what, msg);
    }
    return exit_code;
}

int out_fail(int exit_code, DWORD err, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(exit_code, err, 1, fmt, ap);
    va_end(ap);
    return rc;
}

int out_usage(DWORD err, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(KMDCTL_EXIT_USAGE, err, 0, fmt, ap);
    va_end(ap);
    return rc;
}

int out_finish(int exit_code)
{
    if (exit_code == 0 && o.failed)
        exit_code = o.failed;
    if (o.json) {
        struct sbuf head = {0};
        char n[32];

        sputs(&head, exit_code == 0 ? "{\"ok\":true,\"command\":" : "{\"ok\":false,\"command\":");
        if (o.command)
            sput_string(&head, o.command);
        else
            sputs(&head, "null");
        if (o.failed) {
            const char *name = o.error ? kmd_win32_error_name(o.error) : NULL;
            snprintf(n, sizeof n, "%lu", (unsigned long)o.error);
            sputs(&head, ",\"error\":{\"code\":");
            sputs(&head, n);
            sputs(&head, ",\"name\":");
            if (name)
                sput_string(&head, name);
            else
                sputs(&head, "null");
            sputs(&head, ",\"message\":");
            sput_string(&head, o.error_text);
            sputs(&head, "}");
        }
        if (o.body.len) {
            sputs(&head, ",");
            sputs(&head, o.body.buf);
        }
        snprintf(n, sizeof n, ",\"exit\":%d}\n", exit_code);
        sputs(&head, n);
        if (o.nomem) {
            printf("{\"ok\":false,\"command\":null,\"error\":{\"code\":8,\"name\":"
                   "\"ERROR_NOT_ENOUGH_MEMORY\",\"message\":\"out of memory\"},\"exit\":1}\n");
            exit_code = KMDCTL_EXIT_FAILED;
        } else {
            fputs(head.buf, stdout);
        }
        free(head.buf);
    }
    fflush(stdout);
    free(o.body.buf);
    o.body.buf = NULL;
    return exit_code;
}
