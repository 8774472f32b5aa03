/* The contract between the mutex driver (driver.c) and its client (client.c).
 * KmdKit's MutualExclusion: MUTEX_THREADS system threads add 1 to a shared counter Iterations
 * times each, under one KMUTEX, with random delays; the final count must be exact. */
#ifndef KMDKIT_MUTEX_IOCTL_H
#define KMDKIT_MUTEX_IOCTL_H

#include <kmdkit/ioctl.h>

#define MUTEX_DEVICE_NAME L"\\Device\\KmdMutex"
#define MUTEX_LINK_NAME L"\\DosDevices\\KmdMutex"
#define MUTEX_USER_NAME L"KmdMutex" /* opened as \\.\KmdMutex */

#define MUTEX_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x220)

#define MUTEX_THREADS 4          /* threads of every run */
#define MUTEX_MAX_ITERATIONS 200 /* per thread */

/* In: MUTEX_START. Out: nothing. Starts a run: MUTEX_THREADS threads, each doing Iterations
 * locked read-delay-write updates of the shared counter (delays of 100-499 us).
 * Errors: input not exactly sizeof(MUTEX_START), or Iterations not 1..MUTEX_MAX_ITERATIONS ->
 *         STATUS_INVALID_PARAMETER (Win32 87); a run already started and not yet waited for ->
 *         STATUS_DEVICE_BUSY (Win32 170, ERROR_BUSY). */
#define IOCTL_MUTEX_START                                                                          \
    KMD_CTL_CODE(MUTEX_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: MUTEX_RESULT. Waits until every thread of the run has ended, then reports it;
 * the driver is ready for the next run.
 * Errors: any input bytes -> STATUS_INVALID_PARAMETER (87); output shorter than MUTEX_RESULT ->
 *         STATUS_BUFFER_TOO_SMALL (122); no run started -> STATUS_INVALID_DEVICE_STATE (Win32 22,
 *         ERROR_BAD_COMMAND); another request is starting or waiting -> STATUS_DEVICE_BUSY (170).
 */
#define IOCTL_MUTEX_WAIT                                                                           \
    KMD_CTL_CODE(MUTEX_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

typedef struct MUTEX_START {
    unsigned int Iterations; /* per thread, 1..MUTEX_MAX_ITERATIONS */
} MUTEX_START;

typedef struct MUTEX_RESULT {
    unsigned int Threads;    /* MUTEX_THREADS */
    unsigned int Iterations; /* per thread, as started */
    unsigned int Expected;   /* Threads * Iterations */
    unsigned int Count;      /* the shared counter at the end: must equal Expected */
    unsigned int Overlaps;   /* times a thread found another inside the lock: must be 0 */
    unsigned int HandOvers;  /* times the lock went to a different thread than the last holder */
    unsigned int WaitErrors; /* KeWaitForSingleObject failures (iteration skipped): must be 0 */
    unsigned int PerThread[MUTEX_THREADS]; /* updates each thread made */
} MUTEX_RESULT;

#endif
