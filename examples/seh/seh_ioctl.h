/* The contract between the seh driver (driver.c) and its client (client.c): two METHOD_NEITHER
 * requests whose user addresses the driver reaches only inside __try, and the counters that show
 * what the exception handling did. Written once, compiled into both. The driver needs structured
 * exception handling: kmdkit builds it only with the x64 clang toolchain (README.md). */
#ifndef KMDKIT_SEH_IOCTL_H
#define KMDKIT_SEH_IOCTL_H

#include <kmdkit/ioctl.h>

#define SEH_DEVICE_NAME L"\\Device\\KmdSeh"
#define SEH_LINK_NAME L"\\DosDevices\\KmdSeh"
#define SEH_USER_NAME L"KmdSeh" /* opened as \\.\KmdSeh */

#define SEH_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x240)

/* METHOD_NEITHER: the input is the caller's buffer itself (Type3InputBuffer), the output the
 * caller's output buffer (Irp->UserBuffer); the driver probes both and reads/writes them inside
 * __try. In: 1..SEH_COPY_MAX bytes. Out: the same bytes in reverse order.
 * Errors: empty or longer input -> STATUS_INVALID_PARAMETER (Win32 87);
 *   output shorter than the input -> STATUS_BUFFER_TOO_SMALL (122);
 *   a buffer pointer the caller may not read (input) or write (output) ->
 *   STATUS_ACCESS_VIOLATION (998, ERROR_NOACCESS), caught by the driver. */
#define IOCTL_SEH_COPY                                                                             \
    KMD_CTL_CODE(SEH_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_NEITHER, FILE_ANY_ACCESS)

#define SEH_COPY_MAX 4096

/* METHOD_NEITHER: reads Length bytes at Address, an address in the caller's address space, into
 * the output buffer. In: exactly a SEH_READ_REQUEST. Out: Length bytes.
 * Errors, in this order: input not exactly 16 bytes -> 87; an input pointer the caller may not
 *   read -> 998; Length 0 or above SEH_READ_MAX, or an unknown flag -> 87; output shorter than
 *   Length -> 122;
 *   Address..Address+Length not readable by the caller (a low address, a kernel-range or
 *   non-canonical one, a page that is not there) -> STATUS_ACCESS_VIOLATION (998);
 *   SEH_READ_LOCK and the locked pages cannot be mapped -> STATUS_INSUFFICIENT_RESOURCES (1450).
 * Length and Flags come first, so `seh call read --value N` reads N bytes at address 0. */
#define IOCTL_SEH_READ                                                                             \
    KMD_CTL_CODE(SEH_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_NEITHER, FILE_ANY_ACCESS)

#define SEH_READ_MAX 4096
/* Flags: lock the pages with an MDL (MmProbeAndLockPages) and read the locked pages, instead of
 * ProbeForRead and reading the caller's address. */
#define SEH_READ_LOCK 0x0001

typedef struct SEH_READ_REQUEST {
    unsigned int Length;
    unsigned int Flags;         /* SEH_READ_* */
    unsigned long long Address; /* in the caller's address space */
} SEH_READ_REQUEST;

/* A user-mode address readable in every process, on Windows and under Wine alike: the shared
 * user data page (KUSER_SHARED_DATA as user mode sees it, read-only). Its NtMajorVersion and
 * NtMinorVersion, 8 bytes at SEH_USER_SHARED_VERSION, never change while the system runs. */
#define SEH_USER_SHARED_DATA 0x7FFE0000ull
#define SEH_USER_SHARED_VERSION (SEH_USER_SHARED_DATA + 0x26C)

/* METHOD_BUFFERED. In: nothing. Out: SEH_STATS, the counters since the driver was loaded.
 * Errors: any input -> 87; output shorter than SEH_STATS -> 122. */
#define IOCTL_SEH_STATS                                                                            \
    KMD_CTL_CODE(SEH_DEVICE_TYPE, KMD_FUNCTION_BASE + 2, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

/* Where the last exception was raised. */
#define SEH_STAGE_NONE 0
#define SEH_STAGE_PROBE 1 /* ProbeForRead/ProbeForWrite of an address the caller gave */
#define SEH_STAGE_LOCK 2  /* MmProbeAndLockPages */
#define SEH_STAGE_READ 3  /* reading the caller's memory */
#define SEH_STAGE_WRITE 4 /* writing the caller's output buffer */

/* SEH_STATS.LastAccess when the exception record carries no address (a raised status). */
#define SEH_ACCESS_NONE 0xFFFFFFFFu

typedef struct SEH_STATS {
    unsigned int Size;              /* sizeof(SEH_STATS) */
    unsigned int Tries;             /* guarded blocks entered (__try) */
    unsigned int Exceptions;        /* exceptions caught (__except) */
    unsigned int FinallyNormal;     /* __finally runs after a normal exit (the end, __leave) */
    unsigned int FinallyAbnormal;   /* __finally runs while an exception unwound the block */
    unsigned int Leaves;            /* __leave taken */
    unsigned int LastCode;          /* the last exception's code, read in the filter */
    unsigned int LastBodyCode;      /* GetExceptionCode() read in the __except body */
    unsigned int LastStage;         /* SEH_STAGE_* */
    unsigned int LastAccess;        /* access violation: 0 read, 1 write, 8 execute; or NONE */
    unsigned long long LastAddress; /* access violation: the address that could not be reached */
} SEH_STATS;

#endif
