/* cycle: load cycles of one driver, each checked (tests/soak, README.md there).
 *
 *   cycle --service NAME --driver PATH.sys --device NAME[,NAME...] --log FILE
 *         [--log-prefix P] [--unload-log TEXT] [--cycles N] -- PROGRAM [ARGS...]
 *
 * Each cycle installs and starts the driver as service NAME, runs PROGRAM (its exit code must be
 * 0; its output passes through), stops the driver and removes the service, then checks what is
 * left: the unload's line in the driver log FILE (TEXT, by default klib's pool report "P: pool:
 * no leaks"; P defaults to the driver's file name without .sys) and no "P: pool leak" line, no
 * service NAME, no device that opens, no DOS link (QueryDosDevice). The same checks run once before
 * the first cycle, after removing a service NAME an interrupted run may have left. Prints one line
 * per step and "cycles: N of N passed" at the end; exit 0 when all passed, 1 at the first failure
 * (after stopping and removing what it made), 2 for bad arguments. */
#include <kmdkit/user.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MAX_DEVICES 8
#define LOG_WAIT_MS 10000

static struct {
    const wchar_t *service, *driver, *log;
    wchar_t prefix[64];
    const wchar_t *unload_log; /* --unload-log: the line the unload must print */
    const wchar_t *devices[MAX_DEVICES];
    int device_count;
    DWORD cycles;
    wchar_t command[8192]; /* PROGRAM and ARGS as one command line */
    wchar_t program_name[MAX_PATH];
} opt;

static int usage(const char *why)
{
    fprintf(stderr,
            "cycle: %s\nusage: cycle --service NAME --driver PATH.sys --device "
            "NAME[,NAME...] --log FILE [--log-prefix P] [--unload-log TEXT] [--cycles N] -- "
            "PROGRAM [ARGS...]\n",
            why);
    return 2;
}

/* Appends one argument to the command line, quoted the way CommandLineToArgvW splits it. */
static int append_arg(wchar_t *line, size_t size, const wchar_t *arg)
{
    size_t n = wcslen(line), slashes = 0;
    int quote = arg[0] == L'\0' || wcspbrk(arg, L" \t\"") != NULL;

    if (n && n + 1 < size)
        line[n++] = L' ';
    if (quote && n + 1 < size)
        line[n++] = L'"';
    for (const wchar_t *p = arg; *p; p++) {
        if (*p == L'\\') {
            slashes++;
        } else if (*p == L'"') {
            for (size_t i = 0; i <= slashes && n + 1 < size; i++)
                line[n++] = L'\\';
            slashes = 0;
        } else {
            slashes = 0;
        }
        if (n + 1 < size)
            line[n++] = *p;
    }
    for (size_t i = 0; quote && i < slashes && n + 1 < size; i++)
        line[n++] = L'\\';
    if (quote && n + 1 < size)
        line[n++] = L'"';
    line[n] = L'\0';
    return n + 2 < size;
}

static int parse(int argc, wchar_t **argv)
{
    static wchar_t devices[1024];
    int i;

    opt.cycles = 3;
    for (i = 1; i < argc && wcscmp(argv[i], L"--") != 0; i += 2) {
        const wchar_t *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage("an option needs a value");
        if (wcscmp(argv[i], L"--service") == 0)
            opt.service = v;
        else if (wcscmp(argv[i], L"--driver") == 0)
            opt.driver = v;
        else if (wcscmp(argv[i], L"--log") == 0)
            opt.log = v;
        else if (wcscmp(argv[i], L"--unload-log") == 0)
            opt.unload_log = v;
        else if (wcscmp(argv[i], L"--log-prefix") == 0)
            swprintf(opt.prefix, sizeof opt.prefix / sizeof *opt.prefix, L"%ls", v);
        else if (wcscmp(argv[i], L"--cycles") == 0) {
            wchar_t *end;
            opt.cycles = wcstoul(v, &end, 10);
            if (*end || opt.cycles < 1 || opt.cycles > 100000)
                return usage("--cycles takes a number from 1 to 100000");
        } else if (wcscmp(argv[i], L"--device") == 0) {
            wchar_t *d = devices;
            swprintf(devices, sizeof devices / sizeof *devices, L"%ls", v);
            while (*d && opt.device_count < MAX_DEVICES) {
                wchar_t *comma = wcschr(d, L',');
                opt.devices[opt.device_count++] = d;
                if (!comma)
                    break;
                *comma = L'\0';
                d = comma + 1;
            }
        } else
            return usage("unknown option");
    }
    if (!opt.service || !opt.driver || !opt.log || !opt.device_count || i + 1 >= argc)
        return usage("--service, --driver, --device, --log and a PROGRAM after -- are needed");
    for (int k = i + 1; k < argc; k++)
        if (!append_arg(opt.command, sizeof opt.command / sizeof *opt.command, argv[k]))
            return usage("the command line is too long");
    const wchar_t *base = argv[i + 1];
    for (const wchar_t *p = base; *p; p++)
        if (*p == L'\\' || *p == L'/')
            base = p + 1;
    swprintf(opt.program_name, MAX_PATH, L"%ls", base);
    if (!opt.prefix[0]) {
        const wchar_t *d = opt.driver;
        for (const wchar_t *p = d; *p; p++)
            if (*p == L'\\' || *p == L'/')
                d = p + 1;
        swprintf(opt.prefix, sizeof opt.prefix / sizeof *opt.prefix, L"%ls", d);
        wchar_t *dot = wcsrchr(opt.prefix, L'.');
        if (dot)
            *dot = L'\0';
    }
    return 0;
}

