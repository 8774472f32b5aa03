/* systemmodules.exe: the client of the systemmodules driver (driver.c).
 *
 *   systemmodules [list]   asks how much room the list needs, fetches it, prints every module
 *                          and checks the list: "ok: ..." / "FAIL: ..." lines, then
 *                          "list: passed"; what Wine cannot show is named on one line
 *                          "not checked under Wine: ..."
 *   systemmodules bad      every bad request the contract names, each with its Win32 error
 *                          ("bad: passed")
 * Exit codes: 0 success, 1 the driver answered with an error or a check failed,
 *             2 bad arguments, 3 the device could not be opened. */
#include <kmdkit/user.h>
#include "systemmodules_ioctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_kernel_name(const char *file)
{
    return _stricmp(file, "ntoskrnl.exe") == 0 || _strnicmp(file, "ntkrnl", 6) == 0;
}

static int list(HANDLE h)
{
    SYSTEMMODULES_LIST head;
    SYSTEMMODULES_LIST *l;
    SYSTEMMODULES_ENTRY *e;
    char unchecked[256] = "";
    DWORD got = 0, err, size;
    int names_ok = 1;

    err = kmd_ioctl(h, IOCTL_SYSTEMMODULES_LIST, NULL, 0, &head, sizeof head, &got);
    kmd_check(err == ERROR_MORE_DATA && got == sizeof head && head.Size == sizeof head &&
                  head.Returned == 0 && head.Count > 0 &&
                  head.Needed == sizeof head + head.Count * sizeof(SYSTEMMODULES_ENTRY),
              "header only: %s, %lu bytes, %u modules, %u bytes needed", kmd_error_text(err),
              (unsigned long)got, head.Count, head.Needed);
    if (err != ERROR_MORE_DATA || head.Count == 0) {
        puts("list: FAILED");
        return 1;
    }
    size = head.Needed + 8 * sizeof(SYSTEMMODULES_ENTRY); /* room for drivers loading meanwhile */
    l = calloc(1, size);
    if (l == NULL) {
        fprintf(stderr, "systemmodules: out of memory\n");
        return 1;
    }
    err = kmd_ioctl(h, IOCTL_SYSTEMMODULES_LIST, NULL, 0, l, size, &got);
    if (err) {
        free(l);
        return kmd_print_error("list", err);
    }
    e = (SYSTEMMODULES_ENTRY *)(l + 1);
    kmd_check(l->Count > 0 && l->Returned == l->Count &&
                  got == sizeof *l + l->Returned * sizeof(SYSTEMMODULES_ENTRY),
              "%u modules in %lu bytes", l->Returned, (unsigned long)got);
    for (unsigned i = 0; i < l->Returned; i++) {
        size_t n = strnlen(e[i].Name, SYSTEMMODULES_NAME_MAX);
        if (n == 0 || n == SYSTEMMODULES_NAME_MAX || e[i].NameOffset >= n) {
            names_ok = 0;
            continue;
        }
        printf("  %3u  0x%016llx %9u  %s\n", i, e[i].Base, e[i].Size, e[i].Name);
    }
    kmd_check(names_ok, "every name NUL-terminated, non-empty, file name inside it");
    kmd_check(l->Returned > 0 && names_ok && is_kernel_name(e[0].Name + e[0].NameOffset),
              "first module is the kernel: %s", l->Returned > 0 ? e[0].Name : "-");
    kmd_check(l->Returned > 0 && l->KernelBase == e[0].Base && l->KernelSize == e[0].Size,
              "kernel base 0x%016llx, %u bytes", l->KernelBase, l->KernelSize);
    /* Under Wine the module list is made up (a few fixed entries): the client says what it could
     * not check instead of failing. The driver behaves the same everywhere. */
    if (l->SelfIndex < l->Returned)
        kmd_check(strstr(e[l->SelfIndex].Name, "systemmodules.sys") != NULL,
                  "this driver (at 0x%016llx) is module %u: %s", l->SelfBase, l->SelfIndex,
                  e[l->SelfIndex].Name);
    else if (kmd_running_on_wine())
        strcat(unchecked, "this driver in the list (Wine lists a few made-up modules only)");
    else
        kmd_check(0, "this driver (at 0x%016llx) is not in the list", l->SelfBase);
    if (l->ExportInKernel) {
        kmd_check(1, "ZwClose lies inside the first module");
    } else if (kmd_running_on_wine()) {
        if (unchecked[0])
            strcat(unchecked, "; ");
        strcat(unchecked, "ZwClose inside the kernel's range (Wine's bases are made up)");
    } else {
        kmd_check(0, "ZwClose does not lie inside the first module");
    }
    if (unchecked[0])
        printf("not checked under Wine: %s\n", unchecked);
    free(l);
    return kmd_check_verdict("list");
}

static int bad(HANDLE h)
{
    DWORD head = sizeof(SYSTEMMODULES_LIST);

    kmd_check_ioctl(h, "with input", IOCTL_SYSTEMMODULES_LIST, 4, head, ERROR_INVALID_PARAMETER);
    kmd_check_ioctl(h, "output too short", IOCTL_SYSTEMMODULES_LIST, 0, head - 1,
                    ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "no output", IOCTL_SYSTEMMODULES_LIST, 0, 0, ERROR_INSUFFICIENT_BUFFER);
    kmd_check_ioctl(h, "unknown code",
                    KMD_CTL_CODE(SYSTEMMODULES_DEVICE_TYPE, KMD_FUNCTION_BASE + 9, METHOD_BUFFERED,
                                 FILE_ANY_ACCESS),
                    0, 0, ERROR_INVALID_FUNCTION);
    return kmd_check_verdict("bad");
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("list", list),
    KMD_COMMAND("bad", bad),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("systemmodules", SYSTEMMODULES_USER_NAME,
                           "usage: systemmodules [list | bad]", commands, NULL, argc, argv);
}
