/*++

Module Name:

    testapp.c

Abstract:

    Test app for wdkstyle.sys: installs and removes the driver through the
    service control manager, and sends it one request per buffer transfer
    method, checking every byte that comes back.

        wdkstyle            test the driver that is loaded
        wdkstyle -install   install and start wdkstyle.sys from this app's folder
        wdkstyle -remove    stop and delete the service
        wdkstyle -all       -install, test, -remove

    Exit code 0 when everything checked out, 1 otherwise (2: bad arguments).

Environment:

    User mode only.

--*/

#include <windows.h>
#include <winioctl.h>
#include <sddl.h>
#include <strsafe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys\wdkioctl.h>

#define BUFFERED_TEXT "Hello from the WDK-style test app"
#define IN_DIRECT_LENGTH 4096
#define OUT_DIRECT_LENGTH 8192
#define OUT_DIRECT_SEED 0x5EED0241
#define NEITHER_TEXT "abcdefghijklmnopqrstuvwxyz0123456789"

//
// An address no user-mode caller owns: ProbeForRead refuses it on Windows,
// and reading it faults anywhere.
//
#define BAD_POINTER ((PVOID)(ULONG_PTR)0xFFFF800000000000ULL)

static VOID Fail(_In_ PCSTR What)
{
    DWORD error = GetLastError();
    CHAR message[256] = "";

    FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, error, 0,
                   message, sizeof(message), NULL);
    message[strcspn(message, "\r\n")] = '\0';
    printf("%s failed: error %lu (%s)\n", What, error, message);
    exit(1);
}

static VOID Wrong(_In_ PCSTR What)
{
    printf("FAIL: %s\n", What);
    exit(1);
}