static int fail(DWORD cycle, const char *fmt, ...)
    __attribute__((format(__MINGW_PRINTF_FORMAT, 2, 3)));

static int fail(DWORD cycle, const char *fmt, ...)
{
    va_list ap;

    if (cycle)
        printf("FAIL: cycle %lu: ", (unsigned long)cycle);
    else
        printf("FAIL: before the first cycle: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return 1;
}

/* --- the driver log --------------------------------------------------------------------------- */

static LONGLONG log_size(void)
{
    WIN32_FILE_ATTRIBUTE_DATA a;

    if (!GetFileAttributesExW(opt.log, GetFileExInfoStandard, &a))
        return 0;
    return (LONGLONG)a.nFileSizeHigh << 32 | a.nFileSizeLow;
}

/* The log past byte `from`, NUL-terminated (malloc'd; NULL when it cannot be read). */
static char *log_since(LONGLONG from)
{
    HANDLE h =
        CreateFileW(opt.log, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER pos = {.QuadPart = from}, size;
    char *text = NULL;
    DWORD got = 0;

    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    if (GetFileSizeEx(h, &size) && size.QuadPart >= from &&
        size.QuadPart - from < 64 * 1024 * 1024 && SetFilePointerEx(h, pos, NULL, FILE_BEGIN)) {
        text = malloc((size_t)(size.QuadPart - from) + 1);
        if (text && ReadFile(h, text, (DWORD)(size.QuadPart - from), &got, NULL))
            text[got] = '\0';
        else if (text)
            text[0] = '\0';
    }
    CloseHandle(h);
    return text;
}

/* Waits for the unload's line ("P: pool: no leaks") in the log past `from`, and finds no leak
 * report; 0, or 1 after printing why not. */
static int check_pool_report(DWORD cycle, LONGLONG from)
{
    char ok_line[128], leak_line[128], prefix[64];
    DWORD start = GetTickCount();

    kmd_utf8(opt.prefix, prefix, sizeof prefix);
    if (opt.unload_log)
        kmd_utf8(opt.unload_log, ok_line, sizeof ok_line);
    else
        snprintf(ok_line, sizeof ok_line, "%s: pool: no leaks", prefix);
    snprintf(leak_line, sizeof leak_line, "%s: pool leak", prefix);
    for (;;) {
        char *text = log_since(from);
        const char *leak = text ? strstr(text, leak_line) : NULL;
        int found = text && strstr(text, ok_line) != NULL;

        if (leak) {
            const char *eol = strchr(leak, '\n');
            int rc = fail(cycle, "the driver log has a leak report: %.*s",
                          (int)(eol ? eol - leak : (ptrdiff_t)strlen(leak)), leak);
            free(text);
            return rc;
        }
        free(text);
        if (found) {
            printf("  log: %s\n", ok_line);
            return 0;
        }
        if (GetTickCount() - start > LOG_WAIT_MS)
            return fail(cycle, "no \"%s\" in the driver log within %d s after the stop", ok_line,
                        LOG_WAIT_MS / 1000);
        Sleep(20);
    }
}

/* --- what must be gone ------------------------------------------------------------------------ */

static int check_gone(DWORD cycle)
{
    struct kmd_service_info info;
    DWORD err = kmd_service_query(opt.service, &info);

    if (err != ERROR_SERVICE_DOES_NOT_EXIST)
        return fail(cycle, "service %ls is still there (query: %s)", opt.service,
                    kmd_error_text(err));
    for (int i = 0; i < opt.device_count; i++) {
        wchar_t path[MAX_PATH], target[1024];
        HANDLE h;

        swprintf(path, MAX_PATH, L"\\\\.\\%ls", opt.devices[i]);
        h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                        NULL, OPEN_EXISTING, 0, NULL);
        err = h == INVALID_HANDLE_VALUE ? GetLastError() : ERROR_SUCCESS;
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        if (err != ERROR_FILE_NOT_FOUND && err != ERROR_PATH_NOT_FOUND)
            return fail(cycle, "%ls still opens (%s)", path, kmd_error_text(err));
        if (QueryDosDeviceW(opt.devices[i], target, sizeof target / sizeof *target))
            return fail(cycle, "the link %ls is still there (to %ls)", opt.devices[i], target);
    }
    printf("  gone: service %ls, device%s and link%s", opt.service, opt.device_count > 1 ? "s" : "",
           opt.device_count > 1 ? "s" : "");
    for (int i = 0; i < opt.device_count; i++)
        printf(" %ls", opt.devices[i]);
    putchar('\n');
    return 0;
}

/* --- one cycle -------------------------------------------------------------------------------- */

static int run_program(DWORD cycle)
{
    STARTUPINFOW si = {.cb = sizeof si};
    PROCESS_INFORMATION pi;
    DWORD code = 1;

    fflush(stdout);
    if (!CreateProcessW(NULL, opt.command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return fail(cycle, "cannot run %ls: %s", opt.program_name, kmd_error_text(GetLastError()));
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    if (code != 0)
        return fail(cycle, "%ls exited with code %lu", opt.program_name, (unsigned long)code);
    printf("  %ls: exit code 0\n", opt.program_name);
    return 0;
}

/* Stops and removes what a failed cycle left (errors ignored: it may be half made). */
static void clean_up(void)
{
    kmd_service_stop(opt.service, 10000);
    kmd_service_remove(opt.service);
}

static int one_cycle(DWORD cycle)
{
    struct kmd_install_result installed;
    DWORD err;
    LONGLONG from;

    printf("cycle %lu:\n", (unsigned long)cycle);
    err = kmd_service_install(opt.service, opt.driver, SERVICE_DEMAND_START, &installed);
    if (err)
        return fail(cycle, "cannot install %ls: %s", opt.service, kmd_error_text(err));
    err = kmd_service_start(opt.service);
    if (err) {
        kmd_service_remove(opt.service);
        return fail(cycle, "cannot start %ls: %s", opt.service, kmd_error_text(err));
    }
    printf("  started %ls\n", opt.service);
    if (run_program(cycle)) {
        clean_up();
        return 1;
    }
    from = log_size();
    err = kmd_service_stop(opt.service, 10000);
    if (err) {
        clean_up();
        return fail(cycle, "cannot stop %ls: %s", opt.service, kmd_error_text(err));
    }
    err = kmd_service_remove(opt.service);
    if (err)
        return fail(cycle, "cannot remove %ls: %s", opt.service, kmd_error_text(err));
    printf("  stopped and removed %ls\n", opt.service);
    if (check_pool_report(cycle, from))
        return 1;
    return check_gone(cycle);
}

int wmain(int argc, wchar_t **argv)
{
    DWORD cycle;
    int rc = parse(argc, argv);

    if (rc)
        return rc;
    printf("cycles: %ls as service %ls, %lu cycle%s of: start, %ls, stop, remove, checks\n",
           opt.driver, opt.service, (unsigned long)opt.cycles, opt.cycles == 1 ? "" : "s",
           opt.program_name);
    /* A service of this name left by an interrupted run: stop and remove it first. */
    struct kmd_service_info info;
    if (kmd_service_query(opt.service, &info) != ERROR_SERVICE_DOES_NOT_EXIST) {
        printf("before: a service %ls was left behind; stopping and removing it\n", opt.service);
        clean_up();
    }
    if (check_gone(0))
        return 1;
    for (cycle = 1; cycle <= opt.cycles; cycle++)
        if (one_cycle(cycle))
            return 1;
    printf("cycles: %lu of %lu passed\n", (unsigned long)opt.cycles, (unsigned long)opt.cycles);
    return 0;
}
