/* pnp-add, pnp-list, pnp-delete: driver packages in the driver store, as pnputil /add-driver,
 * /enum-drivers and /delete-driver. A package is an INF, its catalog and the files the INF copies,
 * side by side; SetupCopyOEMInf publishes it as %windir%\inf\oem<N>.inf and (Vista and later)
 * keeps the whole package in the driver store, checking its catalog's signature. */
#include "pnp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* --install: UpdateDriverForPlugAndPlayDevices for each of the INF's ids that a present device
 * has, as pnputil /add-driver /install. */
static int install_on_devices(const struct pnp_inf *inf)
{
    HDEVINFO set;
    struct pnp_device *d;
    struct pnp_ids matched = {0};
    char ids[2048];
    int rc = 0;

    DWORD err = pnp_devices_open(NULL, DIGCF_ALLCLASSES | DIGCF_PRESENT, &set, &d);

    if (err)
        return out_fail(-1, err, "cannot list the present devices");
    out_open("installed", '[');
    for (DWORD i = 0; pnp_device_read(set, i, d); i++) {
        for (size_t k = 0; k < inf->ids.count; k++) {
            if (pnp_device_has_id(d, inf->ids.id[k])) {
                pnp_ids_add(&matched, inf->ids.id[k]);
                break;
            }
        }
    }
    pnp_devices_close(set, d);
    for (size_t k = 0; k < matched.count && rc == 0; k++) {
        int reboot;
        DWORD err = pnp_update_driver(matched.id[k], inf->path, 0, &reboot);

        if (err && err != ERROR_NO_MORE_ITEMS) {
            rc = out_fail(-1, err, "cannot install '%s' on the devices with %s", u8(inf->path),
                          u8(matched.id[k]));
            break;
        }
        out_open(NULL, '{');
        out_wstr("hardware_id", matched.id[k]);
        /* ERROR_NO_MORE_ITEMS: not installed, the devices' driver ranks as well or better. */
        out_str("result", err ? "up-to-date" : "installed");
        out_bool("reboot", reboot);
        out_close('}');
        if (err)
            out_line("up to date: the devices with %s keep their driver", u8(matched.id[k]));
        else
            out_line("installed on the devices with %s%s", u8(matched.id[k]),
                     reboot ? " (a reboot is needed to finish)" : "");
    }
    out_close(']');
    if (matched.count == 0)
        out_line("nothing to install: no present device has an id its models list (%s)",
                 pnp_ids_text(&inf->ids, ids, sizeof ids));
    return rc;
}

int cmd_pnp_add(const struct kmdctl_args *a)
{
    struct pnp_inf *inf = malloc(sizeof *inf);
    wchar_t dest[MAX_PATH], *part = NULL;
    DWORD err = ERROR_SUCCESS;
    int rc, present = 0;

    if (!inf)
        return out_fail(-1, ERROR_NOT_ENOUGH_MEMORY, "out of memory");
    rc = pnp_inf_load(a->path, inf);
    out_wstr("inf", inf->path[0] ? inf->path : a->path);
    if (rc == 0)
        rc = pnp_inf_check_package(inf);
    if (rc)
        goto done;
    /* NOOVERWRITE: the same package in the store already is ERROR_FILE_EXISTS, with its name. */
    dest[0] = L'\0';
    if (!SetupCopyOEMInfW(inf->path, NULL, SPOST_PATH, SP_COPY_NOOVERWRITE, dest,
                          sizeof dest / sizeof *dest, NULL, &part)) {
        err = GetLastError();
        present = err == ERROR_FILE_EXISTS && dest[0];
        if (!present) {
            rc = out_fail(-1, err, "cannot add '%s' to the driver store", u8(inf->path));
            goto done;
        }
    }
    part = wcsrchr(dest, L'\\') ? wcsrchr(dest, L'\\') + 1 : dest;
    out_str("action", present ? "already-present" : "added");
    out_wstr("published", part);
    if (present)
        out_line("%s is in the driver store already", u8(inf->path));
    out_line("published: %s", u8(part));
    if (a->install)
        rc = install_on_devices(inf);
done:
    free(inf);
    return rc;
}

/* --- pnp-list ------------------------------------------------------------------------------- */

struct package {
    unsigned long number; /* N of oemN.inf */
    wchar_t name[MAX_PATH];
};

static int by_number(const void *x, const void *y)
{
    const struct package *p = x, *q = y;
    return p->number < q->number ? -1 : p->number > q->number;
}