static BOOLEAN RunningUnderWine(VOID)
{
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");

    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

//
// WDK test apps load the driver from their own folder.
//
static VOID GetDriverPath(_Out_writes_(Size) PCHAR Path, _In_ DWORD Size)
{
    DWORD length = GetModuleFileNameA(NULL, Path, Size);
    PCHAR slash;

    if (length == 0 || length >= Size) {
        Fail("GetModuleFileName");
    }
    slash = strrchr(Path, '\\');
    if (slash == NULL) {
        printf("GetModuleFileName: no folder in \"%s\"\n", Path);
        exit(1);
    }
    slash[1] = '\0';
    if (FAILED(StringCchCatA(Path, Size, DRIVER_FILE_NAME))) {
        printf("the path of %s is too long\n", DRIVER_FILE_NAME);
        exit(1);
    }
    if (GetFileAttributesA(Path) == INVALID_FILE_ATTRIBUTES) {
        printf("%s is not in this app's folder\n", DRIVER_FILE_NAME);
        Fail("GetFileAttributes");
    }
}

static VOID InstallDriver(VOID)
{
    CHAR driverPath[MAX_PATH];
    SC_HANDLE manager;
    SC_HANDLE service;

    GetDriverPath(driverPath, sizeof(driverPath));

    manager = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (manager == NULL) {
        Fail("OpenSCManager");
    }

    service = CreateServiceA(manager, DRIVER_NAME, DRIVER_NAME, SERVICE_ALL_ACCESS,
                             SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL,
                             driverPath, NULL, NULL, NULL, NULL, NULL);
    if (service == NULL) {
        if (GetLastError() != ERROR_SERVICE_EXISTS) {
            Fail("CreateService");
        }
        printf("service %s exists already: using it\n", DRIVER_NAME);
        service = OpenServiceA(manager, DRIVER_NAME, SERVICE_ALL_ACCESS);
        if (service == NULL) {
            Fail("OpenService");
        }
    } else {
        printf("service %s created for %s from the app's folder\n", DRIVER_NAME, DRIVER_FILE_NAME);
    }

    if (!StartServiceA(service, 0, NULL)) {
        if (GetLastError() != ERROR_SERVICE_ALREADY_RUNNING) {
            Fail("StartService");
        }
        printf("service %s is running already\n", DRIVER_NAME);
    } else {
        printf("service %s started\n", DRIVER_NAME);
    }

    CloseServiceHandle(service);
    CloseServiceHandle(manager);
}

static VOID RemoveDriver(VOID)
{
    SC_HANDLE manager;
    SC_HANDLE service;
    SERVICE_STATUS status;

    manager = OpenSCManagerA(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    if (manager == NULL) {
        Fail("OpenSCManager");
    }
    service = OpenServiceA(manager, DRIVER_NAME, SERVICE_ALL_ACCESS);
    if (service == NULL) {
        Fail("OpenService");
    }

    if (ControlService(service, SERVICE_CONTROL_STOP, &status)) {
        printf("service %s stopped\n", DRIVER_NAME);
    } else if (GetLastError() == ERROR_SERVICE_NOT_ACTIVE) {
        printf("service %s was not running\n", DRIVER_NAME);
    } else {
        Fail("ControlService(SERVICE_CONTROL_STOP)");
    }

    if (!DeleteService(service)) {
        Fail("DeleteService");
    }
    printf("service %s deleted\n", DRIVER_NAME);

    CloseServiceHandle(service);
    CloseServiceHandle(manager);
}

static VOID TestBuffered(_In_ HANDLE Device)
{
    CHAR answer[WDKSTYLE_MAX_TEXT + 32];
    CHAR expected[WDKSTYLE_MAX_TEXT + 32];
    CHAR upper[sizeof(BUFFERED_TEXT)];
    DWORD returned = 0;
    ULONG i;

    for (i = 0; BUFFERED_TEXT[i] != '\0'; i++) {
        upper[i] = BUFFERED_TEXT[i];
        if (upper[i] >= 'a' && upper[i] <= 'z') {
            upper[i] = (CHAR)(upper[i] - 'a' + 'A');
        }
    }
    upper[i] = '\0';
    if (FAILED(StringCbPrintfA(expected, sizeof(expected), "%s (%u bytes)", upper,
                               (unsigned)strlen(BUFFERED_TEXT)))) {
        Wrong("StringCbPrintfA");
    }

    memset(answer, 0x55, sizeof(answer));
    if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_BUFFERED, BUFFERED_TEXT,
                         (DWORD)strlen(BUFFERED_TEXT), answer, sizeof(answer), &returned, NULL)) {
        Fail("DeviceIoControl(METHOD_BUFFERED)");
    }
    printf("METHOD_BUFFERED: sent \"%s\" (%u bytes), got \"%.*s\" (%lu bytes)\n", BUFFERED_TEXT,
           (unsigned)strlen(BUFFERED_TEXT), (int)strnlen(answer, sizeof(answer)), answer, returned);
    if (returned != strlen(expected) + 1 || strcmp(answer, expected) != 0) {
        Wrong("METHOD_BUFFERED: not the text in capitals with its length");
    }

    //
    // Too small for the whole answer: refused, nothing half written.
    //
    if (DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_BUFFERED, BUFFERED_TEXT,
                        (DWORD)strlen(BUFFERED_TEXT), answer, 8, &returned, NULL)) {
        Wrong("METHOD_BUFFERED: an 8-byte output buffer was accepted");
    }
    printf("METHOD_BUFFERED: an 8-byte output buffer: error %lu\n", GetLastError());
}

static VOID TestInDirect(_In_ HANDLE Device)
{
    PUCHAR data = malloc(IN_DIRECT_LENGTH);
    WDKSTYLE_CHECKSUM request;
    DWORD returned = 0;
    ULONG i;

    if (data == NULL) {
        Wrong("out of memory");
    }
    for (i = 0; i < IN_DIRECT_LENGTH; i++) {
        data[i] = (UCHAR)(i * 7 + 3);
    }
    request.Length = IN_DIRECT_LENGTH;
    request.Checksum = WdkStyleChecksum(data, IN_DIRECT_LENGTH);

    if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_IN_DIRECT, &request, sizeof(request), data,
                         IN_DIRECT_LENGTH, &returned, NULL)) {
        Fail("DeviceIoControl(METHOD_IN_DIRECT)");
    }
    printf("METHOD_IN_DIRECT: sent %u bytes, checksum 0x%08lx: the driver agrees\n",
           IN_DIRECT_LENGTH, request.Checksum);

    //
    // The wrong checksum for the same data.
    //
    request.Checksum ^= 1;
    if (DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_IN_DIRECT, &request, sizeof(request), data,
                        IN_DIRECT_LENGTH, &returned, NULL)) {
        Wrong("METHOD_IN_DIRECT: a wrong checksum was accepted");
    }
    printf("METHOD_IN_DIRECT: a wrong checksum: error %lu\n", GetLastError());
    if (GetLastError() != ERROR_CRC) {
        Wrong("METHOD_IN_DIRECT: a wrong checksum should fail with 23 (ERROR_CRC)");
    }
    free(data);
}

