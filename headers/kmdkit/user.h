/* kmdkit's user-mode library (user/lib): what kmdctl and the example clients share.
 * Style: snake_case with a kmd_ prefix; functions return a Win32 error code (0 = success) and
 * hand results back through pointers, so every failure can be printed with kmd_format_error(). */
#ifndef KMDKIT_USER_H
#define KMDKIT_USER_H

#include <windows.h>

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* --- devices ------------------------------------------------------------------------------ */

/* Opens a device for read/write. `name` is a bare name ("KmdSkeleton" -> \\.\KmdSkeleton) or a
 * full path starting with a backslash (\\.\X, \\?\X, \??\X). */
DWORD kmd_device_open(const wchar_t *name, HANDLE *device);

/* Exit codes of kmdkit's example clients: 0 success, 1 the driver answered with an error (or a
 * check failed), 2 bad arguments, 3 the device could not be opened. */
enum { KMD_EXIT_OK = 0, KMD_EXIT_DRIVER_ERROR = 1, KMD_EXIT_USAGE = 2, KMD_EXIT_NO_DEVICE = 3 };

/* kmd_device_open() or, failing that, "PROG: cannot open \\.\NAME: <error>" on stderr and
 * exit(KMD_EXIT_NO_DEVICE): the one way a console client opens its driver's device. */
HANDLE kmd_open_device_or_exit(const char *prog, const wchar_t *name);

/* DeviceIoControl, synchronous. `returned` (may be NULL) gets the bytes written to `out`. */
DWORD kmd_ioctl(HANDLE device, DWORD code, const void *in, DWORD in_size, void *out, DWORD out_size,
                DWORD *returned);

/* kmd_ioctl() for a request whose answer fills all of `out`: when the driver succeeds with fewer
 * bytes, prints "WHAT: wrong answer: <N> bytes (expected <out_size>)" to stdout and returns
 * ERROR_INVALID_DATA. */
DWORD kmd_ioctl_full(HANDLE device, const char *what, DWORD code, const void *in, DWORD in_size,
                     void *out, DWORD out_size);

/* --- errors ------------------------------------------------------------------------------- */

/* "122 (ERROR_INSUFFICIENT_BUFFER): The data area passed to a system call is too small." */
const char *kmd_format_error(DWORD error, char *buf, size_t size);
/* kmd_format_error() into a static buffer, overwritten by the next call: not reentrant, for
 * single-threaded console clients, and one call per printf. */
const char *kmd_error_text(DWORD error);
/* "0xC0000023 (STATUS_BUFFER_TOO_SMALL): The buffer is too small ..." */
const char *kmd_format_ntstatus(LONG status, char *buf, size_t size);
/* The symbolic name, or NULL when the table does not know it. */
const char *kmd_win32_error_name(DWORD error);
const char *kmd_ntstatus_name(LONG status);

/* --- hex ---------------------------------------------------------------------------------- */

/* Prints `size` bytes as a hex dump: offset, 16 bytes, ASCII. */
void kmd_hexdump(FILE *f, const void *data, size_t size);

/* --- example clients (user/lib/wine.c, user/lib/client.c) -------------------------------- */

/* Whether this process runs under Wine (ntdll exports wine_get_version). Clients use it only to
 * SAY what a test could not check under Wine; drivers never change behaviour. */
BOOL kmd_running_on_wine(void);

#if defined(__GNUC__) && defined(__MINGW_PRINTF_FORMAT)
#define KMD_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define KMD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KMD_PRINTF(f, a)
#endif

/* Prints "ok: <format ...>" or "FAIL: <format ...>" and a newline to stdout, and counts the
 * failures. For single-threaded console clients. */
void kmd_check(int ok, const char *format, ...) KMD_PRINTF(2, 3);
/* How many kmd_check() calls failed so far. */
int kmd_check_failures(void);
/* kmd_check() that a request's Win32 error is WANT (0: success):
 * "ok: WHAT: 0 (ERROR_SUCCESS): ... (expected 0)" or "FAIL: ...". */
