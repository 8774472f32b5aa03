/* kmdctl fuzz's I/O: the buffers (each region ends at an inaccessible page), one request on an
 * overlapped handle under a watchdog, the check that the device still opens, the journal. */
#ifndef KMDCTL_FUZZ_IO_H
#define KMDCTL_FUZZ_IO_H

#include "fuzz.h"

/* Called once, by the thread that finds a request (or a reopen) not done at the timeout; it
 * reports and ends the process. */
typedef void fuzz_hang_fn(void *ctx, DWORD elapsed_ms, int cancelled);

struct fuzz_io {
    wchar_t path[MAX_PATH + 8]; /* the device, \\.\NAME or as given */
    HANDLE device;              /* opened for read and write, FILE_FLAG_OVERLAPPED */
    HANDLE event;
    unsigned char *region[2]; /* 0: input, 1: output; each region_size bytes, then a guard page */
    size_t region_size;
    DWORD cancel_ms, timeout_ms;
    fuzz_hang_fn *hung;
    void *ctx;
    /* The watchdog's view of the call in flight: 0 idle, 1 busy, 2 hung (verdict taken). */
    volatile LONG state;
    volatile LONG cancelled;
    volatile ULONGLONG started;
    HANDLE watchdog;
};

/* Opens `path` and makes the buffers and the watchdog. Returns 0 or the Win32 error of the open
 * (or of the allocation). */
DWORD fuzz_io_open(struct fuzz_io *io, const wchar_t *path, DWORD max_size, DWORD cancel_ms,
                   DWORD timeout_ms, fuzz_hang_fn *hung, void *ctx);

/* The pointer for buffer `b` (`out`: the output region): in the region, or the bad address. */
void *fuzz_io_place(struct fuzz_io *io, int out, const struct kmdctl_fuzz_buffer *b);

struct fuzz_result {
    DWORD err;     /* 0: success */
    DWORD bytes;   /* returned (success only) */
    int cancelled; /* still pending at cancel_ms: CancelIoEx was called */
};

/* One DeviceIoControl, watched: a request still pending at cancel_ms is cancelled; one not
 * done at timeout_ms never returns (the hang callback runs). */
void fuzz_io_send(struct fuzz_io *io, DWORD code, void *in, DWORD in_size, void *out,
                  DWORD out_size, struct fuzz_result *res);

/* Opens the device again (watched like a request) and closes it: 0, or the Win32 error. */
DWORD fuzz_io_reopen(struct fuzz_io *io);

/* Whether an open failed because the device is gone (not merely refused). */
int fuzz_io_gone(DWORD open_error);

/* The journal (--journal): the file is rewritten, through to the disk, with each text. */
DWORD fuzz_journal_open(const wchar_t *path, HANDLE *journal);
void fuzz_journal_write(HANDLE journal, const char *text);

#endif