static VOID TestOutDirect(_In_ HANDLE Device)
{
    PUCHAR data = malloc(OUT_DIRECT_LENGTH);
    WDKSTYLE_PATTERN request;
    DWORD returned = 0;
    ULONG i;

    if (data == NULL) {
        Wrong("out of memory");
    }
    memset(data, 0, OUT_DIRECT_LENGTH);
    request.Seed = OUT_DIRECT_SEED;

    if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_OUT_DIRECT, &request, sizeof(request), data,
                         OUT_DIRECT_LENGTH, &returned, NULL)) {
        Fail("DeviceIoControl(METHOD_OUT_DIRECT)");
    }
    for (i = 0; i < OUT_DIRECT_LENGTH; i++) {
        if (data[i] != WdkStylePatternByte(OUT_DIRECT_SEED, i)) {
            printf("METHOD_OUT_DIRECT: byte %lu is 0x%02x, expected 0x%02x\n", i, data[i],
                   WdkStylePatternByte(OUT_DIRECT_SEED, i));
            Wrong("METHOD_OUT_DIRECT: not the pattern");
        }
    }
    printf(
        "METHOD_OUT_DIRECT: got %lu bytes of pattern 0x%08x, every one right, checksum 0x%08lx\n",
        returned, OUT_DIRECT_SEED, WdkStyleChecksum(data, OUT_DIRECT_LENGTH));
    if (returned != OUT_DIRECT_LENGTH) {
        Wrong("METHOD_OUT_DIRECT: not the whole buffer");
    }
    free(data);
}

static VOID TestNeither(_In_ HANDLE Device)
{
    struct {
        WDKSTYLE_NEITHER_IN Header;
        CHAR Data[sizeof(NEITHER_TEXT)];
    } request;
    CHAR answer[sizeof(NEITHER_TEXT)];
    CHAR expected[sizeof(NEITHER_TEXT)];
    ULONG length = (ULONG)strlen(NEITHER_TEXT);
    DWORD returned = 0;
    ULONG i;

    for (i = 0; i < length; i++) {
        expected[i] = NEITHER_TEXT[length - 1 - i];
    }
    expected[length] = '\0';

    //
    // The data inline, after the header.
    //
    ZeroMemory(&request, sizeof(request));
    ZeroMemory(answer, sizeof(answer));
    request.Header.Size = sizeof(WDKSTYLE_NEITHER_IN);
    request.Header.DataLength = length;
    memcpy(request.Data, NEITHER_TEXT, length);
    if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_NEITHER, &request, sizeof(request), answer,
                         length, &returned, NULL)) {
        Fail("DeviceIoControl(METHOD_NEITHER)");
    }
    printf("METHOD_NEITHER: sent \"%s\" inline, got \"%.*s\" (%lu bytes)\n", NEITHER_TEXT,
           (int)length, answer, returned);
    if (returned != length || memcmp(answer, expected, length) != 0) {
        Wrong("METHOD_NEITHER: not the data reversed");
    }

    //
    // The data behind an embedded pointer. The driver reads it in this
    // process's context; under Wine it runs in winedevice.exe, another
    // process, where this address means nothing.
    //
    if (RunningUnderWine()) {
        printf("not checked under Wine: METHOD_NEITHER with a good embedded pointer (the driver "
               "runs in winedevice.exe, another process)\n");
    } else {
        ZeroMemory(answer, sizeof(answer));
        request.Header.Data = (PVOID)NEITHER_TEXT;
        if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_NEITHER, &request.Header,
                             sizeof(request.Header), answer, length, &returned, NULL)) {
            Fail("DeviceIoControl(METHOD_NEITHER, embedded pointer)");
        }
        printf("METHOD_NEITHER: sent \"%s\" by embedded pointer, got \"%.*s\" (%lu bytes)\n",
               NEITHER_TEXT, (int)length, answer, returned);
        if (returned != length || memcmp(answer, expected, length) != 0) {
            Wrong("METHOD_NEITHER: not the data reversed");
        }
    }

    //
    // A pointer into kernel space: the driver's probe (Windows) or its read
    // (Wine, whose ProbeForRead checks nothing) raises, its handler answers.
    //
    request.Header.Data = BAD_POINTER;
    if (DeviceIoControl(Device, IOCTL_WDKSTYLE_METHOD_NEITHER, &request.Header,
                        sizeof(request.Header), answer, length, &returned, NULL)) {
        Wrong("METHOD_NEITHER: a bad embedded pointer was accepted");
    }
    printf("METHOD_NEITHER: bad embedded pointer %p: error %lu\n", BAD_POINTER, GetLastError());
    if (GetLastError() != ERROR_NOACCESS) {
        Wrong("METHOD_NEITHER: a bad embedded pointer should fail with 998 (ERROR_NOACCESS)");
    }
}

