/* install, start, stop, remove, status: one kernel-driver service each. */
#include "commands.h"

#include <stdio.h>

/* The driver file must exist and be a file. */
static int check_driver_file(const wchar_t *path)
{
    DWORD attr = GetFileAttributesW(path);

    if (attr == INVALID_FILE_ATTRIBUTES) {
        DWORD err = GetLastError();
        return out_fail(-1, err, "driver file '%s' not found", u8(path));
    }
    if (attr & FILE_ATTRIBUTE_DIRECTORY)
        return out_usage(ERROR_DIRECTORY, "driver path '%s' is a folder", u8(path));
    return 0;
}

/* Installs (or updates) and reports; shared by install and run. `*created` says whether the
 * service is new. */
int install_service(const struct kmdctl_args *a, int *created, char *detail, size_t detail_size)
{
    struct kmd_install_result r;
    DWORD err;
    int rc = check_driver_file(a->path);

    if (rc)
        return rc;
    err = kmd_service_install(a->name, a->path, a->start_type, &r);
    if (err == ERROR_SERVICE_EXISTS)
        return out_fail(KMDCTL_EXIT_STATE, err,
                        "service '%s' exists and is not a kernel driver; not touching it",
                        u8(a->name));
    if (err)
        return out_fail(-1, err, "cannot install service '%s' for '%s'", u8(a->name),
                        u8(r.image_path[0] ? r.image_path : a->path));
    *created = r.action == KMD_INSTALL_CREATED;
    switch (r.action) {
    case KMD_INSTALL_CREATED:
        snprintf(detail, detail_size, "installed %s: kernel driver %s, start %s", u8(a->name),
                 u8(r.image_path), kmd_start_type_name(a->start_type));
        break;
    case KMD_INSTALL_UNCHANGED:
        snprintf(detail, detail_size,
                 "%s is already installed with image path %s, start %s: unchanged", u8(a->name),
                 u8(r.image_path), kmd_start_type_name(a->start_type));
        break;
    case KMD_INSTALL_UPDATED: {
        char types[96] = "";
        if (r.start_type_changed)
            snprintf(types, sizeof types, "%sstart type from %s to %s", r.path_changed ? "; " : "",
                     kmd_start_type_name(r.old_start_type), kmd_start_type_name(a->start_type));
        if (r.path_changed)
            snprintf(detail, detail_size, "%s: updated image path from %s to %s%s", u8(a->name),
                     u8(r.old_image_path), u8(r.image_path), types);
        else
            snprintf(detail, detail_size, "%s: updated %s", u8(a->name), types);
        break;
    }
    }
    out_str("action", r.action == KMD_INSTALL_CREATED   ? "created"
                      : r.action == KMD_INSTALL_UPDATED ? "updated"
                                                        : "unchanged");
    out_wstr("image_path", r.image_path);
    out_str("start_type", kmd_start_type_name(a->start_type));
    if (r.action == KMD_INSTALL_UPDATED) {
        out_wstr("previous_image_path", r.old_image_path);
        out_str("previous_start_type", kmd_start_type_name(r.old_start_type));
    }
    return 0;
}

int cmd_install(const struct kmdctl_args *a)
{
    char detail[3 * KMD_PATH_MAX + 256];
    int created, rc;

    out_wstr("name", a->name);
    rc = install_service(a, &created, detail, sizeof detail);
    if (rc == 0)
        out_line("%s", detail);
    return rc;
}

/* The state after a change, for JSON. */
static void report_state(const wchar_t *name)
{
    struct kmd_service_info info;

    if (kmd_service_query(name, &info) == 0)
        out_str("state", kmd_service_state_name(info.state));
}

int cmd_start(const struct kmdctl_args *a)
{
    DWORD err = kmd_service_start(a->name);

    out_wstr("name", a->name);
    if (err == ERROR_SERVICE_ALREADY_RUNNING)
        return out_fail(KMDCTL_EXIT_STATE, err, "cannot start service '%s': it is already running",
                        u8(a->name));
    if (err)
        return out_fail(-1, err, "cannot start service '%s'", u8(a->name));
    report_state(a->name);
    out_line("started %s", u8(a->name));
    return 0;
}

int cmd_stop(const struct kmdctl_args *a)
{
    DWORD err = kmd_service_stop(a->name, KMDCTL_STOP_TIMEOUT_MS);

    out_wstr("name", a->name);
    if (err == ERROR_SERVICE_NOT_ACTIVE)
        return out_fail(KMDCTL_EXIT_STATE, err, "cannot stop service '%s': it is not running",
                        u8(a->name));
    if (err == ERROR_SERVICE_REQUEST_TIMEOUT)
        return out_fail(KMDCTL_EXIT_FAILED, err, "service '%s' did not stop within %d s",
                        u8(a->name), KMDCTL_STOP_TIMEOUT_MS / 1000);
    if (err)
        return out_fail(-1, err, "cannot stop service '%s'", u8(a->name));
    report_state(a->name);
    out_line("stopped %s", u8(a->name));
    return 0;
}

int cmd_remove(const struct kmdctl_args *a)
{
    struct kmd_service_info info;
    DWORD err = kmd_service_query(a->name, &info);

    out_wstr("name", a->name);
    if (err)
        return out_fail(-1, err, "cannot remove service '%s'", u8(a->name));
    if (info.state != SERVICE_STOPPED)
        return out_fail(KMDCTL_EXIT_STATE, ERROR_BUSY,
                        "cannot remove service '%s': it is %s; stop it first", u8(a->name),
                        kmd_service_state_name(info.state));
    err = kmd_service_remove(a->name);
    if (err)
        return out_fail(-1, err, "cannot remove service '%s'", u8(a->name));
    out_line("removed %s", u8(a->name));
    return 0;
}

int cmd_status(const struct kmdctl_args *a)
{
    struct kmd_service_info info;
    DWORD err = kmd_service_query(a->name, &info);

    out_wstr("name", a->name);
    if (err)
        return out_fail(-1, err, "cannot query service '%s'", u8(a->name));
    out_str("state", kmd_service_state_name(info.state));
    out_str("type", kmd_service_type_name(info.type));
    out_str("start_type", kmd_start_type_name(info.start_type));
    out_wstr("image_path", info.image_path);
    out_num("win32_exit_code", info.win32_exit_code);
    out_line("name        %s", u8(a->name));
    out_line("state       %s", kmd_service_state_name(info.state));
    out_line("type        %s", kmd_service_type_name(info.type));
    out_line("start type  %s", kmd_start_type_name(info.start_type));
    out_line("image path  %s", u8(info.image_path));
    out_line("exit code   %lu", (unsigned long)info.win32_exit_code);
    return 0;
}
