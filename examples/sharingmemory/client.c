/* sharingmemory.exe: the client of the sharingmemory driver (driver.c).
 *
 *   sharingmemory [watch]  maps the driver's page, watches the timer update it (through the
 *                          driver's READ and through the client's own view), unmaps it, maps it
 *                          again and closes the handle: "ok: ..." / "FAIL: ..." lines, then
 *                          "watch: passed" (exit 0) or "watch: FAILED" (exit 1); what Wine
 *                          cannot show is named on one line "not checked under Wine: ..."
 *   sharingmemory bad      every bad request the contract names, with its Win32 error:
 *                          "bad: passed" (exit 0) or "bad: FAILED" (exit 1)
 * Exit codes: 0 success, 1 a check failed, 2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "sharingmemory_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static DWORD map(HANDLE h, SHARINGMEMORY_MAPPING *m)
{
    DWORD got = 0, err;

    memset(m, 0, sizeof *m);
    err = kmd_ioctl(h, IOCTL_SHARINGMEMORY_MAP, NULL, 0, m, sizeof *m, &got);
    if (err == 0 && (got != sizeof *m || m->Size != sizeof *m))
        kmd_check(0, "map: answer of %lu bytes", (unsigned long)got);
    return err;
}

static DWORD read_page(HANDLE h, SHARINGMEMORY_PAGE *p)
{
    memset(p, 0, sizeof *p);
    return kmd_ioctl(h, IOCTL_SHARINGMEMORY_READ, NULL, 0, p, sizeof *p, NULL);
}

/* What this process has at the address: the page, read-only, or nothing. VirtualQuery never
 * faults, so the client learns whether the view is here before it touches it. */
static int view_here(unsigned long long address, DWORD *protect)
{
    MEMORY_BASIC_INFORMATION mbi;
    const SHARINGMEMORY_PAGE *p = (const SHARINGMEMORY_PAGE *)(ULONG_PTR)address;

    if (VirtualQuery(p, &mbi, sizeof mbi) != sizeof mbi || mbi.State != MEM_COMMIT ||
        mbi.Type != MEM_MAPPED)
        return 0;
    *protect = mbi.Protect;
    return (mbi.Protect == PAGE_READONLY || mbi.Protect == PAGE_READWRITE) &&
           p->Magic == SHARINGMEMORY_MAGIC;
}

static int address_free(unsigned long long address)
{
    MEMORY_BASIC_INFORMATION mbi;
    return VirtualQuery((void *)(ULONG_PTR)address, &mbi, sizeof mbi) == sizeof mbi &&
           mbi.State == MEM_FREE;
}

/* Opens the device itself (own_device in commands[]) and closes it: the close must unmap. */
static int watch(HANDLE h)
{
    SHARINGMEMORY_MAPPING m, m2;
    SHARINGMEMORY_PAGE a, b;
    DWORD err, protect = 0;
    int seen;

    h = kmd_open_device_or_exit("sharingmemory", SHARINGMEMORY_USER_NAME);
    err = map(h, &m);
    kmd_check(err == 0 && m.Address != 0 && m.ViewSize >= sizeof(SHARINGMEMORY_PAGE),
              "map: %s, %u bytes", kmd_error_text(err), m.ViewSize);
    err = map(h, &m2);
    kmd_check(err == ERROR_BAD_COMMAND, "map twice on one handle: %s", kmd_error_text(err));

    err = read_page(h, &a);
    if (err == 0 && a.Counter == 0) { /* no tick yet: start from one */
        Sleep(4 * SHARINGMEMORY_PERIOD_MS);
        err = read_page(h, &a);
    }
    Sleep(500);
    err |= read_page(h, &b);
    kmd_check(err == 0 && a.Magic == SHARINGMEMORY_MAGIC && b.Magic == SHARINGMEMORY_MAGIC,
              "read: magic 0x%08x", b.Magic);
    kmd_check(b.Counter >= a.Counter + 3 && b.SystemTime - a.SystemTime >= 250 * 10000LL &&
                  b.SystemTime - a.SystemTime <= 5000 * 10000LL,
              "timer: counter %u -> %u in 500 ms (every %u ms), time +%lld ms", a.Counter,
              b.Counter, SHARINGMEMORY_PERIOD_MS, (b.SystemTime - a.SystemTime) / 10000);

    /* Under Wine every IRP runs in winedevice.exe, so ZwCurrentProcess() in the driver is
     * winedevice and the view lands there, not in this process. The driver is the same; the client
     * says what it could not see. */
    seen = view_here(m.Address, &protect);
    if (seen) {
        volatile const SHARINGMEMORY_PAGE *v = (const SHARINGMEMORY_PAGE *)(ULONG_PTR)m.Address;
        unsigned first = v->Counter;
        Sleep(300);
        kmd_check(v->Counter > first, "own view: counter %u -> %u in 300 ms", first, v->Counter);
        kmd_check(protect == PAGE_READONLY, "own view is read-only (protection 0x%lx)",
                  (unsigned long)protect);
    } else if (!kmd_running_on_wine()) {
        kmd_check(0, "own view: no page at 0x%llx in this process", m.Address);
    }

    err = kmd_ioctl(h, IOCTL_SHARINGMEMORY_UNMAP, NULL, 0, NULL, 0, NULL);
    kmd_check(err == 0, "unmap: %s", kmd_error_text(err));
    if (seen)
        kmd_check(address_free(m.Address), "own view gone after unmap");
    err = kmd_ioctl(h, IOCTL_SHARINGMEMORY_UNMAP, NULL, 0, NULL, 0, NULL);
    kmd_check(err == ERROR_BAD_COMMAND, "unmap twice: %s", kmd_error_text(err));

    err = map(h, &m);
    kmd_check(err == 0, "map again: %s", kmd_error_text(err));
    CloseHandle(h); /* IRP_MJ_CLEANUP unmaps it */
    if (seen)
        kmd_check(address_free(m.Address), "own view gone after CloseHandle");
    else if (kmd_running_on_wine())
        puts("not checked under Wine: the client's own view of the page (IRPs run in "
             "winedevice, so the views were mapped there) and its removal at IRP_MJ_CLEANUP "
             "(never sent)");
    return kmd_check_verdict("watch");
}

static int bad(HANDLE h)
{
    DWORD map_out = sizeof(SHARINGMEMORY_MAPPING), page = sizeof(SHARINGMEMORY_PAGE);

    kmd_check_ioctl(h, "map with input", IOCTL_SHARINGMEMORY_MAP, 4, map_out,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "map output too short", IOCTL_SHARINGMEMORY_MAP, 0, map_out - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "unmap with input", IOCTL_SHARINGMEMORY_UNMAP, 4, 0,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "unmap with output", IOCTL_SHARINGMEMORY_UNMAP, 0, 4,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "unmap without a view", IOCTL_SHARINGMEMORY_UNMAP, 0, 0, ERROR_BAD_COMMAND);
    kmd_check_ioctl(h, "read with input", IOCTL_SHARINGMEMORY_READ, 4, page,
                    ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "read output too short", IOCTL_SHARINGMEMORY_READ, 0, page - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "unknown code",
                    KMD_CTL_CODE(SHARINGMEMORY_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                                 FILE_ANY_ACCESS),
                    0, 0, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("bad");
}

#define USAGE "usage: sharingmemory [watch | bad]"

static const struct kmd_command commands[] = {
    KMD_COMMAND_OWN_DEVICE("watch", watch),
    KMD_COMMAND("bad", bad),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("sharingmemory", SHARINGMEMORY_USER_NAME, USAGE, commands, NULL, argc,
                           argv);
}