//
// The version the system really runs (GetVersionEx answers what the app's
// manifest allows): RtlGetVersion, as the driver's runtime asks it.
//
static VOID GetSystemVersion(_Out_ PRTL_OSVERSIONINFOW Version)
{
    typedef LONG(WINAPI * RTL_GET_VERSION)(PRTL_OSVERSIONINFOW);
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    RTL_GET_VERSION rtlGetVersion = NULL;

    ZeroMemory(Version, sizeof(*Version));
    Version->dwOSVersionInfoSize = sizeof(*Version);
    if (ntdll != NULL) {
        rtlGetVersion = (RTL_GET_VERSION)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion");
    }
    if (rtlGetVersion == NULL || rtlGetVersion(Version) != 0) {
        Wrong("RtlGetVersion");
    }
}

static PCSTR PlaceKind(_In_ const WDKSTYLE_CODE_PLACE *Place)
{
    if (Place->Characteristics & IMAGE_SCN_MEM_DISCARDABLE) {
        return "discardable";
    }
    if (Place->Characteristics & IMAGE_SCN_MEM_NOT_PAGED) {
        return "not paged";
    }
    return "pageable";
}

static VOID TestInfo(_In_ HANDLE Device)
{
    WDKSTYLE_INFO info;
    RTL_OSVERSIONINFOW version;
    BOOLEAN windows8;
    DWORD returned = 0;

    GetSystemVersion(&version);
    ZeroMemory(&info, sizeof(info));
    if (!DeviceIoControl(Device, IOCTL_WDKSTYLE_GET_INFO, NULL, 0, &info, sizeof(info), &returned,
                         NULL)) {
        Fail("DeviceIoControl(GET_INFO)");
    }
    if (returned != sizeof(info) || info.Size != sizeof(info)) {
        Wrong("GET_INFO: not a WDKSTYLE_INFO");
    }
    info.Banner[sizeof(info.Banner) - 1] = '\0';
    info.ServiceName[RTL_NUMBER_OF(info.ServiceName) - 1] = L'\0';

    printf("GET_INFO: %s, loaded as service %ls, %lu requests so far\n", info.Banner,
           info.ServiceName, info.Requests);
    printf("GET_INFO: NonPagedPool is pool type %lu (%s) on Windows %lu.%lu\n",
           info.NonPagedPoolType,
           info.NonPagedPoolType == 512 ? "NonPagedPoolNx"
           : info.NonPagedPoolType == 0 ? "NonPagedPool, executable"
                                        : "unexpected",
           version.dwMajorVersion, version.dwMinorVersion);
    printf("GET_INFO: DriverEntry at RVA 0x%lx in %.8s (%s)\n", info.DriverEntry.Rva,
           info.DriverEntry.Section, PlaceKind(&info.DriverEntry));
    printf("GET_INFO: WdkStyleDeviceControl at RVA 0x%lx in %.8s (%s)\n", info.DeviceControl.Rva,
           info.DeviceControl.Section, PlaceKind(&info.DeviceControl));

    //
    // ExInitializeDriverRuntime(DrvRtPoolNxOptIn) makes NonPagedPool
    // NonPagedPoolNx from Windows 8 (6.2) on, where the pool has it.
    //
    windows8 =
        version.dwMajorVersion > 6 || (version.dwMajorVersion == 6 && version.dwMinorVersion >= 2);
    if (info.NonPagedPoolType != (windows8 ? 512u : 0u)) {
        Wrong("GET_INFO: NonPagedPool should be NonPagedPoolNx (512) from Windows 8 on, "
              "NonPagedPool (0) before");
    }
    if (!windows8 && RunningUnderWine()) {
        printf("not checked under Wine: NonPagedPool as NonPagedPoolNx (Wine says it is Windows "
               "%lu.%lu, before Windows 8)\n",
               version.dwMajorVersion, version.dwMinorVersion);
    }
    if (strncmp(info.DriverEntry.Section, "INIT", 8) != 0 ||
        strcmp(PlaceKind(&info.DriverEntry), "discardable") != 0) {
        Wrong("GET_INFO: DriverEntry should be in INIT, discardable");
    }
    if (strncmp(info.DeviceControl.Section, "PAGE", 8) != 0 ||
        strcmp(PlaceKind(&info.DeviceControl), "pageable") != 0) {
        Wrong("GET_INFO: WdkStyleDeviceControl should be in PAGE, pageable");
    }
}

