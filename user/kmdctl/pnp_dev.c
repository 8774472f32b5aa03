/* Devices for kmdctl's PnP subcommands: see pnp.h. */
#include "pnp.h"

#include <newdev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A REG_MULTI_SZ device property into `ids` (nothing when the device has none). */
static void read_ids(HDEVINFO set, SP_DEVINFO_DATA *data, DWORD property, struct pnp_ids *ids)
{
    wchar_t buf[4096];
    DWORD type = 0, size = 0;

    ids->count = 0;
    memset(buf, 0, sizeof buf);
    if (!SetupDiGetDeviceRegistryPropertyW(set, data, property, &type, (BYTE *)buf,
                                           sizeof buf - 2 * sizeof *buf, &size) ||
        (type != REG_MULTI_SZ && type != REG_SZ))
        return;
    for (const wchar_t *p = buf; *p && p < buf + sizeof buf / sizeof *buf - 2; p += wcslen(p) + 1)
        pnp_ids_add(ids, p);
}

/* The devnode from the device information set, else located by instance id. */
static void read_status(struct pnp_device *d)
{
    DEVINST inst = d->data.DevInst;

    d->status = d->problem = 0;
    d->cr = inst ? CR_SUCCESS : CM_Locate_DevNodeW(&inst, d->instance_id, CM_LOCATE_DEVNODE_NORMAL);
    if (d->cr == CR_SUCCESS)
        d->cr = CM_Get_DevNode_Status(&d->status, &d->problem, inst, 0);
}

BOOL pnp_device_read(HDEVINFO set, DWORD index, struct pnp_device *d)
{
    DWORD type = 0;

    memset(d, 0, sizeof *d);
    d->data.cbSize = sizeof d->data;
    if (!SetupDiEnumDeviceInfo(set, index, &d->data))
        return FALSE;
    if (!SetupDiGetDeviceInstanceIdW(set, &d->data, d->instance_id,
                                     sizeof d->instance_id / sizeof *d->instance_id, NULL))
        d->instance_id[0] = L'\0';
    read_ids(set, &d->data, SPDRP_HARDWAREID, &d->hardware_ids);
    read_ids(set, &d->data, SPDRP_COMPATIBLEIDS, &d->compatible_ids);
    if (!SetupDiGetDeviceRegistryPropertyW(set, &d->data, SPDRP_SERVICE, &type, (BYTE *)d->service,
                                           sizeof d->service - sizeof *d->service, NULL))
        d->service[0] = L'\0';
    read_status(d);
    return TRUE;
}

int pnp_device_has_id(const struct pnp_device *d, const wchar_t *id)
{
    return pnp_ids_has(&d->hardware_ids, id) || pnp_ids_has(&d->compatible_ids, id);
}

/* Every devnode Windows knows has flags (its enumerator's, at least): none at all means the
 * configuration manager does not really report status (Wine 8's CM_Get_DevNode_Status). */
int pnp_device_status_unknown(const struct pnp_device *d)
{
    return d->cr != CR_SUCCESS ? d->cr != CR_NO_SUCH_DEVINST : d->status == 0 && d->problem == 0;
}

int pnp_device_started(const struct pnp_device *d)
{
    return d->cr == CR_SUCCESS && (d->status & DN_STARTED) && !(d->status & DN_HAS_PROBLEM);
}

static const char *problem_name(ULONG problem)
{
    switch (problem) {
    case CM_PROB_NOT_CONFIGURED:
        return "CM_PROB_NOT_CONFIGURED";
    case CM_PROB_FAILED_START:
        return "CM_PROB_FAILED_START";
    case CM_PROB_NEED_RESTART:
        return "CM_PROB_NEED_RESTART";
    case CM_PROB_REINSTALL:
        return "CM_PROB_REINSTALL";
    case CM_PROB_WILL_BE_REMOVED:
        return "CM_PROB_WILL_BE_REMOVED";
    case CM_PROB_DISABLED:
        return "CM_PROB_DISABLED";
    case CM_PROB_DEVICE_NOT_THERE:
        return "CM_PROB_DEVICE_NOT_THERE";
    case CM_PROB_FAILED_INSTALL:
        return "CM_PROB_FAILED_INSTALL";
    case CM_PROB_FAILED_ADD:
        return "CM_PROB_FAILED_ADD";
    case CM_PROB_DISABLED_SERVICE:
        return "CM_PROB_DISABLED_SERVICE";
    case CM_PROB_FAILED_DRIVER_ENTRY:
        return "CM_PROB_FAILED_DRIVER_ENTRY";
    case CM_PROB_DRIVER_FAILED_PRIOR_UNLOAD:
        return "CM_PROB_DRIVER_FAILED_PRIOR_UNLOAD";
    case CM_PROB_DRIVER_FAILED_LOAD:
        return "CM_PROB_DRIVER_FAILED_LOAD";
    case CM_PROB_DRIVER_SERVICE_KEY_INVALID:
        return "CM_PROB_DRIVER_SERVICE_KEY_INVALID";
    case CM_PROB_FAILED_POST_START:
        return "CM_PROB_FAILED_POST_START";
    case CM_PROB_PHANTOM:
        return "CM_PROB_PHANTOM";
    case CM_PROB_DRIVER_BLOCKED:
        return "CM_PROB_DRIVER_BLOCKED";
    case CM_PROB_UNSIGNED_DRIVER:
        return "CM_PROB_UNSIGNED_DRIVER";
    }
    return NULL;
}

