/* The contract of fuzzbug (driver.c), kmdctl fuzz's test driver: two planted bugs for the fuzzer
 * to find, one clean code beside them. A test fixture: never shipped (NO_DIST), never load it on
 * Windows (its crash is a bug check there). */
#ifndef KMDKIT_FUZZBUG_IOCTL_H
#define KMDKIT_FUZZBUG_IOCTL_H

#include <kmdkit/ioctl.h>

#define FUZZBUG_DEVICE_NAME L"\\Device\\KmdFuzzBug"
#define FUZZBUG_LINK_NAME L"\\DosDevices\\KmdFuzzBug"
#define FUZZBUG_USER_NAME L"KmdFuzzBug" /* opened as \\.\KmdFuzzBug */

#define FUZZBUG_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x302)

/* In: 0..FUZZBUG_ECHO_MAX bytes. Out: the same bytes in reverse order.
 * Errors: longer input -> STATUS_INVALID_PARAMETER (Win32 87); output shorter than the input ->
 * STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_FUZZBUG_ECHO                                                                         \
    KMD_CTL_CODE(FUZZBUG_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FUZZBUG_ECHO_MAX 256

/* In: 1..FUZZBUG_SUM_MAX bytes. Out: unsigned int, the sum of the bytes.
 * Errors: empty or longer input -> 87; output shorter than 4 bytes -> 122.
 * THE PLANTED BUG: an input of exactly FUZZBUG_SUM_BAD_SIZE bytes writes through a NULL pointer
 * (winedevice dies under Wine). */
#define IOCTL_FUZZBUG_SUM                                                                          \
    KMD_CTL_CODE(FUZZBUG_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FUZZBUG_SUM_MAX 64
#define FUZZBUG_SUM_BAD_SIZE 13

/* In: any bytes. Out: nothing. Returns at once, except THE PLANTED HANG: an input of exactly
 * FUZZBUG_STALL_BAD_SIZE bytes keeps the request FUZZBUG_STALL_MS in the dispatch routine,
 * deaf to cancellation (then it succeeds). */
#define IOCTL_FUZZBUG_STALL                                                                        \
    KMD_CTL_CODE(FUZZBUG_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FUZZBUG_STALL_BAD_SIZE 7
#define FUZZBUG_STALL_MS 1200

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#endif
