/* The contract between registryworks' driver (driver.c) and its client (client.c).
 * KmdKit's RegistryWorks: keys and values through the Zw* registry routines, under the driver's
 * own service key (the RegistryPath DriverEntry receives). */
#ifndef KMDKIT_REGISTRYWORKS_IOCTL_H
#define KMDKIT_REGISTRYWORKS_IOCTL_H

#include <kmdkit/ioctl.h>

#define REGISTRYWORKS_DEVICE_NAME L"\\Device\\KmdRegistryWorks"
#define REGISTRYWORKS_LINK_NAME L"\\DosDevices\\KmdRegistryWorks"
#define REGISTRYWORKS_USER_NAME L"KmdRegistryWorks" /* opened as \\.\KmdRegistryWorks */

#define REGISTRYWORKS_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x211)

/* In: nothing. Out: REGISTRYWORKS_REPORT.
 * Creates <RegistryPath>\REGISTRYWORKS_KEY with the values Text (REG_SZ REGISTRYWORKS_TEXT),
 * Number (REG_DWORD REGISTRYWORKS_NUMBER), Bytes (REG_BINARY REGISTRYWORKS_BYTES) and the empty
 * subkey REGISTRYWORKS_CHILD, then reads everything back (ZwQueryValueKey, ZwEnumerateValueKey,
 * ZwEnumerateKey) into the report. The key stays until IOCTL_REGISTRYWORKS_DELETE or unload.
 * Errors: any input -> STATUS_INVALID_PARAMETER (Win32 87); output shorter than
 * REGISTRYWORKS_REPORT -> STATUS_BUFFER_TOO_SMALL (122); a failing Zw* routine -> its status. */
#define IOCTL_REGISTRYWORKS_CREATE                                                                 \
    KMD_CTL_CODE(REGISTRYWORKS_DEVICE_TYPE, KMD_FUNCTION_BASE + 0, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* In: nothing. Out: nothing. Deletes the subkey, then the key (ZwDeleteKey).
 * Errors: any input or output -> STATUS_INVALID_PARAMETER (87); no key to delete ->
 * STATUS_OBJECT_NAME_NOT_FOUND (Win32 2). */
#define IOCTL_REGISTRYWORKS_DELETE                                                                 \
    KMD_CTL_CODE(REGISTRYWORKS_DEVICE_TYPE, KMD_FUNCTION_BASE + 1, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Any other code -> STATUS_INVALID_DEVICE_REQUEST (Win32 1). */

#define REGISTRYWORKS_KEY L"RegistryWorks"
#define REGISTRYWORKS_CHILD L"Child"
#define REGISTRYWORKS_TEXT L"Hello from the kernel"
#define REGISTRYWORKS_NUMBER 0x12345678u
#define REGISTRYWORKS_BYTES                                                                        \
    {                                                                                              \
        0xde, 0xad, 0xbe, 0xef, 0x00, 0x4b, 0x4d, 0x44                                             \
    }
#define REGISTRYWORKS_PATH_MAX 256
#define REGISTRYWORKS_NAME_MAX 16
#define REGISTRYWORKS_MAX_VALUES 4

typedef struct REGISTRYWORKS_VALUE {
    unsigned int Type;                  /* REG_SZ, REG_DWORD, REG_BINARY */
    WCHAR Name[REGISTRYWORKS_NAME_MAX]; /* NUL-terminated */
} REGISTRYWORKS_VALUE;

typedef struct REGISTRYWORKS_REPORT {
    unsigned int Size;                     /* sizeof(REGISTRYWORKS_REPORT) */
    WCHAR KeyPath[REGISTRYWORKS_PATH_MAX]; /* the key's NT name, \Registry\Machine\...,
                                              NUL-terminated */
    unsigned int TextType, TextBytes; /* as ZwQueryValueKey reports them (bytes with the NUL) */
    WCHAR Text[32];
    unsigned int NumberType, Number;
    unsigned int BytesType, BytesLength;
    unsigned char Bytes[16];
    unsigned int ValueCount; /* values ZwEnumerateValueKey listed */
    REGISTRYWORKS_VALUE Values[REGISTRYWORKS_MAX_VALUES];
    unsigned int SubkeyCount;             /* subkeys ZwEnumerateKey listed */
    WCHAR Subkey[REGISTRYWORKS_NAME_MAX]; /* the first one */
} REGISTRYWORKS_REPORT;

#endif