const char *pnp_device_state(const struct pnp_device *d, char *buf, size_t size)
{
    const char *name = problem_name(d->problem);

    if (d->cr == CR_NO_SUCH_DEVINST)
        snprintf(buf, size, "not present");
    else if (d->cr != CR_SUCCESS)
        snprintf(buf, size, "unknown (configuration manager error %lu%s)", (unsigned long)d->cr,
                 d->cr == CR_FAILURE                ? ": CR_FAILURE"
                 : d->cr == CR_CALL_NOT_IMPLEMENTED ? ": CR_CALL_NOT_IMPLEMENTED"
                 : d->cr == CR_ACCESS_DENIED        ? ": CR_ACCESS_DENIED"
                                                    : "");
    else if (pnp_device_status_unknown(d))
        snprintf(buf, size, "unknown (the configuration manager reports no status for it%s)",
                 kmd_running_on_wine() ? ": Wine's CM_Get_DevNode_Status is a stub" : "");
    else if (pnp_device_started(d))
        snprintf(buf, size, "started");
    else if (d->status & DN_HAS_PROBLEM)
        snprintf(buf, size, "not started (problem %lu%s%s)", (unsigned long)d->problem,
                 name ? ": " : "", name ? name : "");
    else
        snprintf(buf, size, "not started");
    return buf;
}

void pnp_device_wait(struct pnp_device *d, DWORD ms)
{
    DWORD unknown = 0;

    for (DWORD waited = 0;; waited += 100) {
        read_status(d);
        unknown = pnp_device_status_unknown(d) ? unknown + 100 : 0;
        /* A status that stays unknown for a second will not become known. */
        if (pnp_device_started(d) || waited >= ms || unknown >= 1000 ||
            (d->cr == CR_SUCCESS && (d->status & DN_HAS_PROBLEM)))
            return;
        Sleep(100);
    }
}

DWORD pnp_device_remove(HDEVINFO set, SP_DEVINFO_DATA *data, int *reboot)
{
    SP_DEVINSTALL_PARAMS_W params;

    *reboot = 0;
    memset(&params, 0, sizeof params);
    params.cbSize = sizeof params;
    if (!SetupDiCallClassInstaller(DIF_REMOVE, set, data))
        return GetLastError();
    /* A driver that refused the removal (QUERY_REMOVE failed, or a handle kept the device in
     * use) leaves the rest to the next boot. */
    if (SetupDiGetDeviceInstallParamsW(set, data, &params))
        *reboot = (params.Flags & (DI_NEEDREBOOT | DI_NEEDRESTART)) != 0;
    return ERROR_SUCCESS;
}

DWORD pnp_update_driver(const wchar_t *hwid, const wchar_t *inf, DWORD flags, int *reboot)
{
    BOOL need = FALSE;

    *reboot = 0;
    if (!UpdateDriverForPlugAndPlayDevicesW(NULL, hwid, inf, flags, &need))
        return GetLastError();
    *reboot = need != FALSE;
    return ERROR_SUCCESS;
}

DWORD pnp_devices_open(const wchar_t *enumerator, DWORD flags, HDEVINFO *set, struct pnp_device **d)
{
    *set = SetupDiGetClassDevsW(NULL, enumerator, NULL, flags);
    *d = malloc(sizeof **d);
    if (*set != INVALID_HANDLE_VALUE && *d)
        return 0;
    DWORD err = *d ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
    pnp_devices_close(*set, *d);
    return err;
}

void pnp_devices_close(HDEVINFO set, struct pnp_device *d)
{
    if (set != INVALID_HANDLE_VALUE)
        SetupDiDestroyDeviceInfoList(set);
    free(d);
}
