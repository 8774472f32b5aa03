/* instdrv.exe: the client, on kmdkit::user (kmd_client_main, kmd_ioctl, kmd_print_error).
 *   instdrv [smoke]   sends 20, expects 41 and the magic back; exit 0 when the driver answers so */
#include <kmdkit/user.h>
#include "instdrv_ioctl.h"

#include <stdio.h>

static int smoke_command(HANDLE h)
{
    unsigned int value = 20;
    INSTDRV_ANSWER a = {0};
    DWORD got = 0;
    DWORD err = kmd_ioctl(h, IOCTL_INSTDRV_ANSWER, &value, sizeof value, &a, sizeof a, &got);

    if (err)
        return kmd_print_error("answer", err);
    printf("answer: %u -> %u, magic 0x%08x, %lu bytes\n", a.Value, a.Twice, a.Magic,
           (unsigned long)got);
    if (got != sizeof a || a.Value != value || a.Twice != 2 * value + 1 ||
        a.Magic != INSTDRV_MAGIC) {
        puts("smoke: FAILED");
        return 1;
    }
    puts("smoke: passed");
    return 0;
}

static const struct kmd_command commands[] = {
    KMD_COMMAND("smoke", smoke_command),
    {0},
};

int main(int argc, char **argv)
{
    return kmd_client_main("instdrv", INSTDRV_USER_NAME, "usage: instdrv [smoke]", commands, NULL,
                           argc, argv);
}
