/* The contract between the cmos driver (driver.c) and its client (client.c).
 * Written once, compiled into both. */
#ifndef KMDKIT_CMOS_IOCTL_H
#define KMDKIT_CMOS_IOCTL_H

#include <kmdkit/ioctl.h>

#define CMOS_DEVICE_NAME L"\\Device\\KmdCmos"
#define CMOS_LINK_NAME L"\\DosDevices\\KmdCmos"
#define CMOS_USER_NAME L"KmdCmos" /* opened as \\.\KmdCmos */

#define CMOS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x201)

/* In: nothing. Out: CMOS_TIME, the real-time clock read through ports 70h/71h.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (Win32 87);
 *         output shorter than CMOS_TIME -> STATUS_BUFFER_TOO_SMALL (122);
 *         the clock kept updating under the reads -> STATUS_IO_TIMEOUT (121);
 *         the registers hold no valid date -> STATUS_DEVICE_DATA_ERROR (23). */
#define IOCTL_CMOS_READ_CLOCK                                                                      \
    KMD_CTL_CODE(CMOS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* In: CMOS_RAW (exactly). Out: CMOS_TIME. Decodes register values the way READ_CLOCK does (BCD or
 * binary, 12- or 24-hour, as StatusB says) without touching the hardware.
 * Errors: input not sizeof(CMOS_RAW) bytes, Reserved not 0, a digit that is not BCD, or a
 *         field out of range -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than CMOS_TIME -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_CMOS_DECODE                                                                          \
    KMD_CTL_CODE(CMOS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_READ_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

/* Status register B (0Bh) bits. */
#define CMOS_STATUS_B_24_HOUR 0x02 /* clear: 12-hour, bit 7 of the hours register is PM */
#define CMOS_STATUS_B_BINARY 0x04  /* clear: BCD */

/* The clock registers as the chip holds them. */
typedef struct CMOS_RAW {
    unsigned char Seconds; /* register 00h */
    unsigned char Minutes; /* 02h */
    unsigned char Hours;   /* 04h */
    unsigned char Day;     /* 07h, day of the month */
    unsigned char Month;   /* 08h */
    unsigned char Year;    /* 09h, two digits */
    unsigned char StatusB; /* 0Bh */
    unsigned char Reserved;
} CMOS_RAW;

/* Decoded. The RTC keeps whatever time the OS writes there: local time on Windows by default. */
typedef struct CMOS_TIME {
    unsigned short Year;  /* 2000 + the two-digit year (the century register is not standard) */
    unsigned char Month;  /* 1..12 */
    unsigned char Day;    /* 1..31 */
    unsigned char Hour;   /* 0..23 */
    unsigned char Minute; /* 0..59 */
    unsigned char Second; /* 0..59 */
    unsigned char Reserved;
    CMOS_RAW Raw; /* what was decoded */
} CMOS_TIME;

#endif
