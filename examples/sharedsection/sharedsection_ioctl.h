/* The contract between the sharedsection driver (driver.c) and its client (client.c).
 * KmdKit's SharedSection: the client makes a named section (CreateFileMapping) and writes a
 * string in it; the driver opens the section by name, maps it, edits the string in place and
 * unmaps it; the client reads the result from its own view. */
#ifndef KMDKIT_SHAREDSECTION_IOCTL_H
#define KMDKIT_SHAREDSECTION_IOCTL_H

#include <kmdkit/ioctl.h>

#define SHAREDSECTION_DEVICE_NAME L"\\Device\\KmdSharedSection"
#define SHAREDSECTION_LINK_NAME L"\\DosDevices\\KmdSharedSection"
#define SHAREDSECTION_USER_NAME L"KmdSharedSection" /* opened as \\.\KmdSharedSection */

#define SHAREDSECTION_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x214)

/* In: SHAREDSECTION_REQUEST. Out: SHAREDSECTION_REPORT.
 * Opens \BaseNamedObjects\<Name> (what user mode creates as "Global\<Name>"), maps the whole
 * section, reverses the NUL-terminated ASCII string at its start and upper-cases its letters,
 * unmaps it. The caller must have read/write access to the section.
 * Errors: input not exactly SHAREDSECTION_REQUEST, Name empty, not NUL-terminated, or with a
 * character other than A-Z a-z 0-9 _ - . -> STATUS_INVALID_PARAMETER (Win32 87);
 * output shorter than SHAREDSECTION_REPORT -> STATUS_BUFFER_TOO_SMALL (122);
 * no such section -> STATUS_OBJECT_NAME_NOT_FOUND (2);
 * no NUL in the section -> STATUS_INVALID_PARAMETER (87), the section is left unchanged. */
#define IOCTL_SHAREDSECTION_EDIT                                                                   \
    KMD_CTL_CODE(SHAREDSECTION_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define SHAREDSECTION_NAME_MAX 64              /* characters, without the NUL */
#define SHAREDSECTION_NAME L"KmdSharedSection" /* the client's default */
#define SHAREDSECTION_SIZE 4096                /* the client's section size */

typedef struct SHAREDSECTION_REQUEST {
    WCHAR Name[SHAREDSECTION_NAME_MAX + 1]; /* NUL-terminated, no path */
} SHAREDSECTION_REQUEST;

typedef struct SHAREDSECTION_REPORT {
    unsigned int Size;     /* sizeof(SHAREDSECTION_REPORT) */
    unsigned int Length;   /* characters edited */
    unsigned int ViewSize; /* bytes the driver's view covered */
} SHAREDSECTION_REPORT;

#endif
