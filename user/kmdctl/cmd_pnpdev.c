/* pnp-create, pnp-remove, pnp-devices: root-enumerated devices, as devcon install/remove and
 * pnputil /enum-devices. A root-enumerated device is one no bus reports: the PnP manager's root
 * enumerator is its bus driver, and it exists because its registry key says so
 * (DIF_REGISTERDEVICE). Its function driver then comes from an INF like any other device's. */
#include "pnp.h"

#include <newdev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PNP_START_WAIT_MS 10000 /* pnp-create waits this long for the device to start */

/* The class of a device made without an INF. */
static const GUID class_unknown = {
    0x4d36e97e, 0xe325, 0x11ce, {0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18}};

/* The hardware id pnp-create uses: HWID, or the INF's one Root\... id. */
static int choose_hwid(const struct kmdctl_args *a, const struct pnp_inf *inf, wchar_t *hwid)
{
    struct pnp_ids roots = {0};
    char ids[2048];

    if (a->hwid) {
        if (inf && !pnp_ids_has(&inf->ids, a->hwid))
            return out_usage(ERROR_INVALID_PARAMETER,
                             "'%s' lists no model with hardware id %s for this architecture "
                             "(models %s: %s)",
                             u8(inf->path), u8(a->hwid), u8(inf->models[0] ? inf->models : L"none"),
                             pnp_ids_text(&inf->ids, ids, sizeof ids));
        wcscpy(hwid, a->hwid);
        return 0;
    }
    for (size_t i = 0; i < inf->ids.count; i++)
        if (_wcsnicmp(inf->ids.id[i], L"root\\", 5) == 0)
            pnp_ids_add(&roots, inf->ids.id[i]);
    if (roots.count != 1)
        return out_usage(ERROR_INVALID_PARAMETER,
                         "'%s' has %lu root-enumerated hardware ids (Root\\...) for this "
                         "architecture, not one (models %s: %s): give HWID",
                         u8(inf->path), (unsigned long)roots.count,
                         u8(inf->models[0] ? inf->models : L"none"),
                         pnp_ids_text(&inf->ids, ids, sizeof ids));
    wcscpy(hwid, roots.id[0]);
    return 0;
}

/* Removes the device pnp-create made, after a later step failed; says so. */
static void undo_create(HDEVINFO set, SP_DEVINFO_DATA *dev, const wchar_t *id)
{
    int reboot;
    DWORD err = pnp_device_remove(set, dev, &reboot);

    if (err)
        out_fail(-1, err, "cannot remove the half-made device %s again", u8(id));
    else if (!out_json())
        fprintf(stderr, "kmdctl: removed the device %s again%s\n", u8(id),
                reboot ? " (a reboot is needed to finish)" : "");
}

/* Installs the INF's driver on the new device and waits until it has started. */
static int install_and_start(const SP_DEVINFO_DATA *dev, const wchar_t *id, const wchar_t *hwid,
                             const struct pnp_inf *inf, char *state, size_t state_size, int *keep)
{
    struct pnp_device *d = malloc(sizeof *d);
    HDEVINFO fresh;
    int reboot, started, unknown;
    /* FORCE: this INF's driver even where the system knows a better-ranked one (devcon does so). */
    DWORD err = pnp_update_driver(hwid, inf->path, INSTALLFLAG_FORCE, &reboot);

    if (!d)
        return out_fail(-1, ERROR_NOT_ENOUGH_MEMORY, "out of memory");
    if (err) {
        free(d);
        return out_fail(-1, err, "cannot install '%s' on %s", u8(inf->path), u8(id));
    }
    memset(d, 0, sizeof *d);
    d->data = *dev;
    wcscpy(d->instance_id, id);
    /* The devnode as the system has it now that the device is installed. */
    fresh = SetupDiCreateDeviceInfoList(NULL, NULL);
    d->data.cbSize = sizeof d->data;
    if (fresh != INVALID_HANDLE_VALUE && !SetupDiOpenDeviceInfoW(fresh, id, NULL, 0, &d->data))
        d->data = *dev;
    pnp_device_wait(d, PNP_START_WAIT_MS);
    if (fresh != INVALID_HANDLE_VALUE)
        SetupDiDestroyDeviceInfoList(fresh);
    started = pnp_device_started(d);
    unknown = pnp_device_status_unknown(d);
    pnp_device_state(d, state, state_size);
    out_str("state", state);
    out_bool("reboot", reboot);
    free(d);
    if (unknown)
        return 0; /* nothing to wait for and nothing to judge: the caller says so */
    if (!started && reboot) {
        /* Nothing failed: the device is whole and starts at the next boot. Kept. */
        *keep = 1;
        return out_fail(KMDCTL_EXIT_STATE, ERROR_SUCCESS_REBOOT_REQUIRED,
                        "the driver is installed on %s, but the device starts only after a reboot",
                        u8(id));
    }
    if (!started)
        return out_fail(KMDCTL_EXIT_FAILED, ERROR_DEVICE_NOT_AVAILABLE,
                        "the driver of '%s' is installed on %s, but the device has not started "
                        "within %d s: %s",
                        u8(inf->path), u8(id), PNP_START_WAIT_MS / 1000, state);
    return 0;
}

