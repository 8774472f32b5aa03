/* Win32 errors and NTSTATUS values as "code (NAME): message". The names come from a table of the
 * codes drivers, the service manager, devices, files and certificate stores commonly give; the
 * message from the system. */
#define WIN32_NO_STATUS /* let <ntstatus.h> define every STATUS_* */
#include <windows.h>
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#include <winternl.h> /* NTSTATUS, which windows.h leaves out with WIN32_LEAN_AND_MEAN */

#include <kmdkit/user.h>

#include <stdio.h>
#include <string.h>

#ifndef ERROR_INVALID_IMAGE_HASH /* missing from MinGW-w64 10's winerror.h */
#define ERROR_INVALID_IMAGE_HASH 577L
#endif
#ifndef ERROR_ELEVATION_REQUIRED /* likewise */
#define ERROR_ELEVATION_REQUIRED 740L
#endif

struct kmd_name {
    DWORD code;
    const char *name;
};

#define N(x)                                                                                       \
    {                                                                                              \
        x, #x                                                                                      \
    }
static const struct kmd_name win32_names[] = {
    N(ERROR_SUCCESS),
    N(ERROR_INVALID_FUNCTION),
    N(ERROR_FILE_NOT_FOUND),
    N(ERROR_PATH_NOT_FOUND),
    N(ERROR_TOO_MANY_OPEN_FILES),
    N(ERROR_ACCESS_DENIED),
    N(ERROR_INVALID_HANDLE),
    N(ERROR_NOT_ENOUGH_MEMORY),
    N(ERROR_INVALID_DATA),
    N(ERROR_INVALID_DRIVE),
    N(ERROR_WRITE_PROTECT),
    N(ERROR_BAD_UNIT),
    N(ERROR_NOT_READY),
    N(ERROR_BAD_COMMAND),
    N(ERROR_CRC),
    N(ERROR_OUTOFMEMORY),
    N(ERROR_GEN_FAILURE),
    N(ERROR_SHARING_VIOLATION),
    N(ERROR_HANDLE_EOF),
    N(ERROR_NOT_SUPPORTED),
    N(ERROR_BAD_NETPATH),
    N(ERROR_DEV_NOT_EXIST),
    N(ERROR_FILE_EXISTS),
    N(ERROR_INVALID_PARAMETER),
    N(ERROR_DISK_FULL),
    N(ERROR_CALL_NOT_IMPLEMENTED),
    N(ERROR_INSUFFICIENT_BUFFER),
    N(ERROR_INVALID_NAME),
    N(ERROR_MOD_NOT_FOUND),
    N(ERROR_PROC_NOT_FOUND),
    N(ERROR_DIR_NOT_EMPTY),
    N(ERROR_BAD_ARGUMENTS),
    N(ERROR_BAD_PATHNAME),
    N(ERROR_BUSY),
    N(ERROR_ALREADY_EXISTS),
    N(ERROR_FILENAME_EXCED_RANGE),
    N(ERROR_BAD_EXE_FORMAT),
    N(ERROR_ENVVAR_NOT_FOUND),
    N(ERROR_MORE_DATA),
    N(ERROR_NO_MORE_ITEMS),
    N(ERROR_INVALID_ADDRESS),
    N(ERROR_DIRECTORY),
    N(ERROR_IO_PENDING),
    N(ERROR_NOACCESS),
    N(ERROR_DLL_INIT_FAILED),
    N(ERROR_INVALID_IMAGE_HASH),
    N(ERROR_DEPENDENT_SERVICES_RUNNING),
    N(ERROR_INVALID_SERVICE_CONTROL),
    N(ERROR_SERVICE_REQUEST_TIMEOUT),
    N(ERROR_SERVICE_NO_THREAD),
    N(ERROR_SERVICE_DATABASE_LOCKED),
    N(ERROR_SERVICE_ALREADY_RUNNING),
    N(ERROR_INVALID_SERVICE_ACCOUNT),
    N(ERROR_SERVICE_DISABLED),
    N(ERROR_SERVICE_DOES_NOT_EXIST),
    N(ERROR_SERVICE_CANNOT_ACCEPT_CTRL),
    N(ERROR_SERVICE_NOT_ACTIVE),
    N(ERROR_SERVICE_DEPENDENCY_FAIL),
    N(ERROR_SERVICE_LOGON_FAILED),
    N(ERROR_SERVICE_START_HANG),
    N(ERROR_SERVICE_MARKED_FOR_DELETE),
    N(ERROR_SERVICE_EXISTS),
    N(ERROR_DUPLICATE_SERVICE_NAME),
    N(ERROR_SERVICE_NEVER_STARTED),
    N(ERROR_PRIVILEGE_NOT_HELD),
    N(ERROR_NO_SYSTEM_RESOURCES),
    N(ERROR_INVALID_USER_BUFFER),
    N(ERROR_NOT_FOUND),
    N(ERROR_DRIVER_BLOCKED),
    N(ERROR_CANCELLED),
    N(ERROR_OPERATION_ABORTED),
    N(ERROR_BAD_CONFIGURATION),
    N(ERROR_TIMEOUT),
    N(ERROR_ELEVATION_REQUIRED),
    N(ERROR_FILE_TOO_LARGE),
    /* HRESULTs of crypt32 (certificate stores) */
    N(CRYPT_E_EXISTS),
    N(CRYPT_E_NOT_FOUND),
    N(CRYPT_E_ASN1_BADTAG),
    N(CRYPT_E_ASN1_EOD),
    N(NTE_BAD_ALGID),
};

