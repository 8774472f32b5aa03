/* kmdctl: KmdManager for the command line. Installs, starts, stops, removes and queries kernel
 * drivers, sends IOCTLs, runs a driver's whole life in one go, and prepares a Windows machine for
 * test-signed drivers (certificate, test signing, checksums of the shipped files).
 * The full manual is docs/kmdctl.md; `kmdctl --help` is the short one. */
#include "commands.h"

#include <stdio.h>

static const char help_text[] =
    "usage: kmdctl SUBCOMMAND [ARGS] [OPTIONS] [--json]\n"
    "\n"
    "Services (kernel drivers, SERVICE_KERNEL_DRIVER):\n"
    "  install PATH.sys [--name N] [--start demand|auto|system]\n"
    "                  register the driver (name: the file name without .sys; start: demand);\n"
    "                  the image path is stored absolute; an existing kernel-driver service\n"
    "                  with another path or start type is updated, and kmdctl says so\n"
    "  start NAME      start it (DriverEntry runs now; its failure is printed as a Win32 error)\n"
    "  stop NAME       stop it and wait up to 10 s until it has stopped\n"
    "  remove NAME     delete the service (it must be stopped)\n"
    "  status NAME     state, type, start type, image path, last exit code\n"
    "\n"
    "Devices:\n"
    "  ioctl DEVICE CODE [--in HEX | --in-file F] [--out-size N] [--out-file F]\n"
    "                  one DeviceIoControl; prints the byte count returned and a hex dump\n"
    "                  DEVICE  a name (KmdSkeleton -> \\\\.\\KmdSkeleton) or a path starting with "
    "\\\n"
    "                  CODE    hex, 1 to 8 digits, 0x optional (0x81002000, 81002000), or\n"
    "                          TYPE:FUNCTION:METHOD:ACCESS with TYPE 0-0xFFFF and FUNCTION\n"
    "                          0-0xFFF as decimal or 0x-prefixed hex numbers, METHOD\n"
    "                          buffered|in-direct|out-direct|neither or 0-3, ACCESS\n"
    "                          any|read|write|rw or 0-3 (0x8100:0x800:buffered:any = 0x81002000)\n"
    "                  --in HEX      input bytes as pairs of hex digits; spaces or colons may\n"
    "                                separate bytes (\"6b 6d 64\", \"6b:6d:64\", \"6b6d64\")\n"
    "                  --in-file F   input bytes from a file (at most 1048576 bytes)\n"
    "                  --out-size N  output buffer size, decimal or 0x hex; default 256,\n"
    "                                cap 1048576 (1 MiB)\n"
    "                  --out-file F  also write the returned bytes to F\n"
    "\n"
    "All in one (KmdManager's \"All actions\"):\n"
    "  run PATH.sys [--name N] [--device D] [--ioctl CODE]... [--out-size N]\n"
    "                  install, start, each IOCTL (no input; --out-size output buffer; on\n"
    "                  DEVICE, default: the service name), stop, remove; one log line per step;\n"
    "                  stops at the first failure, then stops and removes what run itself\n"
    "                  started and created (a service that existed before is kept)\n"
    "\n"
    "Preparing a Windows machine:\n"
    "  cert-install FILE.cer  add the certificate (DER or PEM) to LocalMachine Root and\n"
    "                  TrustedPublisher; a store that has it says \"already present\"\n"
    "  testsigning     prints \"testsigning: on\", \"off\" or \"unknown\" (exit 0 in all cases)\n"
    "  checksums SHA256SUMS\n"
    "                  verify the files a sha256sum-format list names (relative to its folder):\n"
    "                  OK name, MISMATCH name, MISSING name\n"
    "\n"
    "  help, --help, -h   this text\n"
    "\n"
    "Options may come anywhere; --opt=VALUE works too; -- ends the options.\n"
    "  --json          stdout is exactly one JSON object:\n"
    "                  {\"ok\":true|false,\"command\":\"...\",...,\"exit\":N}; a failure adds\n"
    "                  \"error\":{\"code\":WIN32,\"name\":\"ERROR_...\",\"message\":\"...\"}\n"
    "Names: service names are 1 to 256 letters, digits, '_', '-', '.'.\n"
    "\n"
    "EXIT CODES\n"
    "  0  success\n"
    "  1  the system refused (the Win32 error is printed: access denied, DriverEntry failed, ...)\n"
    "  2  usage error: unknown subcommand or option, missing or extra argument, malformed hex or\n"
    "     IOCTL code, size over the cap, bad service name, path not ending in .sys, not a\n"
    "     certificate\n"
    "  3  not found: no such file, service or device\n"
    "  4  wrong state: start when running, stop when stopped, remove when running, a service\n"
    "     of that name that is not a kernel driver\n"
    "  5  checksums: a file mismatched or is missing, or a line is malformed\n";

static int run(const struct kmdctl_args *a)
{
    switch (a->command) {
    case KMDCTL_HELP:
        if (out_json())
            out_str("usage", help_text);
        else
            fputs(help_text, stdout);
        return 0;
    case KMDCTL_INSTALL:
        return cmd_install(a);
    case KMDCTL_START:
        return cmd_start(a);
    case KMDCTL_STOP:
        return cmd_stop(a);
    case KMDCTL_REMOVE:
        return cmd_remove(a);
    case KMDCTL_STATUS:
        return cmd_status(a);
    case KMDCTL_IOCTL:
        return cmd_ioctl(a);
    case KMDCTL_RUN:
        return cmd_run(a);
    case KMDCTL_CERT_INSTALL:
        return cmd_cert_install(a);
    case KMDCTL_TESTSIGNING:
        return cmd_testsigning(a);
    case KMDCTL_CHECKSUMS:
        return cmd_checksums(a);
    }
    return KMDCTL_EXIT_USAGE;
}

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
    out_init(a.json, a.command_name);
    if (err)
        rc = out_usage(err, "%s", why);
    else
        rc = run(&a);
    rc = out_finish(rc);
    kmdctl_args_free(&a);
    if (old_cp && GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)) == FILE_TYPE_CHAR)
        SetConsoleOutputCP(old_cp);
    return rc;
}