int cmd_pnp_create(const struct kmdctl_args *a)
{
    struct pnp_inf *inf = NULL;
    SP_DEVINFO_DATA dev;
    wchar_t hwid[KMDCTL_DEVICE_ID_MAX + 2] = L"", id[KMDCTL_DEVICE_ID_MAX + 1] = L"";
    char state[160];
    const GUID *class_guid = &class_unknown;
    const wchar_t *class_name = L"Unknown";
    HDEVINFO set = INVALID_HANDLE_VALUE;
    DWORD err;
    int rc;

    memset(&dev, 0, sizeof dev);
    dev.cbSize = sizeof dev;
    if (a->inf) {
        inf = malloc(sizeof *inf);
        if (!inf)
            return out_fail(-1, ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        rc = pnp_inf_load(a->inf, inf);
        out_wstr("inf", inf->path[0] ? inf->path : a->inf);
        if (rc)
            goto done;
        class_guid = &inf->class_guid;
        class_name = inf->class_name;
    }
    rc = choose_hwid(a, inf, hwid);
    out_wstr("hardware_id", hwid[0] ? hwid : NULL);
    if (rc == 0 && inf)
        rc = pnp_inf_check_package(inf);
    if (rc)
        goto done;
    out_wstr("class", class_name);

    /* ROOT\<class>\NNNN, the next free number (DICD_GENERATE_ID), then its hardware id (a
     * REG_MULTI_SZ: the id and an empty string), then registered: now it exists. */
    set = SetupDiCreateDeviceInfoList(class_guid, NULL);
    if (set == INVALID_HANDLE_VALUE) {
        rc = out_fail(-1, GetLastError(), "cannot create a device information set");
        goto done;
    }
    if (!SetupDiCreateDeviceInfoW(set, class_name, class_guid, NULL, NULL, DICD_GENERATE_ID,
                                  &dev)) {
        rc = out_fail(-1, GetLastError(), "cannot create a root-enumerated %s device",
                      u8(class_name));
        goto done;
    }
    if (!SetupDiSetDeviceRegistryPropertyW(set, &dev, SPDRP_HARDWAREID, (const BYTE *)hwid,
                                           (DWORD)((wcslen(hwid) + 2) * sizeof *hwid))) {
        rc = out_fail(-1, GetLastError(), "cannot set hardware id %s", u8(hwid));
        goto done;
    }
    if (!SetupDiCallClassInstaller(DIF_REGISTERDEVICE, set, &dev)) {
        rc = out_fail(-1, GetLastError(), "cannot register the new device with hardware id %s",
                      u8(hwid));
        goto done;
    }
    if (!SetupDiGetDeviceInstanceIdW(set, &dev, id, sizeof id / sizeof *id, NULL)) {
        err = GetLastError();
        undo_create(set, &dev, L"(new device)");
        rc = out_fail(-1, err, "cannot read the new device's instance id");
        goto done;
    }
    out_wstr("device", id);
    if (inf) {
        int keep = 0;

        rc = install_and_start(&dev, id, hwid, inf, state, sizeof state, &keep);
        if (rc && keep)
            out_line("device: %s", u8(id));
        if (rc) {
            if (!keep)
                undo_create(set, &dev, id);
            goto done;
        }
        out_line("device: %s", u8(id));
        out_line("driver: %s installed; state: %s", u8(inf->path), state);
    } else {
        out_line("device: %s", u8(id));
        out_line("no driver installed (no --inf): it has none until one is installed on it");
    }
done:
    if (set != INVALID_HANDLE_VALUE)
        SetupDiDestroyDeviceInfoList(set);
    free(inf);
    return rc;
}

/* --- pnp-remove ----------------------------------------------------------------------------- */

int cmd_pnp_remove(const struct kmdctl_args *a)
{
    /* Present or not: a device whose driver failed is root-enumerated all the same. */
    HDEVINFO set;
    struct pnp_device *d;
    int rc = 0, found = 0;

    out_wstr("id", a->hwid);
    DWORD err = pnp_devices_open(L"ROOT", DIGCF_ALLCLASSES, &set, &d);

    if (err)
        return out_fail(-1, err, "cannot list the root-enumerated devices");
    out_open("removed", '[');
    for (DWORD i = 0; pnp_device_read(set, i, d); i++) {
        int reboot;
        DWORD err;

        if (_wcsnicmp(d->instance_id, L"ROOT\\", 5) != 0 ||
            (_wcsicmp(d->instance_id, a->hwid) != 0 && !pnp_ids_has(&d->hardware_ids, a->hwid)))
            continue;
        found++;
        err = pnp_device_remove(set, &d->data, &reboot);
        if (err) {
            rc = out_fail(-1, err, "cannot remove %s", u8(d->instance_id));
            continue;
        }
        out_open(NULL, '{');
        out_wstr("device", d->instance_id);
        out_bool("reboot", reboot);
        out_close('}');
        out_line("removed: %s%s", u8(d->instance_id),
                 reboot ? " (a reboot is needed to finish: a driver kept it in use)" : "");
    }
    out_close(']');
    pnp_devices_close(set, d);
    if (!found)
        return out_fail(KMDCTL_EXIT_NOT_FOUND, ERROR_NOT_FOUND,
                        "no root-enumerated device has instance id or hardware id %s", u8(a->hwid));
    return rc;
}

/* --- pnp-devices ---------------------------------------------------------------------------- */

int cmd_pnp_devices(const struct kmdctl_args *a)
{
    HDEVINFO set;
    struct pnp_device *d;
    unsigned long count = 0;

    out_wstr("id", a->hwid);
    DWORD err = pnp_devices_open(NULL, DIGCF_ALLCLASSES, &set, &d);

    if (err)
        return out_fail(-1, err, "cannot list the devices");
    out_open("devices", '[');
    for (DWORD i = 0; pnp_device_read(set, i, d); i++) {
        char state[128], ids[2048], compat[2048];

        if (a->hwid && _wcsicmp(d->instance_id, a->hwid) != 0 && !pnp_device_has_id(d, a->hwid))
            continue;
        count++;
        pnp_device_state(d, state, sizeof state);
        out_open(NULL, '{');
        out_wstr("device", d->instance_id);
        out_open("hardware_ids", '[');
        for (size_t k = 0; k < d->hardware_ids.count; k++)
            out_wstr(NULL, d->hardware_ids.id[k]);
        out_close(']');
        out_open("compatible_ids", '[');
        for (size_t k = 0; k < d->compatible_ids.count; k++)
            out_wstr(NULL, d->compatible_ids.id[k]);
        out_close(']');
        out_wstr("service", d->service[0] ? d->service : NULL);
        out_bool("started", pnp_device_started(d));
        out_str("state", state);
        if (d->cr == CR_SUCCESS) {
            out_num("status", d->status);
            out_num("problem", d->problem);
        }
        out_close('}');
        out_line("%s: %s", u8(d->instance_id), state);
        out_line("  hardware ids    %s", pnp_ids_text(&d->hardware_ids, ids, sizeof ids));
        if (d->compatible_ids.count)
            out_line("  compatible ids  %s",
                     pnp_ids_text(&d->compatible_ids, compat, sizeof compat));
        out_line("  service         %s", d->service[0] ? u8(d->service) : "(none)");
    }
    out_close(']');
    pnp_devices_close(set, d);
    out_num("count", count);
    if (a->hwid && count == 0)
        return out_fail(KMDCTL_EXIT_NOT_FOUND, ERROR_NOT_FOUND,
                        "no device has instance id, hardware id or compatible id %s", u8(a->hwid));
    out_line("%lu device%s", count, count == 1 ? "" : "s");
    return 0;
}
