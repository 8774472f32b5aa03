/* The contract between the securedevices driver (driver.c) and its client (client.c).
 * The driver makes four devices: three with kmdkit's DACL presets (KmdCreateDevice: protected
 * DACL + FILE_DEVICE_SECURE_OPEN) and one the plain way (IoCreateDevice, no DACL of its own, no
 * FILE_DEVICE_SECURE_OPEN), and reports, for each, its characteristics and the DACL read back
 * from the device object. Written once, compiled into both sides. */
#ifndef KMDKIT_SECUREDEVICES_IOCTL_H
#define KMDKIT_SECUREDEVICES_IOCTL_H

#include <kmdkit/ioctl.h>

#define SECUREDEVICES_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x231)

/* The devices, by index: \Device\<name>, link \DosDevices\<name>, opened as \\.\<name>. */
#define SECUREDEVICES_COUNT 4
#define SECUREDEVICES_ADMINS 0     /* D:P(A;;GA;;;SY)(A;;GA;;;BA), SECURE_OPEN */
#define SECUREDEVICES_USERS_READ 1 /* ... + (A;;GR;;;BU), SECURE_OPEN */
#define SECUREDEVICES_EVERYONE 2   /* ... + (A;;GRGW;;;WD), SECURE_OPEN */
#define SECUREDEVICES_DEFAULT                                                                      \
    3 /* IoCreateDevice: the system's default security, no SECURE_OPEN                             \
       */
#define SECUREDEVICES_NAMES                                                                        \
    {                                                                                              \
        L"KmdSecureAdmins", L"KmdSecureUsersRead", L"KmdSecureEveryone", L"KmdSecureDefault"       \
    }

/* Sent to any of the devices (the client uses KmdSecureEveryone, which every user may open).
 * In: unsigned int, the device index. Out: SECUREDEVICES_INFO.
 * Errors, checked in this order: input not exactly 4 bytes -> STATUS_INVALID_PARAMETER (Win32 87);
 *   output shorter than SECUREDEVICES_INFO -> STATUS_BUFFER_TOO_SMALL (122);
 *   index >= SECUREDEVICES_COUNT -> 87. */
#define IOCTL_SECUREDEVICES_QUERY                                                                  \
    KMD_CTL_CODE(SECUREDEVICES_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1).
 * Opening a name below a device (\\.\KmdSecureAdmins\x) -> STATUS_OBJECT_NAME_NOT_FOUND (Win32 2):
 * the devices have no namespace. */

#define SECUREDEVICES_MAX_ACES 8

/* FILE_DEVICE_SECURE_OPEN, which only the DDK headers define. */
#define SECUREDEVICES_SECURE_OPEN 0x00000100

/* Flags */
#define SECUREDEVICES_DACL_READ 0x0001      /* the security descriptor could be read back */
#define SECUREDEVICES_DACL_PRESENT 0x0002   /* it has a DACL (absent: NULL DACL, anyone) */
#define SECUREDEVICES_DACL_PROTECTED 0x0004 /* SE_DACL_PROTECTED */

typedef struct SECUREDEVICES_ACE {
    unsigned char Type;  /* ACCESS_ALLOWED_ACE_TYPE (0), ACCESS_DENIED_ACE_TYPE (1), ... */
    unsigned char Flags; /* ACE flags (inheritance) */
    unsigned short Reserved;
    unsigned int Mask; /* as stored: generic rights are mapped to file rights by Windows */
    char Sid[48];      /* "SY", "BA", "BU", "WD", ... or "S-1-..." */
} SECUREDEVICES_ACE;

typedef struct SECUREDEVICES_INFO {
    unsigned int Size; /* sizeof(SECUREDEVICES_INFO) */
    unsigned int Index;
    unsigned int DeviceType;      /* DeviceObject->DeviceType */
    unsigned int Characteristics; /* DeviceObject->Characteristics, as the system keeps it */
    unsigned int Requested;       /* the characteristics the driver asked for */
    unsigned int Flags;           /* SECUREDEVICES_DACL_* */
    int QueryStatus;              /* NTSTATUS of reading the security descriptor back */
    unsigned int AceCount;        /* ACEs in the DACL (Aces holds the first 8) */
    unsigned int RefusedOpens;    /* opens of a name below the device that the driver refused */
    SECUREDEVICES_ACE Aces[SECUREDEVICES_MAX_ACES];
    char Intended[64]; /* the preset's SDDL, or "(system default)" */
    char Sddl[256];    /* the DACL read back, SDDL-like: "D:P(A;;FA;;;SY)..." */
} SECUREDEVICES_INFO;

#endif
