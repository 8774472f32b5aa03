/* kmdctl's command line: the subcommand (a row of commands.def), its operands and options, checked
 * before anything touches the system. Pure C (no system calls), unit-tested by
 * tests/kmdctl/args_test.c. */
#ifndef KMDCTL_ARGS_H
#define KMDCTL_ARGS_H

#include <kmdkit/user.h>

#include "fuzz.h"

#define KMDCTL_OUT_SIZE_DEFAULT 256 /* --out-size when not given */
#define KMDCTL_BUFFER_CAP 1048576   /* 1 MiB: the cap of --out-size, --in and --in-file */
#define KMDCTL_MAX_IOCTLS 32        /* --ioctl given to run at most this often */
#define KMDCTL_STOP_TIMEOUT_MS 10000
#define KMDCTL_MAX_OPERANDS 3
/* Characters of a device or hardware id: MAX_DEVICE_ID_LEN - 1. */
#define KMDCTL_DEVICE_ID_MAX 199

/* What an operand is: args.c checks it and stores it in struct kmdctl_args. */
enum kmdctl_operand {
    KMDCTL_END,           /* no more operands */
    KMDCTL_DRIVER_PATH,   /* a path ending in .sys: path, and the service name when no --name */
    KMDCTL_SERVICE,       /* a service name: name */
    KMDCTL_DEVICE,        /* a bare device name or a path starting with \: device */
    KMDCTL_IOCTL_CODE,    /* hex or TYPE:FUNCTION:METHOD:ACCESS: code, code_text */
    KMDCTL_FILE,          /* any file: path */
    KMDCTL_ANY,           /* any number of words, ignored (help) */
    KMDCTL_INF_PATH,      /* a path ending in .inf: path */
    KMDCTL_OEM_INF,       /* a published driver package name, oem<N>.inf: path */
    KMDCTL_DEVICE_ID,     /* a hardware id or a device instance id: hwid */
    KMDCTL_HWID_OPTIONAL, /* a hardware id that may be left out (last operand only): hwid */
};

/* Options, as flags: a row lists those it accepts. --json and --help go with every subcommand. */
enum kmdctl_option {
    KMDCTL_OPT_NAME = 1u << 0,     /* --name N */
    KMDCTL_OPT_START = 1u << 1,    /* --start demand|auto|system */
    KMDCTL_OPT_IN = 1u << 2,       /* --in HEX */
    KMDCTL_OPT_IN_FILE = 1u << 3,  /* --in-file F */
    KMDCTL_OPT_OUT_SIZE = 1u << 4, /* --out-size N */
    KMDCTL_OPT_OUT_FILE = 1u << 5, /* --out-file F */
    KMDCTL_OPT_IOCTL = 1u << 6,    /* --ioctl CODE, repeatable */
    KMDCTL_OPT_DEVICE = 1u << 7,   /* --device D; default: the service name */
    KMDCTL_OPT_JSON = 1u << 8,     /* --json */
    KMDCTL_OPT_HELP = 1u << 9,     /* --help, -h */
    /* fuzz (fuzz.h) */
    KMDCTL_OPT_CODE = 1u << 10,          /* --code CODE, repeatable */
    KMDCTL_OPT_TYPE = 1u << 11,          /* --type T */
    KMDCTL_OPT_FUNCTIONS = 1u << 12,     /* --functions A-B */
    KMDCTL_OPT_METHODS = 1u << 13,       /* --methods M,... */
    KMDCTL_OPT_EXCLUDE = 1u << 14,       /* --exclude CODE, repeatable */
    KMDCTL_OPT_COUNT = 1u << 15,         /* --count N */
    KMDCTL_OPT_FIRST = 1u << 16,         /* --first K */
    KMDCTL_OPT_SEED = 1u << 17,          /* --seed S|random */
    KMDCTL_OPT_MAX_SIZE = 1u << 18,      /* --max-size B */
    KMDCTL_OPT_EXPECT_ERRORS = 1u << 19, /* --expect-errors E,... */
    KMDCTL_OPT_TIMEOUT = 1u << 20,       /* --timeout MS */
    KMDCTL_OPT_CANCEL_AFTER = 1u << 21,  /* --cancel-after MS */
    KMDCTL_OPT_JOURNAL = 1u << 22,       /* --journal F */
    /* PnP (cmd_pnp*.c) */
    KMDCTL_OPT_INSTALL = 1u << 23, /* --install */
    KMDCTL_OPT_INF = 1u << 24,     /* --inf PATH.inf */
    KMDCTL_OPT_FORCE = 1u << 25,   /* --force */
};

struct kmdctl_option_word {
    const wchar_t *word; /* L"--name" */
    unsigned flag;       /* KMDCTL_OPT_* */
    int takes_value;
};
extern const struct kmdctl_option_word kmdctl_options[];
extern const size_t kmdctl_option_count;

struct kmdctl_args;

/* One subcommand: a row of commands.def. */
struct kmdctl_command {
    const char *name;                            /* the word on the command line; JSON "command" */
    int (*handler)(const struct kmdctl_args *a); /* does it; returns the exit code */
    enum kmdctl_operand operands[KMDCTL_MAX_OPERANDS + 1]; /* in order, KMDCTL_END after them */
    unsigned options;                                      /* the KMDCTL_OPT_* it accepts */
    const char *section;                                   /* --help lists it under this heading */
    /* "install PATH.sys [--name N] ...": the name, one word per operand (messages use them),
     * then the options in brackets. */
    const char *usage;
    const char *help; /* what --help says under the usage: lines separated by '\n' */
};
extern const struct kmdctl_command kmdctl_commands[];
extern const size_t kmdctl_command_count;

/* The row called `name` (ASCII), or NULL. */
const struct kmdctl_command *kmdctl_find_command(const char *name);

struct kmdctl_args {
    const struct kmdctl_command *command; /* NULL when none or an unknown one was given */
    int json;                             /* --json */
    const wchar_t *path; /* install, run: PATH.sys; cert-install, checksums: FILE */
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
    struct kmdctl_fuzz_options fuzz; /* fuzz: its options (fuzz.h) */
    const wchar_t *hwid;             /* pnp-create, pnp-devices, pnp-remove: the id operand */
    const wchar_t *inf;              /* pnp-create --inf */
    int install;                     /* pnp-add --install */
    int force;                       /* pnp-delete --force */
};

/* Parses argv[1..argc-1] by the row of the subcommand it names. Returns 0, or a Win32 error
 * (ERROR_BAD_ARGUMENTS, ERROR_INVALID_NAME, ERROR_INVALID_DATA, ...) with `why` (UTF-8) naming the
 * problem and the offending value; kmdctl exits with 2 then. `a->json` and `a->command` are set
 * as far as they were seen, so even a usage error can be answered in JSON. --help, -h or the
 * subcommand help selects the help row, whatever else the line holds. */
DWORD kmdctl_parse(int argc, wchar_t **argv, struct kmdctl_args *a, char *why, size_t why_size);
void kmdctl_args_free(struct kmdctl_args *a);

#endif