void kmd_check_error(const char *what, DWORD err, DWORD want);
/* Sends CODE with IN_SIZE zero bytes of input and room for OUT_SIZE bytes of output (no buffer
 * for a size 0) and kmd_check()s that the Win32 error is WANT: "ok: WHAT: <kmd_error_text>" or
 * "FAIL: ...". For the requests a contract says its driver refuses. */
void kmd_check_ioctl(HANDLE h, const char *what, DWORD code, DWORD in_size, DWORD out_size,
                     DWORD want);
/* The verdict of a self-checking command: prints "WHAT: passed" when no kmd_check() failed,
 * else "WHAT: FAILED", and returns the exit code (KMD_EXIT_OK or KMD_EXIT_DRIVER_ERROR). */
int kmd_check_verdict(const char *what);

/* Prints "WHAT: error: <kmd_format_error>" to stdout and returns 1 (a client's exit code for
 * "the driver answered with an error"). */
int kmd_print_error(const char *what, DWORD err);

/* Parses S as a number from 0 to MAX into *OUT: digits only (decimal, 0x hex or 0 octal), no
 * sign, no blanks, no overflow. On failure prints "PROG: 'S' is not a number from 0 to MAX" to
 * stderr and returns 0. */
int kmd_parse_uint(const char *prog, const char *s, DWORD max, DWORD *out);

/* A word a client's "call" command knows: the IOCTL code it stands for and the default input
 * and output sizes. Arrays end with {NULL}. */
struct kmd_call_name {
    const char *word;
    DWORD code;
    DWORD in_size;
    DWORD out_size; /* or KMD_CALL_OUT_AS_IN */
};

/* kmd_call_name.out_size: as many output bytes as input bytes (an echo). */
#define KMD_CALL_OUT_AS_IN 0xFFFFFFFFu

/* Most input and output bytes kmd_call_command() sends and takes. */
#define KMD_CALL_IN_MAX 65536
#define KMD_CALL_OUT_MAX 65536

/* How long kmd_call_command() lets a request stay pending before it cancels it. */
#define KMD_CALL_PENDING_MS 1000

/* A client's raw-IOCTL command, argv[0] being the word or the code:
 *   PROG call WORD|HEXCODE [--in TEXT | --in-size N [--value V] [--value2 V]] [--out-size N]
 * The sizes default to the word's (0 for a hex code). The input is TEXT's bytes (no NUL), or
 * N zero bytes with V in the first 4 and V2 in the next 4.
 * Output, on stdout:
 *   call 0x<code> in <N> out <N>
 *   call: pending (cancelling it)            only for a request still pending (see below)
 *   call: ok: <N> bytes                      then kmd_hexdump() of them,
 *   call: error: <kmd_format_error>          or this (kmd_print_error("call", ...))
 * A request the driver may keep pending needs a handle opened with FILE_FLAG_OVERLAPPED: it is
 * given KMD_CALL_PENDING_MS, then cancelled (CancelIoEx), and its final status is printed
 * (usually 995, ERROR_OPERATION_ABORTED). On a synchronous handle every call waits for the
 * driver. Usage errors go to stderr, prefixed "PROG: ".
 * Returns the exit code: 0, 1 (the driver answered with an error) or 2 (bad arguments). */
int kmd_call_command(HANDLE h, const char *prog, const struct kmd_call_name *names, int argc,
                     char **argv);

/* One command of an example client: PROG NAME [WORD ...]. Tables end with {0}; the first entry
 * is the command run when there is no argument. Written with the macros below. */
struct kmd_command {
    const char *name;
    /* A command that takes no words. `h` is the device, opened by kmd_client_main() and closed
     * after run() returns, or NULL with own_device (run() opens and closes the device itself). */
    int (*run)(HANDLE h);
    int own_device;
    /* Or one that takes min_words to max_words words, argv[0] being the first. It checks them,
     * then asks kmd_client_device() for the device. */
    int (*run_words)(int argc, char **argv);
    int min_words, max_words;
    const char *words; /* for a wrong count: "PROG: NAME takes WORDS" */
};