//
// SDDL_DEVOBJ_SYS_ALL_ADM_ALL is D:P(A;;GA;;;SY)(A;;GA;;;BA). Windows stores
// the generic rights mapped to the device's (GA -> FA, FILE_ALL_ACCESS) and
// may mark the DACL auto-inherited (AI).
//
static BOOLEAN IsSysAllAdmAll(_In_ PCSTR Sddl)
{
    if (strncmp(Sddl, "D:P", 3) != 0) {
        return FALSE;
    }
    Sddl += 3;
    if (strncmp(Sddl, "AI", 2) == 0) {
        Sddl += 2;
    }
    return strcmp(Sddl, "(A;;FA;;;SY)(A;;FA;;;BA)") == 0 ||
           strcmp(Sddl, "(A;;GA;;;SY)(A;;GA;;;BA)") == 0;
}

//
// The DACL IoCreateDeviceSecure gave the device, read through a handle.
//
static VOID ShowDeviceDacl(_In_ HANDLE Device)
{
    PSECURITY_DESCRIPTOR descriptor;
    DWORD needed = 0;
    PSTR sddl = NULL;

    if (GetKernelObjectSecurity(Device, DACL_SECURITY_INFORMATION, NULL, 0, &needed) ||
        GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
        Fail("GetKernelObjectSecurity (size)");
    }
    descriptor = malloc(needed);
    if (descriptor == NULL) {
        Wrong("out of memory");
    }
    if (!GetKernelObjectSecurity(Device, DACL_SECURITY_INFORMATION, descriptor, needed, &needed)) {
        Fail("GetKernelObjectSecurity");
    }
    if (!ConvertSecurityDescriptorToStringSecurityDescriptorA(
            descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl, NULL)) {
        Fail("ConvertSecurityDescriptorToStringSecurityDescriptor");
    }
    if (sddl[0] == '\0' && RunningUnderWine()) {
        printf("device DACL: none in Wine's answer\n");
        printf("not checked under Wine: the device's DACL (Wine answers an empty security "
               "descriptor for a handle to a device)\n");
    } else {
        printf("device DACL: %s\n", sddl);
        if (!IsSysAllAdmAll(sddl)) {
            Wrong("the device's DACL is not SDDL_DEVOBJ_SYS_ALL_ADM_ALL's");
        }
    }
    LocalFree(sddl);
    free(descriptor);
}

static VOID TestDriver(VOID)
{
    HANDLE device;

    device = CreateFileA(WIN32_DEVICE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE) {
        printf("cannot open %s: is the driver loaded (-install)?\n", WIN32_DEVICE_NAME);
        Fail("CreateFile");
    }

    TestBuffered(device);
    TestInDirect(device);
    TestOutDirect(device);
    TestNeither(device);
    TestInfo(device);
    ShowDeviceDacl(device);

    CloseHandle(device);
    printf("all requests answered as expected\n");
}

static VOID Usage(VOID)
{
    printf("usage: wdkstyle [-install | -remove | -all]\n"
           "  (none)    test the loaded driver\n"
           "  -install  install and start %s from this app's folder\n"
           "  -remove   stop and delete the service\n"
           "  -all      -install, test, -remove\n",
           DRIVER_FILE_NAME);
    exit(2);
}

VOID __cdecl main(_In_ ULONG argc, _In_reads_(argc) PCHAR argv[])
{
    if (argc > 2) {
        Usage();
    }
    if (argc == 1) {
        TestDriver();
    } else if (_stricmp(argv[1], "-install") == 0) {
        InstallDriver();
    } else if (_stricmp(argv[1], "-remove") == 0) {
        RemoveDriver();
    } else if (_stricmp(argv[1], "-all") == 0) {
        InstallDriver();
        TestDriver();
        RemoveDriver();
    } else {
        printf("unknown option '%s'\n", argv[1]);
        Usage();
    }
}
