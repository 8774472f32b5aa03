/* kmdctl fuzz's pure parts: the values of its options, the control codes of a run, and each
 * request's shape, drawn from (seed, code, request number) alone so that any request can be
 * replayed by itself. No system calls: tests/fuzz's unit test checks every rule. */
#ifndef KMDCTL_FUZZ_H
#define KMDCTL_FUZZ_H

#include <kmdkit/user.h>

#define KMDCTL_FUZZ_MAX_GIVEN 256      /* --code, --exclude: at most this often each */
#define KMDCTL_FUZZ_MAX_CODES 4096     /* codes in one run (16 per function with --type) */
#define KMDCTL_FUZZ_MAX_EXPECT 64      /* numbers in --expect-errors */
#define KMDCTL_FUZZ_COUNT_DEFAULT 100  /* requests per code */
#define KMDCTL_FUZZ_COUNT_MAX 10000000 /* --count cap */
#define KMDCTL_FUZZ_SEED_DEFAULT 1     /* fixed: a run repeats unless --seed says otherwise */
#define KMDCTL_FUZZ_MAX_SIZE_DEFAULT 8192
#define KMDCTL_FUZZ_TIMEOUT_DEFAULT 5000 /* ms: a request not done by then hung the host */
#define KMDCTL_FUZZ_CANCEL_DEFAULT 1000  /* ms: a request still pending then is cancelled */
#define KMDCTL_FUZZ_TIME_MAX 600000      /* ms: cap of --timeout and --cancel-after */
#define KMDCTL_FUZZ_PAGE 4096

/* --expect-errors when not given (and the word "default" in it). */
#define KMDCTL_FUZZ_DEFAULT_ERRORS                                                                 \
    {                                                                                              \
        ERROR_INVALID_FUNCTION, ERROR_NOT_SUPPORTED, ERROR_INVALID_PARAMETER,                      \
            ERROR_INSUFFICIENT_BUFFER, ERROR_MORE_DATA, ERROR_NOACCESS, ERROR_INVALID_USER_BUFFER  \
    }

/* The option values of a run (struct kmdctl_args.fuzz). */
struct kmdctl_fuzz_options {
    DWORD codes[KMDCTL_FUZZ_MAX_GIVEN]; /* --code, in the order given */
    size_t code_count;
    DWORD excludes[KMDCTL_FUZZ_MAX_GIVEN]; /* --exclude */
    size_t exclude_count;
    int type_given; /* --type T */
    DWORD type;
    int functions_given; /* --functions A-B */
    DWORD function_first, function_last;
    unsigned methods; /* --methods: bit (1 << METHOD_x); 0: not given (all four) */
    DWORD count;      /* --count: requests per code */
    DWORD first;      /* --first: the per-code number of the first request */
    DWORD seed;       /* --seed */
    int seed_random;  /* --seed random: drawn at the start (and printed) */
    DWORD max_size;   /* --max-size */
    DWORD expect[KMDCTL_FUZZ_MAX_EXPECT]; /* --expect-errors */
    size_t expect_count;
    int expect_given;
    DWORD timeout_ms; /* --timeout */
    DWORD cancel_ms;  /* --cancel-after */
    int timeout_given, cancel_given;
    const wchar_t *journal; /* --journal FILE */
};

void kmdctl_fuzz_defaults(struct kmdctl_fuzz_options *o);

/* Option values. Each returns 0 or a Win32 error with `why` naming the problem (UTF-8). */
/* --type, --code/--exclude come through kmd_parse_ioctl_code; --type is hex, 0x optional. */
DWORD kmdctl_fuzz_parse_type(const wchar_t *s, DWORD *type, char *why, size_t why_size);
/* --functions A-B or A: hex, 0x optional, 0 to 0xFFF, A <= B. */
DWORD kmdctl_fuzz_parse_functions(const wchar_t *s, DWORD *first, DWORD *last, char *why,
                                  size_t why_size);
/* --methods: a comma-separated list of buffered, in-direct, out-direct, neither or 0-3. */
DWORD kmdctl_fuzz_parse_methods(const wchar_t *s, unsigned *methods, char *why, size_t why_size);
/* --expect-errors: a comma-separated list of Win32 error numbers (decimal or 0x hex) and the
 * word "default" (the default list). */
