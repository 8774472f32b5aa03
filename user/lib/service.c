/* Kernel-driver services: install, start, stop, remove and query through the service manager. */
#include <kmdkit/user.h>

#include <stdlib.h>
#include <wchar.h>

DWORD kmd_scm_open(DWORD access, SC_HANDLE *scm)
{
    *scm = OpenSCManagerW(NULL, NULL, access);
    return *scm ? ERROR_SUCCESS : GetLastError();
}

DWORD kmd_service_open(SC_HANDLE scm, const wchar_t *name, DWORD access, SC_HANDLE *service)
{
    *service = OpenServiceW(scm, name, access);
    return *service ? ERROR_SUCCESS : GetLastError();
}

/* Opens the manager and one service; on success the caller closes both. */
static DWORD open_both(const wchar_t *name, DWORD scm_access, DWORD access, SC_HANDLE *scm,
                       SC_HANDLE *service)
{
    DWORD err = kmd_scm_open(scm_access, scm);

    *service = NULL;
    if (err)
        return err;
    err = kmd_service_open(*scm, name, access, service);
    if (err) {
        CloseServiceHandle(*scm);
        *scm = NULL;
    }
    return err;
}

static void close_both(SC_HANDLE scm, SC_HANDLE service)
{
    if (service)
        CloseServiceHandle(service);
    if (scm)
        CloseServiceHandle(scm);
}

DWORD kmd_full_path(const wchar_t *path, wchar_t *full, DWORD size)
{
    DWORD n = GetFullPathNameW(path, size, full, NULL);

    if (n == 0)
        return GetLastError();
    if (n >= size)
        return ERROR_FILENAME_EXCED_RANGE;
    return ERROR_SUCCESS;
}

/* QueryServiceConfigW into a heap buffer of the size it asks for; free() the result. */
static DWORD query_config(SC_HANDLE service, QUERY_SERVICE_CONFIGW **config)
{
    DWORD need = 0;

    *config = NULL;
    if (!QueryServiceConfigW(service, NULL, 0, &need) &&
        GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return GetLastError();
    *config = malloc(need);
    if (*config == NULL)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!QueryServiceConfigW(service, *config, need, &need)) {
        DWORD err = GetLastError();
        free(*config);
        *config = NULL;
        return err;
    }
    return ERROR_SUCCESS;
}

static void copy_path(wchar_t *dst, const wchar_t *src)
{
    wcsncpy(dst, src ? src : L"", KMD_PATH_MAX - 1);
    dst[KMD_PATH_MAX - 1] = L'\0';
}

/* Image paths compare case-insensitively, with or without the NT "\??\" prefix. */
static int same_path(const wchar_t *a, const wchar_t *b)
{
    if (wcsncmp(a, L"\\??\\", 4) == 0)
        a += 4;
    if (wcsncmp(b, L"\\??\\", 4) == 0)
        b += 4;
    return _wcsicmp(a, b) == 0;
}

DWORD kmd_service_install(const wchar_t *name, const wchar_t *path, DWORD start_type,
                          struct kmd_install_result *result)
{
    struct kmd_install_result local;
    struct kmd_install_result *r = result ? result : &local;
    SC_HANDLE scm, service;
    QUERY_SERVICE_CONFIGW *config;
    DWORD err;

    r->action = KMD_INSTALL_CREATED;
    r->path_changed = r->start_type_changed = 0;
    r->old_start_type = start_type;
    r->old_image_path[0] = L'\0';
    err = kmd_full_path(path, r->image_path, KMD_PATH_MAX);
    if (err)
        return err;
    err = kmd_scm_open(SC_MANAGER_CREATE_SERVICE | SC_MANAGER_CONNECT, &scm);
    if (err)
        return err;

    service = CreateServiceW(scm, name, name, SERVICE_ALL_ACCESS, SERVICE_KERNEL_DRIVER, start_type,
                             SERVICE_ERROR_NORMAL, r->image_path, NULL, NULL, NULL, NULL, NULL);
    if (service) {
        close_both(scm, service);
        return ERROR_SUCCESS;
    }
    err = GetLastError();
    if (err != ERROR_SERVICE_EXISTS) {
        close_both(scm, NULL);
        return err;
    }

