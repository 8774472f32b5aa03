/* The contract between fileworks' driver (driver.c) and its client (client.c).
 * KmdKit's FileWorks: the driver works with files through the Zw* routines and reports what
 * happened, step by step, so the client can check exact sizes, bytes and attributes. */
#ifndef KMDKIT_FILEWORKS_IOCTL_H
#define KMDKIT_FILEWORKS_IOCTL_H

#include <kmdkit/ioctl.h>

#define FILEWORKS_DEVICE_NAME L"\\Device\\KmdFileWorks"
#define FILEWORKS_LINK_NAME L"\\DosDevices\\KmdFileWorks"
#define FILEWORKS_USER_NAME L"KmdFileWorks" /* opened as \\.\KmdFileWorks */

#define FILEWORKS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x210)

/* In: FILEWORKS_REQUEST. Out: FILEWORKS_REPORT.
 * Under Base (NT path; empty: \??\C:\) the driver creates the folder kmdkit-fileworks, in it
 * the files FILEWORKS_FILE_NAME and FILEWORKS_EMPTY_NAME, writes FILEWORKS_TEXT1, appends
 * FILEWORKS_TEXT2, reads the file back, truncates it to FILEWORKS_TRUNCATE_TO bytes, sets and
 * clears FILE_ATTRIBUTE_READONLY (trying to delete it while read-only), lists the folder and
 * deletes everything it made. The IOCTL succeeds when the request was valid; the report says
 * which step failed, if one did (FailedStep, FailedStatus), after cleaning up.
 * Errors: input not exactly sizeof(FILEWORKS_REQUEST) -> STATUS_INVALID_PARAMETER (Win32 87);
 *         Base not NUL-terminated, not starting with \??\, longer than FILEWORKS_BASE_MAX
 *         characters or containing ".." -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than FILEWORKS_REPORT -> STATUS_BUFFER_TOO_SMALL (122).
 * Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */
#define IOCTL_FILEWORKS_RUN                                                                        \
    KMD_CTL_CODE(FILEWORKS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define FILEWORKS_BASE_MAX 200 /* characters, without the terminating NUL */
#define FILEWORKS_DIR_NAME L"kmdkit-fileworks"
#define FILEWORKS_FILE_NAME L"story.txt"
#define FILEWORKS_EMPTY_NAME L"empty.dat"
#define FILEWORKS_TEXT1 "Hello from the kernel.\r\n"
#define FILEWORKS_TEXT2 "Appended line.\r\n"
#define FILEWORKS_TRUNCATE_TO 5
#define FILEWORKS_MAX_ENTRIES 4
#define FILEWORKS_READ_MAX 64

/* The steps, in order (FailedStep names the first that failed; 0: none failed). */
enum {
    FILEWORKS_STEP_NONE,
    FILEWORKS_STEP_CREATE_DIR,
    FILEWORKS_STEP_CREATE_FILE,
    FILEWORKS_STEP_APPEND,
    FILEWORKS_STEP_READ,
    FILEWORKS_STEP_TRUNCATE,
    FILEWORKS_STEP_SET_READONLY,
    FILEWORKS_STEP_CLEAR_READONLY,
    FILEWORKS_STEP_LIST,
    FILEWORKS_STEP_DELETE,
    FILEWORKS_STEP_COUNT
};

typedef struct FILEWORKS_REQUEST {
    WCHAR Base[FILEWORKS_BASE_MAX + 1]; /* NUL-terminated NT path of an existing folder */
} FILEWORKS_REQUEST;

typedef struct FILEWORKS_ENTRY {
    unsigned int Size;       /* EndOfFile */
    unsigned int Attributes; /* FILE_ATTRIBUTE_* */
    WCHAR Name[32];          /* NUL-terminated (cut if longer) */
} FILEWORKS_ENTRY;

typedef struct FILEWORKS_REPORT {
    unsigned int Size;            /* sizeof(FILEWORKS_REPORT) */
    unsigned int FailedStep;      /* FILEWORKS_STEP_*; 0 when every step worked */
    int FailedStatus;             /* NTSTATUS of that step */
    unsigned int Written;         /* bytes ZwWriteFile wrote (FILEWORKS_TEXT1) */
    unsigned int Appended;        /* bytes appended (FILEWORKS_TEXT2) */
    unsigned int SizeAfterAppend; /* EndOfFile from FileStandardInformation */
    unsigned int ReadBytes;       /* bytes ZwReadFile read */
    char ReadData[FILEWORKS_READ_MAX];
    unsigned int SizeAfterTruncate;  /* after FileEndOfFileInformation */
    unsigned int AttributesReadOnly; /* FileBasicInformation after setting READONLY */
    int DeleteWhileReadOnly;         /* NTSTATUS of the delete attempt (STATUS_CANNOT_DELETE) */
    unsigned int AttributesCleared;  /* after clearing READONLY */
    unsigned int EntryCount;         /* entries listed, "." and ".." left out */
    FILEWORKS_ENTRY Entries[FILEWORKS_MAX_ENTRIES];
    int OpenAfterDelete;    /* NTSTATUS opening the file after the delete */
    int OpenDirAfterDelete; /* NTSTATUS opening the folder after its delete */
} FILEWORKS_REPORT;

#endif
