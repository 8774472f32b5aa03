/* The contract between the install test's driver (driver.c) and its client (client.c). */
#ifndef KMDKIT_INSTDRV_IOCTL_H
#define KMDKIT_INSTDRV_IOCTL_H

#include <kmdkit/ioctl.h>

#define INSTDRV_DEVICE_NAME L"\\Device\\KmdInstdrv"
#define INSTDRV_LINK_NAME L"\\DosDevices\\KmdInstdrv"
#define INSTDRV_USER_NAME L"KmdInstdrv" /* opened as \\.\KmdInstdrv */

#define INSTDRV_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x303)

/* In: an unsigned int. Out: INSTDRV_ANSWER, Twice = 2 * Value + 1, Magic = INSTDRV_MAGIC.
 * Errors: wrong input size -> STATUS_INVALID_PARAMETER (87); short output -> 122. */
#define IOCTL_INSTDRV_ANSWER                                                                       \
    KMD_CTL_CODE(INSTDRV_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define INSTDRV_MAGIC 0x4B444D4Bu /* "KMDK" in memory */

typedef struct INSTDRV_ANSWER {
    unsigned int Value;
    unsigned int Twice;
    unsigned int Magic;
} INSTDRV_ANSWER;

#endif
