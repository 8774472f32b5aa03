/* kmdctl's command line: subcommand, operands and options, checked before anything touches the
 * system. Pure C (no system calls), unit-tested by tests/kmdctl/args_test.c. */
#ifndef KMDCTL_ARGS_H
#define KMDCTL_ARGS_H

#include <kmdkit/user.h>

#define KMDCTL_OUT_SIZE_DEFAULT 256 /* --out-size when not given */
#define KMDCTL_BUFFER_CAP 1048576   /* 1 MiB: the cap of --out-size, --in and --in-file */
#define KMDCTL_MAX_IOCTLS 32        /* --ioctl given to run at most this often */
#define KMDCTL_STOP_TIMEOUT_MS 10000

enum kmdctl_command {
    KMDCTL_HELP,
    KMDCTL_INSTALL,
    KMDCTL_START,
    KMDCTL_STOP,
    KMDCTL_REMOVE,
    KMDCTL_STATUS,
    KMDCTL_IOCTL,
    KMDCTL_RUN,
    KMDCTL_CERT_INSTALL,
    KMDCTL_TESTSIGNING,
    KMDCTL_CHECKSUMS,
};

struct kmdctl_args {
    enum kmdctl_command command;
    const char *command_name; /* "install", ...; "help" */
    int json;                 /* --json */
    const wchar_t *path;      /* install, run: PATH.sys; cert-install, checksums: FILE */
    wchar_t name[KMD_SERVICE_NAME_MAX + 1]; /* the service: operand, --name or from PATH */
    const wchar_t *device;                  /* ioctl: DEVICE; run: --device (default: name) */
    DWORD start_type;                       /* install: --start (default demand) */
    DWORD code;                             /* ioctl: CODE */
    const wchar_t *code_text;
    unsigned char *in; /* ioctl --in: the bytes (malloc'd; kmdctl_args_free) */
    size_t in_size;
    const wchar_t *in_file;          /* ioctl --in-file */
    DWORD out_size;                  /* ioctl, run: --out-size */
    const wchar_t *out_file;         /* ioctl --out-file */
    DWORD ioctls[KMDCTL_MAX_IOCTLS]; /* run: --ioctl CODE... */
    size_t ioctl_count;
};

/* Parses argv[1..argc-1]. Returns 0, or a Win32 error (ERROR_BAD_ARGUMENTS, ERROR_INVALID_NAME,
 * ERROR_INVALID_DATA, ...) with `why` (UTF-8) naming the problem and the offending value; kmdctl
 * exits with 2 then. `a->json` and `a->command_name` are set as far as they were seen, so even a
 * usage error can be answered in JSON. */
DWORD kmdctl_parse(int argc, wchar_t **argv, struct kmdctl_args *a, char *why, size_t why_size);
void kmdctl_args_free(struct kmdctl_args *a);

#endif
