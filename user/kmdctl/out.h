/* kmdctl's output: human lines on stdout (errors on stderr), or with --json exactly one JSON object
 * on stdout: {"ok":true|false,"command":"...",<fields>,["error":{...},]"exit":N}. */
#ifndef KMDCTL_OUT_H
#define KMDCTL_OUT_H

#include <kmdkit/user.h>

/* Exit codes (also in --help and docs/kmdctl.md). */
enum {
    KMDCTL_EXIT_OK = 0,
    KMDCTL_EXIT_FAILED = 1,    /* the system refused: a Win32 error */
    KMDCTL_EXIT_USAGE = 2,     /* bad command line or value */
    KMDCTL_EXIT_NOT_FOUND = 3, /* no such file, service or device */
    KMDCTL_EXIT_STATE = 4,     /* wrong state: already running, not running, ... */
    KMDCTL_EXIT_CHECKSUM = 5,  /* checksums: a file mismatched, is missing or a line is malformed */
    KMDCTL_EXIT_HOST_DIED = 6, /* fuzz: the device's host died or hung */
};

void out_init(int json, const char *command);
int out_json(void);

/* A UTF-8 copy of a wide string in one of a few rotating buffers: for printf arguments. */
const char *u8(const wchar_t *s);

/* Human mode only: a line on stdout (printf format, '\n' added). */
void out_line(const char *fmt, ...) __attribute__((format(__MINGW_PRINTF_FORMAT, 1, 2)));

/* JSON fields of the current object (ignored in human mode). `key` NULL inside arrays. */
void out_str(const char *key, const char *value); /* value NULL -> null */
void out_wstr(const char *key, const wchar_t *value);
void out_num(const char *key, unsigned long long value);
void out_bool(const char *key, int value);
void out_open(const char *key, char bracket); /* '{' or '[' */
void out_close(char bracket);

/* The exit code a Win32 error maps to: not found (3), wrong state (4), else failed (1). */
int exit_for_error(DWORD err);

/* Records the failure (the first one counts), prints "kmdctl: <what>: <code (NAME): text>" on
 * stderr in human mode; returns the exit code (exit_for_error(err) when `exit_code` is -1).
 * `err` 0 is allowed for failures that have no Win32 error (then only `what` is printed). */
int out_fail(int exit_code, DWORD err, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 3, 4)));

/* A usage error (exit 2): like out_fail, but the message is only `fmt`'s text (the Win32 code
 * still goes into the JSON error object). */
int out_usage(DWORD err, const char *fmt, ...) __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)));

/* Prints the JSON object (JSON mode) and returns the exit code to leave with. */
int out_finish(int exit_code);

#endif