static const struct kmd_name ntstatus_names[] = {
    N(STATUS_SUCCESS),
    N(STATUS_PENDING),
    N(STATUS_BUFFER_OVERFLOW),
    N(STATUS_UNSUCCESSFUL),
    N(STATUS_NOT_IMPLEMENTED),
    N(STATUS_INVALID_INFO_CLASS),
    N(STATUS_INFO_LENGTH_MISMATCH),
    N(STATUS_INVALID_HANDLE),
    N(STATUS_INVALID_PARAMETER),
    N(STATUS_NO_SUCH_DEVICE),
    N(STATUS_NO_SUCH_FILE),
    N(STATUS_INVALID_DEVICE_REQUEST),
    N(STATUS_ACCESS_DENIED),
    N(STATUS_BUFFER_TOO_SMALL),
    N(STATUS_OBJECT_NAME_INVALID),
    N(STATUS_OBJECT_NAME_NOT_FOUND),
    N(STATUS_OBJECT_NAME_COLLISION),
    N(STATUS_OBJECT_PATH_NOT_FOUND),
    N(STATUS_PRIVILEGE_NOT_HELD),
    N(STATUS_INSUFFICIENT_RESOURCES),
    N(STATUS_NOT_SUPPORTED),
    N(STATUS_INVALID_DEVICE_STATE),
    N(STATUS_DEVICE_NOT_READY),
    N(STATUS_IMAGE_ALREADY_LOADED),
    N(STATUS_NOT_FOUND),
    N(STATUS_INVALID_IMAGE_HASH),
    N(STATUS_DEVICE_CONFIGURATION_ERROR),
    N(STATUS_DRIVER_BLOCKED),
    N(STATUS_CANCELLED),
    N(STATUS_DRIVER_UNABLE_TO_LOAD),
};
#undef N

static const char *lookup(const struct kmd_name *t, size_t n, DWORD code)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == code)
            return t[i].name;
    return NULL;
}

const char *kmd_win32_error_name(DWORD error)
{
    return lookup(win32_names, sizeof win32_names / sizeof *win32_names, error);
}

const char *kmd_ntstatus_name(LONG status)
{
    return lookup(ntstatus_names, sizeof ntstatus_names / sizeof *ntstatus_names, (DWORD)status);
}

/* The system's text for a message id, trimmed of the trailing line break; "" when it has none. */
static void system_message(DWORD flags, HMODULE module, DWORD id, char *buf, size_t size)
{
    DWORD n = FormatMessageA(flags | FORMAT_MESSAGE_IGNORE_INSERTS, module, id, 0, buf, (DWORD)size,
                             NULL);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
}

static const char *format(const char *code, const char *name, const char *text, char *buf,
                          size_t size)
{
    snprintf(buf, size, "%s (%s): %s", code, name ? name : "?", text[0] ? text : "no message text");
    return buf;
}

const char *kmd_format_error(DWORD error, char *buf, size_t size)
{
    char code[16], text[512];

    /* HRESULTs (crypt32 and others hand them back through GetLastError) read better in hex. */
    snprintf(code, sizeof code, (error & 0x80000000u) ? "0x%08lX" : "%lu", (unsigned long)error);
    system_message(FORMAT_MESSAGE_FROM_SYSTEM, NULL, error, text, sizeof text);
    return format(code, kmd_win32_error_name(error), text, buf, size);
}

const char *kmd_error_text(DWORD error)
{
    static char buf[512];

    return kmd_format_error(error, buf, sizeof buf);
}

const char *kmd_format_ntstatus(LONG status, char *buf, size_t size)
{
    char code[16], text[512];

    snprintf(code, sizeof code, "0x%08lX", (unsigned long)status);
    system_message(FORMAT_MESSAGE_FROM_HMODULE, GetModuleHandleA("ntdll.dll"), (DWORD)status, text,
                   sizeof text);
    return format(code, kmd_ntstatus_name(status), text, buf, size);
}
