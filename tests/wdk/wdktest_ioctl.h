/* The contract between tests/wdk's driver (a WDK-style driver built with kmd_add_driver(...
 * WDK): driver.c and the files it names) and its client (client.c). Compiled into both. */
#ifndef KMDKIT_WDKTEST_IOCTL_H
#define KMDKIT_WDKTEST_IOCTL_H

#include <kmdkit/ioctl.h>

#define WDKTEST_DEVICE_NAME L"\\Device\\KmdWdkTest"
#define WDKTEST_LINK_NAME L"\\DosDevices\\KmdWdkTest"
#define WDKTEST_USER_NAME L"KmdWdkTest" /* opened as \\.\KmdWdkTest */

#define WDKTEST_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x301)

/* The device IOCTL_WDKTEST_SECURE makes (and deletes before it answers). */
#define WDKTEST_SECURE_NAME L"\\Device\\KmdWdkTestSecure"

/* The device class whose registry override IOCTL_WDKTEST_SECURE reads with WDKTEST_SECURE_CLASS:
 * HKLM\SYSTEM\CurrentControlSet\Control\Class\{WDKTEST_CLASS_GUID_TEXT}\Properties. */
#define WDKTEST_CLASS_GUID                                                                         \
    {                                                                                              \
        0x6b2f1c0e, 0x4d3a, 0x4f7e,                                                                \
        {                                                                                          \
            0x9a, 0x51, 0x0c, 0x8e, 0x2d, 0x71, 0x30, 0x1b                                         \
        }                                                                                          \
    }
#define WDKTEST_CLASS_GUID_TEXT L"{6B2F1C0E-4D3A-4F7E-9A51-0C8E2D71301B}"

/* In: WDKTEST_RUN. Out: WDKTEST_RESULT (the whole structure).
 * Errors: input not exactly WDKTEST_RUN, unknown case -> STATUS_INVALID_PARAMETER (87);
 *         output shorter than WDKTEST_RESULT -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_WDKTEST_RUN                                                                          \
    KMD_CTL_CODE(WDKTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* IoCreateDeviceSecure(WDKTEST_SECURE_NAME, WDKTEST_DEVICE_TYPE, no characteristics, not
 * exclusive) with one SDDL string, the DACL read back from the device object, then the device
 * deleted. In: WDKTEST_SECURE_IN. Out: WDKTEST_SECURE_OUT (the whole structure). The request
 * itself succeeds whatever IoCreateDeviceSecure answered (Status says that).
 * Errors: input not exactly WDKTEST_SECURE_IN, Constant out of range, Sddl not terminated ->
 *         STATUS_INVALID_PARAMETER (87); output too short -> STATUS_BUFFER_TOO_SMALL (122). */
