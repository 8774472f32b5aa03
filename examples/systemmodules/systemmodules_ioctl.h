/* The contract between systemmodules' driver (driver.c) and its client (client.c).
 * KmdKit's SystemModules (and GetKernelBase): the loaded kernel modules as
 * ZwQuerySystemInformation(SystemModuleInformation) lists them; the first is the kernel. */
#ifndef KMDKIT_SYSTEMMODULES_IOCTL_H
#define KMDKIT_SYSTEMMODULES_IOCTL_H

#include <kmdkit/ioctl.h>

#define SYSTEMMODULES_DEVICE_NAME L"\\Device\\KmdSystemModules"
#define SYSTEMMODULES_LINK_NAME L"\\DosDevices\\KmdSystemModules"
#define SYSTEMMODULES_USER_NAME L"KmdSystemModules" /* opened as \\.\KmdSystemModules */

#define SYSTEMMODULES_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x212)

/* In: nothing. Out: SYSTEMMODULES_LIST followed by Count SYSTEMMODULES_ENTRY records.
 * Output of at least SYSTEMMODULES_LIST but too short for every record -> the header alone
 * (Count, Needed; Returned 0) with STATUS_BUFFER_OVERFLOW (Win32 234, ERROR_MORE_DATA: the
 * I/O manager copies data back for this warning, not for an error); call again with Needed bytes.
 * Errors: any input -> STATUS_INVALID_PARAMETER (Win32 87); output shorter than
 * SYSTEMMODULES_LIST -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_SYSTEMMODULES_LIST                                                                   \
    KMD_CTL_CODE(SYSTEMMODULES_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define SYSTEMMODULES_NAME_MAX 256 /* as in RTL_PROCESS_MODULE_INFORMATION.FullPathName */
#define SYSTEMMODULES_NOT_FOUND 0xFFFFFFFFu

typedef struct SYSTEMMODULES_ENTRY {
    unsigned long long Base; /* ImageBase */
    unsigned int Size;       /* ImageSize */
    unsigned short LoadOrder;
    unsigned short NameOffset;         /* where the file name starts in Name */
    char Name[SYSTEMMODULES_NAME_MAX]; /* NUL-terminated path, e.g.
                                          \SystemRoot\system32\ntoskrnl.exe */
} SYSTEMMODULES_ENTRY;

typedef struct SYSTEMMODULES_LIST {
    unsigned int Size;     /* sizeof(SYSTEMMODULES_LIST) */
    unsigned int Count;    /* modules the system listed */
    unsigned int Returned; /* records that follow (Count, or 0 with STATUS_BUFFER_OVERFLOW) */
    unsigned int Needed;   /* bytes of output for every record */
    unsigned long long KernelBase; /* the first module's base: the kernel (GetKernelBase) */
    unsigned int KernelSize;
    unsigned int SelfIndex;      /* the record that holds this driver, or SYSTEMMODULES_NOT_FOUND */
    unsigned long long SelfBase; /* DriverObject->DriverStart */
    unsigned int ExportInKernel; /* 1 when MmGetSystemRoutineAddress("ZwClose") lies inside the
                                    first module: it really is the kernel */
    unsigned int Reserved;
} SYSTEMMODULES_LIST;

#endif