    /* It exists: keep it if it matches, update it if it is a driver with other settings. */
    err = kmd_service_open(scm, name, SERVICE_QUERY_CONFIG | SERVICE_CHANGE_CONFIG, &service);
    if (err) {
        close_both(scm, NULL);
        return err;
    }
    err = query_config(service, &config);
    if (err) {
        close_both(scm, service);
        return err;
    }
    copy_path(r->old_image_path, config->lpBinaryPathName);
    r->old_start_type = config->dwStartType;
    if (config->dwServiceType != SERVICE_KERNEL_DRIVER) {
        free(config);
        close_both(scm, service);
        return ERROR_SERVICE_EXISTS;
    }
    r->path_changed = !same_path(r->old_image_path, r->image_path);
    r->start_type_changed = config->dwStartType != start_type;
    free(config);
    if (!r->path_changed && !r->start_type_changed) {
        r->action = KMD_INSTALL_UNCHANGED;
        close_both(scm, service);
        return ERROR_SUCCESS;
    }
    r->action = KMD_INSTALL_UPDATED;
    if (!ChangeServiceConfigW(service, SERVICE_NO_CHANGE, start_type, SERVICE_NO_CHANGE,
                              r->path_changed ? r->image_path : NULL, NULL, NULL, NULL, NULL, NULL,
                              NULL))
        err = GetLastError();
    close_both(scm, service);
    return err;
}

DWORD kmd_service_start(const wchar_t *name)
{
    SC_HANDLE scm, service;
    DWORD err = open_both(name, SC_MANAGER_CONNECT, SERVICE_START, &scm, &service);

    if (err)
        return err;
    if (!StartServiceW(service, 0, NULL))
        err = GetLastError();
    close_both(scm, service);
    return err;
}

DWORD kmd_service_stop(const wchar_t *name, DWORD timeout_ms)
{
    SC_HANDLE scm, service;
    SERVICE_STATUS status;
    DWORD start, err;

    err = open_both(name, SC_MANAGER_CONNECT, SERVICE_STOP | SERVICE_QUERY_STATUS, &scm, &service);
    if (err)
        return err;
    if (!ControlService(service, SERVICE_CONTROL_STOP, &status)) {
        err = GetLastError();
        close_both(scm, service);
        return err;
    }
    start = GetTickCount();
    while (status.dwCurrentState != SERVICE_STOPPED) {
        if (GetTickCount() - start >= timeout_ms) {
            err = ERROR_SERVICE_REQUEST_TIMEOUT;
            break;
        }
        Sleep(50);
        if (!QueryServiceStatus(service, &status)) {
            err = GetLastError();
            break;
        }
    }
    close_both(scm, service);
    return err;
}

DWORD kmd_service_remove(const wchar_t *name)
{
    SC_HANDLE scm, service;
    DWORD err = open_both(name, SC_MANAGER_CONNECT, DELETE, &scm, &service);

    if (err)
        return err;
    if (!DeleteService(service))
        err = GetLastError();
    close_both(scm, service);
    return err;
}

DWORD kmd_service_query(const wchar_t *name, struct kmd_service_info *info)
{
    SC_HANDLE scm, service;
    SERVICE_STATUS status;
    QUERY_SERVICE_CONFIGW *config;
    DWORD err = open_both(name, SC_MANAGER_CONNECT, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG,
                          &scm, &service);

    if (err)
        return err;
    if (!QueryServiceStatus(service, &status)) {
        err = GetLastError();
        close_both(scm, service);
        return err;
    }
    err = query_config(service, &config);
    if (err) {
        close_both(scm, service);
        return err;
    }
    info->state = status.dwCurrentState;
    info->type = config->dwServiceType;
    info->start_type = config->dwStartType;
    info->win32_exit_code = status.dwWin32ExitCode;
    copy_path(info->image_path, config->lpBinaryPathName);
    free(config);
    close_both(scm, service);
    return ERROR_SUCCESS;
}
