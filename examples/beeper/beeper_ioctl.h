/* The contract between the beeper driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_BEEPER_IOCTL_H
#define KMDKIT_BEEPER_IOCTL_H

#include <kmdkit/ioctl.h>

#define BEEPER_DEVICE_NAME L"\\Device\\KmdBeeper"
#define BEEPER_LINK_NAME L"\\DosDevices\\KmdBeeper"
#define BEEPER_USER_NAME L"KmdBeeper" /* opened as \\.\KmdBeeper */

#define BEEPER_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x200)

/* The range Beep() accepts, and the longest beep the driver waits for. */
#define BEEPER_MIN_FREQUENCY 37
#define BEEPER_MAX_FREQUENCY 32767
#define BEEPER_MIN_DURATION 1
#define BEEPER_MAX_DURATION 5000

/* In: BEEPER_REQUEST (exactly). Out: nothing. The call returns when the beep has ended.
 * IOCTL_BEEPER_PORTS programs the timer chip itself (ports 43h, 42h, 61h);
 * IOCTL_BEEPER_HAL asks the HAL (HalMakeBeep). One beep at a time: a second caller waits.
 * Errors: input not sizeof(BEEPER_REQUEST) bytes, Frequency outside
 *         BEEPER_MIN_FREQUENCY..BEEPER_MAX_FREQUENCY or DurationMs outside
 *         BEEPER_MIN_DURATION..BEEPER_MAX_DURATION -> STATUS_INVALID_PARAMETER (Win32 87);
 *         HalMakeBeep refuses the frequency -> STATUS_UNSUCCESSFUL (Win32 31). */
#define IOCTL_BEEPER_PORTS                                                                         \
    KMD_CTL_CODE(BEEPER_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_WRITE_ACCESS)
#define IOCTL_BEEPER_HAL                                                                           \
    KMD_CTL_CODE(BEEPER_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_WRITE_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct BEEPER_REQUEST {
    unsigned int Frequency;  /* Hz */
    unsigned int DurationMs; /* milliseconds */
} BEEPER_REQUEST;

#endif