/* The entries of a kmd_command table. */
/* clang-format off */
#define KMD_COMMAND(NAME, RUN) {.name = (NAME), .run = (RUN)}
#define KMD_COMMAND_OWN_DEVICE(NAME, RUN) {.name = (NAME), .run = (RUN), .own_device = 1}
#define KMD_COMMAND_WORDS(NAME, RUN, MIN, MAX, WORDS) \
    {.name = (NAME), .run_words = (RUN), .min_words = (MIN), .max_words = (MAX), .words = (WORDS)}
/* clang-format on */

/* The device of the running kmd_client_main() command: opened on the first call
 * (kmd_open_device_or_exit), closed by kmd_client_main() when the command returns. */
HANDLE kmd_client_device(void);

/* The main() of an example client: argv[1] names a command in `commands` (the first one when
 * there is no argument), or "call" when `call_names` is not NULL: kmd_call_command() with them.
 * "-h" or "--help" prints `usage` to stdout (exit 0); an unknown command
 * ("PROG: unknown command 'X' (try --help)") or a wrong number of words ("PROG: NAME takes WORDS",
 * or "takes no arguments") goes to stderr (exit KMD_EXIT_USAGE). Otherwise it opens `device`
 * (kmd_open_device_or_exit) unless the command has own_device, runs the command, closes the device
 * and returns the command's exit code. */
int kmd_client_main(const char *prog, const wchar_t *device, const char *usage,
                    const struct kmd_command *commands, const struct kmd_call_name *call_names,
                    int argc, char **argv);

/* --- services (user/lib/service.c) --------------------------------------------------------- */

/* Longest image path (in wide characters, with the terminator) the service functions handle. */
#define KMD_PATH_MAX 1024

/* What kmd_service_install() did. */
enum kmd_install_action {
    KMD_INSTALL_CREATED,   /* a new service */
    KMD_INSTALL_UPDATED,   /* it existed; image path and/or start type changed */
    KMD_INSTALL_UNCHANGED, /* it existed with this image path and start type */
};

struct kmd_install_result {
    enum kmd_install_action action;
    int path_changed;       /* KMD_INSTALL_UPDATED: the image path was different */
    int start_type_changed; /* KMD_INSTALL_UPDATED: the start type was different */
    DWORD old_start_type;
    wchar_t image_path[KMD_PATH_MAX];     /* as stored: absolute */
    wchar_t old_image_path[KMD_PATH_MAX]; /* before the update ("" when created) */
};

struct kmd_service_info {
    DWORD state;           /* SERVICE_STOPPED, SERVICE_RUNNING, ... */
    DWORD type;            /* SERVICE_KERNEL_DRIVER, ... */
    DWORD start_type;      /* SERVICE_DEMAND_START, ... */
    DWORD win32_exit_code; /* of the last start or stop */
    wchar_t image_path[KMD_PATH_MAX];
};

/* OpenSCManagerW on the local machine. Close with CloseServiceHandle. */
DWORD kmd_scm_open(DWORD access, SC_HANDLE *scm);
/* OpenServiceW; ERROR_SERVICE_DOES_NOT_EXIST when there is no such service. */
DWORD kmd_service_open(SC_HANDLE scm, const wchar_t *name, DWORD access, SC_HANDLE *service);

/* GetFullPathNameW: `path` made absolute against the current directory. */
DWORD kmd_full_path(const wchar_t *path, wchar_t *full, DWORD size);

/* Registers a kernel-driver service (SERVICE_KERNEL_DRIVER, SERVICE_ERROR_NORMAL) for the driver
 * file `path`, stored as an absolute path. `start_type` is SERVICE_DEMAND_START, SERVICE_AUTO_START
 * or SERVICE_SYSTEM_START. When the service exists, its image path and start type are updated with
 * ChangeServiceConfigW if they differ; a service that is not a kernel driver is left alone
 * (ERROR_SERVICE_EXISTS). `result` (may be NULL) says what was done. */
