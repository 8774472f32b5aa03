/* The contract between tests/klib/driver.c (a driver that runs kmdkit_klib's tests inside the
 * kernel, as ReactOS's kmtest does) and tests/klib/client.c (its client). Compiled into both. */
#ifndef KMDKIT_KLIBTEST_IOCTL_H
#define KMDKIT_KLIBTEST_IOCTL_H

#include <kmdkit/ioctl.h>

#define KLIBTEST_DEVICE_NAME L"\\Device\\KmdKlibTest"
#define KLIBTEST_LINK_NAME L"\\DosDevices\\KmdKlibTest"
#define KLIBTEST_USER_NAME L"KmdKlibTest" /* opened as \\.\KmdKlibTest */

#define KLIBTEST_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x300)

/* In: KLIBTEST_RUN. Out: KLIBTEST_RESULT (the whole structure).
 * Errors: wrong input size, unknown case -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than KLIBTEST_RESULT -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_KLIBTEST_RUN                                                                         \
    KMD_CTL_CODE(KLIBTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* The buffer-helper probes (KmdDispatchIoctl rows with MinIn KLIBTEST_PROBE_MIN_IN, MaxIn
 * KLIBTEST_PROBE_MAX_IN and MinOut KLIBTEST_PROBE_MIN_OUT): input shorter or longer ->
 * STATUS_INVALID_PARAMETER (87), output shorter -> STATUS_BUFFER_TOO_SMALL (122).
 *   BUFFERED:   out gets KLIBTEST_PROBE_REPLY.
 *   OUT_DIRECT: out (the MDL) gets KLIBTEST_PROBE_REPLY, the rest of it filled with byte i & 0xff.
 *   IN_DIRECT:  the second buffer (the MDL) must hold byte i & 0xff at offset i, else
 *               STATUS_DATA_ERROR (23); Information = its length. */
#define IOCTL_KLIBTEST_PROBE_BUFFERED                                                              \
    KMD_CTL_CODE(KLIBTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_KLIBTEST_PROBE_IN_DIRECT                                                             \
    KMD_CTL_CODE(KLIBTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_KLIBTEST_PROBE_OUT_DIRECT                                                            \
    KMD_CTL_CODE(KLIBTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 3, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define KLIBTEST_PROBE_MIN_IN 8
#define KLIBTEST_PROBE_MIN_OUT 16
#define KLIBTEST_PROBE_MAX_IN 64

/* Allocates KLIBTEST_LEAK_COUNT blocks of tag KLIBTEST_LEAK_TAG (16, 32, 48 bytes: 96) and does
 * not free them, so the unload report names them. Out: a ULONG, the tag's outstanding count. */
#define IOCTL_KLIBTEST_LEAK                                                                        \
    KMD_CTL_CODE(KLIBTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 4, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define KLIBTEST_LEAK_TAG 0x316b4c6bu /* bytes 'k','L','k','1': prints as kLk1 */
#define KLIBTEST_LEAK_COUNT 3
#define KLIBTEST_LEAK_BYTES 96

typedef enum KLIBTEST_CASE {
    KlibtestCaseInfo,     /* run-time bindings, pool path, system version */
    KlibtestCasePool,     /* allocator, zeroing, per-tag accounting, flag checks */
    KlibtestCaseTime,     /* KmdQuerySystemTime */
    KlibtestCaseStrings,  /* KMD_UNICODE_STRING and friends */
    KlibtestCaseLog,      /* KmdLog* lines (the test reads the driver log) */
    KlibtestCaseDevice,   /* KmdCreateDevice: SECURE_OPEN, the DACL read back, KmdDeleteDevice */
    KlibtestCaseThread,   /* KmdStartSystemThread/KmdStopSystemThread */
    KlibtestCaseRunState, /* KMD_RUN_STATE: KmdRunBeginStart/BeginStop/End */
    KlibtestCaseCount
} KLIBTEST_CASE;

typedef struct KLIBTEST_RUN {
    unsigned int Case; /* KLIBTEST_CASE */
} KLIBTEST_RUN;

typedef struct KLIBTEST_PROBE_REPLY {
    unsigned int InLength;
    unsigned int OutLength;
    unsigned int Method;
    unsigned int InSum; /* sum of the input bytes */
} KLIBTEST_PROBE_REPLY;

#define KLIBTEST_MAX_CHECKS 40
#define KLIBTEST_TEXT 124

#define KLIBTEST_FAIL 0
#define KLIBTEST_PASS 1
#define KLIBTEST_SKIP 2 /* could not be checked on this system; Text says what and why */
#define KLIBTEST_NOTE 3 /* information, not a check */

typedef struct KLIBTEST_CHECK {
    unsigned int Outcome; /* KLIBTEST_FAIL, _PASS, _SKIP, _NOTE */
    char Text[KLIBTEST_TEXT];
} KLIBTEST_CHECK;

typedef struct KLIBTEST_RESULT {
    unsigned int Size; /* sizeof(KLIBTEST_RESULT) */
    unsigned int Case;
    unsigned int Count; /* entries used in Checks */
    unsigned int Passed, Failed, Skipped;
    KLIBTEST_CHECK Checks[KLIBTEST_MAX_CHECKS];
} KLIBTEST_RESULT;

#endif
