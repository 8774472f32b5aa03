/* The contract between the kbdspy driver (driver.c, a legacy upper filter on
 * \Device\KeyboardClass0) and its client (client.c). The driver copies every KEYBOARD_INPUT_DATA
 * record that passes through it into a ring buffer; IOCTL_KBDSPY_GET_KEYS on its control device
 * hands them out. Written once, compiled into both sides. */
#ifndef KMDKIT_KBDSPY_IOCTL_H
#define KMDKIT_KBDSPY_IOCTL_H

#include <kmdkit/ioctl.h>

#define KBDSPY_DEVICE_NAME L"\\Device\\KmdKbdSpy" /* the control device */
#define KBDSPY_LINK_NAME L"\\DosDevices\\KmdKbdSpy"
#define KBDSPY_USER_NAME L"KmdKbdSpy" /* opened as \\.\KmdKbdSpy */
#define KBDSPY_TARGET_NAME L"\\Device\\KeyboardClass0"

#define KBDSPY_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x232)

#define KBDSPY_RING_SIZE 256 /* records the driver keeps; older ones are overwritten */

/* In: nothing. Out: KBDSPY_KEYS with as many records as fit (at least one must), taken out of
 * the ring, oldest first; Count may be 0.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (87); output shorter than
 *   KBDSPY_KEYS_SIZE(1) -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_KBDSPY_GET_KEYS                                                                      \
    KMD_CTL_CODE(KBDSPY_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_READ_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct KBDSPY_KEY {
    unsigned int Sequence; /* 1, 2, 3, ...: records seen since the driver loaded */
    unsigned short UnitId; /* KEYBOARD_INPUT_DATA, as the keyboard class driver returned it */
    unsigned short MakeCode;
    unsigned short Flags; /* KEY_BREAK 1, KEY_E0 2, KEY_E1 4 */
    unsigned short Reserved;
    unsigned int ExtraInformation;
} KBDSPY_KEY;

typedef struct KBDSPY_KEYS {
    unsigned int Count; /* records in Keys */
    unsigned int Lost;  /* records overwritten before anyone read them (since the last call) */
    KBDSPY_KEY Keys[1]; /* Count of them */
} KBDSPY_KEYS;

#define KBDSPY_KEYS_SIZE(n) (sizeof(KBDSPY_KEYS) + ((n)-1) * sizeof(KBDSPY_KEY))

#endif
