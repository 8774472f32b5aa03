/* What kmdctl's PnP subcommands share (cmd_pnp.c: the driver store; cmd_pnpdev.c: devices):
 * reading an INF the way Windows picks its parts (pnp_inf.c) and reading devices with SetupAPI
 * and the configuration manager (pnp_dev.c). Every function reports nothing itself unless it
 * says so; those returning int return kmdctl's exit code after out_fail(). */
#ifndef KMDCTL_PNP_H
#define KMDCTL_PNP_H

#include "commands.h"

#include <setupapi.h>
#include <cfgmgr32.h>

/* At most this many ids of one INF's models or of one device are looked at. */
#define PNP_IDS_MAX 64

/* SetupAPI's own errors (winerror.h has them only in newer MinGW headers). */
#ifndef ERROR_INF_IN_USE_BY_DEVICES
#define ERROR_INF_IN_USE_BY_DEVICES 0xE000023DL
#endif
#ifndef ERROR_IN_WOW64
#define ERROR_IN_WOW64 0xE0000235L
#endif

struct pnp_ids {
    size_t count;
    wchar_t id[PNP_IDS_MAX][KMDCTL_DEVICE_ID_MAX + 1];
};

/* Adds `id` unless it is there (ids compare case-insensitively); 0 when full. */
int pnp_ids_add(struct pnp_ids *ids, const wchar_t *id);
int pnp_ids_has(const struct pnp_ids *ids, const wchar_t *id);
/* "a, b, c" (UTF-8) for messages. */
const char *pnp_ids_text(const struct pnp_ids *ids, char *buf, size_t size);

/* --- INF files (pnp_inf.c) ---------------------------------------------------------------- */

/* An INF the user named: checked (exit 3 when missing, 2 when a folder, not a Windows INF or no
 * device INF), made absolute, its class and the ids of its models for this architecture read. */
struct pnp_inf {
    wchar_t path[KMD_PATH_MAX];
    GUID class_guid;
    wchar_t class_name[MAX_CLASS_NAME_LEN];
    wchar_t models[256]; /* the models sections used, for messages: "KmdPnp.NTamd64" */
    struct pnp_ids ids;  /* hardware and compatible ids of those models */
};
int pnp_inf_load(const wchar_t *path, struct pnp_inf *inf);
/* Whether the package is whole: its catalog (CatalogFile) and every file [SourceDisksFiles]
 * lists are where Windows will look for them (exit 3 naming the first one missing). */
int pnp_inf_check_package(const struct pnp_inf *inf);

/* The [Version] of an INF, strings substituted ("" when absent). */
struct pnp_inf_version {
    wchar_t provider[256];
    wchar_t class_name[MAX_CLASS_NAME_LEN];
    wchar_t driver_ver[64];     /* "MM/DD/YYYY,W.X.Y.Z" */
    wchar_t original[MAX_PATH]; /* the name it had before it was published ("" unknown) */
};
DWORD pnp_inf_read_version(const wchar_t *path, struct pnp_inf_version *v);

/* %windir%\inf\<name>. */
DWORD pnp_store_path(const wchar_t *name, wchar_t *path, size_t size);

/* --- devices (pnp_dev.c) ------------------------------------------------------------------ */

struct pnp_device {
    SP_DEVINFO_DATA data;
    wchar_t instance_id[KMDCTL_DEVICE_ID_MAX + 1];
    struct pnp_ids hardware_ids, compatible_ids;
    wchar_t service[KMD_SERVICE_NAME_MAX + 1]; /* "" when none */
    CONFIGRET cr;                              /* of CM_Get_DevNode_Status */
    ULONG status, problem;                     /* DN_*, CM_PROB_* */
};

/* The devices SetupDiGetClassDevsW(NULL, enumerator, NULL, flags) lists, and one pnp_device to
 * read them into: 0, or the error (then nothing is left to close). */
DWORD pnp_devices_open(const wchar_t *enumerator, DWORD flags, HDEVINFO *set,
                       struct pnp_device **d);
void pnp_devices_close(HDEVINFO set, struct pnp_device *d);
/* Reads device `index` of `set`; FALSE (GetLastError ERROR_NO_MORE_ITEMS) after the last. */
BOOL pnp_device_read(HDEVINFO set, DWORD index, struct pnp_device *d);
/* Whether the device has `id` among its hardware or compatible ids. */
int pnp_device_has_id(const struct pnp_device *d, const wchar_t *id);
int pnp_device_started(const struct pnp_device *d);
/* Whether the system gave no usable status for it (not: not present). */
int pnp_device_status_unknown(const struct pnp_device *d);
/* "started", "not started (problem 28: CM_PROB_FAILED_INSTALL)", "not present", ... */
const char *pnp_device_state(const struct pnp_device *d, char *buf, size_t size);
/* Reads the status again, every 100 ms for up to `ms`, until it has started or has a problem. */
void pnp_device_wait(struct pnp_device *d, DWORD ms);

/* DIF_REMOVE; *reboot says whether Windows needs a restart to finish it (a driver vetoed). */
DWORD pnp_device_remove(HDEVINFO set, SP_DEVINFO_DATA *data, int *reboot);

/* UpdateDriverForPlugAndPlayDevices for every present device with `hwid`. */
DWORD pnp_update_driver(const wchar_t *hwid, const wchar_t *inf, DWORD flags, int *reboot);

#endif