DWORD kmdctl_fuzz_parse_expect(const wchar_t *s, DWORD *list, size_t *count, char *why,
                               size_t why_size);
/* --seed: a number (decimal or 0x hex, 32 bits) or "random". */
DWORD kmdctl_fuzz_parse_seed(const wchar_t *s, DWORD *seed, int *random, char *why,
                             size_t why_size);

/* The codes of a run: --code in the order given, then for --type and --functions each
 * function, each method (of --methods) and each access, in that order; repeats and the
 * --exclude ones dropped. Writes up to `cap`; returns 0 or a Win32 error with `why` (none
 * given, none left, too many, --type without --functions). */
DWORD kmdctl_fuzz_codes(const struct kmdctl_fuzz_options *o, DWORD *codes, size_t cap,
                        size_t *count, char *why, size_t why_size);

/* Whether `err` is one of the expected errors of the run. */
int kmdctl_fuzz_expected(const struct kmdctl_fuzz_options *o, DWORD err);

/* Where a buffer's pointer points. */
enum kmdctl_fuzz_place {
    KMDCTL_FUZZ_NONE,        /* size 0: a NULL pointer, as callers pass it */
    KMDCTL_FUZZ_START,       /* a page-aligned buffer */
    KMDCTL_FUZZ_PAGE_END,    /* a buffer that ends where an inaccessible page begins */
    KMDCTL_FUZZ_NULL,        /* NULL with a nonzero size */
    KMDCTL_FUZZ_LOW,         /* a small address (0x10) */
    KMDCTL_FUZZ_NO_ACCESS,   /* the start of an inaccessible page (METHOD_NEITHER only) */
    KMDCTL_FUZZ_KERNEL,      /* a kernel-space address (METHOD_NEITHER only) */
    KMDCTL_FUZZ_NONCANONICAL /* x64: an address no CPU maps (METHOD_NEITHER only) */
};

/* What the input bytes hold. */
enum kmdctl_fuzz_fill {
    KMDCTL_FUZZ_RANDOM, /* random bytes */
    KMDCTL_FUZZ_ZEROS,
    KMDCTL_FUZZ_ONES,  /* 0xFF bytes */
    KMDCTL_FUZZ_INTS,  /* 32-bit values drivers test for: 0, 1, -1, limits, page and buffer sizes */
    KMDCTL_FUZZ_TEXT,  /* ASCII letters and digits, a NUL somewhere */
    KMDCTL_FUZZ_WTEXT, /* the same as UTF-16 */
};

struct kmdctl_fuzz_buffer {
    DWORD size;
    enum kmdctl_fuzz_place place;
};

/* One request: its code, its number among that code's requests, its buffers. */
struct kmdctl_fuzz_request {
    DWORD code;
    DWORD number;
    struct kmdctl_fuzz_buffer in, out;
    enum kmdctl_fuzz_fill fill;
    unsigned long long content_seed;
};

/* Draws request `number` of `code` (a function of seed, code, number and max_size only). */
void kmdctl_fuzz_draw(DWORD seed, DWORD code, DWORD number, DWORD max_size,
                      struct kmdctl_fuzz_request *r);

/* The input bytes of `r` (r->in.size of them) into `buf`. */
void kmdctl_fuzz_fill(const struct kmdctl_fuzz_request *r, unsigned char *buf);

/* "13 bytes at a page end", "none", "NULL with 8 bytes": for reports. */
const char *kmdctl_fuzz_describe(const struct kmdctl_fuzz_buffer *b, char *buf, size_t size);
const char *kmdctl_fuzz_fill_name(enum kmdctl_fuzz_fill fill);

/* The address a bad-pointer placement stands for (NONE/START/PAGE_END: 0, chosen at run time). */
ULONG_PTR kmdctl_fuzz_bad_address(enum kmdctl_fuzz_place place);

/* Errors after which kmdctl fuzz checks whether the host is still alive (it reopens the
 * device): the ones a dead host gives (not found, access denied, gen failure, invalid handle,
 * device gone ...). */
int kmdctl_fuzz_suspicious(DWORD err);

#endif