#define IOCTL_WDKTEST_SECURE                                                                       \
    KMD_CTL_CODE(WDKTEST_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

typedef enum WDKTEST_CASE {
    WdktestCasePool,    /* ExAllocatePool2/3, ExFreePool2, the ExAllocatePoolZero family */
    WdktestCaseRuntime, /* ExInitializeDriverRuntime, POOL_NX_OPTIN/OPTOUT, RtlIsNtDdi... */
    WdktestCaseMacros,  /* KdPrint, NT_ASSERT, PAGED_CODE, ntstrsafe in several files, wdmsec */
    WdktestCaseCount
} WDKTEST_CASE;

/* WDKTEST_RUN.Flags. NATIVE: the client runs on Windows, not Wine, so routines that are stubs
 * ending the process in Wine 8 (IoValidateDeviceIoControlAccess) may be called. */
#define WDKTEST_RUN_NATIVE 0x0001

typedef struct WDKTEST_RUN {
    unsigned int Case;  /* WDKTEST_CASE */
    unsigned int Flags; /* WDKTEST_RUN_* */
} WDKTEST_RUN;

#define WDKTEST_MAX_CHECKS 48
#define WDKTEST_TEXT 124

#define WDKTEST_FAIL 0
#define WDKTEST_PASS 1
#define WDKTEST_SKIP 2 /* could not be checked on this system; Text says what and why */
#define WDKTEST_NOTE 3 /* information, not a check */

typedef struct WDKTEST_CHECK {
    unsigned int Outcome; /* WDKTEST_FAIL, _PASS, _SKIP, _NOTE */
    char Text[WDKTEST_TEXT];
} WDKTEST_CHECK;

typedef struct WDKTEST_RESULT {
    unsigned int Size; /* sizeof(WDKTEST_RESULT) */
    unsigned int Case;
    unsigned int Count; /* entries used in Checks */
    unsigned int Passed, Failed, Skipped;
    WDKTEST_CHECK Checks[WDKTEST_MAX_CHECKS];
} WDKTEST_RESULT;

/* WDKTEST_SECURE_IN.Constant: one of wdmsec.h's strings, or WDKTEST_SECURE_CUSTOM for Sddl. */
#define WDKTEST_SDDL_KERNEL_ONLY 0
#define WDKTEST_SDDL_SYS_ALL 1
#define WDKTEST_SDDL_SYS_ALL_ADM_ALL 2
#define WDKTEST_SDDL_SYS_ALL_ADM_RX 3
#define WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R 4
#define WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_R_RES_R 5
#define WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RW_RES_R 6
#define WDKTEST_SDDL_SYS_ALL_ADM_RWX_WORLD_RWX_RES_RWX 7
#define WDKTEST_SDDL_INF_SUPPLIED 8 /* an alias of KERNEL_ONLY */
#define WDKTEST_SDDL_COUNT 9
#define WDKTEST_SECURE_CUSTOM 0xFFFFFFFFu

#define WDKTEST_SECURE_CLASS 0x0001 /* pass WDKTEST_CLASS_GUID as DeviceClassGuid */

#define WDKTEST_SDDL_MAX 256 /* characters of Sddl, with the terminator */

typedef struct WDKTEST_SECURE_IN {
    unsigned int Constant;                 /* WDKTEST_SDDL_* or WDKTEST_SECURE_CUSTOM */
    unsigned int Flags;                    /* WDKTEST_SECURE_* */
    unsigned short Sddl[WDKTEST_SDDL_MAX]; /* UTF-16, terminated; for WDKTEST_SECURE_CUSTOM */
} WDKTEST_SECURE_IN;

#define WDKTEST_MAX_ACES 8

typedef struct WDKTEST_ACE {
    unsigned char Type;  /* ACCESS_ALLOWED_ACE_TYPE (0), ... */
    unsigned char Flags; /* ACE flags */
    unsigned short Reserved;
    unsigned int Mask; /* as stored: Windows maps generic rights to file rights, Wine does not */
    char Sid[64];      /* "S-1-5-18", ... */
} WDKTEST_ACE;

/* WDKTEST_SECURE_OUT.Dacl */
#define WDKTEST_DACL_READ 0x0001      /* the security descriptor was read back */
#define WDKTEST_DACL_PRESENT 0x0002   /* it has a DACL (absent: NULL DACL, anyone) */
#define WDKTEST_DACL_PROTECTED 0x0004 /* SE_DACL_PROTECTED */

typedef struct WDKTEST_SECURE_OUT {
    unsigned int Size;            /* sizeof(WDKTEST_SECURE_OUT) */
    int Status;                   /* IoCreateDeviceSecure's NTSTATUS */
    unsigned int DeviceType;      /* of the device made (Status success) */
    unsigned int Characteristics; /* as the system keeps them */
    unsigned int Exclusive;       /* DO_EXCLUSIVE set */
    int QueryStatus;              /* reading the security descriptor back */
    unsigned int Dacl;            /* WDKTEST_DACL_* */
    unsigned int AceCount;        /* ACEs in the DACL (Aces holds the first 8) */
    WDKTEST_ACE Aces[WDKTEST_MAX_ACES];
    /* The driver's devices (DriverObject->DeviceObject list) before the call, while the new
     * device existed (success only), and at the end (the device deleted); whether the name was
     * free at the end (IoCreateDevice with it succeeded). */
    unsigned int DevicesBefore, DevicesWith, DevicesAfter;
    unsigned int NameFreeAfter;
} WDKTEST_SECURE_OUT;

#endif