/* The oem<N>.inf names in %windir%\inf, in the order of N. */
static DWORD list_packages(struct package **out, size_t *count)
{
    wchar_t pattern[MAX_PATH];
    WIN32_FIND_DATAW f;
    struct package *list = NULL;
    size_t n = 0, cap = 0;
    HANDLE find;
    DWORD err = pnp_store_path(L"oem*.inf", pattern, MAX_PATH);

    *out = NULL;
    *count = 0;
    if (err)
        return err;
    find = FindFirstFileW(pattern, &f);
    if (find == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : GetLastError();
    do {
        wchar_t *end;
        unsigned long number = wcstoul(f.cFileName + 3, &end, 10);

        /* oem*.inf also matches oemsetup.inf and the like: only oem<digits>.inf. */
        if ((f.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || end == f.cFileName + 3 ||
            _wcsicmp(end, L".inf") != 0)
            continue;
        if (n == cap) {
            struct package *p = realloc(list, (cap = cap ? cap * 2 : 16) * sizeof *list);
            if (!p) {
                FindClose(find);
                free(list);
                return ERROR_NOT_ENOUGH_MEMORY;
            }
            list = p;
        }
        list[n].number = number;
        wcsncpy(list[n].name, f.cFileName, MAX_PATH - 1);
        list[n].name[MAX_PATH - 1] = L'\0';
        n++;
    } while (FindNextFileW(find, &f));
    FindClose(find);
    qsort(list, n, sizeof *list, by_number);
    *out = list;
    *count = n;
    return ERROR_SUCCESS;
}

int cmd_pnp_list(const struct kmdctl_args *a)
{
    struct package *list;
    size_t count;
    DWORD err = list_packages(&list, &count);

    (void)a;
    if (err)
        return out_fail(-1, err, "cannot list the driver packages in %%windir%%\\inf");
    out_open("packages", '[');
    for (size_t i = 0; i < count; i++) {
        struct pnp_inf_version v;
        wchar_t path[MAX_PATH];

        if (pnp_store_path(list[i].name, path, MAX_PATH) || pnp_inf_read_version(path, &v))
            memset(&v, 0, sizeof v);
        out_open(NULL, '{');
        out_wstr("published", list[i].name);
        out_wstr("original", v.original[0] ? v.original : NULL);
        out_wstr("provider", v.provider);
        out_wstr("class", v.class_name);
        out_wstr("driver_ver", v.driver_ver);
        out_close('}');
        out_line("%s  %s  provider %s  class %s  DriverVer %s", u8(list[i].name),
                 v.original[0] ? u8(v.original) : "?", v.provider[0] ? u8(v.provider) : "?",
                 v.class_name[0] ? u8(v.class_name) : "?",
                 v.driver_ver[0] ? u8(v.driver_ver) : "?");
    }
    out_close(']');
    out_num("count", count);
    out_line("%lu third-party driver package%s", (unsigned long)count, count == 1 ? "" : "s");
    free(list);
    return 0;
}

/* --- pnp-delete ----------------------------------------------------------------------------- */

int cmd_pnp_delete(const struct kmdctl_args *a)
{
    struct pnp_inf_version v;
    wchar_t path[MAX_PATH];
    DWORD err = pnp_store_path(a->path, path, MAX_PATH);

    out_wstr("published", a->path);
    if (err)
        return out_fail(-1, err, "cannot find the INF folder");
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
        return out_fail(-1, ERROR_FILE_NOT_FOUND, "no driver package %s in the driver store",
                        u8(a->path));
    if (pnp_inf_read_version(path, &v))
        memset(&v, 0, sizeof v);
    out_wstr("original", v.original[0] ? v.original : NULL);
    if (!SetupUninstallOEMInfW(a->path, a->force ? SUOI_FORCEDELETE : 0, NULL)) {
        err = GetLastError();
        if (err == ERROR_INF_IN_USE_BY_DEVICES)
            return out_fail(KMDCTL_EXIT_STATE, err,
                            "cannot delete %s: a device uses it (remove the device first, or give "
                            "--force)",
                            u8(a->path));
        return out_fail(-1, err, "cannot delete %s", u8(a->path));
    }
    /* Success with the INF still there deleted nothing: Wine 8's SetupUninstallOEMInf deletes
     * only with SUOI_FORCEDELETE. */
    if (GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES)
        return out_fail(
            KMDCTL_EXIT_FAILED, ERROR_CAN_NOT_COMPLETE,
            "SetupUninstallOEMInf succeeded, but %s is still in the driver store%s", u8(a->path),
            kmd_running_on_wine() ? " (Wine's SetupUninstallOEMInf deletes only with --force)"
                                  : "");
    out_bool("forced", a->force);
    out_line("deleted: %s%s%s%s", u8(a->path), v.original[0] ? " (" : "",
             v.original[0] ? u8(v.original) : "", v.original[0] ? ")" : "");
    return 0;
}
