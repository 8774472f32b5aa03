/* kmdctl: KmdManager for the command line. Installs, starts, stops, removes and queries kernel
 * drivers, sends IOCTLs, runs a driver's whole life in one go, and prepares a Windows machine for
 * test-signed drivers (certificate, test signing, checksums of the shipped files).
 * The full manual is docs/kmdctl.md; `kmdctl --help` is the short one. The subcommands are the
 * rows of commands.def: this file only parses the line by them and calls the one it names. */
#include "commands.h"

int wmain(int argc, wchar_t **argv)
{
    struct kmdctl_args a;
    char why[1024];
    UINT old_cp = GetConsoleOutputCP();
    DWORD err;
    int rc;

    /* Names and paths are printed as UTF-8: tell a console so. */
    if (old_cp && GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)) == FILE_TYPE_CHAR)
        SetConsoleOutputCP(CP_UTF8);
    err = kmdctl_parse(argc, argv, &a, why, sizeof why);
    out_init(a.json, a.command ? a.command->name : NULL);
    if (err)
        rc = out_usage(err, "%s", why);
    else
        rc = a.command->handler(&a);
    rc = out_finish(rc);
    kmdctl_args_free(&a);
    if (old_cp && GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)) == FILE_TYPE_CHAR)
        SetConsoleOutputCP(old_cp);
    return rc;
}
