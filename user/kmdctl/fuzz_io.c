/* kmdctl fuzz's I/O: see fuzz_io.h.
 *
 * Why a watchdog thread: on Windows a request the driver keeps pending comes back at once as
 * ERROR_IO_PENDING and can be waited for with a timeout, but under Wine DeviceIoControl does not
 * return until the driver's dispatch routine does, even on an overlapped handle. So the call
 * itself is watched from a second thread, which cancels it (CancelIoEx) at cancel_ms and
 * declares the host hung at timeout_ms. */
#include "fuzz_io.h"

#include <string.h>

#define WATCHDOG_TICK_MS 20

static ULONGLONG now_ms(void)
{
    return GetTickCount64();
}

static DWORD WINAPI watchdog(void *arg)
{
    struct fuzz_io *io = arg;

    for (;;) {
        Sleep(WATCHDOG_TICK_MS);
        if (io->state != 1)
            continue;
        ULONGLONG elapsed = now_ms() - io->started;
        if (elapsed >= io->cancel_ms && InterlockedCompareExchange(&io->cancelled, 1, 0) == 0)
            CancelIoEx(io->device, NULL);
        if (elapsed >= io->timeout_ms && InterlockedCompareExchange(&io->state, 2, 1) == 1)
            io->hung(io->ctx, (DWORD)elapsed, io->cancelled); /* does not return */
    }
    return 0;
}

/* Brackets a watched call: begin() arms the watchdog, end() disarms it, or, when the watchdog
 * has taken the verdict meanwhile, waits for it to end the process. */
static void begin(struct fuzz_io *io)
{
    io->cancelled = 0;
    io->started = now_ms();
    MemoryBarrier();
    InterlockedExchange(&io->state, 1);
}

static void end(struct fuzz_io *io)
{
    if (InterlockedCompareExchange(&io->state, 0, 1) != 1)
        Sleep(INFINITE);
}

static HANDLE open_device(const wchar_t *path)
{
    return CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                       OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
}

DWORD fuzz_io_open(struct fuzz_io *io, const wchar_t *path, DWORD max_size, DWORD cancel_ms,
                   DWORD timeout_ms, fuzz_hang_fn *hung, void *ctx)
{
    DWORD old;

    memset(io, 0, sizeof *io);
    io->device = INVALID_HANDLE_VALUE;
    if (wcslen(path) >= sizeof io->path / sizeof *io->path)
        return ERROR_FILENAME_EXCED_RANGE;
    wcscpy(io->path, path);
    io->cancel_ms = cancel_ms;
    io->timeout_ms = timeout_ms;
    io->hung = hung;
    io->ctx = ctx;
    io->region_size =
        ((size_t)max_size + KMDCTL_FUZZ_PAGE - 1) / KMDCTL_FUZZ_PAGE * KMDCTL_FUZZ_PAGE +
        KMDCTL_FUZZ_PAGE;
    for (int i = 0; i < 2; i++) {
        io->region[i] = VirtualAlloc(NULL, io->region_size + KMDCTL_FUZZ_PAGE,
                                     MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
        if (!io->region[i] ||
            !VirtualProtect(io->region[i] + io->region_size, KMDCTL_FUZZ_PAGE, PAGE_NOACCESS, &old))
            return GetLastError();
    }
    io->event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!io->event)
        return GetLastError();
    io->device = open_device(path);
    if (io->device == INVALID_HANDLE_VALUE)
        return GetLastError();
    io->watchdog = CreateThread(NULL, 0, watchdog, io, 0, NULL);
    if (!io->watchdog)
        return GetLastError();
    return ERROR_SUCCESS;
}

void *fuzz_io_place(struct fuzz_io *io, int out, const struct kmdctl_fuzz_buffer *b)
{
    unsigned char *base = io->region[out ? 1 : 0];

    switch (b->place) {
    case KMDCTL_FUZZ_NONE:
        return NULL;
    case KMDCTL_FUZZ_START:
        return base;
    case KMDCTL_FUZZ_PAGE_END:
        return base + io->region_size - b->size;
    case KMDCTL_FUZZ_NO_ACCESS:
        return base + io->region_size;
    default:
        return (void *)kmdctl_fuzz_bad_address(b->place);
    }
}

void fuzz_io_send(struct fuzz_io *io, DWORD code, void *in, DWORD in_size, void *out,
                  DWORD out_size, struct fuzz_result *res)
{
    OVERLAPPED ov;
    DWORD got = 0;
    BOOL ok;

    memset(&ov, 0, sizeof ov);
    ResetEvent(io->event);
    ov.hEvent = io->event;
    begin(io);
    ok = DeviceIoControl(io->device, code, in, in_size, out, out_size, NULL, &ov);
    res->err = ok ? ERROR_SUCCESS : GetLastError();
    /* Wine may return TRUE and leave the real status in the OVERLAPPED: always ask it. */
    if (ok || res->err == ERROR_IO_PENDING) {
        ok = GetOverlappedResult(io->device, &ov, &got, FALSE);
        res->err = ok ? ERROR_SUCCESS : GetLastError();
        if (res->err == ERROR_IO_INCOMPLETE) {
            WaitForSingleObject(io->event, INFINITE); /* the watchdog cancels, then judges */
            ok = GetOverlappedResult(io->device, &ov, &got, FALSE);
            res->err = ok ? ERROR_SUCCESS : GetLastError();
        }
    }
    end(io);
    res->bytes = res->err == ERROR_SUCCESS ? got : 0;
    res->cancelled = io->cancelled;
}

DWORD fuzz_io_reopen(struct fuzz_io *io)
{
    HANDLE h;
    DWORD err = ERROR_SUCCESS;

    begin(io);
    h = open_device(io->path);
    if (h == INVALID_HANDLE_VALUE)
        err = GetLastError();
    else
        CloseHandle(h);
    end(io);
    return err;
}

int fuzz_io_gone(DWORD err)
{
    switch (err) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_NOT_READY:
    case ERROR_DEV_NOT_EXIST:
    case ERROR_DEVICE_NOT_CONNECTED:
    case ERROR_DEVICE_REMOVED:
        return 1;
    }
    return 0;
}

DWORD fuzz_journal_open(const wchar_t *path, HANDLE *journal)
{
    *journal = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_WRITE_THROUGH, NULL);
    return *journal == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
}

void fuzz_journal_write(HANDLE journal, const char *text)
{
    DWORD wrote;

    if (journal == INVALID_HANDLE_VALUE)
        return;
    SetFilePointer(journal, 0, NULL, FILE_BEGIN);
    WriteFile(journal, text, (DWORD)strlen(text), &wrote, NULL);
    SetEndOfFile(journal);
}
