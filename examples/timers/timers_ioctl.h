/* The contract between the timers driver (driver.c) and its client (client.c).
 * KmdKit's TimerWorks: a periodic kernel timer whose DPC counts ticks and wakes a system thread,
 * which records the time between wake-ups. */
#ifndef KMDKIT_TIMERS_IOCTL_H
#define KMDKIT_TIMERS_IOCTL_H

#include <kmdkit/ioctl.h>

#define TIMERS_DEVICE_NAME L"\\Device\\KmdTimers"
#define TIMERS_LINK_NAME L"\\DosDevices\\KmdTimers"
#define TIMERS_USER_NAME L"KmdTimers" /* opened as \\.\KmdTimers */

#define TIMERS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x221)

#define TIMERS_MIN_PERIOD_MS 10
#define TIMERS_MAX_PERIOD_MS 1000
#define TIMERS_MAX_INTERVALS 32 /* wake-up intervals recorded (the first ones) */

/* In: TIMERS_START. Out: nothing. Starts the periodic timer (first tick one period from now)
 * and the thread that waits for its ticks; the counters start from 0.
 * Errors: input not exactly sizeof(TIMERS_START), or PeriodMs not TIMERS_MIN_PERIOD_MS..
 *         TIMERS_MAX_PERIOD_MS -> STATUS_INVALID_PARAMETER (Win32 87); already started, or
 *         another request is starting or stopping -> STATUS_DEVICE_BUSY (Win32 170). */
#define IOCTL_TIMERS_START                                                                         \
    KMD_CTL_CODE(TIMERS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: nothing. Cancels the timer, waits for its DPC and for the thread to end.
 * The counters keep their values for IOCTL_TIMERS_QUERY.
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); not started ->
 *         STATUS_INVALID_DEVICE_STATE (Win32 22, ERROR_BAD_COMMAND); another request is starting
 *         or stopping -> STATUS_DEVICE_BUSY (170). */
#define IOCTL_TIMERS_STOP                                                                          \
    KMD_CTL_CODE(TIMERS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: TIMERS_STATE, at any time.
 * Errors: any input -> STATUS_INVALID_PARAMETER (87); output shorter than TIMERS_STATE ->
 *         STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_TIMERS_QUERY                                                                         \
    KMD_CTL_CODE(TIMERS_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct TIMERS_START {
    unsigned int PeriodMs;
} TIMERS_START;

typedef struct TIMERS_STATE {
    unsigned int PeriodMs; /* of the last start (0 before any) */
    unsigned int Running;  /* 1 between START and STOP */
    unsigned int Dpcs;     /* times the timer's DPC ran */
    unsigned int DpcIrql;  /* KeGetCurrentIrql() in the DPC (DISPATCH_LEVEL, 2, on Windows) */
    unsigned int Wakeups;  /* times the thread woke up for a tick */
    unsigned int Recorded; /* entries of IntervalsUs in use */
    unsigned int IntervalsUs[TIMERS_MAX_INTERVALS]; /* wake-up to wake-up (the first one: from
                                                       the start), KeQueryInterruptTime, in us */
} TIMERS_STATE;

#endif
