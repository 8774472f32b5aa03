/*++

Module Name:

    wdkioctl.h

Abstract:

    What wdkstyle.sys and its test app share: the names of the device, one
    control code per buffer transfer method, and the structures they carry.
    Included after <ntddk.h> by the driver and after <windows.h> by the app.

Environment:

    Kernel and user mode.

--*/

#pragma once

//
// Device types 0x8000-0xFFFF are for vendors (examples/README.md keeps
// kmdkit's registry of them), function codes 0x800-0xFFF too.
//
#define FILE_DEVICE_WDKSTYLE 0x8241

//
// METHOD_BUFFERED: in, a text; out, the same text in capitals followed by
// " (N bytes)", N the input length. Both share one system buffer.
//
#define IOCTL_WDKSTYLE_METHOD_BUFFERED                                                             \
    CTL_CODE(FILE_DEVICE_WDKSTYLE, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)

//
// METHOD_IN_DIRECT: in, a WDKSTYLE_CHECKSUM; the output buffer is data FOR
// the driver (mapped through an MDL), which checks it against the checksum:
// STATUS_DATA_ERROR (Win32 23) when they differ. Nothing is returned.
//
#define IOCTL_WDKSTYLE_METHOD_IN_DIRECT                                                            \
    CTL_CODE(FILE_DEVICE_WDKSTYLE, 0x901, METHOD_IN_DIRECT, FILE_ANY_ACCESS)

//
// METHOD_OUT_DIRECT: in, a WDKSTYLE_PATTERN; the driver fills the whole
// output buffer (mapped through an MDL) with WdkStylePatternByte(Seed, i).
//
#define IOCTL_WDKSTYLE_METHOD_OUT_DIRECT                                                           \
    CTL_CODE(FILE_DEVICE_WDKSTYLE, 0x902, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)

//
// METHOD_NEITHER: in, a WDKSTYLE_NEITHER_IN (the caller's own address);
// out, its data reversed. A bad embedded pointer fails with
// STATUS_ACCESS_VIOLATION (Win32 998).
//
#define IOCTL_WDKSTYLE_METHOD_NEITHER                                                              \
    CTL_CODE(FILE_DEVICE_WDKSTYLE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS)

//
// METHOD_BUFFERED: no input; out, a WDKSTYLE_INFO.
//
#define IOCTL_WDKSTYLE_GET_INFO                                                                    \
    CTL_CODE(FILE_DEVICE_WDKSTYLE, 0x904, METHOD_BUFFERED, FILE_ANY_ACCESS)

#define DRIVER_NAME "wdkstyle"
#define DRIVER_FILE_NAME "wdkstyle.sys"
#define NT_DEVICE_NAME L"\\Device\\WdkStyle"
#define DOS_DEVICE_NAME L"\\DosDevices\\WdkStyle"
#define WIN32_DEVICE_NAME "\\\\.\\WdkStyle"

#define WDKSTYLE_MAX_TEXT 256         // METHOD_BUFFERED input, in bytes
#define WDKSTYLE_MAX_NEITHER_DATA 256 // METHOD_NEITHER data, in bytes

typedef struct _WDKSTYLE_CHECKSUM {
    ULONG Length;   // bytes in the output buffer
    ULONG Checksum; // WdkStyleChecksum of them
} WDKSTYLE_CHECKSUM, *PWDKSTYLE_CHECKSUM;

typedef struct _WDKSTYLE_PATTERN {
    ULONG Seed;
} WDKSTYLE_PATTERN, *PWDKSTYLE_PATTERN;

//
// Data == NULL: DataLength bytes follow this header in the input buffer.
// Otherwise Data points to them in the caller's address space. 64-bit
// callers only: a 32-bit app would lay the pointer out differently.
//
typedef struct _WDKSTYLE_NEITHER_IN {
    ULONG Size;       // sizeof(WDKSTYLE_NEITHER_IN)
    ULONG DataLength; // 1..WDKSTYLE_MAX_NEITHER_DATA
    PVOID Data;
} WDKSTYLE_NEITHER_IN, *PWDKSTYLE_NEITHER_IN;

//
// Where a routine's code lies, found by the driver in its own section table.
//
typedef struct _WDKSTYLE_CODE_PLACE {
    ULONG Rva;
    ULONG Characteristics; // of the section, IMAGE_SCN_*
    CHAR Section[8];       // its name, not terminated when 8 long
} WDKSTYLE_CODE_PLACE, *PWDKSTYLE_CODE_PLACE;

typedef struct _WDKSTYLE_INFO {
    ULONG Size;             // sizeof(WDKSTYLE_INFO)
    ULONG NonPagedPoolType; // what NonPagedPool meant in DriverEntry
    ULONG Requests;         // IRP_MJ_DEVICE_CONTROL requests so far
    ULONG Reserved;
    WDKSTYLE_CODE_PLACE DriverEntry;   // INIT: discardable
    WDKSTYLE_CODE_PLACE DeviceControl; // PAGE: pageable
    WCHAR ServiceName[32];             // the service it was loaded as
    CHAR Banner[64];                   // which build, made with ntstrsafe
} WDKSTYLE_INFO, *PWDKSTYLE_INFO;

//
// The data both sides compute the same way: FNV-1a over bytes, and the
// pattern METHOD_OUT_DIRECT writes.
//
static __inline ULONG WdkStyleChecksum(_In_reads_bytes_(Length) const UCHAR *Data,
                                       _In_ ULONG Length)
{
    ULONG hash = 0x811C9DC5;
    ULONG i;

    for (i = 0; i < Length; i++) {
        hash = (hash ^ Data[i]) * 0x01000193;
    }
    return hash;
}

static __inline UCHAR WdkStylePatternByte(_In_ ULONG Seed, _In_ ULONG Index)
{
    ULONG x = (Seed ^ Index) * 0x9E3779B1;

    return (UCHAR)(x >> 24);
}