DWORD kmd_service_install(const wchar_t *name, const wchar_t *path, DWORD start_type,
                          struct kmd_install_result *result);
/* StartServiceW. A driver's DriverEntry runs now; its failure comes back as a Win32 error. */
DWORD kmd_service_start(const wchar_t *name);
/* SERVICE_CONTROL_STOP, then waits up to `timeout_ms` for SERVICE_STOPPED
 * (ERROR_SERVICE_REQUEST_TIMEOUT after that). ERROR_SERVICE_NOT_ACTIVE when it was not running. */
DWORD kmd_service_stop(const wchar_t *name, DWORD timeout_ms);
/* DeleteService. */
DWORD kmd_service_remove(const wchar_t *name);
/* State (QueryServiceStatus) and configuration (QueryServiceConfigW). */
DWORD kmd_service_query(const wchar_t *name, struct kmd_service_info *info);

/* Lower-case words for service values: "running", "kernel-driver", "demand", ...;
 * "unknown" for a value they do not know. */
const char *kmd_service_state_name(DWORD state);
const char *kmd_service_type_name(DWORD type);
const char *kmd_start_type_name(DWORD start_type);

/* --- parsing (user/lib/parse.c: no system calls, unit-tested) ------------------------------ */
/* Each returns 0 or a Win32 error (ERROR_INVALID_DATA, ERROR_INVALID_NAME, ...) and, on error,
 * writes to `why` (UTF-8, may be NULL) what is wrong, naming the offending value. */

/* "demand", "auto", "system" -> SERVICE_DEMAND_START, SERVICE_AUTO_START, SERVICE_SYSTEM_START */
DWORD kmd_parse_start_type(const wchar_t *s, DWORD *start_type, char *why, size_t why_size);

/* A service name: 1 to KMD_SERVICE_NAME_MAX characters, letters, digits, '_', '-', '.'. */
#define KMD_SERVICE_NAME_MAX 256
DWORD kmd_check_service_name(const wchar_t *s, char *why, size_t why_size);

/* Hex bytes: pairs of hex digits, optionally separated by spaces or colons ("0c 00:ff", "0c00ff").
 * Every group between separators must have an even number of digits. Writes up to `cap` bytes to
 * `out` (ERROR_INSUFFICIENT_BUFFER beyond); `size` gets the count. "" is zero bytes. */
DWORD kmd_parse_hex_bytes(const wchar_t *s, unsigned char *out, size_t cap, size_t *size, char *why,
                          size_t why_size);

/* An unsigned number: decimal, or hex with a 0x prefix; at most `max`. */
DWORD kmd_parse_number(const wchar_t *s, DWORD max, DWORD *value, char *why, size_t why_size);

/* An IOCTL code: hex ("0x80002000" or "80002000", 1 to 8 digits), or the fields
 * TYPE:FUNCTION:METHOD:ACCESS, TYPE 0-0xFFFF and FUNCTION 0-0xFFF as kmd_parse_number() numbers,
 * METHOD buffered|in-direct|out-direct|neither or 0-3, ACCESS any|read|write|rw or 0-3. */
DWORD kmd_parse_ioctl_code(const wchar_t *s, DWORD *code, char *why, size_t why_size);
/* "0x81002000 (type 0x8100, function 0x800, buffered, any)" */
const char *kmd_format_ioctl_code(DWORD code, char *buf, size_t size);

/* UTF-16 -> UTF-8 (unpaired surrogates become U+FFFD), always terminated, truncated to fit.
 * Returns `buf`. */
char *kmd_utf8(const wchar_t *s, char *buf, size_t size);

/* The error return of the functions above: formats `why` (when not NULL) and returns `err`. */
DWORD kmd_why(DWORD err, char *why, size_t why_size, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 4, 5)));

#ifdef __cplusplus
}
#endif

#endif
